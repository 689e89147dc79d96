from odoo import api, fields, models


class HrKpiPlanAssign(models.TransientModel):
    """Cascade a task of a unit plan to one or many staff, with quantities."""

    _name = "hr.kpi.plan.assign"
    _description = "Assign a unit plan task to staff"

    plan_line_id = fields.Many2one("hr.kpi.plan.line", required=True)
    department_id = fields.Many2one(related="plan_line_id.department_id")
    remaining_quantity = fields.Float(related="plan_line_id.remaining_quantity")
    deadline = fields.Date(
        compute="_compute_deadline",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    line_ids = fields.One2many(
        "hr.kpi.plan.assign.line", "wizard_id", string="Assignees"
    )

    @api.depends("plan_line_id")
    def _compute_deadline(self):
        for wizard in self:
            wizard.deadline = wizard.plan_line_id.deadline

    def action_assign(self):
        self.ensure_one()
        tasks = self.plan_line_id._assign(
            [(line.employee_id, line.quantity) for line in self.line_ids],
            deadline=self.deadline,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assigned tasks"),
            "res_model": "hr.kpi.task",
            "view_mode": "list,form",
            "domain": [("id", "in", tasks.ids)],
        }
