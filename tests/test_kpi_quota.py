import re

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from ..const import LEVELS_DESC, NOT_EVALUATED
from .common import KpiCommon
from .test_kpi_rollup import RollupCommon

# the one message of a decision over the cap, for the month and for the year
OVER_THE_CAP = re.compile(
    r"^(?P<unit>.+), (?P<period>.+): (?P<count>\d+) rated excellently completed "
    r"for a cap of (?P<cap>\d+) \((?P<percent>[\d.,]+) % of "
    r"(?P<denominator>\d+)\)\. Over the cap: (?P<names>.+)\.$"
)


@tagged("post_install", "-at_install")
class TestKpiQuota(KpiCommon):
    """NĐ 335/2025 Điều 20 khoản 5: cap = floor(percent × denominator)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.pool_employees = Employee.create(
            [
                {"name": f"Quota staff {i:02d}", "department_id": cls.department.id}
                for i in range(14)
            ]
        )

    def _unit(self, rule_set, good, excellent=1, done=2, task_group=False):
        """Appraisals of one unit: ``good`` decided HTTNV, ``excellent`` HTXSNV,
        ``done`` HTNV (levels being decided)."""
        levels = ["excellent"] * excellent + ["good"] * good + ["done"] * done
        employees = self.pool_employees[: len(levels)]
        return self.env["hr.kpi.appraisal"].create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": self.period.id,
                    "rule_set_id": rule_set.id,
                    "level_final": level,
                    "task_group": task_group,
                }
                for employee, level in zip(employees, levels, strict=True)
            ]
        )

    def test_quota_per_denominator(self):
        """One HTXSNV, two HTNV and N HTTNV; 20 %:
        N           0  1  4  5  7  10
        good        0  0  0  1  1  2    floor(0.2 N)
        good+exc.   0  0  1  1  1  2    floor(0.2 (N + 1))
        all rated   0  0  1  1  2  2    floor(0.2 (N + 3))"""
        expected = {
            "good": [0, 0, 0, 1, 1, 2],
            "good_excellent": [0, 0, 1, 1, 1, 2],
            "all": [0, 0, 1, 1, 2, 2],
        }
        for denominator, caps in expected.items():
            rule_set = self.rs_nd335.copy(
                {"quota_denominator": denominator, "quota_scope": "unit"}
            )
            for good, cap in zip([0, 1, 4, 5, 7, 10], caps, strict=True):
                with self.subTest(denominator=denominator, good=good):
                    appraisals = self._unit(rule_set, good)
                    (result,) = self.env["hr.kpi.quota"]._check(appraisals)
                    self.assertEqual(result.cap, cap)
                    self.assertEqual(result.count, 1)
                    self.assertEqual(result.holds, cap >= 1)
                    self.assertEqual(result.denominator_mode, denominator)
                    self.assertEqual(len(result.ranked), len(appraisals))
                    self.assertEqual(len(result.over_cap), 0 if cap >= 1 else 1)
                    appraisals.unlink()

    def test_spec_example_seven_good(self):
        """NĐ 335/2025 Điều 20 khoản 5: 7 rated HTTNV → at most floor(0.2 × 7) = 1
        HTXSNV; 2 is over."""
        appraisals = self._unit(self.rs_nd335, good=7, excellent=2, done=0)
        (result,) = self.env["hr.kpi.quota"]._check(appraisals)
        self.assertEqual((result.denominator, result.cap, result.count), (7, 1, 2))
        self.assertFalse(result.holds)
        self.assertEqual(result.mode, "block")
        self.assertEqual(len(result.over_cap), 1)
        # the exception percent (25 %): floor(0.25 × 7) = 1 still
        (exception,) = self.env["hr.kpi.quota"]._check(appraisals, exception=True)
        self.assertEqual(exception.cap, 1)

    def test_exception_percent(self):
        """4 HTTNV: 20 % → 0, 25 % exception → 1."""
        appraisals = self._unit(self.rs_nd335, good=4, excellent=1, done=0)
        quota = self.env["hr.kpi.quota"]
        self.assertFalse(quota._holds(appraisals))
        self.assertTrue(quota._holds(appraisals, exception=True))

    def test_legacy_quota_all_rated(self):
        """HN_3814_2018: A ≤ 30 % of all rated: 1 A + 5 B + 4 C = 10 → cap 3."""
        appraisals = self._unit(self.rs_hn3814, good=5, excellent=1, done=4)
        (result,) = self.env["hr.kpi.quota"]._check(appraisals)
        self.assertEqual((result.denominator, result.cap), (10, 3))
        self.assertTrue(result.holds)

    def test_scope_per_task_group(self):
        group_a = self._unit(self.rs_nd335, good=5, excellent=1, done=0, task_group="A")
        self.pool_employees = self.pool_employees[6:]
        group_b = self._unit(self.rs_nd335, good=2, excellent=1, done=0, task_group="B")
        results = self.env["hr.kpi.quota"]._check(group_a | group_b)
        by_group = {r.task_group: r for r in results}
        self.assertEqual(set(by_group), {"A", "B"})
        self.assertTrue(by_group["A"].holds)
        self.assertFalse(by_group["B"].holds)
        # the same appraisals under a unit-wide scope: 7 good → cap 1, 2 excellent
        rule_set = self.rs_nd335.copy({"quota_scope": "unit"})
        (group_a | group_b).write({"rule_set_id": rule_set.id})
        (result,) = self.env["hr.kpi.quota"]._check(group_a | group_b)
        self.assertEqual((result.cap, result.count), (1, 2))

    def test_level_counted_is_the_level_being_decided(self):
        appraisals = self._unit(self.rs_nd335, good=5, excellent=0, done=0)
        appraisals[0].write({"level_final": False, "level_proposed": "excellent"})
        (result,) = self.env["hr.kpi.quota"]._check(appraisals)
        self.assertEqual((result.count, result.denominator, result.cap), (1, 4, 0))

    def test_ranking_total_then_delays_then_exceeded(self):
        """Equal totals are ranked by fewer delays, then more exceeded tasks.
        X, Y, Z: T1 q=1 done, T2 q=1 not done → a = b = c = 50 %, 35 points each.
        X has a (counted) delay on T2, Z has T1 exceeding requirements.
        W: everything done → 70 points, first."""
        employees = self.pool_employees[:4]
        w, x, y, z = employees
        for employee in employees:
            self.make_task(
                employee, self.product_std, 1, exceeded_requirement=employee == z
            )
            if employee != w:
                self.make_task(
                    employee, self.product_std, 1, done=0, delays=int(employee == x)
                )
        appraisals = self.env["hr.kpi.appraisal"].create(
            [{"employee_id": e.id, "period_id": self.period.id} for e in employees]
        )
        by_employee = {a.employee_id: a for a in appraisals}
        self.assertEqual(by_employee[w].total_score, 70.0)
        self.assertEqual({by_employee[e].total_score for e in (x, y, z)}, {35.0})
        (result,) = self.env["hr.kpi.quota"]._check(appraisals)
        self.assertEqual([a.employee_id for a in result.ranked], [w, z, y, x])

    def test_company_pass_grouped_equals_per_record(self):
        """The company-wide passes count by unit, quota group and level in one
        _read_group (hr.kpi.quota._unit_groups): on a small company with every
        kind of appraisal (task groups, months not evaluated, decided or not,
        levels proposed or computed only, two rule sets in one unit), they give
        what the per-record quota check and summary levels give."""
        rs_group = self.rs_nd335.copy(
            {"quota_scope": "unit_task_group", "quota_denominator": "good"}
        )
        rs_all = self.rs_nd335.copy(
            {
                "quota_scope": "unit",
                "quota_denominator": "all",
                "quota_rounding": "half_up",
                "not_evaluated_exclude_quota": False,
            }
        )
        Department = self.env["hr.department"]
        units = Department.create(
            [
                {"name": f"Quota unit {name}", "company_id": self.company.id}
                for name in ("C", "A", "B")
            ]
        )
        employees = (
            self.env["hr.employee"]
            .with_company(self.company)
            .create(
                [
                    {"name": f"Grouped {i:02d}", "department_id": units[i % 3].id}
                    for i in range(36)
                ]
            )
        )
        appraisals = self.env["hr.kpi.appraisal"].create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": self.period.id,
                    "rule_set_id": (rs_group if i % 4 else rs_all).id,
                    "task_group": ("A", "B", False)[i % 5 % 3],
                }
                for i, employee in enumerate(employees)
            ]
        )
        states = ("draft", "reviewed", "decided", "not_evaluated", "locked", "draft")
        levels = ("excellent", "good", "done", "fail", None, "excellent", "good")
        for i, appraisal in enumerate(appraisals):
            self.env.cr.execute(
                SQL(
                    "UPDATE hr_kpi_appraisal SET state = %s, level_final = %s, "
                    "level_proposed = %s, level_computed = %s WHERE id = %s",
                    states[i % 6],
                    levels[i % 7] if i % 3 == 0 else None,
                    levels[(i + 1) % 7] if i % 2 else None,
                    levels[(i + 2) % 7],
                    appraisal.id,
                )
            )
        self.env.invalidate_all()
        Quota = self.env["hr.kpi.quota"]
        Unit = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]

        def summary(results):
            return sorted(
                (
                    r.rule_set.id,
                    r.task_group or "",
                    r.denominator,
                    r.cap,
                    r.count,
                    r.holds,
                    r.percent,
                    tuple(sorted(r.counts.items())),
                    r.not_evaluated,
                )
                for r in results
            )

        grouped = Quota._unit_groups(appraisals)
        self.assertEqual(
            [unit for unit, _groups in grouped], list(units.sorted("name"))
        )
        expected_rows, expected_levels = [], dict.fromkeys(LEVELS_DESC, 0)
        all_results = []
        for (unit, members), (g_unit, groups) in zip(
            Quota._by_unit(appraisals), grouped, strict=True
        ):
            self.assertEqual(unit, g_unit)
            per_record = Quota._check(members)
            all_results += per_record
            self.assertEqual(summary(Quota._check_counts(groups)), summary(per_record))
            self.assertEqual(
                summary(Quota._check_counts(groups, exception=True)),
                summary(Quota._check(members, exception=True)),
            )
            rated = members.filtered(lambda a: a.state != NOT_EVALUATED)
            unit_levels = [Unit._summary_level(a) for a in rated]
            for level in LEVELS_DESC:
                expected_levels[level] += unit_levels.count(level)
            expected_rows.append(
                (
                    unit.name,
                    len(rated),
                    len(members) - len(rated),
                    [unit_levels.count(level) for level in LEVELS_DESC],
                    sum(r.count for r in per_record),
                    sum(r.cap for r in per_record),
                    all(r.holds for r in per_record),
                )
            )
        # the cases the data is meant to cover are there
        self.assertEqual(
            set(appraisals.mapped("state")),
            {"draft", "reviewed", "decided", "not_evaluated", "locked"},
        )
        self.assertTrue({"A", "B"} <= {r.task_group for r in all_results})
        self.assertTrue(any(r.not_evaluated for r in all_results))
        self.assertTrue(any(r.count for r in all_results))
        # the company quota check
        rows = Quota._kpi_unit_rows(appraisals)
        self.assertEqual(
            [(r["unit"], r["count"], r["cap"], r["holds"], r["members"]) for r in rows],
            [
                (unit.display_name, row[4], row[5], row[6], row[1] + row[2])
                for unit, row in zip(units.sorted("name"), expected_rows, strict=True)
            ],
        )
        # Mẫu 02A
        Agency = self.env["report.l10n_vn_hr_kpi.report_agency_summary"]
        rows, level_counts = Agency._kpi_unit_rows(self.period, appraisals)
        self.assertEqual(
            [
                (
                    r["unit"],
                    r["count"],
                    r["not_evaluated"],
                    [lv["count"] for lv in r["levels"]],
                    r["quota_excellent"],
                    r["quota_cap"],
                    r["quota_holds"],
                )
                for r in rows
            ],
            expected_rows,
        )
        self.assertEqual(
            {level: level_counts[level] for level in LEVELS_DESC}, expected_levels
        )
        self.assertEqual(level_counts["__total"], sum(r[1] for r in expected_rows))


@tagged("post_install", "-at_install")
class TestKpiQuotaOneService(RollupCommon):
    """The month and the year are decided through one quota service: one
    lock, one check, one message."""

    def over_the_cap(self, decide):
        with self.assertRaises(UserError) as refused:
            decide()
        first, *rest = str(refused.exception).split("\n")
        match = OVER_THE_CAP.match(first)
        self.assertTrue(match, first)
        return match.groupdict(), rest

    def test_month_and_year_refuse_with_one_message(self):
        # the month: alone rated in the unit, 20 % of 0 is 0 excellent
        appraisal = self.scored(self.emp_staff2)
        appraisal.with_user(self.user_leader).write({"level_proposed": "excellent"})
        appraisal.with_user(self.user_leader).action_review()
        month, rest = self.over_the_cap(
            appraisal.with_user(self.user_head).action_decide
        )
        self.assertEqual(rest, [])
        self.assertEqual(appraisal.state, "reviewed")
        self.assertEqual(
            month,
            {
                "unit": self.department.display_name,
                "period": f"month {self.period.name}",
                "count": "1",
                "cap": "0",
                "percent": "20",
                "denominator": "0",
                "names": self.emp_staff2.name,
            },
        )
        # the year, in another unit: 5 well completed, at most 1 excellent;
        # the lower score is over the cap
        for employee in self.fillers:
            self.year_of(
                employee, [80] * 12, department=self.department2, decider=self.emp_head2
            )
        for employee, total in ((self.emp_staff, 95), (self.emp_leader, 94)):
            self.year_of(
                employee,
                [total] * 12,
                department=self.department2,
                decider=self.emp_head2,
            )
        self.compute()
        years = self.search(
            [("quarter", "=", 0), ("department_id", "=", self.department2.id)]
        )
        self.assertEqual(len(years), 7)
        levels = {year: year.level_computed for year in years}
        year, rest = self.over_the_cap(
            lambda: self.Rollup.with_user(self.user_head2)._kpi_decide(levels)
        )
        self.assertEqual(rest, [])
        self.assertEqual(set(years.mapped("state")), {"computed"})
        self.assertEqual(
            year,
            {
                "unit": self.department2.display_name,
                "period": "year 2026",
                "count": "2",
                "cap": "1",
                "percent": "20",
                "denominator": "5",
                "names": self.emp_leader.name,
            },
        )

    def test_year_over_the_cap_warns_without_a_justification(self):
        rule_set = self.rs_nd335.copy({"quota_mode": "warn"})
        self.year_of(self.emp_staff, [95] * 12, rule_set=rule_set)
        self.compute()
        year = self.get(self.emp_staff)
        self.assertEqual(
            (year.rule_set_id, year.level_computed), (rule_set, "excellent")
        )
        Rollup = self.Rollup.with_user(self.user_head)
        message, rest = self.over_the_cap(
            lambda: Rollup._kpi_decide({year: "excellent"}, justification=" ")
        )
        self.assertEqual((message["count"], message["cap"]), ("1", "0"))
        self.assertEqual(
            rest, ["The rule set allows it only with a written justification."]
        )
        self.assertEqual(year.state, "computed")
        Rollup._kpi_decide({year: "excellent"}, justification="Exceptional year")
        self.assertEqual((year.state, year.level_final), ("decided", "excellent"))

    def test_the_lock_covers_the_unit_and_period_or_year(self):
        """The service locks the rows the month and the year locked before
        (their own queries, kept here): every appraisal (not archived) of
        the units and periods decided, and every annual result of the units
        and years, with the years not classified for months not evaluated."""
        Quota = self.env["hr.kpi.quota"]
        for employee in (self.emp_staff, self.emp_staff2, self.fillers[0]):
            self.year_of(employee, [80] * 12)
        self.year_of(self.emp_leader, [80] * 12, department=self.department2)
        self.year_of(self.fillers[1], [80] * 12)
        self.compute()
        may = self.period
        months = self.env["hr.kpi.appraisal"].search(
            [("period_id", "=", may.id), ("department_id", "=", self.department.id)]
        )
        self.assertEqual(len(months), 4)
        # an archived month (a replaced version) is not locked
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET active = FALSE WHERE id = %s",
                months[-1].id,
            )
        )
        self.env.invalidate_all()
        decided = months[:1]
        before = self.env.execute_query(
            SQL(
                "SELECT id FROM hr_kpi_appraisal WHERE period_id = ANY(%s) "
                "AND department_id = ANY(%s) AND active ORDER BY id",
                decided.period_id.ids,
                decided.department_id.ids,
            )
        )
        scope = Quota._scope(decided, lock=True)
        self.assertEqual(sorted(scope.ids), [row[0] for row in before])
        self.assertEqual(len(scope), 3)
        # the year: a result not classified counts only with months not
        # evaluated
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_rollup SET state = 'not_classified' WHERE id = %s",
                self.get(self.fillers[0]).id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_rollup SET state = 'not_classified', "
                "months_not_evaluated = 2 WHERE id = %s",
                self.get(self.fillers[1]).id,
            )
        )
        self.env.invalidate_all()
        decided = self.get(self.emp_staff)
        before = self.env.execute_query(
            SQL(
                "SELECT id FROM hr_kpi_rollup WHERE quarter = 0 AND year = ANY(%s) "
                "AND department_id = ANY(%s) "
                "AND (state != 'not_classified' OR months_not_evaluated > 0) "
                "ORDER BY id",
                [2026],
                decided.department_id.ids,
            )
        )
        scope = Quota._scope(decided, lock=True)
        self.assertEqual(sorted(scope.ids), [row[0] for row in before])
        self.assertEqual(
            scope.employee_id,
            self.emp_staff | self.emp_staff2 | self.fillers[1],
        )

    def test_the_one_message_in_vietnamese(self):
        """The period of the message says whether it is a month or a year."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_vn_hr_kpi"], ["vi_VN"], overwrite=True
        )
        Quota = self.env["hr.kpi.quota"].with_context(lang="vi_VN")
        month = self.scored(self.emp_staff2)
        self.year_of(self.emp_staff, [95] * 12, department=self.department2)
        self.compute()
        year = self.get(self.emp_staff)
        for records, expected in (
            (month, f"{self.department.display_name}, tháng {self.period.name}: 1 "),
            (year, f"{self.department2.display_name}, năm 2026: 1 "),
        ):
            with self.subTest(model=records._name):
                with self.assertRaises(UserError) as refused:
                    Quota._enforce(
                        Quota._scope_results(Quota._scope(records.with_env(Quota.env)))
                    )
                self.assertTrue(
                    str(refused.exception).startswith(expected),
                    str(refused.exception),
                )
                self.assertIn("mức trần là 0", str(refused.exception))
