from odoo import api, fields, models

from ..models.hr_kpi_rule_set import level_selection


class HrKpiAppraisalAppealResolve(models.TransientModel):
    """The head's answer to an appeal: upheld with a new level, or rejected."""

    _name = "hr.kpi.appraisal.appeal.resolve"
    _description = "Resolve an appeal"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", default=lambda self: self._default_appraisal_id()
    )
    appeal_reason = fields.Text(related="appraisal_id.appeal_reason")
    current_level = fields.Selection(related="appraisal_id.level_final", string="Level")
    result = fields.Selection(
        [("upheld", "Upheld"), ("rejected", "Rejected")],
        required=True,
        default="rejected",
    )
    level = fields.Selection(level_selection(), string="New level")
    answer = fields.Text(required=True)

    @api.model
    def _default_appraisal_id(self):
        return self.env.context.get("active_id")

    def action_confirm(self):
        self.ensure_one()
        self.appraisal_id._do_resolve_appeal(self.result, self.answer, self.level)
        return {"type": "ir.actions.act_window_close"}
