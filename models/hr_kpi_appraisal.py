from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import create_index, make_index_name
from odoo.tools.sql import drop_index

from ..const import (
    DECIDED_STATES,
    LEADER_SUBJECT_GROUPS,
    LEVEL_RANK,
    NOT_EVALUATED,
    NOT_EVALUATED_FROM,
    PUBLISHED_STATES,
    level_selection,
    staff_category_of,
    staff_category_selection,
    subject_group_selection,
)
from .hr_kpi_not_evaluated import not_evaluated_reason_selection

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
# Who acts on an appraisal: never set by the person named. The acting deputy
# comes from a delegation record (hr.kpi.delegation), never from the appraisal.
ROLE_FIELDS = (
    "evaluator_employee_id",
    "decider_employee_id",
)
# Links maintained by the addon itself.
LINK_FIELDS = frozenset({"leader_appraisal_id"})

# ---- workflow ---------------------------------------------------------------
STEPS = (
    "submit_self",
    "review",
    "return",
    "decide",
    "publish",
    "appeal",
    "resolve_appeal",
    "lock",
    "reopen",
    "mark_not_evaluated",
    "evaluate_month",
    "correct",
)
# Written only by the action_* methods.
WORKFLOW_FIELDS = frozenset(
    {
        "state",
        "level_final",
        "returned_to",
        "return_reason",
        "self_submitted_by_id",
        "self_submitted_on_behalf",
        "self_submitted_date",
        "reviewed_by_id",
        "reviewed_date",
        "no_self_evaluation",
        "decided_by_id",
        "decided_date",
        "quota_justification",
        "quota_exception_ref",
        "quota_exception_id",
        "published_date",
        "appeal_reason",
        "appeal_date",
        "appeal_result",
        "appeal_answer",
        "reopen_reason",
        "not_evaluated_reason_type",
        "not_evaluated_reason",
        "not_evaluated_by_id",
        "not_evaluated_date",
        "not_evaluated_prev_state",
        "decision_delegation_id",
        "collective_decision_by_id",
    }
)


class HrKpiAppraisal(models.Model):
    _name = "hr.kpi.appraisal"
    _description = "Monthly KPI appraisal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    # by the units' and employees' ids, not their names: the lists of a month
    # are then read in order from hr_kpi_appraisal_period_order_index (init)
    # instead of joining and sorting every appraisal of the month
    _order = "period_start desc, department_id.id, employee_id.id"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name", "period_id.name"]
    # the employee comments on his appraisal (and appeals) after submission,
    # when he can no longer edit it
    _mail_post_access = "read"

    def init(self):
        res = super().init()
        # the lists of a month (a head's unit, the HR officer's month) in the
        # order of ``_order``: the first page is read from the index, not sorted
        create_index(
            self.env.cr,
            "hr_kpi_appraisal_period_order_index",
            self._table,
            ["period_id", "period_start DESC", "department_id", "employee_id"],
        )
        # a month, or the units of a head or focal point in a month: a head's
        # page and count read his units' rows only, not the whole month's
        create_index(
            self.env.cr,
            "hr_kpi_appraisal_period_department_index",
            self._table,
            ["period_id", "department_id"],
        )
        # it serves what the single-column index of period_id served (one
        # index less to write when a month is opened)
        drop_index(self.env.cr, make_index_name(self._table, "period_id"), self._table)
        return res

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, tracking=True, check_company=True
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="User")
    # indexed with the unit by hr_kpi_appraisal_period_department_index (init)
    period_id = fields.Many2one(
        "hr.kpi.period", required=True, tracking=True, check_company=True
    )
    period_start = fields.Date(
        related="period_id.date_start", store=True, precompute=True
    )
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
    staff_category = fields.Selection(
        staff_category_selection(),
        compute="_compute_staff_category",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Set from the configuration when the month opens; chooses the rule "
        "set of the month.",
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
            ("not_evaluated", "Not evaluated"),
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
    task_excess_quantity = fields.Float(
        string="Completed above the assigned quantities",
        compute="_compute_task_excess_quantity",
        digits=(16, 2),
        help="The converted quantity the confirmed tasks were completed above "
        "their assigned quantities; how it counts is the rule set's "
        "over-completion policy.",
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
    # the appraised employee sees the decided level once it is published, as
    # result_level; the field itself is for those who evaluate and decide
    level_final = fields.Selection(
        level_selection(),
        string="Decided level",
        tracking=True,
        index=True,
        copy=False,
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
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

    # ---- workflow: written only by the action_* methods -----------
    returned_to = fields.Selection(
        [("employee", "Employee"), ("evaluator", "Evaluator")],
        readonly=True,
        copy=False,
        help="Who must act again on a returned appraisal.",
    )
    return_reason = fields.Text(readonly=True, copy=False)
    self_submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    self_submitted_on_behalf = fields.Boolean(
        string="Entered on behalf",
        readonly=True,
        copy=False,
        help="The self-evaluation was entered by the focal point or the evaluator "
        "for a staff member without a user.",
    )
    self_submitted_date = fields.Datetime(readonly=True, copy=False)
    reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Datetime(readonly=True, copy=False)
    no_self_evaluation = fields.Boolean(
        readonly=True, copy=False, help="Reviewed without a self-evaluation."
    )
    # who decides (NĐ 335/2025 Điều 10 khoản 2, NĐ 233/2026 Điều 13 khoản 3):
    # the decider, or a deputy under a delegation record (hr.kpi.delegation)
    acting_delegation_id = fields.Many2one(
        "hr.kpi.delegation",
        string="Delegation",
        compute="_compute_acting_delegation",
        help="The delegation of the decision (ủy quyền) in force today for the "
        "decider of this appraisal; once decided, the one the decision was taken "
        "under.",
    )
    acting_deputy_employee_id = fields.Many2one(
        "hr.employee",
        string="Acting deputy",
        compute="_compute_acting_delegation",
        search="_search_acting_deputy_employee_id",
        help="The deputy who may decide in the decider's place today, under a "
        "delegation in force with its document number; once decided, the deputy "
        "who decided.",
    )
    decision_delegation_id = fields.Many2one(
        "hr.kpi.delegation",
        string="Decided under the delegation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="The delegation under which a deputy decided the level in the "
        "decider's place.",
    )
    head_decided_by_superior = fields.Boolean(
        string="Decided by the managing agency",
        compute="_compute_superior_decider",
        help="A head of unit whom the rule set has decided by the head of the "
        "managing agency: he also scores the head's đ and e and confirms his "
        "monthly sheet (his review).",
    )
    superior_decider_employee_id = fields.Many2one(
        "hr.employee",
        string="Head of the managing agency",
        compute="_compute_superior_decider",
        help="The decider (else the manager) of the unit above the head's unit.",
    )
    collective_decision_ref = fields.Char(
        string="Collective decision",
        tracking=True,
        help="Reference of the collective decision (meeting, minutes) that rates a "
        "head "
        "of unit (QĐ 3251-QĐ/TU).",
    )
    collective_decision_date = fields.Date(
        tracking=True, help="Date of the collective decision (meeting, minutes)."
    )
    collective_decision_by_id = fields.Many2one(
        "res.users",
        string="Collective decision recorded by",
        readonly=True,
        copy=False,
        tracking=True,
    )
    decided_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    decided_date = fields.Datetime(readonly=True, copy=False)
    quota_justification = fields.Text(
        readonly=True,
        copy=False,
        help="Written justification of a decision over the quota (rule sets that "
        "warn).",
    )
    quota_exception_id = fields.Many2one(
        "hr.kpi.quota.exception",
        string="Quota exception",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="The approval (document number and date, by an HR officer or the "
        "superior unit) that allowed the exception quota.",
    )
    quota_exception_ref = fields.Char(
        string="Quota exception reference",
        readonly=True,
        copy=False,
        help="Document number of the approval that allowed the exception quota "
        "(decisions before 18.0.1.1.0 kept the text typed then).",
    )
    published_date = fields.Date(readonly=True, copy=False, tracking=True)
    appeal_deadline = fields.Date(
        compute="_compute_appeal_deadline",
        store=True,
        index="btree_not_null",
        help="Last day to appeal: the rule set's window counted from the "
        "publication, in working days of the company's calendar (its public "
        "holidays off) or in calendar days, as the rule set says.",
    )
    appeal_reason = fields.Text(readonly=True, copy=False)
    appeal_date = fields.Datetime(readonly=True, copy=False)
    appeal_resolution_deadline = fields.Date(
        string="Appeal to resolve by",
        compute="_compute_appeal_resolution_deadline",
        store=True,
        index="btree_not_null",
        help="Last day to resolve the appeal: the rule set's resolution time "
        "counted from the day the appeal was filed, in working or calendar days "
        "as the rule set says.",
    )
    appeal_overdue = fields.Boolean(
        string="Overdue appeal",
        compute="_compute_appeal_overdue",
        search="_search_appeal_overdue",
        help="An open appeal past its resolution deadline.",
    )
    appeal_result = fields.Selection(
        [("upheld", "Upheld"), ("rejected", "Rejected")],
        readonly=True,
        copy=False,
        tracking=True,
    )
    appeal_answer = fields.Text(readonly=True, copy=False)
    reopen_reason = fields.Text(readonly=True, copy=False)
    # ---- month not evaluated: written only by the actions ----
    not_evaluated_reason_type = fields.Selection(
        not_evaluated_reason_selection(),
        string="Not evaluated because of",
        readonly=True,
        copy=False,
        tracking=True,
    )
    not_evaluated_reason = fields.Text(
        string="Why not evaluated", readonly=True, copy=False
    )
    not_evaluated_by_id = fields.Many2one(
        "res.users",
        string="Not evaluated, confirmed by",
        readonly=True,
        copy=False,
        tracking=True,
    )
    not_evaluated_date = fields.Datetime(
        string="Not evaluated, confirmed on", readonly=True, copy=False
    )
    not_evaluated_prev_state = fields.Selection(
        [
            ("draft", "Draft"),
            ("self_submitted", "Self-evaluated"),
            ("reviewed", "Reviewed"),
            ("returned", "Returned"),
        ],
        string="State before not evaluated",
        readonly=True,
        copy=False,
        help="Where the month goes back when it is evaluated after all.",
    )
    not_evaluated_suggestion = fields.Text(
        string="Suggested not evaluated because",
        compute="_compute_not_evaluated_suggestion",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
        help="What the addon's data suggest (leaves, appointment, inspection): "
        "the month is marked not evaluated only by a person, with a reason.",
    )
    not_evaluated_suggested_type = fields.Selection(
        not_evaluated_reason_selection(),
        string="Suggested reason",
        compute="_compute_not_evaluated_suggestion",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    not_evaluated_suggested = fields.Boolean(
        string="Suggested not evaluated",
        compute="_compute_not_evaluated_suggestion",
        search="_search_not_evaluated_suggested",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    result_level = fields.Selection(
        level_selection(),
        string="Published level",
        compute="_compute_result_level",
        compute_sudo=True,
        help="The decided level, shown to the employee once it is published.",
    )
    can_submit_self = fields.Boolean(compute="_compute_can")
    can_review = fields.Boolean(compute="_compute_can")
    can_return = fields.Boolean(compute="_compute_can")
    can_decide = fields.Boolean(compute="_compute_can")
    can_publish = fields.Boolean(compute="_compute_can")
    can_appeal = fields.Boolean(compute="_compute_can")
    can_resolve_appeal = fields.Boolean(compute="_compute_can")
    can_lock = fields.Boolean(compute="_compute_can")
    can_reopen = fields.Boolean(compute="_compute_can")
    can_mark_not_evaluated = fields.Boolean(compute="_compute_can")
    can_evaluate_month = fields.Boolean(compute="_compute_can")

    _sql_constraints = [
        # a unique index on the current versions only (the init of
        # hr_kpi_appraisal_version.py): a result corrected by a replacement
        # decision keeps its archived original
        (
            "employee_period_uniq",
            "",
            "An employee has one current appraisal per period.",
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
        by_key = {}
        for appraisal in self:
            period = appraisal.period_id
            key = (period.id, appraisal.staff_category)
            if period and key not in by_key:
                by_key[key] = period._kpi_rule_set_for(appraisal.staff_category)
            appraisal.rule_set_id = by_key.get(key) or appraisal.rule_set_id

    @api.depends("subject_group", "department_id")
    def _compute_staff_category(self):
        for appraisal in self:
            appraisal.staff_category = staff_category_of(
                appraisal.subject_group,
                appraisal.department_id.kpi_public_service_unit,
            )

    @api.depends("state", "level_final", "level_proposed", "level_computed")
    def _compute_level_decision(self):
        for appraisal in self:
            # a month not evaluated has no level
            appraisal.level_decision = appraisal.state != NOT_EVALUATED and (
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
        "rule_set_id.over_completion_policy",
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
        self.env["hr.kpi.engine"]._compute_task_block(self._kpi_live())

    @api.depends("task_ids.excess_quantity", "task_ids.outcome_confirmed")
    def _compute_task_excess_quantity(self):
        # sudo: a figure of the appraisal's own tasks, shown to its readers
        tasks = (
            self.env["hr.kpi.task"]
            .sudo()
            .search_fetch(
                [
                    ("appraisal_id", "in", self._origin.ids),
                    ("is_counted", "=", True),
                    ("outcome_confirmed", "=", True),
                ],
                ["appraisal_id", "quantity", "completed_quantity", "coefficient"],
            )
        )
        excess = defaultdict(float)
        for task in tasks:
            excess[task.appraisal_id.id] += (
                max(0.0, task.completed_quantity - task.quantity) * task.coefficient
            )
        for appraisal in self:
            appraisal.task_excess_quantity = excess[appraisal._origin.id]

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
        self.env["hr.kpi.engine"]._compute_general_block(self._kpi_live())

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
        self.env["hr.kpi.engine"]._compute_vetoes(self._kpi_live())

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
        "subject_group",
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
        self.env["hr.kpi.engine"]._compute_result(self._kpi_live())

    @api.depends("level_reason_data")
    @api.depends_context("lang")
    def _compute_level_reasons(self):
        engine = self.env["hr.kpi.engine"]
        for appraisal in self:
            appraisal.level_reasons = engine._render_reasons(
                appraisal.level_reason_data
            )

    def _kpi_live(self):
        """The appraisals whose scores still follow their inputs. From
        ``decided`` on the scores are a snapshot: the computations leave them
        as stored (an input that changes anyway, such as a subordinate's level
        for a leader, does not move a decided result); the audited reopen
        recomputes them."""
        return self.filtered(lambda a: a.state not in DECIDED_STATES)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _check_score_write(self, vals_list):
        forbidden = set()
        for vals in vals_list:
            forbidden |= set(vals) & SCORE_FIELDS
            if not self.env.su:
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

    @api.model
    def _kpi_fields_not_defaulted(self):
        """The fields a context may not give a default to (``default_<field>``,
        which any client can send): what the engine computes, what only the
        workflow writes, the links the addon keeps and the evaluator's
        proposal. Overridden to add a feature's own (the versions)."""
        return SCORE_FIELDS | WORKFLOW_FIELDS | LINK_FIELDS | {"level_proposed"}

    @api.model_create_multi
    def create(self, vals_list):
        blocked = {f"default_{fname}" for fname in self._kpi_fields_not_defaulted()}
        if blocked & set(self.env.context):
            # again, from the top of the chain, without those keys
            context = {k: v for k, v in self.env.context.items() if k not in blocked}
            return self.with_env(self.env(context=context)).create(vals_list)
        self._check_score_write(vals_list)
        for vals in vals_list:
            self._kpi_check_not_naming_self(vals)
            started = {
                f
                for f in set(vals) & WORKFLOW_FIELDS
                # the form sends the defaults (draft, nothing decided)
                if vals[f] and not (f == "state" and vals[f] == "draft")
            }
            if not self.env.su and started:
                raise UserError(
                    self.env._(
                        "An appraisal starts as a draft: the state and the "
                        "decision change only through the workflow buttons."
                    )
                )
            if set(vals) & self._kpi_collective_fields():
                vals["collective_decision_by_id"] = self.env.uid
        # an appraisal created at a decided step (data loading in sudo) is
        # scored first, then put at its step: the snapshot starts from its
        # inputs, not from nothing
        states = [vals.pop("state", None) for vals in vals_list]
        appraisals = super().create(vals_list)
        appraisals.filtered(lambda a: not a.line_ids)._sync_criterion_lines()
        appraisals._link_tasks()
        appraisals._link_leaders()
        by_state = defaultdict(list)
        for appraisal, state in zip(appraisals, states, strict=True):
            if state and state != "draft":
                by_state[state].append(appraisal.id)
        for state, ids in by_state.items():
            # sudo: only the superuser gives a state at creation (see above)
            self.browse(ids).sudo().write({"state": state})
        return appraisals

    def _kpi_flush_scores(self):
        """Compute and store the pending scores of ``self`` now (before they
        become a snapshot)."""
        self.flush_recordset(
            [
                f
                for f in SCORE_FIELDS
                if self._fields[f].store and self._fields[f].compute
            ]
        )

    def _is_appraiser(self, user=None):
        """Whether ``user`` may act on this appraisal as someone else than the
        appraised employee, who alone may only self-evaluate. What each other
        actor may change at each step is checked by _kpi_check_field_rights."""
        self.ensure_one()
        user = user or self.env.user
        if user._is_superuser():
            return True
        # sudo: internal read or link; rights checked by the caller or the guard
        return self.sudo().employee_id.user_id != user

    def _check_self_write(self, fnames):
        """The appraised employee writes the self-evaluation only (the workflow
        refines what each actor may write in each state)."""
        if self.env.su:
            return
        mine = self._kpi_self_writeable_fields()
        forbidden = {
            f
            for f in fnames
            if f not in mine and not f.startswith(("message_", "activity_"))
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
        self._kpi_check_field_rights(vals)
        self._kpi_check_not_naming_self(vals)
        if set(vals) & self._kpi_collective_fields():
            # who recorded the collective decision: the server says
            vals = dict(vals, collective_decision_by_id=self.env.uid)
        if vals.get("state") in DECIDED_STATES:
            # the snapshot starts from the inputs as they are
            self.filtered(lambda a: a.state not in DECIDED_STATES)._kpi_flush_scores()
        res = super().write(vals)
        if {"rule_set_id", "subject_group"} & set(vals):
            self.filtered(lambda a: a.state == "draft")._sync_criterion_lines()
        if {"employee_id", "period_id"} & set(vals):
            self._link_tasks(relink=True)
        if {"employee_id", "period_id", "evaluator_employee_id"} & set(vals):
            self._link_leaders(relink=True)
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        """Only a draft appraisal can be deleted: later ones are records of the
        evaluation (the period wizard recreates a deleted draft)."""
        if any(appraisal.state != "draft" for appraisal in self):
            raise UserError(self.env._("Only draft appraisals can be deleted."))

    def action_open_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action"
        )
        action["domain"] = [("appraisal_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.employee_id.id}
        return action

    def action_reset_criteria(self):
        """Recreate the general criteria from the rule set (draft appraisals
        only), by an HR officer or the evaluator."""
        self.check_access("write")
        if not (self.env.su or self._kpi_is_hr_officer()) and not all(
            a._kpi_is_evaluator() and not a._kpi_is_self() for a in self
        ):
            raise AccessError(
                self.env._(
                    "Only the HR officer or the evaluator resets the criteria of "
                    "an appraisal."
                )
            )
        if any(a.state != "draft" for a in self):
            raise UserError(
                self.env._("Only draft appraisals can have their criteria reset.")
            )
        self._sync_criterion_lines()
        return True

    # ------------------------------------------------------------------
    # Workflow. Each transition is a public action_* that calls the
    # guard _check_step (also behind the can_* flags of the buttons), then
    # writes through _workflow_write.
    # ------------------------------------------------------------------

    @api.depends(
        "published_date",
        "company_id",
        "rule_set_id.appeal_days",
        "rule_set_id.appeal_day_kind",
    )
    def _compute_appeal_deadline(self):
        """The last day of the appeal window: day 1 is the first working day
        (or the first day) after the publication."""
        deadlines = self.env["hr.kpi.calendar"]._kpi_deadlines(
            [
                (
                    appraisal.company_id,
                    appraisal.published_date,
                    appraisal.rule_set_id.appeal_days,
                    appraisal.rule_set_id.appeal_day_kind or "working",
                )
                for appraisal in self
            ]
        )
        for appraisal, deadline in zip(self, deadlines, strict=True):
            appraisal.appeal_deadline = deadline

    @api.depends(
        "appeal_date",
        "company_id",
        "rule_set_id.appeal_resolution_days",
        "rule_set_id.appeal_day_kind",
    )
    def _compute_appeal_resolution_deadline(self):
        """The last day to resolve the appeal: day 1 is the first working day
        (or the first day) after the day it was filed."""
        Calendar = self.env["hr.kpi.calendar"]
        deadlines = Calendar._kpi_deadlines(
            [
                (
                    appraisal.company_id,
                    Calendar._kpi_local_date(
                        appraisal.company_id, appraisal.appeal_date
                    ),
                    appraisal.rule_set_id.appeal_resolution_days,
                    appraisal.rule_set_id.appeal_day_kind or "working",
                )
                for appraisal in self
            ]
        )
        for appraisal, deadline in zip(self, deadlines, strict=True):
            appraisal.appeal_resolution_deadline = deadline

    @api.depends("state", "appeal_resolution_deadline")
    def _compute_appeal_overdue(self):
        today = fields.Date.context_today(self)
        for appraisal in self:
            appraisal.appeal_overdue = bool(
                appraisal.state == "appeal_open"
                and appraisal.appeal_resolution_deadline
                and appraisal.appeal_resolution_deadline < today
            )

    def _search_appeal_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue appeals."))
        overdue = [
            ("state", "=", "appeal_open"),
            ("appeal_resolution_deadline", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    def _kpi_recompute_open_deadlines(self, companies):
        """Recompute the deadlines still running in these companies (their
        working calendar or public holidays changed): the windows of the
        published results and the resolution of the open appeals. Closed
        months keep the deadlines they had."""
        if not companies:
            return
        # sudo: the deadlines follow the company's calendar, whoever edits it
        running = self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("state", "in", ("published", "appeal_open")),
            ]
        )
        published = running.filtered(lambda a: a.state == "published")
        self.env.add_to_compute(self._fields["appeal_deadline"], published)
        self.env.add_to_compute(
            self._fields["appeal_resolution_deadline"], running - published
        )

    @api.depends("state", "level_final")
    def _compute_result_level(self):
        for appraisal in self:
            appraisal.result_level = (
                appraisal.level_final if appraisal.state in PUBLISHED_STATES else False
            )

    @api.depends_context("uid")
    @api.depends(
        "state",
        "returned_to",
        "employee_id",
        "evaluator_employee_id",
        "decider_employee_id",
        "decision_delegation_id",
        "collective_decision_ref",
        "collective_decision_date",
        "subject_group",
        "department_id",
        "rule_set_id",
        "appeal_deadline",
    )
    def _compute_can(self):
        for appraisal in self:
            for step in STEPS:
                appraisal[f"can_{step}"] = not appraisal._get_step_error(step)

    # The role checks read who the employee, evaluator and decider are in sudo:
    # non-HR users cannot read hr.employee, and the question is only whether
    # the current user is one of them.

    def _kpi_check_frozen(self, what):
        """Refuse a change of an input of these appraisals' scores once they
        are decided: from ``decided`` on the scores are a snapshot, corrected
        only through the audited reopen. ``what`` names the input (translated)."""
        # sudo: the state of the appraisals an input belongs to, whoever reads
        for appraisal in self.sudo():
            if appraisal.state in DECIDED_STATES:
                state = dict(self._fields["state"]._description_selection(self.env))[
                    appraisal.state
                ]
                raise UserError(
                    self.env._(
                        "%(appraisal)s is %(state)s: its scores are frozen, so "
                        "%(what)s cannot change. To correct it, reopen the "
                        "appraisal with a reason while it is not published, or "
                        "correct a published result by a replacement decision.",
                        appraisal=appraisal.display_name,
                        state=state.lower(),
                        what=what,
                    )
                )

    def _kpi_is_self(self):
        # sudo: internal read or link; rights checked by the caller or the guard
        return self.sudo().employee_id.user_id == self.env.user

    def _kpi_is_evaluator(self):
        # sudo: internal read or link; rights checked by the caller or the guard
        evaluator = self.sudo().evaluator_employee_id
        return bool(evaluator) and evaluator.user_id == self.env.user

    # ---- who decides, who scores (NĐ 335/2025 Điều 10, NĐ 233/2026 Điều 13) --
    # Two rights, checked apart: to track and score (theo dõi, đánh giá: the
    # evaluator) and to decide the level (quyết định xếp loại: the decider, or
    # a deputy under a delegation record in force). The evaluator never
    # decides as such; a deputy never decides without a delegation.

    def _kpi_head_by_superior(self):
        """Whether this is the appraisal of a head of unit whom the rule set
        has decided by the head of the managing agency."""
        self.ensure_one()
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisal = self.sudo()
        return appraisal.subject_group == "leader_head" and bool(
            appraisal.rule_set_id.head_decided_by_superior
        )

    def _kpi_superior_decider(self):
        """The head of the managing agency of the appraisal's unit: the
        decider (else the manager) of the first unit above it decided by
        someone other than the employee (as the configuration's default
        decider of a head)."""
        self.ensure_one()
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisal = self.sudo()
        department = appraisal.department_id.parent_id
        while department:
            decider = department.kpi_decider_id or department.manager_id
            if decider and decider != appraisal.employee_id:
                return decider
            department = department.parent_id
        return appraisal.env["hr.employee"]

    def _kpi_in_unit(self, employees):
        """Whether one of ``employees`` works in the appraisal's unit or one
        of its sub-units (a deputy of a head, for instance)."""
        self.ensure_one()
        # sudo: internal read or link; rights checked by the caller or the guard
        department = self.sudo().department_id
        if not department:
            return False
        return any(
            str(department.id) in (employee.department_id.parent_path or "").split("/")
            # sudo: see above
            for employee in employees.sudo()
        )

    def _kpi_authority_error(self):
        """Why nobody can decide this appraisal as it is configured, whoever
        acts (a translated message), or False: under the rule set's
        ``head_decided_by_superior``, a head of unit is decided by the head of
        the managing agency, never by himself nor by a deputy of his unit."""
        self.ensure_one()
        if not self._kpi_head_by_superior():
            return False
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisal = self.sudo()
        superior = appraisal._kpi_superior_decider()
        if not superior:
            return self.env._(
                "%(employee)s heads a unit that no managing agency in the company "
                "decides: an HR officer records the collective decision that "
                "rates him or her.",
                employee=appraisal.employee_id.name,
            )
        if appraisal.decider_employee_id != superior:
            return self.env._(
                "%(employee)s heads a unit: the rule set has the level decided by "
                "the head of the managing agency, %(superior)s. The HR officer "
                "makes him or her the decider.",
                employee=appraisal.employee_id.name,
                superior=superior.name,
            )
        return False

    def _kpi_delegations_in_force(self, day=None):
        """``{appraisal id: delegations}`` (in sudo): the delegations in force
        on ``day`` (today) that let their deputy decide each appraisal in its
        decider's place. One query for the whole recordset."""
        day = day or fields.Date.context_today(self)
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisals = self.sudo()
        # sudo: see above
        Delegation = self.env["hr.kpi.delegation"].sudo()
        result = {appraisal.id: Delegation for appraisal in appraisals}
        deciders = appraisals.decider_employee_id
        if not deciders:
            return result
        by_delegator = Delegation.search(
            [
                ("delegator_id", "in", deciders.ids),
                *Delegation._kpi_in_force_domain(day),
            ]
        ).grouped("delegator_id")
        for appraisal in appraisals:
            for delegation in by_delegator.get(appraisal.decider_employee_id, ()):
                if delegation._kpi_covers(appraisal):
                    result[appraisal.id] |= delegation
        return result

    def _kpi_my_delegation(self):
        """The delegation in force today under which the current user decides
        this appraisal in its decider's place (in sudo), if any."""
        self.ensure_one()
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisal = self.sudo()
        # sudo: see above
        Delegation = self.env["hr.kpi.delegation"].sudo()
        if not appraisal.decider_employee_id:
            return Delegation
        delegations = Delegation.search(
            [
                ("delegator_id", "=", appraisal.decider_employee_id.id),
                ("deputy_id.user_id", "=", self.env.uid),
                *Delegation._kpi_in_force_domain(fields.Date.context_today(self)),
            ]
        )
        return delegations.filtered(lambda d: d._kpi_covers(appraisal))[:1]

    def _kpi_is_decider(self):
        """The right to decide the level (quyết định xếp loại): the decider of
        the appraisal, or a deputy under a delegation in force today (its
        document number, its dates, the decider as delegator). For a head of
        unit decided by the managing agency, only if the decider is the head
        of the managing agency (see _kpi_authority_error)."""
        self.ensure_one()
        if self._kpi_authority_error():
            return False
        # sudo: internal read or link; rights checked by the caller or the guard
        decider = self.sudo().decider_employee_id
        if not decider:
            return False
        if decider.user_id == self.env.user:
            return True
        return bool(self._kpi_my_delegation())

    def _kpi_is_scorer(self):
        """The right to track and score (theo dõi, đánh giá): the evaluator.
        For a head of unit decided by the managing agency, the head of the
        managing agency, configured as both his evaluator and his decider (his
        review confirms the head's monthly sheet), or his deputy under a
        delegation in force."""
        self.ensure_one()
        if not self._kpi_head_by_superior():
            return self._kpi_is_evaluator()
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisal = self.sudo()
        if appraisal.evaluator_employee_id != appraisal.decider_employee_id:
            return False
        return self._kpi_is_decider()

    def _kpi_scorer_error(self):
        """Why the current user cannot track and score this appraisal now that
        its step allows it (a translated message), or False."""
        _ = self.env._
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisal = self.sudo()
        if self._kpi_is_scorer() and not self._kpi_is_self():
            return False
        if not self._kpi_head_by_superior():
            return _(
                "Only the evaluator of %(employee)s can review the appraisal.",
                employee=appraisal.employee_id.name,
            )
        error = self._kpi_authority_error()
        if error:
            return error
        superior = appraisal.decider_employee_id
        if appraisal.evaluator_employee_id != superior:
            return _(
                "The monthly sheet of %(employee)s, head of a unit, is scored and "
                "confirmed by the head of the managing agency, %(superior)s: the "
                "HR officer makes him or her the evaluator.",
                employee=appraisal.employee_id.name,
                superior=superior.name,
            )
        return _(
            "Only the head of the managing agency, %(superior)s (or a deputy "
            "under a delegation in force), scores and confirms the monthly sheet "
            "of %(employee)s.",
            employee=appraisal.employee_id.name,
            superior=superior.name,
        )

    def _kpi_hr_may_record_collective(self):
        """Whether the current user, an HR officer, may record the collective
        decision that rates this head of unit: never on his own appraisal nor
        on his head's (an HR account of the unit's deputies)."""
        self.ensure_one()
        if self.subject_group != "leader_head" or not self._kpi_is_hr_officer():
            return False
        if self._kpi_is_self():
            return False
        mine = self.env["hr.employee"].browse(self._kpi_user_employee_ids())
        return not self._kpi_in_unit(mine)

    @api.depends(
        "decider_employee_id", "department_id", "state", "decision_delegation_id"
    )
    @api.depends_context("tz")
    def _compute_acting_delegation(self):
        in_force = self._kpi_delegations_in_force()
        for appraisal in self:
            delegation = (
                appraisal.state in DECIDED_STATES and appraisal.decision_delegation_id
            ) or in_force[appraisal.id][:1]
            appraisal.acting_delegation_id = delegation
            # sudo: the deputy named by the delegation, shown on the appraisal
            appraisal.acting_deputy_employee_id = delegation.sudo().deputy_id

    def _search_acting_deputy_employee_id(self, operator, value):
        """The appraisals ``value`` (employees) may decide today under a
        delegation in force, and those they decided under one (the record
        rules and the "To Decide" queue of a deputy)."""
        in_force, value = self.env["hr.kpi.delegation"]._kpi_deputy_scope_domains(
            operator, value, self
        )
        decided = [
            ("state", "in", DECIDED_STATES),
            ("decision_delegation_id.deputy_id", "in", value),
        ]
        return expression.OR([decided, *in_force])

    @api.depends("subject_group", "rule_set_id", "department_id", "employee_id")
    def _compute_superior_decider(self):
        for appraisal in self:
            by_superior = appraisal._kpi_head_by_superior()
            appraisal.head_decided_by_superior = by_superior
            appraisal.superior_decider_employee_id = (
                by_superior and appraisal._kpi_superior_decider()
            )

    def _kpi_is_hr_officer(self):
        return self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")

    def _kpi_is_focal_point(self):
        """Focal point (đầu mối) of the appraisal's unit or of a parent unit."""
        user = self.env.user
        if not user.has_group("l10n_vn_hr_kpi.group_kpi_focal_point"):
            return False
        # sudo: internal read or link; rights checked by the caller or the guard
        department = self.sudo().department_id
        return bool(
            department
            and set(department.parent_path.split("/")[:-1])
            & {str(d) for d in user._kpi_focal_department_ids()}
        )

    def _get_step_error(self, step):
        """Why the current user cannot do ``step`` on this appraisal (a
        translated message), or False. The single guard of the workflow: the
        actions raise it, the can_* flags of the buttons show it."""
        self.ensure_one()
        if step not in STEPS:
            raise UserError(self.env._("Unknown step %(step)s.", step=step))
        return getattr(self, f"_step_error_{step}")()

    def _step_error_submit_self(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if not (
            state == "draft" or (state == "returned" and self.returned_to == "employee")
        ):
            return _("Only a draft or returned appraisal can be self-evaluated.")
        if is_self:
            return False
        if not self.employee_id.user_id and (
            self._kpi_is_evaluator() or self._kpi_is_focal_point()
        ):
            return False
        return _(
            "Only the employee, or for staff without a user the evaluator or the "
            "unit focal point, can submit the self-evaluation."
        )

    def _step_error_review(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if not (
            state in ("draft", "self_submitted")
            or (state == "returned" and self.returned_to == "evaluator")
        ):
            return _("Only a self-evaluated appraisal can be reviewed.")
        if is_self:
            return _(
                "Only the evaluator of %(employee)s can review the appraisal.",
                employee=self.employee_id.name,
            )
        # the right to track and score, not the right to decide
        return self._kpi_scorer_error()

    def _step_error_return(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state == "self_submitted":
            if self._kpi_is_scorer() and not is_self:
                return False
            return _("Only the evaluator can return a self-evaluation.")
        if state == "reviewed":
            if self._kpi_is_decider() and not is_self:
                return False
            return _("Only the decider can return a reviewed appraisal.")
        return _("Only a self-evaluated or reviewed appraisal can be returned.")

    def _step_error_decide(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state != "reviewed":
            return _("Only a reviewed appraisal can be decided.")
        if is_self:
            return _("Nobody can decide his or her own level.")
        # the right to decide, never the evaluator's as such
        if self._kpi_is_decider():
            return False
        if self._kpi_hr_may_record_collective():
            # the collective decision of the Party committee or the People's
            # Committee that rates a head of unit, recorded by HR
            if self.collective_decision_ref and self.collective_decision_date:
                return False
            return _(
                "To record the collective decision that rates %(employee)s, "
                "enter its reference and its date first.",
                employee=self.employee_id.name,
            )
        return self._kpi_authority_error() or _(
            "Only the decider of %(employee)s, or a deputy under a delegation of "
            "the decision in force today (with its document number), can decide "
            "the level.",
            employee=self.employee_id.name,
        )

    def _step_error_publish(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state != "decided":
            return _("Only a decided appraisal can be published.")
        if (self._kpi_is_decider() or self._kpi_is_hr_officer()) and not is_self:
            return False
        return _("Only the decider or the HR officer can publish the result.")

    def _step_error_appeal(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state != "published":
            return _("Only a published result can be appealed.")
        if not is_self:
            return _("Only the employee can appeal his or her own result.")
        if (
            self.appeal_deadline
            and fields.Date.context_today(self) > self.appeal_deadline
        ):
            return _("The appeal window closed on %(date)s.", date=self.appeal_deadline)
        return False

    def _step_error_resolve_appeal(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state != "appeal_open":
            return _("There is no open appeal to resolve.")
        if self._kpi_is_decider() and not is_self:
            return False
        return _("Only the decider can resolve the appeal.")

    def _step_error_lock(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state not in ("published", "appeal_resolved"):
            return _("Only a published result without an open appeal can be locked.")
        if (self._kpi_is_decider() or self._kpi_is_hr_officer()) and not is_self:
            return False
        return _("Only the decider or the HR officer can lock the appraisal.")

    def _step_error_reopen(self):
        _ = self.env._
        state = self.state
        is_self = self._kpi_is_self()
        if state != "decided":
            if state in PUBLISHED_STATES:
                return _(
                    "A published result is not reopened: correct it by a "
                    "replacement decision, which keeps the published result."
                )
            return _("Only a decided appraisal not yet published can be reopened.")
        if (self._kpi_is_decider() or self._kpi_is_hr_officer()) and not is_self:
            return False
        return _("Only the head of unit or the HR officer can reopen the appraisal.")

    def _step_error_mark_not_evaluated(self):
        _ = self.env._
        if self.state not in NOT_EVALUATED_FROM:
            if self.state == NOT_EVALUATED:
                return _("The month is already marked not evaluated.")
            return _(
                "Only a month not decided yet can be marked not evaluated: "
                "reopen a decided month with a reason first."
            )
        if self._kpi_is_self():
            return _("Nobody can mark his or her own month not evaluated.")
        if self._kpi_is_decider() or self._kpi_is_hr_officer():
            return False
        return _(
            "Only the HR officer or the decider of %(employee)s can mark the "
            "month not evaluated.",
            employee=self.employee_id.name,
        )

    def _step_error_evaluate_month(self):
        _ = self.env._
        if self.state != NOT_EVALUATED:
            return _("Only a month marked not evaluated can be evaluated again.")
        if self._kpi_is_self():
            return _("Nobody can decide whether his or her own month is evaluated.")
        if self._kpi_is_decider() or self._kpi_is_hr_officer():
            return False
        return _(
            "Only the HR officer or the decider of %(employee)s can evaluate the "
            "month again.",
            employee=self.employee_id.name,
        )

    def _check_step(self, step):
        """Raise unless the current user may do ``step`` on every appraisal."""
        self.check_access("read")
        if self.env.su:
            return
        for appraisal in self:
            error = appraisal._get_step_error(step)
            if error:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: %(error)s",
                        appraisal=appraisal.display_name,
                        error=error,
                    )
                )

    def _workflow_write(self, vals, update_rollups=True):
        """Write workflow values once the guard has passed. In sudo: the guard
        above checked who may act, and the record rules that limit plain edits
        (an employee edits only a draft) must not block a transition such as an
        appeal. Private, so never reachable over RPC; no context key opens it.

        :param update_rollups: keep the quarterly and annual results up to
            date (the demo generator of a past year computes them once at the
            end instead)"""
        # sudo: the transition was checked by _check_step in the caller
        self.sudo().write(vals)
        self._kpi_after_transition(update_rollups=update_rollups)

    def _kpi_after_transition(self, update_rollups=True):
        """The hook after each transition's write, which the features extend:
        the to-do activities (hr_kpi_notifier.py), the quarterly and annual
        results (hr_kpi_rollup.py, unless ``update_rollups`` is false) and the
        notifications (hr_kpi_appraisal_notify.py)."""
        return True

    def action_submit_self(self):
        self._check_step("submit_self")
        now = fields.Datetime.now()
        # one write per value of the only field that differs
        for on_behalf, appraisals in self.grouped(
            lambda a: not a._kpi_is_self()
        ).items():
            appraisals._workflow_write(
                {
                    "state": "self_submitted",
                    "returned_to": False,
                    "self_submitted_by_id": self.env.uid,
                    "self_submitted_on_behalf": on_behalf,
                    "self_submitted_date": now,
                }
            )
        return True

    def action_review(self):
        self._check_step("review")
        for appraisal in self:
            if not appraisal.level_proposed:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: propose a level before sending the review.",
                        appraisal=appraisal.display_name,
                    )
                )
            missing = appraisal.line_ids.filtered(
                lambda line: (
                    "evaluator" in line._get_missing_comment_stages(("evaluator",))
                )
            )
            if missing:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: comment the criteria scored below the "
                        "maximum: %(criteria)s.",
                        appraisal=appraisal.display_name,
                        criteria=", ".join(missing.mapped("name")),
                    )
                )
        now = fields.Datetime.now()
        # one write per value of the only field that differs
        for without_self, appraisals in self.grouped(
            lambda a: a.state == "draft"
        ).items():
            appraisals._workflow_write(
                {
                    "state": "reviewed",
                    "reviewed_by_id": self.env.uid,
                    "reviewed_date": now,
                    "returned_to": False,
                    "no_self_evaluation": without_self,
                }
            )
        return True

    def _kpi_open_step_wizard(self, step, wizard_model, name):
        """Check ``step``, then open the wizard that asks what it needs (a
        reason, an answer) on these appraisals."""
        self._check_step(step)
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": wizard_model,
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": self.ids,
                "active_id": self[:1].id,
            },
        }

    def action_return(self):
        return self._kpi_open_step_wizard(
            "return", "hr.kpi.appraisal.return", self.env._("Return for rework")
        )

    def _do_return(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for returning the appraisal."))
        self._check_step("return")
        for appraisal in self:
            back_to = "employee" if appraisal.state == "self_submitted" else "evaluator"
            appraisal._workflow_write(
                {"state": "returned", "returned_to": back_to, "return_reason": reason}
            )
            appraisal.message_post(
                body=self.env._(
                    "Returned to the %(who)s: %(reason)s",
                    who=dict(
                        self._fields["returned_to"]._description_selection(self.env)
                    )[back_to].lower(),
                    reason=reason,
                )
            )
        return True

    def action_decide(self):
        """Decide the level being decided (proposed, else computed)."""
        self._check_step("decide")
        return self._decide({appraisal: appraisal.level_decision for appraisal in self})

    def _decide(self, levels, justification=None, exception=None, update_rollups=True):
        """Decide ``levels`` ({appraisal: level}) within the quota of each unit.

        The quota service (hr.kpi.quota._decide_within) locks the unit's
        appraisals of the period first, so that two heads deciding in the same
        unit at once cannot both pass the quota check: the second one fails
        with a serialization error and, when retried, sees the first decision.
        """
        appraisals = self.browse().union(*levels)
        appraisals._check_step("decide")
        exception = exception or self.env["hr.kpi.quota.exception"]
        exception._kpi_check_applies(appraisals)
        for appraisal, level in levels.items():
            if not level:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: choose a level.",
                        appraisal=appraisal.display_name,
                    )
                )
            if appraisal.needs_attention and not appraisal.zero_assignment_resolution:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: nothing was assigned in the period; the "
                        "evaluator must resolve it before the level is decided.",
                        appraisal=appraisal.display_name,
                    )
                )
            appraisal._kpi_check_not_above_computed(level)
        # the snapshot starts with the decision: every pending computation is
        # done and stored first
        self.env.flush_all()
        vals = {
            "state": "decided",
            "decided_by_id": self.env.uid,
            "decided_date": fields.Datetime.now(),
            "quota_justification": justification or False,
            "quota_exception_id": exception.id,
            "quota_exception_ref": exception.name or False,
        }

        # the delegation a deputy decides under, recorded with the decision
        delegations = {
            appraisal: appraisal._kpi_my_delegation()
            if not self.env.su
            # sudo: internal read or link; rights checked by _check_step above
            and appraisal.sudo().decider_employee_id.user_id != self.env.user
            else self.env["hr.kpi.delegation"]
            for appraisal in levels
        }

        def write():
            by_level = defaultdict(list)
            for appraisal, level in levels.items():
                by_level[level, delegations[appraisal].id].append(appraisal.id)
            for (level, delegation_id), ids in by_level.items():
                self.browse(ids)._workflow_write(
                    dict(
                        vals,
                        level_final=level,
                        decision_delegation_id=delegation_id or False,
                    ),
                    update_rollups=update_rollups,
                )

        self.env["hr.kpi.quota"]._decide_within(
            appraisals,
            {a.id: level for a, level in levels.items()},
            write,
            justification=justification,
            exception=bool(exception),
        )
        return True

    def action_publish(self):
        self._check_step("publish")
        self._workflow_write(
            {"state": "published", "published_date": fields.Date.context_today(self)}
        )
        return True

    def action_appeal(self):
        return self._kpi_open_step_wizard(
            "appeal", "hr.kpi.appraisal.appeal", self.env._("Appeal")
        )

    def _do_appeal(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the appeal."))
        self._check_step("appeal")
        self._workflow_write(
            {
                "state": "appeal_open",
                "appeal_reason": reason,
                "appeal_date": fields.Datetime.now(),
            }
        )
        for appraisal in self:
            appraisal.message_post(body=self.env._("Appeal: %(reason)s", reason=reason))
        return True

    def action_resolve_appeal(self):
        self.ensure_one()
        return self._kpi_open_step_wizard(
            "resolve_appeal",
            "hr.kpi.appraisal.appeal.resolve",
            self.env._("Resolve the appeal"),
        )

    def _do_resolve_appeal(self, result, answer, level=False):
        """Resolve the open appeal: ``upheld`` with a changed ``level`` (checked
        against the quota), or ``rejected`` with an answer."""
        if result not in ("upheld", "rejected") or not (answer or "").strip():
            raise UserError(
                self.env._("Give the outcome of the appeal and the answer.")
            )
        self._check_step("resolve_appeal")
        vals = {
            "state": "appeal_resolved",
            "appeal_result": result,
            "appeal_answer": answer,
        }
        if result == "upheld":
            if not level:
                raise UserError(
                    self.env._("An upheld appeal changes the level: choose it.")
                )
            self._kpi_check_appeal_level(level)
            vals["level_final"] = level
            self.env["hr.kpi.quota"]._decide_within(
                self,
                dict.fromkeys(self.ids, level),
                lambda: self._workflow_write(vals),
                exception=any(a.quota_exception_id for a in self),
            )
        else:
            self._workflow_write(vals)
        label = dict(self._fields["appeal_result"]._description_selection(self.env))
        for appraisal in self:
            appraisal.message_post(
                body=self.env._(
                    "Appeal resolved (%(result)s): %(answer)s",
                    result=label[result],
                    answer=answer,
                )
            )
        return True

    def _kpi_check_not_above_computed(self, level):
        """A decided (or appeal) level is never above the level computed from
        the score and the rules."""
        self.ensure_one()
        if LEVEL_RANK[level] > LEVEL_RANK[self.level_computed or "fail"]:
            raise UserError(
                self.env._(
                    "%(appraisal)s: the decided level cannot be higher than the "
                    "level computed from the score and the rules.",
                    appraisal=self.display_name,
                )
            )

    def _kpi_check_appeal_level(self, level):
        """An upheld appeal gives a level other than the published one, never
        above the level computed from the score and the rules (as a decision);
        the quota is checked again by the caller."""
        for appraisal in self:
            if level == appraisal.level_final:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: an upheld appeal changes the level; "
                        "to keep it, reject the appeal with an answer.",
                        appraisal=appraisal.display_name,
                    )
                )
            appraisal._kpi_check_not_above_computed(level)

    def action_lock(self):
        self._check_step("lock")
        self._workflow_write({"state": "locked"})
        return True

    @api.model
    def _kpi_auto_lock_domain(self):
        """The results the system locks: published ones whose appeal window
        has passed, and resolved appeals."""
        today = fields.Date.context_today(self)
        return [
            "|",
            ("state", "=", "appeal_resolved"),
            "&",
            ("state", "=", "published"),
            ("appeal_deadline", "<", today),
        ]

    def _kpi_auto_lock(self):
        """Lock published results whose appeal window has passed, and resolved
        appeals (cron)."""
        domain = self._kpi_auto_lock_domain()
        if self:
            domain.append(("id", "in", self.ids))
        # sudo: internal read or link; rights checked by the caller or the guard
        to_lock = self.sudo().search(domain)
        to_lock._workflow_write({"state": "locked"})
        return to_lock

    def action_reopen(self):
        return self._kpi_open_step_wizard(
            "reopen", "hr.kpi.appraisal.reopen", self.env._("Reopen")
        )

    def _do_reopen(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for reopening the appraisal."))
        self._check_step("reopen")
        self._workflow_write({"state": "reviewed", "reopen_reason": reason})
        # the snapshot ends: the scores follow their inputs again
        self._kpi_recompute_scores()
        for appraisal in self:
            appraisal.message_post(
                body=self.env._("Reopened: %(reason)s", reason=reason)
            )
        return True
