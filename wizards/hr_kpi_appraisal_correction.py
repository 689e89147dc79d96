from odoo import api, fields, models

from ..const import level_selection


class HrKpiAppraisalCorrection(models.TransientModel):
    """A correction decision on a published result (Mẫu 15 of the Đắk Lắk
    draft): the decider or the HR officer gives the reason, the decision's
    number and date, the corrected level and, when the scores are concerned,
    the corrected total. Every check is in hr.kpi.appraisal._do_correct."""

    _name = "hr.kpi.appraisal.correction"
    _inherit = ["hr.kpi.readable.source.mixin"]
    _description = "Correct a published result by a replacement decision"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal",
        required=True,
        default=lambda self: self._default_appraisal_id(),
    )
    # computed as the reader, from an appraisal he may read only
    current_level = fields.Selection(
        level_selection(), string="Published level", compute="_compute_current"
    )
    current_score = fields.Float(string="Total score", compute="_compute_current")
    level = fields.Selection(level_selection(), string="Corrected level", required=True)
    change_score = fields.Boolean(
        string="The scores are corrected",
        help="The decision also sets a new total score; the level cannot be higher "
        "than the one this score allows under the rules.",
    )
    total_score = fields.Float(string="Corrected total score")
    reason = fields.Text(required=True)
    document_ref = fields.Char(string="Decision No.", required=True)
    document_date = fields.Date(
        string="Decision date", default=fields.Date.context_today
    )

    @api.model
    def _default_appraisal_id(self):
        if self.env.context.get("active_model", "hr.kpi.appraisal") != (
            "hr.kpi.appraisal"
        ):
            return False
        return self.env.context.get("active_id")

    @api.depends_context("uid")
    @api.depends("appraisal_id")
    def _compute_current(self):
        readable = self._kpi_readable_sources()
        for wizard in self:
            appraisal = wizard.appraisal_id
            if appraisal and appraisal in readable:
                wizard.current_level = appraisal.result_level
                wizard.current_score = appraisal.total_score
            else:
                wizard.current_level = False
                wizard.current_score = 0.0

    def action_confirm(self):
        self.ensure_one()
        new = self.appraisal_id._do_correct(
            self.level,
            self.reason,
            self.document_ref,
            document_date=self.document_date,
            total_score=self.total_score if self.change_score else None,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": new._name,
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }
