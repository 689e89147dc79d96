"""The demo ward's full past year (the 12 months of the previous calendar
year, decided within the quotas and locked), this year's months before last
month, their quarterly and annual results, and the past year's annual levels
decided by the heads.

The months go through the workflow's public actions in batch (one call per
step for all the months); what only the past holds (the tasks' outcomes, the
publication dates) is written as it stands. Kept fast: every create is
batched, two or three tasks per person and month.
"""

import random
from datetime import date, timedelta

from odoo import fields

from .common import installer_env
from .ward import DEMO_TASKS, catalogue, outcome, within_quota

# (product code, quantity range) of a past month's tasks: the usual ones
PAST_TASKS = [
    (code, dict(DEMO_TASKS)[code]) for code in ("VB01", "MC01", "BC01", "TD01", "KT01")
]


def generate(env, company, today):
    """The ward's history (see the module's docstring)."""
    env = installer_env(
        env, company, tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    )
    past_year(env, company, today.year - 1)
    this_year(env, company, today)


def past_year(env, company, year):
    configs = past_configs(env, company, year)
    if not configs:
        return
    past_rule_set(env, company, year)
    starts = [date(year, month, 1) for month in range(1, 13)]
    if not final_months(env, company, configs, starts, profiles=True):
        return
    Rollup = env["hr.kpi.rollup"]
    Rollup._kpi_compute_years(company, [year], notify=False)
    past_annual_decision(env, company, year)


def this_year(env, company, today):
    """The months of this year before last month, final (locked): the
    quarters so far, and the schools' switch to NĐ 233/2026 in July (their
    months before July stay under NĐ 335)."""
    starts = [date(today.year, month, 1) for month in range(1, today.month - 1)]
    configs = past_configs(env, company, today.year - 1)
    if not (starts and configs):
        return
    if final_months(env, company, configs, starts, profiles=False):
        env["hr.kpi.rollup"]._kpi_compute_years(company, [today.year], notify=False)


def past_configs(env, company, year):
    """The demo's configurations, starting with ``year``."""
    employees = env["hr.employee"].search([("company_id", "=", company.id)])
    configs = env["hr.kpi.evaluation.config"].search(
        [("employee_id", "in", employees.ids)]
    )
    configs.filtered(lambda c: c.date_start > date(year, 1, 1)).write(
        {"date_start": date(year, 1, 1)}
    )
    return configs


def final_months(env, company, configs, starts, profiles=True):
    """The months of ``starts`` that do not exist yet, with tasks, scored,
    decided within the quotas, published and locked. ``profiles``: a weak
    second half-year and a strong full year for the consequence flags.
    Returns the appraisals created."""
    Period = env["hr.kpi.period"]
    existing = Period.search(
        [("company_id", "=", company.id), ("date_start", "in", starts)]
    )
    new_starts = [s for s in starts if s not in existing.mapped("date_start")]
    periods = Period.create(
        [{"company_id": company.id, "date_start": s} for s in new_starts]
    )
    if not periods:
        return env["hr.kpi.appraisal"]
    products = catalogue(env, company)
    in_force = {c.employee_id: c for c in configs}
    staff = configs.employee_id.sorted("id")
    # two cases for the consequence flags: a weak second half-year and a
    # strong full year (never a demo login)
    no_login = staff.filtered(
        lambda e: (
            not e.user_id
            and in_force[e].subject_group not in ("leader_head", "leader_deputy")
        )
    )
    weak = no_login[:1] if profiles else no_login.browse()
    strong = no_login[1:2] if profiles else no_login.browse()
    past_tasks(env, staff, products, periods, weak, strong)
    # the values an opening of the month gives (one rule set search per
    # month and staff category)
    rule_sets = {period: {} for period in periods}
    appraisals = env["hr.kpi.appraisal"].create(
        [
            period._kpi_prepare_appraisal_vals(employee, config, rule_sets[period])
            for period in periods
            for employee, config in in_force.items()
        ]
    )
    past_scores(env, appraisals, weak, strong)
    past_decide(env, appraisals)
    return appraisals


def past_rule_set(env, company, year):
    """A version of the national rule set in force in the past year when none
    is (the shipped one starts in 2026)."""
    RuleSet = env["hr.kpi.rule.set"]
    if RuleSet._get_for_date(company, date(year, 1, 1)):
        return
    shipped = env.ref("l10n_vn_hr_kpi.rule_set_nd335_2026")
    shipped.copy(
        {
            "company_id": company.id,
            "date_from": date(year, 1, 1),
            "date_to": date(year, 12, 31),
            "is_default": True,
        }
    )


def past_tasks(env, staff, products, periods, weak, strong):
    vals_list = []
    for period in periods:
        month = period.date_start.month
        for employee in staff:
            rng = random.Random(employee.id * 1000 + month * 7 + period.id)
            assigner = employee.parent_id or employee.department_id.manager_id
            if employee == strong:
                profile = "strong"
            elif employee == weak and month >= 7:
                profile = "failing"
            else:
                profile = rng.choice(
                    ["steady", "steady", "steady", "strong", "late", "sloppy"]
                )
            for code, (low, high) in rng.sample(PAST_TASKS, rng.randint(2, 3)):
                product = products.get(code)
                if not product:
                    continue
                quantity = rng.randint(low, high)
                deadline = period.date_start + timedelta(days=rng.randint(5, 25))
                certifier = assigner if assigner != employee else employee.browse()
                vals = {
                    "name": product.name,
                    "employee_id": employee.id,
                    "assigner_id": (assigner != employee and assigner.id) or False,
                    "product_id": product.id,
                    "quantity": quantity,
                    "deadline": deadline,
                    "date_assigned": period.date_start,
                    "origin": "plan",
                }
                if employee == strong:
                    vals.update(
                        {
                            "completed_quantity": quantity,
                            "quality_passed_quantity": quantity,
                            "date_done": deadline,
                            "state": "done",
                            "outcome_confirmed": True,
                            "confirmation_date": deadline + timedelta(days=3),
                            "exceeded_requirement": True,
                        }
                    )
                elif profile == "failing":
                    vals.update(
                        {
                            "completed_quantity": 0,
                            "quality_passed_quantity": 0,
                            "state": "in_progress",
                        }
                    )
                else:
                    vals.update(outcome(rng, profile, quantity, deadline, certifier))
                vals_list.append(vals)
    env["hr.kpi.task"].create(vals_list)


def past_scores(env, appraisals, weak, strong):
    """General criteria: full marks, one point less on some criteria, few
    writes (one per distinct value); each employee's own level as computed."""
    lines = appraisals.line_ids
    by_value = {}
    for line in lines:
        rng = random.Random(line.id)
        value = line.max_points
        if line.appraisal_id.employee_id == weak and (
            line.appraisal_id.period_start.month >= 7
        ):
            value = 0.0
        elif (
            rng.random() < 0.15
            and line.scoring_type != "binary"
            and line.appraisal_id.employee_id != strong
        ):
            value = max(0.0, line.max_points - 1.0)
        by_value.setdefault(value, lines.browse())
        by_value[value] |= line
    for value, group in by_value.items():
        group.write({"self_points": value})
    for level, group in appraisals.grouped("level_computed").items():
        group.write({"level_self": level})


def past_decide(env, appraisals):
    """The months through the workflow's public actions, all months at once
    (the staff of the past acted on paper: their steps are recorded in the
    installation's superuser environment): the self-evaluations submitted
    (one in six reviewed without), the evaluators' reviews proposing the
    computed level within the quota of each unit, the decisions, the
    publication, and the lock (see below)."""
    appraisals.filtered(lambda a: a.id % 6).action_submit_self()
    for appraisal in appraisals.filtered(
        lambda a: a.needs_attention and not a.zero_assignment_resolution
    ):
        appraisal.zero_assignment_resolution = "zero"
    proposed = within_quota(env, appraisals)
    for level, group in appraisals.grouped(lambda a: proposed[a.id]).items():
        group.write({"level_proposed": level})
    appraisals.line_ids.filtered(
        lambda line: "evaluator" in line._get_missing_comment_stages(("evaluator",))
    ).write({"evaluator_comment": "Đồng ý với mức tự chấm."})
    # the outcomes of the tasks left unfinished, confirmed as they are
    appraisals.filtered("task_unconfirmed_count").action_mass_confirm_outcomes()
    appraisals.action_review()
    appraisals.action_decide()
    appraisals.action_publish()
    # a past fact: each month was published eight days after its end
    for period, month in appraisals.grouped("period_id").items():
        month.write({"published_date": period.date_end + timedelta(days=8)})
    # The lock of history: the flags these months raised were handled when
    # they were locked, long ago, so they are locked without the recompute
    # that would give the HR officer a to-do for each (the results are
    # computed once by the caller, without to-dos).
    appraisals._workflow_write({"state": "locked"}, update_rollups=False)


def past_annual_decision(env, company, year):
    """The annual levels decided as proposed, downgraded to good from the
    lowest score up where a unit's annual quota would be exceeded."""
    Rollup = env["hr.kpi.rollup"]
    rollups = Rollup.search(
        [
            ("company_id", "=", company.id),
            ("year", "=", year),
            ("quarter", "=", 0),
            ("state", "=", "computed"),
        ]
    )
    levels = {r.id: r.level_computed for r in rollups}
    for (
        _unit,
        _year,
        _group,
        _rs,
        count,
        cap,
        members,
    ) in rollups._kpi_quota_results(levels):
        excellent = members.filtered(lambda r: levels.get(r.id) == "excellent").sorted(
            lambda r: (r.score, r.months_excellent)
        )
        for rollup in excellent[: max(0, count - cap)]:
            levels[rollup.id] = "good"
    # the heads' decision through the year-end classification wizard
    env["hr.kpi.rollup.year"].create(
        {
            "company_id": company.id,
            "year": year,
            "line_ids": [
                fields.Command.create({"rollup_id": rollup_id, "level": level})
                for rollup_id, level in levels.items()
            ],
        }
    ).action_decide()
