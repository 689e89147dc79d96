from odoo import fields, models


class HrKpiEvaluationCheckLine(models.TransientModel):
    _name = "hr.kpi.evaluation.check.line"
    _description = "Employee who cannot be evaluated"
    _order = "department_id, employee_id"

    wizard_id = fields.Many2one(
        "hr.kpi.evaluation.check", required=True, ondelete="cascade"
    )
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one(related="employee_id.department_id", store=True)
    parent_id = fields.Many2one(related="employee_id.parent_id", string="Manager")
    reason = fields.Char(readonly=True)
