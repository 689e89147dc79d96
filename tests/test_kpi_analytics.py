from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KpiCommon

DASHBOARD_MODULE = "odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_dashboard"


class KpiAnalyticsCase(KpiCommon):
    """A crafted month (May 2026), with March and April for the leniency flag,
    to count the analysis view and the dashboard by hand.

    Units: the Office (headed by ``user_head``), its sub-unit A, and unit B
    (another head). The rule set counts the quota on all the decided members
    at 50 %, rounded down.

    ======  =====  ===========  ==============  ============  =============
    unit    who    May level    self-evaluated  decided       overdue tasks
    ======  =====  ===========  ==============  ============  =============
    Office  E1     excellent    on time         on time       2 (open, late)
    Office  staff  good (pub.)  late            on time       0
    Office  E3     good         never           late          0
    Office  E4     done         on time         on time       0
    Office  E5     (reviewed)   on time         not yet       0
    A       A1     excellent    on time         on time       0 (cancelled)
    A       A2     excellent    on time         on time       0
    A       A3     good         on time         on time       0
    B       B1     good         on time         late          1
    B       B2     good         on time         on time       0
    ======  =====  ===========  ==============  ============  =============

    March and April: A1, A2 good and B1 good, B2 excellent (both months);
    the Office has E1 good in March and E4 done in April.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rs_nd335.write({"quota_denominator": "all", "quota_percent": 50.0})
        Department = cls.env["hr.department"]
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.unit_a = Department.create(
            {
                "name": "Unit A",
                "parent_id": cls.department.id,
                "company_id": cls.company.id,
            }
        )
        cls.unit_b = Department.create(
            {
                "name": "Unit B",
                "company_id": cls.company.id,
                "manager_id": cls.emp_other_evaluator.id,
            }
        )

        def employee(name, unit):
            return Employee.create({"name": name, "department_id": unit.id})

        office = cls.department
        cls.e1 = employee("E1", office)
        cls.e3 = employee("E3", office)
        cls.e4 = employee("E4", office)
        cls.e5 = employee("E5", office)
        cls.a1 = employee("A1", cls.unit_a)
        cls.a2 = employee("A2", cls.unit_a)
        cls.a3 = employee("A3", cls.unit_a)
        cls.b1 = employee("B1", cls.unit_b)
        cls.b2 = employee("B2", cls.unit_b)

        Period = cls.env["hr.kpi.period"]
        cls.march = Period.create(
            {"company_id": cls.company.id, "date_start": date(2026, 3, 1)}
        )
        cls.april = Period.create(
            {"company_id": cls.company.id, "date_start": date(2026, 4, 1)}
        )
        may = cls.period

        # May tasks (deadline 20 May): E1 one still open and one done late,
        # one done on time; B1 one open; A1 one cancelled
        cls.make_task(cls.e1, done=0)
        cls.make_task(cls.e1, date_done=date(2026, 5, 25))
        cls.make_task(cls.e1)
        cls.make_task(cls.b1, done=0)
        cls.make_task(cls.a1, done=0, state="cancelled")

        self_deadline = datetime.combine(may.date_self_evaluation, time(9))
        decision_deadline = datetime.combine(may.date_decision, time(9))
        on_time_self = self_deadline - timedelta(days=1)
        on_time_decision = decision_deadline - timedelta(days=1)
        late = timedelta(days=2)

        def appraisal(
            employee, period, state, level=False, self_date=None, decided=None
        ):
            record = cls.make_appraisal(employee, period=period)
            record.sudo().write(
                {
                    "state": state,
                    "level_final": level,
                    "self_submitted_date": self_date,
                    "decided_date": decided,
                }
            )
            return record

        cls.may = {
            "E1": appraisal(
                cls.e1, may, "decided", "excellent", on_time_self, on_time_decision
            ),
            "staff": appraisal(
                cls.emp_staff,
                may,
                "published",
                "good",
                self_deadline + late,
                on_time_decision,
            ),
            "E3": appraisal(
                cls.e3, may, "decided", "good", None, decision_deadline + late
            ),
            "E4": appraisal(
                cls.e4, may, "decided", "done", on_time_self, on_time_decision
            ),
            "E5": appraisal(cls.e5, may, "reviewed", False, on_time_self, None),
            "A1": appraisal(
                cls.a1, may, "decided", "excellent", on_time_self, on_time_decision
            ),
            "A2": appraisal(
                cls.a2, may, "decided", "excellent", on_time_self, on_time_decision
            ),
            "A3": appraisal(
                cls.a3, may, "decided", "good", on_time_self, on_time_decision
            ),
            "B1": appraisal(
                cls.b1, may, "decided", "good", on_time_self, decision_deadline + late
            ),
            "B2": appraisal(
                cls.b2, may, "decided", "good", on_time_self, on_time_decision
            ),
        }
        for period in (cls.march, cls.april):
            for emp, level in (
                (cls.a1, "good"),
                (cls.a2, "good"),
                (cls.b1, "good"),
                (cls.b2, "excellent"),
            ):
                appraisal(emp, period, "locked", level, on_time_self, on_time_decision)
        cls.e1_march = appraisal(cls.e1, cls.march, "locked", "good")
        appraisal(cls.e4, cls.april, "locked", "done")
        cls.env.flush_all()

    def rows(self, user, domain=()):
        return (
            self.env["hr.kpi.appraisal.analysis"]
            .with_user(user)
            .search([("period_id", "=", self.period.id), *domain])
        )


@tagged("post_install", "-at_install")
class TestKpiAnalytics(KpiAnalyticsCase):
    """The analysis view and the dashboard against a hand count of the
    crafted month."""

    # ---- the SQL view ----------------------------------------------------

    def test_dashboard_narrowed_to_the_rows_the_user_reads_gives_the_same(self):
        """A head's dashboard counts the ids of the rows he may read (found
        once) instead of filtering the month by the record rules in every
        count: the figures are the same."""
        Dashboard = type(self.env["hr.kpi.dashboard"])
        for user in (self.user_head, self.user_hr):
            dashboard = self.env["hr.kpi.dashboard"].with_user(user)
            narrowed = dashboard.get_data(period_id=self.period.id)
            with patch.object(
                Dashboard, "_dashboard_narrowed", lambda self, domain: domain
            ):
                plain = dashboard.get_data(period_id=self.period.id)
            self.assertEqual(narrowed, plain, user.login)
            self.assertTrue(narrowed["appraisal_count"], user.login)
        # the head's domain carries the ids of his rows; HR's is left as is
        head = self.env["hr.kpi.dashboard"].with_user(self.user_head)
        domain = [("period_id", "=", self.period.id)]
        rows = self.env["hr.kpi.appraisal.analysis"].with_user(self.user_head)
        self.assertEqual(
            head._dashboard_narrowed(domain),
            [("id", "in", rows.search(domain, order="id").ids), *domain],
        )
        hr = self.env["hr.kpi.dashboard"].with_user(self.user_hr)
        self.assertEqual(hr._dashboard_narrowed(domain), domain)

    def test_hr_options_found_by_index_are_the_rows_months_and_units(self):
        """The HR officer's months and units of the filters, found by index
        lookups, are those of his analysis rows: not another company's."""
        other_unit = self.env["hr.department"].create(
            {"name": "Other ward's office", "company_id": self.other_company.id}
        )
        stranger = self.env["hr.employee"].create(
            {
                "name": "Other ward's officer",
                "company_id": self.other_company.id,
                "department_id": other_unit.id,
            }
        )
        other_month = self.env["hr.kpi.period"].create(
            {"company_id": self.other_company.id, "date_start": date(2026, 2, 1)}
        )
        self.make_appraisal(stranger, period=other_month)
        Analysis = self.env["hr.kpi.appraisal.analysis"].with_user(self.user_hr)
        options = (
            self.env["hr.kpi.dashboard"].with_user(self.user_hr)._dashboard_options()
        )
        self.assertEqual(
            [period["id"] for period in options["periods"]],
            [
                p.id
                for [p] in Analysis._read_group([], ["period_id"], order="period_id")
            ],
        )
        self.assertEqual(
            {department["id"] for department in options["departments"]},
            {d.id for [d] in Analysis._read_group([], ["department_id"]) if d},
        )
        self.assertGreater(len(options["periods"]), 1)
        self.assertNotIn(other_month.id, [p["id"] for p in options["periods"]])
        self.assertNotIn(other_unit.id, [d["id"] for d in options["departments"]])

    def test_overdue_count_reads_the_index_of_overdue_tasks(self):
        """The view's count of a row's overdue tasks can be answered from
        the partial index of the tasks that can be overdue: its condition
        implies the index's (if either changes alone, PostgreSQL falls back
        to reading every task of the appraisal, or of the month)."""
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("SET LOCAL enable_bitmapscan = off")
        self.env.cr.execute(
            """
            EXPLAIN SELECT overdue_task_count FROM hr_kpi_appraisal_analysis
             WHERE appraisal_id = %s
            """,
            (self.may["E1"].id,),
        )
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("hr_kpi_task_overdue_by_appraisal_index", plan)

    def test_analysis_rows(self):
        rows = self.rows(self.user_hr)
        by_appraisal = {row.appraisal_id: row for row in rows}
        self.assertEqual(len(rows), 10)
        e1 = by_appraisal[self.may["E1"]]
        self.assertEqual(
            (
                e1.level,
                e1.late_self_evaluation,
                e1.late_decision,
                e1.overdue_task_count,
            ),
            ("excellent", False, False, 2),
        )
        staff = by_appraisal[self.may["staff"]]
        self.assertEqual((staff.level, staff.is_published), ("good", True))
        self.assertTrue(staff.late_self_evaluation)
        self.assertFalse(staff.late_decision)
        e3 = by_appraisal[self.may["E3"]]
        self.assertTrue(e3.late_self_evaluation, "never self-evaluated")
        self.assertTrue(e3.late_decision)
        e5 = by_appraisal[self.may["E5"]]
        self.assertFalse(e5.level, "no level before the decision")
        self.assertFalse(e5.is_evaluated)
        self.assertTrue(e5.late_decision, "still undecided after the deadline")
        self.assertEqual(by_appraisal[self.may["A1"]].overdue_task_count, 0)
        self.assertEqual(by_appraisal[self.may["B1"]].overdue_task_count, 1)
        self.assertEqual(by_appraisal[self.may["B1"]].department_id, self.unit_b)
        self.assertEqual(sum(rows.mapped("late_self_evaluation_count")), 2)
        self.assertEqual(sum(rows.mapped("late_decision_count")), 3)
        self.assertEqual(sum(rows.mapped("overdue_task_count")), 3)
        # the unit subtree filter
        self.assertEqual(
            len(
                self.rows(
                    self.user_hr, [("department_id", "child_of", self.department.id)]
                )
            ),
            8,
        )

    # ---- the dashboard ---------------------------------------------------

    def test_dashboard_figures_as_hr(self):
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_hr)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(data["period"]["id"], self.period.id)
        self.assertEqual(data["appraisal_count"], 10)
        self.assertEqual(data["evaluated_count"], 9)
        self.assertEqual(
            {row["level"]: row["count"] for row in data["levels"]},
            {"excellent": 3, "good": 5, "done": 1, "fail": 0},
        )
        self.assertEqual(data["late_self_evaluation_count"], 2)
        self.assertEqual(data["late_decision_count"], 3)
        self.assertEqual(data["overdue_task_count"], 3)
        units = {unit["id"]: unit for unit in data["units"]}
        office = units[self.department.id]
        self.assertEqual(
            office["levels"], {"excellent": 1, "good": 2, "done": 1, "fail": 0}
        )
        self.assertEqual(
            (
                office["evaluated"],
                office["appraisals"],
                office["excellent"],
                office["cap"],
                office["over_cap"],
                office["late_self_evaluation"],
                office["late_decision"],
                office["overdue_tasks"],
            ),
            (4, 5, 1, 2, False, 2, 2, 2),
        )
        self.assertEqual(office["excellent_share"], 25.0)
        unit_a = units[self.unit_a.id]
        # 3 decided at 50 %, rounded down: 1; two excellent: over the cap
        self.assertEqual(
            (unit_a["excellent"], unit_a["cap"], unit_a["over_cap"]), (2, 1, True)
        )
        self.assertEqual(unit_a["excellent_share"], 66.7)
        unit_b = units[self.unit_b.id]
        self.assertEqual(
            (unit_b["excellent"], unit_b["cap"], unit_b["over_cap"]), (0, 1, False)
        )
        self.assertEqual((unit_b["late_decision"], unit_b["overdue_tasks"]), (1, 1))
        # nể nang: A and B rated everyone HTTNV or better in March, April and May
        self.assertEqual(
            [unit["id"] for unit in data["lenient"]],
            [self.unit_a.id, self.unit_b.id],
        )
        self.assertEqual(data["lenient"][0]["months"], 3)
        self.assertFalse(data["citizen_satisfaction"])
        self.assertEqual(
            [p["id"] for p in data["options"]["periods"]],
            [self.period.id, self.april.id, self.march.id],
        )

    def test_dashboard_filters(self):
        Dashboard = self.env["hr.kpi.dashboard"].with_user(self.user_hr)
        # without a period: the latest month with decisions
        self.assertEqual(Dashboard.get_data()["period"]["id"], self.period.id)
        data = Dashboard.get_data(
            period_id=self.period.id, department_id=self.unit_b.id
        )
        self.assertEqual(data["evaluated_count"], 2)
        self.assertEqual([unit["id"] for unit in data["units"]], [self.unit_b.id])
        self.assertEqual([unit["id"] for unit in data["lenient"]], [self.unit_b.id])
        self.may["B2"].subject_group = "public_employee"
        self.env.flush_all()
        data = Dashboard.get_data(
            period_id=self.period.id, subject_group="public_employee"
        )
        self.assertEqual(data["evaluated_count"], 1)
        self.assertEqual(
            {row["level"]: row["count"] for row in data["levels"]},
            {"excellent": 0, "good": 1, "done": 0, "fail": 0},
        )

    def test_dashboard_of_a_city_picks_employees_per_unit(self):
        """Above EMPLOYEE_PICK_LIMIT appraisals in the month, the employees to
        pick for the trend come with a chosen unit only (not the city's every
        name with each refresh); the figures stay the company's."""
        Dashboard = self.env["hr.kpi.dashboard"].with_user(self.user_hr)
        small = Dashboard.get_data(period_id=self.period.id)
        self.assertEqual(len(small["employees"]), 10)
        self.assertFalse(small["employees_need_unit"])
        with patch(f"{DASHBOARD_MODULE}.EMPLOYEE_PICK_LIMIT", 5):
            city = Dashboard.get_data(period_id=self.period.id)
            self.assertEqual(city["employees"], [])
            self.assertTrue(city["employees_need_unit"])
            self.assertEqual(city["evaluated_count"], small["evaluated_count"])
            self.assertEqual(city["units"], small["units"])
            unit = Dashboard.get_data(
                period_id=self.period.id, department_id=self.unit_b.id
            )
        self.assertFalse(unit["employees_need_unit"])
        self.assertEqual(
            {row["id"] for row in unit["employees"]},
            set(
                self.env["hr.kpi.appraisal"]
                .search(
                    [
                        ("period_id", "=", self.period.id),
                        ("department_id", "child_of", self.unit_b.id),
                    ]
                )
                .employee_id.ids
            ),
        )

    def test_lenient_flag_needs_every_month(self):
        # one HTNV in March breaks unit B's run
        march_b1 = self.env["hr.kpi.appraisal"].search(
            [("employee_id", "=", self.b1.id), ("period_id", "=", self.march.id)]
        )
        march_b1.sudo().level_final = "done"
        self.env.flush_all()
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_hr)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual([unit["id"] for unit in data["lenient"]], [self.unit_a.id])
        # N comes from the rule set: over 4 months there is no run at all
        self.rs_nd335.lenient_months = 4
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_hr)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(data["lenient"], [])
        # over 1 month, the Office (one HTNV in May) is still not flagged
        self.rs_nd335.lenient_months = 1
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_hr)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(
            [unit["id"] for unit in data["lenient"]], [self.unit_a.id, self.unit_b.id]
        )

    def test_score_trend(self):
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_hr)
            .get_data(period_id=self.period.id, employee_id=self.e1.id)
        )
        self.assertEqual(
            [(point["period"], point["level"]) for point in data["trend"]],
            [
                (self.march.name, "good"),
                (self.period.name, "excellent"),
            ],
        )
        self.assertEqual(
            [point["score"] for point in data["trend"]],
            [self.e1_march.total_score, self.may["E1"].total_score],
        )
        self.assertIn(
            {"id": self.e1.id, "name": self.e1.display_name}, data["employees"]
        )

    # ---- access ----------------------------------------------------------

    def test_head_sees_his_units_only(self):
        rows = self.rows(self.user_head)
        self.assertEqual(len(rows), 8)
        self.assertNotIn(self.unit_b, rows.department_id)
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_head)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(data["evaluated_count"], 7)
        self.assertEqual(
            {row["level"]: row["count"] for row in data["levels"]},
            {"excellent": 3, "good": 3, "done": 1, "fail": 0},
        )
        self.assertEqual(
            {unit["id"] for unit in data["units"]}, {self.department.id, self.unit_a.id}
        )
        self.assertEqual([unit["id"] for unit in data["lenient"]], [self.unit_a.id])
        self.assertEqual(data["late_decision_count"], 2)
        self.assertEqual(data["overdue_task_count"], 2)
        # and the trend of someone outside his units is empty
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_head)
            .get_data(period_id=self.period.id, employee_id=self.b1.id)
        )
        self.assertEqual(data["trend"], [])

    def test_employee_sees_own_published_row_only(self):
        rows = self.rows(self.user_staff)
        self.assertEqual(rows.appraisal_id, self.may["staff"])
        self.may["staff"].sudo().state = "decided"
        self.env.flush_all()
        self.assertFalse(self.rows(self.user_staff), "not before publication")
        self.assertFalse(self.rows(self.user_staff2))
        with self.assertRaises(AccessError):
            self.env["hr.kpi.dashboard"].with_user(self.user_staff).get_data()
        with self.assertRaises(AccessError):
            self.env["hr.kpi.dashboard"].with_user(
                self.user_staff
            ).action_open_analysis()

    def test_open_analysis_action(self):
        action = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_head)
            .action_open_analysis(
                period_id=self.period.id,
                department_id=self.unit_a.id,
                view_type="list",
                extra_domain=[("level", "=", "excellent")],
            )
        )
        self.assertEqual(action["res_model"], "hr.kpi.appraisal.analysis")
        self.assertEqual(action["views"][0], (False, "list"))
        rows = (
            self.env["hr.kpi.appraisal.analysis"]
            .with_user(self.user_head)
            .search(action["domain"])
        )
        self.assertEqual(rows.appraisal_id, self.may["A1"] | self.may["A2"])

    def test_evaluator_and_focal_point_rows(self):
        self.may["E3"].evaluator_employee_id = self.emp_leader
        focal_user = new_test_user(
            self.env,
            login="kpi_analytics_focal",
            groups="l10n_vn_hr_kpi.group_kpi_focal_point",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.unit_a.kpi_focal_point_id = self.env["hr.employee"].create(
            {
                "name": "Focal A",
                "user_id": focal_user.id,
                "company_id": self.company.id,
                "department_id": self.unit_a.id,
            }
        )
        self.env.flush_all()
        # the evaluator: the staff he evaluates only, and no dashboard
        self.assertEqual(self.rows(self.user_leader).appraisal_id, self.may["E3"])
        with self.assertRaises(AccessError):
            self.env["hr.kpi.dashboard"].with_user(self.user_leader).get_data()
        # the focal point of unit A: unit A only
        self.assertEqual(
            self.rows(focal_user).appraisal_id,
            self.may["A1"] | self.may["A2"] | self.may["A3"],
        )
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(focal_user)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(data["evaluated_count"], 3)
        self.assertEqual([unit["id"] for unit in data["units"]], [self.unit_a.id])
        # another company's HR officer sees nothing of this one
        other_hr = new_test_user(
            self.env,
            login="kpi_analytics_other_hr",
            groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
            company_id=self.other_company.id,
            company_ids=[Command.set(self.other_company.ids)],
        )
        self.assertFalse(self.rows(other_hr))
        data = self.env["hr.kpi.dashboard"].with_user(other_hr).get_data()
        self.assertFalse(data["period"], "no month to show")
        self.assertEqual((data["appraisal_count"], data["units"]), (0, []))

    def test_citizen_satisfaction_per_unit(self):
        Stat = self.env["hr.kpi.onestop.stat"]
        Stat.create(
            [
                {
                    "company_id": self.company.id,
                    "period_id": self.period.id,
                    "employee_id": employee.id,
                    "satisfied": satisfied,
                    "unsatisfied": unsatisfied,
                }
                for employee, satisfied, unsatisfied in (
                    (self.e1, 8, 2),
                    (self.a1, 3, 1),
                    (self.b1, 5, 5),
                )
            ]
        )
        counter = self.env["hr.kpi.counter"].create(
            {"name": "Quầy", "company_id": self.company.id}
        )
        # E3 rated once at the kiosk in May: the Office has 9 of 11 satisfied
        self.env["hr.kpi.citizen.rating"].create(
            {
                "counter_id": counter.id,
                "employee_id": self.e3.id,
                "rating": "satisfied",
                "rated_at": "2026-05-12 03:00:00",
            }
        )
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_hr)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(
            {
                unit["id"]: (unit["rate"], unit["count"])
                for unit in data["citizen_satisfaction"]
            },
            {
                self.department.id: (81.82, 11),
                self.unit_a.id: (75.0, 4),
                self.unit_b.id: (50.0, 10),
            },
        )
        # the head of the Office sees his units only
        data = (
            self.env["hr.kpi.dashboard"]
            .with_user(self.user_head)
            .get_data(period_id=self.period.id)
        )
        self.assertEqual(
            {unit["id"] for unit in data["citizen_satisfaction"]},
            {self.department.id, self.unit_a.id},
        )
