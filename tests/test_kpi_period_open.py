from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .flow_common import KpiFlowCase


@tagged("post_install", "-at_install")
class TestKpiPeriodOpen(KpiFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config_staff = cls._config(cls.staff, task_group="Clerks")
        cls.config_staff2 = cls._config(
            cls.staff2, subject_group="contract_worker", evaluator_id=cls.focal.id
        )
        cls.config_staff3 = cls._config(cls.staff3, decider_id=False)
        cls.config_sub = cls._config(cls.sub_staff, subject_group="public_employee")
        cls.config_other = cls._config(cls.other_staff)
        cls.config_office_head = cls._config(
            cls.office_head, subject_group="leader_head"
        )
        # focal, sub_head, head, other_head, hr_employee: no configuration

    def _open(self, user=None, **vals):
        wizard = (
            self.env["hr.kpi.period.open"]
            .with_user(user or self.user_hr)
            .create({"period_id": self.period.id, **vals})
        )
        wizard.action_open_month()
        return wizard

    def _appraisals(self):
        return self.env["hr.kpi.appraisal"].search([("period_id", "=", self.period.id)])

    def test_calendar_from_rule_set(self):
        period = self.period
        self.assertEqual(period.rule_set_id, self.rule_set)
        self.assertEqual(period.date_self_evaluation, date(2026, 4, 3))
        self.assertEqual(period.date_review, date(2026, 4, 5))
        self.assertEqual(period.date_decision, date(2026, 4, 8))
        self.assertEqual(period.date_summary, date(2026, 4, 10))
        # the appeal window after the summary, 5 working days (Friday 10/4)
        self.assertEqual(period.date_lock, date(2026, 4, 17))
        self.rule_set.write({"review_day": 6, "summary_day": 31, "appeal_days": 3})
        self.assertEqual(period.date_review, date(2026, 4, 6))
        self.assertEqual(
            period.date_summary, date(2026, 4, 30), "short month: last day"
        )
        # 3 working days after Thursday 30/4/2026, 1/5 off: Wednesday 6/5
        self.assertEqual(period.date_lock, date(2026, 5, 6))
        self.rule_set.appeal_day_kind = "calendar"
        self.assertEqual(period.date_lock, date(2026, 5, 3))
        january = self.env["hr.kpi.period"].create(
            {"company_id": self.company.id, "date_start": date(2026, 1, 1)}
        )
        self.assertEqual(january.date_summary, date(2026, 2, 28))

    def test_open_month_from_configuration(self):
        wizard = self._open()
        appraisals = self._appraisals()
        self.assertEqual(
            appraisals.employee_id,
            self.staff
            | self.staff2
            | self.sub_staff
            | self.other_staff
            | self.office_head,
        )
        self.assertEqual(wizard.created_count, 5)
        by_employee = {a.employee_id: a for a in appraisals}
        staff = by_employee[self.staff]
        self.assertEqual(staff.subject_group, "civil_servant")
        self.assertEqual(staff.task_group, "Clerks")
        self.assertEqual(staff.evaluator_employee_id, self.office_head)
        self.assertEqual(staff.decider_employee_id, self.office_head)
        self.assertEqual(staff.rule_set_id, self.rule_set)
        self.assertEqual(staff.department_id, self.office)
        staff2 = by_employee[self.staff2]
        self.assertEqual(staff2.subject_group, "contract_worker")
        self.assertEqual(staff2.evaluator_employee_id, self.focal)
        leader = by_employee[self.office_head]
        self.assertEqual(leader.subject_group, "leader_head")
        self.assertEqual(leader.decider_employee_id, self.head)
        skipped = {line.employee_id: line.reason for line in wizard.skipped_line_ids}
        self.assertIn("No decider", skipped[self.staff3])
        for employee in (self.focal, self.sub_head, self.head, self.other_head):
            self.assertIn("No evaluation configuration", skipped[employee])
        self.assertNotIn(self.staff, skipped)

        # twice: nothing new, the same people still listed
        again = self._open()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(again.existing_count, 5)
        self.assertEqual(self._appraisals(), appraisals)
        self.assertEqual(
            again.skipped_line_ids.employee_id, wizard.skipped_line_ids.employee_id
        )

        # a configuration fixed later: only the missing appraisal is added
        self.config_staff3.decider_id = self.head
        third = self._open()
        self.assertEqual(third.created_count, 1)
        self.assertEqual(len(self._appraisals()), 6)

    def test_opening_stores_lines_and_links_tasks_as_the_orm(self):
        """The opening inserts the new criterion lines in bulk and links the
        tasks in one UPDATE: the rows are those create() stores, the tasks of
        the month are the appraisal's, and the one-stop pre-fill still runs."""
        product = self.env["hr.kpi.product"].create(
            {
                "code": "OPEN",
                "name": "Document",
                "points": 5.0,
                "is_standard": True,
                "company_id": self.company.id,
            }
        )
        task = self.env["hr.kpi.task"].create(
            {
                "name": "Report of the month",
                "employee_id": self.staff.id,
                "assigner_id": self.office_head.id,
                "product_id": product.id,
                "quantity": 1,
                "deadline": self.period.date_start.replace(day=20),
            }
        )
        self.assertEqual(task.period_id, self.period)
        self.assertFalse(task.appraisal_id)
        self._open()
        appraisal = self._appraisals().filtered(lambda a: a.employee_id == self.staff)
        self.assertEqual(task.appraisal_id, appraisal)
        self.assertEqual(appraisal.task_ids, task)
        self.assertEqual(appraisal.task_count, 1)
        criteria = self.env["hr.kpi.criterion"].search(
            [
                ("rule_set_id", "=", appraisal.rule_set_id.id),
                ("subject_group", "=", appraisal.subject_group),
                ("is_leaf", "=", True),
            ]
        )
        lines = appraisal.line_ids
        self.assertEqual(lines.criterion_id, criteria)

        def rows(lines):
            self.env.flush_all()
            cr = self.env.cr
            cr.execute(
                SQL(
                    "SELECT * FROM hr_kpi_appraisal_line WHERE id = ANY(%s) "
                    "ORDER BY criterion_id",
                    lines.ids,
                )
            )
            names = [d[0] for d in cr.description]
            skip = {"id", "create_date", "write_date", "create_uid", "write_uid"}
            return [
                {n: v for n, v in zip(names, row, strict=True) if n not in skip}
                for row in cr.fetchall()
            ]

        bulk = rows(lines)
        self.assertEqual(lines.create_uid, self.user_hr, "the opener, as create()")
        vals_list = [
            {
                "appraisal_id": line.appraisal_id.id,
                "company_id": line.company_id.id,
                "criterion_id": line.criterion_id.id,
                "sequence": line.sequence,
                "self_points": 0.0,
                "evaluator_points": 0.0,
                "final_points": 0.0,
            }
            for line in lines
        ]
        Line = self.env["hr.kpi.appraisal.line"].sudo()
        lines.sudo().unlink()
        self.assertEqual(rows(Line.create(vals_list)), bulk)
        # only new lines without points take the bulk path
        with self.assertRaises(ValueError):
            Line._kpi_insert_new_lines([dict(vals_list[0], self_points=1.0)])
        with self.assertRaises(ValueError):
            Line._kpi_insert_new_lines([dict(vals_list[0], comment="x")])

    def test_opening_ignores_defaults_sent_in_the_context(self):
        """A client can send any context: ``default_<field>`` keys of the
        appraisal or its lines (a state, a level, points) set nothing on what
        the opening creates."""
        wizard = (
            self.env["hr.kpi.period.open"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id})
        )
        context = dict(
            default_state="published",
            default_level_final="excellent",
            default_level_proposed="excellent",
            default_total_score=100.0,
            default_self_points=5.0,
            default_final_points_set=True,
            default_has_suggestion=True,
            default_suggested_score=9.0,
            default_comment="injected",
        )
        wizard.with_context(**context).action_open_month()
        # and below the wizard, as a job performs the opening (sudo)
        self.config_staff3.decider_id = self.head
        self.period.sudo().with_context(**context)._kpi_open_employees(
            self.staff3, ["civil_servant"], 100
        )
        appraisals = self._appraisals()
        self.assertIn(self.staff3, appraisals.employee_id)
        self.assertTrue(appraisals)
        self.assertEqual(set(appraisals.mapped("state")), {"draft"})
        self.assertFalse(any(appraisals.mapped("level_final")))
        self.assertFalse(any(appraisals.mapped("level_proposed")))
        lines = appraisals.line_ids
        self.assertTrue(lines)
        self.assertFalse(any(lines.mapped("final_points_set")))
        self.assertFalse(any(lines.mapped("comment")))
        self.assertFalse(any(lines.mapped("self_points")))
        self.assertFalse(
            lines.filtered(lambda line: line.suggested_score == 9.0),
            "no suggestion but the one-stop figures'",
        )

    def test_create_ignores_defaults_of_protected_fields(self):
        """An HR officer creating an appraisal by RPC with ``default_`` keys of
        the workflow, the scores or the versions in the context gets a draft,
        as without them; the other defaults (the form's) still apply."""
        appraisal = (
            self.env["hr.kpi.appraisal"]
            .with_user(self.user_hr)
            .with_context(
                default_state="decided",
                default_level_final="excellent",
                default_total_score=100.0,
                default_version=3,
                default_decided_by_id=self.user_hr.id,
                default_employee_id=self.staff.id,
            )
            .create(
                {
                    "period_id": self.period.id,
                    "evaluator_employee_id": self.office_head.id,
                    "decider_employee_id": self.office_head.id,
                }
            )
        )
        self.assertEqual(appraisal.employee_id, self.staff, "a form's default")
        self.assertEqual(appraisal.state, "draft")
        self.assertFalse(appraisal.level_final)
        self.assertFalse(appraisal.decided_by_id)
        self.assertEqual(appraisal.version, 1)

    def test_open_month_refreshes_statistics_when_large(self):
        """A month opened in several batches refreshes PostgreSQL's statistics
        of the month's tables, so lists of the new month get indexed plans; a
        small opening leaves that to autovacuum."""
        Appraisal = type(self.env["hr.kpi.appraisal"])
        analyzed = []
        original = Appraisal._kpi_analyze_tables

        def spy(records):
            analyzed.append(True)
            return original(records)

        wizard_module = "odoo.addons.l10n_vn_hr_kpi.wizards.hr_kpi_period_open"
        with (
            patch(f"{wizard_module}.OPEN_BATCH_SIZE", 2),
            patch.object(Appraisal, "_kpi_analyze_tables", spy),
        ):
            wizard = self._open(department_id=self.office.id)
            self.assertEqual(wizard.created_count, 4)
            self.assertEqual(len(analyzed), 1)
            second = self._open(department_id=self.other.id)
            self.assertEqual(second.created_count, 1)
            self.assertEqual(len(analyzed), 1, "one appraisal: no ANALYZE")
        rows = self.env.execute_query(
            SQL(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'hr_kpi_appraisal' "
                "AND attname = 'period_id'"
            )
        )
        self.assertEqual(rows[0][0], 1)

    def test_open_month_department_subtree(self):
        wizard = self._open(department_id=self.office.id)
        self.assertEqual(
            self._appraisals().employee_id,
            self.staff | self.staff2 | self.sub_staff | self.office_head,
        )
        self.assertNotIn(self.other_head, wizard.skipped_line_ids.employee_id)
        self._open(department_id=self.other.id)
        self.assertIn(self.other_staff, self._appraisals().employee_id)

    def test_open_month_subject_groups(self):
        groups = {
            "include_leader_head": False,
            "include_leader_deputy": False,
            "include_civil_servant": False,
            "include_public_employee": False,
            "include_contract_worker": True,
        }
        self._open(**groups)
        self.assertEqual(self._appraisals().employee_id, self.staff2)
        self._open(
            **dict(groups, include_contract_worker=False, include_leader_head=True)
        )
        self.assertEqual(self._appraisals().employee_id, self.staff2 | self.office_head)

    def test_open_month_rights(self):
        for user in (self.user_staff, self.user_evaluator):
            with self.assertRaises(AccessError):
                self._open(user=user)
            wizard = self.env["hr.kpi.period.open"].create(
                {"period_id": self.period.id}
            )
            with self.assertRaises(AccessError):
                wizard.with_user(user).action_open_month()
        self.assertFalse(self._appraisals())
        # the focal point opens his own unit, not the company nor another unit
        with self.assertRaises(AccessError):
            self._open(user=self.user_focal)
        with self.assertRaises(AccessError):
            self._open(user=self.user_focal, department_id=self.other.id)
        self._open(user=self.user_focal, department_id=self.sub.id)
        self.assertEqual(self._appraisals().employee_id, self.sub_staff)

    def test_open_month_schedules_activities(self):
        self._open(department_id=self.office.id)
        appraisal = self._appraisals().filtered(lambda a: a.employee_id == self.staff)
        activity = appraisal.activity_ids
        self.assertEqual(activity.user_id, self.user_staff)
        self.assertEqual(activity.date_deadline, date(2026, 4, 3))

    def test_department_month_and_quota(self):
        self._open(department_id=self.office.id)
        with freeze_time("2026-03-20"):
            self.office.invalidate_recordset(
                ["kpi_appraisal_count", "kpi_quota_status"]
            )
            self.assertEqual(self.office.kpi_appraisal_count, 3)
            self.assertTrue(self.office.kpi_quota_status)
            self.assertEqual(self.sub.kpi_appraisal_count, 1)
        with freeze_time("2026-05-20"):
            self.office.invalidate_recordset(
                ["kpi_appraisal_count", "kpi_quota_status"]
            )
            self.assertEqual(self.office.kpi_appraisal_count, 0)

    def test_cron_opens_month_and_closes_expired(self):
        Period = self.env["hr.kpi.period"]
        april = Period.create(
            {"company_id": self.company.id, "date_start": date(2026, 4, 1)}
        )
        with freeze_time("2026-05-02"):
            Period._cron_manage_periods()
            Period._cron_manage_periods()
        may = Period.search(
            [("company_id", "=", self.company.id), ("date_start", "=", "2026-05-01")]
        )
        self.assertEqual(len(may), 1)
        self.assertEqual(may.rule_set_id, self.rule_set)
        self.assertEqual(may.state, "open")
        self.assertEqual(self.period.state, "closed", "March closed after 15 April")
        self.assertEqual(april.state, "open", "April open until 15 May")
        self.assertEqual(
            Period.search_count(
                [
                    ("company_id", "=", self.company_b.id),
                    ("date_start", "=", "2026-05-01"),
                ]
            ),
            1,
        )
        # a company can choose another rule set for the month: the cron leaves it
        self.assertEqual(
            len(Period._open_month_for_companies(date(2026, 5, 1), self.company)), 0
        )

    def test_period_button_opens_wizard(self):
        action = self.period.action_open_month_wizard()
        self.assertEqual(action["res_model"], "hr.kpi.period.open")
        wizard = (
            self.env["hr.kpi.period.open"]
            .with_context(**action["context"])
            .create({"department_id": self.sub.id})
        )
        self.assertEqual(wizard.period_id, self.period)
        wizard.action_open_month()
        self.assertEqual(self._appraisals().employee_id, self.sub_staff)
        self.assertEqual(
            self.env["hr.kpi.appraisal"]
            .search([("period_id", "=", self.period.id)])
            .mapped("state"),
            ["draft"],
        )
