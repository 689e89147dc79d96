from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import DECIDED_STATES, LEVEL_LETTERS, staff_category_selection

# Fields of a rule set that may still change once it is frozen: the ones that
# retire it or point to its successor.
FROZEN_WRITABLE_FIELDS = {
    "active",
    "date_to",
    "is_default",
    "superseded_by_id",
    "note",
    # publication and analytics: they change no score nor decided level
    "publish_to_unit",
    "lenient_months",
    # privacy: they change no score nor decided level
    "publish_scores",
    "evidence_retention_months",
    # the pilot becomes official: the rules stay the same
    "status",
}


def confidence_selection():
    """How sure the source of a rule is: the legal officer checks the
    rules not confirmed by the text."""
    return [
        ("confirmed", "[C] Confirmed by the text"),
        ("secondary", "[S] Secondary source: check with the legal officer"),
        ("inferred", "[I] Default of the addon: check with the legal officer"),
        ("local", "[L] Local regulation of the agency"),
    ]


class HrKpiRuleSet(models.Model):
    _name = "hr.kpi.rule.set"
    _description = "KPI rule set"
    _order = "is_default desc, date_from desc, code, version desc"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key, e.g. ND335_2026.")
    version = fields.Integer(default=1, required=True)
    basis = fields.Char(
        string="Legal basis",
        help="Texts the rule set implements, e.g. NĐ 335/2025/NĐ-CP.",
    )
    active = fields.Boolean(default=True)
    is_default = fields.Boolean(
        string="Default",
        help=(
            "Used for new periods when several rule sets are in force on the same date."
        ),
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the rule set between companies.",
    )
    date_from = fields.Date(string="In force from", required=True)
    date_to = fields.Date(string="In force until")
    previous_version_id = fields.Many2one(
        "hr.kpi.rule.set", string="Previous version", readonly=True, copy=False
    )
    superseded_by_id = fields.Many2one(
        "hr.kpi.rule.set", string="Superseded by", readonly=True, copy=False
    )
    note = fields.Html()
    criterion_ids = fields.One2many(
        "hr.kpi.criterion", "rule_set_id", string="General criteria"
    )

    # Score structure
    general_max = fields.Float(
        string="General criteria maximum", default=30.0, required=True
    )
    task_max = fields.Float(string="Task results maximum", default=70.0, required=True)
    bonus_max = fields.Float(
        string="Bonus cap",
        default=0.0,
        help="Maximum bonus points an appraisal can receive.",
    )
    deduction_max = fields.Float(
        string="Deduction cap",
        default=0.0,
        help="Maximum deduction points; 0 means no cap.",
    )
    deduction_percent = fields.Float(
        string="Deduction per occurrence (%)",
        default=25.0,
        required=True,
        help="Share of a product's quality (per major error) or progress (per delay) "
        "score removed for each occurrence (NĐ 335 Điều 14).",
    )
    staff_task_strategy = fields.Selection(
        [("abc", "(a + b + c) / 3")],
        string="Staff task score",
        default="abc",
        required=True,
    )
    leader_task_strategy = fields.Selection(
        [("abc", "(a + b + c) / 3"), ("abcdde", "(a + b + c + d + đ + e) / 6")],
        string="Leader task score",
        default="abcdde",
        required=True,
    )
    leader_low_percent = fields.Float(
        string="Leader criterion lower value (%)",
        default=50.0,
        required=True,
        help="Value of d, đ and e when the condition for 100 % is not met.",
    )
    zero_assignment_policy = fields.Selection(
        [
            ("flag", "Flag for the evaluator"),
            ("full", "Count as 100 %"),
        ],
        default="flag",
        required=True,
        help="What happens when nothing was assigned in the period.",
    )
    over_completion_policy = fields.Selection(
        [
            ("count", "Count it"),
            ("cap", "Cap each task at its assigned quantity"),
        ],
        string="Completed above the assigned quantity",
        default="count",
        required=True,
        help="How a task completed above its assigned quantity counts: in full, as "
        "the sums of NĐ 335 Điều 14 do (the default), or at most its assigned "
        "quantity, as some 2026 local regimes do, so that one task's excess does "
        "not cover the month's other tasks. The excess is shown on the task and "
        "the appraisal either way.",
    )

    # Levels
    threshold_excellent = fields.Float(default=90.0, required=True)
    threshold_good = fields.Float(default=70.0, required=True)
    threshold_done = fields.Float(default=50.0, required=True)
    use_letters = fields.Boolean(
        string="Letters A/B/C/D",
        help="Show levels as letters (Hà Nội monthly practice).",
    )
    rounding_digits = fields.Integer(default=2, required=True)
    rounding_method = fields.Selection(
        [
            ("HALF-UP", "Half up"),
            ("HALF-EVEN", "Half even"),
            ("UP", "Up"),
            ("DOWN", "Down"),
        ],
        default="HALF-UP",
        required=True,
        help="Scores are rounded before being compared with the thresholds.",
    )
    apply_vetoes = fields.Boolean(
        string="Apply vetoes",
        default=True,
        help="Discipline, degradation and corruption events force the lowest level "
        "(NĐ 335/2025 Điều 20 khoản 4).",
    )
    qd366_conditions = fields.Boolean(
        string="QĐ 366 conditions",
        help="Excellent and good levels also require all tasks done on time with "
        "quality, and a share of tasks exceeding requirements for excellent.",
    )
    qd366_exceeded_percent = fields.Float(
        string="Exceeded tasks needed for excellent (%)", default=30.0
    )

    # Quota
    quota_percent = fields.Float(string="Quota (%)", default=20.0, required=True)
    quota_exception_percent = fields.Float(string="Exception quota (%)", default=25.0)
    quota_denominator = fields.Selection(
        [
            ("good", "Rated well completed"),
            ("good_excellent", "Rated well completed or above"),
            ("all", "All rated"),
        ],
        default="good",
        required=True,
    )
    quota_scope = fields.Selection(
        [("unit", "Unit"), ("unit_task_group", "Unit and task group")],
        default="unit_task_group",
        required=True,
    )
    quota_rounding = fields.Selection(
        [("floor", "Round down"), ("half_up", "Round half up")],
        default="floor",
        required=True,
    )
    quota_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn and require a justification")],
        default="block",
        required=True,
    )

    # Roll-up and calendar
    rollup_method = fields.Selection(
        [
            ("mean_total", "Mean of monthly totals"),
            (
                "task_plus_annual_general",
                "Mean of monthly task scores + annual general score",
            ),
        ],
        default="mean_total",
        required=True,
    )
    self_evaluation_day = fields.Integer(default=3, required=True)
    review_day = fields.Integer(default=5, required=True)
    decision_day = fields.Integer(default=8, required=True)
    summary_day = fields.Integer(default=10, required=True)
    appeal_days = fields.Integer(default=5, required=True)

    # ---- Publication and analytics ----------------
    publish_to_unit = fields.Boolean(
        string="Publish results to the unit",
        default=True,
        help="Once published, the level and the total score of each member are "
        "readable by the colleagues of the same unit (thông báo, công khai kết quả). "
        "The details of the appraisal stay private.",
    )
    lenient_months = fields.Integer(
        string="Months for the leniency flag",
        default=3,
        help="A unit that rates every evaluated member well completed or above for "
        "this many consecutive months is flagged on the dashboard (nể nang).",
    )

    @api.constrains("evidence_retention_months")
    def _check_evidence_retention_months(self):
        if any(not 0 <= rs.evidence_retention_months <= 1200 for rs in self):
            raise ValidationError(
                self.env._(
                    "The months to keep the evidence must be between 0 (keep) and 1200."
                )
            )

    @api.constrains("lenient_months")
    def _check_lenient_months(self):
        if any(rule_set.lenient_months < 1 for rule_set in self):
            raise ValidationError(
                self.env._("The months for the leniency flag must be at least 1.")
            )

    # ---- Outstanding unit (the quota exception's collective condition) ------
    outstanding_min_kpi = fields.Float(
        string="Unit KPI of an outstanding unit (%)",
        default=90.0,
        help="A unit is outstanding (thành tích nổi trội, its head may use the "
        "exception quota) when its unit KPI reaches this value and the conditions "
        "below hold.",
    )
    outstanding_all_tasks_perfect = fields.Boolean(
        string="Every planned task done perfectly",
        default=True,
        help="The unit is outstanding only if every planned task was done in full, "
        "on time and with quality.",
    )
    outstanding_min_kr_attainment = fields.Float(
        string="Key results attainment of an outstanding unit (%)",
        default=100.0,
        help="Weighted attainment of the unit's key results needed (a unit without "
        "key results meets it).",
    )

    # ---- The law of 2026 --------------------------------------
    staff_category = fields.Selection(
        staff_category_selection(),
        string="Applies to",
        index=True,
        help="The staff category whose appraisals use this rule set: a public "
        "employee's month uses the rule set of public employees in force on its "
        "first day, else the rule set that applies to everyone (empty).",
    )
    status = fields.Selection(
        [("draft", "Draft"), ("pilot", "Pilot"), ("official", "In force")],
        default="official",
        required=True,
        index=True,
        help="Draft: not used by any month yet. Pilot: used, and its forms say so "
        "(thí điểm). Official: in force. A rule set used by a decided month never "
        "changes: a new version takes over from a date.",
    )
    source_ids = fields.One2many(
        "hr.kpi.rule.source",
        "rule_set_id",
        string="Sources of the rules",
        copy=True,
    )
    source_check_count = fields.Integer(
        string="Rules to check", compute="_compute_source_check_count"
    )
    # who decides (NĐ 335/2025 Điều 10; NĐ 233/2026 Điều 13)
    head_decided_by_superior = fields.Boolean(
        string="Heads decided by the managing agency",
        default=True,
        help="The head of a unit is decided by the head of the managing agency "
        "(the decider of the superior unit), who also scores his đ and e and "
        "confirms his monthly sheet.",
    )
    # demotion-only rules about the unit (NĐ 233/2026 Điều 12)
    head_capped_by_unit = fields.Boolean(
        string="Head not above the unit",
        help="A head's level is at most the collective level of the unit he "
        "heads in the month (computed from its unit KPI with the thresholds).",
    )
    unit_plan_rule = fields.Boolean(
        string="Unit below its plan lowers its leaders",
        help="A unit whose tasks are completed below the threshold makes its "
        "head not completed and its deputies at most well completed.",
    )
    unit_plan_min_percent = fields.Float(
        string="Unit plan threshold (%)",
        default=70.0,
        help="Share of the unit's planned tasks completed (unit KPI quantity).",
    )
    rollup_fail_blocks_scope = fields.Selection(
        [("all", "Everyone"), ("leaders", "Leaders only")],
        string="Not completed bars excellent for",
        default="all",
        required=True,
        help="Whom the rules 'a month / a quarter not completed bars excellent' "
        "apply to: mandatory for leaders, optional for staff (QĐ 1923 Đ19.5).",
    )
    rollup_transition_policy = fields.Selection(
        [
            ("all", "Every month of the year, under any rule set"),
            ("own", "Only the months under this rule set"),
        ],
        string="Months under another rule set",
        default="all",
        required=True,
        help="How the months of the year evaluated under an earlier rule set "
        "count in the annual result of a year that ends under this one (2026: "
        "public employees scored under NĐ 335 until June, NĐ 233 from July).",
    )
    # months not evaluated (không đánh giá)
    not_evaluated_absence_days = fields.Integer(
        string="Absence that suggests not evaluated (working days)",
        default=11,
        help="Leave, training, maternity or sickness of at least this many "
        "working days in the month suggests the month is not evaluated.",
    )
    not_evaluated_service_days = fields.Integer(
        string="Service that suggests not evaluated (days)",
        default=30,
        help="Appointed (configuration starting) less than this many days before "
        "the end of the month suggests the month is not evaluated.",
    )
    not_evaluated_exclude_quota = fields.Boolean(
        string="Months not evaluated leave the quota",
        default=True,
        help="A month not evaluated is not counted in the quota's denominator.",
    )
    not_evaluated_count_min_months = fields.Boolean(
        string="Months not evaluated count as months worked",
        help="Count the months not evaluated among the months needed for an "
        "annual level (they are never scored).",
    )
    # appeals
    appeal_day_kind = fields.Selection(
        [("working", "Working days"), ("calendar", "Calendar days")],
        string="Appeal days are",
        default="working",
        required=True,
        help="Working days follow the company's working calendar and its public "
        "holidays.",
    )
    appeal_resolution_days = fields.Integer(
        string="Days to resolve an appeal",
        default=10,
        required=True,
    )
    # privacy (Luật 91/2025/QH15)
    publish_scores = fields.Boolean(
        string="Publish the scores to the unit",
        help="Colleagues of the unit read the published level in words only, "
        "unless this is set: then they also read the total score.",
    )
    evidence_retention_months = fields.Integer(
        string="Keep the evidence (months)",
        default=60,
        help="The files attached to an appraisal, its tasks and adjustments are "
        "deleted this many months after the end of the month evaluated, once the "
        "result is locked. The appraisal and its scores stay. 0 keeps them.",
    )

    is_frozen = fields.Boolean(
        compute="_compute_is_frozen",
        help="Used by a decided appraisal: it can only be superseded by a new version.",
    )

    _sql_constraints = [
        (
            "code_version_uniq",
            "UNIQUE(code, version)",
            "A rule set version must be unique.",
        ),
        (
            "thresholds_check",
            "CHECK(threshold_excellent > threshold_good AND threshold_good > "
            "threshold_done)",
            "Thresholds must decrease from excellent to completed.",
        ),
        (
            "percent_check",
            "CHECK(deduction_percent >= 0 AND deduction_percent <= 100 "
            "AND quota_percent >= 0 AND quota_percent <= 100)",
            "Percentages must be between 0 and 100.",
        ),
        (
            "dates_check",
            "CHECK(date_to IS NULL OR date_to >= date_from)",
            "The end date must follow the start date.",
        ),
    ]

    def _compute_source_check_count(self):
        counts = dict(
            self.env["hr.kpi.rule.source"]._read_group(
                [
                    ("rule_set_id", "in", self.ids),
                    ("confidence", "in", ("secondary", "inferred")),
                ],
                ["rule_set_id"],
                ["__count"],
            )
        )
        for rule_set in self:
            rule_set.source_check_count = counts.get(rule_set, 0)

    def _compute_is_frozen(self):
        frozen = self._frozen_ids()
        for rule_set in self:
            rule_set.is_frozen = rule_set.id in frozen

    def _frozen_ids(self):
        """Ids of the rule sets of ``self`` used by a decided appraisal."""
        if not self.ids:
            return set()
        # sudo: a rule set is frozen by any decided appraisal, readable or not
        groups = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            ._read_group(
                [("rule_set_id", "in", self.ids), ("state", "in", DECIDED_STATES)],
                ["rule_set_id"],
            )
        )
        return {rule_set.id for (rule_set,) in groups}

    @api.constrains(
        "appeal_days",
        "appeal_resolution_days",
        "not_evaluated_absence_days",
        "not_evaluated_service_days",
        "unit_plan_min_percent",
    )
    def _check_law_2026_bounds(self):
        for rule_set in self:
            if not (
                1 <= rule_set.appeal_days <= 60
                and 1 <= rule_set.appeal_resolution_days <= 60
            ):
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: the appeal window and the time to "
                        "resolve an appeal are between 1 and 60 days.",
                        name=rule_set.name,
                    )
                )
            if not (
                0 <= rule_set.not_evaluated_absence_days <= 31
                and 0 <= rule_set.not_evaluated_service_days <= 366
            ):
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: the absence that suggests a month not "
                        "evaluated is 0 to 31 working days, the service 0 to 366 "
                        "days.",
                        name=rule_set.name,
                    )
                )
            if not 0 <= rule_set.unit_plan_min_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: the unit plan threshold is a "
                        "percentage between 0 and 100.",
                        name=rule_set.name,
                    )
                )

    @api.constrains("general_max", "task_max", "bonus_max", "rounding_digits")
    def _check_structure(self):
        for rule_set in self:
            if (
                rule_set.general_max < 0
                or rule_set.task_max <= 0
                or rule_set.bonus_max < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: maxima must be positive.",
                        name=rule_set.name,
                    )
                )
            if not 0 <= rule_set.rounding_digits <= 4:
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: round to 0 to 4 decimals.",
                        name=rule_set.name,
                    )
                )

    def write(self, vals):
        # who may not edit rule sets at all gets the access error first
        self.check_access("write")
        if set(vals) - FROZEN_WRITABLE_FIELDS:
            self._check_not_frozen()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # sudo: a rule set is frozen by any decided appraisal, readable or not
        if (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search_count([("rule_set_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "A rule set used by appraisals cannot be deleted; archive it "
                    "instead."
                )
            )

    def _check_not_frozen(self):
        frozen = self.browse(self._frozen_ids())
        if frozen:
            raise UserError(
                self.env._(
                    "Rule set %(name)s is used by decided appraisals and cannot be "
                    "changed. "
                    "Create a new version instead.",
                    name=", ".join(frozen.mapped("display_name")),
                )
            )

    @api.depends("name", "code", "version")
    def _compute_display_name(self):
        for rule_set in self:
            rule_set.display_name = (
                f"{rule_set.name} ({rule_set.code} v{rule_set.version})"
            )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if default and "version" in default:
            return vals_list
        for rule_set, vals in zip(self, vals_list, strict=True):
            vals["version"] = self._next_version(rule_set.code)
            vals["is_default"] = False
        return vals_list

    def copy(self, default=None):
        new_rule_sets = super().copy(default=default)
        for rule_set, new in zip(self, new_rule_sets, strict=True):
            rule_set._copy_criteria_to(new)
        return new_rule_sets

    def _copy_criteria_to(self, target):
        """Copy the criteria tree of ``self`` into ``target``, parents first."""
        self.ensure_one()
        mapping = {}
        for criterion in self.criterion_ids.sorted(
            lambda c: (c.parent_path or "", c.id)
        ):
            new = criterion.copy(
                {
                    "rule_set_id": target.id,
                    "parent_id": mapping.get(criterion.parent_id.id, False),
                }
            )
            mapping[criterion.id] = new.id

    def _next_version(self, code):
        rule_sets = self.with_context(active_test=False).search([("code", "=", code)])
        return max(rule_sets.mapped("version") or [0]) + 1

    def action_new_version(self):
        """Supersede this rule set: copy it (with its criteria) as a new version."""
        self.ensure_one()
        new = self.copy(
            {"previous_version_id": self.id, "version": self._next_version(self.code)}
        )
        self.superseded_by_id = new
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    @api.model
    def _get_for_date(self, company, date, category=None):
        """The rule set in force for ``company`` on ``date`` (default first):
        for ``category`` (a staff category), its own rule set if one is in
        force, else the one for everyone; without it, the one for everyone. A
        draft is never in force."""
        domain = [
            ("company_id", "in", [False, company.id] if company else [False]),
            ("date_from", "<=", date),
            ("status", "!=", "draft"),
            ("staff_category", "in", [False, category] if category else [False]),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", date),
        ]
        rule_sets = self.search(domain)
        if not rule_sets:
            return self.browse()
        return rule_sets.sorted(
            lambda r: (
                bool(r.staff_category),
                r.is_default,
                bool(r.company_id),
                r.date_from,
                r.version,
            ),
            reverse=True,
        )[0]

    def _get_level_label(self, level):
        """Label of ``level`` as printed under this rule set (letter or words)."""
        self.ensure_one()
        if not level:
            return ""
        label = dict(
            self.env["hr.kpi.appraisal"]
            ._fields["level_computed"]
            ._description_selection(self.env)
        )[level]
        if self.use_letters:
            return f"{LEVEL_LETTERS[level]} – {label}"
        return label
