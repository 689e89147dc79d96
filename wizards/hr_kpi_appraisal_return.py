from odoo import api, fields, models


class HrKpiAppraisalReturn(models.TransientModel):
    """Return appraisals to the previous actor with a reason (required)."""

    _name = "hr.kpi.appraisal.return"
    _description = "Return an appraisal for rework"

    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal", default=lambda self: self._default_appraisal_ids()
    )
    reason = fields.Text(required=True)

    @api.model
    def _default_appraisal_ids(self):
        return self.env.context.get("active_ids", [])

    def action_confirm(self):
        self.ensure_one()
        self.appraisal_ids._do_return(self.reason)
        return {"type": "ir.actions.act_window_close"}
