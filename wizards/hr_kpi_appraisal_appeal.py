from odoo import api, fields, models


class HrKpiAppraisalAppeal(models.TransientModel):
    """An employee's appeal (kiến nghị) against a published result."""

    _name = "hr.kpi.appraisal.appeal"
    _description = "Appeal against a published result"

    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal", default=lambda self: self._default_appraisal_ids()
    )
    reason = fields.Text(required=True)

    @api.model
    def _default_appraisal_ids(self):
        return self.env.context.get("active_ids", [])

    def action_confirm(self):
        self.ensure_one()
        self.appraisal_ids._do_appeal(self.reason)
        return {"type": "ir.actions.act_window_close"}
