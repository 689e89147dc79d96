from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import KpiCommon

VN_OFFSET = timedelta(hours=7)
HOLIDAYS = {
    # xml id: (first day, last day), in Vietnam
    "vn_holiday_2026_new_year": (date(2026, 1, 1), date(2026, 1, 4)),
    "vn_holiday_2026_tet": (date(2026, 2, 14), date(2026, 2, 22)),
    "vn_holiday_2026_hung_kings": (date(2026, 4, 26), date(2026, 4, 27)),
    "vn_holiday_2026_reunification_labour": (date(2026, 4, 30), date(2026, 5, 1)),
    "vn_holiday_2026_national_day": (date(2026, 8, 29), date(2026, 9, 2)),
    "vn_holiday_2027_new_year": (date(2027, 1, 1), date(2027, 1, 1)),
    "vn_holiday_2027_tet": (date(2027, 2, 4), date(2027, 2, 10)),
    "vn_holiday_2027_hung_kings": (date(2027, 4, 16), date(2027, 4, 16)),
    "vn_holiday_2027_reunification_labour": (date(2027, 4, 30), date(2027, 5, 3)),
    "vn_holiday_2027_national_day": (date(2027, 9, 2), date(2027, 9, 3)),
}


@tagged("post_install", "-at_install")
class TestLaw2026Appeal(KpiCommon):
    """Appeals in working days: the window and the
    resolution time of the rule set count the working days of the company's
    calendar, its public holidays off; the overdue appeals on the dashboard.

    The month is March 2026, published on Friday 24/4/2026: Monday 27/4
    (Giỗ Tổ Hùng Vương, Sunday 26/4, taken on Monday) and 30/4-1/5 are off, so
    the 5 working days of the window are 28/4, 29/4, 4/5, 5/5 and 6/5.
    """

    PUBLISHED = date(2026, 4, 24)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.march = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 3, 1)}
        )
        # unit B, headed by another head: not concerned by the Office's appeals
        cls.user_head_b = new_test_user(
            cls.env,
            login="kpi_head_b",
            groups="l10n_vn_hr_kpi.group_kpi_head",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            context=DISABLED_MAIL_CONTEXT,
        )
        emp_head_b = cls.env["hr.employee"].create(
            {
                "name": "Head B",
                "user_id": cls.user_head_b.id,
                "company_id": cls.company.id,
            }
        )
        cls.unit_b = cls.env["hr.department"].create(
            {
                "name": "Unit B",
                "company_id": cls.company.id,
                "manager_id": emp_head_b.id,
            }
        )
        emp_head_b.department_id = cls.unit_b

    def published(self, employee, published_date=None, level="good"):
        self.make_task(employee)
        appraisal = self.make_appraisal(
            employee,
            period=self.march,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
        )
        self.set_general(appraisal, 30.0)
        # sudo: a fixture; the appeal itself is filed as the employee
        appraisal.sudo().write(
            {
                "state": "published",
                "level_final": level,
                "published_date": published_date or self.PUBLISHED,
            }
        )
        return appraisal

    def appeal_as_staff(self, appraisal, when, reason="My reports were on time"):
        with freeze_time(when):
            appraisal.invalidate_recordset(["can_appeal", "appeal_overdue"])
            as_staff = appraisal.with_user(self.user_staff)
            can = as_staff.can_appeal
            as_staff._do_appeal(reason)
        return can

    # ---- the data ---------------------------------------------------------

    def test_public_holidays_of_2026_and_2027_are_shipped(self):
        std = self.env.ref("resource.resource_calendar_std")
        for xmlid, (first, last) in HOLIDAYS.items():
            with self.subTest(holiday=xmlid):
                holiday = self.env.ref(f"l10n_vn_hr_kpi.{xmlid}")
                self.assertEqual(holiday.calendar_id, std)
                self.assertFalse(holiday.resource_id)
                self.assertEqual(holiday.time_type, "leave")
                self.assertTrue(holiday.name)
                # 00:00 to 23:59:59 in Vietnam (UTC+7)
                self.assertEqual(
                    holiday.date_from, datetime.combine(first, time()) - VN_OFFSET
                )
                self.assertEqual(
                    holiday.date_to,
                    datetime.combine(last, time(23, 59, 59)) - VN_OFFSET,
                )
        for year in (2026, 2027):
            self.assertEqual(
                len([x for x in HOLIDAYS if f"_{year}_" in x]), 5, f"5 holidays {year}"
            )

    def test_a_new_ward_gets_the_public_holidays_on_its_calendar(self):
        """The test ward was created after the installation: its own calendar
        got the holidays; a company of another country does not."""
        calendar = self.company.resource_calendar_id
        self.assertNotEqual(calendar, self.env.ref("resource.resource_calendar_std"))
        holidays = calendar.global_leave_ids
        self.assertEqual(len(holidays), len(HOLIDAYS))
        self.assertEqual(holidays.company_id, self.company)
        foreign = self.env["res.company"].create(
            {"name": "Other country", "country_id": self.env.ref("base.fr").id}
        )
        self.assertFalse(foreign.resource_calendar_id.global_leave_ids)
        # running it again copies nothing twice
        self.company._kpi_add_public_holidays()
        self.assertEqual(len(calendar.global_leave_ids), len(HOLIDAYS))

    # ---- counting ----------------------------------------------------------

    def test_working_days_skip_weekends_and_public_holidays(self):
        Calendar = self.env["hr.kpi.calendar"]
        cases = [
            # (start, days, kind, expected)
            (self.PUBLISHED, 5, "working", date(2026, 5, 6)),
            (self.PUBLISHED, 6, "working", date(2026, 5, 7)),
            (self.PUBLISHED, 5, "calendar", date(2026, 4, 29)),
            (self.PUBLISHED, 0, "working", self.PUBLISHED),
            # across Tết 2026 (14/2-22/2): Friday 13/2 + 1 is Monday 23/2
            (date(2026, 2, 13), 1, "working", date(2026, 2, 23)),
            # across the National Day 2026 (29/8-2/9)
            (date(2026, 8, 28), 5, "working", date(2026, 9, 9)),
            # 10 working days from Tuesday 28/4/2026, across 30/4-1/5
            (date(2026, 4, 28), 10, "working", date(2026, 5, 14)),
            (date(2026, 4, 28), 10, "calendar", date(2026, 5, 8)),
        ]
        deadlines = Calendar._kpi_deadlines(
            [(self.company, start, days, kind) for start, days, kind, _ in cases]
        )
        for (start, days, kind, expected), deadline in zip(
            cases, deadlines, strict=True
        ):
            with self.subTest(start=start, days=days, kind=kind):
                self.assertEqual(deadline, expected)
        # the same, one request at a time, whoever asks
        self.assertEqual(
            Calendar.with_user(self.user_staff)._kpi_deadline(
                self.company, self.PUBLISHED, 5
            ),
            date(2026, 5, 6),
        )

    def test_a_month_is_counted_in_one_pass_per_company(self):
        """Publishing a month reads the working days once for the company, not
        once per appraisal."""
        appraisals = self.published(self.emp_staff) | self.published(self.emp_staff2)
        staff3 = self.env["hr.employee"].create(
            {
                "name": "Staff Three",
                "company_id": self.company.id,
                "department_id": self.department.id,
                "parent_id": self.emp_leader.id,
            }
        )
        appraisals |= self.published(staff3)
        self.env.flush_all()
        Calendar = type(self.env["hr.kpi.calendar"])
        original = Calendar._kpi_working_days
        with patch.object(
            Calendar, "_kpi_working_days", autospec=True, side_effect=original
        ) as counted:
            # sudo: a fixture, the month published again on another day
            appraisals.sudo().write({"published_date": date(2026, 4, 28)})
            self.env.flush_all()
        self.assertEqual(counted.call_count, 1)
        self.assertEqual(set(appraisals.mapped("appeal_deadline")), {date(2026, 5, 7)})

    def test_without_a_calendar_monday_to_friday(self):
        Calendar = self.env["hr.kpi.calendar"]
        self.company.resource_calendar_id = False
        # 27/4, 28/4, 29/4, 30/4, 1/5: no holiday without a calendar
        self.assertEqual(
            Calendar._kpi_deadline(self.company, self.PUBLISHED, 5), date(2026, 5, 1)
        )
        # the company's public holidays without a calendar count
        self.env["resource.calendar.leaves"].with_company(self.company).create(
            {
                "name": "Reunification Day",
                "company_id": self.company.id,
                "calendar_id": False,
                "date_from": datetime(2026, 4, 29, 17),
                "date_to": datetime(2026, 4, 30, 16, 59, 59),
            }
        )
        self.assertEqual(
            Calendar._kpi_deadline(self.company, self.PUBLISHED, 5), date(2026, 5, 4)
        )

    # ---- the appeal window -------------------------------------------------

    def test_appeal_on_the_5th_working_day_across_a_holiday_is_accepted(self):
        appraisal = self.published(self.emp_staff)
        self.assertEqual(appraisal.appeal_deadline, date(2026, 5, 6))
        # Wednesday 6/5/2026: 12 calendar days after, the 5th working day
        self.assertTrue(self.appeal_as_staff(appraisal, "2026-05-06 10:00:00"))
        self.assertEqual(appraisal.state, "appeal_open")

    def test_appeal_on_the_6th_working_day_across_a_holiday_is_refused(self):
        appraisal = self.published(self.emp_staff)
        with freeze_time("2026-05-07 10:00:00"):
            as_staff = appraisal.with_user(self.user_staff)
            self.assertFalse(as_staff.can_appeal)
            with self.assertRaises(UserError) as refused:
                as_staff._do_appeal("Too late")
        self.assertIn("2026-05-06", str(refused.exception))
        self.assertEqual(appraisal.state, "published")
        self.assertFalse(appraisal.appeal_reason)

    def test_only_the_employee_appeals_in_the_window(self):
        appraisal = self.published(self.emp_staff)
        with freeze_time("2026-05-06 10:00:00"):
            for user in (self.user_staff2, self.user_head, self.user_hr):
                with self.subTest(user=user.login), self.assertRaises(UserError):
                    appraisal.with_user(user)._do_appeal("Not mine")
        self.assertEqual(appraisal.state, "published")

    def test_calendar_days_when_the_rule_set_says_so(self):
        self.rs_nd335.appeal_day_kind = "calendar"
        appraisal = self.published(self.emp_staff)
        # Friday 24/4 + 5 days: Wednesday 29/4, holidays or not
        self.assertEqual(appraisal.appeal_deadline, date(2026, 4, 29))
        with freeze_time("2026-04-30 10:00:00"), self.assertRaises(UserError):
            appraisal.with_user(self.user_staff)._do_appeal("Too late")
        self.assertEqual(appraisal.state, "published")
        other = self.published(self.emp_staff2)
        with freeze_time("2026-04-29 10:00:00"):
            other.with_user(self.user_staff2)._do_appeal("In time")
        self.assertEqual(other.state, "appeal_open")

    def test_the_cron_locks_after_the_working_day_window(self):
        appraisal = self.published(self.emp_staff)
        Appraisal = self.env["hr.kpi.appraisal"]
        with freeze_time("2026-05-06 10:00:00"):
            self.assertNotIn(appraisal, Appraisal._kpi_auto_lock())
        self.assertEqual(appraisal.state, "published")
        with freeze_time("2026-05-07 10:00:00"):
            self.assertIn(appraisal, Appraisal._kpi_auto_lock())
        self.assertEqual(appraisal.state, "locked")

    def test_a_holiday_added_later_moves_the_open_windows_only(self):
        """The Government swaps a day: the HR officer adds it to the ward's
        calendar; the running window follows, a locked month keeps its own."""
        running = self.published(self.emp_staff)
        closed = self.published(self.emp_staff2)
        # sudo: a fixture, a month already locked
        closed.sudo().write({"state": "locked"})
        self.assertEqual(closed.appeal_deadline, date(2026, 5, 6))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Swapped day",
                "calendar_id": self.company.resource_calendar_id.id,
                "date_from": datetime(2026, 5, 3, 17),
                "date_to": datetime(2026, 5, 4, 16, 59, 59),
            }
        )
        self.assertEqual(running.appeal_deadline, date(2026, 5, 7))
        self.assertEqual(closed.appeal_deadline, date(2026, 5, 6))

    # ---- the resolution time -------------------------------------------------

    def test_resolution_deadline_counts_10_working_days(self):
        appraisal = self.published(self.emp_staff)
        # filed on Tuesday 28/4/2026 (9:00 in Hà Nội): 10 working days after,
        # 30/4 and 1/5 off, is Thursday 14/5
        self.appeal_as_staff(appraisal, "2026-04-28 02:00:00")
        self.assertEqual(appraisal.appeal_date, datetime(2026, 4, 28, 2))
        self.assertEqual(appraisal.appeal_resolution_deadline, date(2026, 5, 14))
        Appraisal = self.env["hr.kpi.appraisal"]
        with freeze_time("2026-05-14 10:00:00"):
            appraisal.invalidate_recordset(["appeal_overdue"])
            self.assertFalse(appraisal.appeal_overdue)
            self.assertFalse(Appraisal.search([("appeal_overdue", "=", True)]))
        with freeze_time("2026-05-15 10:00:00"):
            appraisal.invalidate_recordset(["appeal_overdue"])
            self.assertTrue(appraisal.appeal_overdue)
            self.assertEqual(
                Appraisal.search(
                    [
                        ("appeal_overdue", "=", True),
                        ("company_id", "=", self.company.id),
                    ]
                ),
                appraisal,
            )
            self.assertNotIn(
                appraisal, Appraisal.search([("appeal_overdue", "=", False)])
            )
            # resolved: no longer overdue
            appraisal.with_user(self.user_head)._do_resolve_appeal(
                "rejected", "The reports were late"
            )
            appraisal.invalidate_recordset(["appeal_overdue"])
            self.assertFalse(appraisal.appeal_overdue)
            self.assertFalse(
                Appraisal.search(
                    [
                        ("appeal_overdue", "=", True),
                        ("company_id", "=", self.company.id),
                    ]
                )
            )
        self.assertEqual(appraisal.appeal_resolution_deadline, date(2026, 5, 14))

    def test_resolution_in_calendar_days(self):
        self.rs_nd335.appeal_day_kind = "calendar"
        appraisal = self.published(self.emp_staff)
        self.appeal_as_staff(appraisal, "2026-04-28 02:00:00")
        self.assertEqual(appraisal.appeal_resolution_deadline, date(2026, 5, 8))

    def test_deadlines_are_not_written_by_hand(self):
        appraisal = self.published(self.emp_staff)
        self.appeal_as_staff(appraisal, "2026-04-28 02:00:00")
        for user in (self.user_staff, self.user_head, self.user_hr):
            for fname in ("appeal_deadline", "appeal_resolution_deadline"):
                with (
                    self.subTest(user=user.login, field=fname),
                    self.assertRaises(UserError),
                ):
                    appraisal.with_user(user).write({fname: "2026-12-31"})
        self.assertEqual(appraisal.appeal_resolution_deadline, date(2026, 5, 14))

    # ---- the dashboard -------------------------------------------------------

    def test_dashboard_shows_the_overdue_appeals_to_hr_and_the_head(self):
        appraisal = self.published(self.emp_staff)
        self.published(self.emp_staff2)  # published, no appeal
        self.appeal_as_staff(appraisal, "2026-04-28 02:00:00")
        self.env.flush_all()
        Dashboard = self.env["hr.kpi.dashboard"]
        with freeze_time("2026-05-14 10:00:00"):
            data = Dashboard.with_user(self.user_hr).get_data()
            self.assertEqual(data["appeal_overdue_count"], 0, "not yet overdue")
        with freeze_time("2026-05-15 10:00:00"):
            for user, count in (
                (self.user_hr, 1),
                (self.user_head, 1),
                (self.user_head_b, 0),
            ):
                with self.subTest(user=user.login):
                    data = Dashboard.with_user(user).get_data()
                    self.assertEqual(data["appeal_overdue_count"], count)
                    action = Dashboard.with_user(user).action_open_overdue_appeals()
                    self.assertEqual(action["res_model"], "hr.kpi.appraisal")
                    self.assertEqual(
                        self.env["hr.kpi.appraisal"]
                        .with_user(user)
                        .search(action["domain"]),
                        appraisal if count else self.env["hr.kpi.appraisal"],
                    )
            # the dashboard's unit filter applies
            data = Dashboard.with_user(self.user_hr).get_data(
                department_id=self.unit_b.id
            )
            self.assertEqual(data["appeal_overdue_count"], 0)
            # the employee has no dashboard
            with self.assertRaises(AccessError):
                Dashboard.with_user(self.user_staff).action_open_overdue_appeals()

    # ---- the period ------------------------------------------------------------

    def test_period_closes_after_the_working_day_window(self):
        # the month's last deadline is Friday 24/4/2026 (summary day 24)
        self.rs_nd335.summary_day = 24
        self.assertEqual(self.march.date_summary, self.PUBLISHED)
        self.assertEqual(self.march.date_lock, date(2026, 5, 6))
        self.rs_nd335.appeal_day_kind = "calendar"
        self.assertEqual(self.march.date_lock, date(2026, 4, 29))


@tagged("post_install", "-at_install")
class TestLaw2026AppealTour(HttpCase):
    def test_overdue_appeal_on_the_dashboard_tour(self):
        """Browser tour (Chromium): the head sees the overdue appeal of his unit
        on the dashboard and opens the list of overdue appeals."""
        company = self.env.ref("base.main_company")
        head_user = new_test_user(
            self.env,
            login="kpi_tour_appeal",
            groups="base.group_user,l10n_vn_hr_kpi.group_kpi_head",
        )
        unit = self.env["hr.department"].create(
            {"name": "Tour appeal unit", "company_id": company.id}
        )
        Employee = self.env["hr.employee"].with_company(company)
        head = Employee.create(
            {"name": "Tour head", "user_id": head_user.id, "department_id": unit.id}
        )
        unit.manager_id = head
        rule_set = self.env.ref("l10n_vn_hr_kpi.rule_set_nd335_2026").copy(
            {"company_id": company.id}
        )
        period = self.env["hr.kpi.period"].create(
            {
                "company_id": company.id,
                "date_start": "2026-03-01",
                "rule_set_id": rule_set.id,
            }
        )
        employee = Employee.create(
            {"name": "Tour appellant", "department_id": unit.id, "parent_id": head.id}
        )
        appraisal = self.env["hr.kpi.appraisal"].create(
            {
                "employee_id": employee.id,
                "period_id": period.id,
                "rule_set_id": rule_set.id,
                "decider_employee_id": head.id,
            }
        )
        # sudo: a fixture, an appeal filed in April 2026 and never resolved
        appraisal.sudo().write(
            {
                "state": "appeal_open",
                "level_final": "done",
                "published_date": "2026-04-24",
                "appeal_reason": "My reports were on time",
                "appeal_date": "2026-04-28 02:00:00",
            }
        )
        self.assertEqual(appraisal.appeal_resolution_deadline, date(2026, 5, 14))
        data = self.env["hr.kpi.dashboard"].with_user(head_user).get_data()
        self.assertEqual(data["appeal_overdue_count"], 1)
        self.start_tour(
            "/odoo/action-l10n_vn_hr_kpi.hr_kpi_dashboard_action",
            "l10n_vn_hr_kpi_appeal_overdue_tour",
            login="kpi_tour_appeal",
        )
