from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_appraisal import SCORE_FIELDS

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiScoring(KpiCommon):
    """Worked cases computed by hand (NĐ 335/2025 Điều 14 and Điều 20).

    After each case, a month recomputed from plain rows (the city-scale path,
    ``hr.kpi.engine._scores_of``) must give every score the fields stored."""

    def tearDown(self):
        self.assertRowsEqualFields()
        super().tearDown()

    def assertRowsEqualFields(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        self.env.flush_all()
        appraisals = Appraisal.search([("company_id", "=", self.company.id)])
        scores = self.env["hr.kpi.engine"]._scores_of(
            appraisals._kpi_recompute_order(), {}
        )
        self.assertEqual(set(scores), set(appraisals.ids))
        for appraisal in appraisals:
            for fname in sorted(SCORE_FIELDS):
                field = Appraisal._fields[fname]
                self.assertEqual(
                    field.convert_to_cache(scores[appraisal.id][fname], appraisal),
                    field.convert_to_cache(appraisal[fname], appraisal),
                    f"{appraisal.employee_id.name}: {fname}",
                )

    def assertScores(self, appraisal, **expected):
        for fname, value in expected.items():
            if isinstance(value, float):
                self.assertAlmostEqual(appraisal[fname], value, places=2, msg=fname)
            else:
                self.assertEqual(appraisal[fname], value, fname)

    # ------------------------------------------------------------------
    # Task block
    # ------------------------------------------------------------------

    def test_worked_example_spec(self):
        """NĐ 335 Điều 14: T1 k=1 q=4 n=4 p=4; T2 k=2 q=1 n=1 p=1 one delay; T3 k=1.5
        q=2 n=2 p=2 two major errors; T4 k=1 q=1 not done.
        Σassigned = 4 + 2 + 3 + 1 = 10
        a = (4 + 2 + 3 + 0) / 10 = 90 %
        b = (4 + 2 + 3 × (1 − 2 × 0.25) + 0) / 10 = 7.5 / 10 = 75 %
        c = (4 + 2 × (1 − 0.25) + 3 + 0) / 10 = 8.5 / 10 = 85 %
        KPI = (90 + 75 + 85) / 3 = 83.333… → 83.33 %;
        task points = 83.333 × 0.7 = 58.33."""
        self.make_task(self.emp_staff, self.product_std, 4)
        # one delay from the dates: done two days after the deadline
        self.make_task(self.emp_staff, self.product_k2, 1, date_done=date(2026, 5, 22))
        self.make_task(self.emp_staff, self.product_k15, 2, errors=2)
        self.make_task(self.emp_staff, self.product_std, 1, done=0)
        appraisal = self.make_appraisal(self.emp_staff)
        self.assertScores(
            appraisal,
            kpi_assigned_quantity=10.0,
            kpi_quantity=90.0,
            kpi_quality=75.0,
            kpi_progress=85.0,
            kpi_percent=83.33,
            task_score=58.33,
            task_counted_count=4,
            task_delay_count=1,
        )
        # with 25 general points: 83.33 → good (70 ≤ 83.33 < 90)
        self.set_general(appraisal, 25.0)
        self.assertScores(appraisal, general_score=25.0, total_score=83.33)
        self.assertEqual(appraisal.level_computed, "good")

    def test_deductions_per_occurrence_per_product_floored(self):
        """Deductions are 25 % per occurrence, per product, floored at 0.
        T1 k=1 q=2 n=2 p=2, 5 major errors → quality 2 × max(0, 1 − 1.25) = 0
        T2 k=2 q=1 n=1 p=1, 4 delays → progress 2 × max(0, 1 − 1) = 0
        T3 k=1 q=1 n=1 p=1, 1 error and 1 delay → quality 0.75, progress 0.75
        T4 k=1 q=1 on time, no error → 1 and 1
        Σassigned = 2 + 2 + 1 + 1 = 6
        a = 6/6 = 100 %; b = (0 + 2 + 0.75 + 1)/6 = 62.5 %;
        c = (2 + 0 + 0.75 + 1)/6 = 62.5 %
        KPI = (100 + 62.5 + 62.5)/3 = 75 %; task points = 52.50."""
        self.make_task(self.emp_staff, self.product_std, 2, errors=5)
        self.make_task(self.emp_staff, self.product_k2, 1, delays=4)
        self.make_task(self.emp_staff, self.product_std, 1, errors=1, delays=1)
        self.make_task(self.emp_staff, self.product_std, 1)
        appraisal = self.make_appraisal(self.emp_staff)
        self.assertScores(
            appraisal,
            kpi_quantity=100.0,
            kpi_quality=62.5,
            kpi_progress=62.5,
            kpi_percent=75.0,
            task_score=52.5,
            task_delay_count=5,
        )

    def test_exemption_cancels_deduction(self):
        """T1 k=2 q=1 one delay, T2 k=1 q=2 one major error. Without exemption:
        a = 100, b = (2 + 2 × 0.75)/4 = 87.5, c = (2 × 0.75 + 2)/4 = 87.5.
        An exemption of the delay restores c = 100 but not b; then one covering
        both restores b = 100 too."""
        t1 = self.make_task(self.emp_staff, self.product_k2, 1, delays=1)
        t2 = self.make_task(self.emp_staff, self.product_std, 2, errors=1)
        appraisal = self.make_appraisal(self.emp_staff)
        self.assertScores(appraisal, kpi_quality=87.5, kpi_progress=87.5)
        t1.write(
            {
                "exemption": True,
                "exemption_scope": "delay",
                "exemption_reason": "Storm: offices closed by order",
                "exemption_certifier_id": self.emp_head.id,
            }
        )
        self.assertScores(
            appraisal, kpi_quality=87.5, kpi_progress=100.0, task_delay_count=0
        )
        # an exemption of delays does not cover errors
        t2.write(
            {
                "exemption": True,
                "exemption_scope": "delay",
                "exemption_reason": "Late data from the district",
                "exemption_certifier_id": self.emp_head.id,
            }
        )
        self.assertScores(appraisal, kpi_quality=87.5)
        t2.exemption_scope = "both"
        self.assertScores(
            appraisal, kpi_quality=100.0, kpi_percent=100.0, task_score=70.0
        )

    def test_outcome_change_updates_appraisal(self):
        """Changing a task's outcome updates the stored scores, no button needed."""
        task = self.make_task(self.emp_staff, self.product_std, 4)
        appraisal = self.make_appraisal(self.emp_staff)
        self.assertScores(appraisal, kpi_quality=100.0, task_score=70.0)
        # one major error: b = 4 × 0.75 / 4 = 75 %; KPI = 275/3 = 91.67; task = 64.17
        task.major_error_count = 1
        self.assertScores(
            appraisal, kpi_quality=75.0, kpi_percent=91.67, task_score=64.17
        )
        # a task whose deadline moves to June leaves the May appraisal
        task.deadline = date(2026, 6, 5)
        self.assertFalse(task.appraisal_id)
        self.assertTrue(appraisal.zero_assignment)

    def test_tasks_link_when_appraisal_created_later_and_period_created_later(self):
        june_task = self.make_task(
            self.emp_staff, self.product_std, 2, deadline=date(2026, 6, 10)
        )
        self.assertFalse(june_task.period_id)
        june = self.env["hr.kpi.period"].create(
            {"company_id": self.company.id, "date_start": date(2026, 6, 1)}
        )
        self.assertEqual(june_task.period_id, june)
        appraisal = self.make_appraisal(self.emp_staff, june)
        self.assertEqual(june_task.appraisal_id, appraisal)
        self.assertScores(appraisal, kpi_assigned_quantity=2.0, task_score=70.0)

    def test_zero_assignment_flag_and_full_policy(self):
        appraisal = self.make_appraisal(self.emp_staff)
        self.assertTrue(appraisal.zero_assignment)
        self.assertTrue(appraisal.needs_attention)
        self.assertScores(appraisal, kpi_quantity=0.0, task_score=0.0)
        # the evaluator resolves it as fully completed: a = b = c = 100
        appraisal.zero_assignment_resolution = "full"
        self.assertFalse(appraisal.needs_attention)
        self.assertScores(appraisal, kpi_percent=100.0, task_score=70.0)
        # a rule set whose policy is "full" needs no resolution
        rule_set = self.rs_nd335.copy({"zero_assignment_policy": "full"})
        other = self.make_appraisal(self.emp_staff2, rule_set=rule_set)
        self.assertTrue(other.zero_assignment)
        self.assertFalse(other.needs_attention)
        self.assertScores(other, task_score=70.0)

    def test_adhoc_tasks_count_once_confirmed(self):
        """An ad-hoc task declared by the assignee counts in both assigned and
        completed only once the assigner confirms it."""
        self.make_task(self.emp_staff, self.product_std, 2)
        appraisal = self.make_appraisal(self.emp_staff)
        adhoc = (
            self.env["hr.kpi.task"]
            .with_user(self.user_staff)
            .create(
                {
                    "name": "Urgent flood report",
                    "employee_id": self.emp_staff.id,
                    "product_id": self.product_k2.id,
                    "quantity": 1,
                    "deadline": self.deadline,
                    "origin": "adhoc",
                    "completed_quantity": 1,
                    "date_done": self.deadline,
                }
            )
        )
        self.assertFalse(adhoc.assignment_confirmed)
        self.assertFalse(adhoc.is_counted)
        self.assertScores(appraisal, kpi_assigned_quantity=2.0, task_counted_count=1)
        adhoc.with_user(self.user_leader).action_confirm_outcome()
        # Σassigned = 2 + 1 × 2 = 4, all done on time with quality
        self.assertScores(
            appraisal, kpi_assigned_quantity=4.0, kpi_done_quantity=4.0, task_score=70.0
        )

    # ------------------------------------------------------------------
    # Leaders: (a + b + c + d + đ + e) / 6
    # ------------------------------------------------------------------

    def test_leader_with_one_subordinate_failing(self):
        """Leader: a = b = c = 100, đ = e = 100; the only person evaluated is at
        KHTNV → d = 50 %: KPI = (300 + 50 + 200)/6 = 91.67; task = 64.17.
        When the subordinate rises to HTNV, d = 100 % without any button."""
        self.make_task(self.emp_leader, self.product_std, 1)
        leader = self.make_appraisal(
            self.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=self.emp_head.id,
        )
        self.assertTrue(leader.is_leader)
        self.assertScores(leader, kpi_unit_result=100.0, kpi_percent=100.0)
        # the subordinate: nothing done → fail
        sub_task = self.make_task(self.emp_staff, self.product_std, 1, done=0)
        sub = self.make_appraisal(
            self.emp_staff, evaluator_employee_id=self.emp_leader.id
        )
        self.assertEqual(sub.leader_appraisal_id, leader)
        self.assertEqual(sub.level_computed, "fail")
        self.assertScores(
            leader, kpi_unit_result=50.0, kpi_percent=91.67, task_score=64.17
        )
        # the subordinate completes the task: 70 task points → good (≥ 70)
        sub_task.write({"completed_quantity": 1, "date_done": self.deadline})
        sub_task.action_confirm_outcome()
        self.assertEqual(sub.level_computed, "good")
        self.assertScores(
            leader, kpi_unit_result=100.0, kpi_percent=100.0, task_score=70.0
        )
        # đ and e are inputs: e = 50 → KPI = (500 + 50)/6 = 91.67
        leader.kpi_cohesion = 50.0
        self.assertScores(leader, kpi_percent=91.67)

    def test_leader_chain_propagates_two_levels(self):
        """Head ← deputy ← staff: a staff member failing lowers the deputy's d,
        which may change the deputy's level and so the head's d."""
        head = self.make_appraisal(self.emp_head, subject_group="leader_head")
        self.make_task(self.emp_head, self.product_std, 1)
        deputy = self.make_appraisal(
            self.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=self.emp_head.id,
        )
        staff = self.make_appraisal(
            self.emp_staff, evaluator_employee_id=self.emp_leader.id
        )
        self.assertEqual(deputy.leader_appraisal_id, head)
        self.assertEqual(staff.leader_appraisal_id, deputy)
        # deputy: nothing assigned (flag → a = b = c = 0), d = 50 (staff fails),
        # KPI = (0 + 50 + 200)/6 = 41.67 → task 29.17 → fail; head: d = 50
        self.assertEqual(staff.level_computed, "fail")
        self.assertScores(deputy, kpi_unit_result=50.0, kpi_percent=41.67)
        self.assertEqual(deputy.level_computed, "fail")
        self.assertScores(head, kpi_unit_result=50.0)
        # the deputy's zero assignment is resolved as full: KPI = (300 + 50 + 200)/6
        # = 91.67 → 64.17 points → done; the head's d becomes 100
        deputy.zero_assignment_resolution = "full"
        self.assertEqual(deputy.level_computed, "done")
        self.assertScores(head, kpi_unit_result=100.0)

    def test_leader_with_nobody_evaluated(self):
        self.make_task(self.emp_leader, self.product_std, 1)
        leader = self.make_appraisal(self.emp_leader, subject_group="leader_head")
        self.assertScores(leader, kpi_unit_result=100.0, kpi_percent=100.0)

    # ------------------------------------------------------------------
    # Thresholds and rounding
    # ------------------------------------------------------------------

    def _appraisal_with_task_score_69_97(self, employee):
        """c = (994 + 6 × 0.75)/1000 = 99.85 %, KPI = (100 + 100 + 99.85)/3
        = 99.95 %, task points = 99.95 × 0.7 = 69.965 → 69.97 (half up)."""
        self.make_task(employee, self.product_std, 994)
        self.make_task(employee, self.product_std, 6, delays=1)
        appraisal = self.make_appraisal(employee)
        self.assertScores(
            appraisal, kpi_progress=99.85, kpi_percent=99.95, task_score=69.97
        )
        return appraisal

    def test_boundaries_after_rounding(self):
        engine = self.env["hr.kpi.engine"]
        self.assertEqual(engine._level_from_score(89.995, self.rs_nd335), "excellent")
        self.assertEqual(engine._level_from_score(89.994, self.rs_nd335), "good")
        self.assertEqual(engine._level_from_score(90.0, self.rs_nd335), "excellent")
        self.assertEqual(engine._level_from_score(69.99, self.rs_nd335), "done")
        self.assertEqual(engine._level_from_score(69.995, self.rs_nd335), "good")
        self.assertEqual(engine._level_from_score(50.0, self.rs_nd335), "done")
        self.assertEqual(engine._level_from_score(49.99, self.rs_nd335), "fail")

        # 20.03 + 69.965 = 89.995 → 90.00 → excellent
        appraisal = self._appraisal_with_task_score_69_97(self.emp_staff)
        self.set_general(appraisal, 20.03)
        self.assertScores(appraisal, total_score=90.0)
        self.assertEqual(appraisal.level_computed, "excellent")
        # 20.02 + 69.97 = 89.99 → good
        self.set_general(appraisal, 20.02)
        self.assertScores(appraisal, total_score=89.99)
        self.assertEqual(appraisal.level_computed, "good")
        # 0.02 + 69.97 = 69.99 → done
        self.set_general(appraisal, 0.02)
        self.assertScores(appraisal, total_score=69.99)
        self.assertEqual(appraisal.level_computed, "done")
        # 0.03 + 69.97 = 70.00 → good
        self.set_general(appraisal, 0.03)
        self.assertScores(appraisal, total_score=70.0)
        self.assertEqual(appraisal.level_computed, "good")
        # 0.02 + 69.97 − 20 (approved deduction) = 49.99 → fail; 50.00 → done
        self.set_general(appraisal, 0.02)
        deduction = self.env["hr.kpi.adjustment"].create(
            {
                "appraisal_id": appraisal.id,
                "adjustment_type": "deduction",
                "points": 20.0,
                "reason": "Inspection finding",
            }
        )
        self.assertScores(appraisal, total_score=69.99)  # not approved yet
        deduction.action_approve()
        self.assertScores(appraisal, adjustment_score=-20.0, total_score=49.99)
        self.assertEqual(appraisal.level_computed, "fail")
        self.set_general(appraisal, 0.03)
        self.assertScores(appraisal, total_score=50.0)
        self.assertEqual(appraisal.level_computed, "done")

    def test_bonus_capped_at_zero_under_nd335(self):
        appraisal = self.make_appraisal(
            self.emp_staff, zero_assignment_resolution="full"
        )
        self.set_general(appraisal, 10.0)
        bonus = self.env["hr.kpi.adjustment"].create(
            {
                "appraisal_id": appraisal.id,
                "adjustment_type": "bonus",
                "points": 5.0,
                "reason": "Initiative",
            }
        )
        bonus.action_approve()
        self.assertScores(appraisal, adjustment_bonus=0.0, total_score=80.0)

    # ------------------------------------------------------------------
    # Vetoes: NĐ 335/2025 Điều 20 khoản 4
    # ------------------------------------------------------------------

    def _excellent(self, employee, **vals):
        self.make_task(employee, self.product_std, 2)
        appraisal = self.make_appraisal(employee, **vals)
        self.set_general(appraisal, 30.0 if not appraisal.is_leader else 30.0)
        self.assertEqual(appraisal.level_computed, "excellent")
        return appraisal

    def _event(self, employee, event_type, day, ref="QĐ 12/QĐ-UBND"):
        return self.env["hr.kpi.employee.event"].create(
            {
                "employee_id": employee.id,
                "event_type": event_type,
                "date": day,
                "decision_ref": ref,
                "discipline_form": "reprimand" if event_type == "discipline" else False,
            }
        )

    def test_veto_discipline(self):
        appraisal = self._excellent(self.emp_staff)
        # a reprimand decided in June does not affect May
        event = self._event(self.emp_staff, "discipline", date(2026, 6, 3))
        self.assertEqual(appraisal.level_computed, "excellent")
        # decided in April (same year): applies to May
        event.date = date(2026, 4, 20)
        self.assertTrue(appraisal.is_vetoed)
        self.assertEqual(appraisal.level_by_score, "excellent")
        self.assertEqual(appraisal.level_computed, "fail")
        self.assertIn("NĐ 335/2025 Điều 20 khoản 4 điểm c", appraisal.level_reasons)
        self.assertIn("QĐ 12/QĐ-UBND", appraisal.level_reasons)
        # decided in the previous year: no longer applies
        event.date = date(2025, 12, 10)
        self.assertFalse(appraisal.is_vetoed)
        self.assertEqual(appraisal.level_computed, "excellent")

    def test_veto_degradation(self):
        appraisal = self._excellent(self.emp_staff)
        self._event(self.emp_staff, "degradation", date(2026, 5, 31))
        self.assertEqual(appraisal.level_computed, "fail")
        self.assertIn("NĐ 335/2025 Điều 20 khoản 4 điểm b", appraisal.level_reasons)

    def test_veto_corruption_leaders_only(self):
        staff = self._excellent(self.emp_staff)
        leader = self._excellent(self.emp_leader, subject_group="leader_deputy")
        self._event(self.emp_staff, "corruption", date(2026, 1, 15))
        self._event(self.emp_leader, "corruption", date(2026, 1, 15))
        self.assertEqual(staff.level_computed, "excellent")
        self.assertEqual(leader.level_computed, "fail")
        self.assertIn("NĐ 335/2025 Điều 20 khoản 4 điểm d", leader.level_reasons)

    def test_vetoes_off_in_rule_set(self):
        appraisal = self._excellent(
            self.emp_staff, rule_set=self.rs_nd335.copy({"apply_vetoes": False})
        )
        self._event(self.emp_staff, "discipline", date(2026, 5, 2))
        self.assertEqual(appraisal.level_computed, "excellent")

    # ------------------------------------------------------------------
    # QĐ 366-QĐ/TW Điều 11 (rule set HN_11_2026)
    # ------------------------------------------------------------------

    def test_qd366_excellent_needs_exceeded_share(self):
        """All 4 tasks perfect, 1 exceeding (25 % < 30 %): excellent → good.
        With 2 exceeding (50 %): excellent stays."""
        tasks = [self.make_task(self.emp_staff, self.product_std, 1) for _i in range(4)]
        tasks[0].exceeded_requirement = True
        appraisal = self.make_appraisal(self.emp_staff, rule_set=self.rs_hn11)
        self.set_general(appraisal, 30.0)
        self.assertEqual(appraisal.level_by_score, "excellent")
        self.assertEqual(appraisal.level_computed, "good")
        self.assertIn("QĐ 366-QĐ/TW Điều 11", appraisal.level_reasons)
        tasks[1].exceeded_requirement = True
        self.assertEqual(appraisal.level_computed, "excellent")
        self.assertFalse(appraisal.level_reasons)

    def test_qd366_one_level_at_a_time(self):
        """T1 q=10 perfect and exceeding, T2 q=1 one delay.
        c = (10 + 0.75)/11 = 97.73 %; KPI = (100 + 100 + 97.727)/3 = 99.24 %;
        task = 69.47; total = 30 + 69.47 = 99.47 → excellent by points.
        Not every task on time: excellent → good (condition of excellence), then
        good → done (condition of good): two reasons."""
        self.make_task(self.emp_staff, self.product_std, 10, exceeded_requirement=True)
        self.make_task(self.emp_staff, self.product_std, 1, delays=1)
        appraisal = self.make_appraisal(self.emp_staff, rule_set=self.rs_hn11)
        self.set_general(appraisal, 30.0)
        self.assertScores(
            appraisal, kpi_percent=99.24, task_score=69.47, total_score=99.47
        )
        self.assertEqual(appraisal.level_by_score, "excellent")
        self.assertEqual(appraisal.level_computed, "done")
        self.assertEqual(len(appraisal.level_reason_data), 2)
        self.assertEqual(
            [(r["from"], r["to"]) for r in appraisal.level_reason_data],
            [("excellent", "good"), ("good", "done")],
        )

    def test_qd366_good_needs_all_on_time_with_quality(self):
        """T1 q=3 perfect, T2 q=1 one major error: b = (3 + 0.75)/4 = 93.75 %,
        KPI = 97.92 %, task 68.54; general 15 → 83.54 → good by points, lowered
        to done; the same under NĐ 335 stays good."""
        self.make_task(self.emp_staff, self.product_std, 3)
        self.make_task(self.emp_staff, self.product_std, 1, errors=1)
        hn11 = self.make_appraisal(self.emp_staff, rule_set=self.rs_hn11)
        self.set_general(hn11, 15.0)
        self.assertScores(hn11, kpi_quality=93.75, task_score=68.54, total_score=83.54)
        self.assertEqual(hn11.level_computed, "done")
        self.assertEqual(hn11.level_reason_data[0]["code"], "qd366_good")
        hn11.rule_set_id = self.rs_nd335
        self.set_general(hn11, 15.0)
        self.assertEqual(hn11.level_computed, "good")

    def test_qd366_done_is_not_lowered(self):
        self.make_task(self.emp_staff, self.product_std, 1, delays=1)
        appraisal = self.make_appraisal(self.emp_staff, rule_set=self.rs_hn11)
        # c = 75, KPI = 91.67, task 64.17, no general points → 64.17 → done
        self.assertEqual(appraisal.level_computed, "done")
        self.assertFalse(appraisal.level_reason_data)

    # ------------------------------------------------------------------
    # Legacy rule set HN_3814_2018: 20 / 70 / +10, letters
    # ------------------------------------------------------------------

    def test_legacy_3814(self):
        """General max 20, task 70, bonus up to 10: 18 + 70 + min(12, 10) = 98 → A.
        Without bonus: 18 + 70 = 88 → B."""
        period_2024 = self.env["hr.kpi.period"].create(
            {"company_id": self.company.id, "date_start": date(2024, 5, 1)}
        )
        self.assertEqual(period_2024.rule_set_id, self.rs_hn3814)
        self.make_task(self.emp_staff, self.product_std, 3, deadline=date(2024, 5, 15))
        appraisal = self.make_appraisal(self.emp_staff, period_2024)
        self.assertEqual(appraisal.rule_set_id, self.rs_hn3814)
        self.assertEqual(sum(appraisal.line_ids.mapped("max_points")), 20.0)
        self.set_general(appraisal, 18.0)
        self.assertScores(
            appraisal, general_score=18.0, task_score=70.0, total_score=88.0
        )
        self.assertEqual(appraisal.level_computed, "good")
        self.assertEqual(self.rs_hn3814._get_level_label("good")[:1], "B")
        bonus = self.env["hr.kpi.adjustment"].create(
            {
                "appraisal_id": appraisal.id,
                "adjustment_type": "bonus",
                "points": 12.0,
                "reason": "Emulation award",
            }
        )
        bonus.action_approve()
        self.assertScores(appraisal, adjustment_bonus=10.0, total_score=98.0)
        self.assertEqual(appraisal.level_computed, "excellent")
        self.assertEqual(
            self.rs_hn3814._get_level_label(appraisal.level_computed)[:1], "A"
        )

    # ------------------------------------------------------------------
    # Scores are never writable
    # ------------------------------------------------------------------

    def test_scores_not_writable(self):
        appraisal = self.make_appraisal(
            self.emp_staff, evaluator_employee_id=self.emp_leader.id
        )
        for fname, value in (
            ("total_score", 100.0),
            ("level_computed", "excellent"),
            ("kpi_quantity", 100.0),
            ("kpi_unit_result", 100.0),
            ("general_score", 30.0),
        ):
            with self.assertRaises(UserError):
                appraisal.with_user(self.user_leader).write({fname: value})
            with self.assertRaises(UserError):
                appraisal.with_user(self.user_hr).write({fname: value})
        with self.assertRaises(UserError):
            appraisal.sudo().write({"total_score": 100.0})
        with self.assertRaises(UserError):
            self.env["hr.kpi.appraisal"].create(
                {
                    "employee_id": self.emp_staff2.id,
                    "period_id": self.period.id,
                    "total_score": 95.0,
                }
            )
        # the inputs remain writable
        appraisal.with_user(self.user_leader).write({"level_proposed": "good"})
        self.assertEqual(appraisal.level_proposed, "good")

    def test_criterion_lines_from_rule_set(self):
        staff = self.make_appraisal(self.emp_staff)
        self.assertEqual(len(staff.line_ids), 6)
        self.assertEqual(sum(staff.line_ids.mapped("max_points")), 30.0)
        contract = self.make_appraisal(self.emp_staff2, subject_group="contract_worker")
        self.assertEqual(
            sorted(contract.line_ids.mapped("max_points")), [5.0, 10.0, 15.0]
        )
        contract.subject_group = "leader_deputy"
        self.assertEqual(len(contract.line_ids), 7)
        # evaluator and final points follow the self score until changed
        line = staff.line_ids[0]
        line.self_points = 4.0
        self.assertEqual(line.final_points, 4.0)
        self.assertEqual(line._get_missing_comment_stages(), ["self", "evaluator"])
        line.evaluator_points = 5.0
        self.assertEqual(line.final_points, 5.0)
        line.final_points = 6.0
        self.assertEqual(staff.general_score, 6.0)
        self.assertEqual(staff.general_self_score, 4.0)
        self.assertEqual(staff.general_evaluator_score, 5.0)

    def test_form_create_and_employee_view(self):
        """Create from the form (onchange on new records), then read what the
        form shows as the employee."""
        self.make_task(self.emp_staff, self.product_std, 2)
        with Form(self.env["hr.kpi.appraisal"].with_user(self.user_hr)) as form:
            form.employee_id = self.emp_staff
            form.period_id = self.period
            form.evaluator_employee_id = self.emp_leader
        appraisal = form.record
        self.assertEqual(appraisal.rule_set_id, self.rs_nd335)
        self.assertEqual(appraisal.task_score, 70.0)
        self.assertEqual(len(appraisal.line_ids), 6)
        view = (
            self.env["hr.kpi.appraisal"]
            .with_user(self.user_staff)
            .get_views([(False, "form")])
        )
        fnames = list(view["models"]["hr.kpi.appraisal"]["fields"])
        own = appraisal.with_user(self.user_staff)
        own.read(fnames)
        own.line_ids.read(["name", "max_points", "self_points", "final_points"])
        own.task_ids.read(["name", "product_id", "delay_count", "state"])
        self.assertNotIn("evaluator_private_note", fnames)
        # the employee self-evaluates through the form (onchanges included)
        with Form(own) as form:
            with form.line_ids.edit(0) as line:
                line.self_points = 5.0
                line.comment = "One report sent late"
            form.level_self = "good"
        self.assertEqual(appraisal.line_ids[0].final_points, 5.0)
        self.assertEqual(appraisal.general_self_score, 5.0)
        # the evaluator corrects through the form
        with Form(appraisal.with_user(self.user_leader)) as form:
            with form.line_ids.edit(0) as line:
                line.evaluator_points = 4.0
                line.evaluator_comment = "Two reports late"
            form.level_proposed = "good"
        self.assertEqual(appraisal.line_ids[0].final_points, 4.0)
