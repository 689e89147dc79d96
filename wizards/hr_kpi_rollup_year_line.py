from odoo import fields, models

from ..models.hr_kpi_rule_set import level_selection


class HrKpiRollupYearLine(models.TransientModel):
    _name = "hr.kpi.rollup.year.line"
    _description = "Line of the year-end classification"

    wizard_id = fields.Many2one("hr.kpi.rollup.year", required=True, ondelete="cascade")
    rollup_id = fields.Many2one(
        "hr.kpi.rollup", string="Result", required=True, readonly=True
    )
    employee_id = fields.Many2one(related="rollup_id.employee_id")
    department_id = fields.Many2one(related="rollup_id.department_id")
    months_evaluated = fields.Integer(related="rollup_id.months_evaluated")
    months_excellent = fields.Integer(related="rollup_id.months_excellent")
    months_good = fields.Integer(related="rollup_id.months_good")
    months_done = fields.Integer(related="rollup_id.months_done")
    months_fail = fields.Integer(related="rollup_id.months_fail")
    rollup_method = fields.Selection(related="rollup_id.rollup_method")
    general_annual_score = fields.Float(
        string="Annual general score",
        help="Method (ii): the general block assessed for the year.",
    )
    score = fields.Float(related="rollup_id.score")
    level_computed = fields.Selection(related="rollup_id.level_computed")
    level_reasons = fields.Text(related="rollup_id.level_reasons")
    state = fields.Selection(related="rollup_id.state")
    level = fields.Selection(level_selection(), string="Level to decide", required=True)
