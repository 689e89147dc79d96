from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiInspection(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.appraisal = cls.make_appraisal(
            cls.emp_staff,
            evaluator_employee_id=cls.emp_leader.id,
            decider_employee_id=cls.emp_head.id,
        )
        cls.set_general(cls.appraisal, 30.0)

    def make_inspection(self, findings, user=None, **vals):
        return (
            self.env["hr.kpi.inspection"]
            .with_user(user or self.user_hr)
            .create(
                {
                    "name": "Counter discipline",
                    "company_id": self.company.id,
                    "date": date(2026, 5, 12),
                    "inspection_type": "dot_xuat",
                    "department_id": self.department.id,
                    "decision_ref": "KL-05/KTCV",
                    "finding_ids": [Command.create(f) for f in findings],
                    **vals,
                }
            )
        )

    def finding(self, employee=None, severity="moderate", **vals):
        return {
            "employee_id": (employee or self.emp_staff).id,
            "description": "Away from the counter during opening hours",
            "severity": severity,
            **vals,
        }

    # ------------------------------------------------------------------

    def test_finding_deduction_shows_on_appraisal(self):
        total = self.appraisal.total_score
        inspection = self.make_inspection([self.finding()])
        finding = inspection.finding_ids
        self.assertEqual(finding.consequence, "deduction", "moderate → deduction")
        self.assertEqual(finding.points, 3.0, "rule set default for moderate")
        inspection.action_confirm()
        self.assertEqual(inspection.state, "confirmed")
        adjustment = self.appraisal.adjustment_ids
        self.assertEqual(len(adjustment), 1)
        self.assertEqual(adjustment, finding.adjustment_id)
        self.assertEqual(finding.appraisal_id, self.appraisal)
        self.assertEqual(
            (adjustment.adjustment_type, adjustment.points, adjustment.state),
            ("deduction", 3.0, "approved"),
        )
        self.assertEqual(adjustment.inspection_ref, "KL-05/KTCV")
        self.assertIn("KL-05/KTCV", adjustment.reason)
        self.assertAlmostEqual(self.appraisal.adjustment_deduction, 3.0)
        self.assertAlmostEqual(self.appraisal.total_score, total - 3.0)
        # the official sees it on his appraisal, with its reference
        mine = self.appraisal.with_user(self.user_staff).adjustment_ids
        self.assertEqual(mine.inspection_ref, "KL-05/KTCV")

    def test_points_follow_rule_set(self):
        self.rs_nd335.inspection_points_minor = 0.5
        inspection = self.make_inspection([self.finding(severity="minor")])
        self.assertEqual(inspection.finding_ids.points, 0.5)
        self.rs_nd335.inspection_points_minor = 0.0
        inspection2 = self.make_inspection([self.finding(severity="minor")])
        self.assertEqual(inspection2.finding_ids.consequence, "none")
        inspection2.action_confirm()
        self.assertFalse(self.appraisal.adjustment_ids)

    def test_serious_finding_veto_per_rule_set(self):
        inspection = self.make_inspection([self.finding(severity="serious")])
        self.assertEqual(inspection.finding_ids.consequence, "deduction")
        self.rs_nd335.inspection_veto_severity = "serious"
        inspection = self.make_inspection([self.finding(severity="serious")])
        finding = inspection.finding_ids
        self.assertEqual(finding.consequence, "veto")
        inspection.action_confirm()
        event = finding.event_id
        self.assertTrue(event)
        self.assertEqual(event.decision_ref, "KL-05/KTCV")
        self.assertEqual(event.date, date(2026, 5, 12))
        self.assertTrue(self.appraisal.is_vetoed)
        self.assertEqual(self.appraisal.level_computed, "fail")
        self.assertIn("KL-05/KTCV", self.appraisal.level_reasons)
        with self.assertRaises(UserError):
            event.with_user(self.user_hr).write({"decision_ref": "other"})
        with self.assertRaises(UserError):
            event.with_user(self.user_hr).unlink()
        inspection.action_cancel()
        self.assertFalse(event.exists())
        self.assertFalse(self.appraisal.is_vetoed)

    def test_cancel_removes_deduction_unless_decided(self):
        total = self.appraisal.total_score
        inspection = self.make_inspection([self.finding()])
        inspection.action_confirm()
        adjustment = inspection.finding_ids.adjustment_id
        inspection.action_cancel()
        self.assertEqual(inspection.state, "cancelled")
        self.assertFalse(adjustment.exists())
        self.assertAlmostEqual(self.appraisal.total_score, total)
        inspection.action_reset_to_draft()
        inspection.action_confirm()
        adjustment = inspection.finding_ids.adjustment_id
        self.appraisal._workflow_write({"state": "decided"})
        with self.assertRaises(UserError) as error:
            inspection.action_cancel()
        self.assertIn(self.appraisal.display_name, str(error.exception))
        self.assertTrue(adjustment.exists())
        self.assertEqual(inspection.state, "confirmed")

    def test_confirm_checks_everything_first(self):
        inspection = self.make_inspection(
            [self.finding(), self.finding(employee=self.emp_staff2)]
        )
        with self.assertRaises(UserError) as error:
            inspection.action_confirm()
        self.assertIn(self.emp_staff2.name, str(error.exception))
        self.assertEqual(inspection.state, "draft")
        self.assertFalse(self.appraisal.adjustment_ids, "nothing created")
        no_ref = self.make_inspection([self.finding()], decision_ref=False)
        with self.assertRaises(UserError):
            no_ref.action_confirm()
        self.appraisal._workflow_write({"state": "decided"})
        decided = self.make_inspection([self.finding()])
        with self.assertRaises(UserError):
            decided.action_confirm()
        self.assertFalse(self.appraisal.adjustment_ids)

    def test_confirmed_inspection_is_read_only(self):
        inspection = self.make_inspection([self.finding()])
        with self.assertRaises(UserError):
            inspection.write({"state": "confirmed"})
        inspection.action_confirm()
        with self.assertRaises(UserError):
            inspection.write({"date": date(2026, 5, 20)})
        with self.assertRaises(UserError):
            inspection.finding_ids.write({"points": 1.0})
        with self.assertRaises(UserError):
            inspection.unlink()
        inspection.write({"conclusion": "Reminded in writing."})
        adjustment = inspection.finding_ids.adjustment_id.with_user(self.user_hr)
        with self.assertRaises(UserError):
            adjustment.write({"reason": "edited"})
        with self.assertRaises(UserError):
            adjustment.unlink()
        with self.assertRaises(UserError):
            adjustment.with_user(self.user_head).action_refuse()

    def test_rights(self):
        inspection = self.make_inspection(
            [self.finding(), self.finding(employee=self.emp_staff2, severity="minor")]
        )
        # only HR officers create and confirm
        with self.assertRaises(AccessError):
            self.make_inspection([self.finding()], user=self.user_staff)
        with self.assertRaises(AccessError):
            self.make_inspection([self.finding()], user=self.user_head)
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_head).action_confirm()
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_staff).action_confirm()
        self.make_appraisal(self.emp_staff2)
        inspection.action_confirm()
        Finding = self.env["hr.kpi.inspection.finding"]
        # the official reads the findings on himself only
        mine = Finding.with_user(self.user_staff).search([])
        self.assertEqual(mine.employee_id, self.emp_staff)
        self.assertEqual(
            mine.inspection_id.with_user(self.user_staff).decision_ref, "KL-05/KTCV"
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.user_staff).write({"description": "no"})
        # the head of the inspected unit reads the inspection and its findings
        self.assertEqual(
            self.env["hr.kpi.inspection"].with_user(self.user_head).search([]),
            inspection,
        )
        self.assertEqual(len(Finding.with_user(self.user_head).search([])), 2)
        # someone else reads nothing
        self.assertFalse(
            self.env["hr.kpi.inspection"]
            .with_user(self.user_other_evaluator)
            .search([])
        )
        self.assertFalse(Finding.with_user(self.user_other_evaluator).search([]))
        with self.assertRaises(AccessError):
            inspection.with_user(self.user_head).action_cancel()
        self.assertEqual(inspection.state, "confirmed")

    def test_demo_ward(self):
        """The demo ward has last month's one-stop figures and an inspection
        whose finding deducts points on a current appraisal."""
        ward = self.env["res.company"].search(
            [("name", "=", "UBND phường Hà Đông")], limit=1
        )
        self.assertTrue(ward, "tests run on a database with demo data")
        stats = self.env["hr.kpi.onestop.stat"].search([("company_id", "=", ward.id)])
        self.assertTrue(stats)
        self.assertEqual(len(stats.period_id), 1)
        inspection = self.env["hr.kpi.inspection"].search(
            [("company_id", "=", ward.id), ("state", "=", "confirmed")]
        )
        self.assertEqual(len(inspection), 1)
        adjustment = inspection.finding_ids.adjustment_id
        self.assertEqual(adjustment.state, "approved")
        self.assertGreater(
            adjustment.appraisal_id.period_id.date_start, stats.period_id.date_start
        )
        self.assertEqual(adjustment.inspection_ref, inspection.decision_ref)
