"""Notifications: each step of the month reaches its person, in the inbox
(and by e-mail per the user's preference), batched and deferred: a transition
only records who to tell; the sender posts one message per recipient."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KpiCommon
from .flow_common import KpiFlowCase


class InboxMixin:
    def setUp(self):
        super().setUp()
        # what the demo data queued is not this test's
        self.env["hr.kpi.notification"].search([]).unlink()

    def inbox(self, user):
        """The messages notified to ``user`` (in the inbox or by e-mail, per
        the user's preference), each readable by him."""
        messages = (
            self.env["mail.notification"]
            .sudo()
            .search([("res_partner_id", "=", user.partner_id.id)])
            .mail_message_id.sorted("id")
        )
        messages.with_user(user).check_access("read")
        return messages.with_user(user)

    def send(self):
        self.env["hr.kpi.notification"]._cron_send()


@tagged("post_install", "-at_install")
class TestKpiNotifications(InboxMixin, KpiCommon):
    def scored(self, employee, general=30.0):
        self.make_task(employee, quantity=2.0)
        appraisal = self.make_appraisal(
            employee,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
        )
        self.set_general(appraisal, general)
        return appraisal

    def test_each_notification_reaches_its_person(self):
        appraisal = self.scored(self.emp_staff)
        as_staff = appraisal.with_user(self.user_staff)
        as_leader = appraisal.with_user(self.user_leader)
        as_head = appraisal.with_user(self.user_head)
        Pending = self.env["hr.kpi.notification"]
        # the employee reads his in the inbox, the others get e-mails
        self.user_staff.notification_type = "inbox"

        def told(user, kind, contains=None):
            """``user`` got exactly one new message, of ``kind``, naming the
            appraisal; nothing is left pending."""
            before = len(self.inbox(user))
            self.send()
            self.assertFalse(Pending.search([]), "sent and deleted")
            inbox = self.inbox(user)
            self.assertEqual(len(inbox) - before, 1, f"{kind}: one message")
            message = inbox[-1]
            self.assertEqual(
                (message.model, message.res_id), (appraisal._name, appraisal.id)
            )
            self.assertIn(appraisal.display_name, message.subject)
            if contains:
                self.assertIn(contains, str(message.body))
            return message

        as_staff.action_submit_self()
        # deferred: nothing is posted by the transition itself
        self.assertEqual(
            Pending.search([]).mapped(lambda p: (p.user_id, p.kind)),
            [(self.user_leader, "to_review")],
        )
        period = appraisal.period_id
        told(self.user_leader, "to review", str(period.date_review.day))
        as_leader._do_return("Add the report")
        told(self.user_staff, "returned", "Add the report")
        as_staff.action_submit_self()
        told(self.user_leader, "to review again")
        as_leader.write({"level_proposed": "good", "evaluator_comment": "x"})
        as_leader.action_review()
        told(self.user_head, "to decide")
        as_head.action_decide()
        told(self.user_leader, "decided")
        as_head.action_publish()
        told(self.user_staff, "published")
        inbox = self.env["mail.message"].with_user(self.user_staff)
        self.assertIn(
            appraisal.display_name,
            inbox.search([("needaction", "=", True)])[:1].subject,
        )
        as_staff._do_appeal("My report was on time")
        as_head._do_resolve_appeal("rejected", "The delays are recorded")
        told(self.user_staff, "appeal answered", "The delays are recorded")
        # nobody else hears of it
        self.assertFalse(self.inbox(self.user_staff2))
        # the other user cannot read the pending rows nor the messages
        with self.assertRaises(AccessError):
            Pending.with_user(self.user_staff).search([])

    def test_the_deputy_is_told_to_decide(self):
        """Under a delegation in force (with its document), the decider's
        deputy is told to decide as well as the decider; nobody else is."""
        appraisal = self.scored(self.emp_staff)
        as_leader = appraisal.with_user(self.user_leader)
        today = fields.Date.context_today(as_leader)
        self.env["hr.kpi.delegation"].create(
            {
                "delegator_id": self.emp_head.id,
                "deputy_id": self.emp_other_evaluator.id,
                "document_number": "07/QĐ-UBND",
                "date_from": today - timedelta(days=1),
                "date_to": today + timedelta(days=30),
            }
        )
        appraisal.with_user(self.user_staff).action_submit_self()
        self.send()
        as_leader.write({"level_proposed": "good", "evaluator_comment": "x"})
        as_leader.action_review()
        Pending = self.env["hr.kpi.notification"]
        self.assertEqual(
            set(Pending.search([]).mapped(lambda p: (p.user_id, p.kind))),
            {(self.user_head, "to_decide"), (self.user_other_evaluator, "to_decide")},
        )
        before = len(self.inbox(self.user_other_evaluator))
        self.send()
        inbox = self.inbox(self.user_other_evaluator)
        self.assertEqual(len(inbox) - before, 1)
        self.assertEqual(inbox[-1].res_id, appraisal.id)
        self.assertFalse(self.inbox(self.user_staff2))

    def test_one_message_per_recipient_in_his_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_vn_hr_kpi"], ["vi_VN"], overwrite=True
        )
        self.user_leader.lang = "vi_VN"
        first = self.scored(self.emp_staff)
        second = self.scored(self.emp_staff2)
        first.with_user(self.user_staff).action_submit_self()
        second.with_user(self.user_staff2).action_submit_self()
        self.assertEqual(len(self.env["hr.kpi.notification"].search([])), 2)
        before = len(self.inbox(self.user_leader))
        self.send()
        inbox = self.inbox(self.user_leader)
        self.assertEqual(len(inbox) - before, 1, "one message for both")
        body = str(inbox[-1].body)
        self.assertIn(first.display_name, body)
        self.assertIn(second.display_name, body)
        self.assertNotIn("Review it by", body, "in the leader's language")
        self.assertIn("05/06/2026", body, "the date in the leader's format")

    def test_the_step_deadline_is_on_the_appraisal(self):
        appraisal = self.scored(self.emp_staff)
        period = appraisal.period_id
        self.assertEqual(appraisal.kpi_step_actor, "employee")
        self.assertEqual(appraisal.kpi_step_deadline, period.date_self_evaluation)
        # the rule set's calendar: the self-evaluation day of the next month
        self.assertEqual(
            period.date_self_evaluation,
            date(2026, 6, self.rs_nd335.self_evaluation_day),
        )
        appraisal.with_user(self.user_staff).action_submit_self()
        self.assertEqual(appraisal.kpi_step_actor, "evaluator")
        self.assertEqual(appraisal.kpi_step_deadline, period.date_review)
        with freeze_time(period.date_review + timedelta(days=1)):
            appraisal.invalidate_recordset(["kpi_step_late"])
            self.assertTrue(appraisal.kpi_step_late)

    def test_remind_the_late_ones(self):
        late = self.scored(self.emp_staff)
        on_time = self.scored(self.emp_staff2)
        on_time.with_user(self.user_staff2).action_submit_self()
        self.send()
        period = late.period_id
        with freeze_time(period.date_self_evaluation + timedelta(days=1)):
            # the evaluator of the unit is no head: refused, nothing sent
            report = late.with_user(self.user_leader).action_kpi_remind_late()
            self.assertIn("0", report["params"]["title"])
            self.assertFalse(self.inbox(self.user_staff))
            # the head reminds his unit: only the late person is told
            report = (
                self.env["hr.kpi.appraisal"]
                .with_user(self.user_head)
                .action_kpi_remind_late()
            )
            self.assertIn(late.display_name, report["params"]["message"])
            inbox = self.inbox(self.user_staff)
            self.assertEqual(len(inbox), 1)
            self.assertIn(
                str(period.date_self_evaluation.day), str(inbox.body), "by when"
            )
            self.assertFalse(self.inbox(self.user_staff2))
            # from a list: each record through its own check, reported
            report = (late | on_time).with_user(self.user_head).action_kpi_remind_late()
            self.assertIn("1", report["params"]["title"])
            self.assertIn(on_time.display_name, report["params"]["message"])
            # another company's HR officer reaches nobody here
            other_hr = new_test_user(
                self.env,
                login="kpi_hr_other",
                groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
                company_id=self.other_company.id,
                company_ids=[Command.set(self.other_company.ids)],
            )
            with self.assertRaises(AccessError):
                late.with_user(other_hr)._kpi_check_remind()


@tagged("post_install", "-at_install")
class TestKpiNotificationsMonthOpened(InboxMixin, KpiFlowCase):
    def test_month_opened_tells_the_staff_of_the_month(self):
        self._config(self.staff)
        self._config(self.staff2)
        wizard = (
            self.env["hr.kpi.period.open"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id})
        )
        wizard.action_open_month()
        self.send()
        inbox = self.inbox(self.user_staff)
        self.assertEqual(len(inbox), 1)
        appraisal = self.env["hr.kpi.appraisal"].search(
            [("period_id", "=", self.period.id), ("employee_id", "=", self.staff.id)]
        )
        self.assertEqual((inbox.model, inbox.res_id), (appraisal._name, appraisal.id))
        # staff without a login and people without a month get nothing
        self.assertFalse(self.inbox(self.user_focal))
