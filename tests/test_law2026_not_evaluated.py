"""Months not evaluated (không đánh giá). Marked by a person
(the HR officer or the decider, never the employee, before the decision),
with a reason; reversible; suggested from the leaves, the configurations and
the inspections; left out of the quota, the roll-up, the leader's unit result
and the reminders, as the rule set says."""

from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KpiCommon
from .test_kpi_rollup import RollupCommon


class NotEvaluatedMixin:
    def mark(self, appraisals, user, reason_type="maternity", reason="On leave"):
        """Mark through the button and its wizard, as ``user``."""
        action = appraisals.with_user(user).action_mark_not_evaluated()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason_type": reason_type, "reason": reason})
        )
        self.assertEqual(wizard.appraisal_ids, appraisals)
        return wizard.action_confirm()

    def assertRefused(self, call, appraisal):
        state = appraisal.state
        with self.assertRaises(UserError):
            call()
        self.assertEqual(appraisal.state, state)


@tagged("post_install", "-at_install")
class TestLaw2026NotEvaluated(NotEvaluatedMixin, KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Appraisal = cls.env["hr.kpi.appraisal"]

    def appraisal(self, employee=None, **vals):
        return self.make_appraisal(
            employee or self.emp_staff,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
            **vals,
        )

    # ------------------------------------------------------------------
    # Who marks, when, with what
    # ------------------------------------------------------------------

    def test_marked_by_hr_or_the_decider_only(self):
        appraisal = self.appraisal()
        for user in (self.user_staff, self.user_leader, self.user_other_evaluator):
            with self.subTest(user=user.login):
                self.assertRefused(lambda u=user: self.mark(appraisal, u), appraisal)
                self.assertRefused(
                    lambda u=user: appraisal.with_user(u)._do_mark_not_evaluated(
                        "other", "Because"
                    ),
                    appraisal,
                )
        self.assertFalse(appraisal.with_user(self.user_staff).can_mark_not_evaluated)
        self.assertFalse(appraisal.with_user(self.user_leader).can_mark_not_evaluated)
        self.assertTrue(appraisal.with_user(self.user_head).can_mark_not_evaluated)
        self.assertTrue(appraisal.with_user(self.user_hr).can_mark_not_evaluated)

        self.mark(appraisal, self.user_head, "sick_leave", "Hospital, 3 weeks")
        self.assertEqual(appraisal.state, "not_evaluated")
        self.assertEqual(
            (
                appraisal.not_evaluated_reason_type,
                appraisal.not_evaluated_reason,
                appraisal.not_evaluated_by_id,
                appraisal.not_evaluated_prev_state,
            ),
            ("sick_leave", "Hospital, 3 weeks", self.user_head, "draft"),
        )
        self.assertFalse(appraisal.level_decision)
        self.assertIn(
            "Hospital, 3 weeks", "\n".join(appraisal.message_ids.mapped("body"))
        )
        # marked once: a second time is refused, even to HR
        self.assertRefused(lambda: self.mark(appraisal, self.user_hr), appraisal)
        # the employee can no longer change his self-evaluation
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff).write({"strengths": "x"})

        other = self.appraisal(self.emp_staff2)
        self.mark(other, self.user_hr, "training", "Political theory course")
        self.assertEqual(other.state, "not_evaluated")

    def test_the_employee_never_marks_his_own_month(self):
        """Even an HR officer or a decider does not mark his or her own month."""
        appraisal = self.appraisal(self.emp_hr)
        self.assertRefused(lambda: self.mark(appraisal, self.user_hr), appraisal)
        head = self.make_appraisal(self.emp_head, decider_employee_id=self.emp_head.id)
        self.assertRefused(lambda: self.mark(head, self.user_head), head)

    def test_refused_after_the_decision_until_reopened(self):
        appraisal = self.appraisal()
        appraisal.sudo().write({"state": "decided", "level_final": "good"})
        for user in (self.user_hr, self.user_head):
            with self.subTest(user=user.login):
                self.assertRefused(lambda u=user: self.mark(appraisal, u), appraisal)
        # a decided month goes through the audited reopen first
        appraisal.with_user(self.user_hr)._do_reopen("Was on maternity leave")
        self.assertEqual(appraisal.state, "reviewed")
        self.mark(appraisal, self.user_hr)
        self.assertEqual(appraisal.state, "not_evaluated")

    def test_the_reason_is_required(self):
        appraisal = self.appraisal()
        as_hr = appraisal.with_user(self.user_hr)
        for reason_type, reason in (
            ("maternity", ""),
            ("maternity", "   "),
            (False, "On leave"),
            ("holiday", "On leave"),
        ):
            with self.subTest(reason_type=reason_type, reason=reason):
                self.assertRefused(
                    lambda t=reason_type, r=reason: as_hr._do_mark_not_evaluated(t, r),
                    appraisal,
                )
        self.assertRefused(
            lambda: self.mark(appraisal, self.user_hr, reason="  "), appraisal
        )
        self.assertFalse(appraisal.not_evaluated_reason)

    def test_reversible_before_the_decision(self):
        appraisal = self.appraisal()
        appraisal.sudo().write({"state": "reviewed", "level_proposed": "good"})
        self.mark(appraisal, self.user_hr, "long_leave", "Unpaid leave")
        for user in (self.user_staff, self.user_leader):
            with self.subTest(user=user.login):
                self.assertFalse(appraisal.with_user(user).can_evaluate_month)
                self.assertRefused(
                    lambda u=user: appraisal.with_user(u).action_evaluate_month(),
                    appraisal,
                )
        self.assertTrue(appraisal.with_user(self.user_head).can_evaluate_month)
        appraisal.with_user(self.user_head).action_evaluate_month()
        # back where it was, with its proposal; logged
        self.assertEqual(appraisal.state, "reviewed")
        self.assertEqual(appraisal.level_decision, "good")
        self.assertFalse(appraisal.not_evaluated_reason_type)
        self.assertIn(
            "Unpaid leave",
            appraisal.message_ids[:1].body,
        )
        # only a month marked not evaluated is evaluated again
        self.assertRefused(
            lambda: appraisal.with_user(self.user_hr).action_evaluate_month(),
            appraisal,
        )
        # and again, by HR this time
        self.mark(appraisal, self.user_head)
        appraisal.with_user(self.user_hr).action_evaluate_month()
        self.assertEqual(appraisal.state, "reviewed")

    # ------------------------------------------------------------------
    # Effects: quota, leader's unit result, reminders
    # ------------------------------------------------------------------

    def _unit(self, rule_set, levels):
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": f"Quota staff {i:02d}",
                    "department_id": self.department.id,
                    "company_id": self.company.id,
                }
                for i in range(len(levels))
            ]
        )
        return self.Appraisal.create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": self.period.id,
                    "rule_set_id": rule_set.id,
                    "decider_employee_id": self.emp_head.id,
                    "level_final": level,
                }
                for employee, level in zip(employees, levels, strict=True)
            ]
        )

    def test_quota_denominator_leaves_the_month_not_evaluated(self):
        """1 HTXSNV and 5 HTTNV, 20 % of the members rated HTTNV: cap 1. One
        HTTNV not evaluated: 4 HTTNV, cap 0, the HTXSNV is over the cap; unless
        the rule set keeps the months not evaluated in the denominator."""
        Quota = self.env["hr.kpi.quota"]
        rule_set = self.rs_nd335.copy(
            {"quota_denominator": "good", "quota_scope": "unit"}
        )
        unit = self._unit(rule_set, ["excellent"] + ["good"] * 5)
        (result,) = Quota._check(unit)
        self.assertEqual((result.denominator, result.cap, result.count), (5, 1, 1))
        self.assertTrue(result.holds)

        self.mark(unit[1], self.user_hr, "maternity", "Maternity leave")
        (result,) = Quota._check(unit)
        self.assertEqual((result.denominator, result.cap, result.count), (4, 0, 1))
        self.assertEqual(result.not_evaluated, 1)
        self.assertFalse(result.holds)
        self.assertNotIn(unit[1], result.ranked)
        self.assertEqual(result.over_cap, unit[0])

        # the rule set may keep them in the denominator
        rule_set.not_evaluated_exclude_quota = False
        (result,) = Quota._check(unit)
        self.assertEqual((result.denominator, result.cap, result.count), (5, 1, 1))
        self.assertTrue(result.holds)

        # a month not evaluated counts no level, even excellent ones
        rule_set.not_evaluated_exclude_quota = True
        unit[1].with_user(self.user_hr).action_evaluate_month()
        self.mark(unit[0], self.user_hr, "training", "Course")
        (result,) = Quota._check(unit)
        self.assertEqual((result.denominator, result.cap, result.count), (5, 1, 0))

    def test_decision_refused_over_the_cap_once_a_month_leaves(self):
        """The head's decision checks the quota without the month not
        evaluated (block mode)."""
        rule_set = self.rs_nd335.copy(
            {"quota_denominator": "good_excellent", "quota_scope": "unit"}
        )
        unit = self._unit(rule_set, [False] * 5)
        unit.sudo().write({"state": "reviewed"})
        Appraisal = self.Appraisal.with_user(self.user_head)
        checked = []

        Quota = self.env["hr.kpi.quota"].with_user(self.user_head)

        def check(levels):
            scope = Appraisal.browse(unit.ids)
            Quota._enforce(
                Quota._scope_results(
                    scope,
                    {a.id: level for a, level in zip(unit, levels, strict=True)},
                )
            )
            checked.append(levels)

        # 5 rated good or excellent: cap floor(0.2 × 5) = 1
        check(["excellent", "good", "good", "good", "good"])
        self.mark(unit[4], self.user_head, "new_appointment", "Joined on the 25th")
        # 4 left: cap 0
        with self.assertRaises(UserError):
            check(["excellent", "good", "good", "good", False])
        self.assertEqual(len(checked), 1)

    def test_leader_unit_result_ignores_the_month_not_evaluated(self):
        """d is the lower value when someone the leader evaluates is not
        completed; a month not evaluated has no level, so it no longer counts."""
        leader = self.make_appraisal(
            self.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=self.emp_head.id,
            decider_employee_id=self.emp_head.id,
        )
        self.make_task(self.emp_staff, quantity=10.0, done=1.0)
        staff = self.appraisal()
        self.assertEqual(staff.leader_appraisal_id, leader)
        self.assertEqual(staff.level_computed, "fail")
        low = leader.rule_set_id.leader_low_percent
        self.assertEqual(leader.kpi_unit_result, low)
        self.mark(staff, self.user_hr, "sick_leave", "Hospital")
        self.assertEqual(leader.kpi_unit_result, 100.0)
        staff.with_user(self.user_hr).action_evaluate_month()
        self.assertEqual(leader.kpi_unit_result, low)

    def test_not_reminded_nor_late(self):
        appraisal = self.appraisal()
        waiting = self.appraisal(self.emp_staff2)
        activity_type = self.env.ref("l10n_vn_hr_kpi.mail_activity_type_kpi_step")
        Notifier = self.env["hr.kpi.notifier"]
        Notifier._sync_activities(appraisal | waiting)

        def activities(record):
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        self.assertTrue(activities(appraisal))
        self.mark(appraisal, self.user_hr)
        self.assertFalse(activities(appraisal))
        self.assertTrue(activities(waiting))
        late = self.Appraisal.search(
            [
                ("period_id", "=", self.period.id),
                *Notifier._late_domain(date(2030, 1, 1)),
            ]
        )
        self.assertEqual(late, waiting)
        self.env.flush_all()
        rows = self.env["hr.kpi.appraisal.analysis"].search(
            [("appraisal_id", "in", appraisal.ids)]
        )
        self.assertEqual(rows.not_evaluated_count, 1)
        self.assertFalse(rows.late_self_evaluation or rows.late_decision)
        # the queues of the employee and of the evaluator leave it
        for user, queue in (
            (self.user_staff, "_kpi_domain_my_self"),
            (self.user_leader, "_kpi_domain_to_review"),
        ):
            Appraisal = self.Appraisal.with_user(user)
            domain = getattr(Appraisal, queue)()
            self.assertEqual(
                Appraisal.search([("period_id", "=", self.period.id), *domain]),
                Appraisal.browse(waiting.ids if queue != "_kpi_domain_my_self" else []),
            )

    # ------------------------------------------------------------------
    # Suggestions
    # ------------------------------------------------------------------

    def leave(self, employee, start, end, name="Maternity leave"):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "resource_id": employee.resource_id.id,
                "calendar_id": employee.resource_calendar_id.id,
                "date_from": datetime.combine(start, datetime.min.time()),
                "date_to": datetime.combine(end, datetime.max.time()).replace(
                    microsecond=0
                ),
                "time_type": "leave",
            }
        )

    def suggested(self, user=None):
        return self.Appraisal.with_user(user or self.user_hr).search(
            [("period_id", "=", self.period.id), ("not_evaluated_suggested", "=", True)]
        )

    def test_suggested_from_leaves_over_the_threshold(self):
        """May 2026: 15 working days of leave (4th to 22nd) reach the 11 of the
        rule set; 5 (4th to 8th) do not. The suggestion is never applied."""
        self.assertTrue(self.emp_staff.resource_calendar_id)
        long_leave = self.appraisal()
        short_leave = self.appraisal(self.emp_staff2)
        self.leave(self.emp_staff, date(2026, 5, 4), date(2026, 5, 22))
        self.leave(self.emp_staff2, date(2026, 5, 4), date(2026, 5, 8), "Sick leave")
        # a leave of another month does not count
        self.leave(self.emp_staff2, date(2026, 6, 1), date(2026, 6, 30), "Sick leave")
        self.assertEqual(self.period.rule_set_id.not_evaluated_absence_days, 11)
        as_hr = (long_leave | short_leave).with_user(self.user_hr)
        self.assertEqual(
            as_hr.mapped("not_evaluated_suggested"), [True, False], as_hr.ids
        )
        self.assertEqual(as_hr[0].not_evaluated_suggested_type, "maternity")
        self.assertIn("15", as_hr[0].not_evaluated_suggestion)
        self.assertIn("Maternity leave", as_hr[0].not_evaluated_suggestion)
        self.assertFalse(as_hr[1].not_evaluated_suggestion)
        self.assertEqual(self.suggested(), long_leave)
        # the decider sees it too; the filter works both ways
        self.assertEqual(self.suggested(self.user_head), long_leave)
        self.assertIn(
            short_leave,
            self.Appraisal.search([("not_evaluated_suggested", "=", False)]),
        )
        # never applied without a person
        self.assertEqual(long_leave.state, "draft")
        # the wizard proposes the category; the person confirms
        action = long_leave.with_user(self.user_hr).action_mark_not_evaluated()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_hr)
            .with_context(**action["context"])
            .create({"reason": "To confirm"})
        )
        self.assertEqual(wizard.reason_type, "maternity")
        self.assertIn("15", wizard.suggestion)
        # the threshold is the rule set's
        long_leave.rule_set_id.not_evaluated_absence_days = 5
        self.env.invalidate_all()
        self.assertEqual(self.suggested(), long_leave | short_leave)
        # once marked, nothing more to suggest
        self.mark(long_leave, self.user_hr)
        self.assertEqual(self.suggested(), short_leave)

    def test_public_holidays_are_not_absences(self):
        """A public holiday of the calendar inside the leave is not a working
        day of absence: 11 working days minus a holiday are 10, under 11."""
        appraisal = self.appraisal()
        # Monday 4th to Monday 18th: 11 working days
        self.leave(self.emp_staff, date(2026, 5, 4), date(2026, 5, 18))
        self.assertTrue(appraisal.with_user(self.user_hr).not_evaluated_suggested)
        calendar = self.emp_staff.resource_calendar_id
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "company_id": self.company.id,
                "date_from": datetime(2026, 5, 11, 0, 0),
                "date_to": datetime(2026, 5, 11, 23, 59),
            }
        )
        self.env.invalidate_all()
        self.assertFalse(appraisal.with_user(self.user_hr).not_evaluated_suggested)

    def test_suggested_from_a_configuration_starting_late(self):
        Config = self.env["hr.kpi.evaluation.config"]
        # appointed on the 20th: 11 days before the end of May
        Config.create(
            {"employee_id": self.emp_staff.id, "date_start": date(2026, 5, 20)}
        )
        # in this position since the 1st of the month: a whole month
        Config.create(
            {"employee_id": self.emp_staff2.id, "date_start": date(2026, 5, 1)}
        )
        late, whole = self.appraisal(), self.appraisal(self.emp_staff2)
        self.assertEqual(self.suggested(), late)
        late = late.with_user(self.user_hr)
        self.assertEqual(late.not_evaluated_suggested_type, "new_appointment")
        self.assertIn("30", late.not_evaluated_suggestion)
        # a configuration that only changes the evaluator on the 20th continues
        # the one before it: not an appointment
        config = Config.search([("employee_id", "=", self.emp_staff2.id)])
        config.date_end = date(2026, 5, 19)
        Config.create(
            {
                "employee_id": self.emp_staff2.id,
                "date_start": date(2026, 5, 20),
                "evaluator_id": self.emp_head.id,
            }
        )
        self.env.invalidate_all()
        self.assertEqual(self.suggested(), late)
        self.assertFalse(whole.with_user(self.user_hr).not_evaluated_suggested)
        # the number of days is the rule set's
        late.rule_set_id.sudo().not_evaluated_service_days = 10
        self.env.invalidate_all()
        self.assertFalse(self.suggested())

    def test_suggested_from_an_inspection_under_way(self):
        appraisal = self.appraisal()
        inspection = self.env["hr.kpi.inspection"].create(
            {
                "name": "Complaint at the one-stop counter",
                "company_id": self.company.id,
                "date": date(2026, 5, 12),
                "finding_ids": [
                    (
                        0,
                        0,
                        {
                            "employee_id": self.emp_staff.id,
                            "description": "Files held back",
                            "severity": "serious",
                        },
                    )
                ],
            }
        )
        self.assertEqual(self.suggested(), appraisal)
        self.assertEqual(
            appraisal.with_user(self.user_hr).not_evaluated_suggested_type,
            "inspection",
        )
        inspection.with_user(self.user_hr).action_cancel()
        self.env.invalidate_all()
        self.assertFalse(self.suggested())

    def test_the_employee_does_not_read_the_suggestion(self):
        appraisal = self.appraisal()
        self.leave(self.emp_staff, date(2026, 5, 4), date(2026, 5, 22))
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff).read(["not_evaluated_suggestion"])


@tagged("post_install", "-at_install")
class TestLaw2026NotEvaluatedRollup(NotEvaluatedMixin, RollupCommon):
    """The quarterly and annual results list the months not evaluated and
    leave them out of the means and the counts; the months needed for an
    annual level count them only if the rule set says so."""

    def test_listed_and_out_of_the_means_and_counts(self):
        # Q1 evaluated (90, 90, 90), Q2 not evaluated (with a score of 10 left
        # on them: never read), the rest evaluated (80)
        totals = [90, 90, 90, 10, 10, 10, 80, 80, 80, 80, 80, 80]
        months = self.year_of(self.emp_staff, totals)
        for month in months[3:6]:
            self.env.cr.execute(
                "UPDATE hr_kpi_appraisal SET state = 'not_evaluated', "
                "level_final = NULL WHERE id = %s",
                [month.id],
            )
        self.env.invalidate_all()
        self.compute()
        q2 = self.get(self.emp_staff, 2)
        self.assertEqual((q2.months_evaluated, q2.months_not_evaluated), (0, 3))
        self.assertEqual(q2.state, "not_classified")
        self.assertFalse(q2.level)
        q1 = self.get(self.emp_staff, 1)
        self.assertEqual((q1.months_evaluated, q1.months_not_evaluated), (3, 0))
        year = self.get(self.emp_staff)
        self.assertEqual((year.months_evaluated, year.months_not_evaluated), (9, 3))
        self.assertEqual(year.months_fail, 0)
        # (3 × 90 + 6 × 80) / 9 = 83.33
        self.assertAlmostEqual(year.total_mean, 83.33, places=2)
        self.assertEqual(year.level_computed, "good")
        # the months of the result list the months not evaluated too
        listed = self.env["hr.kpi.appraisal"].search(
            year.action_open_appraisals()["domain"]
        )
        self.assertEqual(listed, self.env["hr.kpi.appraisal"].union(*months))

    def test_marking_a_month_updates_the_results(self):
        """Through the workflow: marking a month not evaluated, then evaluating
        it again, recomputes the employee's results."""
        self.year_of(self.emp_staff, [90, 90, 90])
        april = self.make_appraisal(
            self.emp_staff,
            period=self.periods[(2026, 4)],
            rule_set=self.rs_nd335,
            decider_employee_id=self.emp_head.id,
        )
        self.compute()
        self.assertEqual(self.get(self.emp_staff).months_not_evaluated, 0)
        self.mark(april, self.user_hr, "maternity", "Maternity leave")
        year = self.get(self.emp_staff)
        self.assertEqual((year.months_evaluated, year.months_not_evaluated), (3, 1))
        self.assertEqual(self.get(self.emp_staff, 2).months_not_evaluated, 1)
        april.with_user(self.user_hr).action_evaluate_month()
        self.assertEqual(year.months_not_evaluated, 0)
        self.assertEqual(self.get(self.emp_staff, 2).months_not_evaluated, 0)

    def _short_year(self, rule_set):
        """3 months evaluated (90), 9 not evaluated: 6 are needed."""
        months = self.year_of(self.emp_staff, [90] * 12, rule_set=rule_set)
        self.env.cr.execute(
            "UPDATE hr_kpi_appraisal SET state = 'not_evaluated' WHERE id = ANY(%s)",
            [[m.id for m in months[3:]]],
        )
        self.env.invalidate_all()
        self.compute()
        return self.get(self.emp_staff)

    def test_min_months_without_the_months_not_evaluated(self):
        rule_set = self.rs_nd335.copy({"not_evaluated_count_min_months": False})
        year = self._short_year(rule_set)
        self.assertEqual((year.months_evaluated, year.months_not_evaluated), (3, 9))
        self.assertEqual(year.state, "not_classified")
        self.assertFalse(year.level)
        self.assertIn("9", year.level_reasons)

    def test_min_months_with_the_months_not_evaluated(self):
        rule_set = self.rs_nd335.copy({"not_evaluated_count_min_months": True})
        year = self._short_year(rule_set)
        self.assertEqual((year.months_evaluated, year.months_not_evaluated), (3, 9))
        self.assertEqual(year.state, "computed")
        # scored on the 3 months evaluated only
        self.assertAlmostEqual(year.score, 90.0)
        self.assertEqual(year.level, "excellent")

    def test_year_quota_and_the_years_not_evaluated(self):
        """Annual quota 34 % of all rated: an excellent and a good year give a
        cap of 0; a year not classified because its months were not evaluated
        counts in the denominator only if the rule set keeps them (cap 1)."""
        for exclude, employees, department, expected in (
            (True, (self.emp_staff, self.emp_staff2, self.fillers[0]), None, 0),
            (False, self.fillers[1:4], self.department2, 1),
        ):
            with self.subTest(exclude=exclude):
                # a rule set used by decided months is frozen: one per case
                rule_set = self.rs_nd335.copy(
                    {
                        "quota_denominator": "all",
                        "quota_scope": "unit",
                        "rollup_quota_percent": 34.0,
                        "not_evaluated_exclude_quota": exclude,
                    }
                )
                kw = {"rule_set": rule_set, "department": department}
                excellent, good, away = employees
                self.year_of(excellent, [95] * 12, **kw)
                self.year_of(good, [80] * 12, **kw)
                months = self.year_of(away, [80] * 12, **kw)
                self.env.cr.execute(
                    "UPDATE hr_kpi_appraisal SET state = 'not_evaluated' "
                    "WHERE id = ANY(%s)",
                    [[m.id for m in months]],
                )
                self.env.invalidate_all()
                self.compute()
                away_year = self.get(away)
                self.assertEqual(away_year.state, "not_classified")
                self.assertEqual(away_year.months_not_evaluated, 12)
                year = self.get(excellent)
                Quota = self.env["hr.kpi.quota"]
                (result,) = Quota._scope_results(Quota._scope(year))
                self.assertNotIn(away_year, result.ranked)
                self.assertEqual(result.not_evaluated, 1)
                self.assertEqual((result.count, result.cap), (1, expected))


@tagged("post_install", "-at_install")
class TestLaw2026NotEvaluatedDemo(KpiCommon):
    def test_demo_ward_has_a_month_not_evaluated(self):
        """The demo ward's current month: one month not evaluated, confirmed
        by its HR officer, and one suggested from a sick leave."""
        hr_user = self.env["res.users"].search([("login", "=", "hr")])
        Appraisal = self.env["hr.kpi.appraisal"].with_user(hr_user)
        period = self.env["hr.kpi.period"].search(
            [("company_id", "=", hr_user.company_id.id), ("state", "=", "open")],
            order="date_start desc",
            limit=1,
        )
        marked = Appraisal.search(
            [("period_id", "=", period.id), ("state", "=", "not_evaluated")]
        )
        self.assertEqual(len(marked), 1)
        self.assertEqual(marked.not_evaluated_reason_type, "maternity")
        self.assertEqual(marked.not_evaluated_by_id, hr_user)
        suggested = Appraisal.search(
            [("period_id", "=", period.id), ("not_evaluated_suggested", "=", True)]
        )
        self.assertEqual(len(suggested), 1)
        self.assertEqual(suggested.not_evaluated_suggested_type, "sick_leave")
