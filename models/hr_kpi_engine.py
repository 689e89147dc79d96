"""The scoring engine: the only place where an appraisal's inputs become scores.

The appraisal's stored computed fields delegate here, in batch:

* ``_compute_task_block``: the task block of NĐ 335 Điều 14 (a, b, c);
* ``_compute_general_block``: the general criteria and the adjustments;
* ``_compute_vetoes``: the events of NĐ 335 Điều 20 khoản 4;
* ``_compute_result``: d (leaders), KPI %, task points, total, level and the
  reasons of every downgrade.

Every number used (thresholds, 25 %, 30/70, rounding, policies) is a field of
the appraisal's rule set.
"""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..const import LEVEL_RANK, NOT_EVALUATED, QD366_ARTICLE, VETO_ARTICLES
from .hr_kpi_locale import fmt_number
from .kpi_rules import level_from_score, round_score, task_totals


class RuleValues:
    """The values of a rule set's fields, read once (see ``HrKpiEngine._rules``):
    attributes named as the fields, false when the rule set is empty;
    ``articles``: {field name: "article, source"} of its sourced rules."""

    def __init__(self, rule_set, names, article_fields=()):
        self.id = rule_set.id
        for name in names:
            setattr(self, name, rule_set[name])
        # sudo: the article of a rule, quoted in the reasons whoever computes
        # them (ir.model.fields is readable by administrators only)
        self.articles = {
            source.field_id.name: ", ".join(
                filter(None, [source.article, source.source])
            )
            for source in rule_set.sudo().source_ids
            if source.field_id.name in article_fields
        }

    def __bool__(self):
        return bool(self.id)


class HrKpiEngine(models.AbstractModel):
    _name = "hr.kpi.engine"
    _description = "KPI scoring engine"

    TASK_FIELDS = [
        "appraisal_id",
        "coefficient",
        "quantity",
        "completed_quantity",
        "quality_passed_quantity",
        "major_error_count",
        "delay_count",
        "exemption",
        "exemption_scope",
        "exceeded_requirement",
        "outcome_confirmed",
    ]

    # the rule set's fields the engine reads
    RULE_FIELDS = [
        "apply_vetoes",
        "bonus_max",
        "deduction_max",
        "deduction_percent",
        "general_max",
        "leader_low_percent",
        "leader_task_strategy",
        "over_completion_policy",
        "qd366_conditions",
        "qd366_exceeded_percent",
        "rounding_digits",
        "rounding_method",
        "task_max",
        "threshold_done",
        "threshold_excellent",
        "threshold_good",
        "zero_assignment_policy",
        "head_capped_by_unit",
        "unit_plan_rule",
        "unit_plan_min_percent",
    ]
    # the rules whose article the reasons quote (hr.kpi.rule.source)
    ARTICLE_FIELDS = ("head_capped_by_unit", "unit_plan_rule")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _rules(self, rule_sets):
        """The values of ``RULE_FIELDS`` of ``rule_sets``, read once per batch,
        by rule set id; key ``False`` holds the empty values of an appraisal
        without a rule set (false when tested). Read through the ORM for each
        appraisal, they were a tenth of a city's recompute (README "Performance")."""
        empty = self.env["hr.kpi.rule.set"].browse()
        return {
            rule_set.id: RuleValues(rule_set, self.RULE_FIELDS, self.ARTICLE_FIELDS)
            for rule_set in (*rule_sets, empty)
        }

    @api.model
    def _round(self, value, rule_set):
        """``value`` rounded as ``rule_set`` (a rule set or its ``_rules``
        values) says."""
        return round_score(value, rule_set)

    @api.model
    def _level_from_score(self, score, rule_set):
        """Level from a (rounded) score under the thresholds of ``rule_set``."""
        return level_from_score(score, rule_set)

    @api.model
    def _assign(self, records, rows):
        """Assign computed values, ``rows`` being (record, {field: value})
        pairs. The records sharing a field's value get it in one assignment: at
        city scale, one assignment per record and field was a third of a
        month's recomputation (README "Performance")."""
        same = defaultdict(list)
        for record, values in rows:
            for fname, value in values.items():
                if isinstance(value, (list, dict)):
                    record[fname] = value
                else:
                    same[fname, value].append(record.id)
        for (fname, value), ids in same.items():
            records.browse(ids)[fname] = value

    # ------------------------------------------------------------------
    # Task block: a (quantity), b (quality), c (progress)
    # ------------------------------------------------------------------

    @api.model
    def _counted_tasks(self, ids):
        """The counted tasks of the saved appraisals ``ids`` as mappings (the
        fields of ``TASK_FIELDS``), by appraisal id. Read in one query: at city
        scale the task block reads ten tasks per appraisal and the ORM's
        per-field access was most of its time (README "Performance")."""
        tasks_by_appraisal = defaultdict(list)
        if not ids:
            return tasks_by_appraisal
        Task = self.env["hr.kpi.task"]
        Task.flush_model([*self.TASK_FIELDS, "is_counted"])
        numbers = {
            name
            for name in self.TASK_FIELDS
            if Task._fields[name].type in ("float", "integer", "monetary")
        }
        columns = SQL(", ").join(
            SQL("COALESCE(%s, 0) AS %s", SQL.identifier(name), SQL.identifier(name))
            if name in numbers
            else SQL.identifier(name)
            for name in self.TASK_FIELDS
        )
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT %s FROM hr_kpi_task WHERE appraisal_id = ANY(%s) "
                "AND is_counted ORDER BY id",
                columns,
                list(ids),
            )
        )
        for row in rows:
            tasks_by_appraisal[row["appraisal_id"]].append(row)
        return tasks_by_appraisal

    @api.model
    def _compute_task_block(self, appraisals):
        tasks_by_appraisal = self._counted_tasks(
            [
                id_
                for id_ in (a._origin.id or a.id for a in appraisals)
                if isinstance(id_, int)
            ]
        )
        rules = self._rules(appraisals.rule_set_id)
        self._assign(
            appraisals,
            [
                (
                    appraisal,
                    self._task_values(
                        tasks_by_appraisal.get(
                            appraisal._origin.id or appraisal.id, []
                        ),
                        rules[appraisal.rule_set_id.id],
                        appraisal.zero_assignment_resolution,
                    ),
                )
                for appraisal in appraisals
            ],
        )

    @api.model
    def _task_values(self, tasks, rule_set, zero_resolution):
        """The task block of one appraisal (``TASK_BLOCK_FIELDS``) from its
        counted ``tasks`` (mappings or records), its rule set (or its ``_rules``
        values) and how a month without assignment was resolved."""
        totals = task_totals(
            tasks,
            rule_set.deduction_percent / 100.0,
            cap=rule_set.over_completion_policy == "cap",
        )
        assigned, done = totals["assigned"], totals["done"]
        quality, progress = totals["quality"], totals["progress"]
        zero = assigned <= 0.0
        needs_attention = False
        if zero:
            if rule_set.zero_assignment_policy == "full" or zero_resolution == "full":
                a = b = c = 100.0
            else:
                a = b = c = 0.0
                needs_attention = bool(rule_set) and not zero_resolution
        else:
            a = min(100.0, 100.0 * done / assigned)
            b = min(100.0, 100.0 * quality / assigned)
            c = min(100.0, 100.0 * progress / assigned)
        return {
            "kpi_assigned_quantity": assigned,
            "kpi_done_quantity": done,
            "kpi_quality_quantity": quality,
            "kpi_progress_quantity": progress,
            "kpi_quantity": a,
            "kpi_quality": b,
            "kpi_progress": c,
            "task_counted_count": totals["count"],
            "task_delay_count": totals["delays"],
            "task_exceeded_count": sum(
                1 for task in tasks if task["exceeded_requirement"]
            ),
            "task_perfect_count": totals["perfect"],
            "task_unconfirmed_count": sum(
                1 for task in tasks if not task["outcome_confirmed"]
            ),
            "zero_assignment": zero,
            "needs_attention": needs_attention,
        }

    # ------------------------------------------------------------------
    # General block and adjustments
    # ------------------------------------------------------------------

    @api.model
    def _general_sums(self, appraisals):
        """(self, evaluator, final) sums of the general criteria by appraisal:
        one grouped query for saved appraisals, the lines in memory for an
        appraisal being edited (a form's onchange)."""
        saved = appraisals.filtered(lambda a: isinstance(a.id, int))
        sums = {}
        if saved:
            # sudo: scores come from every input, whatever the reader may read
            groups = (
                self.env["hr.kpi.appraisal.line"]
                .sudo()
                ._read_group(
                    [("appraisal_id", "in", saved.ids)],
                    ["appraisal_id"],
                    ["self_points:sum", "evaluator_points:sum", "final_points:sum"],
                )
            )
            sums = {appraisal.id: totals for appraisal, *totals in groups}
        for appraisal in appraisals - saved:
            lines = appraisal.line_ids
            sums[appraisal.id] = [
                sum(lines.mapped(name))
                for name in ("self_points", "evaluator_points", "final_points")
            ]
        return sums

    @api.model
    def _adjustment_sums(self, appraisals):
        """(bonus, deduction) points of the approved adjustments by appraisal:
        one grouped query for saved appraisals, in memory for an appraisal
        being edited."""
        saved = appraisals.filtered(lambda a: isinstance(a.id, int))
        sums = defaultdict(lambda: [0.0, 0.0])
        if saved:
            # sudo: scores come from every input, whatever the reader may read
            groups = (
                self.env["hr.kpi.adjustment"]
                .sudo()
                ._read_group(
                    [("appraisal_id", "in", saved.ids), ("state", "=", "approved")],
                    ["appraisal_id", "adjustment_type"],
                    ["points:sum"],
                )
            )
            for appraisal, adjustment_type, points in groups:
                sums[appraisal.id][adjustment_type != "bonus"] += points or 0.0
        for appraisal in appraisals - saved:
            for adjustment in appraisal.adjustment_ids:
                if adjustment.state == "approved":
                    sums[appraisal.id][adjustment.adjustment_type != "bonus"] += (
                        adjustment.points
                    )
        return sums

    @api.model
    def _compute_general_block(self, appraisals):
        sums = self._general_sums(appraisals)
        adjustments = self._adjustment_sums(appraisals)
        rules = self._rules(appraisals.rule_set_id)
        self._assign(
            appraisals,
            [
                (
                    appraisal,
                    self._general_values(
                        sums.get(appraisal.id),
                        adjustments[appraisal.id],
                        rules[appraisal.rule_set_id.id],
                    ),
                )
                for appraisal in appraisals
            ],
        )

    @api.model
    def _general_values(self, sums, adjustments, rule_set):
        """The general block of one appraisal (``GENERAL_BLOCK_FIELDS``) from the
        (self, evaluator, final) sums of its criteria, the (bonus, deduction)
        of its approved adjustments and its rule set (or its ``_rules``
        values)."""
        values = dict.fromkeys(
            ("general_self_score", "general_evaluator_score", "general_score"), 0.0
        )
        if rule_set:
            general_max = rule_set.general_max
            for fname, total in zip(values, sums or (0.0, 0.0, 0.0), strict=True):
                values[fname] = self._round(min(general_max, total), rule_set)
        bonus, deduction = adjustments
        bonus = min(bonus, rule_set.bonus_max)
        if rule_set.deduction_max:
            deduction = min(deduction, rule_set.deduction_max)
        values["adjustment_bonus"] = bonus
        values["adjustment_deduction"] = deduction
        values["adjustment_score"] = (
            self._round(bonus - deduction, rule_set) if rule_set else 0.0
        )
        return values

    # ------------------------------------------------------------------
    # Vetoes (NĐ 335/2025 Điều 20 khoản 4)
    # ------------------------------------------------------------------

    @api.model
    def _events_by_employee(self, employee_ids):
        """The events (discipline, degradation…) of ``employee_ids``, by
        employee id, in date order."""
        # sudo: scores come from every input, whatever the reader may read
        events = (
            self.env["hr.kpi.employee.event"]
            .sudo()
            .search_fetch(
                [("employee_id", "in", list(employee_ids))],
                ["employee_id", "event_type", "date", "decision_ref"],
                order="date, id",
            )
        )
        events_by_employee = defaultdict(list)
        for event in events:
            events_by_employee[event.employee_id.id].append(event)
        return events_by_employee

    @api.model
    def _compute_vetoes(self, appraisals):
        events_by_employee = self._events_by_employee(appraisals.employee_id.ids)
        rules = self._rules(appraisals.rule_set_id)
        self._assign(
            appraisals,
            [
                (
                    appraisal,
                    self._veto_values(
                        events_by_employee.get(appraisal.employee_id.id, []),
                        appraisal.period_id.date_start,
                        appraisal.period_id.date_end,
                        appraisal.is_leader,
                        rules[appraisal.rule_set_id.id],
                    ),
                )
                for appraisal in appraisals
            ],
        )

    @api.model
    def _veto_values(self, events, date_start, date_end, is_leader, rule_set):
        """``veto_data`` and ``is_vetoed`` of one appraisal of the month from
        ``date_start`` to ``date_end``, from its employee's ``events``."""
        vetoes = []
        if rule_set.apply_vetoes and date_start:
            for event in events:
                # from the month of the decision to the end of that year
                if not (event.date.year == date_start.year and event.date <= date_end):
                    continue
                if event.event_type == "corruption" and not is_leader:
                    continue
                vetoes.append(
                    {
                        "code": f"veto_{event.event_type}",
                        "to": "fail",
                        "article": VETO_ARTICLES[event.event_type],
                        "ref": event.decision_ref,
                        "date": event.date.isoformat(),
                    }
                )
        return {"veto_data": vetoes or False, "is_vetoed": bool(vetoes)}

    # ------------------------------------------------------------------
    # Result: d, KPI %, task points, total, level and its reasons
    # ------------------------------------------------------------------

    @api.model
    def _result_batch(self, appraisals):
        """The result fields are recursive (a leader's d reads the levels of the
        appraisals he evaluates), so the ORM computes them one appraisal at a
        time. Take every appraisal still waiting for them off the ORM's list
        and return them with ``appraisals``, the evaluated ones before their
        leader: they are computed in one pass (README "Performance")."""
        env = appraisals.env
        field = appraisals._fields["level_computed"]
        if not all(isinstance(a.id, int) for a in appraisals):
            return appraisals, appraisals.browse()
        pending = (
            appraisals.browse(env.records_to_compute(field)._ids) - appraisals
        ).exists()
        for computed in appraisals.pool.field_computed[field]:
            env.remove_to_compute(computed, pending)
        # a decided appraisal waiting there (its leader's or staff's level
        # changed) keeps its snapshot: taken off the list, not computed
        batch = appraisals | pending._kpi_live()
        depth = {}

        def depth_of(appraisal):
            chain = []
            while appraisal and appraisal.id not in depth and appraisal not in chain:
                chain.append(appraisal)
                appraisal = appraisal.leader_appraisal_id
            base = depth.get(appraisal.id, 0) if appraisal else 0
            for level, member in enumerate(reversed(chain), start=1):
                depth[member.id] = base + level
            return depth[chain[0].id] if chain else base

        ordered = batch.sorted(lambda a: -depth_of(a))
        return ordered, pending

    @api.model
    def _compute_result(self, appraisals):
        ordered, pending = self._result_batch(appraisals)
        fields = appraisals.pool.field_computed[appraisals._fields["level_computed"]]
        with appraisals.env.protecting(fields, pending):
            self._compute_result_ordered(ordered)

    @api.model
    def _compute_result_ordered(self, appraisals):
        """Compute the result of ``appraisals``, the evaluated before their
        leader; the levels are kept in ``levels`` as they are computed, for the
        leaders' d, and every value is assigned at the end, by groups."""
        levels = {}
        rows = []
        rules = self._rules(appraisals.rule_set_id)
        self._fetch_outside_levels(appraisals)
        units = self._unit_rows(
            [
                (a.department_id.id, a.period_id.id)
                for a in appraisals
                if a.is_leader and rules[a.rule_set_id.id]
            ]
        )
        for appraisal in appraisals:
            rule_set = rules[appraisal.rule_set_id.id]
            unit_result = 0.0
            if appraisal.is_leader and rule_set:
                # the months not evaluated of the staff have no level
                unit_result = self._unit_result(
                    [
                        levels[sub.id] if sub.id in levels else sub.level_computed
                        for sub in appraisal.subordinate_appraisal_ids
                        if sub.id != appraisal.id and sub.state != NOT_EVALUATED
                    ],
                    rule_set,
                )
            values = self._result_values(
                appraisal,
                rule_set,
                unit_result,
                unit=units.get((appraisal.department_id.id, appraisal.period_id.id)),
            )
            levels[appraisal.id] = values["level_computed"]
            rows.append((appraisal, values))
        self._assign(appraisals, rows)

    @api.model
    def _fetch_outside_levels(self, appraisals):
        """Read in one query the levels of the appraisals that the leaders of
        ``appraisals`` evaluate, outside ``appraisals`` (computed in an earlier
        batch): read one by one, each read fetched every column of its
        neighbours."""
        leaders = appraisals.filtered(lambda a: a.is_leader and isinstance(a.id, int))
        outside = leaders.subordinate_appraisal_ids - appraisals
        if outside:
            outside.fetch(["level_computed", "state"])

    @api.model
    def _unit_result(self, levels, rule_set):
        """d: 100 % if everyone the leader evaluates is at least 'completed'
        (or nobody is evaluated), else the lower value of ``rule_set`` (a rule
        set or its ``_rules`` values); ``levels``: the levels of the appraisals
        the leader evaluates."""
        if any(level == "fail" for level in levels):
            return rule_set.leader_low_percent
        return 100.0

    @api.model
    def _unit_rows(self, pairs):
        """{(department id, period id): {"kpi_percent", "kpi_quantity",
        "level_decided"}} of the unit KPIs of ``pairs`` (the units of leaders'
        appraisals), in one query."""
        pairs = {pair for pair in pairs if all(pair)}
        if not pairs:
            return {}
        self.env["hr.kpi.unit.kpi"].flush_model(
            [
                "department_id",
                "period_id",
                "kpi_percent",
                "kpi_quantity",
                "level_decided",
            ]
        )
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT department_id, period_id, kpi_percent, kpi_quantity, "
                "level_decided FROM hr_kpi_unit_kpi "
                "WHERE department_id = ANY(%s) AND period_id = ANY(%s)",
                list({d for d, _p in pairs}),
                list({p for _d, p in pairs}),
            )
        )
        return {
            (row["department_id"], row["period_id"]): row
            for row in rows
            if (row["department_id"], row["period_id"]) in pairs
        }

    @api.model
    def _apply_unit_rules(self, subject_group, level, rule_set, unit):
        """Lower a leader's ``level`` by the rules about his unit (NĐ 233/2026
        Điều 12 as cited by implementers; each switchable on ``rule_set``):
        below the unit plan's threshold, the head is not completed and the
        deputies at most well completed; the head is never above the unit's
        collective level (decided, else computed from its unit KPI). ``unit``:
        a row of ``_unit_rows`` or None. Returns (level, reasons)."""
        reasons = []
        if not unit or subject_group not in ("leader_head", "leader_deputy"):
            return level, reasons
        plan = unit["kpi_quantity"] or 0.0
        if rule_set.unit_plan_rule and plan < rule_set.unit_plan_min_percent:
            cap = "fail" if subject_group == "leader_head" else "good"
            if LEVEL_RANK[level] > LEVEL_RANK[cap]:
                reasons.append(
                    {
                        "code": f"unit_plan_{subject_group.removeprefix('leader_')}",
                        "from": level,
                        "to": cap,
                        "article": rule_set.articles.get("unit_plan_rule", ""),
                        "values": {
                            "plan": self._round(plan, rule_set),
                            "required": rule_set.unit_plan_min_percent,
                        },
                    }
                )
                level = cap
        if rule_set.head_capped_by_unit and subject_group == "leader_head":
            unit_level = unit["level_decided"] or self._level_from_score(
                unit["kpi_percent"] or 0.0, rule_set
            )
            if LEVEL_RANK[level] > LEVEL_RANK[unit_level]:
                reasons.append(
                    {
                        "code": "unit_cap",
                        "from": level,
                        "to": unit_level,
                        "article": rule_set.articles.get("head_capped_by_unit", ""),
                        "values": {
                            "unit_kpi": self._round(
                                unit["kpi_percent"] or 0.0, rule_set
                            ),
                            "decided": bool(unit["level_decided"]),
                        },
                    }
                )
                level = unit_level
        return level, reasons

    @api.model
    def _result_values(self, appraisal, rule_set, unit_result, unit=None):
        """The result of one appraisal (``RESULT_FIELDS``): ``appraisal`` is the
        record or a mapping of its inputs (its task and general blocks, vetoes,
        ``is_leader``, ``subject_group``, đ and e), ``unit_result`` the leader's
        d, ``unit`` the row of his unit's KPI (``_unit_rows``) or None."""
        if not rule_set:
            return {
                "kpi_unit_result": 0.0,
                "kpi_percent": 0.0,
                "task_score": 0.0,
                "total_score": 0.0,
                "level_by_score": False,
                "level_computed": False,
                "level_reason_data": False,
            }
        parts = [
            appraisal["kpi_quantity"],
            appraisal["kpi_quality"],
            appraisal["kpi_progress"],
        ]
        if appraisal["is_leader"] and rule_set.leader_task_strategy == "abcdde":
            parts += [
                unit_result,
                appraisal["kpi_organisation"],
                appraisal["kpi_cohesion"],
            ]
        kpi = sum(parts) / len(parts)
        task_score = self._round(kpi * rule_set.task_max / 100.0, rule_set)
        total = self._round(
            max(
                0.0,
                min(
                    100.0,
                    appraisal["general_score"]
                    + task_score
                    + appraisal["adjustment_score"],
                ),
            ),
            rule_set,
        )
        return {
            "kpi_unit_result": self._round(unit_result, rule_set),
            "kpi_percent": self._round(kpi, rule_set),
            "task_score": task_score,
            **self._level_values(appraisal, total, rule_set, unit=unit),
        }

    @api.model
    def _level_values(self, appraisal, total, rule_set, unit=None):
        """The level a (rounded) ``total`` gives under the rules: the level of
        the thresholds, lowered by the QĐ 366 conditions and the vetoes, with
        the reasons (``total_score``, ``level_by_score``, ``level_computed``,
        ``level_reason_data``). ``appraisal`` is the record or a mapping of its
        task counts and vetoes, ``unit`` the row of a leader's unit KPI
        (``_unit_rows``). Also the ceiling of a correction decision
        (hr.kpi.appraisal._do_correct) on its corrected total."""
        level = by_score = self._level_from_score(total, rule_set)
        reasons = []
        if rule_set.qd366_conditions:
            level, qd366_reasons = self._apply_qd366(appraisal, level, rule_set)
            reasons += qd366_reasons
        if appraisal["is_leader"]:
            level, unit_reasons = self._apply_unit_rules(
                appraisal["subject_group"], level, rule_set, unit
            )
            reasons += unit_reasons
        for veto in appraisal["veto_data"] or []:
            reasons.append(dict(veto, **{"from": level}))
            level = "fail"
        return {
            "total_score": total,
            "level_by_score": by_score,
            "level_computed": level,
            "level_reason_data": reasons or False,
        }

    @api.model
    def _apply_qd366(self, appraisal, level, rule_set):
        """QĐ 366-QĐ/TW Điều 11: lower the level one step per unmet condition
        (``appraisal``: the record or a mapping of its task counts;
        ``rule_set``: its rule set or its ``_rules`` values)."""
        counted = appraisal["task_counted_count"]
        perfect = appraisal["task_perfect_count"]
        all_perfect = perfect >= counted
        perfect_pct = 100.0 * perfect / counted if counted else 100.0
        exceeded_pct = (
            100.0 * appraisal["task_exceeded_count"] / counted if counted else 0.0
        )
        values = {
            "perfect": self._round(perfect_pct, rule_set),
            "exceeded": self._round(exceeded_pct, rule_set),
            "required": rule_set.qd366_exceeded_percent,
        }
        reasons = []
        if level == "excellent" and not (
            all_perfect and exceeded_pct >= rule_set.qd366_exceeded_percent
        ):
            reasons.append(
                {
                    "code": "qd366_excellent",
                    "from": level,
                    "to": "good",
                    "article": QD366_ARTICLE,
                    "values": values,
                }
            )
            level = "good"
        if level == "good" and not all_perfect:
            reasons.append(
                {
                    "code": "qd366_good",
                    "from": level,
                    "to": "done",
                    "article": QD366_ARTICLE,
                    "values": values,
                }
            )
            level = "done"
        return level, reasons

    # ------------------------------------------------------------------
    # A month at once, from the database (README "Performance")
    # ------------------------------------------------------------------

    @api.model
    def _scores_of(self, ids, levels):
        """Every score of the saved appraisals ``ids`` (each after those he
        evaluates), computed by the same rules as the fields above but from
        plain rows: the inputs are read in a few queries and no record is built
        per appraisal, which at city scale was most of a month's recompute.
        ``levels`` holds the levels computed so far in the pass, by appraisal
        id, and receives those of ``ids``. Returns {id: {field: value}}."""
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT a.id, a.rule_set_id, a.employee_id, a.is_leader,
                       a.subject_group, a.department_id, a.period_id,
                       a.zero_assignment_resolution,
                       COALESCE(a.kpi_organisation, 0) AS kpi_organisation,
                       COALESCE(a.kpi_cohesion, 0) AS kpi_cohesion,
                       p.date_start, p.date_end
                  FROM hr_kpi_appraisal a
             LEFT JOIN hr_kpi_period p ON p.id = a.period_id
                 WHERE a.id = ANY(%s)
                """,
                list(ids),
            )
        )
        by_id = {row["id"]: row for row in rows}
        rules = self._rules(
            self.env["hr.kpi.rule.set"].browse(
                {row["rule_set_id"] for row in rows if row["rule_set_id"]}
            )
        )
        appraisals = self.env["hr.kpi.appraisal"].browse(list(by_id))
        tasks = self._counted_tasks(list(by_id))
        sums = self._general_sums(appraisals)
        adjustments = self._adjustment_sums(appraisals)
        events = self._events_by_employee({row["employee_id"] for row in rows})
        units = self._unit_rows(
            [
                (row["department_id"], row["period_id"])
                for row in rows
                if row["is_leader"] and row["rule_set_id"]
            ]
        )
        # (appraisal, level stored) of those each leader evaluates
        staff = defaultdict(list)
        leader_ids = [row["id"] for row in rows if row["is_leader"]]
        if leader_ids:
            for sub_id, leader_id, level in self.env.execute_query(
                SQL(
                    "SELECT id, leader_appraisal_id, level_computed "
                    "FROM hr_kpi_appraisal WHERE leader_appraisal_id = ANY(%s) "
                    "AND state != %s AND active",
                    leader_ids,
                    NOT_EVALUATED,
                )
            ):
                if sub_id != leader_id:
                    staff[leader_id].append((sub_id, level))
        scores = {}
        for id_ in ids:
            row = by_id.get(id_)
            if row is None:
                continue
            rule_set = rules[row["rule_set_id"] or False]
            values = self._task_values(
                tasks.get(id_, []), rule_set, row["zero_assignment_resolution"]
            )
            values.update(
                self._general_values(sums.get(id_), adjustments[id_], rule_set)
            )
            values.update(
                self._veto_values(
                    events.get(row["employee_id"], []),
                    row["date_start"],
                    row["date_end"],
                    row["is_leader"],
                    rule_set,
                )
            )
            unit_result = 0.0
            if row["is_leader"] and rule_set:
                unit_result = self._unit_result(
                    [levels.get(sub_id, level) for sub_id, level in staff[id_]],
                    rule_set,
                )
            values.update(
                self._result_values(
                    {**row, **values},
                    rule_set,
                    unit_result,
                    unit=units.get((row["department_id"], row["period_id"])),
                )
            )
            levels[id_] = values["level_computed"]
            scores[id_] = values
        return scores

    # ------------------------------------------------------------------
    # Reasons, in the reader's language
    # ------------------------------------------------------------------

    @api.model
    def _render_reasons(self, data):
        if not data:
            return False
        labels = dict(
            self.env["hr.kpi.appraisal"]
            ._fields["level_computed"]
            ._description_selection(self.env)
        )
        lines = []
        for reason in data:
            params = {
                "from": labels.get(reason.get("from"), ""),
                "to": labels.get(reason.get("to"), ""),
                "article": reason.get("article", ""),
                "ref": reason.get("ref", ""),
                "date": reason.get("date", ""),
                # the figures in the reader's language (decimal comma)
                **{
                    k: fmt_number(self.env, v)
                    for k, v in (reason.get("values") or {}).items()
                },
            }
            code = reason.get("code")
            if code == "qd366_excellent":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: excellence needs every task "
                    "done in full, "
                    "on time and with quality (%(perfect)s %%) and at least "
                    "%(required)s %% of "
                    "tasks exceeding requirements (%(exceeded)s %%). %(article)s.",
                    **params,
                )
            elif code == "qd366_good":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: this level needs every task "
                    "done in full, "
                    "on time and with quality (%(perfect)s %%). %(article)s.",
                    **params,
                )
            elif code == "unit_cap":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: a head's level cannot be "
                    "higher than the collective level of the unit he heads (unit "
                    "KPI %(unit_kpi)s %%). %(article)s.",
                    **params,
                )
            elif code == "unit_plan_head":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: the unit completed %(plan)s "
                    "%% of its planned tasks, below %(required)s %%, so its head "
                    "did not complete his duties. %(article)s.",
                    **params,
                )
            elif code == "unit_plan_deputy":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: the unit completed %(plan)s "
                    "%% of its planned tasks, below %(required)s %%, so its "
                    "deputies are at most well completed. %(article)s.",
                    **params,
                )
            elif code == "veto_discipline":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: disciplinary sanction (decision "
                    "%(ref)s of "
                    "%(date)s) in the evaluation year. %(article)s.",
                    **params,
                )
            elif code == "veto_degradation":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: concluded political, ethical or "
                    "lifestyle "
                    "degradation (decision %(ref)s of %(date)s). %(article)s.",
                    **params,
                )
            elif code == "veto_corruption":
                text = self.env._(
                    "Lowered from %(from)s to %(to)s: corruption or waste in a unit "
                    "under direct "
                    "charge (decision %(ref)s of %(date)s). %(article)s.",
                    **params,
                )
            else:
                text = params["article"]
            lines.append(text)
        return "\n".join(lines)
