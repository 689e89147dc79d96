from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiUnitSummary(KpiCommon):
    """Marking a unit's monthly summary (Mẫu 01A) as sent: HR for any unit,
    a focal point or head only for his units (and their sub-units)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the rights to send, without the head's signature (required by
        # default: tested in test_signature)
        cls.company.kpi_signature_required = False
        Department = cls.env["hr.department"]
        cls.sub_unit = Department.create(
            {
                "name": "Sub-unit",
                "parent_id": cls.department.id,
                "company_id": cls.company.id,
            }
        )
        cls.other_unit = Department.create(
            {"name": "Other unit", "company_id": cls.company.id}
        )
        cls.user_focal = new_test_user(
            cls.env,
            login="kpi_focal_summary",
            groups="l10n_vn_hr_kpi.group_kpi_focal_point",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        focal = cls.env["hr.employee"].create(
            {
                "name": "Focal point",
                "user_id": cls.user_focal.id,
                "company_id": cls.company.id,
                "department_id": cls.other_unit.id,
            }
        )
        cls.other_unit.kpi_focal_point_id = focal
        Summary = cls.env["hr.kpi.unit.summary"]
        cls.mine = Summary.create(
            {"period_id": cls.period.id, "department_id": cls.department.id}
        )
        cls.sub = Summary.create(
            {"period_id": cls.period.id, "department_id": cls.sub_unit.id}
        )
        cls.other = Summary.create(
            {"period_id": cls.period.id, "department_id": cls.other_unit.id}
        )

    def test_head_marks_his_units_only(self):
        (self.mine | self.sub).with_user(self.user_head).action_mark_sent()
        self.assertEqual((self.mine | self.sub).mapped("state"), ["sent", "sent"])
        self.assertEqual(self.mine.sent_by_id, self.user_head)
        self.assertTrue(self.mine.date_sent)
        with self.assertRaises(AccessError):
            (self.mine | self.other).with_user(self.user_head).action_reset()
        self.assertEqual(self.mine.state, "sent", "a refused batch changes nothing")
        with self.assertRaises(AccessError):
            self.other.with_user(self.user_head).action_mark_sent()
        self.assertEqual(self.other.state, "draft")

    def test_focal_point_marks_his_unit_only(self):
        self.other.with_user(self.user_focal).action_mark_sent()
        self.assertEqual(self.other.state, "sent")
        with self.assertRaises(AccessError):
            self.mine.with_user(self.user_focal).action_mark_sent()
        self.assertEqual(self.mine.state, "draft")

    def test_hr_marks_any_unit_and_staff_none(self):
        everything = self.mine | self.sub | self.other
        everything.with_user(self.user_hr).action_mark_sent()
        self.assertEqual(set(everything.mapped("state")), {"sent"})
        sent_on = self.mine.date_sent
        everything.with_user(self.user_hr).action_mark_sent()
        self.assertEqual(self.mine.date_sent, sent_on, "the first sending date stays")
        with self.assertRaises(AccessError):
            self.mine.with_user(self.user_staff).action_reset()
        self.assertEqual(self.mine.state, "sent")
