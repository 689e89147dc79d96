"""Integrity, the task slice: a task cannot be bent by a context key, its
assignee never confirms his own work, an evaluator assigns only the people he
evaluates in open months, the tasks of a decided month are frozen, and the
numbers stay within reason. Each test acts as the user."""

from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_integrity_appraisal import ALL_KEYS, IntegrityCommon


@tagged("post_install", "-at_install")
class TestIntegrityTask(IntegrityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hr.kpi.evaluation.config"].create(
            {
                "employee_id": cls.emp_staff.id,
                "date_start": date(2026, 1, 1),
                "evaluator_id": cls.emp_leader.id,
                "decider_id": cls.emp_head.id,
            }
        )
        cls.other_unit = cls.env["hr.department"].create(
            {"name": "Culture and Society", "company_id": cls.company.id}
        )
        cls.emp_other_staff = cls.env["hr.employee"].create(
            {
                "name": "Other unit staff",
                "department_id": cls.other_unit.id,
                "company_id": cls.company.id,
            }
        )

    def new_task(self, user, employee=None, **vals):
        return (
            self.env["hr.kpi.task"]
            .with_user(user)
            .with_context(**ALL_KEYS)
            .create(
                {
                    "name": "Declared task",
                    "employee_id": (employee or self.emp_staff).id,
                    "product_id": self.product_std.id,
                    "quantity": 3.0,
                    "deadline": self.deadline,
                    **vals,
                }
            )
        )

    # ------------------------------------------------------------------
    # 1, 2: no context key, no self-confirmation
    # ------------------------------------------------------------------

    def test_assignee_never_confirms_his_own_work(self):
        """He declares a task naming himself assigner: the server names his
        evaluator, and neither the assignment nor the outcome can be his."""
        task = self.new_task(self.user_staff, assigner_id=self.emp_staff.id)
        self.assertEqual(task.sudo().assigner_id, self.emp_leader)
        self.assertFalse(task.sudo().assignment_confirmed)
        mine = task.with_user(self.user_staff).with_context(**ALL_KEYS)
        with self.assertRaises(AccessError):
            mine.write({"assigner_id": self.emp_staff.id})
        with self.assertRaises(AccessError):
            mine.action_confirm_assignment()
        mine.write({"completed_quantity": 3.0, "date_done": self.deadline})
        with self.assertRaises(AccessError):
            mine.action_confirm_outcome()
        with self.assertRaises(AccessError):
            mine.write({"state": "done", "outcome_confirmed": True})
        self.assertFalse(task.sudo().outcome_confirmed)
        self.assertFalse(task.sudo().assignment_confirmed)
        # the evaluator confirms both
        task.with_user(self.user_leader).action_confirm_assignment()
        task.with_user(self.user_leader).action_confirm_outcome()
        self.assertTrue(task.outcome_confirmed)
        self.assertEqual(task.confirmed_by_id, self.user_leader)

    def test_no_role_confirms_his_own_task(self):
        """An evaluator or an HR officer who is the assignee does not confirm
        his own outcome either."""
        for user, employee in (
            (self.user_leader, self.emp_leader),
            (self.user_hr, self.emp_hr),
        ):
            with self.subTest(user=user.login):
                task = self.make_task(employee, done=0, assigner_id=self.emp_head.id)
                with self.assertRaises(AccessError):
                    task.with_user(user).with_context(
                        **ALL_KEYS
                    ).action_confirm_outcome()
                self.assertFalse(task.outcome_confirmed)

    def test_closed_task_is_not_rewritten_with_any_key(self):
        task = self.make_task(self.emp_staff, quantity=2.0)
        mine = task.with_user(self.user_staff).with_context(**ALL_KEYS)
        for vals in (
            {"completed_quantity": 20.0},
            {"quality_passed_quantity": 2.0, "major_error_count": 0},
            {"state": "in_progress"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
        self.assertEqual(task.completed_quantity, 2.0)
        self.assertEqual(task.state, "done")

    # ------------------------------------------------------------------
    # 3: assign only the people one evaluates, in open months
    # ------------------------------------------------------------------

    def test_evaluator_assigns_his_evaluatees_only(self):
        task = self.new_task(self.user_leader, assigner_id=self.emp_head.id)
        # the assigner is the one who assigns
        self.assertEqual(task.assigner_id, self.emp_leader)
        self.assertTrue(task.assignment_confirmed)
        for user in (self.user_leader, self.user_other_evaluator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.new_task(user, employee=self.emp_other_staff)
        with self.assertRaises(AccessError):
            self.new_task(self.user_other_evaluator)
        with self.assertRaises(AccessError):
            task.with_user(self.user_leader).write(
                {"employee_id": self.emp_other_staff.id}
            )
        self.assertEqual(task.employee_id, self.emp_staff)
        # the head of the other unit assigns its staff; HR anyone
        self.other_unit.manager_id = self.emp_other_evaluator
        self.user_other_evaluator.groups_id |= self.env.ref(
            "l10n_vn_hr_kpi.group_kpi_head"
        )
        self.env.invalidate_all()
        self.assertTrue(
            self.new_task(self.user_other_evaluator, employee=self.emp_other_staff)
        )
        self.assertTrue(self.new_task(self.user_hr, employee=self.emp_other_staff))

    def test_no_task_into_a_closed_month(self):
        self.period.sudo().state = "closed"
        for user in (self.user_leader, self.user_staff, self.user_hr):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.new_task(user)
        june = self.new_task(self.user_leader, deadline=date(2026, 6, 10))
        with self.assertRaises(UserError):
            june.with_user(self.user_leader).write({"deadline": self.deadline})
        self.assertEqual(june.deadline, date(2026, 6, 10))

    # ------------------------------------------------------------------
    # 6: the tasks of a decided month are frozen
    # ------------------------------------------------------------------

    def test_tasks_of_a_decided_month_are_frozen(self):
        appraisal = self.decided(self.emp_staff)
        task = appraisal.task_ids[:1]
        before = self.snapshot(appraisal)
        june = self.make_task(self.emp_staff, deadline=date(2026, 6, 10))
        attempts = {
            "edit a done task (assigner)": lambda: task.with_user(
                self.user_leader
            ).write({"completed_quantity": 0.5, "major_error_count": 2}),
            "reopen it": lambda: task.with_user(self.user_leader).action_reopen(),
            "edit it as HR": lambda: task.with_user(self.user_hr).write(
                {"quality_passed_quantity": 0.0}
            ),
            "edit it as superuser": lambda: task.sudo().write({"major_error_count": 3}),
            "create a task in the month": lambda: self.new_task(self.user_leader),
            "create one as superuser": lambda: self.make_task(self.emp_staff),
            "move a task into the month": lambda: june.with_user(
                self.user_leader
            ).write({"deadline": self.deadline}),
            "delete a task": lambda: task.with_user(self.user_hr).unlink(),
        }
        for name, attempt in attempts.items():
            with self.subTest(attempt=name), self.assertRaises(UserError):
                with self.env.cr.savepoint():
                    attempt()
                    self.env.flush_all()
            self.env.invalidate_all()
            self.assertFrozen(appraisal, before)
        self.assertEqual(june.deadline, date(2026, 6, 10))
        self.assertEqual(appraisal.task_ids, task)
        # reopened (audited), the month moves again
        appraisal.with_user(self.user_head)._do_reopen("Outcome corrected")
        task.with_user(self.user_leader).write({"major_error_count": 1})
        self.assertNotEqual(appraisal.kpi_quality, before["kpi_quality"])

    # ------------------------------------------------------------------
    # 10: numbers within reason
    # ------------------------------------------------------------------

    def test_unconfirmed_outcome_does_not_count(self):
        appraisal = self.make_appraisal(self.emp_staff)
        task = self.make_task(self.emp_staff, quantity=4.0, done=0)
        task.with_user(self.user_staff).write(
            {"completed_quantity": 4.0, "date_done": self.deadline}
        )
        self.assertEqual(appraisal.kpi_done_quantity, 0.0)
        self.assertEqual(appraisal.kpi_quantity, 0.0)
        task.with_user(self.user_leader).action_confirm_outcome()
        self.assertEqual(appraisal.kpi_quantity, 100.0)

    def test_over_completion_counts_or_is_capped_by_the_rule_set(self):
        rule_set = self.period.rule_set_id
        self.assertEqual(rule_set.over_completion_policy, "count")
        appraisal = self.make_appraisal(self.emp_staff)
        big = self.make_task(self.emp_staff, quantity=3.0, done=300.0)
        self.make_task(self.emp_staff, quantity=3.0, done=0.0)
        self.make_task(self.emp_staff, quantity=3.0, done=0.0)
        self.assertEqual(big.excess_quantity, 297.0)
        self.assertEqual(appraisal.task_excess_quantity, 297.0)
        # counted, as the decree's sums do: the excess covers the other tasks
        self.assertEqual(appraisal.kpi_quantity, 100.0)
        rule_set.over_completion_policy = "cap"
        # capped: 3 of 9 assigned
        self.assertAlmostEqual(appraisal.kpi_quantity, 100.0 / 3, places=2)
        self.assertEqual(appraisal.task_excess_quantity, 297.0)

    def test_numbers_are_finite_and_bounded(self):
        task = self.make_task(self.emp_staff, done=0)
        for vals in (
            {"quantity": float("nan")},
            {"quantity": float("inf")},
            {"quantity": 0.0},
            {"quantity": 1e9},
            {"completed_quantity": -1.0},
            {"completed_quantity": float("nan")},
            {"quality_passed_quantity": 2.0},
            {"major_error_count": -1},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    task.with_user(self.user_leader).write(vals)
                    self.env.flush_all()
            self.env.invalidate_all()
        self.assertEqual(task.quantity, 1.0)

    def test_completion_date_bounds(self):
        # the users' day (their time zone), not the server's: no flake between
        # 17:00 and midnight UTC
        today = fields.Date.context_today(
            self.env["hr.kpi.task"].with_user(self.user_leader)
        )
        task = self.new_task(self.user_leader, deadline=today + timedelta(days=5))
        self.assertEqual(task.date_assigned, today)
        mine = task.with_user(self.user_staff)
        for day in (today + timedelta(days=1), today - timedelta(days=3)):
            with self.subTest(day=day), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    mine.write({"date_done": day})
            self.env.invalidate_all()
        mine.write({"date_done": today, "completed_quantity": 3.0})
        # set once: only the assigner corrects it
        with self.assertRaises(AccessError):
            mine.write({"date_done": today - timedelta(days=1)})
        self.assertEqual(task.date_done, today)

    # ------------------------------------------------------------------
    # 8: the related KPI follows the appraisal's rights
    # ------------------------------------------------------------------

    def test_running_kpi_shows_only_to_readers_of_the_appraisal(self):
        outsider = new_test_user(
            self.env,
            login="kpi_integrity_assigner",
            groups="l10n_vn_hr_kpi.group_kpi_employee",
            company_id=self.company.id,
        )
        emp_outsider = self.env["hr.employee"].create(
            {
                "name": "Assigner of another unit",
                "user_id": outsider.id,
                "company_id": self.company.id,
            }
        )
        appraisal = self.make_appraisal(self.emp_staff)
        task = self.make_task(self.emp_staff, assigner_id=emp_outsider.id)
        self.assertTrue(appraisal.kpi_percent)
        self.assertEqual(task.appraisal_kpi_percent, appraisal.kpi_percent)
        as_outsider = task.with_user(outsider)
        self.assertEqual(as_outsider.read(["name"])[0]["name"], "Task")
        self.assertFalse(appraisal.with_user(outsider).has_access("read"))
        self.assertEqual(as_outsider.appraisal_kpi_percent, 0.0)
        self.assertEqual(
            task.with_user(self.user_staff).appraisal_kpi_percent,
            appraisal.kpi_percent,
        )

    def test_assignment_checks_cost_the_same_for_a_batch(self):
        """The rights checks of a batch of tasks read a few rows for the
        whole batch, never a query per task."""
        staff = self.env["hr.employee"].create(
            [
                {
                    "name": f"Evaluatee {i}",
                    "department_id": self.department.id,
                    "parent_id": self.emp_head.id,
                    "company_id": self.company.id,
                }
                for i in range(12)
            ]
        )
        self.env["hr.kpi.evaluation.config"].create(
            [
                {
                    "employee_id": employee.id,
                    "date_start": date(2026, 1, 1),
                    "evaluator_id": self.emp_leader.id,
                    "decider_id": self.emp_head.id,
                }
                for employee in staff
            ]
        )
        Task = self.env["hr.kpi.task"].with_user(self.user_leader)

        def queries(employees):
            vals_list = [
                {"employee_id": e.id, "deadline": self.deadline} for e in employees
            ]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Task._check_create_rights(vals_list)
            Task._check_assignable([(e, self.deadline, False) for e in employees])
            return self.env.cr.sql_log_count - before

        queries(staff[:1])  # warm the registry caches (groups, rules)
        self.assertEqual(queries(staff[:2]), queries(staff))
        # and the check still refuses one outsider among many
        with self.assertRaises(AccessError):
            Task._check_assignable(
                [(e, self.deadline, False) for e in staff | self.emp_other_staff]
            )
