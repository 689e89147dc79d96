from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiTaskAccess(KpiCommon):
    """The assignee reports progress; only the assigner or the evaluator confirms
    the outcome (server-side, whatever the client sends)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task = cls.env["hr.kpi.task"].create(
            {
                "name": "Monthly socio-economic report",
                "employee_id": cls.emp_staff.id,
                "assigner_id": cls.emp_leader.id,
                "product_id": cls.product_k2.id,
                "quantity": 2,
                "deadline": cls.deadline,
            }
        )

    def test_assignee_reports_progress(self):
        task = self.task.with_user(self.user_staff)
        task.action_start()
        task.write({"completed_quantity": 2, "progress_note": "Sent to the leader"})
        task.action_report_done()
        self.assertEqual(task.state, "to_confirm")
        self.assertEqual(task.date_done, task.date_done)  # set by the report
        self.assertTrue(task.date_done)

    @mute_logger("odoo.models")
    def test_assignee_cannot_confirm_outcome(self):
        task = self.task.with_user(self.user_staff)
        for vals in (
            {"quality_passed_quantity": 2},
            {"major_error_count": 0},
            {"exceeded_requirement": True},
            {
                "delay_corrected": True,
                "delay_correction_reason": "x",
                "delay_count_corrected": 0,
            },
            {"exemption": True},
            {"outcome_confirmed": True},
            {"state": "done"},
            {"deadline": "2026-05-31"},
            {"quantity": 1},
            {"product_id": self.product_std.id},
            {"period_id": self.period.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                task.write(vals)
        with self.assertRaises(AccessError):
            task.action_confirm_outcome()
        with self.assertRaises(AccessError):
            task.action_cancel()

    def test_assigner_confirms_outcome(self):
        self.task.with_user(self.user_staff).write(
            {"completed_quantity": 2, "date_done": self.deadline}
        )
        task = self.task.with_user(self.user_leader)
        task.write({"major_error_count": 1, "exceeded_requirement": True})
        task.action_confirm_outcome()
        self.assertEqual(task.state, "done")
        self.assertTrue(task.outcome_confirmed)
        self.assertEqual(task.confirmed_by_id, self.user_leader)
        # nothing stated: what is completed passes the quality review...
        # ...unless errors were recorded (then the evaluator enters it)
        self.assertEqual(task.quality_passed_quantity, 0.0)
        task.quality_passed_quantity = 2
        # closed for the assignee
        with self.assertRaises(AccessError):
            self.task.with_user(self.user_staff).write({"completed_quantity": 1})

    def test_evaluator_of_the_appraisal_confirms(self):
        """A task assigned by the HR officer is confirmed by the evaluator."""
        task = self.env["hr.kpi.task"].create(
            {
                "name": "One-stop file",
                "employee_id": self.emp_staff2.id,
                "assigner_id": self.emp_hr.id,
                "product_id": self.product_std.id,
                "quantity": 1,
                "deadline": self.deadline,
            }
        )
        # staff2's manager is the leader: allowed as direct manager
        task.with_user(self.user_leader).action_confirm_outcome()
        # an evaluator of another unit cannot touch it
        other = self.env["hr.kpi.task"].create(
            {
                "name": "Other file",
                "employee_id": self.emp_staff2.id,
                "assigner_id": self.emp_hr.id,
                "product_id": self.product_std.id,
                "quantity": 1,
                "deadline": self.deadline,
            }
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_other_evaluator).write({"major_error_count": 1})
        # until the appraisal names him the evaluator
        self.make_appraisal(
            self.emp_staff2, evaluator_employee_id=self.emp_other_evaluator.id
        )
        self.assertTrue(other.appraisal_id)
        other.with_user(self.user_other_evaluator).write({"major_error_count": 1})
        self.assertEqual(other.major_error_count, 1)

    def test_other_employee_cannot_read_or_write(self):
        with self.assertRaises(AccessError):
            self.task.with_user(self.user_staff2).read(["name"])
        with self.assertRaises(AccessError):
            self.task.with_user(self.user_staff2).write({"completed_quantity": 1})

    def test_self_declared_task_needs_confirmation(self):
        Task = self.env["hr.kpi.task"].with_user(self.user_staff)
        task = Task.create(
            {
                "name": "Ad-hoc inspection",
                "employee_id": self.emp_staff.id,
                "product_id": self.product_std.id,
                "quantity": 1,
                "deadline": self.deadline,
                "origin": "adhoc",
            }
        )
        self.assertFalse(task.assignment_confirmed)
        # the assignee may still correct his own declaration
        task.write({"quantity": 2})
        with self.assertRaises(AccessError):
            task.write({"assignment_confirmed": True})
        with self.assertRaises(AccessError):
            Task.create(
                {
                    "name": "Self-confirmed",
                    "employee_id": self.emp_staff.id,
                    "product_id": self.product_std.id,
                    "quantity": 1,
                    "deadline": self.deadline,
                    "quality_passed_quantity": 0,
                    "outcome_confirmed": True,
                }
            )
        self.assertFalse(task.is_counted)
        task.with_user(self.user_leader).action_confirm_assignment()
        self.assertTrue(task.assignment_confirmed)
        self.assertTrue(task.is_counted)
        with self.assertRaises(AccessError):
            task.write({"quantity": 3})

    def test_employee_cannot_assign_to_others(self):
        with self.assertRaises(AccessError):
            self.env["hr.kpi.task"].with_user(self.user_staff).create(
                {
                    "name": "For a colleague",
                    "employee_id": self.emp_staff2.id,
                    "product_id": self.product_std.id,
                    "quantity": 1,
                    "deadline": self.deadline,
                }
            )
        task = (
            self.env["hr.kpi.task"]
            .with_user(self.user_leader)
            .create(
                {
                    "name": "Assigned",
                    "employee_id": self.emp_staff2.id,
                    "product_id": self.product_std.id,
                    "quantity": 1,
                    "deadline": self.deadline,
                }
            )
        )
        self.assertEqual(task.assigner_id, self.emp_leader)
        self.assertTrue(task.assignment_confirmed)

    def test_deadline_moved_after_it_passed_counts_a_delay(self):
        task = self.task
        # a deadline in the past to start from, set below the ORM (not a move)
        task._write({"deadline": "2020-01-10", "date_assigned": "2020-01-01"})
        task.invalidate_recordset()
        task.write({"deadline": "2020-01-20"})
        self.assertEqual(task.missed_deadlines_before, 1)
        task.write({"completed_quantity": 2, "date_done": "2020-01-25"})
        # one missed before, and completed after the new deadline
        self.assertEqual(task.delay_count, 2)
        task.write(
            {
                "delay_corrected": True,
                "delay_count_corrected": 1,
                "delay_correction_reason": "Holiday",
            }
        )
        self.assertEqual(task.delay_count, 1)

    def test_appraisal_record_rules(self):
        staff = self.make_appraisal(
            self.emp_staff, evaluator_employee_id=self.emp_leader.id
        )
        staff2 = self.make_appraisal(
            self.emp_staff2, evaluator_employee_id=self.emp_leader.id
        )
        Appraisal = self.env["hr.kpi.appraisal"]
        self.assertEqual(Appraisal.with_user(self.user_staff).search([]), staff)
        self.assertEqual(
            Appraisal.with_user(self.user_leader).search([]), staff | staff2
        )
        self.assertFalse(Appraisal.with_user(self.user_other_evaluator).search([]))
        with self.assertRaises(AccessError):
            staff2.with_user(self.user_staff).read(["total_score"])
        self.assertEqual(Appraisal.with_user(self.user_head).search([]), staff | staff2)

    def test_employee_writes_self_evaluation_only(self):
        appraisal = self.make_appraisal(
            self.emp_staff, evaluator_employee_id=self.emp_leader.id
        )
        own = appraisal.with_user(self.user_staff)
        own.write({"level_self": "good", "strengths": "On time"})
        own.line_ids[0].write({"self_points": 5.0, "comment": "Late once"})
        for vals in (
            {"level_final": "excellent"},
            {"level_proposed": "excellent"},
            {"kpi_cohesion": 100.0},
            {"zero_assignment_resolution": "full"},
            {"evaluator_employee_id": self.emp_staff2.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                own.write(vals)
        with self.assertRaises(AccessError):
            own.line_ids[0].write({"final_points": 6.0})
        # the evaluator scores
        appraisal.with_user(self.user_leader).line_ids[0].write(
            {"evaluator_points": 4.0}
        )
        appraisal.with_user(self.user_leader).write({"level_proposed": "good"})
        self.assertEqual(appraisal.line_ids[0].final_points, 4.0)

    def test_carry_over(self):
        """The unfinished quantity moves to June in a new task; May keeps its own."""
        self.task.write({"completed_quantity": 1, "date_done": self.deadline})
        june = self.env["hr.kpi.period"].create(
            {"company_id": self.company.id, "date_start": "2026-06-01"}
        )
        action = self.task.with_user(self.user_leader).action_carry_over()
        new = self.env["hr.kpi.task"].browse(action["res_id"])
        self.assertEqual(new.origin, "carried")
        self.assertEqual(new.carried_from_id, self.task)
        self.assertEqual(new.quantity, 1.0)
        self.assertEqual(new.period_id, june)
        self.assertEqual(str(new.deadline), "2026-06-30")
        self.assertFalse(new.completed_quantity)
        with self.assertRaises(AccessError):
            self.task.with_user(self.user_staff).action_carry_over()

    def test_multi_company(self):
        """A head sees his company's appraisals and tasks, not another company's."""
        employee = self.env["hr.employee"].create(
            {"name": "Elsewhere", "company_id": self.other_company.id}
        )
        period = self.env["hr.kpi.period"].create(
            {"company_id": self.other_company.id, "date_start": "2026-05-01"}
        )
        product = self.env["hr.kpi.product"].create(
            {
                "code": "STD",
                "name": "Standard",
                "points": 5,
                "is_standard": True,
                "company_id": self.other_company.id,
            }
        )
        task = self.env["hr.kpi.task"].create(
            {
                "name": "Elsewhere",
                "employee_id": employee.id,
                "product_id": product.id,
                "deadline": self.deadline,
            }
        )
        appraisal = self.make_appraisal(employee, period)
        self.assertEqual(task.appraisal_id, appraisal)
        mine = self.make_appraisal(self.emp_staff)
        for user in (self.user_head, self.user_hr):
            Appraisal = self.env["hr.kpi.appraisal"].with_user(user)
            self.assertEqual(Appraisal.search([]), mine)
            self.assertFalse(
                self.env["hr.kpi.task"].with_user(user).search([("id", "=", task.id)])
            )
            with self.assertRaises(AccessError):
                appraisal.with_user(user).read(["total_score"])
            self.assertFalse(
                self.env["hr.kpi.product"]
                .with_user(user)
                .search([("id", "=", product.id)])
            )
