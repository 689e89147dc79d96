from odoo import models


class HrKpiAppraisalReopen(models.TransientModel):
    """Reopen locked appraisals, with a reason kept in the chatter."""

    _name = "hr.kpi.appraisal.reopen"
    _inherit = "hr.kpi.appraisal.reason.mixin"
    _description = "Reopen a locked appraisal"

    def _apply(self, appraisals, reason):
        return appraisals._do_reopen(reason)
