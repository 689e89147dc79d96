import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# the largest quantity of one task (beyond it, a typo): imports and
# assignments refuse more, and so does the line itself
MAX_QUANTITY = 100_000


def valid_quantity(quantity):
    """A positive, finite quantity of at most MAX_QUANTITY."""
    return math.isfinite(quantity) and 0 < quantity <= MAX_QUANTITY


class HrKpiPlanLine(models.Model):
    """A task of a unit plan (kế hoạch công tác of a department), cascaded to one
    or many staff as personal tasks, each with a quantity."""

    _name = "hr.kpi.plan.line"
    _description = "Unit plan task"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "hr.kpi.plan", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Task", required=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    department_id = fields.Many2one(
        related="plan_id.department_id", store=True, index=True
    )
    plan_state = fields.Selection(related="plan_id.state")
    product_id = fields.Many2one(
        "hr.kpi.product",
        string="Catalogue product",
        required=True,
        check_company=True,
        domain="[('state', '=', 'approved')]",
    )
    uom_name = fields.Char(related="product_id.uom_name", string="Unit of measure")
    quantity = fields.Float(default=1.0, required=True)
    deadline = fields.Date(required=True)
    lead_department_id = fields.Many2one(
        "hr.department",
        string="Lead unit",
        check_company=True,
        help="Unit in charge (đơn vị chủ trì).",
    )
    support_department_ids = fields.Many2many(
        "hr.department",
        string="Supporting units",
        help="Units that take part (đơn vị phối hợp).",
    )
    expected_output = fields.Text()
    key_result_id = fields.Many2one(
        "hr.kpi.key.result", index="btree_not_null", check_company=True
    )
    task_ids = fields.One2many("hr.kpi.task", "plan_line_id", string="Assigned tasks")
    assigned_quantity = fields.Float(compute="_compute_assignment")
    remaining_quantity = fields.Float(
        string="Not yet assigned", compute="_compute_assignment"
    )
    done_quantity = fields.Float(string="Completed", compute="_compute_assignment")
    assignee_ids = fields.Many2many(
        "hr.employee", string="Assignees", compute="_compute_assignment"
    )
    assignment_state = fields.Selection(
        [
            ("none", "Not assigned"),
            ("partial", "Partly assigned"),
            ("assigned", "Assigned"),
            ("done", "Done"),
        ],
        compute="_compute_assignment",
    )

    _sql_constraints = [
        ("quantity_check", "CHECK(quantity > 0)", "The quantity must be positive."),
    ]

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if not valid_quantity(line.quantity):
                raise ValidationError(
                    self.env._(
                        "%(task)s: the quantity must be a positive number of at "
                        "most %(max)s.",
                        task=line.name,
                        max=MAX_QUANTITY,
                    )
                )

    @api.depends(
        "quantity", "task_ids.quantity", "task_ids.state", "task_ids.completed_quantity"
    )
    def _compute_assignment(self):
        for line in self:
            tasks = line.task_ids.filtered(lambda t: t.state != "cancelled")
            assigned = sum(tasks.mapped("quantity"))
            done = sum(tasks.mapped("completed_quantity"))
            line.assigned_quantity = assigned
            line.remaining_quantity = max(0.0, line.quantity - assigned)
            line.done_quantity = done
            line.assignee_ids = tasks.employee_id
            if not tasks:
                line.assignment_state = "none"
            elif all(t.state == "done" for t in tasks) and assigned >= line.quantity:
                line.assignment_state = "done"
            elif assigned < line.quantity:
                line.assignment_state = "partial"
            else:
                line.assignment_state = "assigned"

    def _assign(self, allocations, deadline=None):
        """Cascade the line to staff: ``allocations`` is a list of
        (employee, quantity). Creates one task per allocation, as the current user
        (who must be allowed to assign tasks to them)."""
        self.ensure_one()
        if not allocations:
            raise UserError(
                self.env._(
                    "Choose at least one person to assign %(task)s to.", task=self.name
                )
            )
        vals_list = []
        for employee, quantity in allocations:
            if not valid_quantity(quantity):
                raise UserError(
                    self.env._(
                        "The quantity assigned to %(employee)s must be a positive "
                        "number of at most %(max)s.",
                        employee=employee.name,
                        max=MAX_QUANTITY,
                    )
                )
            vals_list.append(
                {
                    "name": self.name,
                    "employee_id": employee.id,
                    "product_id": self.product_id.id,
                    "quantity": quantity,
                    "deadline": deadline or self.deadline,
                    "origin": "plan",
                    "plan_line_id": self.id,
                    "key_result_id": self.key_result_id.id,
                    "expected_output": self.expected_output,
                }
            )
        return self.env["hr.kpi.task"].create(vals_list)

    def action_assign(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign to staff"),
            "res_model": "hr.kpi.plan.assign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_line_id": self.id},
        }
