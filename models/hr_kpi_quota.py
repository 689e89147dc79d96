"""The quota (tỷ lệ khống chế) of NĐ 335/2025 Điều 20 khoản 5, as a service,
for the month (hr.kpi.appraisal) and for the year (hr.kpi.rollup).

``self.env["hr.kpi.quota"]._decide_within(records, levels, write)`` is the one
way a level is decided: it locks the scope, checks the quota with the levels
being decided, raises the one message, then writes. ``_check(records)`` takes
the records of one unit and period (or year) and returns one
:class:`QuotaResult` per scope group (the unit, or each task group of the
unit, per the rule set); the decision screens show it.

A model whose levels the quota caps says only what its scope is:

- ``_kpi_quota_level_field``: the field holding the level counted;
- ``_kpi_quota_no_level_state``: the state of a record with no level (a month
  not evaluated, a year not classified), counted in the denominator only if
  the rule set says so;
- ``_kpi_quota_by_rule_set``: whether the staff of each rule set of a unit
  are counted apart;
- ``_kpi_quota_scope_domain()``: every record counted with ``self`` (the same
  units and periods or years);
- ``_kpi_quota_period()``: the period (or year) of one record, and its label
  ("month 05/2026", "year 2026": the message names the unit and it);
- ``_kpi_quota_percent(rule_set, exception)``: the percent of the cap;
- ``_kpi_quota_rank_key()``: the order of one record in its group, best first.
"""

import math
from dataclasses import dataclass, field, replace

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

from ..const import NOT_EVALUATED
from .hr_kpi_locale import fmt_number


@dataclass
class QuotaResult:
    """The quota of one scope group (a unit, or a task group of a unit), for
    a month or for a year."""

    rule_set: object
    task_group: str | bool
    percent: float
    denominator_mode: str
    denominator: int
    cap: int
    count: int
    mode: str
    exception: bool
    ranked: object = None  # every member of the group with a level, best first
    excellent: object = None  # those at excellent, best first
    over_cap: object = None  # excellent ones ranked beyond the cap
    counts: dict = field(default_factory=dict)  # level -> number
    not_evaluated: int = 0  # members with no level (month not evaluated...)
    unit: object = None  # the hr.department (set by _scope_results)
    period: str = ""  # "month 05/2026", "year 2026" (idem)

    @property
    def holds(self):
        return self.count <= self.cap


class HrKpiQuota(models.AbstractModel):
    _name = "hr.kpi.quota"
    _description = "KPI quota service"

    @api.model
    def _decide_within(
        self, records, levels, write, justification=None, exception=False
    ):
        """The one way a level is decided, for the month and for the year:
        lock every record of the units and periods (or years) of ``records``
        (FOR UPDATE: two deciders of one unit at once cannot both pass the
        check; the second waits, then sees the first decision), check the
        quota with the ``levels`` being decided ({record id: level})
        simulated over the locked scope, raise the one message when it does
        not hold, and only then ``write()`` once. Nothing is written when the
        quota does not hold.

        :param justification: the written justification that lets a decision
            over the cap pass when the rule set warns instead of blocking
        :param exception: use the rule set's exception percent (recorded
            approval; months only)
        """
        with self.env.cr.savepoint():
            scope = self._scope(records, lock=True)
            self._enforce(
                self._scope_results(scope, levels, exception=exception),
                justification=justification,
            )
            write()
        return True

    @api.model
    def _scope(self, records, lock=False):
        """Every record counted with ``records`` (the same units and periods
        or years, per ``_kpi_quota_scope_domain``) and ``records`` themselves,
        in sudo; with ``lock``, locked FOR UPDATE first (in the order of
        their ids, so that two deciders wait for each other instead of
        deadlocking)."""
        # sudo: the quota counts every record of the unit and period, whoever
        # decides in it (the caller checked the right to decide ``records``:
        # a deputy under a delegation does not read the head's own appraisal)
        records = records.sudo()
        domain = records._kpi_quota_scope_domain()
        if not lock:
            return records.search(domain) | records
        query = records.browse()._search(domain, order="id")
        rows = self.env.execute_query(SQL("%s FOR UPDATE", query.select()))
        scope = records.browse([row[0] for row in rows]) | records
        # read what the lock may have waited for
        scope.invalidate_recordset()
        return scope

    @api.model
    def _scope_results(self, scope, levels=None, exception=False):
        """``_check`` of each unit and period (or year) of ``scope``, its
        results labelled with the unit and the period (or year)."""
        results = []
        units = scope.grouped(
            lambda record: (record.department_id, record._kpi_quota_period())
        )
        for (unit, (_period, label)), members in units.items():
            results += [
                replace(result, unit=unit, period=label)
                for result in self._check(members, exception=exception, levels=levels)
            ]
        return results

    @api.model
    def _enforce(self, results, justification=None):
        """Raise the one message of the first of ``results`` over its cap,
        unless its rule set warns instead of blocking and a written
        ``justification`` is given."""
        _ = self.env._
        for result in results:
            if result.holds:
                continue
            if result.mode == "warn" and (justification or "").strip():
                continue
            message = _(
                "%(unit)s, %(period)s: %(count)s rated excellently completed "
                "for a cap of %(cap)s (%(percent)s %% of %(denominator)s). "
                "Over the cap: %(names)s.",
                unit=result.unit.display_name if result.unit else "",
                period=result.period,
                count=result.count,
                cap=result.cap,
                percent=fmt_number(self.env, result.percent),
                denominator=result.denominator,
                names=", ".join(result.over_cap.mapped("employee_id.name")),
            )
            if result.mode == "warn":
                message += "\n" + _(
                    "The rule set allows it only with a written justification."
                )
            raise UserError(message)

    @api.model
    def _rank_key(self, record):
        """The order of ``record`` in its quota group, best first."""
        return record._kpi_quota_rank_key()

    @api.model
    def _denominator(self, rule_set, counts, not_evaluated=0):
        """What the quota is a share of, from the counts per level: the
        members rated good, good or excellent, or all the members rated; and
        the ``not_evaluated`` members (months not evaluated, years not
        classified because of them) unless the rule set leaves them out
        (``not_evaluated_exclude_quota``, the default)."""
        if rule_set.quota_denominator == "good":
            denominator = counts["good"]
        elif rule_set.quota_denominator == "good_excellent":
            denominator = counts["good"] + counts["excellent"]
        else:
            denominator = sum(counts.values())
        if not rule_set.not_evaluated_exclude_quota:
            denominator += not_evaluated
        return denominator

    @api.model
    def _cap(self, rule_set, denominator, exception=False, percent=None):
        """The cap for ``denominator``; ``percent`` replaces the rule set's monthly
        percent (the year passes its own)."""
        if percent is None:
            percent = (
                rule_set.quota_exception_percent
                if exception
                else rule_set.quota_percent
            )
        raw = percent * denominator / 100.0
        # guard against 0.2 * 5 = 0.9999999
        raw = float_round(raw, precision_digits=6)
        if rule_set.quota_rounding == "half_up":
            return int(float_round(raw, precision_digits=0, rounding_method="HALF-UP"))
        return math.floor(raw)

    @api.model
    def _check(self, records, exception=False, levels=None):
        """Quota results for ``records`` (appraisals of one unit and period, or
        annual results of one unit and year), one per scope group.

        :param exception: use the rule set's exception percent (recorded approval)
        :param levels: ``{record id: level}`` to count instead of the level being
            decided (the decision screens simulate the decider's choice with it)
        :return: list of :class:`QuotaResult`
        """
        # sudo: the quota counts every record of the unit, whoever asks
        records = records.sudo()
        levels = levels or {}
        level_field = records._kpi_quota_level_field
        no_level_state = records._kpi_quota_no_level_state

        def level_of(record):
            return levels.get(record.id) or record[level_field]

        groups = {}
        for record in records:
            rule_set = record.rule_set_id
            task_group = (
                record.task_group or False
                if rule_set.quota_scope == "unit_task_group"
                else False
            )
            key = (rule_set.id if records._kpi_quota_by_rule_set else False, task_group)
            groups.setdefault(key, records.browse())
            groups[key] |= record
        results = []
        for (_rule_set_id, task_group), group in groups.items():
            # a month not evaluated (a year not classified) has no level and
            # is not ranked; it counts in the denominator only if the rule
            # set says so
            members = group.filtered(lambda r: r.state != no_level_state)
            not_evaluated = len(group) - len(members)
            # one rule set per group for the month; the year counts the unit
            # under the rule set of its latest result
            rule_set = (members or group).sorted("id")[-1:].rule_set_id
            counts = {"excellent": 0, "good": 0, "done": 0, "fail": 0}
            for record in members:
                level = level_of(record)
                if level:
                    counts[level] += 1
            ranked = members.sorted(self._rank_key)
            excellent = ranked.filtered(lambda r: level_of(r) == "excellent")
            result = self._result(
                rule_set,
                task_group,
                counts,
                not_evaluated,
                exception,
                percent=records._kpi_quota_percent(rule_set, exception),
            )
            results.append(
                replace(
                    result,
                    ranked=ranked,
                    excellent=excellent,
                    over_cap=excellent[result.cap :],
                )
            )
        return results

    @api.model
    def _result(
        self, rule_set, task_group, counts, not_evaluated, exception, percent=None
    ):
        """The quota of one scope from its counts per level (no ranked
        lists): the one place that reads the rule set's quota. ``percent``
        replaces the rule set's monthly percent (the year passes its own)."""
        if percent is None:
            percent = (
                rule_set.quota_exception_percent
                if exception
                else rule_set.quota_percent
            )
        denominator = self._denominator(rule_set, counts, not_evaluated)
        return QuotaResult(
            rule_set=rule_set,
            task_group=task_group,
            percent=percent,
            denominator_mode=rule_set.quota_denominator,
            denominator=denominator,
            cap=self._cap(rule_set, denominator, percent=percent),
            count=counts["excellent"],
            mode=rule_set.quota_mode,
            exception=exception,
            counts=counts,
            not_evaluated=not_evaluated,
        )

    @api.model
    def _by_unit(self, appraisals, chunk_size=10000):
        """Yield ``(unit, members)`` for the units of ``appraisals``, by unit
        name. The members are read by chunks of units of about ``chunk_size``
        appraisals and the cache is emptied between chunks, so a company-wide
        pass (the quota of every unit, Mẫu 02A) holds one chunk in memory,
        whatever the size of the city (README "Performance")."""
        if not appraisals:
            return
        # sudo: the quota counts every appraisal of the unit, whoever asks
        groups = (
            appraisals.sudo()
            .browse()
            ._read_group(
                [("id", "in", appraisals.ids)], ["department_id"], ["id:array_agg"]
            )
        )
        groups.sort(key=lambda group: (group[0].complete_name or "", group[0].id))
        env = appraisals.env
        chunk, size = [], 0
        for index, (unit, ids) in enumerate(groups):
            chunk.append((unit, ids))
            size += len(ids)
            if size < chunk_size and index + 1 < len(groups):
                continue
            chunk_ids = [id_ for _unit, ids_ in chunk for id_ in ids_]
            for chunk_unit, unit_ids in chunk:
                members = appraisals.browse(sorted(unit_ids)).with_prefetch(chunk_ids)
                yield chunk_unit.with_env(env), members
            chunk, size = [], 0
            env.invalidate_all()

    # what a company-wide pass reads of each appraisal, grouped: the unit, the
    # quota group and what the level being decided is made of
    UNIT_GROUPBY = (
        "department_id",
        "rule_set_id",
        "task_group",
        "state",
        "level_final",
        "level_proposed",
        "level_computed",
    )

    @api.model
    def _unit_groups(self, appraisals):
        """The appraisals counted by unit in one ``_read_group`` (no record
        read per appraisal): ``[(unit, [(rule_set, task_group, state,
        level_final, level_proposed, level_computed, count), ...]), ...]``,
        the units by name as ``_by_unit`` yields them (the caller checked
        the right to read ``appraisals``). A company-wide pass reads the
        month in a few queries, whatever the size of the city."""
        if not appraisals:
            return []
        # sudo: the quota counts every appraisal of the unit, whoever asks
        groups = (
            appraisals.sudo()
            .browse()
            ._read_group(
                [("id", "in", appraisals.ids)], list(self.UNIT_GROUPBY), ["__count"]
            )
        )
        by_unit = {}
        for unit, *values in groups:
            by_unit.setdefault(unit, []).append(tuple(values))
        units = sorted(by_unit, key=lambda unit: (unit.complete_name or "", unit.id))
        env = appraisals.env
        return [(unit.with_env(env), by_unit[unit]) for unit in units]

    @api.model
    def _check_counts(self, groups, exception=False):
        """What ``_check`` gives for one unit, from its ``groups`` (see
        ``_unit_groups``) instead of its records: one :class:`QuotaResult`
        per scope group, with the counts, the denominator and the cap, but
        no ranking (``ranked``, ``excellent`` and ``over_cap`` stay empty).
        The level counted is the level being decided (``level_decision``,
        the appraisal's ``_kpi_quota_level_field``)."""
        return self._check_level_counts(
            [
                (
                    rule_set,
                    task_group,
                    NOT_EVALUATED
                    if state == NOT_EVALUATED
                    else (final or proposed or computed),
                    count,
                )
                for rule_set, task_group, state, final, proposed, computed, count in (
                    groups
                )
            ],
            exception=exception,
        )

    @api.model
    def _check_level_counts(self, groups, exception=False):
        """The quota of one unit from its appraisals counted by quota group
        and level: ``groups`` is ``[(rule_set, task_group, level, count),
        ...]``, ``level`` being the level counted, ``NOT_EVALUATED`` for a
        month not evaluated (the denominator counts it if the rule set says
        so) or False (no level yet: not counted). One :class:`QuotaResult`
        per scope group, without ranking (see ``_check_counts``)."""
        scopes = {}
        for rule_set, task_group, level, count in groups:
            key = (
                rule_set.id,
                (task_group or False)
                if rule_set.quota_scope == "unit_task_group"
                else False,
            )
            scope = scopes.setdefault(
                key,
                {
                    "rule_set": rule_set,
                    "counts": {"excellent": 0, "good": 0, "done": 0, "fail": 0},
                    "not_evaluated": 0,
                },
            )
            if level == NOT_EVALUATED:
                scope["not_evaluated"] += count
            elif level:
                scope["counts"][level] += count
        return [
            self._result(
                scope["rule_set"],
                task_group,
                scope["counts"],
                scope["not_evaluated"],
                exception,
            )
            for (_rule_set_id, task_group), scope in scopes.items()
        ]

    @api.model
    def _kpi_unit_rows(self, appraisals):
        """The company-wide quota check over ``appraisals`` (the caller
        checked the right to read them): one row per unit, by unit name, as
        plain values (a background job stores them). Counted by unit, quota
        group and level in one ``_read_group``: no appraisal is read."""
        rows = []
        for unit, groups in self._unit_groups(appraisals):
            results = self._check_counts(groups)
            rows.append(
                {
                    "unit_id": unit.id,
                    "unit": unit.display_name or "",
                    "holds": all(result.holds for result in results),
                    "count": sum(result.count for result in results),
                    "cap": sum(result.cap for result in results),
                    "members": sum(group[-1] for group in groups),
                }
            )
        return rows

    @api.model
    def _holds(self, appraisals, exception=False):
        return all(
            result.holds for result in self._check(appraisals, exception=exception)
        )


class HrKpiAppraisal(models.Model):
    """The month's quota scope: the appraisals of a unit and a period."""

    _inherit = "hr.kpi.appraisal"

    # the level counted: the one being decided (decided, else proposed, else
    # computed)
    _kpi_quota_level_field = "level_decision"
    _kpi_quota_no_level_state = NOT_EVALUATED
    # the staff of each rule set of a unit (NĐ 335 and NĐ 233 in a school)
    # are counted apart
    _kpi_quota_by_rule_set = True

    def _kpi_quota_scope_domain(self):
        """Every appraisal of the units and periods of ``self``, but the
        archived ones (results replaced by a correction decision)."""
        return [
            ("period_id", "in", self.period_id.ids),
            ("department_id", "in", self.department_id.ids),
            ("active", "=", True),
        ]

    def _kpi_quota_period(self):
        self.ensure_one()
        return self.period_id, self.env._(
            "month %(period)s", period=self.period_id.name
        )

    @api.model
    def _kpi_quota_percent(self, rule_set, exception):
        return rule_set.quota_exception_percent if exception else rule_set.quota_percent

    def _kpi_quota_rank_key(self):
        """Total (desc), then fewer delays, then more tasks exceeding requirements."""
        self.ensure_one()
        return (
            -self.total_score,
            self.task_delay_count,
            -self.task_exceeded_count,
            self.employee_id.name or "",
            self.id,
        )
