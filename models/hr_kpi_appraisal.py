from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .hr_kpi_rule_set import (
    LEADER_SUBJECT_GROUPS,
    level_selection,
    subject_group_selection,
)

TASK_BLOCK_FIELDS = (
    "kpi_assigned_quantity",
    "kpi_done_quantity",
    "kpi_quality_quantity",
    "kpi_progress_quantity",
    "kpi_quantity",
    "kpi_quality",
    "kpi_progress",
    "task_counted_count",
    "task_delay_count",
    "task_exceeded_count",
    "task_perfect_count",
    "task_unconfirmed_count",
    "zero_assignment",
    "needs_attention",
)
GENERAL_BLOCK_FIELDS = (
    "general_self_score",
    "general_evaluator_score",
    "general_score",
    "adjustment_bonus",
    "adjustment_deduction",
    "adjustment_score",
)
VETO_FIELDS = ("veto_data", "is_vetoed")
RESULT_FIELDS = (
    "kpi_unit_result",
    "kpi_percent",
    "task_score",
    "total_score",
    "level_by_score",
    "level_computed",
    "level_reason_data",
)
# Everything the engine computes: never written by anyone.
SCORE_FIELDS = frozenset(
    TASK_BLOCK_FIELDS + GENERAL_BLOCK_FIELDS + VETO_FIELDS + RESULT_FIELDS
)
# Links maintained by the addon itself.
LINK_FIELDS = frozenset({"leader_appraisal_id"})
# What the appraised employee may write on his or her own appraisal.
SELF_FIELDS = frozenset({"level_self", "strengths", "weaknesses", "line_ids"})


class HrKpiAppraisal(models.Model):
    _name = "hr.kpi.appraisal"
    _description = "Monthly KPI appraisal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, department_id, employee_id"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name", "period_id.name"]

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, tracking=True, check_company=True
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="User")
    period_id = fields.Many2one(
        "hr.kpi.period", required=True, index=True, tracking=True, check_company=True
    )
    period_start = fields.Date(related="period_id.date_start", store=True)
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    job_title = fields.Char(
        compute="_compute_job_title", store=True, readonly=False, precompute=True
    )
    subject_group = fields.Selection(
        subject_group_selection(),
        required=True,
        default="civil_servant",
        index=True,
        tracking=True,
    )
    is_leader = fields.Boolean(compute="_compute_is_leader", store=True, index=True)
    task_group = fields.Char(
        index="btree_not_null",
        help="Group of staff with similar tasks; quotas are checked per group.",
    )
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set",
        compute="_compute_rule_set_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    use_letters = fields.Boolean(related="rule_set_id.use_letters")
    rule_general_max = fields.Float(
        related="rule_set_id.general_max", string="General maximum"
    )
    rule_task_max = fields.Float(related="rule_set_id.task_max", string="Task maximum")
    rule_bonus_max = fields.Float(
        related="rule_set_id.bonus_max", string="Bonus maximum"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("self_submitted", "Self-evaluated"),
            ("reviewed", "Reviewed"),
            ("returned", "Returned"),
            ("decided", "Decided"),
            ("published", "Published"),
            ("appeal_open", "Appeal open"),
            ("appeal_resolved", "Appeal resolved"),
            ("locked", "Locked"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
        group_expand=True,
    )
    evaluator_employee_id = fields.Many2one(
        "hr.employee",
        string="Evaluator",
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    decider_employee_id = fields.Many2one(
        "hr.employee",
        string="Decider",
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    leader_appraisal_id = fields.Many2one(
        "hr.kpi.appraisal",
        string="Evaluator's appraisal",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
    )
    subordinate_appraisal_ids = fields.One2many(
        "hr.kpi.appraisal", "leader_appraisal_id", string="Appraisals evaluated"
    )
    line_ids = fields.One2many(
        "hr.kpi.appraisal.line", "appraisal_id", string="General criteria"
    )
    adjustment_ids = fields.One2many(
        "hr.kpi.adjustment", "appraisal_id", string="Adjustments"
    )
    task_ids = fields.One2many(
        "hr.kpi.task", "appraisal_id", string="Tasks", readonly=True
    )

    # ---- task block (NĐ 335 Điều 14): computed by the engine --------------
    kpi_assigned_quantity = fields.Float(
        string="Converted assigned", compute="_compute_task_block", store=True
    )
    kpi_done_quantity = fields.Float(
        string="Converted completed", compute="_compute_task_block", store=True
    )
    kpi_quality_quantity = fields.Float(
        string="Converted with quality", compute="_compute_task_block", store=True
    )
    kpi_progress_quantity = fields.Float(
        string="Converted on time", compute="_compute_task_block", store=True
    )
    kpi_quantity = fields.Float(
        string="a. Quantity (%)",
        compute="_compute_task_block",
        store=True,
        aggregator="avg",
    )
    kpi_quality = fields.Float(
        string="b. Quality (%)",
        compute="_compute_task_block",
        store=True,
        aggregator="avg",
    )
    kpi_progress = fields.Float(
        string="c. Progress (%)",
        compute="_compute_task_block",
        store=True,
        aggregator="avg",
    )
    task_counted_count = fields.Integer(
        string="Tasks counted", compute="_compute_task_block", store=True
    )
    task_delay_count = fields.Integer(
        string="Delays counted", compute="_compute_task_block", store=True
    )
    task_exceeded_count = fields.Integer(
        string="Tasks exceeding requirements", compute="_compute_task_block", store=True
    )
    task_perfect_count = fields.Integer(
        string="Tasks done in full, on time, with quality",
        compute="_compute_task_block",
        store=True,
    )
    task_unconfirmed_count = fields.Integer(
        string="Outcomes to confirm", compute="_compute_task_block", store=True
    )
    zero_assignment = fields.Boolean(
        string="Nothing assigned", compute="_compute_task_block", store=True
    )
    needs_attention = fields.Boolean(
        compute="_compute_task_block",
        store=True,
        index=True,
        help="Nothing was assigned in the period: the evaluator must resolve it before "
        "the level can be decided.",
    )
    zero_assignment_resolution = fields.Selection(
        [("full", "Count as fully completed"), ("zero", "Count as not completed")],
        tracking=True,
        help="The evaluator's decision when nothing was assigned in the period.",
    )

    # ---- leader criteria ---------------------------------------------------
    kpi_unit_result = fields.Float(
        string="d. Results of the unit led (%)",
        compute="_compute_result",
        store=True,
        recursive=True,
    )
    kpi_organisation = fields.Float(
        string="đ. Capacity to organise (%)", default=100.0, tracking=True
    )
    kpi_cohesion = fields.Float(
        string="e. Capacity to unite (%)", default=100.0, tracking=True
    )

    # ---- general block -----------------------------------------------------
    general_self_score = fields.Float(
        string="General score (self)", compute="_compute_general_block", store=True
    )
    general_evaluator_score = fields.Float(
        string="General score (evaluator)", compute="_compute_general_block", store=True
    )
    general_score = fields.Float(
        compute="_compute_general_block", store=True, aggregator="avg"
    )
    adjustment_bonus = fields.Float(
        string="Bonus", compute="_compute_general_block", store=True
    )
    adjustment_deduction = fields.Float(
        string="Deductions", compute="_compute_general_block", store=True
    )
    adjustment_score = fields.Float(
        string="Bonus minus deductions", compute="_compute_general_block", store=True
    )

    # ---- vetoes --------------------------------------------------------------
    veto_data = fields.Json(compute="_compute_vetoes", store=True)
    is_vetoed = fields.Boolean(
        string="Vetoed", compute="_compute_vetoes", store=True, index=True
    )

    # ---- result --------------------------------------------------------------
    kpi_percent = fields.Float(
        string="KPI (%)",
        compute="_compute_result",
        store=True,
        recursive=True,
        aggregator="avg",
    )
    task_score = fields.Float(
        compute="_compute_result", store=True, recursive=True, aggregator="avg"
    )
    total_score = fields.Float(
        compute="_compute_result", store=True, recursive=True, aggregator="avg"
    )
    level_by_score = fields.Selection(
        level_selection(),
        string="Level from points",
        compute="_compute_result",
        store=True,
        recursive=True,
    )
    level_computed = fields.Selection(
        level_selection(),
        string="Computed level",
        compute="_compute_result",
        store=True,
        recursive=True,
        index=True,
    )
    level_reason_data = fields.Json(
        compute="_compute_result", store=True, recursive=True
    )
    level_reasons = fields.Text(compute="_compute_level_reasons")
    level_self = fields.Selection(
        level_selection(), string="Self-proposed level", tracking=True
    )
    level_proposed = fields.Selection(
        level_selection(), string="Evaluator's proposed level", tracking=True
    )
    level_final = fields.Selection(
        level_selection(), string="Decided level", tracking=True, index=True, copy=False
    )
    level_decision = fields.Selection(
        level_selection(),
        string="Level being decided",
        compute="_compute_level_decision",
        help="The decided level, else the proposed one, else the computed one.",
    )

    # ---- comments ------------------------------------------------------------
    strengths = fields.Text()
    weaknesses = fields.Text()
    evaluator_comment = fields.Text()
    decider_comment = fields.Text()
    evaluator_private_note = fields.Text(groups="l10n_vn_hr_kpi.group_kpi_evaluator")
    task_count = fields.Integer(compute="_compute_task_count")
    is_appraiser = fields.Boolean(
        compute="_compute_is_appraiser",
        help="The current user evaluates or decides this appraisal.",
    )

    _sql_constraints = [
        (
            "employee_period_uniq",
            "UNIQUE(employee_id, period_id)",
            "An employee has one appraisal per period.",
        ),
        (
            "leader_inputs_check",
            "CHECK(kpi_organisation >= 0 AND kpi_organisation <= 100 "
            "AND kpi_cohesion >= 0 AND kpi_cohesion <= 100)",
            "Leader criteria are percentages between 0 and 100.",
        ),
    ]

    # ------------------------------------------------------------------
    # Simple computes
    # ------------------------------------------------------------------

    @api.depends("period_id")
    def _compute_company_id(self):
        for appraisal in self:
            appraisal.company_id = (
                appraisal.period_id.company_id
                or appraisal.company_id
                or self.env.company
            )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for appraisal in self:
            appraisal.department_id = appraisal.employee_id.department_id

    @api.depends("employee_id")
    def _compute_job_title(self):
        for appraisal in self:
            appraisal.job_title = appraisal.employee_id.job_title

    @api.depends("subject_group")
    def _compute_is_leader(self):
        for appraisal in self:
            appraisal.is_leader = appraisal.subject_group in LEADER_SUBJECT_GROUPS

    @api.depends("period_id")
    def _compute_rule_set_id(self):
        for appraisal in self:
            appraisal.rule_set_id = (
                appraisal.period_id.rule_set_id or appraisal.rule_set_id
            )

    @api.depends("level_final", "level_proposed", "level_computed")
    def _compute_level_decision(self):
        for appraisal in self:
            appraisal.level_decision = (
                appraisal.level_final
                or appraisal.level_proposed
                or appraisal.level_computed
            )

    @api.depends_context("uid")
    @api.depends("evaluator_employee_id", "decider_employee_id")
    def _compute_is_appraiser(self):
        for appraisal in self:
            appraisal.is_appraiser = appraisal._is_appraiser()

    def _compute_task_count(self):
        counts = dict(
            self.env["hr.kpi.task"]._read_group(
                [("appraisal_id", "in", self.ids)], ["appraisal_id"], ["__count"]
            )
        )
        for appraisal in self:
            appraisal.task_count = counts.get(appraisal, 0)

    @api.depends("employee_id", "period_id")
    def _compute_display_name(self):
        for appraisal in self:
            appraisal.display_name = " – ".join(
                filter(None, [appraisal.employee_id.name, appraisal.period_id.name])
            )

    # ------------------------------------------------------------------
    # Scores: every one of them comes from the engine (hr.kpi.engine)
    # ------------------------------------------------------------------

    @api.depends(
        "rule_set_id.deduction_percent",
        "rule_set_id.zero_assignment_policy",
        "zero_assignment_resolution",
        "task_ids.is_counted",
        "task_ids.coefficient",
        "task_ids.quantity",
        "task_ids.completed_quantity",
        "task_ids.quality_passed_quantity",
        "task_ids.major_error_count",
        "task_ids.delay_count",
        "task_ids.exemption",
        "task_ids.exemption_scope",
        "task_ids.exceeded_requirement",
        "task_ids.outcome_confirmed",
    )
    def _compute_task_block(self):
        self.env["hr.kpi.engine"]._compute_task_block(self)

    @api.depends(
        "rule_set_id.general_max",
        "rule_set_id.bonus_max",
        "rule_set_id.deduction_max",
        "rule_set_id.rounding_digits",
        "rule_set_id.rounding_method",
        "line_ids.self_points",
        "line_ids.evaluator_points",
        "line_ids.final_points",
        "adjustment_ids.adjustment_type",
        "adjustment_ids.points",
        "adjustment_ids.state",
    )
    def _compute_general_block(self):
        self.env["hr.kpi.engine"]._compute_general_block(self)

    @api.depends(
        "rule_set_id.apply_vetoes",
        "is_leader",
        "period_id.date_start",
        "period_id.date_end",
        "employee_id.kpi_event_ids.event_type",
        "employee_id.kpi_event_ids.date",
        "employee_id.kpi_event_ids.decision_ref",
    )
    def _compute_vetoes(self):
        self.env["hr.kpi.engine"]._compute_vetoes(self)

    @api.depends(
        "rule_set_id.task_max",
        "rule_set_id.staff_task_strategy",
        "rule_set_id.leader_task_strategy",
        "rule_set_id.leader_low_percent",
        "rule_set_id.threshold_excellent",
        "rule_set_id.threshold_good",
        "rule_set_id.threshold_done",
        "rule_set_id.rounding_digits",
        "rule_set_id.rounding_method",
        "rule_set_id.qd366_conditions",
        "rule_set_id.qd366_exceeded_percent",
        "is_leader",
        "kpi_quantity",
        "kpi_quality",
        "kpi_progress",
        "kpi_organisation",
        "kpi_cohesion",
        "task_counted_count",
        "task_exceeded_count",
        "task_perfect_count",
        "general_score",
        "adjustment_score",
        "veto_data",
        "subordinate_appraisal_ids.level_computed",
    )
    def _compute_result(self):
        self.env["hr.kpi.engine"]._compute_result(self)

    @api.depends("level_reason_data")
    @api.depends_context("lang")
    def _compute_level_reasons(self):
        engine = self.env["hr.kpi.engine"]
        for appraisal in self:
            appraisal.level_reasons = engine._render_reasons(
                appraisal.level_reason_data
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _check_score_write(self, vals_list):
        forbidden = set()
        for vals in vals_list:
            forbidden |= set(vals) & SCORE_FIELDS
            if not self.env.context.get("kpi_appraisal_internal"):
                forbidden |= set(vals) & LINK_FIELDS
        if forbidden:
            raise UserError(
                self.env._(
                    "Scores and levels are computed from the tasks, criteria and "
                    "events; "
                    "they cannot be written (%(fields)s).",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_score_write(vals_list)
        appraisals = super().create(vals_list)
        appraisals.filtered(lambda a: not a.line_ids)._sync_criterion_lines()
        appraisals._link_tasks()
        appraisals._link_leaders()
        return appraisals

    def _is_appraiser(self, user=None):
        """Whether ``user`` evaluates or decides this appraisal (or is a head or an
        HR officer); the appraised employee alone may only self-evaluate."""
        self.ensure_one()
        user = user or self.env.user
        if user._is_superuser() or user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            return True
        appraisal = self.sudo()
        return user in (
            appraisal.evaluator_employee_id.user_id
            | appraisal.decider_employee_id.user_id
        )

    def _check_self_write(self, fnames):
        """The appraised employee writes the self-evaluation only (the workflow
        refines what each actor may write in each state)."""
        if self.env.su:
            return
        forbidden = {
            f
            for f in fnames
            if f not in SELF_FIELDS and not f.startswith(("message_", "activity_"))
        }
        if not forbidden:
            return
        for appraisal in self:
            if not appraisal._is_appraiser():
                raise AccessError(
                    self.env._(
                        "Appraisal %(name)s: you can only fill in your "
                        "self-evaluation.",
                        name=appraisal.display_name,
                    )
                )

    def write(self, vals):
        self._check_score_write([vals])
        self._check_self_write(vals)
        res = super().write(vals)
        if {"rule_set_id", "subject_group"} & set(vals):
            self.filtered(lambda a: a.state == "draft")._sync_criterion_lines()
        if {"employee_id", "period_id"} & set(vals):
            self._link_tasks(relink=True)
        if {"employee_id", "period_id", "evaluator_employee_id"} & set(vals):
            self._link_leaders(relink=True)
        return res

    @api.model
    def _get_for_employee_periods(self, pairs):
        """Map (employee id, period id) pairs to appraisal ids."""
        pairs = {(e, p) for e, p in pairs if e and p}
        if not pairs:
            return {}
        appraisals = self.sudo().search_fetch(
            [
                ("employee_id", "in", list({e for e, _p in pairs})),
                ("period_id", "in", list({p for _e, p in pairs})),
            ],
            ["employee_id", "period_id"],
        )
        return {(a.employee_id.id, a.period_id.id): a.id for a in appraisals}

    def _sync_criterion_lines(self):
        """(Re)create the criterion lines from the rule set's criteria, in one batch."""
        appraisals = self.sudo()
        if not appraisals:
            return
        appraisals.line_ids.unlink()
        criteria = (
            self.env["hr.kpi.criterion"]
            .sudo()
            .search(
                [
                    ("rule_set_id", "in", appraisals.rule_set_id.ids),
                    ("is_leaf", "=", True),
                ]
            )
        )
        by_key = defaultdict(list)
        for criterion in criteria:
            by_key[criterion.rule_set_id.id, criterion.subject_group].append(criterion)
        vals_list = [
            {
                "appraisal_id": appraisal.id,
                "criterion_id": criterion.id,
                "sequence": seq,
            }
            for appraisal in appraisals
            for seq, criterion in enumerate(
                by_key[appraisal.rule_set_id.id, appraisal.subject_group], start=1
            )
        ]
        self.env["hr.kpi.appraisal.line"].sudo().create(vals_list)

    def _link_tasks(self, relink=False):
        """Attach the tasks of the employee whose deadline falls in the period."""
        if not self:
            return
        Task = self.env["hr.kpi.task"].sudo()
        domain = [
            ("employee_id", "in", self.employee_id.ids),
            ("period_id", "in", self.period_id.ids),
        ]
        if relink:
            domain = ["|", ("appraisal_id", "in", self.ids), "&", *domain]
        Task.search(domain)._link_period_and_appraisal()

    def _link_leaders(self, relink=False):
        """Link appraisals to the appraisal of their evaluator in the same period
        (for the leader's criterion d), both ways."""
        if not self:
            return
        me = self.sudo().with_context(kpi_appraisal_internal=True)
        candidates = me
        # appraisals evaluated by the employees of ``self``
        candidates |= me.search(
            [
                ("evaluator_employee_id", "in", self.employee_id.ids),
                ("period_id", "in", self.period_id.ids),
            ]
        )
        if relink:
            candidates |= me.search([("leader_appraisal_id", "in", self.ids)])
        leaders = self._get_for_employee_periods(
            [(a.evaluator_employee_id.id, a.period_id.id) for a in candidates]
        )
        targets = defaultdict(lambda: me.browse())
        for appraisal in candidates:
            leader_id = False
            if appraisal.evaluator_employee_id != appraisal.employee_id:
                key = (appraisal.evaluator_employee_id.id, appraisal.period_id.id)
                leader_id = leaders.get(key, False)
            if appraisal.leader_appraisal_id.id != leader_id:
                targets[leader_id] |= appraisal
        for leader_id, group in targets.items():
            group.write({"leader_appraisal_id": leader_id})

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action"
        )
        action["domain"] = [("appraisal_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.employee_id.id}
        return action

    def action_reset_criteria(self):
        """Recreate the general criteria from the rule set (draft appraisals only)."""
        if any(a.state != "draft" for a in self):
            raise UserError(
                self.env._("Only draft appraisals can have their criteria reset.")
            )
        self._sync_criterion_lines()
        return True

    def _get_quota_level(self):
        """The level counted by the quota: the one being decided."""
        self.ensure_one()
        return self.level_decision
