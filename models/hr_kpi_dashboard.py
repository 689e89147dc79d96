from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_round

from ..const import GOOD_OR_BETTER, LEVELS_DESC, NOT_EVALUATED

TREND_MONTHS = 12
# above this many appraisals in the month, the employees to pick for the trend
# are those of a chosen unit: a city's HR officer would otherwise receive the
# names of every employee of the city with each refresh of the dashboard
EMPLOYEE_PICK_LIMIT = 2000


class HrKpiDashboard(models.AbstractModel):
    """The figures of the KPI dashboard (client action ``l10n_vn_hr_kpi.dashboard``).

    Everything is read as the current user from ``hr.kpi.appraisal.analysis``:
    its record rules decide which appraisals count (a head his units, HR the
    company). Nothing is read in sudo except inside the quota service, which
    only receives the appraisals the user can read.
    """

    _name = "hr.kpi.dashboard"
    _description = "KPI dashboard"

    @api.model
    def _check_dashboard_access(self):
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_focal_point"):
            raise AccessError(
                self.env._(
                    "The KPI dashboard is for focal points, heads and HR officers."
                )
            )

    @api.model
    def _dashboard_company_options(self):
        """The ids of the months (in the order of the analysis' ``period_id``
        groups) and of the units that have a current appraisal in the user's
        companies: what the HR officer's analysis rows hold, each found by an
        index lookup."""
        companies = self.env.companies.ids
        periods = self.env.execute_query(
            SQL(
                """
                SELECT p.id FROM hr_kpi_period p
                 WHERE p.company_id = ANY(%(companies)s)
                   AND EXISTS (SELECT 1 FROM hr_kpi_appraisal a
                                WHERE a.period_id = p.id AND a.active
                                  AND a.company_id = ANY(%(companies)s))
                 ORDER BY p.date_start DESC, p.company_id, p.id
                """,
                companies=companies,
            )
        )
        departments = self.env.execute_query(
            SQL(
                """
                SELECT d.id FROM hr_department d
                 WHERE EXISTS (SELECT 1 FROM hr_kpi_appraisal a
                                WHERE a.department_id = d.id AND a.active
                                  AND a.company_id = ANY(%(companies)s))
                """,
                companies=companies,
            )
        )
        return [row[0] for row in periods], [row[0] for row in departments]

    @api.model
    def _dashboard_narrowed(self, domain):
        """``domain`` with the ids of its rows the user may read, when they are
        few (a head's, a focal point's units): the record rules of the
        analysis are an ``OR`` over joined columns, which PostgreSQL answers
        by filtering every row of the month; found once, the ids let each of
        the dashboard's counts read its rows through the index (a head's
        unit of 62 at N = 200,000: about 0.3 s a count before). The HR
        officer reads the whole company: his domain is left as it is."""
        if self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return domain
        ids = (
            self.env["hr.kpi.appraisal.analysis"]
            .search(domain, limit=EMPLOYEE_PICK_LIMIT + 1, order="id")
            .ids
        )
        if len(ids) > EMPLOYEE_PICK_LIMIT:
            return domain
        return [("id", "in", ids), *domain]

    @api.model
    def _dashboard_snapshot(self, period, live=False):
        """The kept figures of ``period`` for the HR officer (he reads the
        whole company, as the job counts it), or an empty recordset: the
        month is counted live (a head, a focal point, a small month, no
        figures kept yet, or ``live``). Figures older than their age limit
        are still shown, and the job is asked to count them again."""
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        if not period or not self.env.user.has_group(
            "l10n_vn_hr_kpi.group_kpi_hr_officer"
        ):
            return Snapshot
        # as the user: HR officers read them, in their companies only
        snapshot = Snapshot.search([("period_id", "=", period.id)], limit=1)
        if live:
            return Snapshot
        if snapshot and snapshot._kpi_is_stale():
            Snapshot._kpi_enqueue(period)
        return snapshot

    @api.model
    def _dashboard_keep(self, period, live, total):
        """After a live count by the HR officer: a large month's figures are
        to be kept (or counted again after *Refresh*) by the job. Returns
        whether the month is one whose figures are kept."""
        if not period or not self.env.user.has_group(
            "l10n_vn_hr_kpi.group_kpi_hr_officer"
        ):
            return False
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        if total >= Snapshot._kpi_min_appraisals() or (
            live and Snapshot.search_count([("period_id", "=", period.id)])
        ):
            Snapshot._kpi_enqueue(period)
            return True
        return False

    @api.model
    def _dashboard_snapshot_rows(self, snapshots, department_id, subject_group):
        """The rows of ``snapshots`` within the dashboard's filters and the
        user's companies (the analysis' company rule): ``(period id, row)``."""
        companies = set(self.env.companies.ids)
        units = None
        if department_id:
            # the unit's subtree, archived sub-units included (the analysis'
            # child_of reads them so)
            # sudo: the ids of the units under a unit, to filter figures
            Department = (
                self.env["hr.department"].sudo().with_context(active_test=False)
            )
            root = Department.browse(int(department_id))
            units = set(
                Department.search(
                    [("parent_path", "=like", f"{root.parent_path}%")]
                ).ids
                if root.exists()
                else []
            )
        for snapshot in snapshots:
            for row in snapshot.row_data or []:
                company, unit, group = row[0], row[1], row[2]
                if company not in companies:
                    continue
                if units is not None and unit not in units:
                    continue
                if subject_group and group != subject_group:
                    continue
                yield snapshot.period_id.id, row

    @api.model
    def _dashboard_snapshot_groups(self, snapshot, department_id, subject_group):
        """``_dashboard_unit_groups`` from the kept figures: the same groups,
        as records, summed over the companies and subject groups kept."""
        sums = defaultdict(lambda: [0] * 5)
        for _period, row in self._dashboard_snapshot_rows(
            snapshot, department_id, subject_group
        ):
            _company, unit, _group, level, rule_set, task_group, *counts = row
            key = (unit, level, rule_set, task_group)
            sums[key] = [a + b for a, b in zip(sums[key], counts, strict=True)]
        Department = self.env["hr.department"].browse(
            {unit for unit, *_rest in sums if unit}
        )
        RuleSet = self.env["hr.kpi.rule.set"].browse(
            {rule_set for _unit, _level, rule_set, _task in sums if rule_set}
        )
        return [
            (
                Department.browse(unit or []).with_prefetch(Department._prefetch_ids),
                level,
                RuleSet.browse(rule_set or []).with_prefetch(RuleSet._prefetch_ids),
                task_group,
                *counts,
            )
            for (unit, level, rule_set, task_group), counts in sums.items()
        ]

    @api.model
    def _dashboard_period(self, period_id):
        Period = self.env["hr.kpi.period"]
        if period_id:
            return Period.browse(int(period_id)).exists()
        # the latest month with a decision, else the latest month
        Analysis = self.env["hr.kpi.appraisal.analysis"]
        for domain in ([("is_evaluated", "=", True)], []):
            row = Analysis.search_read(
                domain, ["period_id"], limit=1, order="period_start desc"
            )
            if row:
                return Period.browse(row[0]["period_id"][0])
        return Period

    @api.model
    def _dashboard_domain(self, department_id=None, subject_group=None):
        domain = []
        if department_id:
            domain.append(("department_id", "child_of", int(department_id)))
        if subject_group:
            domain.append(("subject_group", "=", subject_group))
        return domain

    @api.model
    def get_data(
        self,
        period_id=None,
        department_id=None,
        subject_group=None,
        employee_id=None,
        live=False,
    ):
        """All the figures of the dashboard for a month, a unit subtree and a
        subject group, in one call. The HR officer's figures of a large
        company's month are those the background job kept
        (hr.kpi.dashboard.snapshot, their time in ``counted_on``), unless
        ``live`` (*Refresh*): then the month is counted now."""
        self._check_dashboard_access()
        # the analysis is an SQL view: it reads what is written in the database
        self.env.flush_all()
        Analysis = self.env["hr.kpi.appraisal.analysis"]
        period = self._dashboard_period(period_id)
        filters = self._dashboard_domain(department_id, subject_group)
        snapshot = self._dashboard_snapshot(period, live)
        if snapshot:
            domain = filters + [("period_id", "=", period.id)]
            groups = self._dashboard_snapshot_groups(
                snapshot, department_id, subject_group
            )
        else:
            domain = self._dashboard_narrowed(filters + [("period_id", "=", period.id)])
            groups = self._dashboard_unit_groups(domain)
        units = self._dashboard_units(groups)
        evaluated = sum(unit["evaluated"] for unit in units)
        distribution = {
            level: sum(unit["levels"][level] for unit in units) for level in LEVELS_DESC
        }
        # the totals are the sums of the units' rows (every row has a unit
        # row, "No unit" included): not a second pass over the month
        totals = [
            sum(unit[key] for unit in units)
            for key in (
                "appraisals",
                "late_self_evaluation",
                "late_decision",
                "overdue_tasks",
            )
        ]
        counted_on = snapshot.date_computed if snapshot else False
        if not snapshot and self._dashboard_keep(period, live, totals[0]):
            # a kept month counted live (Refresh, or not kept yet): now
            counted_on = fields.Datetime.now()
        level_names = dict(Analysis._fields["level"]._description_selection(self.env))
        return {
            "period": {"id": period.id, "name": period.name} if period else False,
            # when a large month's figures were counted (the job's, or now
            # after Refresh); False for a month counted on each opening
            "counted_on": (
                fields.Datetime.to_string(counted_on) if counted_on else False
            ),
            # whether they are the job's (else counted at this opening)
            "figures_kept": bool(snapshot),
            "filters": {
                "department_id": department_id or False,
                "subject_group": subject_group or False,
                "employee_id": employee_id or False,
            },
            "appraisal_count": totals[0],
            "appraisal_count_label": self.env._(
                "of %(count)s appraisals", count=totals[0]
            ),
            "evaluated_count": evaluated,
            "levels": [
                {
                    "level": level,
                    "name": level_names[level],
                    "count": distribution[level],
                }
                for level in LEVELS_DESC
            ],
            "late_self_evaluation_count": totals[1],
            "late_decision_count": totals[2],
            "overdue_task_count": totals[3],
            "units": units,
            "lenient": self._dashboard_lenient_units(
                period, filters, snapshot, department_id, subject_group
            ),
            "trend": self._dashboard_trend(period, employee_id),
            "employees": self._dashboard_employees(
                domain, unit_chosen=bool(department_id), total=totals[0]
            ),
            "employees_need_unit": not department_id
            and totals[0] > EMPLOYEE_PICK_LIMIT,
            "citizen_satisfaction": self._kpi_citizen_satisfaction(period, filters),
            "appeal_overdue_count": self.env["hr.kpi.appraisal"].search_count(
                self._dashboard_overdue_appeals_domain(department_id, subject_group)
            ),
            "options": self._dashboard_options(),
        }

    @api.model
    def _dashboard_overdue_appeals_domain(self, department_id=None, subject_group=None):
        """The open appeals past their resolution deadline, of every month, in
        the unit subtree and subject group: read as the user, so HR sees the
        company's and a head those of his units (the record rules)."""
        return self._dashboard_domain(department_id, subject_group) + [
            ("appeal_overdue", "=", True)
        ]

    @api.model
    def action_open_overdue_appeals(self, department_id=None, subject_group=None):
        """The list of the overdue appeals the user can read (the dashboard's
        filters but the month: an appeal is overdue whatever its month)."""
        self._check_dashboard_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Overdue appeals"),
            "res_model": "hr.kpi.appraisal",
            "views": [(False, "list"), (False, "form")],
            "view_mode": "list,form",
            "domain": self._dashboard_overdue_appeals_domain(
                department_id, subject_group
            ),
            "context": {"create": False},
        }

    @api.model
    def _dashboard_options(self):
        """The choices of the filters: the months and units the user can see,
        the subject groups."""
        Analysis = self.env["hr.kpi.appraisal.analysis"]
        if self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            # every row of his companies: the months and units that have an
            # appraisal, each found by an index (not a read of every month)
            period_ids, department_ids = self._dashboard_company_options()
            period_rows = self.env["hr.kpi.period"].browse(period_ids[:36])
            department_rows = self.env["hr.department"].browse(department_ids)
        else:
            period_rows = [
                period
                for (period,) in Analysis._read_group(
                    [], ["period_id"], order="period_id", limit=36
                )
            ]
            department_rows = [
                department
                for (department,) in Analysis._read_group([], ["department_id"])
                if department
            ]
        periods = [{"id": period.id, "name": period.name} for period in period_rows]
        departments = sorted(
            (
                {"id": department.id, "name": department.display_name}
                for department in department_rows
            ),
            key=lambda d: d["name"],
        )
        return {
            "periods": periods,
            "departments": departments,
            "subject_groups": [
                {"id": key, "name": name}
                for key, name in Analysis._fields[
                    "subject_group"
                ]._description_selection(self.env)
            ],
        }

    @api.model
    def _dashboard_unit_groups(self, domain):
        """The rows of ``domain`` counted by unit, level and quota group, as
        the user reads them: ``[(unit, level, rule set, task group, count,
        late self-evaluations, late decisions, overdue tasks, not
        evaluated), ...]``. No appraisal record is read, whatever the size of
        the city."""
        return self.env["hr.kpi.appraisal.analysis"]._read_group(
            domain,
            ["department_id", "level", "rule_set_id", "task_group"],
            [
                "__count",
                "late_self_evaluation_count:sum",
                "late_decision_count:sum",
                "overdue_task_count:sum",
                "not_evaluated_count:sum",
            ],
        )

    @api.model
    def _dashboard_units(self, groups):
        """Per unit of the month, from its ``groups`` (see
        ``_dashboard_unit_groups``): levels, excellent share against the
        quota cap, late self-evaluations and decisions, overdue tasks."""
        by_unit = defaultdict(
            lambda: {
                "levels": dict.fromkeys(LEVELS_DESC, 0),
                "evaluated": 0,
                "appraisals": 0,
                "late_self_evaluation": 0,
                "late_decision": 0,
                "overdue_tasks": 0,
            }
        )
        # a row's level is set once it is evaluated (decided), so the levels,
        # the unit's counts and the quota's counts come from the same groups
        # (a decided appraisal has its final level: the level its quota
        # counts)
        quota_groups = defaultdict(list)
        for (
            department,
            level,
            rule_set,
            task_group,
            count,
            late_self,
            late_decision,
            overdue,
            not_evaluated,
        ) in groups:
            unit = by_unit[department]
            unit["appraisals"] += count
            unit["late_self_evaluation"] += late_self
            unit["late_decision"] += late_decision
            unit["overdue_tasks"] += overdue
            if level:
                unit["levels"][level] += count
                unit["evaluated"] += count
                quota_groups[department].append((rule_set, task_group, level, count))
            if not_evaluated:
                quota_groups[department].append(
                    (rule_set, task_group, NOT_EVALUATED, not_evaluated)
                )
        # the quota cap of each unit, by the quota service
        caps = {}
        Quota = self.env["hr.kpi.quota"]
        for department, groups in quota_groups.items():
            # sudo: the quota settings of the rule sets of rows the user reads
            results = Quota._check_level_counts(
                [(rule_set.sudo(), *rest) for rule_set, *rest in groups]
            )
            caps[department] = (
                sum(result.cap for result in results),
                sum(result.denominator for result in results),
            )
        units = []
        for department, unit in by_unit.items():
            cap, denominator = caps.get(department, (0, 0))
            excellent = unit["levels"]["excellent"]
            units.append(
                dict(
                    unit,
                    id=department.id,
                    name=department.display_name or self.env._("No unit"),
                    excellent=excellent,
                    cap=cap,
                    quota_denominator=denominator,
                    excellent_share=(
                        round(100.0 * excellent / unit["evaluated"], 1)
                        if unit["evaluated"]
                        else 0.0
                    ),
                    over_cap=excellent > cap,
                )
            )
        units.sort(key=lambda u: u["name"])
        return units

    @api.model
    def _dashboard_lenient_units(
        self, period, filters, snapshot=None, department_id=None, subject_group=None
    ):
        """The units that rated every decided member well completed or above
        in each of the last N months (N from the period's rule set): the
        "nể nang" flag. A month without any decided member breaks the run.
        With the kept figures of the month (``snapshot``), the months are
        read from theirs when each has them."""
        if not period:
            return []
        months = max(period.rule_set_id.lenient_months or 0, 1)
        periods = self.env["hr.kpi.period"].search(
            [
                ("company_id", "=", period.company_id.id),
                ("date_start", "<=", period.date_start),
            ],
            order="date_start desc",
            limit=months,
        )
        if len(periods) < months:
            return []
        # (unit, month): [decided, well completed or above]
        counts = defaultdict(lambda: [0, 0])
        kept = False
        if snapshot:
            # the month's figures are kept: the months before it are read
            # from theirs, each asked for (or to be counted again) if need be
            snapshots = snapshot.search([("period_id", "in", periods.ids)])
            missing = periods - snapshots.period_id
            stale = snapshots.filtered(
                lambda other: other != snapshot and other._kpi_is_stale()
            )
            if missing or stale:
                snapshot._kpi_enqueue(missing | stale.period_id)
            kept = not missing
        if kept:
            for period_id, row in self._dashboard_snapshot_rows(
                snapshots, department_id, subject_group
            ):
                unit, level, count = row[1], row[3], row[6]
                if unit and level:
                    counts[unit, period_id][0] += count
                    counts[unit, period_id][1] += (
                        count if level in GOOD_OR_BETTER else 0
                    )
            departments = self.env["hr.department"].browse(
                {unit for unit, _period in counts}
            )
            groups = [
                (departments.browse(unit), evaluated, good)
                for (unit, _period), (evaluated, good) in counts.items()
            ]
        else:
            groups = [
                (department, evaluated, good)
                for department, _period, evaluated, good in self.env[
                    "hr.kpi.appraisal.analysis"
                ]._read_group(
                    filters
                    + [("period_id", "in", periods.ids), ("is_evaluated", "=", True)],
                    ["department_id", "period_id"],
                    ["__count", "good_or_better_count:sum"],
                )
            ]
        runs = defaultdict(int)
        for department, evaluated, good in groups:
            if department and evaluated and good == evaluated:
                runs[department] += 1
        return sorted(
            (
                {
                    "id": department.id,
                    "name": department.display_name,
                    "months": months,
                    "label": self.env._(
                        "%(unit)s (%(months)s months)",
                        unit=department.display_name,
                        months=months,
                    ),
                }
                for department, count in runs.items()
                if count == months
            ),
            key=lambda unit: unit["name"],
        )

    @api.model
    def _dashboard_trend(self, period, employee_id):
        """Total score and decided level of one employee over the last 12
        months up to the period."""
        if not (period and employee_id):
            return []
        rows = self.env["hr.kpi.appraisal.analysis"].search_read(
            [
                ("employee_id", "=", int(employee_id)),
                ("period_start", "<=", period.date_start),
            ],
            ["period_id", "period_start", "total_score", "level"],
            order="period_start desc",
            limit=TREND_MONTHS,
        )
        return [
            {
                "period": row["period_id"][1],
                "score": row["total_score"],
                "level": row["level"] or False,
            }
            for row in reversed(rows)
        ]

    @api.model
    def _dashboard_employees(self, domain, unit_chosen=True, total=0):
        """The employees of the month to pick for the trend: those of the
        chosen unit, or of the whole scope when it is small (see
        EMPLOYEE_PICK_LIMIT)."""
        if not unit_chosen and total > EMPLOYEE_PICK_LIMIT:
            return []
        ids = [
            employee.id
            for (employee,) in self.env["hr.kpi.appraisal.analysis"]._read_group(
                domain, ["employee_id"]
            )
        ]
        # their names in one query, from the public employees (every user may
        # read them): reading each employee's display_name prefetches every
        # column of the employees and their resources, 10 s for the 20,000 of
        # a city's dashboard
        employees = self.env["hr.employee.public"].browse(ids)
        employees.fetch(["name"])
        return [{"id": employee.id, "name": employee.name} for employee in employees]

    @api.model
    def _kpi_citizen_satisfaction(self, period, filters):
        """Citizen-satisfaction rate per unit of the month, over the appraisals
        the user can see (one-stop import and counter kiosk, per each rule
        set's sources): a list of ``{"id", "name", "rate", "count"}`` for the
        units with ratings, or False when none."""
        if not period:
            return False
        # the rows of the officials rated this month only: the others have
        # no figure (reading every row of a city's month took 4.7 s)
        Stat = self.env["hr.kpi.onestop.stat"]
        rated = Stat._rated_employee_ids(period)
        if not rated:
            return False
        rows = self.env["hr.kpi.appraisal.analysis"].search_fetch(
            filters
            + [("period_id", "=", period.id), ("employee_id", "in", list(rated))],
            ["appraisal_id", "department_id"],
        )
        # sudo: the rows are those the user may see; only their counts are read
        counts = Stat._get_appraisal_satisfaction(rows.appraisal_id.sudo())
        per_unit = defaultdict(lambda: [0, 0])
        for row in rows:
            unit_counts = counts.get(row.appraisal_id.id)
            if unit_counts:
                per_unit[row.department_id][0] += unit_counts.get("satisfied", 0)
                per_unit[row.department_id][1] += sum(unit_counts.values())
        result = [
            {
                "id": unit.id,
                "name": unit.display_name,
                "rate": float_round(100.0 * satisfied / total, 2),
                "count": total,
            }
            for unit, (satisfied, total) in per_unit.items()
            if total
        ]
        return sorted(result, key=lambda unit: unit["name"]) or False

    @api.model
    def action_open_analysis(
        self,
        period_id=None,
        department_id=None,
        subject_group=None,
        view_type="pivot",
        extra_domain=None,
    ):
        """The analysis action on the dashboard's filters (and ``extra_domain``)."""
        self._check_dashboard_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_analysis_action"
        )
        domain = self._dashboard_domain(department_id, subject_group)
        if period_id:
            domain.append(("period_id", "=", int(period_id)))
        views = [(False, view_type)] + [
            (False, view) for view in ("pivot", "graph", "list") if view != view_type
        ]
        action.update(
            {
                "domain": domain + list(extra_domain or []),
                "views": views,
                "view_mode": ",".join(view for _id, view in views),
            }
        )
        return action
