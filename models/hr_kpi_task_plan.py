"""Planning fields of the task: the plan it was registered in or cascaded from,
the key result it serves, the registered commitment, ad-hoc proposals and
carry-over reasons (SPEC §5)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What the assignee may also write on his or her own task.
ASSIGNEE_PLAN_FIELDS = {"plan_id"}


class HrKpiTask(models.Model):
    _inherit = "hr.kpi.task"

    plan_id = fields.Many2one(
        "hr.kpi.plan",
        string="Personal plan",
        index="btree_not_null",
        copy=False,
        domain="[('scope', '=', 'personal'), ('employee_id', '=', employee_id)]",
        help="The weekly or monthly plan the task was registered in.",
    )
    plan_line_id = fields.Many2one(
        "hr.kpi.plan.line",
        string="Unit plan task",
        index="btree_not_null",
        ondelete="set null",
        help="The task of the unit plan this task was cascaded from.",
    )
    unit_plan_id = fields.Many2one(
        related="plan_line_id.plan_id",
        string="Unit plan",
        store=True,
        index="btree_not_null",
    )
    key_result_id = fields.Many2one(
        "hr.kpi.key.result",
        string="Key result",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    key_result_exceeded = fields.Boolean(
        related="key_result_id.is_exceeded",
        string="Key result exceeded",
        help="The key result this task serves is above its target: evidence for the "
        "'exceeded requirements' flag.",
    )
    committed_deadline = fields.Date(
        readonly=True,
        copy=False,
        help="The deadline registered in the personal plan when the evaluator accepted "
        "it: the commitment progress is measured against.",
    )
    carry_over_reason = fields.Text(copy=False, tracking=True)
    proposal_rejected = fields.Boolean(readonly=True, copy=False, tracking=True)
    rejection_reason = fields.Text(readonly=True, copy=False)
    proposal_state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("confirmed", "Confirmed"),
            ("rejected", "Rejected"),
        ],
        compute="_compute_proposal_state",
        store=True,
        index=True,
        help="Tasks declared by the assignee count once the assigner confirms them.",
    )
    appraisal_kpi_percent = fields.Float(
        related="appraisal_id.kpi_percent", string="Running KPI (%)"
    )

    @api.depends("assignment_confirmed", "proposal_rejected")
    def _compute_proposal_state(self):
        for task in self:
            if task.proposal_rejected:
                task.proposal_state = "rejected"
            elif task.assignment_confirmed:
                task.proposal_state = "confirmed"
            else:
                task.proposal_state = "proposed"

    def _check_write_rights(self, vals):
        """The assignee may also file his or her own task into his or her plan."""
        own = set(vals) & ASSIGNEE_PLAN_FIELDS
        if own and not (self.env.su or self.env.context.get("kpi_task_internal")):
            for task in self:
                if task._is_outcome_manager():
                    continue
                if task.employee_id.user_id != self.env.user:
                    raise AccessError(
                        self.env._(
                            "Only the assignee files task %(name)s into a plan.",
                            name=task.name,
                        )
                    )
            plans = self.env["hr.kpi.plan"].browse(vals.get("plan_id") or [])
            # sudo: internal task links; rights checked by the caller
            if plans and plans.sudo().employee_id != self.employee_id:
                raise UserError(
                    self.env._("A task goes into its assignee's own plan only.")
                )
            vals = {k: v for k, v in vals.items() if k not in ASSIGNEE_PLAN_FIELDS}
        return super()._check_write_rights(vals)

    # ------------------------------------------------------------------
    # Ad-hoc proposals
    # ------------------------------------------------------------------

    def action_reject_proposal(self, reason=None):
        """The assigner refuses a task proposed by the assignee: it never counts."""
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator rejects %(name)s.",
                        name=task.name,
                    )
                )
            if task.assignment_confirmed:
                raise UserError(
                    self.env._(
                        "Task %(name)s is already confirmed; cancel it instead.",
                        name=task.name,
                    )
                )
        self.write({"state": "cancelled"})
        self.with_context(kpi_task_internal=True).write(
            {"proposal_rejected": True, "rejection_reason": reason or False}
        )
        return True

    def action_confirm_assignment(self):
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator confirms %(name)s.",
                        name=task.name,
                    )
                )
        return super().action_confirm_assignment()

    def action_open_carry_over(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Carry over to the next month"),
            "res_model": "hr.kpi.task.carry.over",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids},
        }

    def action_mark_exceeded(self):
        """Flag the task 'exceeded requirements' on the evidence of its key result."""
        for task in self:
            if not task.key_result_exceeded:
                raise UserError(
                    self.env._(
                        "The key result of %(name)s is not above its target.",
                        name=task.name,
                    )
                )
        self.write({"exceeded_requirement": True})
        return True
