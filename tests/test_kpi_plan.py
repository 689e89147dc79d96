import base64
import io
from datetime import date
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiPlan(KpiCommon):
    """Plans, ad-hoc work, carry-over, weekly reports, OKR, the unit KPI and the
    plan import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emp_staff3 = cls.env["hr.employee"].create(
            {
                "name": "Staff Three",
                "company_id": cls.company.id,
                "department_id": cls.department.id,
                "parent_id": cls.emp_leader.id,
                "work_email": "staff3@example.com",
            }
        )
        cls.other_department = cls.env["hr.department"].create(
            {"name": "Economic Office", "company_id": cls.company.id}
        )
        cls.period_june = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 6, 1)}
        )

    def _unit_plan(self, user=None, **vals):
        Plan = self.env["hr.kpi.plan"]
        if user:
            Plan = Plan.with_user(user)
        return Plan.create(
            {
                "plan_type": "unit_monthly",
                "department_id": self.department.id,
                "date_start": date(2026, 5, 1),
                **vals,
            }
        )

    # ------------------------------------------------------------------
    # Plans
    # ------------------------------------------------------------------

    def test_unit_plan_cascades_to_three_people(self):
        plan = self._unit_plan(
            user=self.user_leader,
            line_ids=[
                Command.create(
                    {
                        "name": "Handle one-stop files",
                        "product_id": self.product_std.id,
                        "quantity": 9,
                        "deadline": date(2026, 5, 25),
                    }
                )
            ],
        )
        self.assertEqual(plan.scope, "unit")
        self.assertEqual(plan.date_end, date(2026, 5, 31))
        line = plan.line_ids
        # a staff member cannot assign the unit's tasks
        with self.assertRaises(AccessError):
            self.env["hr.kpi.plan.assign"].with_user(self.user_staff).create(
                {"plan_line_id": line.id}
            )
        with self.assertRaises(AccessError):
            line.with_user(self.user_staff)._assign([(self.emp_staff2, 1.0)])
        wizard = (
            self.env["hr.kpi.plan.assign"]
            .with_user(self.user_leader)
            .create(
                {
                    "plan_line_id": line.id,
                    "line_ids": [
                        Command.create({"employee_id": e.id, "quantity": q})
                        for e, q in (
                            (self.emp_staff, 4),
                            (self.emp_staff2, 3),
                            (self.emp_staff3, 2),
                        )
                    ],
                }
            )
        )
        wizard.action_assign()
        tasks = line.task_ids
        self.assertEqual(len(tasks), 3)
        self.assertEqual(
            tasks.employee_id, self.emp_staff | self.emp_staff2 | self.emp_staff3
        )
        self.assertEqual(set(tasks.mapped("origin")), {"plan"})
        self.assertEqual(tasks.assigner_id, self.emp_leader)
        self.assertTrue(all(tasks.mapped("is_counted")))
        self.assertEqual(line.assigned_quantity, 9)
        self.assertEqual(line.remaining_quantity, 0)
        self.assertEqual(line.assignment_state, "assigned")
        self.assertEqual(tasks.unit_plan_id, plan)
        self.assertEqual(plan.task_count, 3)

    def test_weekly_plan_commitment_and_delay(self):
        appraisal = self.make_appraisal(self.emp_staff)
        plan = (
            self.env["hr.kpi.plan"]
            .with_user(self.user_staff)
            .create({"plan_type": "personal_weekly", "date_start": date(2026, 5, 20)})
        )
        self.assertEqual(plan.employee_id, self.emp_staff)
        self.assertEqual(plan.date_start, date(2026, 5, 18))  # the Monday
        self.assertEqual(plan.date_end, date(2026, 5, 24))
        self.assertEqual(plan.evaluator_id, self.emp_leader)
        task = (
            self.env["hr.kpi.task"]
            .with_user(self.user_staff)
            .create(
                {
                    "name": "Draft the answer to the voters",
                    "employee_id": self.emp_staff.id,
                    "product_id": self.product_std.id,
                    "deadline": date(2026, 5, 20),
                    "plan_id": plan.id,
                }
            )
        )
        self.assertFalse(task.is_counted, "registered, not accepted yet")
        plan.with_user(self.user_staff).action_submit()
        self.assertEqual(plan.state, "submitted")
        with self.assertRaises(AccessError):
            plan.with_user(self.user_staff).action_accept()
        with self.assertRaises(AccessError):
            plan.with_user(self.user_staff2).action_accept()
        plan.with_user(self.user_leader).action_accept()
        self.assertEqual(plan.state, "accepted")
        self.assertTrue(task.is_counted)
        self.assertEqual(task.committed_deadline, date(2026, 5, 20))
        self.assertEqual(task.assigner_id, self.emp_leader)
        # the commitment cannot be moved by the employee any more
        with self.assertRaises(AccessError):
            task.with_user(self.user_staff).write({"deadline": date(2026, 5, 29)})
        task.with_user(self.user_staff).write(
            {
                "state": "to_confirm",
                "date_done": date(2026, 5, 22),
                "completed_quantity": 1,
            }
        )
        task.with_user(self.user_leader).action_confirm_outcome()
        self.assertEqual(task.delay_count, 1)
        self.assertEqual(task.appraisal_id, appraisal)
        self.assertEqual(appraisal.task_delay_count, 1)
        self.assertAlmostEqual(appraisal.kpi_progress, 75.0)
        self.assertAlmostEqual(appraisal.kpi_quantity, 100.0)
        # the week's report shows the running score of the month
        report = (
            self.env["hr.kpi.weekly.report"]
            .with_user(self.user_staff)
            .create({"date_start": date(2026, 5, 18)})
        )
        self.assertEqual(report.appraisal_id, appraisal)
        self.assertAlmostEqual(report.kpi_progress, 75.0)
        self.assertEqual(report.task_delay_count, 1)
        self.assertEqual(report.line_ids.task_id, task)
        self.assertTrue(report.line_ids.is_late)

    def test_my_week_opens_the_current_report(self):
        Report = self.env["hr.kpi.weekly.report"].with_user(self.user_staff)
        action = Report.action_open_my_week()
        report = Report.browse(action["res_id"])
        self.assertEqual(report.employee_id, self.emp_staff)
        self.assertEqual(report.date_start.weekday(), 0)
        self.assertEqual(Report.action_open_my_week()["res_id"], report.id)
        tasks = report.action_open_week_tasks()
        self.assertEqual(tasks["res_model"], "hr.kpi.task")

    def test_adhoc_proposed_rejected_and_confirmed(self):
        appraisal = self.make_appraisal(self.emp_staff)
        Task = self.env["hr.kpi.task"].with_user(self.user_staff)
        rejected, confirmed = Task.create(
            [
                {
                    "name": name,
                    "employee_id": self.emp_staff.id,
                    "product_id": self.product_std.id,
                    "deadline": self.deadline,
                    "origin": "adhoc",
                }
                for name in ("Unneeded survey", "Urgent flood report")
            ]
        )
        self.assertEqual(rejected.proposal_state, "proposed")
        self.assertFalse(rejected.is_counted)
        (rejected | confirmed).with_user(self.user_staff).write(
            {"state": "to_confirm", "completed_quantity": 1, "date_done": self.deadline}
        )
        # the employee neither rejects nor confirms his own proposals
        with self.assertRaises(AccessError):
            rejected.with_user(self.user_staff).action_reject_proposal()
        with self.assertRaises(AccessError):
            confirmed.with_user(self.user_staff).action_confirm_assignment()
        rejected.with_user(self.user_leader).action_reject_proposal("Not our remit")
        confirmed.with_user(self.user_leader).action_confirm_assignment()
        confirmed.with_user(self.user_leader).action_confirm_outcome()
        self.assertEqual(rejected.proposal_state, "rejected")
        self.assertEqual(rejected.state, "cancelled")
        self.assertFalse(rejected.is_counted)
        self.assertEqual(confirmed.proposal_state, "confirmed")
        self.assertTrue(confirmed.is_counted)
        self.assertEqual(appraisal.task_counted_count, 1)
        self.assertAlmostEqual(appraisal.kpi_assigned_quantity, 1.0)
        self.assertAlmostEqual(appraisal.kpi_quantity, 100.0)

    def test_carry_over_counts_in_its_new_month_only(self):
        may = self.make_appraisal(self.emp_staff)
        june = self.make_appraisal(self.emp_staff, period=self.period_june)
        task = self.make_task(self.emp_staff, quantity=3, done=1)
        task.write({"state": "in_progress", "outcome_confirmed": False})
        with self.assertRaises(AccessError):
            self.env["hr.kpi.task.carry.over"].with_user(self.user_staff).create(
                {"task_ids": [Command.set(task.ids)], "reason": "Mine"}
            )
        wizard = (
            self.env["hr.kpi.task.carry.over"]
            .with_user(self.user_leader)
            .create({"task_ids": [Command.set(task.ids)], "reason": " "})
        )
        with self.assertRaises(UserError):
            wizard.action_carry_over()
        wizard.reason = "Waiting for the land registry's answer"
        wizard.action_carry_over()
        new = self.env["hr.kpi.task"].search([("carried_from_id", "=", task.id)])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.origin, "carried")
        self.assertEqual(new.quantity, 2)
        self.assertEqual(new.deadline, date(2026, 6, 30))
        self.assertEqual(
            new.carry_over_reason, "Waiting for the land registry's answer"
        )
        self.assertEqual(new.appraisal_id, june)
        self.assertEqual(task.appraisal_id, may)
        self.assertAlmostEqual(may.kpi_assigned_quantity, 3.0)
        self.assertAlmostEqual(june.kpi_assigned_quantity, 2.0)
        self.assertEqual(may.task_counted_count, 1)
        self.assertEqual(june.task_counted_count, 1)

    # ------------------------------------------------------------------
    # Weekly report
    # ------------------------------------------------------------------

    def test_weekly_report_buckets_and_review(self):
        done = self.make_task(
            self.emp_staff, name="On time", deadline=date(2026, 5, 20)
        )
        done.date_done = date(2026, 5, 19)
        done_late = self.make_task(
            self.emp_staff, name="Finished late", deadline=date(2026, 5, 18)
        )
        done_late.date_done = date(2026, 5, 21)
        late = self.make_task(
            self.emp_staff, name="Overdue", done=0, deadline=date(2026, 5, 21)
        )
        progress = self.make_task(
            self.emp_staff, name="Going on", done=0, deadline=date(2026, 5, 28)
        )
        old = self.make_task(
            self.emp_staff, name="Last week", deadline=date(2026, 5, 12)
        )
        future = self.make_task(
            self.emp_staff,
            name="Next month",
            done=0,
            state="todo",
            deadline=date(2026, 6, 10),
        )
        cancelled = self.make_task(
            self.emp_staff, name="Dropped", done=0, deadline=date(2026, 5, 19)
        )
        cancelled.state = "cancelled"
        other = self.make_task(
            self.emp_staff2, name="Not mine", deadline=date(2026, 5, 20)
        )
        report = (
            self.env["hr.kpi.weekly.report"]
            .with_user(self.user_staff)
            .create({"date_start": date(2026, 5, 21)})
        )
        self.assertEqual(report.date_start, date(2026, 5, 18))
        self.assertEqual((report.iso_year, report.iso_week), (2026, 21))
        buckets = {line.task_id: line.bucket for line in report.line_ids}
        self.assertEqual(
            buckets,
            {done: "done", done_late: "done", late: "late", progress: "in_progress"},
        )
        for task in (old, future, cancelled, other):
            self.assertNotIn(task, buckets)
        late_flags = {line.task_id: line.is_late for line in report.line_ids}
        self.assertTrue(late_flags[done_late])
        self.assertFalse(late_flags[done])
        self.assertEqual(
            (report.done_count, report.in_progress_count, report.late_count), (2, 1, 1)
        )
        # the author writes problems and proposals, not the evaluator's comment
        report.with_user(self.user_staff).write(
            {"problems": "Scanner broken", "proposals": "Buy a scanner"}
        )
        with self.assertRaises(AccessError):
            report.with_user(self.user_staff).write({"evaluator_comment": "Great"})
        with self.assertRaises(AccessError):
            report.with_user(self.user_staff2).read(["problems"])
        report.with_user(self.user_staff).action_submit()
        self.assertEqual(report.state, "submitted")
        with self.assertRaises(AccessError):
            report.with_user(self.user_staff).write({"problems": "Changed"})
        with self.assertRaises(AccessError):
            report.with_user(self.user_staff).action_review()
        report.with_user(self.user_leader).write({"evaluator_comment": "Good week"})
        report.with_user(self.user_leader).action_review()
        self.assertEqual(report.state, "reviewed")

    def test_missing_reports_visible_to_evaluator_and_head(self):
        self.make_appraisal(self.emp_staff)
        self.make_appraisal(self.emp_staff2)
        Report = self.env["hr.kpi.weekly.report"]
        # (the demo ward has its own May 2026)
        reports = Report._prepare_week(date(2026, 5, 20)).filtered(
            lambda r: r.employee_id.company_id == self.company
        )
        self.assertEqual(reports.employee_id, self.emp_staff | self.emp_staff2)
        self.assertFalse(Report._prepare_week(date(2026, 5, 20)), "idempotent")
        mine = reports.filtered(lambda r: r.employee_id == self.emp_staff)
        mine.with_user(self.user_staff).action_submit()
        for user in (self.user_leader, self.user_head):
            missing = Report.with_user(user).search(
                [("is_missing", "=", True), ("date_start", "=", date(2026, 5, 18))]
            )
            self.assertEqual(missing.employee_id, self.emp_staff2)
        self.assertFalse(
            Report.with_user(self.user_staff).search([("is_missing", "=", True)])
        )

    # ------------------------------------------------------------------
    # OKR
    # ------------------------------------------------------------------

    def test_key_result_attainment_with_weights(self):
        objective = self.env["hr.kpi.objective"].create(
            {
                "name": "Online public services",
                "department_id": self.department.id,
                "source_ref": "NQ 57-NQ/TW",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "key_result_ids": [
                    Command.create(
                        {
                            "name": "Files online",
                            "baseline": 0,
                            "target": 10,
                            "current_value": 5,
                            "weight": 2,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Average days to answer",
                            "baseline": 100,
                            "target": 50,
                            "current_value": 40,
                            "weight": 1,
                        }
                    ),
                ],
            }
        )
        kr_files, kr_days = objective.key_result_ids
        self.assertAlmostEqual(kr_files.attainment, 50.0)
        self.assertAlmostEqual(kr_days.attainment, 120.0)
        self.assertTrue(kr_days.is_exceeded)
        self.assertFalse(kr_files.is_exceeded)
        # each capped at 100 %: (2 × 50 + 1 × 100) / 3
        self.assertAlmostEqual(objective.attainment, 66.67)
        kr_files.current_value = 10
        self.assertAlmostEqual(objective.attainment, 100.0)
        # an exceeded key result justifies the task flag, a plain one does not
        task = self.make_task(self.emp_staff, key_result_id=kr_days.id)
        other = self.make_task(self.emp_staff, key_result_id=kr_files.id)
        task.with_user(self.user_leader).action_mark_exceeded()
        self.assertTrue(task.exceeded_requirement)
        with self.assertRaises(UserError):
            other.with_user(self.user_leader).action_mark_exceeded()
        # staff read their unit's objectives, not other units'
        foreign = self.env["hr.kpi.objective"].create(
            {"name": "Foreign", "department_id": self.other_department.id}
        )
        Objective = self.env["hr.kpi.objective"].with_user(self.user_staff)
        self.assertEqual(
            Objective.search([("id", "in", (objective | foreign).ids)]), objective
        )
        with self.assertRaises(AccessError):
            kr_files.with_user(self.user_staff).write({"current_value": 1})

    # ------------------------------------------------------------------
    # Unit KPI
    # ------------------------------------------------------------------

    def test_unit_kpi_counts_its_subunits_tasks_read_in_batches(self):
        """A unit's KPI counts the tasks of its sub-units; the tasks are read
        by batches and their totals carried up the tree: the same figures
        whatever the batch, for the unit and its sub-unit together."""
        sub = self.env["hr.department"].create(
            {
                "name": "Sub-unit",
                "parent_id": self.department.id,
                "company_id": self.company.id,
            }
        )
        self.emp_staff2.department_id = sub
        self.make_task(self.emp_staff)
        late = self.make_task(self.emp_staff2, delays=1)
        self.assertEqual(late.department_id, sub)
        UnitKpi = self.env["hr.kpi.unit.kpi"]
        module = "odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_unit_kpi"
        results = []
        for batch in (20000, 1):
            with patch(f"{module}.UNIT_TASK_BATCH", batch):
                units = UnitKpi._compute_for(self.department | sub, self.period)
            parent = units.filtered(lambda u: u.department_id == self.department)
            child = units - parent
            results.append(
                [
                    (u.task_count, u.delay_count, u.kpi_progress, u.kpi_percent)
                    for u in (parent, child)
                ]
            )
        self.assertEqual(results[0], results[1], "the same in batches of one")
        (parent_row, child_row) = results[0]
        self.assertEqual(parent_row[:3], (2, 1, 87.5), "the unit and its sub-unit")
        self.assertEqual(child_row[:3], (1, 1, 75.0), "the sub-unit alone")

    def test_daily_job_computes_the_units_of_the_open_months(self):
        self.make_appraisal(self.emp_staff)
        self.make_task(self.emp_staff)
        UnitKpi = self.env["hr.kpi.unit.kpi"]
        self.assertFalse(UnitKpi.search([("period_id", "=", self.period.id)]))
        UnitKpi._cron_recompute()
        unit = UnitKpi.search(
            [
                ("period_id", "=", self.period.id),
                ("department_id", "=", self.department.id),
            ]
        )
        self.assertEqual(unit.task_count, 1)
        self.assertTrue(unit.date_computed)

    def test_daily_job_tries_the_months_again_after_a_concurrent_write(self):
        """A user's write of a leader's appraisal during the daily job (a
        serialization failure) does not fail the job: the month is tried
        again a few minutes later, in a new transaction."""
        from psycopg2 import errors

        self.make_appraisal(self.emp_staff)
        self.make_task(self.emp_staff)
        UnitKpi = self.env["hr.kpi.unit.kpi"]
        cron = self.env.ref("l10n_vn_hr_kpi.ir_cron_kpi_unit_kpi")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])

        def conflict(self, departments, periods):
            raise errors.SerializationFailure("could not serialize access")

        with patch.object(type(UnitKpi), "_compute_for", conflict):
            UnitKpi._cron_recompute()
        retry = Trigger.search([("cron_id", "=", cron.id)]) - before
        self.assertEqual(len(retry), 1)
        self.assertGreater(retry.call_at, fields.Datetime.now())
        self.assertFalse(UnitKpi.search([("period_id", "=", self.period.id)]))
        # the run tried again computes the month
        UnitKpi._cron_recompute()
        self.assertTrue(UnitKpi.search([("period_id", "=", self.period.id)]))

    def test_unit_kpi_feeds_leader_inputs(self):
        head = self.make_appraisal(self.emp_head, subject_group="leader_head")
        deputy = self.make_appraisal(
            self.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=self.emp_head.id,
        )
        staff = self.make_appraisal(
            self.emp_staff, evaluator_employee_id=self.emp_leader.id
        )
        self.make_appraisal(self.emp_staff2, evaluator_employee_id=self.emp_leader.id)
        self.make_task(self.emp_staff)
        late = self.make_task(self.emp_staff2, delays=1)
        objective = self.env["hr.kpi.objective"].create(
            {
                "name": "Unit objective",
                "department_id": self.department.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "key_result_ids": [
                    Command.create(
                        {"name": "KR", "target": 10, "current_value": 5, "weight": 1}
                    )
                ],
            }
        )
        UnitKpi = self.env["hr.kpi.unit.kpi"]
        unit = UnitKpi._compute_for(self.department, self.period)
        self.assertEqual(unit.task_count, 2)
        self.assertAlmostEqual(unit.kpi_quantity, 100.0)
        self.assertAlmostEqual(unit.kpi_quality, 100.0)
        self.assertAlmostEqual(unit.kpi_progress, 87.5)
        self.assertAlmostEqual(unit.kpi_percent, 95.83)
        self.assertAlmostEqual(unit.kr_attainment, 50.0)
        self.assertFalse(unit.all_perfect)
        self.assertEqual(unit.organisation_proposed, 50.0)
        self.assertFalse(unit.is_outstanding)
        self.assertEqual(head.kpi_organisation, 50.0)
        self.assertEqual(deputy.kpi_organisation, 50.0)
        self.assertEqual(staff.kpi_organisation, 100.0, "staff are not leaders")
        # d stays the engine's: the deputy the head evaluates has no task and no
        # general points, so he fails and the head's d is the lower value
        self.assertEqual(deputy.level_computed, "fail")
        self.assertEqual(head.kpi_unit_result, self.rs_nd335.leader_low_percent)
        self.assertEqual(unit.head_unit_result, head.kpi_unit_result)
        # the delay had an objective cause: the plan is completed on time
        late.write(
            {
                "exemption": True,
                "exemption_scope": "delay",
                "exemption_reason": "Storm",
                "exemption_certifier_id": self.emp_head.id,
            }
        )
        unit.with_user(self.user_head).action_recompute()
        self.assertTrue(unit.all_perfect)
        self.assertEqual(unit.organisation_proposed, 100.0)
        self.assertEqual(head.kpi_organisation, 100.0)
        self.assertEqual(deputy.kpi_organisation, 100.0)
        self.assertFalse(unit.is_outstanding, "a key result is not attained")
        # the head's decision screen shows the evidence; no exception quota
        decision = (
            self.env["hr.kpi.decision"]
            .with_user(self.user_head)
            .create(
                {
                    "period_id": self.period.id,
                    "department_id": self.department.id,
                    "exception_id": self.env["hr.kpi.quota.exception"]
                    .with_user(self.user_hr)
                    .create(
                        {
                            "name": "12/UBND",
                            "date": self.period.date_start,
                            "company_id": self.company.id,
                            "department_id": self.department.id,
                            "date_from": self.period.date_start,
                            "date_to": self.period.date_end,
                        }
                    )
                    .id,
                }
            )
        )
        self.assertEqual(decision.unit_kpi_id, unit)
        self.assertAlmostEqual(decision.unit_kr_attainment, 50.0)
        with self.assertRaises(UserError):
            decision.action_decide()
        # the conditions are the rule set's: half the key results may suffice
        self.rs_nd335.outstanding_min_kr_attainment = 50.0
        unit._recompute()
        self.assertTrue(unit.is_outstanding)
        self.rs_nd335.outstanding_min_kr_attainment = 100.0
        unit._recompute()
        self.assertFalse(unit.is_outstanding)
        objective.key_result_ids.current_value = 10
        unit._recompute()
        self.assertTrue(unit.is_outstanding)
        self.rs_nd335.outstanding_min_kpi = 100.01
        unit._recompute()
        self.assertFalse(unit.is_outstanding, "the unit KPI is below the rule set's")
        self.rs_nd335.outstanding_min_kpi = 90.0
        unit._recompute()
        self.assertTrue(unit.is_outstanding)
        self.assertEqual(unit.annual_kpi_percent, 100.0)
        self.assertEqual(unit.annual_level, "excellent")
        # a decided appraisal keeps its đ; the others follow the unit
        head.with_context(kpi_workflow=True).write({"state": "decided"})
        self.make_task(self.emp_staff, name="Late again", delays=1)
        unit._recompute()
        self.assertEqual(unit.organisation_proposed, 50.0)
        self.assertEqual(deputy.kpi_organisation, 50.0)
        self.assertEqual(head.kpi_organisation, 100.0)
        # staff neither recompute nor see other units
        with self.assertRaises(AccessError):
            unit.with_user(self.user_staff).action_recompute()
        other = UnitKpi._compute_for(self.other_department, self.period)
        self.assertEqual(
            UnitKpi.with_user(self.user_staff).search(
                [("id", "in", (unit | other).ids)]
            ),
            unit,
        )

    def test_unassigned_plan_counts_as_not_done(self):
        self.make_task(self.emp_staff)
        plan = self._unit_plan(
            line_ids=[
                Command.create(
                    {
                        "name": "Not assigned",
                        "product_id": self.product_std.id,
                        "quantity": 1,
                        "deadline": date(2026, 5, 28),
                    }
                )
            ]
        )
        plan.with_user(self.user_head).action_accept()
        unit = self.env["hr.kpi.unit.kpi"]._compute_for(self.department, self.period)
        self.assertAlmostEqual(unit.unassigned_quantity, 1.0)
        self.assertAlmostEqual(unit.kpi_quantity, 50.0)
        self.assertFalse(unit.all_perfect)

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def _xlsx(self, rows):
        import xlsxwriter

        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(
            0, 0, ["No.", "Task", "Code", "Qty", "Deadline", "Who", "Out", "KR"]
        )
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, row)
        workbook.close()
        return base64.b64encode(buffer.getvalue())

    def test_import_all_or_nothing(self):
        plan = self._unit_plan(user=self.user_leader)
        Import = self.env["hr.kpi.plan.import"].with_user(self.user_leader)
        wizard = Import.create(
            {
                "plan_id": plan.id,
                "data_file": self._xlsx(
                    [
                        [1, "Monthly report", "RPT", 1, "25/05/2026", "", "", ""],
                        [2, "Bad product", "NOPE", 1, "25/05/2026", "", "", ""],
                        [3, "Bad date", "STD", 2, "June", "", "", ""],
                        [4, "Out of the month", "STD", 2, "02/06/2026", "", "", ""],
                    ]
                ),
            }
        )
        with self.assertRaises(UserError) as error:
            wizard.action_import()
        message = str(error.exception)
        self.assertIn("Row 3", message)
        self.assertIn("NOPE", message)
        self.assertIn("Row 4", message)
        self.assertIn("Row 5", message)
        self.assertNotIn("Row 2:", message)
        self.assertFalse(plan.line_ids)
        self.assertFalse(
            self.env["hr.kpi.task"].search([("unit_plan_id", "=", plan.id)])
        )
        # the template opens and has the columns read by the import
        from openpyxl import load_workbook

        template = load_workbook(io.BytesIO(wizard._build_template()))
        self.assertEqual(template.worksheets[0].max_column, 8)
        self.assertIn("STD", [c.value for c in template.worksheets[1]["A"]])
        # a good file: lines created, cascaded by e-mail or name, with quantities
        wizard.data_file = self._xlsx(
            [
                [1, "Monthly report", "RPT", 1, "25/05/2026", "", "", ""],
                [
                    2,
                    "One-stop files",
                    "STD",
                    3,
                    "28/05/2026",
                    "Staff:2; staff3@example.com",
                    "",
                    "",
                ],
            ]
        )
        wizard.action_import()
        self.assertEqual(len(plan.line_ids), 2)
        files = plan.line_ids.filtered(lambda line: line.product_id == self.product_std)
        self.assertEqual(
            {(t.employee_id, t.quantity) for t in files.task_ids},
            {(self.emp_staff, 2.0), (self.emp_staff3, 1.0)},
        )
        # a staff member cannot import
        with self.assertRaises(AccessError):
            self.env["hr.kpi.plan.import"].with_user(self.user_staff).create(
                {"plan_id": plan.id}
            )

    # ------------------------------------------------------------------
    # Record rules
    # ------------------------------------------------------------------

    def test_employee_sees_own_tasks_and_unit_plans(self):
        my_task = self.make_task(self.emp_staff)
        their_task = self.make_task(self.emp_staff2)
        unit_plan = self._unit_plan()
        other_unit_plan = self._unit_plan(department_id=self.other_department.id)
        Plan = self.env["hr.kpi.plan"]
        my_plan = Plan.with_user(self.user_staff).create(
            {"plan_type": "personal_monthly", "date_start": date(2026, 5, 1)}
        )
        their_plan = Plan.with_user(self.user_staff2).create(
            {"plan_type": "personal_monthly", "date_start": date(2026, 5, 1)}
        )
        all_plans = unit_plan | other_unit_plan | my_plan | their_plan
        self.assertEqual(
            Plan.with_user(self.user_staff).search([("id", "in", all_plans.ids)]),
            unit_plan | my_plan,
        )
        Task = self.env["hr.kpi.task"].with_user(self.user_staff)
        self.assertEqual(
            Task.search([("id", "in", (my_task | their_task).ids)]), my_task
        )
        with self.assertRaises(AccessError):
            their_plan.with_user(self.user_staff).read(["name"])
        with self.assertRaises(AccessError):
            unit_plan.with_user(self.user_staff).write({"note": "mine now"})
        # the evaluator sees his staff's plans; the head the unit's; HR all
        self.assertEqual(
            Plan.with_user(self.user_leader).search([("id", "in", all_plans.ids)]),
            unit_plan | my_plan | their_plan,
        )
        self.assertEqual(
            Plan.with_user(self.user_head).search([("id", "in", all_plans.ids)]),
            unit_plan | my_plan | their_plan,
        )
        self.assertEqual(
            Plan.with_user(self.user_hr).search([("id", "in", all_plans.ids)]),
            all_plans,
        )
        # the state moves through the buttons only
        with self.assertRaises(UserError):
            my_plan.with_user(self.user_staff).write({"state": "accepted"})
        # another company's plans stay out of reach
        foreign_plan = Plan.create(
            {
                "plan_type": "unit_monthly",
                "department_id": self.env["hr.department"]
                .create({"name": "Elsewhere", "company_id": self.other_company.id})
                .id,
                "date_start": date(2026, 5, 1),
            }
        )
        self.assertFalse(
            Plan.with_user(self.user_hr).search([("id", "=", foreign_plan.id)])
        )
