from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import KpiCommon


def level_of(total):
    if total >= 90:
        return "excellent"
    if total >= 70:
        return "good"
    if total >= 50:
        return "done"
    return "fail"


class RollupCommon(KpiCommon):
    """Twelve months of 2026 for the test company; crafted monthly results."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rollup = cls.env["hr.kpi.rollup"]
        Period = cls.env["hr.kpi.period"]
        cls.periods = {(2026, 5): cls.period}
        for month in range(1, 13):
            if month != 5:
                cls.periods[(2026, month)] = Period.create(
                    {"company_id": cls.company.id, "date_start": date(2026, month, 1)}
                )
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.user_head2 = new_test_user(
            cls.env,
            login="kpi_head2",
            groups="l10n_vn_hr_kpi.group_kpi_head",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            context=DISABLED_MAIL_CONTEXT,
        )
        cls.department2 = cls.env["hr.department"].create(
            {"name": "Economic Office", "company_id": cls.company.id}
        )
        cls.emp_head2 = Employee.create(
            {
                "name": "Head Two",
                "user_id": cls.user_head2.id,
                "department_id": cls.department2.id,
            }
        )
        cls.department2.manager_id = cls.emp_head2
        cls.fillers = Employee.create(
            [
                {"name": f"Filler {i}", "department_id": cls.department.id}
                for i in range(5)
            ]
        )

    def setUp(self):
        super().setUp()
        # the months created by a test go with its transaction
        self.periods = dict(self.periods)

    def month(
        self,
        employee,
        month,
        total,
        year=2026,
        general=None,
        level=None,
        state="locked",
        department=None,
        decider=None,
        vetoed=False,
        rule_set=None,
    ):
        """A final monthly appraisal whose results are ``total`` (and the given
        general block). The monthly engine and workflow are tested elsewhere:
        the results are stored as the engine and the head would have left them,
        the roll-up computes from them."""
        period = self.periods.get((year, month))
        if not period:
            period = self.periods[(year, month)] = self.env["hr.kpi.period"].create(
                {
                    "company_id": self.company.id,
                    "date_start": date(year, month, 1),
                    "rule_set_id": self.rs_nd335.id,
                }
            )
        appraisal = self.make_appraisal(
            employee,
            period=period,
            rule_set=rule_set or self.rs_nd335,
            department_id=(department or self.department).id,
            decider_employee_id=(decider or self.emp_head).id,
            evaluator_employee_id=self.emp_leader.id,
        )
        general = 30.0 if general is None else general
        computed = level_of(total)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET total_score = %s, task_score = %s, "
                "general_score = %s, level_by_score = %s, level_computed = %s, "
                "level_final = %s, is_vetoed = %s, state = %s, published_date = %s "
                "WHERE id = %s",
                total,
                total - general,
                general,
                computed,
                "fail" if vetoed else computed,
                level or ("fail" if vetoed else computed),
                vetoed,
                state,
                date.today(),
                appraisal.id,
            )
        )
        appraisal.invalidate_recordset()
        return appraisal

    def year_of(self, employee, totals, **kw):
        """One month per entry of ``totals`` (None: not evaluated)."""
        return [
            self.month(employee, m, t, **kw)
            for m, t in enumerate(totals, start=1)
            if t is not None
        ]

    def compute(self, year=2026, employees=None):
        return self.Rollup._kpi_compute_years(self.company, [year], employees)

    def get(self, employee, quarter=0, year=2026):
        return self.Rollup.search(
            [
                ("employee_id", "=", employee.id),
                ("year", "=", year),
                ("quarter", "=", quarter),
            ]
        )

    def search(self, domain, user=None):
        """Results of the test company (the demo ward has its own)."""
        Rollup = self.Rollup.with_user(user) if user else self.Rollup
        return Rollup.search([("company_id", "=", self.company.id), *domain])


@tagged("post_install", "-at_install")
class TestKpiRollup(RollupCommon):
    def test_quarter_and_year_means_method_i(self):
        totals = [92, 88, 95, 70, 75, 80, 60, 65, 55, 90, 91, 93]
        self.year_of(self.emp_staff, totals)
        self.compute()
        expected = {1: (91.67, "excellent"), 2: (75.0, "good"), 3: (60.0, "done"),
                    4: (91.33, "excellent")}  # fmt: skip
        for quarter, (score, level) in expected.items():
            rollup = self.get(self.emp_staff, quarter)
            self.assertEqual(rollup.months_evaluated, 3)
            self.assertAlmostEqual(rollup.score, score, places=2)
            self.assertEqual(rollup.level, level, f"Q{quarter}")
        year = self.get(self.emp_staff)
        # 954 / 12 = 79.5
        self.assertAlmostEqual(year.total_mean, 79.5, places=2)
        self.assertAlmostEqual(year.score, 79.5, places=2)
        self.assertEqual(year.level_computed, "good")
        self.assertEqual(year.state, "computed")
        self.assertEqual(
            (
                year.months_excellent,
                year.months_good,
                year.months_done,
                year.months_fail,
            ),
            (5, 4, 3, 0),
        )
        self.assertEqual(year.department_id, self.department)

    def test_month_not_completed_bars_excellent(self):
        totals = [95] * 12
        totals[4] = 40  # May: not completed
        self.year_of(self.emp_staff2, totals)
        self.compute()
        year = self.get(self.emp_staff2)
        # (11 x 95 + 40) / 12 = 90.42: excellent by points, not with a failed month
        self.assertAlmostEqual(year.score, 90.42, places=2)
        self.assertEqual(year.level_by_score, "excellent")
        self.assertEqual(year.level_computed, "good")
        self.assertTrue(year.level_reasons)
        q2 = self.get(self.emp_staff2, 2)
        self.assertAlmostEqual(q2.score, 76.67, places=2)
        self.assertEqual(q2.months_fail, 1)
        self.assertEqual(self.get(self.emp_staff2, 1).level, "excellent")

    def test_quarter_not_completed_bars_excellent_year(self):
        # only the quarter rule: a month not completed does not bar excellent here
        rs = self.rs_nd335.copy({"rollup_fail_month_blocks_excellent": False})
        # January at 45 (February, March on leave), then nine months at 100:
        # (45 + 900) / 10 = 94.5, excellent by points, with Q1 not completed
        totals = [45, None, None] + [100] * 9
        self.year_of(self.emp_staff, totals, rule_set=rs)
        self.compute()
        year = self.get(self.emp_staff)
        self.assertEqual(self.get(self.emp_staff, 1).level, "fail")
        self.assertEqual(year.quarters_fail, 1)
        self.assertAlmostEqual(year.score, 94.5)
        self.assertEqual(year.level_by_score, "excellent")
        self.assertEqual(year.level_computed, "good")

    def test_veto_applies_to_the_year(self):
        totals = [95] * 12
        months = self.year_of(self.emp_staff, totals)
        months[10].invalidate_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET is_vetoed = TRUE, level_final = 'fail' "
                "WHERE id = %s",
                months[10].id,
            )
        )
        months[10].invalidate_recordset()
        self.compute()
        self.assertEqual(self.get(self.emp_staff).months_vetoed, 1)
        self.assertEqual(self.get(self.emp_staff).level_computed, "fail")
        self.assertEqual(self.get(self.emp_staff, 1).level, "excellent")
        self.assertEqual(self.get(self.emp_staff, 4).level, "fail")

    def test_method_ii_task_mean_plus_annual_general(self):
        rs_ii = self.rs_nd335.copy({"rollup_method": "task_plus_annual_general"})
        # task 60 + general 25 each month (total 85)
        self.year_of(self.emp_staff, [85] * 12, general=25.0, rule_set=rs_ii)
        self.compute()
        year = self.get(self.emp_staff)
        self.assertEqual(year.rollup_method, "task_plus_annual_general")
        self.assertAlmostEqual(year.task_mean, 60.0)
        self.assertAlmostEqual(year.general_annual_score, 25.0)
        self.assertAlmostEqual(year.score, 85.0)
        self.assertEqual(year.level_computed, "good")
        # the employee cannot enter the annual general score; the head can
        with self.assertRaises(AccessError):
            year.with_user(self.user_staff)._kpi_set_general_annual(30.0)
        with self.assertRaises(UserError):
            year.with_user(self.user_head)._kpi_set_general_annual(31.0)
        year.with_user(self.user_head)._kpi_set_general_annual(30.0)
        self.assertAlmostEqual(year.score, 90.0)
        self.assertEqual(year.level_computed, "excellent")
        # quarters stay the mean of the monthly totals
        self.assertAlmostEqual(self.get(self.emp_staff, 1).score, 85.0)
        # recomputing keeps the entered annual general score
        self.compute()
        self.assertAlmostEqual(year.score, 90.0)
        # the year-end wizard takes the annual general score too
        wizard = (
            self.env["hr.kpi.rollup.year"]
            .with_user(self.user_head)
            .create({"company_id": self.company.id, "year": 2026})
        )
        wizard.action_compute()
        wizard.line_ids.general_annual_score = 28.0
        wizard.action_apply_general()
        self.assertAlmostEqual(year.score, 88.0)
        self.assertEqual(wizard.line_ids.level, "good")

    def test_employee_changed_unit_mid_year(self):
        self.year_of(self.emp_staff, [80] * 6 + [None] * 6)
        for month in range(7, 13):
            self.month(
                self.emp_staff,
                month,
                92,
                department=self.department2,
                decider=self.emp_head2,
            )
        self.compute()
        year = self.get(self.emp_staff)
        # the result goes with him: all 12 months, in his unit at year end
        self.assertEqual(year.months_evaluated, 12)
        self.assertAlmostEqual(year.score, 86.0)
        self.assertEqual(year.department_id, self.department2)
        self.assertEqual(year.decider_employee_id, self.emp_head2)
        self.assertEqual(self.get(self.emp_staff, 1).department_id, self.department)
        # the new head sees and decides the year; the former head does not
        self.assertIn(year, self.Rollup.with_user(self.user_head2).search([]))
        self.assertNotIn(year, self.Rollup.with_user(self.user_head).search([]))
        with self.assertRaises(AccessError):
            year.with_user(self.user_head)._kpi_decide({year: "good"})
        year.with_user(self.user_head2)._kpi_decide({year: "good"})
        self.assertEqual(year.state, "decided")

    def test_month_not_evaluated_and_short_year(self):
        totals = [90, 90, 90, 90, 90, 90, None, None, 60, 90, 90, 90]
        self.year_of(self.emp_staff, totals)
        self.year_of(self.emp_staff2, [80, 80, 80, 80] + [None] * 8)
        self.compute()
        q3 = self.get(self.emp_staff, 3)
        self.assertEqual(q3.months_evaluated, 1)
        self.assertAlmostEqual(q3.score, 60.0)
        year = self.get(self.emp_staff)
        self.assertEqual(year.months_evaluated, 10)
        self.assertAlmostEqual(year.score, 87.0)  # 870 / 10
        # 4 months: fewer than the 6 of the rule set, not classified for the year
        short = self.get(self.emp_staff2)
        self.assertEqual(short.state, "not_classified")
        self.assertFalse(short.level)
        self.assertEqual(self.get(self.emp_staff2, 1).level, "good")
        self.assertFalse(self.get(self.emp_staff2, 3))
        with self.assertRaises(AccessError):
            short.with_user(self.user_hr)._kpi_decide({short: "good"})

    def test_appeal_upheld_changes_month_and_rollup(self):
        # an annual quota that lets both be excellent: only the appeal matters
        rs = self.rs_nd335.copy(
            {"rollup_quota_percent": 100.0, "quota_denominator": "all"}
        )
        for employee in self.emp_staff | self.emp_staff2:
            self.year_of(employee, [95] * 11, rule_set=rs)
            self.month(employee, 12, 95, level="fail", state="appeal_open", rule_set=rs)
        for filler in self.fillers:
            self.month(filler, 12, 80, rule_set=rs)
        self.compute()
        for employee in self.emp_staff | self.emp_staff2:
            self.assertEqual(self.get(employee, 4).months_evaluated, 2)
        year2 = self.get(self.emp_staff2)
        year2.with_user(self.user_head)._kpi_decide({year2: "excellent"})
        self.assertEqual(year2.state, "decided")
        Resolve = self.env["hr.kpi.appraisal.appeal.resolve"]
        for employee, result in (
            (self.emp_staff, "upheld"),
            (self.emp_staff2, "rejected"),
        ):
            appraisal = self.env["hr.kpi.appraisal"].search(
                [("employee_id", "=", employee.id), ("state", "=", "appeal_open")]
            )
            Resolve.with_user(self.user_head).with_context(
                active_id=appraisal.id
            ).create(
                {"result": result, "level": "excellent", "answer": "Reviewed."}
            ).action_confirm()
        q4, year = self.get(self.emp_staff, 4), self.get(self.emp_staff)
        self.assertEqual((q4.months_evaluated, q4.months_excellent), (3, 3))
        self.assertEqual(q4.level, "excellent")
        self.assertEqual(year.months_fail, 0)
        self.assertEqual(year.level_computed, "excellent")
        # rejected: the failed month counts, the year falls to good and goes back
        # to the head
        q4_2 = self.get(self.emp_staff2, 4)
        self.assertEqual((q4_2.months_evaluated, q4_2.months_fail), (3, 1))
        self.assertEqual(q4_2.level, "good")
        self.assertEqual(year2.level_computed, "good")
        self.assertEqual(year2.state, "computed")
        self.assertFalse(year2.level_final)

    def test_annual_decision_quota_and_rights(self):
        for employee in self.fillers:
            self.year_of(employee, [80] * 12)
        self.year_of(self.emp_staff, [95] * 12)
        self.year_of(self.emp_staff2, [94] * 12)
        self.compute()
        years = self.search([("quarter", "=", 0), ("year", "=", 2026)])
        self.assertEqual(len(years), 7)
        y1, y2 = self.get(self.emp_staff), self.get(self.emp_staff2)
        levels = {r: r.level_computed for r in years}
        # 5 well completed: at most floor(20 % x 5) = 1 excellent
        with self.assertRaises(UserError):
            self.Rollup.with_user(self.user_head)._kpi_decide(levels)
        self.assertEqual(y1.state, "computed")
        # never above the proposal
        with self.assertRaises(UserError):
            self.Rollup.with_user(self.user_head)._kpi_decide(
                {
                    years.filtered(
                        lambda r: r.employee_id == self.fillers[0]
                    ): "excellent"
                }
            )
        # neither the employee nor an evaluator who is not the decider
        with self.assertRaises(AccessError):
            y1.with_user(self.user_staff)._kpi_decide({y1: "excellent"})
        with self.assertRaises(AccessError):
            y1.with_user(self.user_other_evaluator)._kpi_decide({y1: "excellent"})
        levels[y2] = "good"
        self.Rollup.with_user(self.user_head)._kpi_decide(levels)
        self.assertEqual(y1.level_final, "excellent")
        self.assertEqual(y2.level, "good")
        self.assertEqual(y1.decided_by_id, self.user_head)
        self.assertIn("excellent", y1.message_ids[:1].body.lower())

    def test_year_end_wizard(self):
        for employee in self.fillers:
            self.year_of(employee, [80] * 12)
        self.year_of(self.emp_staff, [95] * 12)
        Wizard = self.env["hr.kpi.rollup.year"].with_user(self.user_head)
        wizard = Wizard.create({"company_id": self.company.id, "year": 2026})
        wizard.action_compute()
        self.assertEqual(len(wizard.line_ids), 6)
        self.assertIn("1 excellent for a cap of 1", wizard.quota_summary)
        wizard.action_decide()
        self.assertEqual(set(wizard.line_ids.rollup_id.mapped("state")), {"decided"})
        self.assertEqual(self.get(self.emp_staff).level, "excellent")
        with self.assertRaises(AccessError):
            self.env["hr.kpi.rollup.year"].with_user(self.user_staff).create(
                {"company_id": self.company.id, "year": 2026}
            )

    def test_employee_sees_only_his_own(self):
        self.year_of(self.emp_staff, [80] * 12)
        self.year_of(self.emp_staff2, [80] * 12)
        self.compute()
        mine = self.search([], user=self.user_staff)
        self.assertTrue(mine)
        self.assertEqual(mine.employee_id, self.emp_staff)
        other = self.get(self.emp_staff2)
        with self.assertRaises(AccessError):
            other.with_user(self.user_staff).read(["score"])
        with self.assertRaises(AccessError):
            self.get(self.emp_staff).with_user(self.user_staff).write({"score": 100})
        with self.assertRaises(AccessError):
            self.get(self.emp_staff).with_user(self.user_staff).action_recompute()
        # the HR officer sees the company
        self.assertEqual(len(self.search([], user=self.user_hr)), len(mine) * 2)

    def test_lock_recomputes_only_the_employee(self):
        self.year_of(self.emp_staff, [80] * 11)
        months2 = self.year_of(self.emp_staff2, [80] * 11)
        self.compute()
        last = self.month(self.emp_staff, 12, 95, state="published")
        # a change that only a recomputation of Staff Two would pick up
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET total_score = 50 WHERE id = %s",
                months2[0].id,
            )
        )
        months2[0].invalidate_recordset()
        last.with_user(self.user_head).action_lock()
        self.assertEqual(self.get(self.emp_staff, 4).months_evaluated, 3)
        self.assertAlmostEqual(self.get(self.emp_staff, 4).score, 85.0)
        self.assertAlmostEqual(self.get(self.emp_staff2, 1).score, 80.0)
        self.compute()
        self.assertAlmostEqual(self.get(self.emp_staff2, 1).score, 70.0)


@tagged("post_install", "-at_install")
class TestKpiRollupFlags(RollupCommon):
    def test_fail_two_consecutive_quarters(self):
        # Q2 and Q3 not completed
        self.year_of(self.emp_staff, [80, 80, 80] + [40] * 6 + [80, 80, 80])
        # Q1 and Q3 not completed: not consecutive
        self.year_of(self.emp_staff2, [40, 40, 40, 80, 80, 80, 40, 40, 40, 80, 80, 80])
        self.compute()
        flagged = self.search([("flag_fail_quarters", "=", True)])
        self.assertEqual(flagged, self.get(self.emp_staff, 3))
        self.assertFalse(self.get(self.emp_staff, 2).flag_fail_quarters)
        self.assertTrue(flagged.has_flag)
        # HR is told
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "hr.kpi.rollup"), ("res_id", "=", flagged.id)]
        )
        self.assertEqual(activity.user_id, self.user_hr)

    def test_fail_two_years_in_a_row(self):
        self.year_of(self.emp_staff, [40] * 6 + [None] * 6, year=2025)
        self.year_of(self.emp_staff, [45] * 12)
        self.year_of(self.emp_staff2, [40] * 6 + [None] * 6, year=2025)
        self.year_of(self.emp_staff2, [75] * 12)
        self.compute(2025)
        self.compute(2026)
        self.assertEqual(self.get(self.emp_staff, year=2025).level, "fail")
        self.assertFalse(self.get(self.emp_staff, year=2025).flag_fail_years)
        self.assertTrue(self.get(self.emp_staff).flag_fail_years)
        self.assertFalse(self.get(self.emp_staff2).flag_fail_years)
        self.assertEqual(
            self.search([("flag_fail_years", "=", True)]),
            self.get(self.emp_staff),
        )

    def test_excellent_streak(self):
        self.year_of(self.emp_staff, [95] * 12)
        self.year_of(self.emp_staff2, [95] * 9 + [80] * 3)
        self.compute()
        # four excellent quarters in a row (rule set: 4)
        self.assertTrue(self.get(self.emp_staff, 4).flag_excellent_streak)
        self.assertFalse(self.get(self.emp_staff, 3).flag_excellent_streak)
        self.assertFalse(self.get(self.emp_staff2, 4).flag_excellent_streak)
        # a single excellent year is not a streak of years (rule set: 2)
        self.assertFalse(self.get(self.emp_staff).flag_excellent_streak)
        self.year_of(self.emp_staff, [95] * 12, year=2025)
        self.compute(2025)
        self.assertTrue(self.get(self.emp_staff).flag_excellent_streak)
        self.assertTrue(self.get(self.emp_staff, 1).flag_excellent_streak)

    def test_flag_clears_when_a_month_changes(self):
        months = self.year_of(self.emp_staff, [80, 80, 80] + [40] * 6 + [80, 80, 80])
        self.compute()
        self.assertTrue(self.get(self.emp_staff, 3).flag_fail_quarters)
        # an August month reopened and re-decided higher: Q3 is no longer failed
        for appraisal in months[6:9]:
            self.env.cr.execute(
                SQL(
                    "UPDATE hr_kpi_appraisal SET total_score = 80, "
                    "level_final = 'good' WHERE id = %s",
                    appraisal.id,
                )
            )
        self.env["hr.kpi.appraisal"].invalidate_model()
        self.compute()
        self.assertFalse(self.get(self.emp_staff, 3).flag_fail_quarters)
        self.assertFalse(self.search([("flag_fail_quarters", "=", True)]))


@tagged("post_install", "-at_install")
class TestKpiRollupDemo(KpiCommon):
    def test_demo_ward_has_a_classified_past_year(self):
        ward = self.env["res.company"].search([("name", "=", "UBND phường Hà Đông")])
        if not ward:
            self.skipTest("no demo data")
        year = date.today().year - 1
        Appraisal = self.env["hr.kpi.appraisal"]
        months = Appraisal._read_group(
            [
                ("company_id", "=", ward.id),
                ("period_start", ">=", date(year, 1, 1)),
                ("period_start", "<=", date(year, 12, 31)),
            ],
            ["state"],
            ["__count"],
        )
        self.assertEqual(dict(months).keys(), {"locked"})
        years = self.env["hr.kpi.rollup"].search(
            [("company_id", "=", ward.id), ("year", "=", year), ("quarter", "=", 0)]
        )
        self.assertGreater(len(years), 50)
        self.assertEqual(set(years.mapped("state")), {"decided"})
        self.assertEqual(set(years.mapped("months_evaluated")), {12})
        self.assertGreater(len(set(years.mapped("level"))), 1)
        # the ward's annual quota holds in every unit
        Quota = self.env["hr.kpi.quota"]
        for result in Quota._scope_results(Quota._scope(years)):
            self.assertLessEqual(result.count, result.cap)
        # a head sees the year's classification of his unit
        head = self.env["res.users"].search([("login", "=", "truongphong")])
        seen = (
            self.env["hr.kpi.rollup"]
            .with_user(head)
            .search([("year", "=", year), ("quarter", "=", 0)])
        )
        self.assertTrue(seen)
        self.assertLess(len(seen), len(years))
        # the crafted histories raise flags
        flagged = self.env["hr.kpi.rollup"].search(
            [("company_id", "=", ward.id), ("has_flag", "=", True)]
        )
        self.assertTrue(flagged.filtered("flag_fail_quarters"))
        self.assertTrue(flagged.filtered("flag_excellent_streak"))
