from odoo import api, fields, models


class HrKpiEvaluationCheck(models.TransientModel):
    """Employees who cannot be put into a period on a date, and why."""

    _name = "hr.kpi.evaluation.check"
    _description = "Employees who cannot be evaluated"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Leave empty for the whole company; otherwise the unit and its sub-units.",
    )
    line_ids = fields.One2many(
        "hr.kpi.evaluation.check.line", "wizard_id", string="Cannot be evaluated"
    )
    checked = fields.Boolean(readonly=True)

    @api.model
    def _get_reasons(self, company, day, department=None):
        """``{employee: reason}`` for the employees of ``company`` (or of
        ``department`` and its sub-units) who cannot be evaluated on ``day``."""
        domain = [("company_id", "=", company.id)]
        if department:
            domain.append(("department_id", "child_of", department.id))
        employees = self.env["hr.employee"].search(domain)
        return self.env["hr.kpi.evaluation.config"]._check_evaluable(employees, day)

    def action_check(self):
        self.ensure_one()
        reasons = self._get_reasons(self.company_id, self.date, self.department_id)
        self.write(
            {
                "checked": True,
                "line_ids": [fields.Command.clear()]
                + [
                    fields.Command.create(
                        {"employee_id": employee.id, "reason": reason}
                    )
                    for employee, reason in reasons.items()
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Employees who cannot be evaluated"),
        }
