from odoo import api, fields, models
from odoo.exceptions import UserError


class HrKpiAdjustment(models.Model):
    _name = "hr.kpi.adjustment"
    _description = "Bonus or deduction on an appraisal"
    _inherit = ["mail.thread"]
    _order = "appraisal_id, id"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="appraisal_id.company_id", store=True, index=True
    )
    employee_id = fields.Many2one(related="appraisal_id.employee_id")
    adjustment_type = fields.Selection(
        [("bonus", "Bonus"), ("deduction", "Deduction")],
        string="Type",
        required=True,
        default="deduction",
        tracking=True,
    )
    points = fields.Float(required=True, tracking=True)
    reason = fields.Text(required=True)
    evidence = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence files")
    proposer_id = fields.Many2one(
        "res.users",
        string="Proposed by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    approver_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, copy=False
    )
    state = fields.Selection(
        [("proposed", "Proposed"), ("approved", "Approved"), ("refused", "Refused")],
        default="proposed",
        required=True,
        tracking=True,
        copy=False,
    )

    # Public-service inspections (issue #8): the finding that created the
    # deduction; only the inspection changes or removes it
    inspection_finding_id = fields.Many2one(
        "hr.kpi.inspection.finding",
        string="Inspection finding",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
    )
    inspection_ref = fields.Char(
        related="inspection_finding_id.inspection_id.decision_ref",
        string="Inspection reference",
    )

    _sql_constraints = [
        ("points_check", "CHECK(points > 0)", "Adjustment points must be positive."),
    ]

    def write(self, vals):
        if not self.env.su and self.filtered("inspection_finding_id"):
            raise UserError(
                self.env._(
                    "This deduction comes from a public-service inspection: cancel "
                    "the inspection to change it."
                )
            )
        if set(vals) & {"adjustment_type", "points", "appraisal_id"} and any(
            a.state == "approved" for a in self
        ):
            raise UserError(self.env._("An approved adjustment cannot be changed."))
        return super().write(vals)

    def _check_can_approve(self):
        if self.filtered("inspection_finding_id"):
            raise UserError(
                self.env._(
                    "This deduction comes from a public-service inspection: cancel "
                    "the inspection to change it."
                )
            )
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            raise UserError(
                self.env._("Only the head of unit approves bonuses and deductions.")
            )

    def action_approve(self):
        self._check_can_approve()
        self.filtered(lambda a: a.state != "approved").write(
            {"state": "approved", "approver_id": self.env.uid}
        )

    def action_refuse(self):
        self._check_can_approve()
        self.write({"state": "refused", "approver_id": self.env.uid})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        # a cancelled inspection removes the deductions it created
        if any(
            a.state == "approved"
            and a.inspection_finding_id.inspection_id.state != "cancelled"
            for a in self
        ):
            raise UserError(self.env._("An approved adjustment cannot be deleted."))
