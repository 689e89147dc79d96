from odoo import api, fields, models


class HrKpiAppraisalReopen(models.TransientModel):
    """Reopen locked appraisals, with a reason kept in the chatter."""

    _name = "hr.kpi.appraisal.reopen"
    _description = "Reopen a locked appraisal"

    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal", default=lambda self: self._default_appraisal_ids()
    )
    reason = fields.Text(required=True)

    @api.model
    def _default_appraisal_ids(self):
        return self.env.context.get("active_ids", [])

    def action_confirm(self):
        self.ensure_one()
        self.appraisal_ids._do_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
