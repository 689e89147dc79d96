from odoo import models


class HrKpiAppraisalAppeal(models.TransientModel):
    """An employee's appeal (kiến nghị) against a published result."""

    _name = "hr.kpi.appraisal.appeal"
    _inherit = "hr.kpi.appraisal.reason.mixin"
    _description = "Appeal against a published result"

    def _apply(self, appraisals, reason):
        return appraisals._do_appeal(reason)
