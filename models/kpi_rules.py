"""The scoring rules as plain functions: no ORM, no database.

The engine (``hr.kpi.engine``) reads the records and the rule set, calls these
and assigns the results; tests/test_kpi_rules.py checks them on worked
examples in milliseconds. A task is any mapping (a record works too) with
coefficient, quantity, completed_quantity, quality_passed_quantity,
major_error_count, delay_count, exemption, exemption_scope and
outcome_confirmed; a rule set is any object with the rule set's field names as
attributes (the rule set itself, or the engine's ``RuleValues``).
"""

from odoo.tools import float_round

from ..const import LEVELS_DESC


def round_score(value, rules):
    """``value`` rounded as the rule set says (digits and method)."""
    return float_round(
        value,
        precision_digits=rules.rounding_digits,
        rounding_method=rules.rounding_method,
    )


def level_from_score(score, rules):
    """The level of a score (rounded first) under the rule set's thresholds."""
    score = round_score(score, rules)
    if score >= rules.threshold_excellent:
        return "excellent"
    if score >= rules.threshold_good:
        return "good"
    if score >= rules.threshold_done:
        return "done"
    return "fail"


def lower_level(level):
    """The level just below ``level`` (fail stays fail)."""
    return LEVELS_DESC[min(LEVELS_DESC.index(level) + 1, len(LEVELS_DESC) - 1)]


def task_contribution(task, deduction, cap=False):
    """Converted (assigned, done, quality, progress) of one task (NĐ 335 Điều 14).

    ``task`` is a mapping or record with coefficient, quantity, completed_quantity,
    quality_passed_quantity, major_error_count, delay_count, exemption,
    exemption_scope and outcome_confirmed; ``deduction`` is the share removed
    per occurrence (0.25). An outcome counts only once someone other than the
    assignee confirmed it; with ``cap`` (the rule set's over-completion policy)
    a task counts at most its assigned quantity.
    """
    k = task["coefficient"]
    errors, delays = effective_occurrences(task)
    assigned = task["quantity"] * k
    if not task["outcome_confirmed"]:
        return assigned, 0.0, 0.0, 0.0
    completed = task["completed_quantity"]
    passed = task["quality_passed_quantity"]
    if cap:
        completed = min(completed, task["quantity"])
        passed = min(passed, task["quantity"])
    done = completed * k
    quality = passed * k * max(0.0, 1.0 - deduction * errors)
    progress = done * max(0.0, 1.0 - deduction * delays)
    return assigned, done, quality, progress


def task_totals(tasks, deduction, cap=False):
    """The converted (assigned, done, quality, progress) sums of ``tasks``
    (mappings or records, see ``task_contribution``), their number, the delays
    counted, the tasks done in full, on time and with quality, and the
    converted quantity completed above the assigned one (``excess``)."""
    assigned = done = quality = progress = excess = 0.0
    delays = perfect = 0
    for task in tasks:
        t_assigned, t_done, t_quality, t_progress = task_contribution(
            task, deduction, cap
        )
        assigned += t_assigned
        done += t_done
        quality += t_quality
        progress += t_progress
        errors, task_delays = effective_occurrences(task)
        delays += task_delays
        if task["outcome_confirmed"]:
            excess += (
                max(0.0, task["completed_quantity"] - task["quantity"])
                * task["coefficient"]
            )
        perfect += int(
            bool(task["outcome_confirmed"])
            and task["completed_quantity"] >= task["quantity"]
            and task["quality_passed_quantity"] >= task["quantity"]
            and not errors
            and not task_delays
        )
    return {
        "assigned": assigned,
        "done": done,
        "quality": quality,
        "progress": progress,
        "excess": excess,
        "count": len(tasks),
        "delays": delays,
        "perfect": perfect,
    }


def add_totals(totals, more):
    """Add the ``task_totals`` ``more`` into ``totals`` (in place): every
    figure of the totals is a sum over the tasks."""
    for key, value in more.items():
        totals[key] = totals.get(key, 0) + value
    return totals


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
