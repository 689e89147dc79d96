import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import split_every

from ..const import DECIDED_STATES

_logger = logging.getLogger(__name__)


class HrKpiPeriod(models.Model):
    _name = "hr.kpi.period"
    _description = "KPI evaluation period (month)"
    _inherit = ["mail.thread"]
    _order = "date_start desc, company_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        tracking=True,
    )
    date_end = fields.Date(compute="_compute_date_end", store=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set",
        compute="_compute_rule_set_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Rule set given to the appraisals created in the period.",
    )
    # Deadline calendar: days of the next month, from the rule set
    date_self_evaluation = fields.Date(
        string="Self-evaluation by", compute="_compute_calendar", store=True
    )
    date_review = fields.Date(
        string="Review by", compute="_compute_calendar", store=True
    )
    date_decision = fields.Date(
        string="Decision by", compute="_compute_calendar", store=True
    )
    date_summary = fields.Date(
        string="Summary by", compute="_compute_calendar", store=True
    )
    appeal_days = fields.Integer(
        string="Appeal window (days)",
        compute="_compute_calendar",
        store=True,
        help="Days after publication during which an appraisal may be appealed: "
        "working days of the company's calendar or calendar days, as the rule set "
        "says.",
    )
    date_lock = fields.Date(
        string="Closes after",
        compute="_compute_calendar",
        store=True,
        index=True,
        help="Last deadline: the summary date plus the appeal window (in working "
        "or calendar days, as the rule set says). The daily job closes the period "
        "the day after.",
    )
    appraisal_ids = fields.One2many("hr.kpi.appraisal", "period_id")
    kpi_open_run_ids = fields.One2many(
        "hr.kpi.period.open.run",
        "period_id",
        string="Openings in the background",
        groups="l10n_vn_hr_kpi.group_kpi_focal_point",
    )
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")
    # the current user's queues in the period (the Overview screen)
    kpi_my_self_count = fields.Integer(
        string="My self-evaluation to submit", compute="_compute_kpi_my_queues"
    )
    kpi_my_review_count = fields.Integer(
        string="To review", compute="_compute_kpi_my_queues"
    )
    kpi_my_decide_count = fields.Integer(
        string="To decide", compute="_compute_kpi_my_queues"
    )

    _sql_constraints = [
        (
            "company_month_uniq",
            "UNIQUE(company_id, date_start)",
            "A company has one period per month.",
        ),
        (
            "month_start_check",
            "CHECK(EXTRACT(DAY FROM date_start) = 1)",
            "A period starts on the first day of a month.",
        ),
    ]

    @api.depends("date_start")
    def _compute_name(self):
        for period in self:
            period.name = period.date_start and period.date_start.strftime("%m/%Y")

    @api.depends("date_start")
    def _compute_date_end(self):
        for period in self:
            period.date_end = period.date_start and (
                period.date_start + relativedelta(day=31)
            )

    @api.depends(
        "date_start",
        "company_id",
        "rule_set_id.self_evaluation_day",
        "rule_set_id.review_day",
        "rule_set_id.decision_day",
        "rule_set_id.summary_day",
        "rule_set_id.appeal_days",
        "rule_set_id.appeal_day_kind",
    )
    def _compute_calendar(self):
        last_deadlines = {}
        for period in self:
            rule_set = period.rule_set_id
            period.appeal_days = rule_set.appeal_days
            if not (period.date_start and rule_set):
                period.update(
                    dict.fromkeys(
                        (
                            "date_self_evaluation",
                            "date_review",
                            "date_decision",
                            "date_summary",
                            "date_lock",
                        ),
                        False,
                    )
                )
                continue
            next_month = period.date_start + relativedelta(months=1)

            def day_of_next_month(day, next_month=next_month):
                # relativedelta(day=31) stops at the last day of a short month
                return next_month + relativedelta(day=max(day, 1))

            period.date_self_evaluation = day_of_next_month(
                rule_set.self_evaluation_day
            )
            period.date_review = day_of_next_month(rule_set.review_day)
            period.date_decision = day_of_next_month(rule_set.decision_day)
            period.date_summary = day_of_next_month(rule_set.summary_day)
            last_deadlines[period] = max(
                period.date_self_evaluation,
                period.date_review,
                period.date_decision,
                period.date_summary,
            )
        # the appeal window after the last deadline, counted as the rule set
        # says (working days of the company's calendar by default)
        periods = list(last_deadlines)
        locks = self.env["hr.kpi.calendar"]._kpi_deadlines(
            [
                (
                    period.company_id,
                    last_deadlines[period],
                    period.rule_set_id.appeal_days,
                    period.rule_set_id.appeal_day_kind or "working",
                )
                for period in periods
            ]
        )
        for period, date_lock in zip(periods, locks, strict=True):
            period.date_lock = date_lock

    def _kpi_recompute_open_deadlines(self, companies):
        """Recompute the closing date of the open months of these companies
        (their working calendar or public holidays changed)."""
        if not companies:
            return
        # sudo: periods are company data maintained by the system (cron, links)
        periods = self.sudo().search(
            [("company_id", "in", companies.ids), ("state", "=", "open")]
        )
        self.env.add_to_compute(self._fields["date_lock"], periods)

    @api.depends("date_start", "company_id")
    def _compute_rule_set_id(self):
        RuleSet = self.env["hr.kpi.rule.set"]
        for period in self:
            if period.date_start and not period.rule_set_id:
                period.rule_set_id = RuleSet._get_for_date(
                    period.company_id, period.date_start
                )
            else:
                period.rule_set_id = period.rule_set_id

    def _kpi_rule_set_for(self, category):
        """The rule set of this month for a staff category: the category's own
        one in force on the first day, else the month's rule set."""
        self.ensure_one()
        if category:
            own = self.env["hr.kpi.rule.set"]._get_for_date(
                self.company_id, self.date_start, category
            )
            if own.staff_category:
                return own
        return self.rule_set_id

    def _kpi_check_no_open_run(self):
        """One background run of a month at a time: opening or recomputing the
        month while the jobs of a run are in progress is refused."""
        self.env["hr.kpi.period.open.run"]._kpi_end_stale_runs(self)
        # sudo: whether a run is in progress, for a check (nothing is shown)
        running = (
            self.env["hr.kpi.period.open.run"]
            .sudo()
            .search_count(
                [("period_id", "in", self.ids), ("state", "=", "running")], limit=1
            )
        )
        if running:
            raise UserError(
                self.env._(
                    "A background run of this month (opening or recomputing it) "
                    "is in progress: wait for it to end, or cancel it, before "
                    "starting another."
                )
            )

    def _kpi_prepare_appraisal_vals(self, employee, config, rule_sets):
        """Values of the appraisal of ``employee`` in this month from his
        configuration in force. ``rule_sets``: a dict, staff category -> rule
        set of the month, filled as the categories come (one search each)."""
        self.ensure_one()
        category = config.staff_category
        if category not in rule_sets:
            rule_sets[category] = self._kpi_rule_set_for(category)
        vals = {
            "employee_id": employee.id,
            "period_id": self.id,
            "department_id": config.department_id.id or employee.department_id.id,
            "subject_group": config.subject_group,
            "task_group": config.task_group or False,
            "evaluator_employee_id": config.evaluator_id.id,
            "decider_employee_id": config.decider_id.id,
            "staff_category": config.staff_category,
            "rule_set_id": (config.rule_set_id or rule_sets[category]).id,
        }
        if config.job_id:
            vals["job_title"] = config.job_id.name
        return vals

    def _kpi_open_employees(self, employees, groups, batch_size):
        """Create the missing appraisals of ``employees`` in this month from
        their configuration in force (subject groups ``groups`` only), by
        batches of ``batch_size``. Idempotent: an employee who already has an
        appraisal of the month is counted, not created again. The caller checks
        the rights (this runs as superuser on the whole scope).

        :return: ``(created, existing, [(employee, reason)])``: the employees
            whose appraisal was created, those who had one, and those left out
            with the reason
        """
        self.ensure_one()
        Appraisal = self.env["hr.kpi.appraisal"]
        Config = self.env["hr.kpi.evaluation.config"]
        in_force = Config._get_in_force(employees, self.date_start)
        reasons = Config._check_evaluable(employees, self.date_start, in_force=in_force)
        existing = {
            employee.id
            for [employee] in Appraisal._read_group(
                [("period_id", "=", self.id), ("employee_id", "in", employees.ids)],
                ["employee_id"],
            )
        }
        vals_list, skipped, rule_sets = [], [], {}
        for employee in employees:
            if employee.id in existing:
                continue
            if employee in reasons:
                skipped.append((employee, reasons[employee]))
                continue
            config = in_force[employee]
            if config.subject_group not in groups:
                continue
            vals_list.append(
                self._kpi_prepare_appraisal_vals(employee, config, rule_sets)
            )
        # no "created" message nor creator follower per appraisal: a month of a
        # city is hundreds of thousands of appraisals. No tracking template at
        # creation either (the appraisal has none): without mail_notrack the
        # mail thread queues one pre-commit call per created appraisal, 200,000
        # calls (about 8 s at N = 200,000) paid by whatever flushes next in the
        # transaction, e.g. a head's decision
        Creator = Appraisal.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
        )
        for batch in split_every(batch_size, vals_list):
            # the created records without the creation keys: later writes of
            # this transaction are tracked as usual
            appraisals = Appraisal.browse(Creator.create(batch).ids)
            self.env["hr.kpi.notifier"]._sync_activities(appraisals)
            self._kpi_appraisals_opened(appraisals)
            if len(vals_list) > batch_size:
                # score and write this batch, then free the memory it used
                self.env.flush_all()
                self.env.invalidate_all()
        Employee = self.env["hr.employee"]
        created = Employee.browse([vals["employee_id"] for vals in vals_list])
        return created, Employee.browse(sorted(existing)), skipped

    def _kpi_appraisals_opened(self, appraisals):
        """Hook: ``appraisals`` of this month were just created by its opening
        (a batch; the notifications tell their staff)."""

    def _compute_appraisal_count(self):
        counts = dict(
            self.env["hr.kpi.appraisal"]._read_group(
                [("period_id", "in", self.ids)], ["period_id"], ["__count"]
            )
        )
        for period in self:
            period.appraisal_count = counts.get(period, 0)

    @api.depends_context("uid")
    def _compute_kpi_my_queues(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        queues = {
            "kpi_my_self_count": Appraisal._kpi_domain_my_self(),
            "kpi_my_review_count": Appraisal._kpi_domain_to_review(),
            "kpi_my_decide_count": Appraisal._kpi_domain_to_decide(),
        }
        counts = {
            fname: dict(
                Appraisal._read_group(
                    [("period_id", "in", self.ids), *domain], ["period_id"], ["__count"]
                )
            )
            for fname, domain in queues.items()
        }
        for period in self:
            for fname in queues:
                period[fname] = counts[fname].get(period, 0)

    def _kpi_open_queue(self, domain, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action.update(
            {
                "name": name,
                "domain": [("period_id", "=", self.id), *domain],
                "context": {"create": False},
            }
        )
        return action

    def action_open_my_self(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        return self._kpi_open_queue(
            Appraisal._kpi_domain_my_self(), self.env._("My self-evaluation")
        )

    def action_open_to_review(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        return self._kpi_open_queue(
            Appraisal._kpi_domain_to_review(), self.env._("To Review")
        )

    def action_open_to_decide(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        return self._kpi_open_queue(
            Appraisal._kpi_domain_to_decide(), self.env._("To Decide")
        )

    @api.constrains("date_start")
    def _check_first_day(self):
        for period in self:
            if period.date_start.day != 1:
                raise ValidationError(
                    self.env._("A period starts on the first day of a month.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_start"):
                vals["date_start"] = fields.Date.to_date(vals["date_start"]).replace(
                    day=1
                )
        periods = super().create(vals_list)
        self.env["hr.kpi.task"]._link_periods_for(periods)
        return periods

    def write(self, vals):
        res = super().write(vals)
        if {"date_start", "company_id"} & set(vals):
            self.env["hr.kpi.task"]._link_periods_for(self, relink=True)
        return res

    @api.model
    def _get_for_dates(self, company_date_pairs):
        """Map (company id, date) pairs to the period containing them."""
        pairs = {(c, d) for c, d in company_date_pairs if c and d}
        if not pairs:
            return {}
        dates = [d for _c, d in pairs]
        # sudo: periods are company data maintained by the system (cron, links)
        periods = self.sudo().search(
            [
                ("company_id", "in", list({c for c, _d in pairs})),
                ("date_start", "<=", max(dates)),
                ("date_end", ">=", min(dates)),
            ]
        )
        by_month = {(p.company_id.id, p.date_start): p for p in periods}
        return {
            (c, d): by_month.get((c, d.replace(day=1)), self.browse()).id
            for c, d in pairs
        }

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cron_manage_periods(self):
        """Open the current month for every company that has no period for it,
        then close the open periods whose last deadline has passed."""
        today = fields.Date.context_today(self)
        self._open_month_for_companies(today.replace(day=1))
        self._close_expired(today)

    @api.model
    def _open_month_for_companies(self, month_start, companies=None):
        """Create the period of ``month_start`` for the companies without one
        (idempotent); companies without a rule set in force are left out."""
        companies = (
            companies if companies is not None else self.env["res.company"].search([])
        )
        # sudo: periods are company data maintained by the system (cron, links)
        Period = self.sudo().with_context(active_test=False)
        have = set(
            Period.search(
                [("company_id", "in", companies.ids), ("date_start", "=", month_start)]
            ).company_id.ids
        )
        # sudo: periods are company data maintained by the system (cron, links)
        RuleSet = self.env["hr.kpi.rule.set"].sudo()
        vals_list = []
        for company in companies:
            if company.id in have:
                continue
            rule_set = RuleSet._get_for_date(company, month_start)
            if not rule_set:
                _logger.info(
                    "KPI: no rule set in force on %s for %s, no period opened",
                    month_start,
                    company.name,
                )
                continue
            vals_list.append(
                {
                    "company_id": company.id,
                    "date_start": month_start,
                    "rule_set_id": rule_set.id,
                }
            )
        return Period.create(vals_list)

    @api.model
    def _close_expired(self, today):
        """Close the open periods whose last deadline is before ``today``; the
        appraisals are then locked by the workflow when it provides
        ``_kpi_auto_lock``."""
        # sudo: periods are company data maintained by the system (cron, links)
        periods = self.sudo().search(
            [("state", "=", "open"), ("date_lock", "<", today)]
        )
        if not periods:
            return periods
        periods.write({"state": "closed"})
        Appraisal = self.env["hr.kpi.appraisal"]
        Run = self.env["hr.kpi.period.open.run"]
        for period in periods:
            # sudo: the system locks the month's results (cron)
            to_lock = Appraisal.sudo().search(
                [("period_id", "=", period.id), *Appraisal._kpi_auto_lock_domain()]
            )
            threshold = period.company_id.kpi_open_job_threshold
            if threshold and len(to_lock) >= threshold:
                # a city's month: locked by background jobs, each a batch of
                # its own transaction, not in the cron's one request
                Run._kpi_start_lock(period, to_lock)
            elif to_lock:
                to_lock._kpi_auto_lock()
        return periods

    def action_open_month_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_period_open_action"
        )
        action["context"] = {"default_period_id": self.id}
        return action

    def _kpi_check_can_recompute(self):
        """Recomputing the scores of a month is the HR officer's, on an open
        period only."""
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            raise AccessError(
                self.env._("Only the HR officer may recompute the scores of a month.")
            )
        self.check_access("write")
        closed = self.filtered(lambda period: period.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "The scores of a closed period are kept as they were: %s.",
                    ", ".join(closed.mapped("name")),
                )
            )

    def _kpi_check_can_pass_company(self):
        """The company-wide quota check and Mẫu 02A of the company read every
        unit's month: the HR officer's, in his companies."""
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            raise AccessError(
                self.env._(
                    "Only the HR officer may check the quotas or prepare the "
                    "agency summary of the whole company."
                )
            )
        self.check_access("read")

    def _kpi_company_pass_if_large(self, kind):
        """From the company's threshold, start the company-wide ``kind``
        (quota, agency_summary) of this month as background jobs, HR only,
        and return the run's form; below it return None (the caller does it
        inline, with its own checks)."""
        self.ensure_one()
        threshold = self.company_id.kpi_open_job_threshold
        if not threshold:
            return None
        # sudo: counted for the threshold only; nothing is shown
        count = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search_count([("period_id", "=", self.id)], limit=threshold)
        )
        if count < threshold:
            return None
        self._kpi_check_can_pass_company()
        self._kpi_check_no_open_run()
        run = self.env["hr.kpi.period.open.run"]._kpi_start_company_pass(self, kind)
        return run._kpi_action_open()

    def action_check_quotas(self):
        """The quota of every unit of the month (HR): the units over their
        cap. From the company's threshold, as background jobs."""
        self.ensure_one()
        self._kpi_check_can_pass_company()
        action = self._kpi_company_pass_if_large("quota")
        if action:
            return action
        # sudo: the company's month, rights checked above
        appraisals = (
            self.env["hr.kpi.appraisal"].sudo().search([("period_id", "=", self.id)])
        )
        rows = self.env["hr.kpi.quota"]._kpi_unit_rows(appraisals)
        over = [row for row in rows if not row["holds"]]
        message = self.env._(
            "%(over)s of %(units)s units over their quota.",
            over=len(over),
            units=len(rows),
        )
        if over:
            message += " " + ", ".join(
                f"{row['unit']} ({row['count']}/{row['cap']})" for row in over
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if over else "success",
                "message": message,
                "sticky": bool(over),
            },
        }

    def action_recompute_scores(self):
        """Recompute every score of the periods' appraisals not yet decided
        (after a correction of the rule set, of tasks imported in bulk...), by
        batches: HR only. A decided appraisal is a snapshot: it is reopened,
        or its published result corrected by a replacement decision. From the
        company's threshold, as chained background jobs (one run per month)."""
        self._kpi_check_can_recompute()
        self._kpi_check_no_open_run()
        appraisals = self.env["hr.kpi.appraisal"].search(
            [("period_id", "in", self.ids), ("state", "not in", DECIDED_STATES)]
        )
        if len(self) == 1:
            threshold = self.company_id.kpi_open_job_threshold
            if threshold and len(appraisals) >= threshold:
                run = self.env["hr.kpi.period.open.run"]._kpi_start_recompute(
                    self, appraisals
                )
                return run._kpi_action_open()
        count = appraisals._kpi_recompute_scores()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Scores recomputed: %s appraisals.", count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_open_appraisals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"default_period_id": self.id}
        return action
