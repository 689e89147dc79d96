from odoo import fields, models

from ..models.hr_kpi_rule_set import level_selection


class HrKpiDecisionLine(models.TransientModel):
    _name = "hr.kpi.decision.line"
    _description = "Line of the decision screen"
    _order = "rank"

    decision_id = fields.Many2one("hr.kpi.decision", required=True, ondelete="cascade")
    appraisal_id = fields.Many2one("hr.kpi.appraisal", required=True, readonly=True)
    rank = fields.Integer(readonly=True)
    employee_id = fields.Many2one(related="appraisal_id.employee_id")
    job_title = fields.Char(related="appraisal_id.job_title")
    task_group = fields.Char(related="appraisal_id.task_group")
    general_self_score = fields.Float(related="appraisal_id.general_self_score")
    general_evaluator_score = fields.Float(
        related="appraisal_id.general_evaluator_score"
    )
    total_score = fields.Float(related="appraisal_id.total_score")
    task_delay_count = fields.Integer(related="appraisal_id.task_delay_count")
    task_exceeded_count = fields.Integer(related="appraisal_id.task_exceeded_count")
    level_self = fields.Selection(related="appraisal_id.level_self")
    level_proposed = fields.Selection(related="appraisal_id.level_proposed")
    level_computed = fields.Selection(related="appraisal_id.level_computed")
    level_reasons = fields.Text(related="appraisal_id.level_reasons")
    level = fields.Selection(level_selection(), string="Level to decide", required=True)
