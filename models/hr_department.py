from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    kpi_focal_point_id = fields.Many2one(
        "hr.employee",
        string="KPI focal point",
        check_company=True,
        help="Unit focal point (đầu mối): configures the evaluation of the unit and "
        "enters data for staff without a user.",
    )

    def write(self, vals):
        res = super().write(vals)
        if {"manager_id", "kpi_focal_point_id", "parent_id"} & set(vals):
            # the appraisal record rules read who heads a unit or is its focal point
            self.env.registry.clear_cache()
        return res
