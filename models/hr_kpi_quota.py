"""The quota (tỷ lệ khống chế) of NĐ 335/2025 Điều 20 khoản 5, as a service.

``self.env["hr.kpi.quota"]._check(appraisals)`` takes the appraisals of a unit and
a period and returns one :class:`QuotaResult` per scope group (the unit, or each
task group of the unit, per the rule set). The workflow calls it when the head
decides; the decision screen shows the ranked list.
"""

import math
from dataclasses import dataclass, field, replace

from odoo import api, models
from odoo.tools import float_round

from ..const import NOT_EVALUATED


@dataclass
class QuotaResult:
    """The quota of one scope group (a unit, or a task group of a unit)."""

    rule_set: object
    task_group: str | bool
    percent: float
    denominator_mode: str
    denominator: int
    cap: int
    count: int
    mode: str
    exception: bool
    ranked: object = None  # every appraisal of the group, best first
    excellent: object = None  # those at excellent, best first
    over_cap: object = None  # excellent ones ranked beyond the cap
    counts: dict = field(default_factory=dict)  # level -> number
    not_evaluated: int = 0  # members whose month is not evaluated

    @property
    def holds(self):
        return self.count <= self.cap


class HrKpiQuota(models.AbstractModel):
    _name = "hr.kpi.quota"
    _description = "KPI quota service"

    @api.model
    def _decide_within(self, records, levels, write, **check_args):
        """The one way a level is decided, for the month and for the year:
        lock every record of the units and periods of ``records`` (FOR
        UPDATE: two deciders of one unit at once cannot both pass the check;
        the second waits, then sees the first decision), check the quota with
        the ``levels`` being decided ({record id: level}) simulated over the
        locked scope, and only then ``write()`` once. Nothing is written when
        the quota does not hold.

        ``records`` is a recordset of a model that gives
        ``_kpi_lock_quota_scope()`` and ``_kpi_check_quota(scope, levels,
        **check_args)`` (hr.kpi.appraisal, hr.kpi.rollup).
        """
        with self.env.cr.savepoint():
            scope = records._kpi_lock_quota_scope()
            records._kpi_check_quota(scope, levels, **check_args)
            write()
        return True

    @api.model
    def _rank_key(self, appraisal):
        """Total (desc), then fewer delays, then more tasks exceeding requirements."""
        return (
            -appraisal.total_score,
            appraisal.task_delay_count,
            -appraisal.task_exceeded_count,
            appraisal.employee_id.name or "",
            appraisal.id,
        )

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
        percent (the annual roll-up passes its own)."""
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
    def _check(self, appraisals, exception=False, levels=None):
        """Quota results for ``appraisals`` (one unit and period), one per scope group.

        :param exception: use the rule set's exception percent (recorded approval)
        :param levels: ``{appraisal id: level}`` to count instead of the level being
            decided (the decision screen simulates the head's choice with it)
        :return: list of :class:`QuotaResult`
        """
        # sudo: the quota counts every appraisal of the unit, whoever asks
        appraisals = appraisals.sudo()
        levels = levels or {}

        def level_of(appraisal):
            return levels.get(appraisal.id) or appraisal._get_quota_level()

        groups = {}
        for appraisal in appraisals:
            rule_set = appraisal.rule_set_id
            task_group = (
                appraisal.task_group or False
                if rule_set.quota_scope == "unit_task_group"
                else False
            )
            key = (rule_set.id, task_group)
            groups.setdefault(key, appraisals.browse())
            groups[key] |= appraisal
        results = []
        for (_rule_set_id, task_group), group in groups.items():
            rule_set = group[:1].rule_set_id
            # a month not evaluated has no level and is not ranked; it counts
            # in the denominator only if the rule set says so
            members = group.filtered(lambda a: a.state != NOT_EVALUATED)
            not_evaluated = len(group) - len(members)
            counts = {"excellent": 0, "good": 0, "done": 0, "fail": 0}
            for appraisal in members:
                level = level_of(appraisal)
                if level:
                    counts[level] += 1
            ranked = members.sorted(self._rank_key)
            excellent = ranked.filtered(lambda a: level_of(a) == "excellent")
            result = self._result(
                rule_set, task_group, counts, not_evaluated, exception
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
    def _result(self, rule_set, task_group, counts, not_evaluated, exception):
        """The quota of one scope from its counts per level (no ranked
        lists): the one place that reads the rule set's quota."""
        denominator = self._denominator(rule_set, counts, not_evaluated)
        return QuotaResult(
            rule_set=rule_set,
            task_group=task_group,
            percent=(
                rule_set.quota_exception_percent
                if exception
                else rule_set.quota_percent
            ),
            denominator_mode=rule_set.quota_denominator,
            denominator=denominator,
            cap=self._cap(rule_set, denominator, exception),
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
        as ``_get_quota_level`` gives it)."""
        scopes = {}
        for rule_set, task_group, state, final, proposed, computed, count in groups:
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
            if state == NOT_EVALUATED:
                scope["not_evaluated"] += count
                continue
            level = final or proposed or computed
            if level:
                scope["counts"][level] += count
        results = []
        for (_rule_set_id, task_group), scope in scopes.items():
            results.append(
                self._result(
                    scope["rule_set"],
                    task_group,
                    scope["counts"],
                    scope["not_evaluated"],
                    exception,
                )
            )
        return results

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
