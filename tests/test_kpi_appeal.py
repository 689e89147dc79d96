from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiAppeal(KpiCommon):
    """Publication and appeals (kiến nghị), as each role's user."""

    def published(self, employee, level, days_ago=0, general=30.0):
        appraisal = self.scored(employee, general)
        self.to_state(
            appraisal,
            "published",
            level_final=level,
            published_date=date.today() - timedelta(days=days_ago),
        )
        return appraisal

    def messages(self, appraisal):
        return " ".join(appraisal.message_ids.mapped("body"))

    # ---- appeal --------------------------------------------------------

    def test_appeal_needs_a_reason(self):
        appraisal = self.published(self.emp_staff, "good")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff)._do_appeal("  ")
        self.assertEqual(appraisal.state, "published")
        appraisal.with_user(self.user_staff)._do_appeal("My report was on time")
        self.assertEqual(appraisal.state, "appeal_open")
        self.assertEqual(appraisal.appeal_reason, "My report was on time")
        self.assertIn("My report was on time", self.messages(appraisal))

    @freeze_time("2026-06-10 10:00:00")
    def test_appeal_window_comes_from_the_rule_set(self):
        # Wednesday 10/6/2026: 2 working days after Monday 8/6 (inside), and
        # after Sunday 7/6 the window closed on Tuesday 9/6 (outside)
        self.rs_nd335.appeal_days = 2
        inside = self.published(self.emp_staff, "good", days_ago=2)
        outside = self.published(self.emp_staff2, "good", days_ago=3)
        self.assertEqual(inside.appeal_deadline, date.today())
        self.assertEqual(outside.appeal_deadline, date(2026, 6, 9))
        self.assertTrue(inside.with_user(self.user_staff).can_appeal)
        self.assertFalse(outside.with_user(self.user_staff2).can_appeal)
        with self.assertRaises(UserError):
            outside.with_user(self.user_staff2)._do_appeal("Too late")
        self.assertEqual(outside.state, "published")
        inside.with_user(self.user_staff)._do_appeal("In time")
        self.assertEqual(inside.state, "appeal_open")

    def test_only_the_employee_appeals_and_only_the_decider_resolves(self):
        appraisal = self.published(self.emp_staff, "done")
        for user in (self.user_staff2, self.user_leader, self.user_head):
            with (
                self.subTest(user=user.login),
                self.assertRaises(UserError),
            ):
                appraisal.with_user(user)._do_appeal("Not mine")
        appraisal.with_user(self.user_staff)._do_appeal("Reason")
        for user in (self.user_staff, self.user_leader, self.user_other_evaluator):
            with (
                self.subTest(user=user.login),
                self.assertRaises(UserError),
            ):
                appraisal.with_user(user)._do_resolve_appeal("upheld", "Yes", "good")
        self.assertEqual(appraisal.state, "appeal_open")
        self.assertEqual(appraisal.level_final, "done")

    def test_appeal_upheld_changes_the_level(self):
        appraisal = self.published(self.emp_staff, "done")
        appraisal.with_user(self.user_staff)._do_appeal("Two tasks were on time")
        as_head = appraisal.with_user(self.user_head)
        with self.assertRaises(UserError, msg="an upheld appeal needs a level"):
            as_head._do_resolve_appeal("upheld", "Accepted")
        with self.assertRaises(UserError, msg="the same level is a rejection"):
            as_head._do_resolve_appeal("upheld", "Accepted", "done")
        self.assertEqual(appraisal.state, "appeal_open")
        as_head._do_resolve_appeal("upheld", "The tasks were on time", "good")
        self.assertEqual(appraisal.state, "appeal_resolved")
        self.assertEqual(appraisal.appeal_result, "upheld")
        self.assertEqual(appraisal.level_final, "good")
        self.assertEqual(appraisal.with_user(self.user_staff).result_level, "good")
        self.assertIn("The tasks were on time", self.messages(appraisal))

    def test_upheld_level_never_above_the_computed_level(self):
        # no quota limit here: only the computed level refuses
        self.rs_nd335.write({"quota_denominator": "all", "quota_percent": 100.0})
        # 15 general points: 85 in all, below excellent
        appraisal = self.published(self.emp_staff, "done", general=15.0)
        self.assertNotEqual(appraisal.level_computed, "excellent")
        appraisal.with_user(self.user_staff)._do_appeal("Reason")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_head)._do_resolve_appeal(
                "upheld", "Yes", "excellent"
            )
        self.assertEqual(appraisal.level_final, "done")

    def test_upheld_level_is_checked_against_the_quota(self):
        # a unit of two rated well completed: 20 % of 1 is a cap of 0
        appraisal = self.published(self.emp_staff, "good")
        other = self.published(self.emp_staff2, "good")
        self.assertEqual(other.level_final, "good")
        appraisal.with_user(self.user_staff)._do_appeal("I deserve excellent")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_head)._do_resolve_appeal(
                "upheld", "Yes", "excellent"
            )
        self.assertEqual(appraisal.state, "appeal_open")
        self.assertEqual(appraisal.level_final, "good")

    def test_appeal_rejected_with_an_answer(self):
        appraisal = self.published(self.emp_staff, "good")
        appraisal.with_user(self.user_staff)._do_appeal("Reason")
        as_head = appraisal.with_user(self.user_head)
        with self.assertRaises(UserError):
            as_head._do_resolve_appeal("rejected", " ")
        as_head._do_resolve_appeal("rejected", "The delays are recorded")
        self.assertEqual(appraisal.state, "appeal_resolved")
        self.assertEqual(appraisal.appeal_result, "rejected")
        self.assertEqual(appraisal.appeal_answer, "The delays are recorded")
        self.assertEqual(appraisal.level_final, "good")
        self.assertIn("The delays are recorded", self.messages(appraisal))

    # ---- publication to the unit -----------------------------------------

    def results(self, user):
        return (
            self.env["hr.kpi.published.result"]
            .with_user(user)
            .search([("period_id", "=", self.period.id)])
        )

    def test_published_to_the_unit(self):
        self.assertTrue(self.rs_nd335.publish_to_unit, "công khai by default")
        mine = self.published(self.emp_staff, "good")
        colleague = self.published(self.emp_staff2, "done")
        undecided = self.scored(self.emp_leader)
        self.env.flush_all()
        seen = self.results(self.user_staff)
        self.assertEqual(seen.employee_id, self.emp_staff | self.emp_staff2)
        self.assertNotIn(self.emp_leader, seen.employee_id, "not published")
        by_employee = {result.employee_id: result for result in seen}
        self.assertEqual(by_employee[self.emp_staff2].level, "done")
        # the level in words only (Luật 91/2025/QH15): the score is published
        # to the unit only where the rule set says so
        self.assertFalse(by_employee[self.emp_staff2].score_shown)
        self.assertEqual(by_employee[self.emp_staff2].total_score, 0.0)
        self.assertEqual(by_employee[self.emp_staff].total_score, mine.total_score)
        # the colleague's appraisal stays private
        with self.assertRaises(AccessError):
            colleague.with_user(self.user_staff).read(["strengths"])
        # a user of another unit sees nothing of it
        self.assertFalse(self.results(self.user_other_evaluator))
        # HR sees the company
        self.assertEqual(
            self.results(self.user_hr).employee_id, self.emp_staff | self.emp_staff2
        )
        self.assertTrue(mine and undecided)

    def test_not_published_to_the_unit(self):
        self.rs_nd335.publish_to_unit = False
        self.published(self.emp_staff, "good")
        self.published(self.emp_staff2, "done")
        self.env.flush_all()
        self.assertEqual(self.results(self.user_staff).employee_id, self.emp_staff)
        self.assertEqual(self.results(self.user_staff2).employee_id, self.emp_staff2)
