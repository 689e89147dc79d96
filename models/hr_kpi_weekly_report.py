"""Weekly report (báo cáo nhiệm vụ hàng tuần): per person and ISO week, generated
from the week's tasks, submitted to the evaluator, who comments."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What the author writes (in draft); what the evaluator writes.
AUTHOR_FIELDS = {"problems", "proposals", "line_ids"}
REPORT_EVALUATOR_FIELDS = {"evaluator_comment"}
REPORT_WORKFLOW_FIELDS = {"state", "submitted_date", "reviewed_by_id", "reviewed_date"}
# The running score of the month, read from the appraisal.
RUNNING_SCORE_FIELDS = (
    "kpi_quantity",
    "kpi_quality",
    "kpi_progress",
    "kpi_percent",
    "task_score",
    "task_delay_count",
)


def week_start(day):
    return day - timedelta(days=day.weekday())


class HrKpiWeeklyReport(models.Model):
    _name = "hr.kpi.weekly.report"
    _description = "Weekly task report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, employee_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    employee_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        check_company=True,
        default=lambda self: self.env.user.employee_id,
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="Author user")
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_from_employee",
        store=True,
        precompute=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_from_employee",
        store=True,
        precompute=True,
        required=True,
        index=True,
    )
    evaluator_id = fields.Many2one(
        "hr.employee",
        compute="_compute_evaluator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
    )
    date_start = fields.Date(
        string="Week of",
        required=True,
        index=True,
        default=lambda self: week_start(fields.Date.context_today(self)),
    )
    date_end = fields.Date(compute="_compute_week", store=True)
    iso_year = fields.Integer(compute="_compute_week", store=True)
    iso_week = fields.Integer(string="Week", compute="_compute_week", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted"), ("reviewed", "Reviewed")],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "hr.kpi.weekly.report.line", "report_id", string="Tasks of the week"
    )
    done_count = fields.Integer(compute="_compute_counts")
    in_progress_count = fields.Integer(compute="_compute_counts")
    late_count = fields.Integer(compute="_compute_counts")
    problems = fields.Text(string="Problems, obstacles")
    proposals = fields.Text()
    evaluator_comment = fields.Text(tracking=True)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Datetime(readonly=True, copy=False)
    is_missing = fields.Boolean(
        compute="_compute_is_missing",
        search="_search_is_missing",
        help="The week is over and the report was not submitted.",
    )
    # the running score of the month the week starts in
    appraisal_id = fields.Many2one("hr.kpi.appraisal", compute="_compute_appraisal_id")
    kpi_quantity = fields.Float(
        string="a. Quantity (%)", compute="_compute_appraisal_id"
    )
    kpi_quality = fields.Float(string="b. Quality (%)", compute="_compute_appraisal_id")
    kpi_progress = fields.Float(
        string="c. Progress (%)", compute="_compute_appraisal_id"
    )
    kpi_percent = fields.Float(string="KPI (%)", compute="_compute_appraisal_id")
    task_score = fields.Float(compute="_compute_appraisal_id")
    task_delay_count = fields.Integer(
        string="Delays counted", compute="_compute_appraisal_id"
    )

    _sql_constraints = [
        (
            "employee_week_uniq",
            "UNIQUE(employee_id, date_start)",
            "A person has one report per week.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("employee_id")
    def _compute_from_employee(self):
        for report in self:
            report.department_id = report.employee_id.department_id
            report.company_id = report.employee_id.company_id or self.env.company

    @api.depends("employee_id")
    def _compute_evaluator_id(self):
        for report in self:
            employee = report.employee_id
            evaluator = employee.parent_id or employee.department_id.manager_id
            report.evaluator_id = evaluator if evaluator != employee else False

    @api.depends("date_start")
    def _compute_week(self):
        for report in self:
            if not report.date_start:
                report.date_end = report.iso_year = report.iso_week = False
                continue
            year, week, _day = report.date_start.isocalendar()
            report.date_end = report.date_start + timedelta(days=6)
            report.iso_year = year
            report.iso_week = week

    @api.depends("employee_id", "iso_week", "iso_year")
    def _compute_name(self):
        for report in self:
            # stored once: in the language of the person it is about
            # sudo: the language of the employee's user, not shown
            employee = report.employee_id.sudo()
            lang = (
                employee.user_id.lang
                or employee.company_id.partner_id.lang
                or self.env.lang
            )
            report.name = report.with_context(lang=lang).env._(
                "Week %(week)s/%(year)s – %(employee)s",
                week=report.iso_week,
                year=report.iso_year,
                employee=report.employee_id.name or "",
            )

    @api.depends("line_ids.bucket")
    def _compute_counts(self):
        for report in self:
            buckets = report.line_ids.mapped("bucket")
            report.done_count = buckets.count("done")
            report.in_progress_count = buckets.count("in_progress")
            report.late_count = buckets.count("late")

    @api.depends("state", "date_end")
    def _compute_is_missing(self):
        today = fields.Date.context_today(self)
        for report in self:
            report.is_missing = report.state == "draft" and report.date_end < today

    def _search_is_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on 'Missing'."))
        today = fields.Date.context_today(self)
        domain = [("state", "=", "draft"), ("date_end", "<", today)]
        if (operator == "=") == value:
            return domain
        return ["|", ("state", "!=", "draft"), ("date_end", ">=", today)]

    @api.depends("employee_id", "date_start")
    def _compute_appraisal_id(self):
        dated = self.filtered("date_start")
        appraisals = self.env["hr.kpi.appraisal"]
        if dated:
            appraisals = appraisals.search(
                [
                    ("employee_id", "in", dated.employee_id.ids),
                    ("period_id.date_start", "<=", max(dated.mapped("date_start"))),
                    ("period_id.date_end", ">=", min(dated.mapped("date_start"))),
                ]
            )
        for report in self:
            appraisal = appraisals.filtered(
                lambda a, r=report: (
                    a.employee_id == r.employee_id
                    and a.period_id.date_start <= r.date_start <= a.period_id.date_end
                )
            )[:1]
            report.appraisal_id = appraisal
            for fname in RUNNING_SCORE_FIELDS:
                report[fname] = appraisal[fname] if appraisal else 0

    # ------------------------------------------------------------------
    # CRUD and rights
    # ------------------------------------------------------------------

    def _is_reviewer(self, user=None):
        """The evaluator, the author's manager or an HR officer; never the
        author of the report."""
        self.ensure_one()
        user = user or self.env.user
        if user._is_superuser():
            return True
        # sudo: reports are built from the tasks of their author (system job)
        report = self.sudo()
        if report.employee_id.user_id == user:
            return False
        if user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return True
        return user in (
            report.evaluator_id.user_id | report.employee_id.parent_id.user_id
        )

    @api.model_create_multi
    def create(self, vals_list):
        forced_evaluators = []
        for vals in vals_list:
            if not self.env.su:
                # a report starts as a draft of its author: the workflow and the
                # evaluator's fields are written by the buttons and the evaluator
                refused = set(vals) & (REPORT_WORKFLOW_FIELDS | REPORT_EVALUATOR_FIELDS)
                if vals.get("state", "draft") == "draft":
                    refused.discard("state")
                if refused:
                    raise UserError(
                        self.env._(
                            "A weekly report starts as a draft: %(fields)s are set "
                            "later, through its buttons.",
                            fields=", ".join(sorted(refused)),
                        )
                    )
            # the evaluator follows from the author (the web client sends the
            # computed value back)
            forced_evaluators.append(
                None if self.env.su else vals.pop("evaluator_id", None)
            )
            if vals.get("date_start"):
                vals["date_start"] = week_start(fields.Date.to_date(vals["date_start"]))
        reports = super().create(vals_list)
        for report, forced in zip(reports, forced_evaluators, strict=True):
            if forced and forced != report.evaluator_id.id:
                raise AccessError(
                    self.env._(
                        "The evaluator of a weekly report is the author's manager."
                    )
                )
        # sudo: reports are built from the tasks of their author (system job)
        reports.sudo()._generate_lines()
        return reports

    def write(self, vals):
        if not self.env.su:
            keys = set(vals)
            if keys & REPORT_WORKFLOW_FIELDS:
                raise UserError(
                    self.env._("A weekly report changes state through its buttons.")
                )
            for report in self:
                allowed = {f for f in keys if f.startswith(("message_", "activity_"))}
                if report.employee_id.user_id == self.env.user and (
                    report.state == "draft"
                ):
                    allowed |= AUTHOR_FIELDS
                if report._is_reviewer():
                    allowed |= REPORT_EVALUATOR_FIELDS | AUTHOR_FIELDS
                refused = keys - allowed
                if refused:
                    raise AccessError(
                        self.env._(
                            "%(report)s: you cannot change %(fields)s now.",
                            report=report.name,
                            fields=", ".join(sorted(refused)),
                        )
                    )
        if "date_start" in vals:
            vals["date_start"] = week_start(fields.Date.to_date(vals["date_start"]))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Generation from the tasks
    # ------------------------------------------------------------------

    def _generate_lines(self):
        """(Re)build the lines of draft reports from the tasks of their week:

        * done: completed during the week (flagged late when after the deadline);
        * late: not completed and the deadline has passed;
        * in progress: open, due within the week or already started.
        """
        reports = self.filtered(lambda r: r.state == "draft")
        if not reports:
            return
        reports.line_ids.unlink()
        today = fields.Date.context_today(self)
        tasks = self.env["hr.kpi.task"].search(
            [
                ("employee_id", "in", reports.employee_id.ids),
                ("state", "!=", "cancelled"),
                "|",
                "&",
                ("date_done", ">=", min(reports.mapped("date_start"))),
                ("date_done", "<=", max(reports.mapped("date_end"))),
                ("state", "in", ("todo", "in_progress")),
            ],
            order="deadline, id",
        )
        by_employee = tasks.grouped("employee_id")
        vals_list = []
        for report in reports:
            ref_day = min(today, report.date_end)
            for task in by_employee.get(report.employee_id, []):
                bucket = False
                if task.state in ("to_confirm", "done"):
                    if task.date_done and (
                        report.date_start <= task.date_done <= report.date_end
                    ):
                        bucket = "done"
                elif task.deadline < ref_day:
                    bucket = "late"
                elif task.deadline <= report.date_end or task.state == "in_progress":
                    bucket = "in_progress"
                if not bucket:
                    continue
                vals_list.append(
                    {
                        "report_id": report.id,
                        "task_id": task.id,
                        "bucket": bucket,
                        "deadline": task.deadline,
                        "quantity": task.quantity,
                        "completed_quantity": task.completed_quantity,
                        "is_late": bool(
                            task.date_done
                            and task.deadline
                            and task.date_done > task.deadline
                        ),
                        "note": task.progress_note,
                    }
                )
        self.env["hr.kpi.weekly.report.line"].create(vals_list)

    def action_generate(self):
        for report in self:
            if report.state != "draft":
                raise UserError(
                    self.env._(
                        "%(report)s is submitted: it is no longer generated.",
                        report=report.name,
                    )
                )
            if not (
                report.employee_id.user_id == self.env.user or report._is_reviewer()
            ):
                raise AccessError(
                    self.env._("Only the author or the evaluator updates the report.")
                )
        # sudo: reports are built from the tasks of their author (system job)
        self.sudo()._generate_lines()
        return True

    def action_submit(self):
        for report in self:
            if report.state != "draft":
                raise UserError(
                    self.env._("%(report)s is already submitted.", report=report.name)
                )
            if not (
                report.employee_id.user_id == self.env.user or report._is_reviewer()
            ):
                raise AccessError(
                    self.env._(
                        "Only the author submits %(report)s.", report=report.name
                    )
                )
        # sudo: reports are built from the tasks of their author (system job)
        self.sudo()._generate_lines()
        # sudo: the workflow fields are written by the buttons only (checked above)
        self.sudo().write(
            {"state": "submitted", "submitted_date": fields.Datetime.now()}
        )
        for report in self.filtered("evaluator_id.user_id"):
            report.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=report.evaluator_id.user_id.id,
                summary=self.env._(
                    "Read the weekly report %(report)s", report=report.name
                ),
            )
        return True

    def action_review(self):
        for report in self:
            if report.state != "submitted":
                raise UserError(
                    self.env._("%(report)s is not submitted yet.", report=report.name)
                )
            if not report._is_reviewer():
                raise AccessError(
                    self.env._(
                        "Only the evaluator reviews %(report)s.", report=report.name
                    )
                )
        # sudo: the workflow fields are written by the buttons only (checked above)
        self.sudo().write(
            {
                "state": "reviewed",
                "reviewed_by_id": self.env.uid,
                "reviewed_date": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_reset_draft(self):
        for report in self:
            if not report._is_reviewer():
                raise AccessError(
                    self.env._(
                        "Only the evaluator returns %(report)s to its author.",
                        report=report.name,
                    )
                )
        # sudo: the workflow fields are written by the buttons only (checked above)
        self.sudo().write({"state": "draft"})
        return True

    def action_open_week_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action_week"
        )
        action["domain"] = [
            ("employee_id", "=", self.employee_id.id),
            ("state", "!=", "cancelled"),
            "|",
            "&",
            ("deadline", ">=", self.date_start),
            ("deadline", "<=", self.date_end),
            ("id", "in", self.line_ids.task_id.ids),
        ]
        action["context"] = {"default_employee_id": self.employee_id.id}
        return action

    # ------------------------------------------------------------------
    # The week of a team
    # ------------------------------------------------------------------

    @api.model
    def _prepare_week(self, day=None, employees=None):
        """Create the missing draft reports of the week containing ``day`` for
        ``employees`` (by default, everyone with an appraisal in the month), so
        that missing reports are visible to the evaluator and the head."""
        start = week_start(day or fields.Date.context_today(self))
        if employees is None:
            # sudo: reports are built from the tasks of their author (system job)
            employees = (
                self.env["hr.kpi.appraisal"]
                .sudo()
                .search(
                    [
                        ("period_id.date_start", "<=", start),
                        ("period_id.date_end", ">=", start),
                    ]
                )
                .employee_id
            )
        # sudo: reports are built from the tasks of their author (system job)
        existing = (
            self.sudo()
            .search([("employee_id", "in", employees.ids), ("date_start", "=", start)])
            .employee_id
        )
        # sudo: reports are built from the tasks of their author (system job)
        return self.sudo().create(
            [
                {"employee_id": employee.id, "date_start": start}
                for employee in employees - existing
            ]
        )

    @api.model
    def action_prepare_team_week(self):
        """The evaluator opens the week's reports of his or her staff."""
        me = self.env.user.employee_ids
        staff = self.env["hr.employee"].search(
            ["|", ("parent_id", "in", me.ids), ("id", "in", me.ids)]
        )
        self._prepare_week(employees=staff)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_weekly_report_action_team"
        )
        return action

    @api.model
    def action_open_my_week(self):
        """My week: the current week's report of the user, created if needed."""
        employee = self.env.user.employee_id
        if not employee:
            raise UserError(self.env._("Your user is not linked to an employee."))
        start = week_start(fields.Date.context_today(self))
        report = self.search(
            [("employee_id", "=", employee.id), ("date_start", "=", start)], limit=1
        )
        if not report:
            report = self._prepare_week(start, employee)
        elif report.state == "draft":
            # sudo: reports are built from the tasks of their author (system job)
            report.sudo()._generate_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("My Week"),
            "res_model": self._name,
            "res_id": report.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def _cron_prepare_week(self):
        self._prepare_week()
