from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, clean_context, float_compare, float_is_zero, split_every

# The scores of a line: frozen with its appraisal from ``decided`` on.
POINT_FIELDS = frozenset({"self_points", "evaluator_points", "final_points"})
# Set by the write of the stage that scored, never by a client.
SET_FLAGS = frozenset({"final_points_set"})
# What a new line of an appraisal gets: the only values the bulk insert of a
# month's opening takes (_kpi_insert_new_lines); the points are 0 at each stage.
NEW_LINE_FIELDS = frozenset(
    {"appraisal_id", "company_id", "criterion_id", "sequence", *POINT_FIELDS}
)
# Rows per INSERT of the bulk insert.
INSERT_BATCH = 5000
# Written by the satisfaction pre-fill only (hr.kpi.onestop.stat).
SUGGESTION_FIELDS = frozenset(
    {"has_suggestion", "suggested_score", "suggestion_note", "evaluator_points_set"}
)


class HrKpiAppraisalLine(models.Model):
    _name = "hr.kpi.appraisal.line"
    _description = "General criterion score of an appraisal"
    _order = "appraisal_id, sequence, id"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", required=True, ondelete="cascade", index=True
    )
    # the appraisal's company, computed rather than related: a related field is
    # readonly, so the ORM would ignore the value given at creation and build a
    # draft line to precompute it, for each of the millions of lines that a
    # city's month creates (the write guard keeps it following the appraisal)
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
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
    # Citizen satisfaction: points suggested from the one-stop
    # figures through the rule set's bands, written by hr.kpi.onestop.stat only
    criterion_key = fields.Char(related="criterion_id.key")
    has_suggestion = fields.Boolean(readonly=True, copy=False)
    suggested_score = fields.Float(
        string="Suggested",
        readonly=True,
        copy=False,
        help="Points suggested by the citizen satisfaction figures; the evaluator "
        "may score otherwise with a comment.",
    )
    suggestion_note = fields.Char(string="Source of the suggestion", readonly=True)
    evaluator_points_set = fields.Boolean(
        string="Scored by the evaluator",
        readonly=True,
        copy=False,
        help="The evaluator wrote the score: a new suggestion no longer replaces it.",
    )
    final_points_set = fields.Boolean(
        string="Scored by the decider",
        readonly=True,
        copy=False,
        help="The decider wrote the final score: the evaluator's score no longer "
        "replaces it.",
    )

    @api.depends("appraisal_id.company_id")
    def _compute_company_id(self):
        for line in self:
            line.company_id = line.appraisal_id.company_id

    @api.depends("self_points")
    def _compute_evaluator_points(self):
        # once the evaluator has scored a line, only the evaluator changes it:
        # a new self score of the employee (after a return) leaves it alone
        for line in self:
            if not line.evaluator_points_set:
                line.evaluator_points = line._kpi_evaluator_default()

    def _kpi_evaluator_default(self, self_points=None):
        """What the evaluator's score follows: the satisfaction suggestion when
        there is one, else the self score."""
        self.ensure_one()
        if self.has_suggestion:
            return self.suggested_score
        return self.self_points if self_points is None else self_points

    @api.depends("evaluator_points")
    def _compute_final_points(self):
        # likewise the decider's own final score
        for line in self:
            if not line.final_points_set:
                line.final_points = line.evaluator_points

    @api.depends(
        "self_points",
        "evaluator_points",
        "comment",
        "evaluator_comment",
        "max_points",
        "has_suggestion",
        "suggested_score",
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
        if (
            "evaluator" in stages
            and "evaluator" not in missing
            and self._kpi_differs_from_suggestion()
        ):
            missing.append("evaluator")
        return missing

    def _kpi_differs_from_suggestion(self):
        """Scored otherwise than the satisfaction suggestion without a comment."""
        self.ensure_one()
        return bool(
            self.has_suggestion
            and float_compare(self.evaluator_points, self.suggested_score, 2) != 0
            and not self.evaluator_comment
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # the lines come from the rule set's criteria (Reset criteria)
            raise AccessError(
                self.env._(
                    "The criterion lines come from the rule set: use Reset "
                    "criteria on a draft appraisal."
                )
            )
        appraisals = self.env["hr.kpi.appraisal"].browse(
            {vals.get("appraisal_id") for vals in vals_list if vals.get("appraisal_id")}
        )
        appraisals._kpi_check_frozen(self.env._("its criterion lines"))
        lines = super().create(vals_list)
        lines._kpi_lines_created()
        return lines

    def _kpi_lines_created(self):
        """Hook: ``self`` were just created, by create() or by the bulk insert
        of a month's opening (the one-stop feature pre-fills its suggestion
        here)."""

    @api.model
    def _kpi_insert_new_lines(self, vals_list):
        """Create the new, unscored lines of new appraisals (``vals_list``:
        exactly NEW_LINE_FIELDS, every point 0) and return them: the row
        create() stores, written by one INSERT per INSERT_BATCH lines. A
        month of a city opens millions of lines, and create() spends about
        0.3 ms of Python on each to find defaults, precompute, check and cache
        what is known here: no default nor computation differs from line to
        line (the defaults and the log columns are prepared once, by the ORM),
        and no constraint can fail (a zero is within any maximum; the company
        is the appraisal's). Then everything create() does after its INSERT:
        the dependent fields marked to compute, the hook. Internal: the caller
        creates the appraisals (their rights checked) in sudo."""
        if not vals_list:
            return self.browse()
        if any(set(vals) != NEW_LINE_FIELDS for vals in vals_list) or any(
            vals[fname] for vals in vals_list for fname in POINT_FIELDS
        ):
            raise ValueError("a new criterion line has NEW_LINE_FIELDS, no points")
        appraisals = self.env["hr.kpi.appraisal"].browse(
            {vals["appraisal_id"] for vals in vals_list}
        )
        appraisals._kpi_check_frozen(self.env._("its criterion lines"))
        # the row of one line as create() would store it (defaults, log
        # columns), then the values that differ from line to line
        # (no default from the context: whatever a client sent, a new line
        # starts empty)
        [template] = self.with_context(
            clean_context(self.env.context)
        )._prepare_create_values([dict(vals_list[0])])
        columns = sorted(
            fname
            for fname in template
            if fname in self._fields and self._fields[fname].column_type
        )
        converted = {
            fname: self._fields[fname].convert_to_column_insert(
                template[fname], self, template
            )
            for fname in columns
        }
        varying = NEW_LINE_FIELDS
        ids = []
        for batch in split_every(INSERT_BATCH, vals_list):
            rows = [
                tuple(
                    vals[fname] if fname in varying else converted[fname]
                    for fname in columns
                )
                for vals in batch
            ]
            ids.extend(
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        "INSERT INTO %s (%s) VALUES %s RETURNING id",
                        SQL.identifier(self._table),
                        SQL(", ").join(map(SQL.identifier, columns)),
                        SQL(", ").join(rows),
                    )
                )
            )
        lines = self.browse(ids)
        # the stored values in cache, as create() leaves them (those not
        # given, empty): the hook and the scores read them without fetching
        # the lines back
        for field in self._fields.values():
            if field.name in varying:
                values = [
                    field.convert_to_cache(vals[field.name], self) for vals in vals_list
                ]
            elif field.name in columns:
                values = [field.convert_to_cache(template[field.name], self)] * len(ids)
            elif field.store and field.column_type and not field.compute:
                values = [field.convert_to_cache(None, self)] * len(ids)
            else:
                continue
            self.env.cache.update(lines, field, values)
        appraisals.invalidate_recordset(["line_ids"])
        # the computed values given (company, points) are not recomputed, as
        # create() protects them
        protected = {
            computed
            for fname in NEW_LINE_FIELDS
            if self._fields[fname].compute
            for computed in self.pool.field_computed.get(
                self._fields[fname], [self._fields[fname]]
            )
        }
        with self.env.protecting(protected, lines):
            lines.modified(list(self._fields), create=True)
        lines._kpi_lines_created()
        return lines

    def write(self, vals):
        if "company_id" in vals and any(
            line.appraisal_id.company_id.id != vals["company_id"] for line in self
        ):
            raise UserError(
                self.env._("A criterion line belongs to the company of its appraisal.")
            )
        if set(vals) & POINT_FIELDS:
            self.appraisal_id._kpi_check_frozen(self.env._("its criterion scores"))
        if not self.env.su and set(vals) & (SUGGESTION_FIELDS | SET_FLAGS):
            raise AccessError(
                self.env._(
                    "The suggested points come from the citizen satisfaction "
                    "figures; they cannot be written."
                )
            )
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
        # the stage that scored owns its points from now on (not a form that
        # only repeated the value following the previous stage)
        scored = {}
        if not self.env.su:
            for fname, flag, can_score in (
                ("evaluator_points", "evaluator_points_set", "_kpi_can_score_review"),
                ("final_points", "final_points_set", "_kpi_can_score_final"),
            ):
                if fname in vals:
                    scored[flag] = self.filtered(
                        lambda line, m=can_score: getattr(line.appraisal_id, m)()
                    )
        res = super().write(vals)
        for flag, lines in scored.items():
            # sudo: the rights to score were checked above
            lines.filtered(lambda line, f=flag: not line[f]).sudo().write({flag: True})
        if {"evaluator_points", "evaluator_comment"} & set(vals):
            differing = self.filtered(lambda line: line._kpi_differs_from_suggestion())
            if differing:
                raise UserError(
                    self.env._(
                        "%(criterion)s: the citizen satisfaction figures suggest "
                        "%(points)s points; give a comment to score otherwise.",
                        criterion=differing[0].name,
                        points=differing[0].suggested_score,
                    )
                )
        return res

    def _kpi_follows(self, fname, vals):
        """Whether writing ``fname`` only repeats the value that follows the
        previous stage (the form sends what its onchange recomputed)."""
        follows = {
            "evaluator_points": "self_points",
            "final_points": "evaluator_points",
        }
        if fname not in follows:
            return False
        if self[f"{fname}_set"]:
            # scored by its own stage: writing it is scoring it
            return False
        if fname == "evaluator_points":
            previous = self._kpi_evaluator_default(vals.get("self_points"))
        else:
            previous = vals.get(follows[fname], self[follows[fname]])
        return float_compare(vals[fname], previous, 2) == 0

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The criterion lines come from the rule set: use Reset "
                    "criteria on a draft appraisal."
                )
            )
        self.appraisal_id._kpi_check_frozen(self.env._("its criterion lines"))

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
