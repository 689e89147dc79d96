from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiFullMonth(KpiCommon):
    """A 10-person unit through a whole month, every step done by the user
    whose job it is: configuration, open-month wizard, self-evaluations (two
    entered on behalf of staff without a user), review, decision within the
    quota on the decision screen, publication and lock."""

    def test_ten_person_unit_from_wizard_to_lock(self):
        Employee = self.env["hr.employee"].with_company(self.company)
        no_users = Employee.create(
            [
                {
                    "name": f"Công chức {i}",
                    "department_id": self.department.id,
                    "parent_id": self.emp_leader.id,
                    "company_id": self.company.id,
                }
                for i in range(7)
            ]
        )
        staff = self.emp_staff | self.emp_staff2 | no_users
        unit = staff | self.emp_leader
        self.assertEqual(len(unit), 10)
        # configuration: evaluator = manager, decider = the unit's head (defaults)
        configs = self.env["hr.kpi.evaluation.config"].create(
            [{"employee_id": e.id, "date_start": date(2026, 1, 1)} for e in unit]
        )
        self.assertEqual(
            configs.filtered(lambda c: c.employee_id in staff).evaluator_id,
            self.emp_leader,
        )
        self.assertEqual(set(configs.decider_id.ids), {self.emp_head.id})
        self.env["hr.kpi.evaluation.config"].create(
            {
                "employee_id": self.emp_leader.id,
                "date_start": date(2025, 1, 1),
                "date_end": date(2025, 12, 31),
                "subject_group": "leader_deputy",
            }
        )
        # one perfect task each; the deputy leads the staff
        for employee in unit:
            self.make_task(employee)

        # the HR officer opens the month
        wizard = (
            self.env["hr.kpi.period.open"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id, "department_id": self.department.id})
        )
        wizard.action_open_month()
        appraisals = self.env["hr.kpi.appraisal"].search(
            [("period_id", "=", self.period.id)]
        )
        self.assertEqual(appraisals.employee_id, unit, "the head has no configuration")
        self.assertIn(self.emp_head, wizard.skipped_line_ids.employee_id)
        self.assertEqual(set(appraisals.mapped("state")), {"draft"})
        # run again: nothing new
        again = (
            self.env["hr.kpi.period.open"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id, "department_id": self.department.id})
        )
        again.action_open_month()
        self.assertEqual(again.created_count, 0)
        self.assertEqual(
            self.env["hr.kpi.appraisal"].search_count(
                [("period_id", "=", self.period.id)]
            ),
            10,
        )

        by_employee = {a.employee_id: a for a in appraisals}
        # self-evaluations: the two staff with a user, and the leader enters
        # the others' (staff without a user) on their behalf
        for employee, user in (
            (self.emp_staff, self.user_staff),
            (self.emp_staff2, self.user_staff2),
            (self.emp_leader, self.user_leader),
        ):
            own = by_employee[employee].with_user(user)
            for line in own.line_ids:
                line.write({"self_points": line.max_points})
            own.write({"level_self": "excellent"})
            own.action_submit_self()
        for employee in no_users:
            appraisal = by_employee[employee].with_user(self.user_leader)
            for line in appraisal.line_ids:
                line.write({"self_points": line.max_points})
            appraisal.write({"level_self": "excellent"})
            appraisal.action_submit_self()
            self.assertTrue(appraisal.self_submitted_on_behalf)
        self.assertEqual(set(appraisals.mapped("state")), {"self_submitted"})

        # the leader reviews his staff; the head reviews the leader (his evaluator)
        for employee in staff:
            appraisal = by_employee[employee].with_user(self.user_leader)
            appraisal.write({"level_proposed": "excellent"})
            appraisal.action_review()
        leader_appraisal = by_employee[self.emp_leader]
        self.assertEqual(leader_appraisal.evaluator_employee_id, self.emp_head)
        leader_appraisal.with_user(self.user_head).write(
            {"level_proposed": "excellent"}
        )
        leader_appraisal.with_user(self.user_head).action_review()
        self.assertEqual(set(appraisals.mapped("state")), {"reviewed"})
        self.assertEqual(set(appraisals.mapped("level_computed")), {"excellent"})

        # the head decides on the decision screen: 10 proposed excellent is far
        # over the cap; he keeps the first two of the ranked list (8 good -> 1)
        decision = (
            self.env["hr.kpi.decision"]
            .with_user(self.user_head)
            .create({"period_id": self.period.id, "department_id": self.department.id})
        )
        self.assertEqual(len(decision.line_ids), 10)
        self.assertFalse(decision.quota_holds)
        with self.assertRaises(UserError):
            decision.action_decide()
        for line in decision.line_ids.sorted("rank")[1:]:
            line.level = "good"
        self.assertTrue(decision.quota_holds)
        decision.action_decide()
        self.assertEqual(set(appraisals.mapped("state")), {"decided"})
        self.assertEqual(appraisals.mapped("level_final").count("excellent"), 1)
        self.assertEqual(appraisals.mapped("level_final").count("good"), 9)

        # publication, then the lock; nobody edits a locked appraisal
        appraisals.with_user(self.user_head).action_publish()
        self.assertEqual(
            by_employee[self.emp_staff].with_user(self.user_staff).result_level,
            by_employee[self.emp_staff].level_final,
        )
        appraisals.with_user(self.user_head).action_lock()
        self.assertEqual(set(appraisals.mapped("state")), {"locked"})
        with self.assertRaises(UserError):
            by_employee[self.emp_staff].with_user(self.user_head).write(
                {"decider_comment": "after the lock"}
            )
