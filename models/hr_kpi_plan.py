"""Work plans (kế hoạch công tác, lịch tháng, lịch tuần): where a month's
tasks come from.

* Unit plans (annual, monthly) belong to a department; their lines
  (``hr.kpi.plan.line``) are the unit's tasks, cascaded to staff as
  ``hr.kpi.task`` records.
* Personal plans (monthly, weekly) belong to an employee; their lines are
  tasks directly (``hr.kpi.task.plan_id``). The employee registers them, the
  evaluator accepts the plan: the registered deadlines become the
  commitments that progress is measured against.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

PLAN_TYPES = [
    ("unit_annual", "Unit annual plan"),
    ("unit_monthly", "Unit monthly plan"),
    ("personal_monthly", "Personal monthly plan"),
    ("personal_weekly", "Personal weekly plan"),
]
UNIT_TYPES = ("unit_annual", "unit_monthly")
# Set only by the workflow buttons (action_*), never by a direct write.
PLAN_WORKFLOW_FIELDS = {"state", "accepted_by_id", "accepted_date"}


def period_bounds(plan_type, day):
    """(first day, last day) of the plan period of ``plan_type`` containing ``day``."""
    if plan_type == "unit_annual":
        start = day.replace(month=1, day=1)
        return start, start + relativedelta(years=1, days=-1)
    if plan_type == "personal_weekly":
        start = day - relativedelta(days=day.weekday())
        return start, start + relativedelta(days=6)
    start = day.replace(day=1)
    return start, start + relativedelta(months=1, days=-1)


class HrKpiPlan(models.Model):
    _name = "hr.kpi.plan"
    _description = "Work plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, plan_type, id desc"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    plan_type = fields.Selection(
        PLAN_TYPES, required=True, default="personal_weekly", tracking=True
    )
    scope = fields.Selection(
        [("unit", "Unit"), ("personal", "Personal")],
        compute="_compute_scope",
        store=True,
        index=True,
    )
    employee_id = fields.Many2one(
        "hr.employee",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="Owner of a personal plan.",
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="Owner user")
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        tracking=True,
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
    evaluator_id = fields.Many2one(
        "hr.employee",
        string="Accepted by",
        compute="_compute_evaluator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="Who accepts a personal plan (the direct manager) or approves a unit "
        "plan.",
    )
    parent_id = fields.Many2one(
        "hr.kpi.plan",
        string="Parent plan",
        index="btree_not_null",
        check_company=True,
        help="The unit's annual plan a monthly plan implements.",
    )
    date_start = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        index=True,
    )
    date_end = fields.Date(compute="_compute_date_end", store=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Registered"),
            ("accepted", "Accepted"),
            ("closed", "Closed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    accepted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_date = fields.Date(readonly=True, copy=False)
    note = fields.Html()
    line_ids = fields.One2many(
        "hr.kpi.plan.line", "plan_id", string="Unit tasks", copy=True
    )
    task_ids = fields.One2many("hr.kpi.task", "plan_id", string="Registered tasks")
    task_count = fields.Integer(compute="_compute_progress")
    converted_total = fields.Float(
        string="Converted planned", compute="_compute_progress"
    )
    converted_done = fields.Float(
        string="Converted completed", compute="_compute_progress"
    )
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")
    overdue_count = fields.Integer(compute="_compute_progress")
    can_accept = fields.Boolean(compute="_compute_can_accept")

    _sql_constraints = [
        (
            "owner_check",
            "CHECK(employee_id IS NOT NULL OR department_id IS NOT NULL)",
            "A plan belongs to an employee or to a unit.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("plan_type")
    def _compute_scope(self):
        for plan in self:
            plan.scope = "unit" if plan.plan_type in UNIT_TYPES else "personal"

    @api.depends("employee_id")
    def _compute_department_id(self):
        for plan in self:
            if plan.employee_id:
                plan.department_id = plan.employee_id.department_id

    @api.depends("employee_id", "department_id")
    def _compute_company_id(self):
        for plan in self:
            plan.company_id = (
                plan.employee_id.company_id
                or plan.department_id.company_id
                or plan.company_id
                or self.env.company
            )

    @api.depends("employee_id", "department_id", "plan_type")
    def _compute_evaluator_id(self):
        for plan in self:
            if plan.plan_type in UNIT_TYPES:
                evaluator = plan.department_id.kpi_decider_id
            else:
                evaluator = plan.employee_id.parent_id or plan.department_id.manager_id
                if evaluator == plan.employee_id:
                    evaluator = plan.department_id.parent_id.manager_id
            plan.evaluator_id = evaluator

    @api.depends("plan_type", "date_start")
    def _compute_date_end(self):
        for plan in self:
            plan.date_end = (
                plan.date_start and period_bounds(plan.plan_type, plan.date_start)[1]
            )

    @api.depends("plan_type", "date_start", "employee_id", "department_id")
    def _compute_name(self):
        for plan in self:
            if not plan.date_start:
                continue
            # stored once: in the language of its owner (the employee's, else
            # the agency's)
            # sudo: the language of the owner, not shown
            lang = (
                plan.employee_id.sudo().user_id.lang
                or plan.company_id.sudo().partner_id.lang
                or self.env.lang
            )
            env = plan.with_context(lang=lang).env
            labels = dict(self._fields["plan_type"]._description_selection(env))
            if plan.plan_type == "personal_weekly":
                year, week, _day = plan.date_start.isocalendar()
                when = env._("week %(week)s/%(year)s", week=week, year=year)
            elif plan.plan_type == "unit_annual":
                when = str(plan.date_start.year)
            else:
                when = plan.date_start.strftime("%m/%Y")
            owner = (
                plan.employee_id.name
                if plan.plan_type not in UNIT_TYPES
                else plan.department_id.name
            )
            plan.name = " – ".join(
                filter(None, [labels.get(plan.plan_type), when, owner])
            )

    def _plan_tasks(self):
        """The tasks of the plans: registered in them, or cascaded from their lines."""
        Task = self.env["hr.kpi.task"]
        return Task.search(
            ["|", ("plan_id", "in", self.ids), ("plan_line_id.plan_id", "in", self.ids)]
        )

    @api.depends("task_ids.state", "line_ids.task_ids.state")
    def _compute_progress(self):
        tasks = self._plan_tasks() if self.ids else self.env["hr.kpi.task"]
        by_plan = {}
        for task in tasks:
            plan = task.plan_id or task.plan_line_id.plan_id
            by_plan.setdefault(plan.id, []).append(task)
        today = fields.Date.context_today(self)
        for plan in self:
            plan_tasks = [
                t for t in by_plan.get(plan._origin.id, []) if t.state != "cancelled"
            ]
            total = sum(t.converted_quantity for t in plan_tasks)
            done = sum(t.completed_quantity * t.coefficient for t in plan_tasks)
            plan.task_count = len(plan_tasks)
            plan.converted_total = total
            plan.converted_done = done
            plan.progress = min(100.0, 100.0 * done / total) if total else 0.0
            plan.overdue_count = sum(
                1
                for t in plan_tasks
                if t.state not in ("done", "to_confirm") and t.deadline < today
            )

    @api.depends_context("uid")
    @api.depends("evaluator_id", "department_id", "employee_id")
    def _compute_can_accept(self):
        for plan in self:
            plan.can_accept = plan._is_acceptor()

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------

    def _is_acceptor(self, user=None):
        """Who accepts or approves the plan: its evaluator, the employee's
        manager, a head of the unit (or of a parent unit), an HR officer."""
        self.ensure_one()
        user = user or self.env.user
        if user._is_superuser():
            return True
        # sudo: internal plan links and counts; rights checked by the caller
        plan = self.sudo()
        # nobody accepts his or her own plan, an HR officer neither
        if plan.employee_id.user_id == user and plan.scope == "personal":
            return False
        if user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return True
        if user in (plan.evaluator_id.user_id | plan.employee_id.parent_id.user_id):
            return True
        # sudo: internal plan links and counts; rights checked by the caller
        headed = user.sudo().kpi_head_department_ids
        return bool(
            headed
            and plan.department_id
            # sudo: internal plan links and counts; rights checked by the caller
            and plan.department_id.sudo().search_count(
                [
                    ("id", "=", plan.department_id.id),
                    ("id", "child_of", headed.ids),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        forced_evaluators = []
        for vals in vals_list:
            if not self.env.su:
                self._check_workflow_fields(vals, creating=True)
            if vals.get("date_start"):
                plan_type = vals.get("plan_type") or "personal_weekly"
                vals["date_start"] = period_bounds(
                    plan_type, fields.Date.to_date(vals["date_start"])
                )[0]
            if vals.get("plan_type", "personal_weekly") not in UNIT_TYPES and not (
                vals.get("employee_id")
            ):
                vals["employee_id"] = self.env.user.employee_id.id
            # who accepts the plan follows from its owner; only HR chooses
            # another one (the web client sends the computed value back)
            forced_evaluators.append(
                vals.pop("evaluator_id", None)
                if not self._may_set_evaluator()
                else None
            )
        plans = super().create(vals_list)
        for plan, forced in zip(plans, forced_evaluators, strict=True):
            if forced and forced != plan.evaluator_id.id:
                raise AccessError(self._evaluator_error())
        return plans

    def write(self, vals):
        if not self.env.su:
            self._check_workflow_fields(vals)
            if "evaluator_id" in vals and not self._may_set_evaluator():
                changed = self.filtered(
                    lambda p: p.evaluator_id.id != (vals["evaluator_id"] or False)
                )
                if any(not plan._is_acceptor() for plan in changed):
                    raise AccessError(self._evaluator_error())
        return super().write(vals)

    @api.model
    def _check_workflow_fields(self, vals, creating=False):
        """The state and the acceptance of a plan change only through its
        buttons: a plan is created as a draft, whatever the client sends."""
        keys = set(vals) & PLAN_WORKFLOW_FIELDS
        if creating and vals.get("state", "draft") == "draft":
            keys.discard("state")
        if keys:
            raise UserError(
                self.env._("The state of a plan changes only through its buttons.")
            )

    def _may_set_evaluator(self):
        return self.env.su or self.env.user.has_group(
            "l10n_vn_hr_kpi.group_kpi_hr_officer"
        )

    def _evaluator_error(self):
        return self.env._(
            "Who accepts a plan follows from its owner's manager; only the "
            "evaluator, the head of the unit or an HR officer can change it."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_accepted(self):
        if any(plan.state not in ("draft", "submitted") for plan in self):
            raise UserError(self.env._("Accepted plans cannot be deleted."))

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def _set_state(self, vals):
        """Write the workflow fields; the action calling it checked the caller."""
        # sudo: the workflow fields are written only here, after the checks
        self.sudo().write(vals)

    def action_submit(self):
        """The employee registers the plan with the evaluator."""
        for plan in self:
            plan._check_can_submit()
            if plan.state != "draft":
                raise UserError(
                    self.env._("Plan %(name)s is not a draft.", name=plan.name)
                )
            if plan.scope == "personal" and not plan.task_ids:
                raise UserError(
                    self.env._("Plan %(name)s has no task to register.", name=plan.name)
                )
        self._set_state({"state": "submitted"})
        for plan in self.filtered("evaluator_id.user_id"):
            plan.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=plan.evaluator_id.user_id.id,
                summary=self.env._("Accept the plan %(name)s", name=plan.name),
            )

    def _check_can_submit(self):
        """The owner registers a personal plan; whoever may edit a unit plan
        registers it; the acceptor may do it for them."""
        self.ensure_one()
        if self.scope == "personal" and self.employee_id.user_id == self.env.user:
            return
        if self._is_acceptor():
            return
        if self.scope == "unit":
            # raises if the user cannot edit the plan (record rules)
            self.check_access("write")
            return
        raise AccessError(
            self.env._("Only the owner registers plan %(name)s.", name=self.name)
        )

    def action_accept(self):
        """The evaluator accepts a personal plan (its tasks count, their deadlines
        become commitments) or approves a unit plan."""
        for plan in self:
            if not plan._is_acceptor():
                raise AccessError(
                    self.env._(
                        "Only the evaluator or the head of the unit accepts plan "
                        "%(name)s.",
                        name=plan.name,
                    )
                )
            if plan.state not in ("draft", "submitted"):
                raise UserError(
                    self.env._(
                        "Plan %(name)s is already accepted or closed.", name=plan.name
                    )
                )
        # sudo: internal plan links and counts; rights checked by the caller
        tasks = self.sudo().task_ids.filtered(lambda t: t.state != "cancelled")
        for deadline, group in tasks.grouped("deadline").items():
            # sudo: the acceptor commits the plan's tasks (checked above)
            group.sudo().write(
                {"assignment_confirmed": True, "committed_deadline": deadline}
            )
        # registered by the employee: the acceptor becomes the assigner
        acceptor = self.env.user.employee_id
        unassigned = tasks.filtered(lambda t: not t.assigner_id)
        if acceptor and unassigned:
            # sudo: the acceptor commits the plan's tasks (checked above)
            unassigned.sudo().write({"assigner_id": acceptor.id})
        self._set_state(
            {
                "state": "accepted",
                "accepted_by_id": self.env.uid,
                "accepted_date": fields.Date.context_today(self),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_reset_draft(self):
        for plan in self:
            if plan.state == "submitted" and plan.employee_id.user_id == (
                self.env.user
            ):
                continue
            if not plan._is_acceptor():
                raise AccessError(
                    self.env._(
                        "Only the evaluator returns plan %(name)s to draft.",
                        name=plan.name,
                    )
                )
        self._set_state({"state": "draft"})

    def action_close(self):
        for plan in self:
            if not plan._is_acceptor():
                raise AccessError(
                    self.env._(
                        "Only the evaluator or the head closes plan %(name)s.",
                        name=plan.name,
                    )
                )
        self._set_state({"state": "closed"})

    def action_open_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action"
        )
        action["domain"] = [
            "|",
            ("plan_id", "=", self.id),
            ("plan_line_id.plan_id", "=", self.id),
        ]
        action["context"] = {
            "default_plan_id": self.id if self.scope == "personal" else False,
            "default_employee_id": self.employee_id.id,
        }
        return action

    def action_add_open_tasks(self):
        """Put the owner's open tasks due in the period into the personal plan."""
        for plan in self:
            if plan.scope != "personal":
                continue
            tasks = self.env["hr.kpi.task"].search(
                [
                    ("employee_id", "=", plan.employee_id.id),
                    ("plan_id", "=", False),
                    ("state", "in", ("todo", "in_progress")),
                    ("deadline", ">=", plan.date_start),
                    ("deadline", "<=", plan.date_end),
                ]
            )
            tasks.write({"plan_id": plan.id})
        return True
