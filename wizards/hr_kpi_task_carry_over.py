from odoo import fields, models
from odoo.exceptions import UserError


class HrKpiTaskCarryOver(models.TransientModel):
    """Carry unfinished tasks over to a later month, with the reason: the new
    task counts in the month of its new deadline only."""

    _name = "hr.kpi.task.carry.over"
    _description = "Carry tasks over"

    task_ids = fields.Many2many("hr.kpi.task", string="Tasks", required=True)
    reason = fields.Text(required=True)
    new_deadline = fields.Date(
        help="By default, the last day of the month after the current deadline."
    )

    def action_carry_over(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for carrying the tasks over."))
        if self.new_deadline and any(
            self.new_deadline <= task.deadline for task in self.task_ids
        ):
            raise UserError(
                self.env._("The new deadline must come after the current one.")
            )
        new_tasks = self.task_ids._carry_over(self.new_deadline or None)
        new_tasks.write({"carry_over_reason": self.reason})
        self.task_ids.write({"carry_over_reason": self.reason})
        for task in self.task_ids:
            task.message_post(
                body=self.env._("Carried over: %(reason)s", reason=self.reason)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Carried-over tasks"),
            "res_model": "hr.kpi.task",
            "view_mode": "list,form",
            "domain": [("id", "in", new_tasks.ids)],
        }
