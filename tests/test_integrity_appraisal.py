"""Integrity: the appraisal record cannot be bent, not through a context key,
not by naming oneself, not after the decision. Each test acts as the user."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import KpiCommon
from .test_kpi_rollup import RollupCommon

# every context key the addon ever read to skip a check
GUARD_KEYS = (
    "kpi_workflow",
    "kpi_appraisal_internal",
    "kpi_task_internal",
    "kpi_plan_workflow",
    "kpi_report_internal",
    "kpi_product_internal",
    "kpi_rollup_defer",
    "kpi_rollup_no_activity",
)
ALL_KEYS = dict.fromkeys(GUARD_KEYS, True)
# the snapshot compared before and after each attempt
SCORES = (
    "total_score",
    "task_score",
    "general_score",
    "general_self_score",
    "general_evaluator_score",
    "adjustment_score",
    "kpi_quantity",
    "kpi_quality",
    "kpi_progress",
    "kpi_percent",
    "is_vetoed",
    "level_by_score",
    "level_computed",
    "level_final",
    "state",
)
# AccessError and ValidationError are UserErrors (Odoo's assertRaises takes one class)
REFUSED = UserError


class IntegrityCommon(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_focal = new_test_user(
            cls.env,
            login="kpi_integrity_focal",
            groups="l10n_vn_hr_kpi.group_kpi_focal_point",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.emp_focal = cls.env["hr.employee"].create(
            {
                "name": "Focal point",
                "user_id": cls.user_focal.id,
                "department_id": cls.department.id,
                "company_id": cls.company.id,
            }
        )
        cls.department.kpi_focal_point_id = cls.emp_focal
        cls.emp_hr.department_id = cls.department

    def reviewed(self, employee, level="good", **vals):
        appraisal = self.scored(employee, **vals)
        appraisal.with_user(self.user_leader).write({"level_proposed": level})
        appraisal.with_user(self.user_leader).action_review()
        return appraisal

    def decided(self, employee, level="good", **vals):
        appraisal = self.reviewed(employee, level, **vals)
        appraisal.with_user(self.user_head).action_decide()
        self.assertEqual(appraisal.state, "decided")
        return appraisal

    def snapshot(self, appraisal):
        self.env.flush_all()
        appraisal.invalidate_recordset()
        return {fname: appraisal[fname] for fname in SCORES}

    def assertFrozen(self, appraisal, before):
        self.assertEqual(self.snapshot(appraisal), before)


@tagged("post_install", "-at_install")
class TestContextKeysGrantNothing(IntegrityCommon):
    def test_evaluator_cannot_decide_himself_with_any_key(self):
        appraisal = self.reviewed(self.emp_staff, level="good")
        before = self.snapshot(appraisal)
        for key in (*GUARD_KEYS, None):
            context = {key: True} if key else ALL_KEYS
            as_leader = appraisal.with_user(self.user_leader).with_context(**context)
            with self.subTest(key=key), self.assertRaises(REFUSED):
                as_leader.write({"state": "decided", "level_final": "excellent"})
            with self.subTest(key=key), self.assertRaises(REFUSED):
                as_leader.write({"leader_appraisal_id": appraisal.id})
        self.assertFrozen(appraisal, before)

    def test_head_cannot_rewrite_or_unlock_a_locked_appraisal(self):
        appraisal = self.decided(self.emp_staff, level="done")
        appraisal.with_user(self.user_head).action_publish()
        appraisal.with_user(self.user_head).action_lock()
        before = self.snapshot(appraisal)
        for user in (self.user_head, self.user_leader, self.user_hr):
            as_user = appraisal.with_user(user).with_context(**ALL_KEYS)
            with self.subTest(user=user.login), self.assertRaises(REFUSED):
                as_user.write({"level_final": "excellent"})
            with self.subTest(user=user.login), self.assertRaises(REFUSED):
                as_user.write({"state": "reviewed"})
        self.assertFrozen(appraisal, before)

    def test_nobody_creates_an_appraisal_at_a_decided_step(self):
        employee = self.emp_staff2
        for user in (self.user_focal, self.user_hr):
            Appraisal = (
                self.env["hr.kpi.appraisal"].with_user(user).with_context(**ALL_KEYS)
            )
            with self.subTest(user=user.login), self.assertRaises(REFUSED):
                Appraisal.create(
                    {
                        "employee_id": employee.id,
                        "period_id": self.period.id,
                        "evaluator_employee_id": self.emp_leader.id,
                        "decider_employee_id": self.emp_head.id,
                        "state": "decided",
                        "level_final": "excellent",
                    }
                )
        self.assertFalse(
            self.env["hr.kpi.appraisal"].search([("employee_id", "=", employee.id)])
        )

    def test_rollup_keys_do_not_skip_the_annual_result(self):
        appraisal = self.decided(self.emp_staff, level="done")
        as_head = appraisal.with_user(self.user_head).with_context(**ALL_KEYS)
        as_head.action_publish()
        as_head.action_lock()
        rollup = self.env["hr.kpi.rollup"].search(
            [("employee_id", "=", self.emp_staff.id), ("year", "=", 2026)]
        )
        self.assertTrue(rollup, "locking a month updates the results, whatever key")


@tagged("post_install", "-at_install")
class TestAdjustmentApproval(IntegrityCommon):
    def test_proposer_never_approves_and_only_the_decider_does(self):
        appraisal = self.reviewed(self.emp_staff, level="good")
        Adjustment = self.env["hr.kpi.adjustment"]
        as_leader = Adjustment.with_user(self.user_leader).with_context(**ALL_KEYS)
        # born proposed, proposed by whoever creates it
        for vals in (
            {"state": "approved"},
            {"approver_id": self.user_head.id},
            {"proposer_id": self.user_head.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_leader.create(
                    {
                        "appraisal_id": appraisal.id,
                        "adjustment_type": "deduction",
                        "points": 2,
                        "reason": "Late report",
                        **vals,
                    }
                )
        adjustment = as_leader.create(
            {
                "appraisal_id": appraisal.id,
                "adjustment_type": "deduction",
                "points": 2,
                "reason": "Late report",
            }
        )
        self.assertEqual(adjustment.proposer_id, self.user_leader)
        before = self.snapshot(appraisal)
        # the proposer cannot approve by writing the state nor by the button
        with self.assertRaises(AccessError):
            adjustment.with_user(self.user_leader).with_context(**ALL_KEYS).write(
                {"state": "approved"}
            )
        with self.assertRaises(UserError):
            adjustment.with_user(self.user_leader).action_approve()
        # the head's own proposal waits for someone else
        own = Adjustment.with_user(self.user_head).create(
            {
                "appraisal_id": appraisal.id,
                "adjustment_type": "bonus",
                "points": 1,
                "reason": "Initiative",
            }
        )
        with self.assertRaises(UserError):
            own.with_user(self.user_head).action_approve()
        self.assertEqual(own.state, "proposed")
        self.assertFrozen(appraisal, before)
        # the decider approves the evaluator's proposal
        adjustment.with_user(self.user_head).action_approve()
        self.assertEqual(adjustment.state, "approved")
        self.assertEqual(adjustment.approver_id, self.user_head)
        self.assertAlmostEqual(appraisal.adjustment_score, -2.0)

    def test_points_are_finite_and_within_reason(self):
        appraisal = self.reviewed(self.emp_staff)
        Adjustment = self.env["hr.kpi.adjustment"].with_user(self.user_leader)
        for points in (float("nan"), float("inf"), -1.0, 0.0, 1000.0):
            with self.subTest(points=points), self.assertRaises(UserError):
                Adjustment.create(
                    {
                        "appraisal_id": appraisal.id,
                        "points": points,
                        "reason": "x",
                    }
                )
        self.assertFalse(appraisal.adjustment_ids)


@tagged("post_install", "-at_install")
class TestNobodyNamesHimself(IntegrityCommon):
    def test_focal_point_and_hr_cannot_become_decider(self):
        appraisal = self.reviewed(self.emp_staff)
        for user, employee in (
            (self.user_focal, self.emp_focal),
            (self.user_hr, self.emp_hr),
        ):
            as_user = appraisal.with_user(user).with_context(**ALL_KEYS)
            for fname in (
                "decider_employee_id",
                "evaluator_employee_id",
                "acting_deputy_employee_id",
            ):
                with self.subTest(user=user.login, field=fname):
                    with self.assertRaises(AccessError):
                        as_user.write({fname: employee.id})
            # and neither decides without being the configured decider
            self.assertFalse(as_user.can_decide)
            with self.assertRaises(UserError):
                as_user.action_decide()
        self.assertEqual(appraisal.decider_employee_id, self.emp_head)
        self.assertEqual(appraisal.state, "reviewed")

    def test_configuration_of_an_open_month_is_hr_only_and_tracked(self):
        appraisal = self.scored(self.emp_staff)
        # a focal point does not change the configuration of an open month
        with self.assertRaises(AccessError):
            appraisal.with_user(self.user_focal).write(
                {"evaluator_employee_id": self.emp_staff2.id}
            )
        # an HR officer names someone else, and it is tracked
        appraisal = appraisal.with_context(tracking_disable=False, mail_notrack=False)
        appraisal.with_user(self.user_hr).write(
            {"evaluator_employee_id": self.emp_other_evaluator.id}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(appraisal.evaluator_employee_id, self.emp_other_evaluator)
        self.assertIn(
            "evaluator_employee_id",
            appraisal.message_ids.tracking_value_ids.field_id.mapped("name"),
        )
        # nobody changes the configuration once decided
        appraisal.sudo().write({"state": "decided", "level_final": "good"})
        with self.assertRaises(AccessError):
            appraisal.with_user(self.user_hr).write(
                {"decider_employee_id": self.emp_leader.id}
            )
        self.assertEqual(appraisal.decider_employee_id, self.emp_head)

    def test_evaluation_configuration(self):
        Config = self.env["hr.kpi.evaluation.config"]
        config = Config.create(
            {
                "employee_id": self.emp_staff.id,
                "date_start": date(2026, 1, 1),
                "evaluator_id": self.emp_leader.id,
                "decider_id": self.emp_head.id,
            }
        )
        # nobody names himself evaluator or decider (nor records a delegation
        # to himself: test_law2026_authority)
        for user, employee in (
            (self.user_hr, self.emp_hr),
            (self.user_focal, self.emp_focal),
        ):
            for fname in ("evaluator_id", "decider_id"):
                vals = {fname: employee.id}
                with self.subTest(user=user.login, field=fname):
                    with self.assertRaises(AccessError):
                        config.with_user(user).write(vals)
        # the focal point does not touch a configuration reaching an open month
        with self.assertRaises(AccessError):
            config.with_user(self.user_focal).write({"task_group": "Clerks"})
        with self.assertRaises(AccessError):
            config.with_user(self.user_focal).write({"date_end": date(2026, 4, 30)})
        self.assertFalse(config.date_end)
        # nobody changes his own configuration
        own = Config.create(
            {
                "employee_id": self.emp_hr.id,
                "date_start": date(2026, 1, 1),
                "evaluator_id": self.emp_leader.id,
                "decider_id": self.emp_head.id,
            }
        )
        with self.assertRaises(AccessError):
            own.with_user(self.user_hr).write({"decider_id": self.emp_leader.id})
        # an HR officer changes another's, in an open month, and it is tracked
        config = config.with_context(tracking_disable=False, mail_notrack=False)
        config.with_user(self.user_hr).write({"evaluator_id": self.emp_head.id})
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertIn(
            "evaluator_id",
            config.message_ids.tracking_value_ids.field_id.mapped("name"),
        )


@tagged("post_install", "-at_install")
class TestDecidedIsFrozen(IntegrityCommon):
    def test_criterion_lines_cannot_be_created_deleted_or_rescored(self):
        appraisal = self.decided(self.emp_staff)
        before = self.snapshot(appraisal)
        line = appraisal.line_ids[0]
        with self.assertRaises(UserError):
            self.env["hr.kpi.appraisal.line"].sudo().create(
                {
                    "appraisal_id": appraisal.id,
                    "criterion_id": line.criterion_id.id,
                    "self_points": line.max_points,
                }
            )
        with self.assertRaises(UserError):
            line.sudo().unlink()
        for user in (self.user_leader, self.user_head, self.user_hr):
            with self.subTest(user=user.login), self.assertRaises(REFUSED):
                line.with_user(user).with_context(**ALL_KEYS).write(
                    {"evaluator_points": 0, "final_points": 0}
                )
        with self.assertRaises(UserError):
            line.sudo().write({"final_points": 0})
        self.assertFrozen(appraisal, before)

    def test_an_adjustment_is_not_approved_into_a_decided_month(self):
        appraisal = self.reviewed(self.emp_staff)
        adjustment = (
            self.env["hr.kpi.adjustment"]
            .with_user(self.user_leader)
            .create(
                {
                    "appraisal_id": appraisal.id,
                    "adjustment_type": "bonus",
                    "points": 3,
                    "reason": "Initiative",
                }
            )
        )
        appraisal.with_user(self.user_head).action_decide()
        before = self.snapshot(appraisal)
        with self.assertRaises(UserError) as error:
            adjustment.with_user(self.user_head).action_approve()
        self.assertIn(appraisal.display_name, str(error.exception))
        self.assertIn("decided", str(error.exception))
        with self.assertRaises(UserError):
            self.env["hr.kpi.adjustment"].with_user(self.user_leader).create(
                {
                    "appraisal_id": appraisal.id,
                    "adjustment_type": "deduction",
                    "points": 3,
                    "reason": "After the decision",
                }
            )
        self.assertEqual(adjustment.state, "proposed")
        self.assertFrozen(appraisal, before)

    def test_a_disciplinary_event_does_not_reach_a_decided_month(self):
        earlier = self.env["hr.kpi.employee.event"].create(
            {
                "employee_id": self.emp_staff.id,
                "event_type": "discipline",
                "date": date(2025, 3, 1),
                "decision_ref": "1/QĐ",
            }
        )
        appraisal = self.decided(self.emp_staff)
        before = self.snapshot(appraisal)
        Event = self.env["hr.kpi.employee.event"].with_user(self.user_hr)
        for day in (date(2026, 5, 10), date(2026, 1, 2)):
            with self.subTest(day=day), self.assertRaises(UserError):
                Event.create(
                    {
                        "employee_id": self.emp_staff.id,
                        "event_type": "discipline",
                        "date": day,
                        "decision_ref": "2/QĐ",
                    }
                )
        # after the month, or a year before: nothing decided is reached
        later = Event.create(
            {
                "employee_id": self.emp_staff.id,
                "event_type": "discipline",
                "date": date(2026, 6, 10),
                "decision_ref": "3/QĐ",
            }
        )
        with self.assertRaises(UserError):
            later.write({"date": date(2026, 5, 31)})
        with self.assertRaises(UserError):
            earlier.with_user(self.user_hr).write({"date": date(2026, 2, 1)})
        self.assertFrozen(appraisal, before)
        # an event reaching it cannot be removed either
        reaching = self.env["hr.kpi.employee.event"].create(
            {
                "employee_id": self.emp_staff2.id,
                "event_type": "discipline",
                "date": date(2026, 4, 1),
                "decision_ref": "4/QĐ",
            }
        )
        other = self.scored(self.emp_staff2)
        self.assertEqual(other.level_computed, "fail")
        other.with_user(self.user_leader).write({"level_proposed": "fail"})
        other.with_user(self.user_leader).action_review()
        other.with_user(self.user_head).action_decide()
        before = self.snapshot(other)
        with self.assertRaises(UserError):
            reaching.with_user(self.user_hr).unlink()
        self.assertFrozen(other, before)

    def test_scores_are_a_snapshot_until_reopened(self):
        """Whatever input changes under a decided appraisal (here a line's
        points rewritten in SQL, as an unforeseen path would), its stored
        scores do not follow until the audited reopen."""
        appraisal = self.decided(self.emp_staff)
        before = self.snapshot(appraisal)
        line = appraisal.line_ids.filtered(lambda ln: ln.max_points >= 2)[0]
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal_line SET final_points = 0 WHERE id = %s",
                line.id,
            )
        )
        line.invalidate_recordset()
        line.modified(["final_points"])
        self.assertFrozen(appraisal, before)
        # the audited reopen ends the snapshot: the scores follow again
        appraisal.with_user(self.user_head)._do_reopen("Committee found an error")
        self.assertEqual(appraisal.state, "reviewed")
        self.env.flush_all()
        appraisal.invalidate_recordset()
        self.assertAlmostEqual(
            appraisal.general_score, before["general_score"] - line.max_points
        )

    def test_reopen_before_the_publication_only(self):
        """Reopened while decided; once published, never (the published
        result is corrected by a replacement decision), nor during
        an appeal, nor by the employee."""
        appraisal = self.decided(self.emp_staff)
        appraisal.with_user(self.user_head)._do_reopen("Wrong task counted")
        self.assertEqual(appraisal.state, "reviewed")
        appraisal.with_user(self.user_head).action_decide()
        appraisal.with_user(self.user_head).action_publish()
        for user in (self.user_head, self.user_hr):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                appraisal.with_user(user)._do_reopen("After the publication")
        self.assertEqual(appraisal.state, "published")
        appraisal.with_user(self.user_staff)._do_appeal("I disagree")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_head)._do_reopen("During the appeal")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff)._do_reopen("Myself")
        self.assertEqual(appraisal.state, "appeal_open")


@tagged("post_install", "-at_install")
class TestEvaluatorPointsStay(IntegrityCommon):
    def test_employee_self_points_do_not_move_the_evaluator_points(self):
        appraisal = self.scored(self.emp_staff)
        line = appraisal.line_ids.filtered(lambda ln: ln.scoring_type != "binary")[0]
        maximum = line.max_points
        self.assertAlmostEqual(line.evaluator_points, maximum)
        appraisal.with_user(self.user_staff).action_submit_self()
        line.with_user(self.user_leader).write(
            {"evaluator_points": maximum - 1, "evaluator_comment": "One report late"}
        )
        self.assertTrue(line.evaluator_points_set)
        appraisal.with_user(self.user_leader)._do_return("Add the evidence")
        self.assertEqual(appraisal.returned_to, "employee")
        # the employee rescores himself: the evaluator's points stay his
        line.with_user(self.user_staff).write(
            {"self_points": maximum - 0.5, "comment": "Evidence added"}
        )
        self.assertAlmostEqual(line.self_points, maximum - 0.5)
        self.assertAlmostEqual(line.evaluator_points, maximum - 1)
        # nor by sending them as if they only followed his own
        with self.assertRaises(REFUSED):
            line.with_user(self.user_staff).with_context(**ALL_KEYS).write(
                {"self_points": maximum, "evaluator_points": maximum}
            )
        with self.assertRaises(REFUSED):
            line.with_user(self.user_staff).write({"evaluator_points_set": False})
        self.assertAlmostEqual(line.evaluator_points, maximum - 1)

    def test_evaluator_points_follow_until_scored(self):
        appraisal = self.scored(self.emp_staff)
        line = appraisal.line_ids.filtered(lambda ln: ln.scoring_type != "binary")[0]
        line.with_user(self.user_staff).write(
            {"self_points": line.max_points - 1, "comment": "Late once"}
        )
        self.assertAlmostEqual(line.evaluator_points, line.max_points - 1)
        self.assertFalse(line.evaluator_points_set)


@tagged("post_install", "-at_install")
class TestQuotaException(IntegrityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.more = Employee.create(
            [
                {
                    "name": f"Clerk {i}",
                    "department_id": cls.department.id,
                    "parent_id": cls.emp_leader.id,
                }
                for i in range(3)
            ]
        )
        cls.other_unit = cls.env["hr.department"].create(
            {"name": "Culture office", "company_id": cls.company.id}
        )

    def exception(self, user=None, **vals):
        Exception_ = self.env["hr.kpi.quota.exception"]
        if user:
            Exception_ = Exception_.with_user(user)
        return Exception_.create(
            {
                "name": "15/QĐ-UBND",
                "date": date(2026, 5, 28),
                "company_id": self.company.id,
                "department_id": self.department.id,
                "date_from": date(2026, 5, 1),
                "date_to": date(2026, 5, 31),
                **vals,
            }
        )

    def test_exception_is_recorded_by_hr_or_the_superior_unit_only(self):
        with self.assertRaises(AccessError):
            self.exception(self.user_head)
        with self.assertRaises(AccessError):
            self.exception(self.user_leader)
        record = self.exception(self.user_hr, approved_by_id=self.user_head.id)
        self.assertEqual(record.approved_by_id, self.user_hr)
        self.assertEqual(record.authority, "hr")
        with self.assertRaises(AccessError):
            record.with_user(self.user_head).write({"date_to": date(2026, 12, 31)})
        # a superior unit's head records one for the unit below
        self.department.parent_id = self.other_unit
        self.other_unit.manager_id = self.emp_other_evaluator
        self.user_other_evaluator.groups_id += self.env.ref(
            "l10n_vn_hr_kpi.group_kpi_head"
        )
        self.env.invalidate_all()
        superior = self.exception(self.user_other_evaluator, name="16/QĐ")
        self.assertEqual(superior.authority, "superior")

    def test_free_text_does_not_raise_the_cap(self):
        appraisals = [
            self.reviewed(employee, level="excellent" if i == 0 else "good")
            for i, employee in enumerate(self.emp_staff | self.emp_staff2 | self.more)
        ]
        first = appraisals[0]
        # 4 rated good (the rule set's denominator): 20 % is 0 excellent, 25 % is 1
        with self.assertRaises(REFUSED):
            first.with_user(self.user_head).write({"quota_exception_ref": "Any text"})

        def decide(exception=False):
            wizard = (
                self.env["hr.kpi.decision"]
                .with_user(self.user_head)
                .create(
                    {
                        "period_id": self.period.id,
                        "department_id": self.department.id,
                        "exception_id": exception and exception.id,
                    }
                )
            )
            return wizard.action_decide()

        with self.assertRaises(UserError):
            decide()
        elsewhere = self.exception(self.user_hr, department_id=self.other_unit.id)
        with self.assertRaises(UserError):
            decide(elsewhere)
        june = self.exception(
            self.user_hr, date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)
        )
        with self.assertRaises(UserError):
            decide(june)
        self.assertEqual({a.state for a in appraisals}, {"reviewed"})
        approval = self.exception(self.user_hr)
        decide(approval)
        self.assertEqual({a.state for a in appraisals}, {"decided"})
        self.assertEqual(first.level_final, "excellent")
        self.assertEqual(first.quota_exception_id, approval)
        self.assertEqual(first.quota_exception_ref, "15/QĐ-UBND")
        # a record of the decisions: it no longer changes nor goes away
        with self.assertRaises(UserError):
            approval.with_user(self.user_hr).write({"name": "other"})
        with self.assertRaises(UserError):
            approval.with_user(self.user_hr).unlink()


@tagged("post_install", "-at_install")
class TestAnnualResultIsDecidedOnly(RollupCommon):
    def locked_year(self, totals=(80,) * 12):
        self.year_of(self.emp_staff, list(totals))
        self.compute()
        rollup = self.get(self.emp_staff)
        self.assertEqual(rollup.state, "computed")
        return rollup

    def test_levels_are_never_written(self):
        rollup = self.locked_year()
        fnames = ["level_final", "level_computed", "state", "score"]
        before = rollup.read(fnames)
        for user in (self.user_hr, self.user_head):
            as_user = rollup.with_user(user).with_context(**ALL_KEYS)
            for vals in (
                {"level_final": "excellent"},
                {"level_computed": "excellent"},
                {"state": "decided"},
                {"score": 100.0},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        as_user.write(vals)
        with self.assertRaises(AccessError):
            self.env["hr.kpi.rollup"].with_user(self.user_hr).create(
                {"employee_id": self.emp_staff2.id, "year": 2026, "quarter": 0}
            )
        self.assertEqual(rollup.read(fnames), before)

    def test_hr_officer_does_not_decide_the_year(self):
        rollup = self.locked_year()
        level = rollup.level_computed
        with self.assertRaises(AccessError):
            rollup.with_user(self.user_hr)._kpi_decide({rollup: level})
        self.assertEqual(rollup.state, "computed")
        rollup.with_user(self.user_head)._kpi_decide({rollup: level})
        self.assertEqual(rollup.state, "decided")
        self.assertEqual(rollup.level_final, level)

    def test_one_quota_service_locks_the_scope(self):
        """The month and the year go through hr.kpi.quota._decide_within:
        the scope is locked FOR UPDATE before the quota is checked."""
        rollup = self.locked_year()
        calls = []
        Quota = self.env["hr.kpi.quota"]
        original = type(Quota)._decide_within

        def spy(self_, records, levels, write, **kwargs):
            calls.append((records._name, dict(levels)))
            return original(self_, records, levels, write, **kwargs)

        self.patch(type(Quota), "_decide_within", spy)
        rollup.with_user(self.user_head)._kpi_decide({rollup: rollup.level_computed})
        self.make_task(self.emp_staff2)
        appraisal = self.make_appraisal(
            self.emp_staff2,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
        )
        self.set_general(appraisal, 30.0)
        appraisal.with_user(self.user_leader).write({"level_proposed": "good"})
        appraisal.with_user(self.user_leader).action_review()
        appraisal.with_user(self.user_head).action_decide()
        self.assertEqual(
            [name for name, _levels in calls], ["hr.kpi.rollup", "hr.kpi.appraisal"]
        )
        self.assertEqual(calls[0][1], {rollup.id: rollup.level_final})
        scope = Quota._scope(rollup, lock=True)
        self.assertIn(rollup, scope)

    def test_over_the_annual_quota_nothing_is_written(self):
        rollup = self.locked_year((95,) * 12)
        self.assertEqual(rollup.level_computed, "excellent")
        # alone in the unit: 20 % of 0 rated good is 0 excellent for the year
        with self.assertRaises(UserError):
            rollup.with_user(self.user_head)._kpi_decide({rollup: "excellent"})
        self.assertEqual(rollup.state, "computed")
        self.assertFalse(rollup.level_final)


@tagged("post_install", "-at_install")
class TestResetCriteria(IntegrityCommon):
    def test_only_hr_or_the_evaluator_resets_the_criteria(self):
        appraisal = self.scored(self.emp_staff)
        lines = appraisal.line_ids
        for user in (self.user_staff, self.user_staff2, self.user_other_evaluator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                appraisal.with_user(user).action_reset_criteria()
        self.assertTrue(lines.exists())
        appraisal.with_user(self.user_hr).action_reset_criteria()
        self.assertFalse(lines.exists())
        self.assertTrue(appraisal.line_ids)
