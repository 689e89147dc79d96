from odoo import api, fields, models

from ..const import level_selection

# What a line shows of its appraisal: line field -> appraisal field. Computed
# as the reader, and only for an appraisal the reader may read: a line must
# never show more than the appraisal itself (a related field would read it
# in sudo, and any evaluator could create a line on another unit's appraisal).
APPRAISAL_FIELDS = {
    "employee_id": "employee_id",
    "department_id": "department_id",
    "job_title": "job_title",
    "task_group": "task_group",
    "general_self_score": "general_self_score",
    "general_evaluator_score": "general_evaluator_score",
    "total_score": "total_score",
    "task_delay_count": "task_delay_count",
    "task_exceeded_count": "task_exceeded_count",
    "level_self": "level_self",
    "level_proposed": "level_proposed",
    "level_computed": "level_computed",
    "level_reasons": "level_reasons",
}


class HrKpiDecisionLine(models.TransientModel):
    _name = "hr.kpi.decision.line"
    _inherit = ["hr.kpi.readable.source.mixin"]
    _description = "Line of the decision screen"
    _order = "rank"

    decision_id = fields.Many2one("hr.kpi.decision", required=True, ondelete="cascade")
    appraisal_id = fields.Many2one("hr.kpi.appraisal", required=True, readonly=True)
    rank = fields.Integer(readonly=True)
    employee_id = fields.Many2one("hr.employee", compute="_compute_from_appraisal")
    department_id = fields.Many2one("hr.department", compute="_compute_from_appraisal")
    unit_name = fields.Char(string="Unit", compute="_compute_unit_name")
    job_title = fields.Char(compute="_compute_from_appraisal")
    task_group = fields.Char(compute="_compute_from_appraisal")
    general_self_score = fields.Float(compute="_compute_from_appraisal")
    general_evaluator_score = fields.Float(compute="_compute_from_appraisal")
    total_score = fields.Float(compute="_compute_from_appraisal")
    task_delay_count = fields.Integer(compute="_compute_from_appraisal")
    task_exceeded_count = fields.Integer(compute="_compute_from_appraisal")
    level_self = fields.Selection(level_selection(), compute="_compute_from_appraisal")
    level_proposed = fields.Selection(
        level_selection(), compute="_compute_from_appraisal"
    )
    level_computed = fields.Selection(
        level_selection(), compute="_compute_from_appraisal"
    )
    level_reasons = fields.Text(compute="_compute_from_appraisal")
    level = fields.Selection(level_selection(), string="Level to decide", required=True)

    @api.depends_context("uid")
    @api.depends(*(f"appraisal_id.{source}" for source in APPRAISAL_FIELDS.values()))
    def _compute_from_appraisal(self):
        # as the reader (compute_sudo is False for non-stored fields): nothing
        # of an appraisal he may not read
        readable = self._kpi_readable_sources()
        nothing = self.env["hr.kpi.appraisal"]
        for line in self:
            appraisal = line.appraisal_id if line.appraisal_id in readable else nothing
            for fname, source in APPRAISAL_FIELDS.items():
                line[fname] = appraisal[source]

    @api.depends("department_id")
    def _compute_unit_name(self):
        """The unit's own name, not its path: the column stays narrow."""
        for line in self:
            line.unit_name = line.department_id.name
