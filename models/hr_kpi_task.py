import math
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index
from odoo.tools.misc import formatLang

# What the assignee may report on a task he or she was given.
PROGRESS_FIELDS = {
    "state",
    "date_done",
    "completed_quantity",
    "progress_note",
    "attachment_ids",
}
# States the assignee may move a task to.
ASSIGNEE_STATES = {"todo", "in_progress", "to_confirm"}
# The outcome: confirmed by the assigner or the evaluator only.
OUTCOME_FIELDS = {
    "quality_passed_quantity",
    "major_error_count",
    "delay_corrected",
    "delay_count_corrected",
    "delay_correction_reason",
    "exceeded_requirement",
    "exemption",
    "exemption_scope",
    "exemption_reason",
    "exemption_certifier_id",
    "assignment_confirmed",
    "outcome_confirmed",
    "confirmed_by_id",
    "confirmation_date",
}
# The assignment itself: who, what, how much, by when.
PLANNING_FIELDS = {
    "name",
    "description",
    "expected_output",
    "employee_id",
    "assigner_id",
    "company_id",
    "product_id",
    "quantity",
    "deadline",
    "date_assigned",
    "origin",
    "carried_from_id",
}
# Maintained by the addon (links to the period and the appraisal).
TASK_LINK_FIELDS = {"period_id", "appraisal_id", "missed_deadlines_before"}


# What the assignee may also write on his or her own task.
ASSIGNEE_PLAN_FIELDS = {"plan_id"}
# What the task block of the appraisal reads: frozen once it is decided.
SCORING_FIELDS = (
    OUTCOME_FIELDS
    | TASK_LINK_FIELDS
    | {
        "quantity",
        "completed_quantity",
        "state",
        "date_done",
        "date_assigned",
        "deadline",
        "employee_id",
        "company_id",
        "product_id",
    }
)
# The quantities of a task: finite, not negative, not absurd.
QUANTITY_FIELDS = ("quantity", "completed_quantity", "quality_passed_quantity")
QUANTITY_MAX = 1e6


class HrKpiTask(models.Model):
    _name = "hr.kpi.task"
    _description = "KPI task (product or work item)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline desc, id desc"
    _check_company_auto = True

    def init(self):
        res = super().init()
        # the tasks that can be overdue (open, or done after their deadline),
        # by appraisal: the analysis view counts a row's overdue tasks from
        # it, reading a few index entries instead of every task of the
        # appraisal (a city's dashboard counts 200,000 rows' tasks)
        create_index(
            self.env.cr,
            "hr_kpi_task_overdue_by_appraisal_index",
            self._table,
            ["appraisal_id"],
            where="state NOT IN ('done', 'cancelled') "
            "OR (state = 'done' AND date_done > deadline)",
        )
        return res

    name = fields.Char(required=True, tracking=True)
    description = fields.Html()
    expected_output = fields.Text()
    employee_id = fields.Many2one(
        "hr.employee",
        string="Assignee",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self.env.user.employee_id,
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="Assignee user")
    assigner_id = fields.Many2one(
        "hr.employee",
        index="btree_not_null",
        tracking=True,
        check_company=True,
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
        index="btree_not_null",
    )
    product_id = fields.Many2one(
        "hr.kpi.product",
        string="Catalogue product",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('state', '=', 'approved')]",
    )
    uom_name = fields.Char(related="product_id.uom_name", string="Unit")
    quantity = fields.Float(default=1.0, required=True, tracking=True)
    coefficient = fields.Float(
        compute="_compute_coefficient",
        store=True,
        precompute=True,
        digits=(16, 4),
        help="The product's coefficient when the task was assigned.",
    )
    converted_quantity = fields.Float(
        compute="_compute_converted_quantity", store=True, digits=(16, 4)
    )
    date_assigned = fields.Date(
        compute="_compute_date_assigned",
        store=True,
        readonly=False,
        precompute=True,
        help="Today for a task assigned now; a task entered after its deadline "
        "was assigned at the latest at the start of its month.",
    )
    deadline = fields.Date(required=True, index=True, tracking=True)
    origin = fields.Selection(
        [("plan", "Plan"), ("adhoc", "Ad hoc"), ("carried", "Carried over")],
        default="plan",
        required=True,
        tracking=True,
    )
    carried_from_id = fields.Many2one(
        "hr.kpi.task", string="Carried over from", readonly=True
    )
    state = fields.Selection(
        [
            ("todo", "To do"),
            ("in_progress", "In progress"),
            ("to_confirm", "Reported done"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="todo",
        required=True,
        tracking=True,
        index=True,
        group_expand=True,
    )
    # Progress: reported by the assignee
    date_done = fields.Date(string="Completion date", tracking=True, copy=False)
    completed_quantity = fields.Float(tracking=True, copy=False)
    progress_note = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    # Outcome: confirmed by the assigner or the evaluator
    quality_passed_quantity = fields.Float(
        string="Quality passed quantity", tracking=True, copy=False
    )
    major_error_count = fields.Integer(string="Major errors", tracking=True, copy=False)
    missed_deadlines_before = fields.Integer(
        readonly=True,
        copy=False,
        help="Deadlines already missed before the current one was set.",
    )
    delay_count_computed = fields.Integer(
        string="Delays from dates", compute="_compute_delay_count_computed", store=True
    )
    delay_corrected = fields.Boolean(
        string="Correct the delays", tracking=True, copy=False
    )
    delay_count_corrected = fields.Integer(
        string="Corrected delays", tracking=True, copy=False
    )
    delay_correction_reason = fields.Text(copy=False)
    delay_count = fields.Integer(
        string="Delays", compute="_compute_delay_count", store=True
    )
    exceeded_requirement = fields.Boolean(
        string="Exceeded requirements",
        tracking=True,
        copy=False,
        help="Counted by the QĐ 366 conditions.",
    )
    exemption = fields.Boolean(
        tracking=True,
        copy=False,
        help="An objective cause, certified, cancels the deductions it covers.",
    )
    exemption_scope = fields.Selection(
        [
            ("delay", "Delays"),
            ("error", "Major errors"),
            ("both", "Delays and major errors"),
        ],
        default="both",
    )
    exemption_reason = fields.Text(copy=False)
    exemption_certifier_id = fields.Many2one(
        "hr.employee", string="Certified by", copy=False
    )
    assignment_confirmed = fields.Boolean(
        string="Assignment confirmed",
        default=True,
        tracking=True,
        help=(
            "Ad-hoc tasks declared by the assignee count once the assigner confirms "
            "them."
        ),
    )
    outcome_confirmed = fields.Boolean(readonly=True, copy=False, tracking=True)
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmation_date = fields.Date(readonly=True, copy=False)
    # Links, maintained by the addon
    period_id = fields.Many2one("hr.kpi.period", readonly=True, index=True, copy=False)
    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", readonly=True, index=True, copy=False, ondelete="set null"
    )
    is_counted = fields.Boolean(
        compute="_compute_is_counted",
        store=True,
        help="Counted by the scoring: not cancelled, and assigned or confirmed by the "
        "assigner (ad-hoc tasks declared by the assignee count once confirmed).",
    )
    is_late = fields.Boolean(compute="_compute_is_late")

    _sql_constraints = [
        ("quantity_check", "CHECK(quantity > 0)", "The quantity must be positive."),
        (
            "outcome_check",
            "CHECK(completed_quantity >= 0 AND quality_passed_quantity >= 0 "
            "AND quality_passed_quantity <= completed_quantity "
            "AND major_error_count >= 0 AND delay_count_corrected >= 0)",
            "Quantities and counts cannot be negative, and the quality passed quantity "
            "cannot exceed the completed quantity.",
        ),
    ]

    # planning: the plan the task was registered in or cascaded
    # from, the key result it serves, the commitment, proposals, carry-over
    plan_id = fields.Many2one(
        "hr.kpi.plan",
        string="Personal plan",
        index="btree_not_null",
        copy=False,
        domain="[('scope', '=', 'personal'), ('employee_id', '=', employee_id)]",
        help="The weekly or monthly plan the task was registered in.",
    )
    plan_line_id = fields.Many2one(
        "hr.kpi.plan.line",
        string="Unit plan task",
        index="btree_not_null",
        ondelete="set null",
        help="The task of the unit plan this task was cascaded from.",
    )
    unit_plan_id = fields.Many2one(
        related="plan_line_id.plan_id",
        string="Unit plan",
        store=True,
        index="btree_not_null",
    )
    key_result_id = fields.Many2one(
        "hr.kpi.key.result",
        string="Key result",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    key_result_exceeded = fields.Boolean(
        related="key_result_id.is_exceeded",
        string="Key result exceeded",
        help="The key result this task serves is above its target: evidence for the "
        "'exceeded requirements' flag.",
    )
    committed_deadline = fields.Date(
        readonly=True,
        copy=False,
        help="The deadline registered in the personal plan when the evaluator accepted "
        "it: the commitment progress is measured against.",
    )
    carry_over_reason = fields.Text(copy=False, tracking=True)
    proposal_rejected = fields.Boolean(readonly=True, copy=False, tracking=True)
    rejection_reason = fields.Text(readonly=True, copy=False)
    proposal_state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("confirmed", "Confirmed"),
            ("rejected", "Rejected"),
        ],
        compute="_compute_proposal_state",
        store=True,
        index=True,
        help="Tasks declared by the assignee count once the assigner confirms them.",
    )
    appraisal_kpi_percent = fields.Float(
        compute="_compute_appraisal_kpi_percent",
        string="Running KPI (%)",
        help="The running KPI of the appraisal, for those who may read it.",
    )
    excess_quantity = fields.Float(
        string="Completed above the assigned quantity",
        compute="_compute_excess_quantity",
        help="How it counts is the rule set's over-completion policy.",
    )

    @api.depends_context("uid")
    @api.depends("appraisal_id.kpi_percent")
    def _compute_appraisal_kpi_percent(self):
        # a task's reader (an assigner of another unit, a head) does not
        # necessarily read its appraisal: the figure follows the appraisal's rights
        appraisals = self.appraisal_id
        readable = appraisals._filtered_access("read") if appraisals else appraisals
        for task in self:
            task.appraisal_kpi_percent = (
                task.appraisal_id.kpi_percent
                if task.appraisal_id and task.appraisal_id in readable
                else 0.0
            )

    @api.depends("quantity", "completed_quantity")
    def _compute_excess_quantity(self):
        for task in self:
            task.excess_quantity = max(0.0, task.completed_quantity - task.quantity)

    @api.depends("deadline")
    def _compute_date_assigned(self):
        today = fields.Date.context_today(self)
        for task in self:
            if task.date_assigned:
                continue
            if task.deadline and task.deadline < today:
                task.date_assigned = task.deadline.replace(day=1)
            else:
                task.date_assigned = today

    @api.depends("employee_id")
    def _compute_company_id(self):
        for task in self:
            task.company_id = (
                task.employee_id.company_id or task.company_id or self.env.company
            )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for task in self:
            task.department_id = task.employee_id.department_id

    @api.depends("product_id")
    def _compute_coefficient(self):
        for task in self:
            task.coefficient = task.product_id.coefficient

    @api.depends("quantity", "coefficient")
    def _compute_converted_quantity(self):
        for task in self:
            task.converted_quantity = task.quantity * task.coefficient

    @api.depends("date_done", "deadline", "missed_deadlines_before")
    def _compute_delay_count_computed(self):
        for task in self:
            late = bool(
                task.date_done and task.deadline and task.date_done > task.deadline
            )
            task.delay_count_computed = task.missed_deadlines_before + int(late)

    @api.depends("delay_count_computed", "delay_corrected", "delay_count_corrected")
    def _compute_delay_count(self):
        for task in self:
            task.delay_count = (
                task.delay_count_corrected
                if task.delay_corrected
                else task.delay_count_computed
            )

    @api.depends("state", "assignment_confirmed")
    def _compute_is_counted(self):
        for task in self:
            # tasks given by the assigner are confirmed from the start; tasks the
            # assignee declares (ad hoc or not) count once the assigner confirms them
            task.is_counted = task.state != "cancelled" and task.assignment_confirmed

    @api.depends("deadline", "state")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for task in self:
            task.is_late = (
                task.state not in ("done", "cancelled")
                and bool(task.deadline)
                and task.deadline < today
            )

    @api.depends("assignment_confirmed", "proposal_rejected")
    def _compute_proposal_state(self):
        for task in self:
            if task.proposal_rejected:
                task.proposal_state = "rejected"
            elif task.assignment_confirmed:
                task.proposal_state = "confirmed"
            else:
                task.proposal_state = "proposed"

    @api.constrains("delay_corrected", "delay_correction_reason")
    def _check_delay_correction(self):
        for task in self:
            if task.delay_corrected and not task.delay_correction_reason:
                raise ValidationError(
                    self.env._(
                        "Task %(name)s: give the reason for correcting the delays.",
                        name=task.name,
                    )
                )

    @api.constrains("exemption", "exemption_reason", "exemption_certifier_id")
    def _check_exemption(self):
        for task in self:
            if task.exemption and not (
                task.exemption_reason and task.exemption_certifier_id
            ):
                raise ValidationError(
                    self.env._(
                        "Task %(name)s: an exemption needs a reason and the person who "
                        "certified it.",
                        name=task.name,
                    )
                )

    @api.constrains(*QUANTITY_FIELDS, "major_error_count", "delay_count_corrected")
    def _check_numbers(self):
        for task in self:
            for fname in (
                *QUANTITY_FIELDS,
                "major_error_count",
                "delay_count_corrected",
            ):
                value = task[fname]
                if not math.isfinite(value) or value < 0 or value > QUANTITY_MAX:
                    raise ValidationError(
                        self.env._(
                            "Task %(name)s: %(field)s must be a number between 0 "
                            "and %(max)s.",
                            name=task.name,
                            field=self._fields[fname]._description_string(self.env),
                            max=formatLang(self.env, QUANTITY_MAX, digits=0),
                        )
                    )
            if task.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "Task %(name)s: the assigned quantity must be positive.",
                        name=task.name,
                    )
                )
            if task.quality_passed_quantity > task.completed_quantity:
                raise ValidationError(
                    self.env._(
                        "Task %(name)s: the quality passed quantity cannot exceed the "
                        "completed quantity.",
                        name=task.name,
                    )
                )

    # ------------------------------------------------------------------
    # Who may change what
    # ------------------------------------------------------------------

    def _is_outcome_manager(self, user=None):
        """Whether ``user`` may assign and confirm the outcome of this task: the
        assigner, the evaluator of its appraisal, the assignee's manager, an HR
        officer."""
        self.ensure_one()
        user = user or self.env.user
        # sudo: internal links and checks; rights were checked by the caller
        if user in self.sudo().employee_id.user_id:
            # nobody confirms his or her own work, whatever his or her role
            return False
        if user._is_superuser() or user.has_group(
            "l10n_vn_hr_kpi.group_kpi_hr_officer"
        ):
            return True
        # sudo: internal links and checks; rights were checked by the caller
        task = self.sudo()
        managers = (
            task.assigner_id.user_id
            | task.appraisal_id.evaluator_employee_id.user_id
            | task.employee_id.parent_id.user_id
        )
        return user in managers

    def _check_plan_filing(self, vals):
        """The assignee may also file his or her own task into his or her plan."""
        for task in self:
            if task._is_outcome_manager():
                continue
            if task.employee_id.user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only the assignee files task %(name)s into a plan.",
                        name=task.name,
                    )
                )
        plans = self.env["hr.kpi.plan"].browse(vals.get("plan_id") or [])
        # sudo: internal task links; rights checked by the caller
        if plans and plans.sudo().employee_id != self.employee_id:
            raise UserError(
                self.env._("A task goes into its assignee's own plan only.")
            )

    def _kpi_assignee_fields(self):
        """What the assignee may write on this task of his or her own (the guard
        of _check_write_rights; the form reads it through kpi_edit_*)."""
        self.ensure_one()
        allowed = set(PROGRESS_FIELDS)
        if not self.assignment_confirmed:
            # a self-declared task stays editable until the assigner confirms
            # it; the assigner is set by the server
            allowed |= PLANNING_FIELDS - {"employee_id", "assigner_id"}
        return allowed

    def _check_write_rights(self, vals):
        if self.env.su:
            return
        keys = set(vals)
        if keys & ASSIGNEE_PLAN_FIELDS:
            self._check_plan_filing(vals)
            keys -= ASSIGNEE_PLAN_FIELDS
        if keys & TASK_LINK_FIELDS:
            raise AccessError(
                self.env._("The period and appraisal of a task are set automatically.")
            )
        for task in self:
            if task._is_outcome_manager():
                continue
            if task.employee_id.user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only the assignee, the assigner or the evaluator may change "
                        "task "
                        "%(name)s.",
                        name=task.name,
                    )
                )
            allowed = task._kpi_assignee_fields() | {
                f for f in keys if f.startswith(("message_", "activity_"))
            }
            forbidden = keys - allowed
            if forbidden:
                # the labels in the user's language, never the technical names
                names = ", ".join(
                    sorted(
                        self._fields[f].get_description(self.env)["string"]
                        for f in forbidden
                    )
                )
                raise AccessError(
                    self.env._(
                        "Task %(name)s: the assignee reports progress only; "
                        "%(fields)s can be "
                        "changed by the assigner or the evaluator.",
                        name=task.name,
                        fields=names,
                    )
                )
            if "state" in vals and vals["state"] not in ASSIGNEE_STATES:
                raise AccessError(
                    self.env._(
                        "Task %(name)s: only the assigner or the evaluator confirms "
                        "the outcome.",
                        name=task.name,
                    )
                )
            if task.state in ("done", "cancelled"):
                raise AccessError(
                    self.env._(
                        "Task %(name)s is closed; ask the assigner to reopen it.",
                        name=task.name,
                    )
                )
            if (
                "date_done" in vals
                and task.date_done
                and fields.Date.to_date(vals["date_done"]) != task.date_done
            ):
                raise AccessError(
                    self.env._(
                        "Task %(name)s: the completion date is set; only the assigner "
                        "or the evaluator changes it.",
                        name=task.name,
                    )
                )

        if keys & {"employee_id", "deadline"}:
            # sudo: reads the current assignee and deadline for the check below,
            # which is the guard of this change
            Employee = self.env["hr.employee"].sudo()
            tasks = self.sudo()
            self._check_assignable(
                [
                    (
                        Employee.browse(vals["employee_id"])
                        if "employee_id" in vals
                        else task.employee_id,
                        fields.Date.to_date(vals["deadline"])
                        if "deadline" in vals
                        else task.deadline,
                        not task.with_env(self.env)._is_outcome_manager(),
                    )
                    for task in tasks
                ]
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_create_rights(vals_list)
        for vals in vals_list:
            self._done_is_confirmed(vals)
        tasks = super().create(vals_list)
        tasks._link_period_and_appraisal()
        if not self.env.su:
            tasks._check_dates_done()
        tasks._check_not_frozen()
        return tasks

    def _check_create_rights(self, vals_list):
        """Who creates which task (never through a context key): an evaluator,
        head or HR officer assigns (the assigner is the creator); anyone else
        declares his or her own task, unconfirmed, and the assigner is set by
        the server: the evaluator of the month, else the manager."""
        user = self.env.user
        is_officer = user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")
        my_employees = user.employee_ids
        # sudo: the assignees named in the values, read for the checks below
        named = (
            self.env["hr.employee"]
            .sudo()
            .browse(
                {vals["employee_id"] for vals in vals_list if vals.get("employee_id")}
            )
        )
        # iterated, the records share one prefetch: one read for the batch
        employees = {employee.id: employee for employee in named}
        checks, declared = [], []
        for vals in vals_list:
            if set(vals) & TASK_LINK_FIELDS:
                raise AccessError(
                    self.env._(
                        "The period and appraisal of a task are set automatically."
                    )
                )
            employee = employees.get(vals.get("employee_id"), named.browse())
            deadline = fields.Date.to_date(vals.get("deadline"))
            if is_officer or not employee or employee not in my_employees:
                if not (
                    is_officer or user.has_group("l10n_vn_hr_kpi.group_kpi_evaluator")
                ):
                    raise AccessError(
                        self.env._(
                            "Only an evaluator can assign tasks to other people."
                        )
                    )
                checks.append((employee, deadline, False))
                if is_officer:
                    vals.setdefault("assigner_id", my_employees[:1].id)
                else:
                    # the assigner of a counted task is the one who assigns it
                    vals["assigner_id"] = my_employees[:1].id
                if vals.get("assigner_id") and vals["assigner_id"] == employee.id:
                    raise AccessError(
                        self.env._("Nobody assigns a task to himself or herself.")
                    )
                continue
            # the assignee declares his or her own task: the assigner confirms it
            forbidden = set(vals) & (OUTCOME_FIELDS - {"assignment_confirmed"})
            vals["state"] = vals.get("state", "todo")
            if forbidden or vals["state"] not in ASSIGNEE_STATES:
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator confirms the outcome."
                    )
                )
            checks.append((employee, deadline, True))
            declared.append((vals, employee, deadline))
        self._check_assignable(checks)
        assigners = self._proposal_assigners(
            [(employee, day) for _vals, employee, day in declared]
        )
        for vals, employee, day in declared:
            vals["assignment_confirmed"] = False
            vals["assigner_id"] = assigners[employee.id, day].id

    @api.model
    def _evaluators_on(self, pairs):
        """``{(employee id, day): evaluator}`` of the configurations in force,
        one query per distinct day (a batch has one or a few deadlines)."""
        today = fields.Date.context_today(self)
        by_day = defaultdict(lambda: self.env["hr.employee"])
        for employee, day in pairs:
            by_day[day or today] |= employee
        # sudo: who evaluates whom, read for the rights checks of the callers
        Config = self.env["hr.kpi.evaluation.config"].sudo()
        result = {}
        for day, employees in by_day.items():
            for employee, config in Config._get_in_force(employees, day).items():
                result[employee.id, day] = config.evaluator_id
        return {
            (employee.id, day): result.get((employee.id, day or today))
            or self.env["hr.employee"]
            for employee, day in pairs
        }

    @api.model
    def _proposal_assigners(self, pairs):
        """Who confirms a task the assignee declares, by (employee id, day):
        the evaluator of the configuration in force on its deadline, else the
        manager (never the assignee)."""
        evaluators = self._evaluators_on(pairs)
        result = {}
        for employee, day in pairs:
            assigner = evaluators[employee.id, day] or employee.parent_id
            result[employee.id, day] = (
                assigner if assigner != employee else self.env["hr.employee"]
            )
        return result

    @api.model
    def _check_assignable(self, items):
        """``items``: (employee, day, own) of tasks being assigned or moved. A
        task goes into an open month only; unless it is the assignee's own
        declaration, an evaluator or head assigns it only to the people he or
        she evaluates or manages, or to the staff of the units he or she heads
        (HR: anyone of the company). A few queries for the whole batch."""
        # sudo: the assignees' company, manager and unit, read for this check
        items = [(e.sudo(), d, own) for e, d, own in items if e]
        if not items:
            return
        Period = self.env["hr.kpi.period"]
        periods = Period._get_for_dates([(e.company_id.id, d) for e, d, _o in items])
        # sudo: the state of the periods reached, whoever assigns
        closed = Period.sudo().browse(set(periods.values()) - {False})
        closed = closed.filtered(lambda p: p.state != "open")
        for employee, day, _own in items:
            period = closed.browse(periods.get((employee.company_id.id, day)))
            if period in closed and period:
                raise UserError(
                    self.env._(
                        "The month %(period)s is closed: no task can be assigned "
                        "or moved into it.",
                        period=period.display_name,
                    )
                )
        user = self.env.user
        if self.env.su or user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return
        others = [
            (e, d) for e, d, own in items if not own and e.parent_id.user_id != user
        ]
        if not others:
            return
        evaluators = self._evaluators_on(others)
        others = [(e, d) for e, d in others if evaluators[e.id, d].user_id != user]
        if not others:
            return
        # sudo: the units the user heads, read for this check
        headed = user.sudo().kpi_head_department_ids
        departments = self.env["hr.department"].browse(
            {e.department_id.id for e, _d in others} - {False}
        )
        # sudo: which of those units lie under the units he heads (this check)
        in_headed = (
            departments.sudo().search(
                [("id", "in", departments.ids), ("id", "child_of", headed.ids)]
            )
            if headed and departments
            else departments.browse()
        )
        for employee, _day in others:
            if employee.department_id not in in_headed:
                raise AccessError(
                    self.env._(
                        "You do not evaluate %(employee)s: a task goes only to the "
                        "people you evaluate or manage, or to the staff of the "
                        "units you head.",
                        employee=employee.name,
                    )
                )

    def _check_dates_done(self):
        """A completion date is neither in the future nor before the
        assignment (user input; the demo and imports write through sudo)."""
        today = fields.Date.context_today(self)
        for task in self:
            if not task.date_done:
                continue
            if task.date_done > today or (
                task.date_assigned and task.date_done < task.date_assigned
            ):
                raise ValidationError(
                    self.env._(
                        "Task %(name)s: the completion date %(date)s must lie between "
                        "the assignment (%(assigned)s) and today.",
                        name=task.name,
                        date=task.date_done.strftime("%d/%m/%Y"),
                        assigned=task.date_assigned
                        and task.date_assigned.strftime("%d/%m/%Y")
                        or "-",
                    )
                )

    def _check_not_frozen(self):
        """From ``decided`` on, the tasks of an appraisal are frozen with its
        scores: a correction goes through the audited reopen."""
        # sudo: the state of the appraisals the tasks belong to, whoever writes
        for task in self.sudo():
            if task.appraisal_id:
                task.appraisal_id._kpi_check_frozen(
                    self.env._("task %(name)s", name=task.name)
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_frozen(self):
        self._check_not_frozen()

    def _done_is_confirmed(self, vals):
        """A task set done is an outcome confirmed (only the assigner, the
        evaluator or HR may set it done: see ``_check_write_rights``)."""
        if vals.get("state") == "done" and "outcome_confirmed" not in vals:
            vals["outcome_confirmed"] = True
            vals.setdefault("confirmed_by_id", self.env.uid)
            vals.setdefault("confirmation_date", fields.Date.context_today(self))

    def write(self, vals):
        self._check_write_rights(vals)
        vals = dict(vals)
        self._done_is_confirmed(vals)
        keys = set(vals)
        if keys & SCORING_FIELDS and not (self.env.su and keys <= TASK_LINK_FIELDS):
            self._check_not_frozen()
        if "deadline" in vals:
            self._count_missed_deadline(fields.Date.to_date(vals["deadline"]))
        res = super().write(vals)
        if {"deadline", "employee_id", "company_id"} & keys:
            self._link_period_and_appraisal()
            # moved into a decided month
            self._check_not_frozen()
        if not self.env.su and {"date_done", "date_assigned"} & keys:
            self._check_dates_done()
        return res

    def _count_missed_deadline(self, new_deadline):
        """Moving a deadline that has already passed counts one more missed deadline."""
        today = fields.Date.context_today(self)
        missed = self.filtered(
            lambda t: (
                t.deadline
                and t.deadline < today
                and t.deadline != new_deadline
                and t.state not in ("done", "cancelled")
            )
        )
        for count, tasks in missed.grouped("missed_deadlines_before").items():
            # sudo: the count is maintained by the system, after the rights check
            tasks.sudo().write({"missed_deadlines_before": count + 1})

    def _link_period_and_appraisal(self):
        """Set the period (month of the deadline) and the appraisal of the tasks."""
        # sudo: internal links and checks; rights were checked by the caller
        tasks = self.sudo()
        if not tasks:
            return
        period_map = self.env["hr.kpi.period"]._get_for_dates(
            [(t.company_id.id, t.deadline) for t in tasks]
        )
        appraisal_map = self.env["hr.kpi.appraisal"]._get_for_employee_periods(
            [
                (t.employee_id.id, period_map.get((t.company_id.id, t.deadline)))
                for t in tasks
            ]
        )
        targets = defaultdict(lambda: tasks.browse())
        for task in tasks:
            period_id = period_map.get((task.company_id.id, task.deadline)) or False
            appraisal_id = appraisal_map.get((task.employee_id.id, period_id)) or False
            if task.period_id.id != period_id or task.appraisal_id.id != appraisal_id:
                targets[period_id, appraisal_id] |= task
        if len(targets) > 1:
            # a value per appraisal: one UPDATE, not a write per appraisal
            tasks._kpi_write_links(
                {task.id: key for key, group in targets.items() for task in group}
            )
            return
        for (period_id, appraisal_id), group in targets.items():
            group.write({"period_id": period_id, "appraisal_id": appraisal_id})

    def _kpi_write_links(self, links):
        """Write ``{task id: (period id, appraisal id)}`` in one UPDATE. The
        links are not tracked and nothing but computed fields depends on them:
        they are marked to recompute before and after, as write() does."""
        fnames = ["period_id", "appraisal_id"]
        tasks = self.browse(list(links))
        tasks.flush_recordset(fnames)
        tasks.modified(fnames, before=True)
        self.env.execute_query(
            SQL(
                """
                UPDATE hr_kpi_task t
                   SET period_id = v.period_id, appraisal_id = v.appraisal_id,
                       write_uid = %s, write_date = %s
                  FROM unnest(%s::int[], %s::int[], %s::int[])
                       AS v(id, period_id, appraisal_id)
                 WHERE t.id = v.id
                """,
                self.env.uid,
                self.env.cr.now(),
                list(links),
                [period_id or None for period_id, _a in links.values()],
                [appraisal_id or None for _p, appraisal_id in links.values()],
            )
        )
        tasks.invalidate_recordset([*fnames, "write_uid", "write_date"])
        self.env["hr.kpi.appraisal"].invalidate_model(["task_ids"])
        tasks.modified(fnames)

    @api.model
    def _link_periods_for(self, periods, relink=False):
        """Attach to new (or moved) periods the tasks whose deadline they contain."""
        if not periods:
            return
        domain = [
            ("company_id", "in", periods.company_id.ids),
            ("deadline", ">=", min(periods.mapped("date_start"))),
            ("deadline", "<=", max(periods.mapped("date_end"))),
        ]
        if relink:
            domain = ["|", ("period_id", "in", periods.ids), "&", *domain]
        else:
            domain.append(("period_id", "=", False))
        # sudo: internal links and checks; rights were checked by the caller
        self.sudo().search(domain)._link_period_and_appraisal()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_report_done(self):
        for task in self:
            vals = {"state": "to_confirm"}
            if not task.date_done:
                vals["date_done"] = fields.Date.context_today(self)
            if not task.completed_quantity:
                vals["completed_quantity"] = task.quantity
            task.write(vals)

    def action_confirm_outcome(self):
        """The assigner or the evaluator confirms the outcome. Unless stated
        otherwise, everything completed passes the quality review."""
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator confirms the outcome of "
                        "%(name)s.",
                        name=task.name,
                    )
                )
            vals = {
                "state": "done",
                "outcome_confirmed": True,
                "assignment_confirmed": True,
                "confirmed_by_id": self.env.uid,
                "confirmation_date": fields.Date.context_today(self),
            }
            if not task.date_done:
                vals["date_done"] = fields.Date.context_today(self)
            if not task.quality_passed_quantity and not task.major_error_count:
                vals["quality_passed_quantity"] = task.completed_quantity
            task.write(vals)

    def action_confirm_assignment(self):
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator confirms %(name)s.",
                        name=task.name,
                    )
                )
        self.write({"assignment_confirmed": True})

    def action_reopen(self):
        self.write({"state": "in_progress", "outcome_confirmed": False})

    def action_cancel(self):
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._("Only the assigner or the evaluator cancels a task.")
                )
        self.write({"state": "cancelled"})

    def action_carry_over(self):
        new_tasks = self._carry_over()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action"
        )
        action.update({"domain": [("id", "in", new_tasks.ids)], "context": {}})
        if len(new_tasks) == 1:
            action.update(
                {
                    "res_id": new_tasks.id,
                    "view_mode": "form",
                    "views": [(False, "form")],
                }
            )
        return action

    def _carry_over(self, new_deadline=None):
        """Carry the unfinished quantity over to a new deadline (next month's end by
        default) as a new task; the task stays in its own month as not completed."""
        new_tasks = self.browse()
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator carries a task over."
                    )
                )
        for task in self:
            remaining = task.quantity - task.completed_quantity
            if task.state in ("done", "cancelled") or remaining <= 0:
                raise UserError(
                    self.env._(
                        "Task %(name)s has nothing left to carry over.", name=task.name
                    )
                )
            new_tasks |= task.copy(
                {
                    "origin": "carried",
                    "carried_from_id": task.id,
                    "quantity": remaining,
                    "deadline": new_deadline
                    or task.deadline + relativedelta(months=1, day=31),
                    "completed_quantity": 0.0,
                    "quality_passed_quantity": 0.0,
                    "major_error_count": 0,
                    "date_done": False,
                    "state": "todo",
                    "assignment_confirmed": True,
                }
            )
        return new_tasks

    # ------------------------------------------------------------------
    # Ad-hoc proposals
    # ------------------------------------------------------------------

    def action_reject_proposal(self, reason=None):
        """The assigner refuses a task proposed by the assignee: it never counts."""
        for task in self:
            if not task._is_outcome_manager():
                raise AccessError(
                    self.env._(
                        "Only the assigner or the evaluator rejects %(name)s.",
                        name=task.name,
                    )
                )
            if task.assignment_confirmed:
                raise UserError(
                    self.env._(
                        "Task %(name)s is already confirmed; cancel it instead.",
                        name=task.name,
                    )
                )
        self.write({"state": "cancelled"})
        # sudo: the rejection is recorded by the system, after the check above
        self.sudo().write(
            {"proposal_rejected": True, "rejection_reason": reason or False}
        )
        return True

    def action_open_carry_over(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Carry over to the next month"),
            "res_model": "hr.kpi.task.carry.over",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids},
        }

    def action_mark_exceeded(self):
        """Flag the task 'exceeded requirements' on the evidence of its key result."""
        for task in self:
            if not task.key_result_exceeded:
                raise UserError(
                    self.env._(
                        "The key result of %(name)s is not above its target.",
                        name=task.name,
                    )
                )
        self.write({"exceeded_requirement": True})
        return True
