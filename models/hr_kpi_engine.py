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
from odoo.tools import SQL, float_round

from .hr_kpi_employee_event import VETO_ARTICLES
from .hr_kpi_rule_set import LEVELS_DESC

QD366_ARTICLE = "QĐ 366-QĐ/TW Điều 11"
LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(LEVELS_DESC))}  # fail=0


def lower_level(level):
    """The level just below ``level`` (fail stays fail)."""
    return LEVELS_DESC[min(LEVELS_DESC.index(level) + 1, len(LEVELS_DESC) - 1)]


def task_contribution(task, deduction):
    """Converted (assigned, done, quality, progress) of one task (NĐ 335 Điều 14).

    ``task`` is a mapping or record with coefficient, quantity, completed_quantity,
    quality_passed_quantity, major_error_count, delay_count, exemption and
    exemption_scope; ``deduction`` is the share removed per occurrence (0.25).
    """
    k = task["coefficient"]
    errors, delays = effective_occurrences(task)
    assigned = task["quantity"] * k
    done = task["completed_quantity"] * k
    quality = task["quality_passed_quantity"] * k * max(0.0, 1.0 - deduction * errors)
    progress = done * max(0.0, 1.0 - deduction * delays)
    return assigned, done, quality, progress


def effective_occurrences(task):
    """(major errors, delays) counted after the exemption, if any."""
    errors = task["major_error_count"]
    delays = task["delay_count"]
    if task["exemption"]:
        if task["exemption_scope"] in ("error", "both"):
            errors = 0
        if task["exemption_scope"] in ("delay", "both"):
            delays = 0
    return errors, delays


class RuleValues:
    """The values of a rule set's fields, read once (see ``HrKpiEngine._rules``):
    attributes named as the fields, false when the rule set is empty."""

    def __init__(self, rule_set, names):
        self.id = rule_set.id
        for name in names:
            setattr(self, name, rule_set[name])

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
        "qd366_conditions",
        "qd366_exceeded_percent",
        "rounding_digits",
        "rounding_method",
        "task_max",
        "threshold_done",
        "threshold_excellent",
        "threshold_good",
        "zero_assignment_policy",
    ]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _rules(self, appraisals):
        """The values of ``RULE_FIELDS`` of the appraisals' rule sets, read once
        per batch, by rule set id; key ``False`` holds the empty values of an
        appraisal without a rule set (false when tested). Read through the ORM
        for each appraisal, they were a tenth of a city's recompute (SPEC §10)."""
        empty = self.env["hr.kpi.rule.set"].browse()
        return {
            rule_set.id: RuleValues(rule_set, self.RULE_FIELDS)
            for rule_set in (*appraisals.rule_set_id, empty)
        }

    @api.model
    def _round(self, value, rule_set):
        """``value`` rounded as ``rule_set`` (a rule set or its ``_rules``
        values) says."""
        return float_round(
            value,
            precision_digits=rule_set.rounding_digits,
            rounding_method=rule_set.rounding_method,
        )

    @api.model
    def _level_from_score(self, score, rule_set):
        """Level from a (rounded) score under the thresholds of ``rule_set``."""
        score = self._round(score, rule_set)
        if score >= rule_set.threshold_excellent:
            return "excellent"
        if score >= rule_set.threshold_good:
            return "good"
        if score >= rule_set.threshold_done:
            return "done"
        return "fail"

    @api.model
    def _assign(self, records, rows):
        """Assign computed values, ``rows`` being (record, {field: value})
        pairs. The records sharing a field's value get it in one assignment: at
        city scale, one assignment per record and field was a third of a
        month's recomputation (SPEC §10)."""
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
    def _counted_tasks(self, appraisals):
        """The counted tasks of ``appraisals`` as mappings (the fields of
        ``TASK_FIELDS``), by appraisal id. Read in one query: at city scale the
        task block reads ten tasks per appraisal and the ORM's per-field access
        was most of its time (SPEC §10)."""
        ids = [
            id_
            for id_ in (a._origin.id or a.id for a in appraisals)
            if isinstance(id_, int)
        ]
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
                ids,
            )
        )
        for row in rows:
            tasks_by_appraisal[row["appraisal_id"]].append(row)
        return tasks_by_appraisal

    @api.model
    def _compute_task_block(self, appraisals):
        tasks_by_appraisal = self._counted_tasks(appraisals)
        rules = self._rules(appraisals)
        rows = []
        for appraisal in appraisals:
            rule_set = rules[appraisal.rule_set_id.id]
            deduction = rule_set.deduction_percent / 100.0
            assigned = done = quality = progress = 0.0
            counted = delays = exceeded = perfect = unconfirmed = 0
            for task in tasks_by_appraisal.get(
                appraisal._origin.id or appraisal.id, []
            ):
                t_assigned, t_done, t_quality, t_progress = task_contribution(
                    task, deduction
                )
                assigned += t_assigned
                done += t_done
                quality += t_quality
                progress += t_progress
                errors, task_delays = effective_occurrences(task)
                counted += 1
                delays += task_delays
                exceeded += int(bool(task["exceeded_requirement"]))
                unconfirmed += int(not task["outcome_confirmed"])
                perfect += int(
                    task["completed_quantity"] >= task["quantity"]
                    and task["quality_passed_quantity"] >= task["quantity"]
                    and not errors
                    and not task_delays
                )
            zero = assigned <= 0.0
            needs_attention = False
            if zero:
                if rule_set.zero_assignment_policy == "full" or (
                    appraisal.zero_assignment_resolution == "full"
                ):
                    a = b = c = 100.0
                else:
                    a = b = c = 0.0
                    needs_attention = (
                        bool(rule_set) and not appraisal.zero_assignment_resolution
                    )
            else:
                a = min(100.0, 100.0 * done / assigned)
                b = min(100.0, 100.0 * quality / assigned)
                c = min(100.0, 100.0 * progress / assigned)
            rows.append(
                (
                    appraisal,
                    {
                        "kpi_assigned_quantity": assigned,
                        "kpi_done_quantity": done,
                        "kpi_quality_quantity": quality,
                        "kpi_progress_quantity": progress,
                        "kpi_quantity": a,
                        "kpi_quality": b,
                        "kpi_progress": c,
                        "task_counted_count": counted,
                        "task_delay_count": delays,
                        "task_exceeded_count": exceeded,
                        "task_perfect_count": perfect,
                        "task_unconfirmed_count": unconfirmed,
                        "zero_assignment": zero,
                        "needs_attention": needs_attention,
                    },
                )
            )
        self._assign(appraisals, rows)

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
    def _compute_general_block(self, appraisals):
        sums = self._general_sums(appraisals)
        rules = self._rules(appraisals)
        rows = []
        for appraisal in appraisals:
            rule_set = rules[appraisal.rule_set_id.id]
            values = dict.fromkeys(
                ("general_self_score", "general_evaluator_score", "general_score"),
                0.0,
            )
            if rule_set:
                general_max = rule_set.general_max
                for fname, total in zip(
                    values, sums.get(appraisal.id) or (0.0, 0.0, 0.0), strict=True
                ):
                    values[fname] = self._round(min(general_max, total), rule_set)
            bonus = deduction = 0.0
            for adjustment in appraisal.adjustment_ids:
                if adjustment.state != "approved":
                    continue
                if adjustment.adjustment_type == "bonus":
                    bonus += adjustment.points
                else:
                    deduction += adjustment.points
            bonus = min(bonus, rule_set.bonus_max)
            if rule_set.deduction_max:
                deduction = min(deduction, rule_set.deduction_max)
            values["adjustment_bonus"] = bonus
            values["adjustment_deduction"] = deduction
            values["adjustment_score"] = (
                self._round(bonus - deduction, rule_set) if rule_set else 0.0
            )
            rows.append((appraisal, values))
        self._assign(appraisals, rows)

    # ------------------------------------------------------------------
    # Vetoes (NĐ 335/2025 Điều 20 khoản 4)
    # ------------------------------------------------------------------

    @api.model
    def _compute_vetoes(self, appraisals):
        employees = appraisals.employee_id
        # sudo: scores come from every input, whatever the reader may read
        events = (
            self.env["hr.kpi.employee.event"]
            .sudo()
            .search_fetch(
                [("employee_id", "in", employees.ids)],
                ["employee_id", "event_type", "date", "decision_ref"],
                order="date, id",
            )
        )
        events_by_employee = defaultdict(list)
        for event in events:
            events_by_employee[event.employee_id.id].append(event)
        rules = self._rules(appraisals)
        rows = []
        for appraisal in appraisals:
            vetoes = []
            period = appraisal.period_id
            if rules[appraisal.rule_set_id.id].apply_vetoes and period.date_start:
                for event in events_by_employee.get(appraisal.employee_id.id, []):
                    # from the month of the decision to the end of that year
                    if not (
                        event.date.year == period.date_start.year
                        and event.date <= period.date_end
                    ):
                        continue
                    if event.event_type == "corruption" and not appraisal.is_leader:
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
            rows.append(
                (appraisal, {"veto_data": vetoes or False, "is_vetoed": bool(vetoes)})
            )
        self._assign(appraisals, rows)

    # ------------------------------------------------------------------
    # Result: d, KPI %, task points, total, level and its reasons
    # ------------------------------------------------------------------

    @api.model
    def _result_batch(self, appraisals):
        """The result fields are recursive (a leader's d reads the levels of the
        appraisals he evaluates), so the ORM computes them one appraisal at a
        time. Take every appraisal still waiting for them off the ORM's list
        and return them with ``appraisals``, the evaluated ones before their
        leader: they are computed in one pass (SPEC §10)."""
        env = appraisals.env
        field = appraisals._fields["level_computed"]
        if not all(isinstance(a.id, int) for a in appraisals):
            return appraisals, appraisals.browse()
        pending = (
            appraisals.browse(env.records_to_compute(field)._ids) - appraisals
        ).exists()
        for computed in appraisals.pool.field_computed[field]:
            env.remove_to_compute(computed, pending)
        batch = appraisals | pending
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
        empty = {
            "kpi_unit_result": 0.0,
            "kpi_percent": 0.0,
            "task_score": 0.0,
            "total_score": 0.0,
            "level_by_score": False,
            "level_computed": False,
            "level_reason_data": False,
        }
        levels = {}
        rows = []
        rules = self._rules(appraisals)
        self._fetch_outside_levels(appraisals)
        for appraisal in appraisals:
            rule_set = rules[appraisal.rule_set_id.id]
            if not rule_set:
                levels[appraisal.id] = False
                rows.append((appraisal, empty))
                continue
            abc = [
                appraisal.kpi_quantity,
                appraisal.kpi_quality,
                appraisal.kpi_progress,
            ]
            unit_result = 0.0
            if appraisal.is_leader:
                unit_result = self._unit_result(appraisal, rule_set, levels)
            if appraisal.is_leader and rule_set.leader_task_strategy == "abcdde":
                parts = abc + [
                    unit_result,
                    appraisal.kpi_organisation,
                    appraisal.kpi_cohesion,
                ]
            else:
                parts = abc
            kpi = sum(parts) / len(parts)
            task_score = self._round(kpi * rule_set.task_max / 100.0, rule_set)
            total = self._round(
                max(
                    0.0,
                    min(
                        100.0,
                        appraisal.general_score
                        + task_score
                        + appraisal.adjustment_score,
                    ),
                ),
                rule_set,
            )
            level = by_score = self._level_from_score(total, rule_set)
            reasons = []
            if rule_set.qd366_conditions:
                level, qd366_reasons = self._apply_qd366(appraisal, level, rule_set)
                reasons += qd366_reasons
            for veto in appraisal.veto_data or []:
                reasons.append(dict(veto, **{"from": level}))
                level = "fail"
            levels[appraisal.id] = level
            rows.append(
                (
                    appraisal,
                    {
                        "kpi_unit_result": self._round(unit_result, rule_set),
                        "kpi_percent": self._round(kpi, rule_set),
                        "task_score": task_score,
                        "total_score": total,
                        "level_by_score": by_score,
                        "level_computed": level,
                        "level_reason_data": reasons or False,
                    },
                )
            )
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
            outside.fetch(["level_computed"])

    @api.model
    def _unit_result(self, appraisal, rule_set, levels=None):
        """d: 100 % if everyone the leader evaluates is at least 'completed'
        (or nobody is evaluated), else the lower value of ``rule_set`` (a rule
        set or its ``_rules`` values). ``levels`` holds the levels computed in
        the same pass, not assigned yet."""
        levels = levels or {}
        found = [
            levels[sub.id] if sub.id in levels else sub.level_computed
            for sub in appraisal.subordinate_appraisal_ids
            if sub.id != appraisal.id
        ]
        if any(level == "fail" for level in found):
            return rule_set.leader_low_percent
        return 100.0

    @api.model
    def _apply_qd366(self, appraisal, level, rule_set):
        """QĐ 366-QĐ/TW Điều 11: lower the level one step per unmet condition
        (``rule_set``: the appraisal's rule set or its ``_rules`` values)."""
        counted = appraisal.task_counted_count
        all_perfect = appraisal.task_perfect_count >= counted
        perfect_pct = (
            100.0 * appraisal.task_perfect_count / counted if counted else 100.0
        )
        exceeded_pct = (
            100.0 * appraisal.task_exceeded_count / counted if counted else 0.0
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
                **{k: v for k, v in (reason.get("values") or {}).items()},
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
