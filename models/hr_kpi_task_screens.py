"""The task form shows read-only what the current user cannot change:
computed from the guard of hr.kpi.task._check_write_rights."""

from odoo import api, fields, models

from ..const import DECIDED_STATES


class HrKpiTask(models.Model):
    _inherit = "hr.kpi.task"

    kpi_edit_planning = fields.Boolean(
        string="Can edit the assignment", compute="_compute_kpi_edit"
    )
    kpi_edit_progress = fields.Boolean(
        string="Can report progress", compute="_compute_kpi_edit"
    )
    kpi_edit_outcome = fields.Boolean(
        string="Can confirm the outcome", compute="_compute_kpi_edit"
    )

    @api.depends_context("uid")
    @api.depends(
        "state", "employee_id", "assigner_id", "assignment_confirmed", "appraisal_id"
    )
    def _compute_kpi_edit(self):
        user = self.env.user
        evaluator = user.has_group("l10n_vn_hr_kpi.group_kpi_evaluator")
        for task in self:
            origin = task._origin
            if self.env.su or not origin.id:
                task.kpi_edit_planning = task.kpi_edit_progress = True
                task.kpi_edit_outcome = self.env.su or evaluator
                continue
            # sudo: the state of the month the task is scored in (frozen once
            # decided, see _check_not_frozen)
            frozen = origin.sudo().appraisal_id.state in DECIDED_STATES
            if origin._is_outcome_manager():
                task.kpi_edit_planning = task.kpi_edit_outcome = not frozen
                task.kpi_edit_progress = not frozen
                continue
            task.kpi_edit_outcome = False
            # sudo: whose task it is, for the check below
            if frozen or origin.sudo().employee_id.user_id != user:
                task.kpi_edit_planning = task.kpi_edit_progress = False
                continue
            allowed = origin._kpi_assignee_fields()
            closed = origin.state in ("done", "cancelled")
            task.kpi_edit_progress = not closed
            task.kpi_edit_planning = not closed and "quantity" in allowed
