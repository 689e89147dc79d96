from odoo import models


class HrKpiAppraisalReturn(models.TransientModel):
    """Return appraisals to the previous actor with a reason (required)."""

    _name = "hr.kpi.appraisal.return"
    _inherit = "hr.kpi.appraisal.reason.mixin"
    _description = "Return an appraisal for rework"

    def _apply(self, appraisals, reason):
        return appraisals._do_return(reason)
