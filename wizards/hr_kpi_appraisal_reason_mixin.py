from odoo import api, fields, models


class HrKpiAppraisalReasonMixin(models.AbstractModel):
    """A wizard that asks one required reason and applies a workflow step to
    the appraisals it was opened on (return, appeal, reopen)."""

    _name = "hr.kpi.appraisal.reason.mixin"
    _description = "Workflow step with a reason"

    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal", default=lambda self: self._default_appraisal_ids()
    )
    reason = fields.Text(required=True)

    @api.model
    def _default_appraisal_ids(self):
        return self.env.context.get("active_ids", [])

    def _apply(self, appraisals, reason):
        """The step itself, on ``appraisals`` (the guard is in the step)."""
        raise NotImplementedError

    def action_confirm(self):
        self.ensure_one()
        self._apply(self.appraisal_ids, self.reason)
        return {"type": "ir.actions.act_window_close"}
