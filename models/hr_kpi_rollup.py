"""Quarterly and annual roll-up of the monthly results.

One record per employee and quarter, and one per employee and year, computed
from the final monthly appraisals (locked, or with their appeal resolved) by
``_kpi_compute_years``; the figures are stored so that lists and pivots are
fast. The annual level is decided by the head within the annual quota
(``_kpi_decide``, used by the year-end wizard). The consequence flags HR acts on
(not completed two quarters or two years in a row, excellent streaks) are
stored booleans set by ``_kpi_compute_flags``.

Sources: NĐ 335/2025 Điều 20 (levels, vetoes, quota), Điều 21 (annual
classification from the monthly results, transferred with the employee).
"""

from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..const import (
    LEVEL_LETTERS,
    LEVEL_RANK,
    NOT_EVALUATED,
    ROLLUP_MONTH_STATES,
    level_selection,
)

QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
# Figures written by the computation; compared before writing.
COMPUTED_FIELDS = (
    "company_id",
    "department_id",
    "decider_employee_id",
    "rule_set_id",
    "task_group",
    "months_evaluated",
    "months_excellent",
    "months_good",
    "months_done",
    "months_fail",
    "months_vetoed",
    "months_not_evaluated",
    "quarters_fail",
    "months_other_rule_set",
    "rule_set_months",
    "total_mean",
    "task_mean",
    "general_mean",
    "score",
    "level_by_score",
    "level_computed",
    "level_reasons",
)


class HrKpiRollup(models.Model):
    _name = "hr.kpi.rollup"
    _description = "Quarterly and annual KPI result"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, quarter, department_id, employee_id"
    _check_company_auto = True

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, readonly=True, check_company=True
    )
    user_id = fields.Many2one(related="employee_id.user_id", string="User")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    year = fields.Integer(required=True, index=True, readonly=True, aggregator=False)
    quarter = fields.Integer(
        required=True,
        default=0,
        readonly=True,
        aggregator=False,
        help="1 to 4 for a quarter, 0 for the year.",
    )
    period_type = fields.Selection(
        [("quarter", "Quarter"), ("year", "Year")],
        required=True,
        index=True,
        readonly=True,
    )
    name = fields.Char(compute="_compute_name", store=True)
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        index=True,
        readonly=True,
        check_company=True,
        help="The employee's unit in the last month evaluated: the result is "
        "transferred with the employee when he or she changes unit "
        "(NĐ 335/2025 Điều 21).",
    )
    decider_employee_id = fields.Many2one(
        "hr.employee",
        string="Decider",
        index="btree_not_null",
        readonly=True,
        check_company=True,
        help="The decider of the last month evaluated.",
    )
    # the deputies who decide it today under a delegation in force (record
    # rules: they read what they may decide)
    acting_deputy_employee_id = fields.Many2one(
        "hr.employee",
        string="Acting deputy",
        compute="_compute_acting_deputy_employee_id",
        search="_search_acting_deputy_employee_id",
    )
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set", readonly=True, ondelete="restrict", index=True
    )
    task_group = fields.Char(readonly=True)
    rollup_method = fields.Selection(
        related="rule_set_id.rollup_method", store=True, string="Method"
    )
    months_evaluated = fields.Integer(readonly=True)
    months_excellent = fields.Integer(string="Months excellent", readonly=True)
    months_good = fields.Integer(string="Months good", readonly=True)
    months_done = fields.Integer(string="Months completed", readonly=True)
    months_fail = fields.Integer(string="Months not completed", readonly=True)
    months_vetoed = fields.Integer(string="Months under a veto", readonly=True)
    months_not_evaluated = fields.Integer(
        string="Months not evaluated",
        readonly=True,
        help="Months marked not evaluated (leave, training, appointment, "
        "inspection): never scored nor counted in the means; counted among the "
        "months needed for an annual level only if the rule set says so.",
    )
    quarters_fail = fields.Integer(string="Quarters not completed", readonly=True)
    months_other_rule_set = fields.Integer(
        string="Months under another rule set, not counted",
        readonly=True,
        help="Months evaluated under an earlier rule set that the rule set of the "
        "year does not count (its option for months under another rule set).",
    )
    rule_set_months = fields.Char(
        string="Months by rule set",
        readonly=True,
        help="The months of the period under each rule set, e.g. a public "
        "employee's 2026: NĐ 335 until June, NĐ 233 from July.",
    )
    total_mean = fields.Float(
        string="Mean of monthly totals", readonly=True, aggregator="avg"
    )
    task_mean = fields.Float(
        string="Mean of monthly task scores", readonly=True, aggregator="avg"
    )
    general_mean = fields.Float(
        string="Mean of monthly general scores", readonly=True, aggregator="avg"
    )
    general_annual_score = fields.Float(
        string="Annual general score",
        tracking=True,
        help="Method (ii): the general block assessed for the year; the mean of the "
        "monthly general scores until the head enters it.",
    )
    general_annual_entered = fields.Boolean(
        string="Annual general score entered", readonly=True
    )
    score = fields.Float(readonly=True, aggregator="avg")
    level_by_score = fields.Selection(
        level_selection(), string="Level from points", readonly=True
    )
    level_computed = fields.Selection(
        level_selection(), string="Proposed level", readonly=True, index=True
    )
    level_reasons = fields.Text(readonly=True)
    level_final = fields.Selection(
        level_selection(),
        string="Decided level",
        readonly=True,
        tracking=True,
        copy=False,
    )
    level = fields.Selection(
        level_selection(),
        compute="_compute_level",
        store=True,
        index=True,
        help="The decided level of the year, else the proposed one; the computed "
        "level of a quarter.",
    )
    state = fields.Selection(
        [
            ("computed", "Computed"),
            ("decided", "Decided"),
            ("not_classified", "Not classified"),
        ],
        default="computed",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    decided_date = fields.Datetime(readonly=True)
    decision_note = fields.Text(readonly=True)
    flag_fail_quarters = fields.Boolean(
        string="Not completed in consecutive quarters",
        readonly=True,
        index=True,
        help="Report to the leadership for replacement or transfer.",
    )
    flag_fail_years = fields.Boolean(
        string="Not completed in consecutive years",
        readonly=True,
        index=True,
        help="Grounds for dismissal (NĐ 335/2025).",
    )
    flag_excellent_streak = fields.Boolean(
        string="Excellent streak",
        readonly=True,
        index=True,
        help="Consecutive quarters or years excellently completed: for emulation "
        "proposals.",
    )
    has_flag = fields.Boolean(
        string="Flagged", compute="_compute_has_flag", store=True, index=True
    )
    use_letters = fields.Boolean(related="rule_set_id.use_letters")

    _sql_constraints = [
        (
            "employee_year_quarter_uniq",
            "UNIQUE(employee_id, year, quarter)",
            "An employee has one result per quarter and one per year.",
        ),
        (
            "quarter_check",
            "CHECK(quarter >= 0 AND quarter <= 4)",
            "The quarter is 1 to 4 (0 for the year).",
        ),
    ]

    @api.depends("employee_id.name", "year", "quarter")
    def _compute_name(self):
        for rollup in self:
            period = (
                f"Q{rollup.quarter}/{rollup.year}" if rollup.quarter else rollup.year
            )
            rollup.name = f"{rollup.employee_id.name or ''} – {period}"

    @api.depends("level_final", "level_computed", "state")
    def _compute_level(self):
        for rollup in self:
            rollup.level = (
                False
                if rollup.state == "not_classified"
                else rollup.level_final or rollup.level_computed
            )

    @api.depends("flag_fail_quarters", "flag_fail_years", "flag_excellent_streak")
    def _compute_has_flag(self):
        for rollup in self:
            rollup.has_flag = (
                rollup.flag_fail_quarters
                or rollup.flag_fail_years
                or rollup.flag_excellent_streak
            )

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    @api.model
    def _kpi_compute_years(self, company, years, employees=None, notify=True):
        """Compute the quarters and the year of ``years`` for the employees of
        ``company`` (or only ``employees``) from their final monthly appraisals:
        one search for the appraisals, one for the existing results.

        :param notify: give the HR officers a to-do on each newly flagged
            result (the demo generator of a past year does not)"""
        years = sorted(set(years))
        # sudo: the roll-up counts every final appraisal of the employees,
        # whoever triggers it (a head, the lock of a month)
        Appraisal = self.env["hr.kpi.appraisal"].sudo()
        Rollup = self.sudo()
        domain = [
            ("company_id", "=", company.id),
            ("state", "in", ROLLUP_MONTH_STATES),
            ("period_start", ">=", date(years[0], 1, 1)),
            ("period_start", "<=", date(years[-1], 12, 31)),
        ]
        existing_domain = [("company_id", "=", company.id), ("year", "in", years)]
        if employees is not None:
            domain.append(("employee_id", "in", employees.ids))
            existing_domain.append(("employee_id", "in", employees.ids))
        appraisals = Appraisal.search(domain, order="period_start, id")
        existing = {
            (r.employee_id.id, r.year, r.quarter): r
            for r in Rollup.search(existing_domain)
        }
        months = defaultdict(list)
        for appraisal in appraisals:
            start = appraisal.period_start
            months[(appraisal.employee_id.id, start.year)].append(appraisal)
        keys = set(months) | {(emp, year) for (emp, year, _q) in existing}
        to_create = []
        touched = Rollup.browse()
        for emp_id, year in sorted(keys):
            year_months = months.get((emp_id, year), [])
            quarter_levels = []
            for quarter, (first, last) in QUARTER_MONTHS.items():
                in_quarter = [
                    a for a in year_months if first <= a.period_start.month <= last
                ]
                record = existing.get((emp_id, year, quarter))
                if not in_quarter and not record:
                    continue
                vals = self._kpi_rollup_values(in_quarter, company, quarter)
                quarter_levels.append(vals["level_computed"])
                touched |= self._kpi_store(
                    record, emp_id, year, quarter, vals, to_create
                )
            record = existing.get((emp_id, year, 0))
            if not year_months and not record:
                continue
            vals = self._kpi_rollup_values(
                year_months, company, 0, quarter_levels=quarter_levels, record=record
            )
            touched |= self._kpi_store(record, emp_id, year, 0, vals, to_create)
        created = Rollup.create(to_create)
        touched |= created
        if touched:
            employee_ids = touched.employee_id
            self._kpi_compute_flags(employee_ids, notify=notify)
        return touched

    @api.model
    def _kpi_store(self, record, emp_id, year, quarter, vals, to_create):
        """Write the changed figures of ``record``, or queue its creation. A
        decided year whose proposed level changes goes back to the head."""
        not_classified = vals.pop("not_classified")
        if not record:
            vals.update(
                employee_id=emp_id,
                year=year,
                quarter=quarter,
                period_type="quarter" if quarter else "year",
                general_annual_score=vals["general_mean"],
                state="not_classified" if not_classified else "computed",
            )
            to_create.append(vals)
            return self.browse()
        changes = {}
        for fname in COMPUTED_FIELDS:
            value = vals[fname]
            current = record[fname]
            if isinstance(current, models.BaseModel):
                current = current.id
            if current != value:
                changes[fname] = value
        if not record.general_annual_entered and (
            record.general_annual_score != vals["general_mean"]
        ):
            changes["general_annual_score"] = vals["general_mean"]
        new_state = record.state
        if not_classified:
            new_state = "not_classified"
        elif record.state == "not_classified" or (
            record.state == "decided"
            and (
                "level_computed" in changes
                or LEVEL_RANK[record.level_final or "fail"]
                > LEVEL_RANK[vals["level_computed"] or "fail"]
            )
        ):
            new_state = "computed"
        if new_state != record.state:
            changes["state"] = new_state
            if new_state != "decided":
                changes.update(
                    level_final=False, decided_by_id=False, decided_date=False
                )
        if changes:
            record.write(changes)
            if (
                record.quarter == 0
                and changes.get("state") == "computed"
                and ("level_computed" in changes)
            ):
                record.message_post(
                    body=self.env._(
                        "The monthly results changed; the proposed level is now "
                        "%(level)s. Decide the year again.",
                        level=record._kpi_level_label(vals["level_computed"]),
                    )
                )
        return record

    @api.model
    def _kpi_rollup_values(
        self, appraisals, company, quarter, quarter_levels=(), record=None
    ):
        """Figures of one quarter (``quarter`` 1-4) or year (0) from the final
        monthly ``appraisals`` of one employee, in date order; the months not
        evaluated among them are only counted (months_not_evaluated)."""
        engine = self.env["hr.kpi.engine"]
        not_evaluated = [a for a in appraisals if a.state == NOT_EVALUATED]
        appraisals = [a for a in appraisals if a.state != NOT_EVALUATED]
        last = (appraisals or not_evaluated or [None])[-1]
        rule_set = last.rule_set_id if last else (record and record.rule_set_id)
        by_code = defaultdict(list)
        for appraisal in appraisals:
            by_code[appraisal.rule_set_id.code or ""].append(
                str(appraisal.period_start.month)
            )
        rule_set_months = (
            "; ".join(
                f"{code}: {', '.join(months)}" for code, months in by_code.items()
            )
            if len(by_code) > 1
            else False
        )
        other = 0
        if rule_set and rule_set.rollup_transition_policy == "own":
            own = [a for a in appraisals if a.rule_set_id.code == rule_set.code]
            other = len(appraisals) - len(own)
            appraisals = own
        counts = dict.fromkeys(("excellent", "good", "done", "fail"), 0)
        for appraisal in appraisals:
            level = appraisal.level_final or appraisal.level_computed
            if level:
                counts[level] += 1
        count = len(appraisals)
        vals = {
            "company_id": company.id,
            "department_id": last.department_id.id if last else False,
            "decider_employee_id": last.decider_employee_id.id if last else False,
            "rule_set_id": rule_set.id if rule_set else False,
            "task_group": (last.task_group or False) if last else False,
            "months_evaluated": count,
            "months_excellent": counts["excellent"],
            "months_good": counts["good"],
            "months_done": counts["done"],
            "months_fail": counts["fail"],
            "months_vetoed": sum(1 for a in appraisals if a.is_vetoed),
            "months_not_evaluated": len(not_evaluated),
            "quarters_fail": sum(1 for lvl in quarter_levels if lvl == "fail"),
            "months_other_rule_set": other,
            "rule_set_months": rule_set_months,
            "total_mean": 0.0,
            "task_mean": 0.0,
            "general_mean": 0.0,
            "score": 0.0,
            "level_by_score": False,
            "level_computed": False,
            "level_reasons": False,
            "not_classified": False,
        }
        if not count or not rule_set:
            vals["not_classified"] = True
            return vals
        _ = self.env._

        def mean(fname):
            return engine._round(sum(a[fname] for a in appraisals) / count, rule_set)

        vals["total_mean"] = mean("total_score")
        vals["task_mean"] = mean("task_score")
        vals["general_mean"] = mean("general_score")
        score = vals["total_mean"]
        if quarter == 0 and rule_set.rollup_method == "task_plus_annual_general":
            general = (
                record.general_annual_score
                if record and record.general_annual_entered
                else vals["general_mean"]
            )
            score = engine._round(
                min(100.0, max(0.0, vals["task_mean"] + general)), rule_set
            )
        vals["score"] = score
        reasons = []
        worked = count
        if rule_set.not_evaluated_count_min_months:
            worked += len(not_evaluated)
        if quarter == 0 and worked < rule_set.rollup_min_months:
            vals["not_classified"] = True
            vals["level_reasons"] = (
                _(
                    "%(count)s months evaluated and %(not_evaluated)s not evaluated "
                    "(%(counted)s counted), fewer than the %(needed)s needed for an "
                    "annual level.",
                    count=count,
                    not_evaluated=len(not_evaluated),
                    counted=worked,
                    needed=rule_set.rollup_min_months,
                )
                if not_evaluated
                else _(
                    "%(count)s months evaluated, fewer than the %(needed)s needed "
                    "for an annual level.",
                    count=count,
                    needed=rule_set.rollup_min_months,
                )
            )
            return vals
        level = engine._level_from_score(score, rule_set)
        vals["level_by_score"] = level
        if rule_set.rollup_apply_vetoes and vals["months_vetoed"]:
            level = "fail"
            reasons.append(
                _(
                    "%(count)s month(s) under a veto: not completed "
                    "(NĐ 335/2025 Điều 20 khoản 4).",
                    count=vals["months_vetoed"],
                )
            )
        # a month or a quarter not completed bars excellent: for everyone, or
        # for the leaders only (QĐ 1923 Đ19.5), as the rule set says
        blocks = rule_set.rollup_fail_blocks_scope == "all" or bool(
            last and last.is_leader
        )
        if (
            level == "excellent"
            and blocks
            and rule_set.rollup_fail_month_blocks_excellent
            and counts["fail"]
        ):
            level = "good"
            reasons.append(
                _("A month rated not completed: cannot be excellently completed.")
            )
        if (
            level == "excellent"
            and quarter == 0
            and blocks
            and rule_set.rollup_fail_quarter_blocks_excellent
            and vals["quarters_fail"]
        ):
            level = "good"
            reasons.append(
                _("A quarter rated not completed: cannot be excellently completed.")
            )
        vals["level_computed"] = level
        vals["level_reasons"] = "\n".join(reasons) or False
        return vals

    @api.model
    def _kpi_compute_flags(self, employees, notify=True):
        """Set the consequence flags on every result of ``employees``: streaks
        of quarters and of years, each against the lengths of its rule set."""
        # sudo: the flags follow from every result of the employee
        rollups = self.sudo().search(
            [("employee_id", "in", employees.ids), ("state", "!=", "not_classified")],
            order="employee_id, year, quarter",
        )
        new_values = {}
        for _employee, records in rollups.grouped("employee_id").items():
            streaks = {}  # (kind, level) -> (last index, length)
            for rollup in records.sorted(lambda r: (r.quarter == 0, r.year, r.quarter)):
                rule_set = rollup.rule_set_id
                if rollup.quarter:
                    kind, index = "quarter", rollup.year * 4 + rollup.quarter
                else:
                    kind, index = "year", rollup.year
                lengths = {}
                for level in ("fail", "excellent"):
                    last_index, length = streaks.get((kind, level), (None, 0))
                    if rollup.level == level:
                        length = length + 1 if last_index == index - 1 else 1
                        streaks[(kind, level)] = (index, length)
                        lengths[level] = length
                    else:
                        streaks.pop((kind, level), None)
                if kind == "quarter":
                    fail_n = rule_set.flag_fail_quarters
                    excellent_n = rule_set.flag_excellent_quarters
                else:
                    fail_n = rule_set.flag_fail_years
                    excellent_n = rule_set.flag_excellent_years
                new_values[rollup] = {
                    "flag_fail_quarters": kind == "quarter"
                    and lengths.get("fail", 0) >= fail_n,
                    "flag_fail_years": kind == "year"
                    and lengths.get("fail", 0) >= fail_n,
                    "flag_excellent_streak": lengths.get("excellent", 0) >= excellent_n,
                }
        # sudo: the roll-up's own computation; rights checked by the caller
        unclassified = self.sudo().search(
            [
                ("employee_id", "in", employees.ids),
                ("state", "=", "not_classified"),
                ("has_flag", "=", True),
            ]
        )
        for rollup in unclassified:
            new_values[rollup] = dict.fromkeys(
                ("flag_fail_quarters", "flag_fail_years", "flag_excellent_streak"),
                False,
            )
        # one write per distinct set of flags
        # sudo: the roll-up's own computation; rights checked by the caller
        by_values = defaultdict(lambda: self.sudo().browse())
        for rollup, vals in new_values.items():
            if any(rollup[f] != v for f, v in vals.items()):
                by_values[tuple(sorted(vals.items()))] |= rollup
        # sudo: the roll-up's own computation; rights checked by the caller
        newly_flagged = self.sudo().browse()
        for items, records in by_values.items():
            vals = dict(items)
            if any(vals.values()):
                newly_flagged |= records.filtered(lambda r: not r.has_flag)
            records.write(vals)
        if notify:
            newly_flagged._kpi_notify_flags()

    def _kpi_notify_flags(self):
        """A to-do for the HR officers of the company on each newly flagged
        result (those who act on the consequences)."""
        if not self:
            return
        group = self.env.ref(
            "l10n_vn_hr_kpi.group_kpi_hr_officer", raise_if_not_found=False
        )
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        if not group or not activity_type:
            return
        system = self.env.ref("base.group_system")
        vals_list = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for company, rollups in self.grouped("company_id").items():
            # sudo: the HR officers of the flagged employees' company
            officer = (
                self.env["res.users"]
                .sudo()
                .search(
                    [
                        ("groups_id", "in", group.id),
                        ("groups_id", "not in", system.id),
                        ("company_ids", "in", company.id),
                    ],
                    order="id",
                    limit=1,
                )
            )
            if not officer:
                continue
            vals_list += [
                {
                    "res_model_id": model_id,
                    "res_id": rollup.id,
                    "activity_type_id": activity_type.id,
                    "user_id": officer.id,
                    "summary": self.env._(
                        "KPI consequence flag: %(name)s", name=rollup.name
                    ),
                }
                for rollup in rollups
            ]
        # sudo: activities for the HR officers, created by whoever triggered
        self.env["mail.activity"].sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------

    # The results are computed from the final months and decided through
    # _kpi_decide: nobody writes them, whatever the views say.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Quarterly and annual results are computed from the final "
                    "monthly appraisals; they cannot be created."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            refused = {f for f in vals if not f.startswith(("message_", "activity_"))}
            if refused:
                raise AccessError(
                    self.env._(
                        "Quarterly and annual results are computed from the final "
                        "monthly appraisals; their levels change only through the "
                        "year-end decision (%(fields)s).",
                        fields=", ".join(sorted(refused)),
                    )
                )
        return super().write(vals)

    def _kpi_write_decision(self, vals):
        """Write a decided level (private: the caller checked the right to
        decide and the quota)."""
        # sudo: the decision write, after _kpi_decide checked the decider and
        # the quota (private: not callable over RPC)
        return self.sudo().write(vals)

    def _kpi_is_hr_officer(self):
        return self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")

    def _kpi_decide_error(self):
        """Why the current user cannot decide this annual result, or False."""
        self.ensure_one()
        _ = self.env._
        # sudo: who the employee and the decider are; rights are checked here
        rollup = self.sudo()
        if rollup.quarter:
            return _("Only the year's result is decided; a quarter follows its months.")
        if rollup.state == "not_classified":
            return _("%(name)s is not classified for the year.", name=rollup.name)
        if rollup.employee_id.user_id == self.env.user:
            return _("Nobody can decide his or her own level.")
        # an HR officer keeps the records and never decides. Two rights, as
        # for the months (NĐ 335/2025 Điều 10 and 21, NĐ 233/2026 Điều 13):
        # the decider of the year (the decider of its last month: for a head
        # of unit, the head of the managing agency) decides, or his deputy
        # under a delegation in force; a head of a parent unit does not.
        if (
            rollup.decider_employee_id
            and rollup.decider_employee_id.user_id == self.env.user
        ):
            return False
        if rollup._kpi_my_delegation():
            return False
        return _(
            "Only the decider of %(name)s (%(decider)s), or a deputy under a "
            "delegation of his or hers in force, can decide the annual level.",
            name=rollup.employee_id.name,
            decider=rollup.decider_employee_id.name or "—",
        )

    def _compute_acting_deputy_employee_id(self):
        # sudo: the delegations in force, shown on the result
        Delegation = self.env["hr.kpi.delegation"].sudo()
        today = fields.Date.context_today(self)
        delegations = Delegation.search(
            [
                # sudo: see above
                ("delegator_id", "in", self.sudo().decider_employee_id.ids),
                *Delegation._kpi_in_force_domain(today),
            ]
        )
        for rollup in self:
            rollup.acting_deputy_employee_id = next(
                (d.deputy_id for d in delegations if rollup._kpi_delegation_covers(d)),
                False,
            )

    def _search_acting_deputy_employee_id(self, operator, value):
        """The annual results ``value`` (employees) may decide today under a
        delegation in force (the record rules of a deputy)."""
        domains, _value = self.env["hr.kpi.delegation"]._kpi_deputy_scope_domains(
            operator, value, self
        )
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def _kpi_delegation_covers(self, delegation):
        """Whether ``delegation`` (in force, from this result's decider) lets
        its deputy decide this result: the unit is in its scope, the deputy is
        not the employee, nor, for a head of unit, a member of his unit."""
        self.ensure_one()
        # sudo: the result's unit and employee, read to check the scope
        rollup = self.sudo()
        if delegation.delegator_id != rollup.decider_employee_id:
            return False
        if delegation.company_id != rollup.company_id:
            return False
        path = set((rollup.department_id.parent_path or "").split("/")[:-1])
        if delegation.department_ids and not path & {
            str(d) for d in delegation.department_ids.ids
        }:
            return False
        deputy = delegation.deputy_id
        if deputy == rollup.employee_id:
            return False
        heads_unit = rollup.department_id.manager_id == rollup.employee_id
        return not (
            heads_unit
            and str(rollup.department_id.id)
            in (deputy.department_id.parent_path or "").split("/")
        )

    def _kpi_my_delegation(self):
        """The delegation in force today under which the current user decides
        this annual result in its decider's place (in sudo), if any: from the
        decider, covering the unit, never to the employee himself nor, for a
        head of unit, to a member of his own unit."""
        self.ensure_one()
        # sudo: who the decider is and which delegations are in force
        rollup = self.sudo()
        Delegation = self.env["hr.kpi.delegation"].sudo()
        if not rollup.decider_employee_id:
            return Delegation
        delegations = Delegation.search(
            [
                ("delegator_id", "=", rollup.decider_employee_id.id),
                ("deputy_id.user_id", "=", self.env.uid),
                *Delegation._kpi_in_force_domain(fields.Date.context_today(self)),
            ]
        )
        for delegation in delegations:
            if rollup._kpi_delegation_covers(delegation):
                return delegation
        return Delegation

    def _kpi_check_decide(self):
        self.check_access("read")
        if self.env.su:
            return
        for rollup in self:
            error = rollup._kpi_decide_error()
            if error:
                raise AccessError(error)

    # ------------------------------------------------------------------
    # Annual decision
    # ------------------------------------------------------------------

    def _kpi_level_label(self, level):
        if not level:
            return ""
        label = dict(self._fields["level"]._description_selection(self.env))[level]
        if self[:1].rule_set_id.use_letters:
            return f"{LEVEL_LETTERS[level]} – {label}"
        return label

    def _kpi_decide(self, levels, justification=None, note=None):
        """Decide the annual ``levels`` ({rollup: level}) within the annual quota
        of each unit (and task group, per the rule set)."""
        rollups = self.browse().union(*levels)
        rollups._kpi_check_decide()
        _ = self.env._
        for rollup, level in levels.items():
            if not level:
                raise UserError(_("%(name)s: choose a level.", name=rollup.name))
            if LEVEL_RANK[level] > LEVEL_RANK[rollup.level_computed or "fail"]:
                raise UserError(
                    _(
                        "%(name)s: the decided level cannot be higher than the level "
                        "proposed from the monthly results.",
                        name=rollup.name,
                    )
                )
        now = fields.Datetime.now()

        def write():
            # sudo: the roll-up's own computation; rights checked by the caller
            by_level = defaultdict(lambda: self.sudo().browse())
            for rollup, level in levels.items():
                by_level[level] |= rollup
            for level, records in by_level.items():
                # sudo: the right to decide was checked above
                records.sudo()._kpi_write_decision(
                    {
                        "level_final": level,
                        "state": "decided",
                        "decided_by_id": self.env.uid,
                        "decided_date": now,
                        "decision_note": note or justification or False,
                    }
                )

        self.env["hr.kpi.quota"]._decide_within(
            rollups,
            {r.id: level for r, level in levels.items()},
            write,
            justification=justification,
        )
        for rollup in rollups:
            # sudo: the decider reads the result; the right to decide was checked
            rollup.sudo().message_post(
                body=_(
                    "Annual level decided: %(level)s.",
                    level=rollup._kpi_level_label(levels[rollup]),
                ),
                author_id=self.env.user.partner_id.id,
            )
        self._kpi_compute_flags(rollups.employee_id)
        return True

    # The year's quota scope (hr.kpi.quota): the annual results of a unit and
    # a year, with the years not classified because of months not evaluated
    # (the denominator may count them, per the rule set). The staff of every
    # rule set of the unit are counted together, under the rule set of the
    # unit's latest result.
    _kpi_quota_level_field = "level"
    _kpi_quota_no_level_state = "not_classified"
    _kpi_quota_by_rule_set = False

    def _kpi_quota_scope_domain(self):
        """Every annual result of the units and years of ``self``, and the
        years not classified with months not evaluated."""
        return [
            ("quarter", "=", 0),
            ("year", "in", list(set(self.mapped("year")))),
            ("department_id", "in", self.department_id.ids),
            "|",
            ("state", "!=", "not_classified"),
            ("months_not_evaluated", ">", 0),
        ]

    def _kpi_quota_period(self):
        self.ensure_one()
        return self.year, self.env._("year %(year)s", year=self.year)

    @api.model
    def _kpi_quota_percent(self, rule_set, exception):
        return rule_set.rollup_quota_percent

    def _kpi_quota_rank_key(self):
        """Score (desc), then more months excellent."""
        self.ensure_one()
        return (-self.score, -self.months_excellent, self.name or "", self.id)

    def _kpi_quota_results(self, levels=None):
        """[(unit, year, task group, rule set, count, cap, members)] of the
        annual quota of the units and years of ``self``, ``levels`` ({id:
        level}) simulated. Kept for the demo generator's past years
        (demo/generators/rollup.py); the quota service's QuotaResult says more."""
        Quota = self.env["hr.kpi.quota"]
        return [
            (
                result.unit,
                result.ranked[:1].year,
                result.task_group,
                result.rule_set,
                result.count,
                result.cap,
                result.ranked,
            )
            for result in Quota._scope_results(Quota._scope(self), levels)
            if result.ranked
        ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_recompute(self):
        """Recompute the results of these employees and years."""
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            raise AccessError(
                self.env._("Only a head or the HR officer can recompute the results.")
            )
        self.check_access("read")
        for (company, year), rollups in self.grouped(
            lambda r: (r.company_id, r.year)
        ).items():
            self._kpi_compute_years(company, [year], rollups.employee_id)
        return True

    def action_open_year_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Year-end classification"),
            "res_model": "hr.kpi.rollup.year",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_company_id": self.company_id.id,
                "default_year": self.year,
                "default_department_id": self.department_id.id,
            },
        }

    def action_open_appraisals(self):
        self.ensure_one()
        first, last = QUARTER_MONTHS.get(self.quarter, (1, 12))
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "hr.kpi.appraisal",
            "view_mode": "list,form",
            "domain": [
                ("employee_id", "=", self.employee_id.id),
                ("state", "in", ROLLUP_MONTH_STATES),
                ("period_start", ">=", date(self.year, first, 1)),
                ("period_start", "<=", date(self.year, last, 28)),
            ],
        }

    def _kpi_set_general_annual(self, score):
        """Method (ii): the head enters the annual general score before deciding."""
        self.ensure_one()
        self._kpi_check_decide()
        if self.state == "decided":
            raise UserError(
                self.env._("%(name)s is decided: the score is final.", name=self.name)
            )
        maximum = self.rule_set_id.general_max
        if not 0 <= score <= maximum:
            raise UserError(
                self.env._(
                    "The annual general score is between 0 and %(max)s.", max=maximum
                )
            )
        # sudo: the right to decide was checked above
        self.sudo().write(
            {"general_annual_score": score, "general_annual_entered": True}
        )
        self._kpi_compute_years(self.company_id, [self.year], self.employee_id)
        return True


class HrKpiRuleSet(models.Model):
    """The rules of the quarterly and annual roll-up and of the
    consequence flags."""

    _inherit = "hr.kpi.rule.set"

    rollup_min_months = fields.Integer(
        string="Months needed for an annual level",
        default=6,
        required=True,
        help="Fewer months evaluated in the year: the employee is not classified for "
        "the year (NĐ 90/2020 rule, kept as the default; NĐ 335/2025 Điều 21 "
        "classifies on the period actually worked). 1 classifies every partial year.",
    )
    rollup_quota_percent = fields.Float(
        string="Annual quota (%)",
        default=20.0,
        required=True,
        help="Cap of the annual excellently completed level, with the denominator, "
        "scope, rounding and mode of the monthly quota (NĐ 335/2025 Điều 20 khoản 5).",
    )
    rollup_apply_vetoes = fields.Boolean(
        string="Vetoes apply to the whole year",
        default=True,
        help="A month under a veto (discipline of reprimand or more, degradation, "
        "corruption in the unit led) makes the quarter and the year not completed: "
        "NĐ 335/2025 Điều 20 khoản 4 speaks of the evaluation year.",
    )
    rollup_fail_month_blocks_excellent = fields.Boolean(
        string="A month not completed bars excellent",
        default=True,
        help="A quarter or a year with a month rated not completed cannot be rated "
        "excellently completed (local practice: rules on the counts of months per "
        "level).",
    )
    rollup_fail_quarter_blocks_excellent = fields.Boolean(
        string="A quarter not completed bars an excellent year",
        default=True,
        help="One quarter rated not completed: the year cannot be rated excellently "
        "completed (HD 02-HD/BTCTW as applied in Hưng Yên).",
    )
    flag_fail_quarters = fields.Integer(
        string="Consecutive quarters not completed (flag)",
        default=2,
        required=True,
        help="Quarters in a row rated not completed that flag the employee for a "
        "report to the leadership (replacement or transfer; Hưng Yên HD 02).",
    )
    flag_fail_years = fields.Integer(
        string="Consecutive years not completed (flag)",
        default=2,
        required=True,
        help="Years in a row rated not completed: grounds for dismissal (NĐ 335/2025, "
        "Luật Cán bộ, công chức 2025).",
    )
    flag_excellent_quarters = fields.Integer(
        string="Consecutive excellent quarters (flag)",
        default=4,
        required=True,
        help="Quarters in a row rated excellently completed that flag the employee "
        "for an emulation proposal.",
    )
    flag_excellent_years = fields.Integer(
        string="Consecutive excellent years (flag)",
        default=2,
        required=True,
        help="Years in a row rated excellently completed that flag the employee for "
        "an emulation or commendation proposal.",
    )

    @api.constrains(
        "rollup_min_months",
        "rollup_quota_percent",
        "flag_fail_quarters",
        "flag_fail_years",
        "flag_excellent_quarters",
        "flag_excellent_years",
    )
    def _check_rollup_rules(self):
        for rule_set in self:
            if not 1 <= rule_set.rollup_min_months <= 12:
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: the months needed for an annual level "
                        "are between 1 and 12.",
                        name=rule_set.name,
                    )
                )
            if not 0 <= rule_set.rollup_quota_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: the annual quota is a percentage between "
                        "0 and 100.",
                        name=rule_set.name,
                    )
                )
            if (
                min(
                    rule_set.flag_fail_quarters,
                    rule_set.flag_fail_years,
                    rule_set.flag_excellent_quarters,
                    rule_set.flag_excellent_years,
                )
                < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Rule set %(name)s: a streak that raises a flag is at least 1.",
                        name=rule_set.name,
                    )
                )


class HrKpiAppraisal(models.Model):
    """The roll-up follows the months: after each transition, the results of
    the employees and years the moved months count in are recomputed."""

    _inherit = "hr.kpi.appraisal"

    def _kpi_after_transition(self, update_rollups=True):
        res = super()._kpi_after_transition(update_rollups=update_rollups)
        if update_rollups:
            self._kpi_update_rollups()
        return res

    def _kpi_update_rollups(self):
        """Recompute the results of the employees and years of ``self`` when a
        month entered or left the final states (locked, appeal resolved) or
        the state of a month not evaluated, and only theirs."""
        # sudo: the roll-up follows every final month, whoever moved it
        appraisals = self.sudo()
        final = appraisals.filtered(lambda a: a.state in ROLLUP_MONTH_STATES)
        others = appraisals - final
        Rollup = self.env["hr.kpi.rollup"]
        if others:
            # a month that left the final states matters only if it was counted
            # sudo: see above
            counted = Rollup.sudo().search(
                [
                    ("employee_id", "in", others.employee_id.ids),
                    ("year", "in", list({a.period_start.year for a in others})),
                ]
            )
            keys = {(r.employee_id, r.year) for r in counted}
            final |= others.filtered(
                lambda a: (a.employee_id, a.period_start.year) in keys
            )
        for (company, year), group in final.grouped(
            lambda a: (a.company_id, a.period_start.year)
        ).items():
            Rollup._kpi_compute_years(company, [year], group.employee_id)
