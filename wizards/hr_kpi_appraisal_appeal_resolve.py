from odoo import api, fields, models

from ..const import level_selection


class HrKpiAppraisalAppealResolve(models.TransientModel):
    """The head's answer to an appeal: upheld with a new level, or rejected."""

    _name = "hr.kpi.appraisal.appeal.resolve"
    _inherit = ["hr.kpi.readable.source.mixin"]
    _description = "Resolve an appeal"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", default=lambda self: self._default_appraisal_id()
    )
    # computed as the reader, from an appraisal he may read only (a related
    # field would read any appraisal in sudo, given its id in the context)
    appeal_reason = fields.Text(compute="_compute_from_appraisal")
    current_level = fields.Selection(
        level_selection(), string="Level", compute="_compute_from_appraisal"
    )
    result = fields.Selection(
        [("upheld", "Upheld"), ("rejected", "Rejected")],
        required=True,
        default="rejected",
    )
    level = fields.Selection(level_selection(), string="New level")
    answer = fields.Text(required=True)

    @api.model
    def _default_appraisal_id(self):
        if self.env.context.get("active_model", "hr.kpi.appraisal") != (
            "hr.kpi.appraisal"
        ):
            return False
        return self.env.context.get("active_id")

    @api.depends_context("uid")
    @api.depends("appraisal_id.appeal_reason", "appraisal_id.level_final")
    def _compute_from_appraisal(self):
        readable = self._kpi_readable_sources()
        for wizard in self:
            appraisal = wizard.appraisal_id
            if appraisal and appraisal in readable:
                wizard.appeal_reason = appraisal.appeal_reason
                wizard.current_level = appraisal.level_final
            else:
                wizard.appeal_reason = False
                wizard.current_level = False

    def action_confirm(self):
        self.ensure_one()
        self.appraisal_id._do_resolve_appeal(self.result, self.answer, self.level)
        return {"type": "ir.actions.act_window_close"}
