"""Unit KPI (kết quả của tập thể): per department and month.

* a, b, c over the unit's tasks (the tasks of its staff due in the month, and
  what its monthly plans did not assign yet, counted as not done), with the
  per-task formula of the engine (``task_contribution``);
* the attainment of the unit's key results (weighted);
* the proposal of đ (capacity to organise) for its head and deputies: 100 %
  when every planned task was done in full, on time, with quality, else the
  rule set's lower value; set on their appraisals while they are not decided.
  d stays computed by the engine;
* the "outstanding unit" mark the quota exception needs;
* the year-to-date roll-up to the unit's annual collective level.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import DECIDED_STATES, LEADER_SUBJECT_GROUPS, level_selection
from .kpi_rules import add_totals, task_totals

_logger = logging.getLogger(__name__)

# Minutes before the daily job computes again a month whose computation met a
# user's concurrent write.
CRON_RETRY_MINUTES = 5
# Tasks read at a time when a unit KPI sums its tasks (as stored, in SQL):
# the memory of a city's month stays that of a batch.
UNIT_TASK_BATCH = 20000
UNIT_TASK_FIELDS = [
    "coefficient",
    "quantity",
    "completed_quantity",
    "quality_passed_quantity",
    "major_error_count",
    "delay_count",
    "exemption",
    "exemption_scope",
    "outcome_confirmed",
]


class HrKpiUnitKpi(models.Model):
    _name = "hr.kpi.unit.kpi"
    _description = "Unit KPI (collective result of a month)"
    _inherit = ["mail.thread"]
    _order = "period_start desc, department_id"
    _check_company_auto = True

    department_id = fields.Many2one(
        "hr.department", string="Unit", required=True, index=True, check_company=True
    )
    period_id = fields.Many2one(
        "hr.kpi.period", required=True, index=True, check_company=True
    )
    period_start = fields.Date(related="period_id.date_start", store=True)
    year = fields.Integer(compute="_compute_year", store=True, index=True)
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    rule_set_id = fields.Many2one(related="period_id.rule_set_id")
    # a, b, c of the unit's tasks
    task_count = fields.Integer(string="Tasks counted", readonly=True)
    unassigned_quantity = fields.Float(
        string="Planned, not assigned",
        readonly=True,
        help="Converted quantity of the unit's monthly plans not assigned to anyone: "
        "counted as not done.",
    )
    assigned_quantity = fields.Float(string="Converted assigned", readonly=True)
    kpi_quantity = fields.Float(string="a. Quantity (%)", readonly=True)
    kpi_quality = fields.Float(string="b. Quality (%)", readonly=True)
    kpi_progress = fields.Float(string="c. Progress (%)", readonly=True)
    kpi_percent = fields.Float(
        string="Unit KPI (%)", readonly=True, aggregator="avg", tracking=True
    )
    delay_count = fields.Integer(string="Delays", readonly=True)
    perfect_count = fields.Integer(
        string="Tasks done in full, on time, with quality", readonly=True
    )
    all_perfect = fields.Boolean(
        string="Plan completed on time with quality", readonly=True
    )
    # key results
    key_result_count = fields.Integer(readonly=True)
    key_result_exceeded_count = fields.Integer(
        string="Key results exceeded", readonly=True
    )
    kr_attainment = fields.Float(
        string="Key results attainment (%)", readonly=True, aggregator="avg"
    )
    kr_summary = fields.Text(string="Key results", readonly=True)
    # leader inputs and marks
    organisation_proposed = fields.Float(
        string="Proposed đ (%)", readonly=True, tracking=True
    )
    is_outstanding = fields.Boolean(
        string="Outstanding unit",
        readonly=True,
        tracking=True,
        help="Meets the rule set's conditions of an outstanding unit (by default: "
        "every planned task done in full, on time and with quality, a unit KPI of "
        "90 % and every key result attained): allows the quota exception.",
    )
    leader_appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal",
        compute="_compute_leader_appraisal_ids",
        string="Appraisals of the head and deputies",
    )
    head_unit_result = fields.Float(
        string="Head's d (%)", compute="_compute_leader_appraisal_ids"
    )
    annual_kpi_percent = fields.Float(
        string="Year to date (%)", compute="_compute_annual"
    )
    annual_level = fields.Selection(
        level_selection(), string="Annual collective level", compute="_compute_annual"
    )
    level_computed = fields.Selection(
        level_selection(),
        string="Collective level (computed)",
        compute="_compute_level_computed",
        store=True,
        help="The unit KPI through the thresholds of the month's rule set.",
    )
    level_decided = fields.Selection(
        level_selection(),
        string="Collective level decided",
        tracking=True,
        help="The collective level of the unit for the month as decided by the "
        "managing agency, when it differs from the computed one (HR officers "
        "record it). A head is never rated above it when his rule set says so "
        "(NĐ 233/2026 Điều 12 khoản 7, as cited by implementers).",
    )
    collective_level = fields.Selection(
        level_selection(), compute="_compute_collective_level"
    )
    date_computed = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "department_period_uniq",
            "UNIQUE(department_id, period_id)",
            "A unit has one KPI per month.",
        ),
    ]

    @api.depends("period_start")
    def _compute_year(self):
        for unit in self:
            unit.year = unit.period_start.year if unit.period_start else 0

    @api.depends("department_id", "period_id")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = " – ".join(
                filter(None, [unit.department_id.name, unit.period_id.name])
            )

    def _leader_appraisals(self):
        """Appraisals of the unit's head and deputies in the month."""
        # sudo: the unit's result counts every task of the unit (system job)
        Appraisal = self.env["hr.kpi.appraisal"].sudo()
        if not self:
            return Appraisal
        candidates = Appraisal.search(
            [
                ("period_id", "in", self.period_id.ids),
                "|",
                ("employee_id", "in", self.department_id.manager_id.ids),
                "&",
                ("department_id", "in", self.department_id.ids),
                ("subject_group", "in", LEADER_SUBJECT_GROUPS),
            ]
        )
        return candidates

    def _compute_leader_appraisal_ids(self):
        appraisals = self._leader_appraisals()
        for unit in self:
            mine = appraisals.filtered(
                lambda a, u=unit: (
                    a.period_id == u.period_id
                    and (
                        a.employee_id == u.department_id.manager_id
                        or a.department_id == u.department_id
                    )
                )
            )
            unit.leader_appraisal_ids = mine
            head = mine.filtered(
                lambda a, u=unit: a.employee_id == u.department_id.manager_id
            )[:1]
            unit.head_unit_result = head.kpi_unit_result

    @api.depends("kpi_percent", "date_computed", "period_id.rule_set_id")
    def _compute_level_computed(self):
        engine = self.env["hr.kpi.engine"]
        for unit in self:
            rule_set = unit.period_id.rule_set_id
            unit.level_computed = (
                engine._level_from_score(unit.kpi_percent, rule_set)
                if rule_set and unit.date_computed
                else False
            )

    @api.depends("level_computed", "level_decided")
    def _compute_collective_level(self):
        for unit in self:
            unit.collective_level = unit.level_decided or unit.level_computed

    def write(self, vals):
        if "level_decided" in vals and not self.env.su:
            if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
                raise AccessError(
                    self.env._(
                        "Only an HR officer records the collective level decided "
                        "for a unit."
                    )
                )
            # the leaders' decided months keep their level: a snapshot
        result = super().write(vals)
        if "level_decided" in vals:
            self._kpi_recompute_leaders()
        return result

    def _kpi_recompute_leaders(self):
        """Recompute the open appraisals of the units' head and deputies whose
        rule set lowers leaders by their unit (their level reads the unit)."""
        appraisals = self._leader_appraisals().filtered(
            lambda a: (
                a.state not in DECIDED_STATES
                and (a.rule_set_id.head_capped_by_unit or a.rule_set_id.unit_plan_rule)
            )
        )
        if appraisals:
            appraisals._kpi_recompute_scores()

    @api.depends("year", "department_id", "kpi_percent")
    def _compute_annual(self):
        groups = self.search(
            [
                ("department_id", "in", self.department_id.ids),
                ("year", "in", list(set(self.mapped("year")))),
            ]
        )
        engine = self.env["hr.kpi.engine"]
        for unit in self:
            months = groups.filtered(
                lambda g, u=unit: (
                    g.department_id == u.department_id
                    and g.year == u.year
                    and g.period_start <= u.period_start
                )
            )
            value = sum(months.mapped("kpi_percent")) / len(months) if months else 0.0
            rule_set = unit.rule_set_id
            unit.annual_kpi_percent = (
                engine._round(value, rule_set) if rule_set else value
            )
            unit.annual_level = (
                engine._level_from_score(value, rule_set)
                if rule_set and months
                else False
            )

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    @api.model
    def _compute_for(self, departments, periods):
        """Create the missing unit KPIs of ``departments`` × ``periods`` and
        recompute all of them, in batch."""
        # sudo: the unit's result counts every task of the unit (system job)
        UnitKpi = self.sudo()
        existing = UnitKpi.search(
            [
                ("department_id", "in", departments.ids),
                ("period_id", "in", periods.ids),
            ]
        )
        have = {(u.department_id.id, u.period_id.id) for u in existing}
        new = UnitKpi.create(
            [
                {"department_id": d.id, "period_id": p.id}
                for d in departments
                for p in periods
                if p.company_id == d.company_id and (d.id, p.id) not in have
            ]
        )
        units = existing | new
        units._recompute()
        return units.with_env(self.env)

    def _unit_task_totals(self):
        """{(department id, period id): ``task_totals`` of the counted tasks
        of the unit's staff (the unit and its sub-units) due in the period},
        each under its month's rule set. The tasks are read once, by batches
        of ``UNIT_TASK_BATCH`` as stored (no record built), their totals
        added up per department of the task, then carried to every unit of
        ``self`` above it by the department's path: the memory stays that of
        a batch and the work that of the tasks, whatever the number of units
        (a city's 2,000 units over its 2,000,000 tasks of a month)."""
        result = {
            (u.department_id.id, u.period_id.id): task_totals([], 0.0) for u in self
        }
        if not self:
            return result
        rules = {}
        for period in self.period_id:
            rule_set = period.rule_set_id
            rules[period.id] = (
                (rule_set.deduction_percent or 25.0) / 100.0,
                rule_set.over_completion_policy == "cap",
            )
        # sudo: the unit's result counts every task of the unit (system job)
        Department = self.env["hr.department"].sudo()
        # the units' subtrees once (not a path test per unit in every batch)
        departments = Department.search([("id", "child_of", self.department_id.ids)])
        Task = self.env["hr.kpi.task"]
        # the rows as stored, read in SQL: a city's month is 2,000,000 tasks,
        # whose records the ORM would build (and cache) one by one
        Task.flush_model(
            [*UNIT_TASK_FIELDS, "period_id", "department_id", "is_counted"]
        )
        # the ORM's value of an empty column: 0, False (a selection's NULL
        # compares as its False)
        empty = {"boolean": False, "integer": 0, "float": 0.0}
        values = SQL(", ").join(
            SQL(
                "COALESCE(%s, %s) AS %s",
                SQL.identifier(fname),
                empty[Task._fields[fname].type],
                SQL.identifier(fname),
            )
            if Task._fields[fname].type in empty
            else SQL.identifier(fname)
            for fname in UNIT_TASK_FIELDS
        )
        partial = defaultdict(lambda: task_totals([], 0.0))
        last_id = 0
        while True:
            rows = self.env.execute_query_dict(
                SQL(
                    """
                    SELECT id, department_id, period_id, %(values)s
                      FROM hr_kpi_task
                     WHERE period_id = ANY(%(periods)s)
                       AND department_id = ANY(%(departments)s)
                       AND is_counted AND id > %(last)s
                     ORDER BY id
                     LIMIT %(batch)s
                    """,
                    values=values,
                    periods=self.period_id.ids,
                    departments=departments.ids,
                    last=last_id,
                    batch=UNIT_TASK_BATCH,
                )
            )
            if not rows:
                break
            last_id = rows[-1]["id"]
            groups = defaultdict(list)
            for row in rows:
                groups[row["department_id"], row["period_id"]].append(row)
            for (department_id, period_id), items in groups.items():
                add_totals(
                    partial[department_id, period_id],
                    task_totals(items, *rules[period_id]),
                )
            if len(rows) < UNIT_TASK_BATCH:
                break
        # a department's totals go to every unit whose path prefixes its path
        paths = {
            department.id: department.parent_path or ""
            for department in Department.browse(
                {department_id for department_id, _p in partial}
            )
        }
        for (department_id, period_id), totals in partial.items():
            for ancestor in paths[department_id].split("/"):
                key = (int(ancestor), period_id) if ancestor else None
                if key in result:
                    add_totals(result[key], totals)
        return result

    def _unassigned_plan_items(self):
        """Pseudo-tasks for what the units' monthly plans did not assign (not done)."""
        # sudo: the unit's result counts every task of the unit (system job)
        lines = (
            self.env["hr.kpi.plan.line"]
            .sudo()
            .search(
                [
                    ("plan_id.plan_type", "=", "unit_monthly"),
                    ("plan_id.state", "in", ("accepted", "closed")),
                    ("department_id", "in", self.department_id.ids),
                    ("deadline", ">=", min(self.period_id.mapped("date_start"))),
                    ("deadline", "<=", max(self.period_id.mapped("date_end"))),
                ]
            )
        )
        result = {}
        for line in lines:
            remaining = line.remaining_quantity
            if remaining <= 0:
                continue
            for unit in self:
                if unit.department_id == line.department_id and (
                    unit.period_id.date_start
                    <= line.deadline
                    <= unit.period_id.date_end
                ):
                    result.setdefault(unit.id, []).append(
                        {
                            "coefficient": line.product_id.coefficient,
                            "quantity": remaining,
                            "completed_quantity": 0.0,
                            "quality_passed_quantity": 0.0,
                            "major_error_count": 0,
                            "delay_count": 0,
                            "exemption": False,
                            "exemption_scope": False,
                            "outcome_confirmed": True,
                        }
                    )
        return result

    def _key_results(self):
        """The key results of the units' objectives that overlap each period."""
        # sudo: the unit's result counts every task of the unit (system job)
        KeyResult = self.env["hr.kpi.key.result"].sudo()
        krs = KeyResult.search(
            [
                ("objective_id.scope", "=", "unit"),
                ("objective_id.active", "=", True),
                ("department_id", "in", self.department_id.ids),
                (
                    "objective_id.date_start",
                    "<=",
                    max(self.period_id.mapped("date_end")),
                ),
                (
                    "objective_id.date_end",
                    ">=",
                    min(self.period_id.mapped("date_start")),
                ),
            ]
        )
        by_department = defaultdict(lambda: KeyResult)
        for kr in krs:
            by_department[kr.department_id.id] |= kr
        result = {}
        for unit in self:
            result[unit.id] = by_department[unit.department_id.id].filtered(
                lambda kr, u=unit: (
                    kr.objective_id.date_start <= u.period_id.date_end
                    and kr.objective_id.date_end >= u.period_id.date_start
                )
            )
        return result

    def _recompute(self):
        # sudo: the unit's result counts every task of the unit (system job)
        units = self.sudo()
        if not units:
            return
        engine = self.env["hr.kpi.engine"]
        task_sums = units._unit_task_totals()
        unassigned = units._unassigned_plan_items()
        key_results = units._key_results()
        KeyResult = self.env["hr.kpi.key.result"]
        now = fields.Datetime.now()
        for unit in units:
            rule_set = unit.period_id.rule_set_id
            deduction = (rule_set.deduction_percent or 25.0) / 100.0
            extra = unassigned.get(unit.id, [])
            items_totals = task_sums[unit.department_id.id, unit.period_id.id]
            # the totals are sums over the tasks: the unit's tasks' and the
            # plan's unassigned items' add up
            totals = dict(items_totals)
            add_totals(
                totals,
                task_totals(
                    extra, deduction, cap=rule_set.over_completion_policy == "cap"
                ),
            )
            assigned, done = totals["assigned"], totals["done"]
            quality, progress = totals["quality"], totals["progress"]
            delays, perfect = totals["delays"], totals["perfect"]
            if assigned > 0:
                a = min(100.0, 100.0 * done / assigned)
                b = min(100.0, 100.0 * quality / assigned)
                c = min(100.0, 100.0 * progress / assigned)
            else:
                a = b = c = 0.0
            kpi = (a + b + c) / 3.0
            count = items_totals["count"] + len(extra)
            all_perfect = bool(count) and perfect == count
            krs = key_results.get(unit.id, KeyResult)
            kr_attainment = KeyResult._weighted_attainment(krs)
            low = rule_set.leader_low_percent if rule_set else 50.0
            rnd = (lambda v, rs=rule_set: engine._round(v, rs)) if rule_set else round
            kpi = rnd(kpi)
            unit.write(
                {
                    "task_count": items_totals["count"],
                    "unassigned_quantity": sum(
                        i["quantity"] * i["coefficient"] for i in extra
                    ),
                    "assigned_quantity": assigned,
                    "kpi_quantity": rnd(a),
                    "kpi_quality": rnd(b),
                    "kpi_progress": rnd(c),
                    "kpi_percent": kpi,
                    "delay_count": delays,
                    "perfect_count": perfect,
                    "all_perfect": all_perfect,
                    "key_result_count": len(krs),
                    "key_result_exceeded_count": len(krs.filtered("is_exceeded")),
                    "kr_attainment": kr_attainment,
                    "kr_summary": "\n".join(
                        f"{kr.objective_id.name} / {kr.name}: {kr.attainment:.2f} %"
                        f" (×{kr.weight:g})"
                        for kr in krs
                    )
                    or False,
                    "organisation_proposed": 100.0 if all_perfect else low,
                    "is_outstanding": self._is_outstanding(
                        rule_set, kpi, all_perfect, krs, kr_attainment
                    ),
                    "date_computed": now,
                }
            )
        units._apply_to_leaders()
        units._kpi_recompute_leaders()

    @api.model
    def _is_outstanding(self, rule_set, kpi, all_perfect, key_results, kr_attainment):
        """The "outstanding unit" condition of the quota exception, with the
        values of the rule set (no rule set: never outstanding)."""
        if not rule_set:
            return False
        return (
            (all_perfect or not rule_set.outstanding_all_tasks_perfect)
            and kpi >= rule_set.outstanding_min_kpi
            and (
                not key_results
                or kr_attainment >= rule_set.outstanding_min_kr_attainment
            )
        )

    def _apply_to_leaders(self):
        """Set the proposed đ on the appraisals of the units' head and deputies
        that are not decided yet (d stays computed by the engine)."""
        appraisals = self._leader_appraisals().filtered(
            lambda a: a.state not in DECIDED_STATES
        )
        # by month and employee, by month and unit: a lookup per unit (a
        # filter of every leader's appraisal per unit is quadratic in a city)
        by_employee, by_unit = defaultdict(list), defaultdict(list)
        for appraisal in appraisals:
            month = appraisal.period_id.id
            by_employee[month, appraisal.employee_id.id].append(appraisal.id)
            by_unit[month, appraisal.department_id.id].append(appraisal.id)
        # the value each appraisal gets (the last of its units, as unit by
        # unit), then one write a value (a unit's đ is 100 or the rule set's
        # low value), not one a unit
        target = {}
        for unit in self:
            month = unit.period_id.id
            ids = (
                by_employee[month, unit.department_id.manager_id.id]
                + by_unit[month, unit.department_id.id]
            )
            target.update(dict.fromkeys(ids, unit.organisation_proposed))
        by_value = defaultdict(list)
        for appraisal in appraisals.browse(list(target)):
            if appraisal.kpi_organisation != target[appraisal.id]:
                by_value[target[appraisal.id]].append(appraisal.id)
        for value, ids in by_value.items():
            if ids:
                # sudo: the system sets the unit's proposed đ on the leaders'
                # open appraisals (private, from _recompute: HR or the head)
                appraisals.browse(ids).sudo().write({"kpi_organisation": value})

    def action_recompute(self):
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            # sudo: the unit's result counts every task of the unit (system job)
            headed = (
                self.env["hr.department"]
                .sudo()
                .search([("id", "child_of", self.env.user.kpi_head_department_ids.ids)])
            )
            for unit in self:
                if unit.department_id not in headed:
                    raise AccessError(
                        self.env._(
                            "Only the head of the unit or an HR officer recomputes "
                            "%(unit)s.",
                            unit=unit.display_name,
                        )
                    )
        self._recompute()
        return True

    @api.model
    def _cron_recompute(self):
        """Recompute the unit KPIs of the open periods (units that have staff
        appraised in them)."""
        # sudo: the unit's result counts every task of the unit (system job)
        periods = self.env["hr.kpi.period"].sudo().search([("state", "=", "open")])
        Department = self.env["hr.department"]
        again = False
        for period in periods:
            # sudo: the unit's result counts every task of the unit (system job)
            departments = Department.union(
                *(
                    department
                    for [department] in self.env["hr.kpi.appraisal"]
                    .sudo()
                    ._read_group([("period_id", "=", period.id)], ["department_id"])
                )
            )
            if not departments:
                continue
            try:
                with self.env.cr.savepoint():
                    self._compute_for(departments, period)
            except (errors.SerializationFailure, errors.LockNotAvailable) as err:
                # a user wrote a leader's appraisal of the month meanwhile: the
                # month is computed again in a few minutes, in a new
                # transaction (the other months' results are kept)
                _logger.info("KPI: unit KPIs of %s tried again: %s", period.name, err)
                again = True
        if again:
            self.env.ref("l10n_vn_hr_kpi.ir_cron_kpi_unit_kpi")._trigger(
                fields.Datetime.now() + timedelta(minutes=CRON_RETRY_MINUTES)
            )
