"""The decision screen: the chairman decides everyone he decides from one
screen across units, with each unit's quota and who holds its excellent
slots; the screen pre-fills at most the allowed level; a list's selection
opens the same screen (mass decide), listing what cannot be decided."""

from odoo.tests import tagged

from ..models.hr_kpi_appraisal import LEVEL_RANK
from .flow_common import KpiFlowCase


@tagged("post_install", "-at_install")
class TestKpiDecisionScreens(KpiFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the chairman (head of the ward) decides the heads of the sub-units
        for leader in (cls.office_head, cls.other_head):
            cls._config(
                leader,
                subject_group="leader_head",
                evaluator_id=cls.head.id,
                decider_id=cls.head.id,
            )
        # the office head decides his staff
        cls._config(
            cls.staff, evaluator_id=cls.office_head.id, decider_id=cls.office_head.id
        )

    def _reviewed(self, employee, proposed="good"):
        appraisal = self._appraisal(employee)
        for line in appraisal.line_ids:
            line.self_points = line.max_points
        appraisal.write(
            {
                "state": "reviewed",
                "level_proposed": proposed,
                "zero_assignment_resolution": "zero",
            }
        )
        return appraisal

    def _screen(self, user, **vals):
        return (
            self.env["hr.kpi.decision"]
            .with_user(user)
            .create({"period_id": self.period.id, **vals})
        )

    def test_chairman_decides_the_heads_of_every_unit_from_one_screen(self):
        heads = self._reviewed(self.office_head) | self._reviewed(self.other_head)
        staff = self._reviewed(self.staff)
        Decision = self.env["hr.kpi.decision"].with_user(self.user_head)
        # nobody to decide in his own unit: the screen opens on every unit
        self.assertFalse(
            Decision.with_context(default_period_id=self.period.id)
            .default_get(["department_id"])
            .get("department_id")
        )
        screen = self._screen(self.user_head)
        self.assertEqual(screen.line_ids.appraisal_id, heads)
        self.assertEqual(
            screen.line_ids.mapped("department_id"), self.office | self.other
        )
        self.assertNotIn(staff, screen.line_ids.appraisal_id)
        # each unit's quota and its slots, by unit name
        for unit in (self.office, self.other):
            self.assertIn(unit.name, screen.quota_summary)
            self.assertIn(unit.name, screen.quota_holders)
        screen.action_decide()
        self.assertEqual(set(heads.mapped("state")), {"decided"})
        self.assertEqual(staff.state, "reviewed")
        # the office head still decides his unit on the unit's screen
        screen = self._screen(self.user_office_head, department_id=self.office.id)
        self.assertEqual(screen.line_ids.appraisal_id, staff)

    def test_prefill_never_above_the_allowed_level(self):
        appraisal = self._reviewed(self.office_head)
        allowed = appraisal.level_computed
        self.assertNotEqual(allowed, "excellent")
        # a proposal above the score (recorded before the review's guard)
        appraisal.level_proposed = "excellent"
        screen = self._screen(self.user_head)
        (line,) = screen.line_ids
        self.assertEqual(line.level, allowed)
        self.assertLessEqual(LEVEL_RANK[line.level], LEVEL_RANK[allowed])
        screen.action_decide()
        self.assertEqual(appraisal.level_final, allowed)

    def test_mass_decide_opens_the_screen_on_the_selection(self):
        reviewed = self._reviewed(self.office_head)
        not_yet = self._appraisal(self.other_head)
        staff = self._reviewed(self.staff)
        selection = (reviewed | not_yet | staff).with_user(self.user_head)
        action = selection.action_mass_decide()
        self.assertEqual(action["res_model"], "hr.kpi.decision")
        screen = (
            self.env["hr.kpi.decision"]
            .with_user(self.user_head)
            .with_context(**action["context"])
            .create({})
        )
        # the month of the selection, whatever the company's latest month
        self.assertEqual(screen.period_id, self.period)
        self.assertEqual(screen.line_ids.appraisal_id, reviewed)
        self.assertIn(not_yet.display_name, screen.left_out)
        self.assertIn("not reviewed", screen.left_out)
        # the staff member is decided by the office head, not by him
        self.assertIn(staff.display_name, screen.left_out)
        screen.action_decide()
        self.assertEqual(reviewed.state, "decided")
        self.assertEqual(staff.state, "reviewed")
