from odoo import api, fields, models

from ..const import level_selection

# What a line shows of its result: line field -> result field. Computed as the
# reader, and only for a result the reader may read (a related field would
# read it in sudo, for any result id written on a line).
ROLLUP_FIELDS = (
    "employee_id",
    "department_id",
    "months_evaluated",
    "months_excellent",
    "months_good",
    "months_done",
    "months_fail",
    "rollup_method",
    "score",
    "level_computed",
    "level_reasons",
    "state",
)


class HrKpiRollupYearLine(models.TransientModel):
    _name = "hr.kpi.rollup.year.line"
    _inherit = ["hr.kpi.readable.source.mixin"]
    _kpi_source_field = "rollup_id"
    _description = "Line of the year-end classification"

    wizard_id = fields.Many2one("hr.kpi.rollup.year", required=True, ondelete="cascade")
    rollup_id = fields.Many2one(
        "hr.kpi.rollup", string="Result", required=True, readonly=True
    )
    employee_id = fields.Many2one("hr.employee", compute="_compute_from_rollup")
    department_id = fields.Many2one("hr.department", compute="_compute_from_rollup")
    months_evaluated = fields.Integer(compute="_compute_from_rollup")
    months_excellent = fields.Integer(
        string="Months excellent", compute="_compute_from_rollup"
    )
    months_good = fields.Integer(string="Months good", compute="_compute_from_rollup")
    months_done = fields.Integer(
        string="Months completed", compute="_compute_from_rollup"
    )
    months_fail = fields.Integer(
        string="Months not completed", compute="_compute_from_rollup"
    )
    rollup_method = fields.Selection(
        selection="_selection_rollup_method",
        string="Method",
        compute="_compute_from_rollup",
    )
    general_annual_score = fields.Float(
        string="Annual general score",
        help="Method (ii): the general block assessed for the year.",
    )
    score = fields.Float(compute="_compute_from_rollup")
    level_computed = fields.Selection(
        level_selection(), string="Proposed level", compute="_compute_from_rollup"
    )
    level_reasons = fields.Text(compute="_compute_from_rollup")
    state = fields.Selection(
        selection="_selection_state", compute="_compute_from_rollup"
    )
    level = fields.Selection(level_selection(), string="Level to decide", required=True)

    @api.model
    def _selection_rollup_method(self):
        return self.env["hr.kpi.rollup"]._fields["rollup_method"].selection

    @api.model
    def _selection_state(self):
        return self.env["hr.kpi.rollup"]._fields["state"].selection

    @api.depends_context("uid")
    @api.depends(*(f"rollup_id.{fname}" for fname in ROLLUP_FIELDS))
    def _compute_from_rollup(self):
        # as the reader (compute_sudo is False for non-stored fields)
        readable = self._kpi_readable_sources()
        nothing = self.env["hr.kpi.rollup"]
        for line in self:
            rollup = line.rollup_id if line.rollup_id in readable else nothing
            for fname in ROLLUP_FIELDS:
                line[fname] = rollup[fname]
