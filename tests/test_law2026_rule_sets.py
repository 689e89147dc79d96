"""The law of 2026: public employees under NĐ 233/2026 from 1/7/2026,
each rule with its source, the rules that lower a leader by his unit, and the
2026 roll-up across the two rule sets."""

from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KpiCommon
from .test_kpi_rollup import RollupCommon


@tagged("post_install", "-at_install")
class TestLaw2026RuleSets(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rs_nd233_shipped = cls.env.ref("l10n_vn_hr_kpi.rule_set_nd233_2026")
        # the company's own version (the shipped one may be frozen by the demo)
        cls.rs_nd233 = cls.rs_nd233_shipped.copy({"company_id": cls.company.id})
        cls.school = cls.env["hr.department"].create(
            {
                "name": "Primary school",
                "company_id": cls.company.id,
                "kpi_public_service_unit": True,
            }
        )
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.principal = Employee.create(
            {"name": "Principal", "department_id": cls.school.id}
        )
        cls.school.manager_id = cls.principal
        cls.vice = Employee.create(
            {
                "name": "Vice principal",
                "department_id": cls.school.id,
                "parent_id": cls.principal.id,
            }
        )
        cls.teacher = Employee.create(
            {
                "name": "Teacher",
                "department_id": cls.school.id,
                "parent_id": cls.principal.id,
            }
        )
        cls.june = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 6, 1)}
        )
        cls.july = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 7, 1)}
        )

    # ------------------------------------------------------------------
    # The rule set and its sources
    # ------------------------------------------------------------------

    def test_nd233_is_data_with_its_sources(self):
        rs = self.rs_nd233_shipped
        self.assertEqual(rs.code, "ND233_2026")
        self.assertEqual(rs.date_from, date(2026, 7, 1))
        self.assertEqual(rs.staff_category, "public_employee")
        self.assertEqual((rs.general_max, rs.task_max), (30.0, 70.0))
        self.assertEqual(
            (rs.threshold_excellent, rs.threshold_good, rs.threshold_done),
            (90.0, 70.0, 50.0),
        )
        self.assertEqual((rs.quota_percent, rs.quota_exception_percent), (20.0, 25.0))
        self.assertEqual(rs.quota_denominator, "good_excellent")
        self.assertTrue(rs.head_capped_by_unit and rs.unit_plan_rule)
        # its own criteria tree for public employees: 30 points in three groups
        leaves = rs.criterion_ids.filtered(
            lambda c: c.subject_group == "public_employee" and c.is_leaf
        )
        self.assertAlmostEqual(sum(leaves.mapped("max_points")), 30.0)
        self.assertEqual(len(leaves.parent_id), 3)
        # every rule of the issue carries its source, article and confidence
        sources = {s.field_id.name: s for s in rs.source_ids}
        for name in (
            "quota_denominator",
            "head_capped_by_unit",
            "unit_plan_rule",
            "unit_plan_min_percent",
            "rollup_fail_quarter_blocks_excellent",
            "appeal_days",
            "appeal_resolution_days",
            "not_evaluated_absence_days",
            "publish_scores",
            "rollup_transition_policy",
        ):
            self.assertIn(name, sources, name)
            self.assertTrue(sources[name].source)
        self.assertEqual(sources["head_capped_by_unit"].article, "Điều 12 khoản 7")
        self.assertEqual(sources["quota_denominator"].confidence, "secondary")
        self.assertIn("Hoàn thành tốt", sources["quota_denominator"].note)
        # the administrator sees at a glance what to check, and each value
        self.assertGreater(rs.source_check_count, 0)
        self.assertEqual(
            rs.source_check_count,
            len(rs.source_ids.filtered(lambda s: s.confidence != "confirmed")),
        )
        self.assertEqual(sources["unit_plan_min_percent"].value_display, "70.00")
        self.assertTrue(sources["head_capped_by_unit"].value_display)
        # the copy of a version keeps its sources
        self.assertEqual(len(self.rs_nd233.source_ids), len(rs.source_ids))

    def test_rule_set_picked_by_category_and_date(self):
        RuleSet = self.env["hr.kpi.rule.set"]
        # June: public employees are still under the month's rule set
        self.assertEqual(self.june._kpi_rule_set_for("public_employee"), self.rs_nd335)
        self.assertEqual(self.july._kpi_rule_set_for("public_employee"), self.rs_nd233)
        # civil servants and contract workers stay on NĐ 335 in July
        self.assertEqual(self.july._kpi_rule_set_for("civil_servant"), self.rs_nd335)
        self.assertEqual(self.july._kpi_rule_set_for("contract_worker"), self.rs_nd335)
        # the month's own rule set is never a category's
        self.assertEqual(self.july.rule_set_id, self.rs_nd335)
        # a draft is never in force
        draft = self.rs_nd233.copy(
            {
                "company_id": self.company.id,
                "status": "draft",
                "date_from": "2026-07-02",
            }
        )
        self.assertEqual(
            RuleSet._get_for_date(self.company, date(2026, 8, 1), "public_employee"),
            self.rs_nd233,
        )
        draft.status = "pilot"
        self.assertEqual(
            RuleSet._get_for_date(self.company, date(2026, 8, 1), "public_employee"),
            draft,
        )

    def test_rule_bounds(self):
        for vals in (
            {"appeal_days": 0},
            {"appeal_days": 61},
            {"appeal_resolution_days": 1000},
            {"not_evaluated_absence_days": 32},
            {"not_evaluated_service_days": -1},
            {"unit_plan_min_percent": 101.0},
        ):
            with self.assertRaises(ValidationError, msg=str(vals)):
                with self.env.cr.savepoint():
                    self.rs_nd233.write(vals)
        self.rs_nd233.write({"appeal_days": 7, "unit_plan_min_percent": 60.0})
        self.assertEqual(self.rs_nd233.appeal_days, 7)

    def test_staff_category_of_configurations(self):
        Config = self.env["hr.kpi.evaluation.config"]
        teacher = Config.create(
            {
                "employee_id": self.teacher.id,
                "subject_group": "public_employee",
                "date_start": date(2026, 6, 1),
            }
        )
        principal = Config.create(
            {
                "employee_id": self.principal.id,
                "subject_group": "leader_head",
                "date_start": date(2026, 6, 1),
            }
        )
        office_head = Config.create(
            {
                "employee_id": self.emp_head.id,
                "subject_group": "leader_head",
                "date_start": date(2026, 6, 1),
            }
        )
        self.assertEqual(teacher.staff_category, "public_employee")
        # the head of a public service unit is a public employee (viên chức
        # quản lý); the head of an administrative office is a civil servant
        self.assertEqual(principal.staff_category, "public_employee")
        self.assertEqual(office_head.staff_category, "civil_servant")

    def test_june_and_july_under_the_two_rule_sets(self):
        """A public employee's June stays on the former rule set, July is on
        NĐ 233, through the month-opening wizard as HR."""
        Config = self.env["hr.kpi.evaluation.config"]
        Config.create(
            {
                "employee_id": self.teacher.id,
                "subject_group": "public_employee",
                "date_start": date(2026, 6, 1),
                "evaluator_id": self.principal.id,
                "decider_id": self.principal.id,
            }
        )
        Config.create(
            {
                "employee_id": self.emp_staff.id,
                "subject_group": "civil_servant",
                "date_start": date(2026, 6, 1),
                "evaluator_id": self.emp_leader.id,
                "decider_id": self.emp_head.id,
            }
        )
        Appraisal = self.env["hr.kpi.appraisal"]
        for period in (self.june, self.july):
            wizard = (
                self.env["hr.kpi.period.open"]
                .with_user(self.user_hr)
                .create({"period_id": period.id})
            )
            wizard.action_open_month()

        def appraisal(employee, period):
            return Appraisal.search(
                [("employee_id", "=", employee.id), ("period_id", "=", period.id)]
            )

        teacher_june = appraisal(self.teacher, self.june)
        teacher_july = appraisal(self.teacher, self.july)
        self.assertEqual(teacher_june.rule_set_id, self.rs_nd335)
        self.assertEqual(teacher_july.rule_set_id, self.rs_nd233)
        self.assertEqual(teacher_july.staff_category, "public_employee")
        # July's criteria are NĐ 233's tree for public employees
        self.assertEqual(
            teacher_july.line_ids.criterion_id.rule_set_id, self.rs_nd233, "criteria"
        )
        self.assertAlmostEqual(sum(teacher_july.line_ids.mapped("max_points")), 30.0)
        self.assertEqual(
            appraisal(self.emp_staff, self.july).rule_set_id, self.rs_nd335
        )

    # ------------------------------------------------------------------
    # Demotion-only rules about the unit (NĐ 233 Điều 12)
    # ------------------------------------------------------------------

    def _leaders_month(self, staff_done):
        """The principal (excellent by points), his deputy (excellent by points)
        and a teacher whose task is done ``staff_done`` out of 40 in July; then
        the unit KPI of the school is computed."""
        rs = self.rs_nd233
        head = self.make_appraisal(
            self.principal,
            period=self.july,
            rule_set=rs,
            subject_group="leader_head",
            department_id=self.school.id,
        )
        deputy = self.make_appraisal(
            self.vice,
            period=self.july,
            rule_set=rs,
            subject_group="leader_deputy",
            department_id=self.school.id,
            evaluator_employee_id=self.principal.id,
        )
        for appraisal in head | deputy:
            self.set_general(appraisal, 30.0)
            appraisal.sudo().write({"kpi_cohesion": 100.0})
        deadline = date(2026, 7, 20)
        for leader in (self.principal, self.vice):
            self.make_task(leader, quantity=10, deadline=deadline)
        self.make_task(self.teacher, quantity=40, done=staff_done, deadline=deadline)
        unit = self.env["hr.kpi.unit.kpi"]._compute_for(self.school, self.july)
        (head | deputy).invalidate_recordset()
        return head, deputy, unit

    def test_head_not_above_his_unit(self):
        # the unit completes 50 of 60: 83.33 %, a collective level "good"
        head, deputy, unit = self._leaders_month(staff_done=30)
        self.assertAlmostEqual(unit.kpi_quantity, 83.33)
        self.assertEqual(unit.collective_level, "good")
        self.assertEqual(head.level_by_score, "excellent")
        self.assertEqual(head.level_computed, "good")
        self.assertIn("Điều 12 khoản 7", head.level_reasons)
        self.assertIn("Nghị định 233/2026/NĐ-CP", head.level_reasons)
        # a deputy is not capped by this rule
        self.assertEqual(deputy.level_computed, "excellent")
        # the decision cannot go above the lowered level
        self.assertEqual(head.level_decision, "good")
        # the rule is switchable: off, the head stays excellent
        self.rs_nd233.head_capped_by_unit = False
        head._kpi_recompute_scores()
        head.invalidate_recordset()
        self.assertEqual(head.level_computed, "excellent")

    def test_collective_level_decided_by_hr_caps_the_head(self):
        head, _deputy, unit = self._leaders_month(staff_done=40)
        self.assertEqual(unit.collective_level, "excellent")
        self.assertEqual(head.level_computed, "excellent")
        with self.assertRaises(AccessError):
            unit.with_user(self.user_head).write({"level_decided": "done"})
        unit.with_user(self.user_hr).write({"level_decided": "done"})
        head.invalidate_recordset()
        self.assertEqual(head.level_computed, "done")

    def test_unit_below_its_plan_lowers_its_leaders(self):
        # 20 + 19 of 60: 65 %, below the 70 % of the plan
        head, deputy, unit = self._leaders_month(staff_done=19)
        self.assertAlmostEqual(unit.kpi_quantity, 65.0)
        self.assertEqual(head.level_computed, "fail")
        self.assertEqual(deputy.level_computed, "good")
        # the figures in the reader's number format: "65 %"
        self.assertIn("65 %", head.level_reasons)
        self.assertIn("Điều 15 khoản 3 điểm b", head.level_reasons)
        self.assertIn("70 %", deputy.level_reasons)
        # switchable per rule set
        self.rs_nd233.write({"unit_plan_rule": False, "head_capped_by_unit": False})
        (head | deputy)._kpi_recompute_scores()
        (head | deputy).invalidate_recordset()
        self.assertEqual(head.level_computed, "excellent")
        self.assertEqual(deputy.level_computed, "excellent")

    def test_decided_leader_is_not_lowered_afterwards(self):
        """A unit recomputed after the head's month is decided leaves the
        decided month alone (a snapshot)."""
        head, deputy, unit = self._leaders_month(staff_done=40)
        self.assertEqual(head.level_computed, "excellent")
        self.env.cr.execute(
            "UPDATE hr_kpi_appraisal SET state = 'decided', level_final = "
            "'excellent' WHERE id = %s",
            [head.id],
        )
        head.invalidate_recordset()
        self.make_task(self.teacher, quantity=100, done=0, deadline=date(2026, 7, 25))
        # the deputy is lowered by the unit's plan, the decided head is not
        unit._recompute()
        head.invalidate_recordset()
        self.assertEqual(deputy.level_computed, "good")
        self.assertEqual(head.level_computed, "excellent")


@tagged("post_install", "-at_install")
class TestLaw2026Rollup(RollupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rs_nd233 = cls.env.ref("l10n_vn_hr_kpi.rule_set_nd233_2026").copy(
            {"company_id": cls.company.id}
        )

    def _transition_year(self, employee, rs_new, first=None, second=None):
        for month in range(1, 13):
            rule_set = self.rs_nd335 if month <= 6 else rs_new
            total = (first if month <= 6 else second) or 80
            self.month(employee, month, total, rule_set=rule_set)
        self.compute()
        return self.get(employee)

    def test_2026_lists_the_months_under_each_rule_set(self):
        year = self._transition_year(self.emp_staff, self.rs_nd233, 60, 90)
        self.assertEqual(year.rule_set_id, self.rs_nd233)
        self.assertEqual(
            year.rule_set_months,
            "ND335_2026: 1, 2, 3, 4, 5, 6; ND233_2026: 7, 8, 9, 10, 11, 12",
        )
        # the default counts every month: (6 × 60 + 6 × 90) / 12 = 75
        self.assertEqual(year.months_evaluated, 12)
        self.assertAlmostEqual(year.score, 75.0)
        self.assertEqual(year.months_other_rule_set, 0)

    def test_2026_counts_only_the_new_rule_set_when_it_says_so(self):
        rs = self.rs_nd233.copy({"rollup_transition_policy": "own"})
        year = self._transition_year(self.emp_staff, rs, 60, 90)
        self.assertEqual(year.months_evaluated, 6)
        self.assertEqual(year.months_other_rule_set, 6)
        self.assertAlmostEqual(year.score, 90.0)
        self.assertEqual(year.level_computed, "excellent")
        # a quarter wholly under the former rule set is its own result
        first = self.get(self.emp_staff, 1)
        self.assertEqual(first.rule_set_id, self.rs_nd335)
        self.assertEqual(first.months_evaluated, 3)

    def test_a_quarter_not_completed_bars_excellent_for_leaders_only(self):
        rs = self.rs_nd233.copy(
            {
                "rollup_fail_month_blocks_excellent": False,
                "rollup_fail_blocks_scope": "leaders",
            }
        )
        # January at 40 (Feb, March not evaluated), then nine months at 100
        totals = [40, None, None] + [100] * 9
        self.year_of(self.emp_staff, totals, rule_set=rs)
        leader_months = self.year_of(self.emp_leader, totals, rule_set=rs)
        self.env.cr.execute(
            "UPDATE hr_kpi_appraisal SET subject_group = 'leader_deputy', "
            "is_leader = TRUE WHERE id = ANY(%s)",
            [[a.id for a in leader_months]],
        )
        self.env.invalidate_all()
        self.compute()
        staff, leader = self.get(self.emp_staff), self.get(self.emp_leader)
        self.assertEqual(staff.quarters_fail, 1)
        self.assertEqual(leader.quarters_fail, 1)
        # staff: optional, off here; a leader: barred
        self.assertEqual(staff.level_computed, "excellent")
        self.assertEqual(leader.level_by_score, "excellent")
        self.assertEqual(leader.level_computed, "good")
        self.assertIn("quarter", leader.level_reasons)
        # "everyone" (the default) bars the staff member too: TestKpiRollup
        # test_quarter_not_completed_bars_excellent_year


@tagged("post_install", "-at_install")
class TestLaw2026Screens(KpiCommon):
    def test_rule_set_form_shows_each_rule_with_its_source(self):
        arch = self.env["hr.kpi.rule.set"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        for name in ("source_ids", "confidence", "article", "value_display"):
            self.assertIn(f'name="{name}"', arch)
        self.assertIn("source_check_count", arch)

    def test_onestop_import_cites_its_basis(self):
        arch = self.env.ref("l10n_vn_hr_kpi.hr_kpi_onestop_import_view_form").arch
        self.assertIn("Nghị định 118/2025/NĐ-CP", arch)
        self.assertIn("Thông tư 03/2025/TT-VPCP", arch)


@tagged("post_install", "-at_install")
class TestLaw2026Demo(KpiCommon):
    def test_demo_schools_switch_to_nd233_in_july_2026(self):
        ward = self.env.ref("l10n_vn_hr_kpi.res_company_ward_demo")
        schools = self.env.ref("l10n_vn_hr_kpi.dept_mn_demo") | self.env.ref(
            "l10n_vn_hr_kpi.dept_thcs_demo"
        )
        Appraisal = self.env["hr.kpi.appraisal"]

        def codes(month, category="public_employee"):
            appraisals = Appraisal.search(
                [
                    ("company_id", "=", ward.id),
                    ("department_id", "in", schools.ids),
                    ("staff_category", "=", category),
                    ("period_start", "=", date(2026, month, 1)),
                ]
            )
            self.assertTrue(appraisals, f"the schools' month {month}/2026")
            return set(appraisals.mapped("rule_set_id.code"))

        self.assertEqual(codes(6), {"ND335_2026"})
        for month in (7, 8, 9, 10, 11):
            self.assertEqual(codes(month), {"ND233_2026"}, month)
        # the schools' contract workers are not public employees
        self.assertEqual(codes(7, "contract_worker"), {"ND335_2026"})
        # the civil servants stay under NĐ 335
        office = Appraisal.search(
            [
                ("company_id", "=", ward.id),
                ("staff_category", "=", "civil_servant"),
                ("period_start", "=", date(2026, 7, 1)),
            ]
        )
        self.assertTrue(office)
        self.assertEqual(set(office.mapped("rule_set_id.code")), {"ND335_2026"})
        # the 2026 result of a teacher lists both rule sets
        rollup = self.env["hr.kpi.rollup"].search(
            [
                ("company_id", "=", ward.id),
                ("year", "=", 2026),
                ("quarter", "=", 0),
                ("department_id", "in", schools.ids),
                ("rule_set_id.code", "=", "ND233_2026"),
            ],
            limit=1,
        )
        self.assertIn("ND335_2026", rollup.rule_set_months)
        self.assertIn("ND233_2026", rollup.rule_set_months)

    def test_demo_correction_and_appeal_across_holidays(self):
        ward = self.env.ref("l10n_vn_hr_kpi.res_company_ward_demo")
        Appraisal = self.env["hr.kpi.appraisal"]
        corrected = Appraisal.search(
            [("company_id", "=", ward.id), ("correction_ref", "=", "45/QĐ-UBND")]
        )
        self.assertEqual(len(corrected), 1)
        self.assertEqual(corrected.period_start, date(2026, 9, 1))
        self.assertEqual(corrected.version, 2)
        original = corrected.with_context(active_test=False).original_id
        self.assertFalse(original.active)
        self.assertEqual(original.superseded_by_id, corrected)
        self.assertEqual(original.state, "locked")
        # the appeal of March, across Giỗ Tổ (27/4) and 30/4–1/5
        appealed = Appraisal.search(
            [
                ("company_id", "=", ward.id),
                ("period_start", "=", date(2026, 3, 1)),
                ("appeal_result", "=", "rejected"),
            ]
        )
        self.assertEqual(len(appealed), 1)
        self.assertEqual(appealed.published_date, date(2026, 4, 24))
        self.assertEqual(appealed.appeal_deadline, date(2026, 5, 6))
        self.assertEqual(appealed.appeal_date.date(), date(2026, 5, 6))


@tagged("post_install", "-at_install")
class TestLaw2026AgencySummary(KpiCommon):
    def test_02a_counts_only_the_months_evaluated(self):
        rated = self.make_appraisal(
            self.emp_staff, decider_employee_id=self.emp_head.id
        )
        away = self.make_appraisal(
            self.emp_staff2, decider_employee_id=self.emp_head.id
        )
        away.with_user(self.user_hr)._do_mark_not_evaluated(
            "maternity", "Maternity leave from 2/5 to 31/10"
        )
        self.assertEqual(away.state, "not_evaluated")
        data = self.env["report.l10n_vn_hr_kpi.report_agency_summary"]._get_form_data(
            self.period
        )
        (row,) = [r for r in data["rows"] if r["unit"] == self.department.name]
        self.assertEqual(row["count"], 1)
        self.assertEqual(row["not_evaluated"], 1)
        level = rated.level_decision
        shares = {lvl["key"]: lvl["percent"] for lvl in row["levels"]}
        self.assertEqual(shares[level], 100.0)
        self.assertEqual(data["total"], 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "l10n_vn_hr_kpi.action_report_agency_summary", self.period.ids
            )[0]
            .decode()
        )
        self.assertIn("1 không đánh giá", html)
