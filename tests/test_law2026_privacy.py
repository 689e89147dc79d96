"""Privacy by default (Luật 91/2025/QH15).

A colleague reads the published level in words only; the details of an
appraisal (scores, comments, reasons, evidence) are read by the person, the
evaluator, the decider, the unit's focal point and HR only; the reads of HR
and heads of other people's appraisals and disciplinary events are logged;
the evidence is purged after the rule set's retention."""

import base64
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import KpiCommon
from .test_integrity_appraisal import ALL_KEYS


@tagged("post_install", "-at_install")
class TestLaw2026Privacy(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the chairman heads the ward, the parent of the test unit: he reads
        # its appraisals (record rules) but decides none of its staff
        cls.user_chair = new_test_user(
            cls.env,
            login="kpi_chair",
            groups="l10n_vn_hr_kpi.group_kpi_head",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            context=DISABLED_MAIL_CONTEXT,
        )
        cls.emp_chair = cls.env["hr.employee"].create(
            {
                "name": "Chairman",
                "user_id": cls.user_chair.id,
                "company_id": cls.company.id,
            }
        )
        cls.ward = cls.env["hr.department"].create(
            {
                "name": "Ward",
                "company_id": cls.company.id,
                "manager_id": cls.emp_chair.id,
            }
        )
        cls.department.parent_id = cls.ward
        cls.emp_chair.department_id = cls.ward
        cls.Log = cls.env["hr.kpi.access.log"]
        export = cls.env.ref("base.group_allow_export")
        (cls.user_hr | cls.user_head | cls.user_chair).write(
            {"groups_id": [(4, export.id)]}
        )

    def scored(self, employee, general=28.0):
        appraisal = super().scored(employee, general)
        appraisal.sudo().write(
            {"strengths": "Punctual", "evaluator_comment": "Good work"}
        )
        return appraisal

    def published(self, employee, level):
        appraisal = self.scored(employee)
        appraisal.sudo().write(
            {"state": "published", "level_final": level, "published_date": date.today()}
        )
        return appraisal

    def results(self, user):
        return (
            self.env["hr.kpi.published.result"]
            .with_user(user)
            .search([("period_id", "=", self.period.id)])
        )

    def logs(self, user, record):
        return self.Log.search(
            [
                ("user_id", "=", user.id),
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
            ]
        )

    # ---- publication: the level in words ----------------------------------

    def test_a_colleague_reads_the_level_in_words_only(self):
        mine = self.published(self.emp_staff, "good")
        colleague = self.published(self.emp_staff2, "done")
        self.env.flush_all()
        self.assertFalse(self.rs_nd335.publish_scores, "level only by default")
        seen = {r.employee_id: r for r in self.results(self.user_staff)}
        self.assertEqual(set(seen), {self.emp_staff, self.emp_staff2})
        # the colleague: the level in words, no score
        other = seen[self.emp_staff2]
        self.assertEqual(other.level, "done")
        self.assertEqual(
            dict(other._fields["level"]._description_selection(self.env))[other.level],
            "Completed duties",
        )
        self.assertFalse(other.score_shown)
        self.assertEqual(other.total_score, 0.0)
        self.assertFalse(other.read(["total_score"])[0]["total_score"])
        # his own: the score too
        own = seen[self.emp_staff]
        self.assertTrue(own.score_shown)
        self.assertEqual(own.total_score, mine.total_score)
        # the stored score is not readable, searchable nor groupable by him
        Result = self.env["hr.kpi.published.result"].with_user(self.user_staff)
        with self.assertRaises(AccessError):
            other.read(["raw_total_score"])
        with self.assertRaises(AccessError):
            Result.search([("raw_total_score", ">", 0)])
        with self.assertRaises(AccessError):
            Result.read_group([], ["raw_total_score:avg"], ["employee_id"])
        # nor the colleague's appraisal itself
        with self.assertRaises(AccessError):
            colleague.with_user(self.user_staff).read(["level_final"])
        # HR reads the scores
        by_hr = {r.employee_id: r for r in self.results(self.user_hr)}
        self.assertEqual(by_hr[self.emp_staff2].total_score, colleague.total_score)
        # the rule set publishes the scores: the colleague reads it
        self.rs_nd335.publish_scores = True
        self.env.flush_all()
        self.env.invalidate_all()
        seen = {r.employee_id: r for r in self.results(self.user_staff)}
        self.assertTrue(seen[self.emp_staff2].score_shown)
        self.assertEqual(seen[self.emp_staff2].total_score, colleague.total_score)

    # ---- details: the people concerned only ----------------------------

    def test_details_are_read_by_the_people_concerned_only(self):
        appraisal = self.scored(self.emp_staff)
        self.env.flush_all()
        total = appraisal.total_score
        self.assertTrue(total)
        fnames = ["state", "result_level", "total_score", "strengths", "line_ids"]
        for user in (self.user_staff, self.user_leader, self.user_head, self.user_hr):
            with self.subTest(user=user.login):
                vals = appraisal.with_user(user).read(fnames)[0]
                self.assertEqual(vals["total_score"], total)
                self.assertEqual(vals["strengths"], "Punctual")
                self.assertTrue(vals["line_ids"])
                self.assertTrue(appraisal.with_user(user).kpi_details_readable)
        # the chairman reads the header, not the details
        as_chair = appraisal.with_user(self.user_chair)
        vals = as_chair.read(fnames)[0]
        self.assertEqual(vals["state"], "draft")
        self.assertEqual(vals["total_score"], 0.0)
        self.assertFalse(vals["strengths"])
        self.assertEqual(vals["line_ids"], [])
        self.assertFalse(as_chair.kpi_details_readable)
        web = as_chair.web_read({"total_score": {}, "evaluator_comment": {}})[0]
        self.assertEqual((web["total_score"], web["evaluator_comment"]), (0.0, False))
        # no search, sort, group or export by the details
        Appraisal = self.env["hr.kpi.appraisal"]
        domain = [("id", "=", appraisal.id), ("total_score", ">", 0)]
        self.assertEqual(Appraisal.with_user(self.user_head).search(domain), appraisal)
        self.assertFalse(Appraisal.with_user(self.user_chair).search(domain))
        self.assertEqual(
            Appraisal.with_user(self.user_chair).search_count(
                [("id", "=", appraisal.id)]
            ),
            1,
            "the header stays readable",
        )
        self.assertFalse(
            Appraisal.with_user(self.user_chair).search(
                [("id", "=", appraisal.id)], order="total_score desc"
            )
        )
        groups = Appraisal.with_user(self.user_chair).read_group(
            [("id", "=", appraisal.id)], ["total_score:max"], ["employee_id"]
        )
        self.assertFalse(groups)
        groups = Appraisal.with_user(self.user_head).read_group(
            [("id", "=", appraisal.id)], ["total_score:max"], ["employee_id"]
        )
        self.assertEqual(groups[0]["total_score"], total)
        with self.assertRaises(AccessError):
            as_chair.export_data(["employee_id", "total_score"])
        self.assertTrue(as_chair.export_data(["employee_id", "level_final"])["datas"])
        self.assertTrue(
            appraisal.with_user(self.user_head).export_data(["total_score"])["datas"]
        )
        # nor print the individual forms (phiếu, bảng kê)
        for report in ("report_appraisal_sheet", "report_task_list"):
            with self.subTest(report=report):
                Report = self.env[f"report.l10n_vn_hr_kpi.{report}"]
                with self.assertRaises(AccessError):
                    Report.with_user(self.user_chair)._get_report_values(appraisal.ids)
                self.assertTrue(
                    Report.with_user(self.user_head)._get_report_values(appraisal.ids)[
                        "forms"
                    ]
                )
        # nor the criterion lines directly
        self.assertFalse(
            self.env["hr.kpi.appraisal.line"]
            .with_user(self.user_chair)
            .search([("appraisal_id", "=", appraisal.id)])
        )
        # nor the analysis rows' scores
        Analysis = self.env["hr.kpi.appraisal.analysis"]
        row = Analysis.with_user(self.user_chair).search(
            [("appraisal_id", "=", appraisal.id)]
        )
        self.assertTrue(row)
        self.assertEqual(row.read(["total_score"])[0]["total_score"], 0.0)
        self.assertEqual(
            Analysis.with_user(self.user_head)
            .search([("appraisal_id", "=", appraisal.id)])
            .read(["total_score"])[0]["total_score"],
            total,
        )
        # the focal point of the unit reads them
        self.department.kpi_focal_point_id = self.emp_chair
        self.env.invalidate_all()
        self.assertEqual(self.user_chair.kpi_focal_department_ids, self.department)
        self.assertEqual(
            appraisal.with_user(self.user_chair).read(["total_score"])[0][
                "total_score"
            ],
            total,
        )

    def test_evidence_is_read_by_the_people_concerned_only(self):
        appraisal = self.scored(self.emp_staff)
        attachment = self.env["ir.attachment"].create(
            {
                "name": "minutes.pdf",
                "datas": base64.b64encode(b"%PDF-1.4 evidence"),
                "res_model": "hr.kpi.appraisal",
                "res_id": appraisal.id,
            }
        )
        self.assertTrue(attachment.with_user(self.user_head).read(["datas"]))
        self.assertTrue(attachment.with_user(self.user_staff).read(["datas"]))
        with self.assertRaises(AccessError):
            attachment.with_user(self.user_chair).read(["datas"])
        with self.assertRaises(AccessError):
            attachment.with_user(self.user_chair).unlink()
        Attachment = self.env["ir.attachment"]
        domain = [("res_model", "=", "hr.kpi.appraisal"), ("res_id", "=", appraisal.id)]
        self.assertFalse(Attachment.with_user(self.user_chair).search(domain))
        self.assertEqual(
            Attachment.with_user(self.user_head).search(domain), attachment
        )

    def test_the_chatter_is_read_by_the_people_concerned_only(self):
        appraisal = self.scored(self.emp_staff)
        appraisal.message_post(body="Return: the minutes are missing")
        Message = self.env["mail.message"]
        domain = [("model", "=", "hr.kpi.appraisal"), ("res_id", "=", appraisal.id)]
        messages = Message.search(domain)
        self.assertTrue(messages)
        self.assertEqual(Message.with_user(self.user_head).search(domain), messages)
        self.assertFalse(Message.with_user(self.user_chair).search(domain))
        with self.assertRaises(AccessError):
            messages.with_user(self.user_chair).read(["body"])
        self.assertTrue(messages.with_user(self.user_staff).read(["body"]))

    # ---- the access log ------------------------------------------------

    def test_reads_of_hr_and_heads_are_logged(self):
        appraisal = self.scored(self.emp_staff)
        self.env.flush_all()
        # the person's own read: not logged
        appraisal.with_user(self.user_staff).read(["total_score"])
        self.assertFalse(self.logs(self.user_staff, appraisal))
        # HR, the head and the chairman: one line each
        for user in (self.user_hr, self.user_head, self.user_chair):
            with self.subTest(user=user.login):
                appraisal.with_user(user).read(["state", "level_final"])
                log = self.logs(user, appraisal)
                self.assertEqual(len(log), 1)
                self.assertEqual(log.employee_id, self.emp_staff)
                self.assertEqual(log.operation, "read")
                self.assertEqual(log.record_name, appraisal.display_name)
                self.assertEqual(log.company_id, self.company)
                # the same read again soon after: no second line
                appraisal.with_user(user).web_read({"state": {}})
                self.assertEqual(len(self.logs(user, appraisal)), 1)
        # an hour later, a second line
        with freeze_time(fields.Datetime.now() + timedelta(hours=1)):
            appraisal.with_user(self.user_hr).read(["state"])
        self.assertEqual(len(self.logs(self.user_hr, appraisal)), 2)
        # an export is logged as such
        appraisal.with_user(self.user_hr).export_data(["total_score"])
        self.assertEqual(
            self.logs(self.user_hr, appraisal).mapped("operation").count("export"), 1
        )
        # the head's own appraisal read by himself: not logged
        own = self.make_appraisal(self.emp_head, decider_employee_id=self.emp_chair.id)
        own.with_user(self.user_head).read(["state"])
        self.assertFalse(self.logs(self.user_head, own))
        # a disciplinary event read by the head
        event = self.env["hr.kpi.employee.event"].create(
            {
                "employee_id": self.emp_staff.id,
                "event_type": "discipline",
                "discipline_form": "reprimand",
                "date": date(2026, 5, 10),
                "decision_ref": "12/QĐ-KL",
            }
        )
        event.with_user(self.user_head).read(["decision_ref"])
        self.assertEqual(len(self.logs(self.user_head, event)), 1)
        # HR reviews the log; a head cannot; nobody edits it
        lines = self.Log.with_user(self.user_hr).search(
            [("employee_id", "=", self.emp_staff.id)]
        )
        self.assertGreaterEqual(len(lines), 5)
        with self.assertRaises(AccessError):
            self.Log.with_user(self.user_head).search([])
        with self.assertRaises(AccessError):
            lines[:1].with_user(self.user_hr).write({"user_id": self.user_staff.id})
        with self.assertRaises(AccessError):
            lines[:1].with_user(self.user_hr).unlink()
        with self.assertRaises(AccessError):
            self.Log.with_user(self.user_hr).create(
                {"res_model": "hr.kpi.appraisal", "res_id": 1, "date": date.today()}
            )

    # ---- evidence retention --------------------------------------------

    def test_evidence_is_purged_after_the_retention(self):
        self.assertEqual(self.rs_nd335.evidence_retention_months, 60)
        with self.assertRaises(ValidationError):
            self.rs_nd335.evidence_retention_months = -1
        locked = self.scored(self.emp_staff)
        running = self.scored(self.emp_staff2)
        locked.sudo().write({"state": "locked", "level_final": "good"})
        Attachment = self.env["ir.attachment"]

        def attach(record):
            return Attachment.create(
                {
                    "name": "evidence.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4"),
                    "res_model": record._name,
                    "res_id": record.id,
                }
            )

        on_locked = attach(locked) | attach(locked.task_ids[:1])
        on_running = attach(running)
        Appraisal = self.env["hr.kpi.appraisal"]
        # May 2026 + 60 months: kept in 2030
        with freeze_time("2030-06-15"):
            self.assertEqual(Appraisal._cron_purge_evidence(), 0)
        self.assertTrue(on_locked.exists())
        self.rs_nd335.evidence_retention_months = 1
        with freeze_time("2026-06-15"):
            self.assertEqual(Appraisal._cron_purge_evidence(), 0, "May + 1 month")
            self.rs_nd335.evidence_retention_months = 0
        with freeze_time("2026-08-15"):
            self.assertEqual(Appraisal._cron_purge_evidence(), 0, "0 keeps them")
            self.rs_nd335.evidence_retention_months = 1
            self.assertEqual(Appraisal._cron_purge_evidence(), 2)
        self.assertFalse(on_locked.exists())
        self.assertTrue(on_running.exists(), "a result not locked keeps its evidence")
        self.assertTrue(locked.exists() and locked.total_score)
        purge = self.Log.search([("operation", "=", "purge")])
        self.assertEqual(purge.res_id, locked.id)


@tagged("post_install", "-at_install")
class TestLaw2026PrivacyRpc(HttpCase):
    """Over /web/dataset/call_kw, as the demo ward's chairman, with every guard
    key of the addon in the context: the details of a sub-unit's clerk (whom
    he neither evaluates nor decides) come back empty, cannot be searched,
    grouped or exported, and each read is in the access log."""

    def setUp(self):
        super().setUp()
        self.chair = self.env["res.users"].search([("login", "=", "chutich")])
        self.assertTrue(self.chair.kpi_head_department_ids)
        mine = self.env["hr.employee"].search([("user_id", "=", self.chair.id)]).ids
        self.appraisal = self.env["hr.kpi.appraisal"].search(
            [
                ("department_id", "child_of", self.chair.kpi_head_department_ids.ids),
                ("employee_id", "not in", mine),
                ("evaluator_employee_id", "not in", mine),
                ("decider_employee_id", "not in", mine),
                ("total_score", ">", 0),
            ],
            limit=1,
        )
        self.assertTrue(self.appraisal, "the demo has a sub-unit's scored clerk")

    def _call(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": dict(ALL_KEYS), **kwargs},
            },
        )

    def test_the_chairman_reads_no_details_of_a_clerk_he_does_not_decide(self):
        appraisal = self.appraisal
        Log = self.env["hr.kpi.access.log"]
        before = Log.search_count([("user_id", "=", self.chair.id)])
        self.authenticate("chutich", "chutich")
        spec = {"state": {}, "total_score": {}, "strengths": {}, "line_ids": {}}
        [vals] = self._call("hr.kpi.appraisal", "web_read", [appraisal.ids, spec])
        self.assertEqual(vals["state"], appraisal.state)
        self.assertFalse(vals["total_score"])
        self.assertFalse(vals["strengths"])
        self.assertEqual(vals["line_ids"], [])
        found = self._call(
            "hr.kpi.appraisal",
            "search_read",
            [[("id", "=", appraisal.id), ("total_score", ">", 0)], ["id"]],
        )
        self.assertEqual(found, [])
        groups = self._call(
            "hr.kpi.appraisal",
            "read_group",
            [[("id", "=", appraisal.id)], ["total_score:max"], ["employee_id"]],
        )
        self.assertEqual(groups, [])
        with self.assertRaises(JsonRpcException):
            self._call(
                "hr.kpi.appraisal", "export_data", [appraisal.ids, ["total_score"]]
            )
        lines = self._call(
            "hr.kpi.appraisal.line",
            "search_read",
            [[("appraisal_id", "=", appraisal.id)], ["self_points"]],
        )
        self.assertEqual(lines, [])
        # the reads are in the access log, with the clerk's name
        log = Log.search([("user_id", "=", self.chair.id)])
        self.assertEqual(len(log) - before, 1)
        self.assertEqual(log[:1].employee_id, appraisal.employee_id)
        self.assertEqual(log[:1].res_id, appraisal.id)
        # the appraisal itself is unchanged
        self.assertTrue(appraisal.total_score)
