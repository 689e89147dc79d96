from odoo import api, fields, models


class HrKpiPeriodOpenLine(models.TransientModel):
    _name = "hr.kpi.period.open.line"
    _description = "Employee left out when opening a month"

    wizard_id = fields.Many2one("hr.kpi.period.open", required=True, ondelete="cascade")
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one(related="employee_id.department_id")
    reason = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # the related fields read the employee in sudo: a line is only made
        # for an employee its author may read
        if not self.env.su:
            records.employee_id.check_access("read")
        return records

    def write(self, vals):
        res = super().write(vals)
        if "employee_id" in vals and not self.env.su:
            self.employee_id.check_access("read")
        return res
