from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_compare, float_is_zero


class HrKpiAppraisalLine(models.Model):
    _name = "hr.kpi.appraisal.line"
    _description = "General criterion score of an appraisal"
    _order = "appraisal_id, sequence, id"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="appraisal_id.company_id", store=True, index=True, precompute=True
    )
    criterion_id = fields.Many2one(
        "hr.kpi.criterion", required=True, ondelete="restrict"
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(related="criterion_id.code")
    name = fields.Char(related="criterion_id.name")
    parent_name = fields.Char(related="criterion_id.parent_id.name", string="Group")
    max_points = fields.Float(related="criterion_id.max_points", string="Maximum")
    scoring_type = fields.Selection(related="criterion_id.scoring_type")
    comment_required = fields.Boolean(related="criterion_id.comment_required")
    self_points = fields.Float(string="Self")
    comment = fields.Text(string="Self comment")
    evaluator_points = fields.Float(
        string="Evaluator",
        compute="_compute_evaluator_points",
        store=True,
        readonly=False,
        precompute=True,
        help="Follows the self score until the evaluator changes it.",
    )
    evaluator_comment = fields.Text()
    final_points = fields.Float(
        string="Final",
        compute="_compute_final_points",
        store=True,
        readonly=False,
        precompute=True,
        help="Follows the evaluator's score until the decider changes it.",
    )
    comment_missing = fields.Boolean(compute="_compute_comment_missing")

    @api.depends("self_points")
    def _compute_evaluator_points(self):
        for line in self:
            line.evaluator_points = line.self_points

    @api.depends("evaluator_points")
    def _compute_final_points(self):
        for line in self:
            line.final_points = line.evaluator_points

    @api.depends(
        "self_points", "evaluator_points", "comment", "evaluator_comment", "max_points"
    )
    def _compute_comment_missing(self):
        for line in self:
            line.comment_missing = bool(
                line._get_missing_comment_stages(("self", "evaluator"))
            )

    def _get_missing_comment_stages(self, stages=("self", "evaluator")):
        """Stages (self, evaluator) of this line scored below the maximum without
        a comment, when the criterion requires one."""
        self.ensure_one()
        if not self.comment_required:
            return []
        missing = []
        for stage, points, comment in (
            ("self", self.self_points, self.comment),
            ("evaluator", self.evaluator_points, self.evaluator_comment),
        ):
            if (
                stage in stages
                and float_compare(points, self.max_points, 2) < 0
                and not comment
            ):
                missing.append(stage)
        return missing

    def write(self, vals):
        if not self.env.su and set(vals) - {"self_points", "comment"}:
            for appraisal in self.appraisal_id:
                if not appraisal._is_appraiser():
                    raise AccessError(
                        self.env._(
                            "Appraisal %(name)s: only the evaluator and the decider "
                            "score "
                            "after the self-evaluation.",
                            name=appraisal.display_name,
                        )
                    )
        for line in self:
            guarded = {
                self._KPI_RIGHTS[fname]
                for fname in vals
                if fname in self._KPI_RIGHTS and not line._kpi_follows(fname, vals)
            }
            if guarded:
                line.appraisal_id._kpi_check_field_rights(guarded)
        return super().write(vals)

    def _kpi_follows(self, fname, vals):
        """Whether writing ``fname`` only repeats the value that follows the
        previous stage (the form sends what its onchange recomputed)."""
        follows = {
            "evaluator_points": "self_points",
            "final_points": "evaluator_points",
        }
        if fname not in follows:
            return False
        previous = vals.get(follows[fname], self[follows[fname]])
        return float_compare(vals[fname], previous, 2) == 0

    @api.constrains("self_points", "evaluator_points", "final_points")
    def _check_points(self):
        for line in self:
            for points in (line.self_points, line.evaluator_points, line.final_points):
                if (
                    float_compare(points, 0.0, 2) < 0
                    or float_compare(points, line.max_points, 2) > 0
                ):
                    raise ValidationError(
                        self.env._(
                            "%(criterion)s: points must be between 0 and %(max)s.",
                            criterion=line.name,
                            max=line.max_points,
                        )
                    )
                if line.scoring_type == "binary" and not (
                    float_is_zero(points, 2)
                    or float_compare(points, line.max_points, 2) == 0
                ):
                    raise ValidationError(
                        self.env._(
                            "%(criterion)s is met or not met: score 0 or %(max)s.",
                            criterion=line.name,
                            max=line.max_points,
                        )
                    )

    # Which appraisal field stands for each line field in the edit rights of
    # hr.kpi.appraisal._kpi_check_field_rights: self scores go with the
    # self-evaluation, evaluator scores with the review, final with the decision.
    _KPI_RIGHTS = {
        "self_points": "level_self",
        "comment": "level_self",
        "evaluator_points": "level_proposed",
        "evaluator_comment": "level_proposed",
        "final_points": "decider_comment",
    }
