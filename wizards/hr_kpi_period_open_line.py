from odoo import fields, models


class HrKpiPeriodOpenLine(models.TransientModel):
    _name = "hr.kpi.period.open.line"
    _description = "Employee left out when opening a month"

    wizard_id = fields.Many2one("hr.kpi.period.open", required=True, ondelete="cascade")
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one(related="employee_id.department_id")
    reason = fields.Char(readonly=True)
