"""Monthly figures of an official at the one-stop counter (bộ phận một cửa),
imported from the one-stop information system. The one-stop
mechanism is governed by Nghị định 118/2025/NĐ-CP and Thông tư 03/2025/TT-VPCP
(they replace NĐ 61/2018 and NĐ 107/2021).

They are the source of the citizen satisfaction of the month: the rule set's
bands turn the share of satisfied ratings into the suggested points of the
"service attitude to citizens and businesses" criterion, and the overdue files
can count as delays of the official's one-stop task."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_round

from ..const import DECIDED_STATES

# hr.kpi.criterion.key of the item pre-filled from the satisfaction figures
CITIZEN_SERVICE_KEY = "citizen_service"
RATING_LEVELS = ("satisfied", "neutral", "unsatisfied")


class HrKpiOnestopStat(models.Model):
    _name = "hr.kpi.onestop.stat"
    _description = "One-stop figures of an official for a month"
    _order = "period_start desc, department_id, employee_id"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name", "period_id.name"]

    period_id = fields.Many2one(
        "hr.kpi.period",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    period_start = fields.Date(related="period_id.date_start", store=True)
    company_id = fields.Many2one(
        related="period_id.company_id", store=True, index=True, precompute=True
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Official",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        precompute=True,
        index="btree_not_null",
    )
    received = fields.Integer(string="Files received")
    resolved = fields.Integer(string="Files resolved")
    on_time = fields.Integer(string="Resolved on time")
    overdue = fields.Integer(string="Overdue files")
    satisfied = fields.Integer()
    neutral = fields.Integer()
    unsatisfied = fields.Integer()
    rating_count = fields.Integer(
        string="Ratings", compute="_compute_rates", store=True
    )
    satisfaction_rate = fields.Float(
        string="Satisfaction (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        help="Satisfied ratings divided by all ratings of the month.",
    )
    on_time_rate = fields.Float(
        string="On time (%)",
        compute="_compute_rates",
        store=True,
        aggregator="avg",
        help="Files resolved on time divided by the files resolved.",
    )
    batch_ref = fields.Char(
        string="Import batch",
        readonly=True,
        index=True,
        help="The import that wrote the figures: file name, date and user.",
    )

    _sql_constraints = [
        (
            "period_employee_uniq",
            "UNIQUE(period_id, employee_id)",
            "An official has one set of one-stop figures per month.",
        ),
        (
            "counts_check",
            "CHECK(received >= 0 AND resolved >= 0 AND on_time >= 0 AND overdue >= 0 "
            "AND satisfied >= 0 AND neutral >= 0 AND unsatisfied >= 0)",
            "One-stop figures cannot be negative.",
        ),
    ]

    @api.depends("employee_id")
    def _compute_department_id(self):
        for stat in self:
            stat.department_id = stat.employee_id.department_id

    @api.depends("satisfied", "neutral", "unsatisfied", "resolved", "on_time")
    def _compute_rates(self):
        for stat in self:
            count = stat.satisfied + stat.neutral + stat.unsatisfied
            stat.rating_count = count
            stat.satisfaction_rate = 100.0 * stat.satisfied / count if count else 0.0
            stat.on_time_rate = (
                100.0 * stat.on_time / stat.resolved if stat.resolved else 0.0
            )

    @api.constrains("on_time", "resolved")
    def _check_on_time(self):
        for stat in self:
            if stat.on_time > stat.resolved:
                raise ValidationError(
                    self.env._(
                        "%(official)s: more files resolved on time than resolved.",
                        official=stat.employee_id.name,
                    )
                )

    @api.depends("employee_id", "period_id")
    def _compute_display_name(self):
        for stat in self:
            stat.display_name = " – ".join(
                filter(None, [stat.employee_id.name, stat.period_id.name])
            )

    # ------------------------------------------------------------------
    # Satisfaction of the month
    # ------------------------------------------------------------------

    @api.model
    def _get_satisfaction(self, employees, period, source="both"):
        """Ratings of the month per official:
        {employee id: {'satisfied': n, 'neutral': n, 'unsatisfied': n}}, only
        for the officials rated at least once.

        ``source`` is the rule set's ``satisfaction_source``: the figures
        imported from the one-stop system, the ratings given at the counter
        kiosk, or both added level by level. Everything downstream (bands,
        pre-fill, dashboard) reads this method only."""
        counts = {}
        if not employees or not period:
            return counts
        if source in ("import", "both"):
            # sudo: the figures feed the appraisals of whoever may read them
            groups = self.sudo()._read_group(
                [("employee_id", "in", employees.ids), ("period_id", "=", period.id)],
                ["employee_id"],
                ["satisfied:sum", "neutral:sum", "unsatisfied:sum"],
            )
            for employee, satisfied, neutral, unsatisfied in groups:
                counts[employee.id] = {
                    "satisfied": satisfied,
                    "neutral": neutral,
                    "unsatisfied": unsatisfied,
                }
        if source in ("kiosk", "both"):
            # sudo: only the month's counts per official leave this method
            kiosk = (
                self.env["hr.kpi.citizen.rating"]
                .sudo()
                ._get_month_counts(employees, period.date_start, period.date_end)
            )
            for employee_id, levels in kiosk.items():
                if not any(levels.values()):
                    continue
                entry = counts.setdefault(employee_id, dict.fromkeys(RATING_LEVELS, 0))
                for level in RATING_LEVELS:
                    entry[level] += levels.get(level, 0)
        return counts

    @api.model
    def _rated_employee_ids(self, period):
        """The ids of the officials rated in ``period`` by either source (the
        one-stop import, the counter kiosk): the few a month's satisfaction
        figures can come from, found without reading the month's appraisals."""
        if not period:
            return set()
        # sudo: only the ids of the rated officials leave this method
        imported = self.sudo()._read_group(
            [("period_id", "=", period.id)], ["employee_id"]
        )
        # sudo: only the ids of the rated officials leave this method
        kiosk = (
            self.env["hr.kpi.citizen.rating"]
            .sudo()
            ._read_group(
                [
                    ("rating_date", ">=", period.date_start),
                    ("rating_date", "<=", period.date_end),
                ],
                ["employee_id"],
            )
        )
        return {employee.id for [employee] in imported + kiosk if employee}

    @api.model
    def _get_appraisal_satisfaction(self, appraisals):
        """{appraisal id: counts of ``_get_satisfaction``} for the rated
        officials among ``appraisals``, each from the sources its rule set
        names; one batch per month and source."""
        groups = defaultdict(list)
        if not all(isinstance(id_, int) for id_ in appraisals.ids):
            # records not in the database yet (a form being edited)
            for appraisal in appraisals:
                source = appraisal.rule_set_id.satisfaction_source or "both"
                groups[appraisal.period_id, source].append(
                    (appraisal.id, appraisal.employee_id.id)
                )
            appraisals = appraisals.browse()
        # the appraisals' month, rule set and employee in one query (reading
        # them record by record prefetches every column of every appraisal:
        # 9 s for the 20,000 of a city's dashboard)
        for period, rule_set, ids, employee_ids in appraisals.with_context(
            active_test=False
        )._read_group(
            [("id", "in", appraisals.ids)],
            ["period_id", "rule_set_id"],
            ["id:array_agg", "employee_id:array_agg"],
        ):
            source = rule_set.satisfaction_source or "both"
            groups[period, source].extend(zip(ids, employee_ids, strict=True))
        result = {}
        for (period, source), pairs in groups.items():
            employees = self.env["hr.employee"].browse({emp for _id, emp in pairs})
            counts = self._get_satisfaction(employees, period, source)
            for appraisal_id, employee_id in pairs:
                if employee_id in counts:
                    result[appraisal_id] = counts[employee_id]
        return result

    @api.model
    def _suggest_points(self, rule_set, counts, criterion):
        """(points or None, note) suggested for ``criterion`` under ``rule_set``
        from the month's ``counts`` of ratings."""
        _ = self.env._
        total = sum((counts or {}).get(level, 0) for level in RATING_LEVELS)
        if total < max(rule_set.satisfaction_min_ratings, 1):
            return None, _(
                "Citizen satisfaction: %(count)s rating(s), fewer than the %(min)s "
                "needed; no points suggested.",
                count=total,
                min=max(rule_set.satisfaction_min_ratings, 1),
            )
        rate = 100.0 * counts.get("satisfied", 0) / total
        band = rule_set.satisfaction_band_ids._find_band(rate)
        if not band:
            return None, _(
                "Citizen satisfaction %(rate)s %%: no band of the rule set covers it.",
                rate=float_round(rate, 2),
            )
        points = float_round(
            criterion.max_points * band.score_percent / 100.0,
            precision_digits=rule_set.rounding_digits,
            rounding_method=rule_set.rounding_method,
        )
        if (
            criterion.scoring_type == "binary"
            and float_compare(points, criterion.max_points, 2) < 0
        ):
            points = 0.0
        return points, _(
            "Citizen satisfaction: %(satisfied)s of %(total)s ratings satisfied "
            "(%(rate)s %%), band %(low)s–%(high)s %% gives %(percent)s %% of "
            "%(max)s points.",
            satisfied=counts.get("satisfied", 0),
            total=total,
            rate=float_round(rate, 2),
            low=band.rate_from,
            high=band.rate_to,
            percent=band.score_percent,
            max=criterion.max_points,
        )

    @api.model
    def _prefill_lines(self, lines):
        """Set the suggested points of the service-attitude lines among
        ``lines`` from the satisfaction of their month, in batch. The
        evaluator's score follows the suggestion until the evaluator writes it,
        and while the appraisal is not reviewed."""
        # sudo: the suggestion is the system's; rights are checked by the callers
        lines = lines.sudo().filtered(
            lambda line: (
                line.criterion_id.key == CITIZEN_SERVICE_KEY
                and line.appraisal_id.state not in DECIDED_STATES
            )
        )
        if not lines:
            return
        by_values = defaultdict(lambda: lines.browse())
        counts = self._get_appraisal_satisfaction(lines.appraisal_id)
        for line in lines:
            appraisal = line.appraisal_id
            employee_counts = counts.get(appraisal.id)
            points, note = None, False
            if employee_counts is not None:
                points, note = self._suggest_points(
                    appraisal.rule_set_id, employee_counts, line.criterion_id
                )
            vals = {
                "has_suggestion": points is not None,
                "suggested_score": points or 0.0,
                "suggestion_note": note,
            }
            follows = (
                appraisal.state in ("draft", "self_submitted", "returned")
                and not line.evaluator_points_set
            )
            if follows:
                vals["evaluator_points"] = (
                    points if points is not None else line.self_points
                )
            # unchanged lines are not written (most officials have no figures)
            if all(
                line[fname] == value
                if not isinstance(value, float)
                else float_compare(line[fname], value, 2) == 0
                for fname, value in vals.items()
            ):
                continue
            by_values[tuple(sorted(vals.items()))] |= line
        for vals, group in by_values.items():
            group.write(dict(vals))

    @api.model
    def _apply_to_appraisals(self, period, employees):
        """After an import: the suggestion of the month's appraisals of
        ``employees``, and their overdue files as delays."""
        # sudo: the import's effects reach appraisals the HR officer may not edit
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(
                [("period_id", "=", period.id), ("employee_id", "in", employees.ids)]
            )
        )
        self._prefill_lines(appraisals.line_ids)
        self._apply_overdue_delays(period, employees)

    @api.model
    def _apply_overdue_delays(self, period, employees):
        """The one place where overdue one-stop files become delays: when the
        period's rule set says so, the first one-stop task of each official in
        the month (by deadline) gets the overdue figure as its delays."""
        rule_set = period.rule_set_id
        if not rule_set.onestop_overdue_as_delays or not employees:
            return
        overdue = {
            stat.employee_id.id: stat.overdue
            # sudo: the figures feed the tasks, whoever runs the import
            for stat in self.sudo().search(
                [("period_id", "=", period.id), ("employee_id", "in", employees.ids)]
            )
        }
        # sudo: the delays are set by the system from the imported figures
        tasks = (
            self.env["hr.kpi.task"]
            .sudo()
            .search(
                [
                    ("period_id", "=", period.id),
                    ("employee_id", "in", employees.ids),
                    ("product_id.is_onestop", "=", True),
                    ("state", "!=", "cancelled"),
                ],
                order="deadline, id",
            )
        )
        first = {}
        for task in tasks:
            first.setdefault(task.employee_id.id, task)
        by_count = defaultdict(lambda: tasks.browse())
        for employee_id, task in first.items():
            by_count[overdue.get(employee_id, 0)] |= task
        for count, group in by_count.items():
            group.write(
                {
                    "delay_corrected": True,
                    "delay_count_corrected": count,
                    "delay_correction_reason": self.env._(
                        "Overdue files of %(month)s imported from the one-stop system.",
                        month=period.name,
                    ),
                }
            )


class HrKpiAppraisalLine(models.Model):
    """The service-attitude item of a new criterion line gets its satisfaction
    suggestion at once: the one-stop feature extends the line (the core does
    not call it)."""

    _inherit = "hr.kpi.appraisal.line"

    def _kpi_lines_created(self):
        res = super()._kpi_lines_created()
        self.env["hr.kpi.onestop.stat"]._prefill_lines(self)
        return res


class HrKpiRuleSet(models.Model):
    """The rules of citizen satisfaction: the bands that turn a month's
    satisfaction into the points of the service-attitude criterion, and where
    the ratings come from."""

    _inherit = "hr.kpi.rule.set"

    satisfaction_band_ids = fields.One2many(
        "hr.kpi.satisfaction.band",
        "rule_set_id",
        string="Satisfaction bands",
        copy=True,
        help="Points of the service-attitude criterion suggested from the share of "
        "satisfied ratings. No legal source fixes this table: the shipped bands are "
        "a default of the addon, to be adapted by each agency.",
    )
    satisfaction_min_ratings = fields.Integer(
        string="Minimum ratings",
        default=10,
        help="Fewer ratings than this in the month: no points are suggested.",
    )
    onestop_overdue_as_delays = fields.Boolean(
        string="Count overdue one-stop files as delays",
        help="The imported overdue files become the delays of the official's "
        "one-stop task of the month (each one removes the deduction percentage "
        "of its progress score).",
    )
    satisfaction_source = fields.Selection(
        [
            ("both", "Import and kiosk (added)"),
            ("import", "One-stop system import only"),
            ("kiosk", "Counter kiosk only"),
        ],
        string="Satisfaction ratings from",
        default="both",
        required=True,
        help="Which ratings make the month's satisfaction rate: the figures imported "
        "from the one-stop information system, the ratings given at the counter "
        "kiosk, or both added. Choose one source when the one-stop system already "
        "counts the kiosk's ratings.",
    )
