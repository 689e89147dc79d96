from odoo import models


class HrKpiAppraisalReopen(models.TransientModel):
    """Reopen decided appraisals not yet published, with a reason kept in the
    chatter (a published result is corrected by a replacement decision:
    hr.kpi.appraisal.correction)."""

    _name = "hr.kpi.appraisal.reopen"
    _inherit = "hr.kpi.appraisal.reason.mixin"
    _description = "Reopen a decided appraisal"

    def _apply(self, appraisals, reason):
        return appraisals._do_reopen(reason)
