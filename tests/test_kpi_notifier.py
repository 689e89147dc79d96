from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .flow_common import KpiFlowCase


@tagged("post_install", "-at_install")
class TestKpiNotifier(KpiFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("l10n_vn_hr_kpi.mail_activity_type_kpi_step")
        cls.notifier = cls.env["hr.kpi.notifier"]
        cls.evaluator = cls.env["hr.employee"].create(
            {
                "name": "Evaluator",
                "company_id": cls.company.id,
                "department_id": cls.office.id,
                "user_id": cls.user_evaluator.id,
            }
        )

    def _kpi_activities(self, appraisals):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.kpi.appraisal"),
                ("res_id", "in", appraisals.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _move(self, appraisals, state):
        appraisals.write({"state": state})
        self.notifier._sync_activities(appraisals)
        return self._kpi_activities(appraisals)

    def test_activity_follows_the_step(self):
        appraisal = self._appraisal(
            self.staff,
            evaluator_employee_id=self.office_head.id,
            decider_employee_id=self.head.id,
        )
        self.notifier._sync_activities(appraisal)
        activity = self._kpi_activities(appraisal)
        self.assertEqual(activity.user_id, self.user_staff)
        self.assertEqual(activity.date_deadline, date(2026, 4, 3))
        # idempotent: the activity stays
        self.notifier._sync_activities(appraisal)
        self.assertEqual(self._kpi_activities(appraisal), activity)

        activity = self._move(appraisal, "self_submitted")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_office_head)
        self.assertEqual(activity.date_deadline, date(2026, 4, 5))

        activity = self._move(appraisal, "returned")
        self.assertEqual(activity.user_id, self.user_staff, "back to the employee")

        activity = self._move(appraisal, "reviewed")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_head)
        self.assertEqual(activity.date_deadline, date(2026, 4, 8))

        for state in ("decided", "published", "locked"):
            self.assertFalse(self._move(appraisal, state), state)

    def test_acting_deputy_gets_the_decision(self):
        self._config(self.staff, decider_id=self.head.id)
        delegation = self.env["hr.kpi.delegation"].create(
            {
                "delegator_id": self.head.id,
                "deputy_id": self.other_head.id,
                "document_number": "05/QĐ-UBND",
                "date_from": date(2026, 4, 1),
                "date_to": date(2026, 4, 30),
            }
        )
        appraisal = self._appraisal(self.staff, state="reviewed")
        self.assertEqual(appraisal.decider_employee_id, self.head)
        # a delegation without its document number gives the deputy nothing
        self.env.flush_all()
        delegation._write({"document_number": False, "has_document": False})
        delegation.invalidate_recordset()
        with freeze_time("2026-04-06"):
            self.notifier._sync_activities(appraisal)
            self.assertEqual(self._kpi_activities(appraisal).user_id, self.user_head)
        delegation.document_number = "05/QĐ-UBND"
        with freeze_time("2026-04-06"):
            self.notifier._sync_activities(appraisal)
            self.assertEqual(
                self._kpi_activities(appraisal).user_id, self.user_other_head
            )
        with freeze_time("2026-05-02"):
            self.notifier._sync_activities(appraisal)
            self.assertEqual(self._kpi_activities(appraisal).user_id, self.user_head)

    def test_people_without_user_are_skipped(self):
        appraisal = self._appraisal(
            self.staff2,
            evaluator_employee_id=self.office_head.id,
            decider_employee_id=self.sub_head.id,
        )
        self.notifier._sync_activities(appraisal)
        self.assertFalse(self._kpi_activities(appraisal), "employee without a user")
        self.assertEqual(
            self._move(appraisal, "self_submitted").user_id, self.user_office_head
        )
        self.assertFalse(self._move(appraisal, "reviewed"), "decider without a user")

    def _sync_queries(self, count, index):
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": f"Batch {index}-{n}",
                    "company_id": self.company.id,
                    "department_id": self.office.id,
                }
                for n in range(count)
            ]
        )
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .create(
                [
                    {
                        "employee_id": employee.id,
                        "period_id": self.period.id,
                        "evaluator_employee_id": self.evaluator.id,
                        "decider_employee_id": self.head.id,
                        "state": "self_submitted",
                    }
                    for employee in employees
                ]
            )
        )
        queries = []
        for state in (None, "reviewed"):
            if state:
                appraisals.write({"state": state})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.notifier._sync_activities(appraisals)
            self.env.flush_all()
            queries.append(self.cr.sql_log_count - before)
        activities = self._kpi_activities(appraisals)
        self.assertEqual(len(activities), count)
        self.assertEqual(activities.user_id, self.user_head)
        return queries

    @freeze_time("2026-03-20")
    def test_batch_query_count(self):
        """Creating, moving and removing the activities of 50 appraisals takes
        as many queries as for 10."""
        self._sync_queries(3, "warmup")
        small = self._sync_queries(10, "small")
        large = self._sync_queries(50, "large")
        self.assertEqual(small, large)

    @freeze_time("2026-04-20")
    def test_digest_one_message_per_head(self):
        late_head = (
            self._appraisal(self.staff, decider_employee_id=self.head.id)
            | self._appraisal(
                self.staff2,
                decider_employee_id=self.head.id,
                evaluator_employee_id=self.office_head.id,
                state="self_submitted",
            )
            | self._appraisal(
                self.staff3,
                decider_employee_id=self.head.id,
                evaluator_employee_id=self.office_head.id,
                state="reviewed",
            )
        )
        late_other = self._appraisal(
            self.other_staff, decider_employee_id=self.other_head.id
        )
        # decided, or decided by someone without a user: no message
        self._appraisal(
            self.sub_staff, decider_employee_id=self.office_head.id, state="decided"
        )
        self._appraisal(self.focal, decider_employee_id=self.sub_head.id)
        Message = self.env["mail.message"]
        before = Message.search([]).ids
        sent = self.notifier._cron_send_digest()
        self.assertEqual(sent, 2)
        messages = Message.search([("id", "not in", before)])
        head_partner = self.user_head.partner_id
        other_partner = self.user_other_head.partner_id
        to_head = messages.filtered(lambda m: head_partner in m.partner_ids)
        to_other = messages.filtered(lambda m: other_partner in m.partner_ids)
        self.assertEqual(len(to_head), 1)
        self.assertEqual(len(to_other), 1)
        self.assertFalse(
            messages.filtered(
                lambda m: self.user_office_head.partner_id in m.partner_ids
            )
        )
        for appraisal in late_head:
            self.assertIn(appraisal.employee_id.name, str(to_head.body))
        self.assertIn(late_other.employee_id.name, str(to_other.body))
        self.assertNotIn(self.staff.name, str(to_other.body))
        # nothing is late before the first deadline
        with freeze_time("2026-04-02"):
            self.assertEqual(self.notifier._cron_send_digest(), 0)
