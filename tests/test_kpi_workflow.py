from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import KpiCommon


@tagged("post_install", "-at_install")
class TestKpiWorkflow(KpiCommon):
    """The monthly workflow, as each role's user: who can do what, and what
    the server refuses whatever the buttons show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_focal = new_test_user(
            cls.env,
            login="kpi_focal",
            groups="l10n_vn_hr_kpi.group_kpi_focal_point",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.emp_focal = cls.env["hr.employee"].create(
            {
                "name": "Focal point",
                "user_id": cls.user_focal.id,
                "department_id": cls.department.id,
                "company_id": cls.company.id,
            }
        )
        cls.department.kpi_focal_point_id = cls.emp_focal
        # a staff member without an Odoo user, as in real agencies
        cls.emp_no_user = cls.env["hr.employee"].create(
            {
                "name": "Staff without user",
                "department_id": cls.department.id,
                "parent_id": cls.emp_leader.id,
                "company_id": cls.company.id,
            }
        )

    def flush_tracking(self):
        """Write the tracking values now (Odoo writes them at commit)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    # ------------------------------------------------------------------

    def test_whole_flow_with_return_and_resubmit(self):
        # with tracking on, to check the chatter
        appraisal = self.scored(self.emp_staff).with_context(
            tracking_disable=False, mail_notrack=False
        )
        as_staff = appraisal.with_user(self.user_staff)
        as_leader = appraisal.with_user(self.user_leader)
        as_head = appraisal.with_user(self.user_head)

        as_staff.write({"level_self": "good", "strengths": "On time"})
        self.assertTrue(as_staff.can_submit_self)
        self.assertFalse(as_staff.can_review)
        as_staff.action_submit_self()
        self.flush_tracking()
        self.assertEqual(appraisal.state, "self_submitted")
        self.assertEqual(appraisal.self_submitted_by_id, self.user_staff)
        self.assertFalse(appraisal.self_submitted_on_behalf)
        # read-only for the employee once submitted
        with self.assertRaises(UserError):
            as_staff.write({"strengths": "Changed after submission"})

        # the evaluator returns it: the reason is required, then back to the employee
        with self.assertRaises(UserError):
            as_leader._do_return("  ")
            self.flush_tracking()
        self.assertEqual(appraisal.state, "self_submitted")
        as_leader._do_return("Add the report of week 3")
        self.flush_tracking()
        self.assertEqual(
            (appraisal.state, appraisal.returned_to), ("returned", "employee")
        )
        self.assertIn(
            "Add the report of week 3", "".join(appraisal.message_ids.mapped("body"))
        )
        as_staff.write({"strengths": "On time, report added"})
        as_staff.action_submit_self()
        self.flush_tracking()
        self.assertEqual(appraisal.state, "self_submitted")

        # review needs a proposed level
        with self.assertRaises(UserError):
            as_leader.action_review()
            self.flush_tracking()
        # alone in the unit: no excellent level fits the quota (20 % of 0)
        as_leader.write({"level_proposed": "good", "evaluator_comment": "Good month"})
        as_leader.action_review()
        self.flush_tracking()
        self.assertEqual(appraisal.state, "reviewed")

        # the decider returns it to the evaluator, who reviews again
        as_head._do_return("Check the quality of task 2")
        self.flush_tracking()
        self.assertEqual(
            (appraisal.state, appraisal.returned_to), ("returned", "evaluator")
        )
        self.assertFalse(as_staff.can_submit_self)
        as_leader.action_review()
        self.flush_tracking()
        self.assertEqual(appraisal.state, "reviewed")

        as_head.action_decide()
        self.flush_tracking()
        self.assertEqual(appraisal.state, "decided")
        self.assertEqual(appraisal.level_final, "good")
        self.assertEqual(appraisal.decided_by_id, self.user_head)
        # the employee sees the result only once published
        self.assertFalse(as_staff.result_level)
        with self.assertRaises(AccessError):
            as_staff.read(["level_final"])
        # published on Monday 8/6/2026: the 5 working days of the window end on
        # Monday 15/6
        with freeze_time("2026-06-08 10:00:00"):
            as_head.action_publish()
            self.flush_tracking()
        self.assertEqual(as_staff.result_level, "good")
        self.assertEqual(appraisal.published_date, date(2026, 6, 8))
        self.assertEqual(self.rs_nd335.appeal_days, 5)
        self.assertEqual(appraisal.appeal_deadline, date(2026, 6, 15))
        as_head.action_lock()
        self.flush_tracking()
        self.assertEqual(appraisal.state, "locked")
        tracked = appraisal.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertGreaterEqual(
            len(tracked), 8, "every transition is tracked in the chatter"
        )

    def test_employee_limits(self):
        mine = self.scored(self.emp_staff)
        colleague = self.scored(self.emp_staff2)
        Appraisal = self.env["hr.kpi.appraisal"].with_user(self.user_staff)
        self.assertEqual(Appraisal.search([]), mine)
        with self.assertRaises(AccessError):
            colleague.with_user(self.user_staff).read(["total_score"])
        # evaluator fields, workflow fields and computed scores are not his
        with self.assertRaises(UserError):
            mine.with_user(self.user_staff).write({"level_proposed": "excellent"})
        with self.assertRaises(UserError):
            mine.with_user(self.user_staff).write({"state": "decided"})
        with self.assertRaises(UserError):
            mine.with_user(self.user_staff).write({"total_score": 100})
        with self.assertRaises(UserError):
            mine.line_ids[:1].with_user(self.user_staff).write({"evaluator_points": 0})
        # he cannot decide his own appraisal, even when it is reviewed
        self.to_state(mine, "reviewed", level_proposed="excellent")
        self.assertFalse(mine.with_user(self.user_staff).can_decide)
        with self.assertRaises(UserError):
            mine.with_user(self.user_staff).action_decide()
        self.assertEqual(mine.state, "reviewed")

    def test_nobody_edits_a_locked_appraisal(self):
        appraisal = self.scored(self.emp_staff)
        self.to_state(appraisal, "locked", level_final="good")
        for user in (self.user_staff, self.user_leader, self.user_head, self.user_hr):
            with (
                self.subTest(user=user.login),
                self.assertRaises(UserError),
            ):
                appraisal.with_user(user).write({"evaluator_comment": "late change"})
        with self.assertRaises(UserError):
            appraisal.line_ids[:1].with_user(self.user_hr).write({"final_points": 0})
        # nobody reopens it, not even HR: the HR officer corrects
        # it by a replacement decision, with a reason and a document number
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff)._do_reopen("I want a better level")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_hr)._do_reopen(
                "Decision annulled by the committee"
            )
        self.assertEqual(appraisal.state, "locked")
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff)._do_correct(
                "excellent", "I want a better level", "1/QĐ"
            )
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_hr)._do_correct("done", "", "15/QĐ-UBND")
        new = appraisal.with_user(self.user_hr)._do_correct(
            "done", "Decision annulled by the committee", "15/QĐ-UBND"
        )
        self.assertEqual((appraisal.state, appraisal.active), ("locked", False))
        self.assertEqual((new.state, new.level_final), ("locked", "done"))
        self.assertEqual(new.correction_reason, "Decision annulled by the committee")

    def test_evaluator_limits(self):
        appraisal = self.scored(self.emp_staff)
        self.to_state(appraisal, "self_submitted")
        as_leader = appraisal.with_user(self.user_leader)
        self.assertTrue(as_leader.can_review)
        self.assertFalse(as_leader.can_decide)
        as_leader.write({"level_proposed": "good"})
        as_leader.action_review()
        with self.assertRaises(UserError):
            as_leader.action_decide()
        with self.assertRaises(UserError):
            as_leader.write({"decider_comment": "I decide"})
        self.assertEqual(appraisal.state, "reviewed")
        # another evaluator sees nothing of it
        self.assertFalse(
            self.env["hr.kpi.appraisal"].with_user(self.user_other_evaluator).search([])
        )
        with self.assertRaises(AccessError):
            appraisal.with_user(self.user_other_evaluator).action_review()

    def other_unit_with_head(self):
        """Another unit of the company, headed by a user of his own."""
        other_unit = self.env["hr.department"].create(
            {"name": "Another unit", "company_id": self.company.id}
        )
        other_head_user = new_test_user(
            self.env,
            login="kpi_other_head",
            groups="l10n_vn_hr_kpi.group_kpi_head",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        other_unit.manager_id = self.env["hr.employee"].create(
            {
                "name": "Other head",
                "user_id": other_head_user.id,
                "department_id": other_unit.id,
                "company_id": self.company.id,
            }
        )
        return other_unit, other_head_user

    def test_head_cannot_touch_another_unit(self):
        _other_unit, other_head_user = self.other_unit_with_head()
        mine = self.scored(self.emp_staff)
        self.to_state(mine, "reviewed", level_proposed="good")
        self.assertFalse(
            self.env["hr.kpi.appraisal"]
            .with_user(other_head_user)
            .search([("id", "=", mine.id)])
        )
        with self.assertRaises(AccessError):
            mine.with_user(other_head_user).read(["total_score"])
        with self.assertRaises(AccessError):
            mine.with_user(other_head_user).action_decide()
        with self.assertRaises(AccessError):
            mine.with_user(other_head_user).write({"decider_comment": "not mine"})
        self.assertEqual(mine.state, "reviewed")
        # the unit's own head sees it, sub-units included
        sub_unit = self.env["hr.department"].create(
            {
                "name": "Sub-unit",
                "parent_id": self.department.id,
                "company_id": self.company.id,
            }
        )
        sub = self.scored(self.emp_staff2, department_id=sub_unit.id)
        self.assertEqual(
            self.env["hr.kpi.appraisal"].with_user(self.user_head).search([]),
            mine | sub,
        )

    def test_my_unit_lists_the_units_headed_and_the_staff_decided_for(self):
        """*My unit*, as each head: his unit and its sub-units (archived ones
        too), and the staff outside them he decides for; nobody else's."""
        other_unit, other_head_user = self.other_unit_with_head()
        Employee = self.env["hr.employee"].with_company(self.company)
        archived_sub_unit = self.env["hr.department"].create(
            {
                "name": "Closed sub-unit",
                "parent_id": self.department.id,
                "company_id": self.company.id,
            }
        )
        mine = self.scored(self.emp_staff)
        in_sub_unit = self.scored(self.emp_staff2, department_id=archived_sub_unit.id)
        archived_sub_unit.action_archive()
        # staff of the other unit: one the head decides for, one he does not
        decided_by_me = self.scored(
            Employee.create({"name": "Seconded", "department_id": other_unit.id})
        )
        theirs = self.scored(
            Employee.create({"name": "Their staff", "department_id": other_unit.id})
        )
        theirs.decider_employee_id = other_unit.manager_id

        def my_unit(user):
            Appraisal = self.env["hr.kpi.appraisal"].with_user(user)
            return Appraisal.search(Appraisal._action_open_my_unit()["domain"])

        self.assertEqual(my_unit(self.user_head), mine | in_sub_unit | decided_by_me)
        self.assertEqual(my_unit(other_head_user), decided_by_me | theirs)
        # a member of staff heads nothing and decides for nobody
        self.assertFalse(my_unit(self.user_staff))

    def test_month_and_unit_indexed_together(self):
        """A head's list reads his units' rows of the month from one index;
        the single-column index of the month it replaces is gone."""
        indexes = dict(
            self.env.execute_query(
                SQL(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                    "hr_kpi_appraisal",
                )
            )
        )
        self.assertIn(
            "(period_id, department_id)",
            indexes["hr_kpi_appraisal_period_department_index"],
        )
        self.assertNotIn("hr_kpi_appraisal__period_id_index", indexes)

    def test_hr_officer_sees_only_his_company(self):
        mine = self.scored(self.emp_staff)
        other_period = self.env["hr.kpi.period"].create(
            {"company_id": self.other_company.id, "date_start": date(2026, 5, 1)}
        )
        other_emp = self.env["hr.employee"].create(
            {"name": "Other ward staff", "company_id": self.other_company.id}
        )
        theirs = self.make_appraisal(other_emp, period=other_period)
        as_hr = self.env["hr.kpi.appraisal"].with_user(self.user_hr)
        self.assertIn(mine, as_hr.search([]))
        self.assertNotIn(theirs, as_hr.search([]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_hr).read(["total_score"])

    def test_focal_point_enters_self_evaluation_on_behalf(self):
        appraisal = self.scored(self.emp_no_user)
        as_focal = appraisal.with_user(self.user_focal)
        as_focal.write(
            {"level_self": "good", "strengths": "Entered from the paper form"}
        )
        as_focal.action_submit_self()
        self.assertEqual(appraisal.state, "self_submitted")
        self.assertTrue(appraisal.self_submitted_on_behalf)
        self.assertEqual(appraisal.self_submitted_by_id, self.user_focal)
        # data entry, but no decision
        self.to_state(appraisal, "reviewed", level_proposed="good")
        self.assertFalse(as_focal.can_decide)
        with self.assertRaises(UserError):
            as_focal.action_decide()
        # nobody enters on behalf of a staff member who has a user
        other = self.scored(self.emp_staff2)
        with self.assertRaises(UserError):
            other.with_user(self.user_focal).action_submit_self()

    def test_acting_deputy_in_and_out_of_range(self):
        """The leader decides for the head only under a delegation record in
        force today, with its document number."""
        appraisal = self.scored(self.emp_staff)
        # the deputy's today (his time zone), as the server computes it
        today = fields.Date.context_today(appraisal.with_user(self.user_leader))
        self.to_state(appraisal, "reviewed", level_proposed="good")
        appraisal.evaluator_employee_id = self.emp_other_evaluator
        # the leader acts for the head, but the delegation is over
        delegation = self.env["hr.kpi.delegation"].create(
            {
                "delegator_id": self.emp_head.id,
                "deputy_id": self.emp_leader.id,
                "document_number": "07/QĐ-UBND",
                "date_from": today - timedelta(days=30),
                "date_to": today - timedelta(days=1),
            }
        )
        as_deputy = appraisal.with_user(self.user_leader)
        self.assertFalse(as_deputy.can_decide)
        with self.assertRaises(UserError):
            as_deputy.action_decide()
        delegation.write({"date_from": today - timedelta(days=1), "date_to": today})
        self.env.invalidate_all()
        self.assertTrue(as_deputy.can_decide)
        as_deputy.action_decide()
        self.assertEqual(appraisal.state, "decided")
        self.assertEqual(appraisal.decided_by_id, self.user_leader)
        self.assertEqual(appraisal.decision_delegation_id, delegation)

    def test_decision_rules(self):
        appraisal = self.scored(self.emp_staff, general=10.0)  # 80 points: good
        self.assertEqual(appraisal.level_computed, "good")
        self.to_state(appraisal, "reviewed", level_proposed="good")
        Appraisal = self.env["hr.kpi.appraisal"].with_user(self.user_head)
        # never above the level computed from the score and the rules
        with self.assertRaises(UserError):
            Appraisal._decide({appraisal.with_user(self.user_head): "excellent"})
        self.assertEqual(appraisal.state, "reviewed")
        # nothing assigned: not decidable until the evaluator resolves it
        empty = self.make_appraisal(
            self.emp_staff2,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
        )
        self.assertTrue(empty.needs_attention)
        self.to_state(empty, "reviewed", level_proposed="done")
        with self.assertRaises(UserError):
            empty.with_user(self.user_head).action_decide()
        self.assertEqual(empty.state, "reviewed")

    def _unit_of(self, count_good, count_excellent):
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": f"Unit staff {i}",
                    "department_id": self.department.id,
                    "company_id": self.company.id,
                }
                for i in range(count_good + count_excellent)
            ]
        )
        appraisals = self.env["hr.kpi.appraisal"]
        for employee in employees:
            appraisals |= self.scored(employee)
        self.to_state(appraisals, "reviewed", level_proposed="good")
        good, excellent = appraisals[:count_good], appraisals[count_good:]
        levels = {a.with_user(self.user_head): "good" for a in good}
        levels.update({a.with_user(self.user_head): "excellent" for a in excellent})
        return appraisals, levels

    def test_over_quota_blocked(self):
        # 7 rated good -> at most floor(0.2 * 7) = 1 excellent
        appraisals, levels = self._unit_of(7, 2)
        Appraisal = self.env["hr.kpi.appraisal"].with_user(self.user_head)
        with self.assertRaises(UserError) as error:
            Appraisal._decide(levels, justification="They deserve it")
        self.assertIn("cap of 1", str(error.exception))
        self.assertEqual(
            set(appraisals.mapped("state")), {"reviewed"}, "nothing changed"
        )
        self.assertFalse(any(appraisals.mapped("level_final")))
        # the decision screen shows it before deciding
        decision = (
            self.env["hr.kpi.decision"]
            .with_user(self.user_head)
            .create({"period_id": self.period.id, "department_id": self.department.id})
        )
        self.assertEqual(len(decision.line_ids), 9)
        self.assertEqual(decision.line_ids.mapped("rank"), list(range(1, 10)))
        for line in decision.line_ids:
            line.level = levels[line.appraisal_id.with_user(self.user_head)]
        self.assertFalse(decision.quota_holds)
        with self.assertRaises(UserError):
            decision.action_decide()
        # one excellent fits
        decision.line_ids[-1].level = "good"
        self.assertTrue(decision.quota_holds)
        decision.action_decide()
        self.assertEqual(set(appraisals.mapped("state")), {"decided"})
        self.assertEqual(appraisals.mapped("level_final").count("excellent"), 1)

    def test_over_quota_with_justification_under_a_warn_rule_set(self):
        self.rs_nd335.quota_mode = "warn"
        appraisals, levels = self._unit_of(7, 2)
        Appraisal = self.env["hr.kpi.appraisal"].with_user(self.user_head)
        with self.assertRaises(UserError):
            Appraisal._decide(levels)
        self.assertEqual(set(appraisals.mapped("state")), {"reviewed"})
        Appraisal._decide(levels, justification="Outstanding flood-relief work")
        self.assertEqual(set(appraisals.mapped("state")), {"decided"})
        self.assertEqual(
            appraisals[-1].quota_justification, "Outstanding flood-relief work"
        )

    def test_appeal_upheld_changes_the_level(self):
        appraisal = self.scored(self.emp_staff)
        self.to_state(
            appraisal, "published", level_final="done", published_date=date.today()
        )
        as_staff = appraisal.with_user(self.user_staff)
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff2)._do_appeal("Not mine")
        as_staff._do_appeal("My decision report was on time")
        self.assertEqual(appraisal.state, "appeal_open")
        with self.assertRaises(UserError):
            as_staff._do_resolve_appeal("upheld", "Accepted", "good")
        appraisal.with_user(self.user_head)._do_resolve_appeal(
            "upheld", "The report was on time", "good"
        )
        self.assertEqual(appraisal.state, "appeal_resolved")
        self.assertEqual(appraisal.level_final, "good")
        self.assertEqual(appraisal.appeal_result, "upheld")

    @freeze_time("2026-06-10 10:00:00")
    def test_appeal_window_closes(self):
        # published on Tuesday 2/6/2026: the 5 working days ended on Tuesday 9/6
        appraisal = self.scored(self.emp_staff)
        self.to_state(
            appraisal,
            "published",
            level_final="good",
            published_date=date(2026, 6, 2),
        )
        self.assertEqual(appraisal.appeal_deadline, date(2026, 6, 9))
        self.assertFalse(appraisal.with_user(self.user_staff).can_appeal)
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff)._do_appeal("Too late")
        # and the cron locks it
        locked = self.env["hr.kpi.appraisal"]._kpi_auto_lock()
        self.assertIn(appraisal, locked)
        self.assertEqual(appraisal.state, "locked")

    def test_head_of_unit_decided_by_collective_decision(self):
        head_appraisal = self.scored(self.emp_head, subject_group="leader_head")
        self.to_state(head_appraisal, "reviewed", level_proposed="good")
        as_hr = head_appraisal.with_user(self.user_hr)
        self.assertFalse(as_hr.can_decide)
        # the reference alone is not enough: the date of the collective decision
        as_hr.collective_decision_ref = "Biên bản họp UBND số 12/BB-UBND"
        self.assertFalse(as_hr.can_decide)
        as_hr.collective_decision_date = date(2026, 6, 3)
        self.assertTrue(as_hr.can_decide)
        as_hr.action_decide()
        self.assertEqual(head_appraisal.state, "decided")
        self.assertEqual(head_appraisal.collective_decision_by_id, self.user_hr)
        self.assertEqual(head_appraisal.decided_by_id, self.user_hr)
        # a head never decides his own level
        self.to_state(head_appraisal, "reviewed")
        self.assertFalse(head_appraisal.with_user(self.user_head).can_decide)

    def test_overview_counters_follow_the_steps(self):
        appraisal = self.scored(self.emp_staff)
        period = self.period

        def counts(user):
            self.env.invalidate_all()  # computed on each read, as the screen does
            p = period.with_user(user)
            return (p.kpi_my_self_count, p.kpi_my_review_count, p.kpi_my_decide_count)

        # the evaluator may also review a draft (late self-evaluation)
        self.assertEqual(counts(self.user_staff), (1, 0, 0))
        self.assertEqual(counts(self.user_leader)[1], 1)
        appraisal.with_user(self.user_staff).write({"level_self": "good"})
        appraisal.with_user(self.user_staff).action_submit_self()
        self.assertEqual(counts(self.user_staff), (0, 0, 0))
        self.assertEqual(counts(self.user_leader), (0, 1, 0))
        action = period.with_user(self.user_leader).action_open_to_review()
        self.assertEqual(
            self.env["hr.kpi.appraisal"]
            .with_user(self.user_leader)
            .search(action["domain"]),
            appraisal,
        )
        appraisal.with_user(self.user_leader).write({"level_proposed": "good"})
        appraisal.with_user(self.user_leader).action_review()
        self.assertEqual(counts(self.user_leader), (0, 0, 0))
        self.assertEqual(counts(self.user_head), (0, 0, 1))
        appraisal.with_user(self.user_head).action_decide()
        self.assertEqual(counts(self.user_head), (0, 0, 0))

    def test_reason_wizards(self):
        """Return, appeal, reopen and correction go through wizards that
        require a reason."""
        appraisal = self.scored(self.emp_staff)
        self.to_state(appraisal, "self_submitted")

        def through_wizard(user, method, reason):
            action = getattr(appraisal.with_user(user), method)()
            wizard = (
                self.env[action["res_model"]]
                .with_user(user)
                .with_context(**action["context"])
                .create({"reason": reason})
            )
            self.assertEqual(wizard.appraisal_ids, appraisal)
            wizard.action_confirm()

        through_wizard(self.user_leader, "action_return", "Missing report")
        self.assertEqual(
            (appraisal.state, appraisal.return_reason), ("returned", "Missing report")
        )
        self.to_state(
            appraisal, "published", level_final="good", published_date=date.today()
        )
        through_wizard(self.user_staff, "action_appeal", "Report was on time")
        self.assertEqual(appraisal.state, "appeal_open")
        self.to_state(appraisal, "decided")
        through_wizard(self.user_hr, "action_reopen", "Committee decision")
        self.assertEqual(appraisal.state, "reviewed")
        self.to_state(appraisal, "locked", level_final="good")
        action = appraisal.with_user(self.user_hr).action_correct()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_hr)
            .with_context(**action["context"])
            .create(
                {
                    "reason": "Committee decision",
                    "document_ref": "15/QĐ-UBND",
                    "level": "done",
                }
            )
        )
        self.assertEqual(wizard.appraisal_id, appraisal)
        self.assertEqual(wizard.with_user(self.user_hr).current_level, "good")
        new = self.env["hr.kpi.appraisal"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(
            (new.correction_reason, new.version), ("Committee decision", 2)
        )
        self.assertFalse(appraisal.active)
        # the guard runs before the wizard opens
        with self.assertRaises(UserError):
            appraisal.with_user(self.user_staff).action_return()
