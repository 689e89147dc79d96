from odoo import api, fields, models

from ..models.hr_kpi_not_evaluated import not_evaluated_reason_selection


class HrKpiAppraisalNotEvaluated(models.TransientModel):
    """Mark months not evaluated (không đánh giá): the reason category and the
    reason, confirmed by the HR officer or the decider; the suggestion of the
    addon's data is shown, never applied by itself."""

    _name = "hr.kpi.appraisal.not.evaluated"
    _inherit = "hr.kpi.appraisal.reason.mixin"
    _description = "Mark a month not evaluated"

    reason_type = fields.Selection(
        not_evaluated_reason_selection(),
        string="Not evaluated because of",
        required=True,
        default=lambda self: self._default_reason_type(),
    )
    suggestion = fields.Text(
        string="Suggested by the data", compute="_compute_suggestion"
    )

    def _readable_appraisals(self, appraisals):
        """The appraisals the user reads, with their suggestion (evaluators,
        heads and HR only: the others never see it)."""
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_evaluator"):
            return appraisals.browse()
        return appraisals._filtered_access("read")

    @api.model
    def _default_reason_type(self):
        appraisals = self._readable_appraisals(
            self.env["hr.kpi.appraisal"].browse(self._default_appraisal_ids())
        )
        return appraisals[:1].not_evaluated_suggested_type or False

    @api.depends_context("uid")
    @api.depends("appraisal_ids")
    def _compute_suggestion(self):
        for wizard in self:
            appraisals = self._readable_appraisals(wizard.appraisal_ids)
            wizard.suggestion = (
                "\n".join(
                    f"{appraisal.display_name}: {appraisal.not_evaluated_suggestion}"
                    if len(appraisals) > 1
                    else appraisal.not_evaluated_suggestion
                    for appraisal in appraisals
                    if appraisal.not_evaluated_suggestion
                )
                or False
            )

    def _apply(self, appraisals, reason):
        return appraisals._do_mark_not_evaluated(self.reason_type, reason)
