from odoo import fields, models


class HrKpiPlanAssignLine(models.TransientModel):
    _name = "hr.kpi.plan.assign.line"
    _description = "Assignee of a unit plan task"

    wizard_id = fields.Many2one("hr.kpi.plan.assign", required=True, ondelete="cascade")
    employee_id = fields.Many2one("hr.employee", required=True)
    quantity = fields.Float(default=1.0, required=True)
