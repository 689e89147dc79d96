"""Corrections: a published result is corrected by a replacement
decision (Mẫu 15 of the Đắk Lắk draft), never reopened nor rewritten; a change
of the criteria or rules never touches a decided month. Each test acts as the
user of each role."""

import math
from contextlib import closing
from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..reports.hr_kpi_report_form import vn_number
from .test_integrity_appraisal import ALL_KEYS, SCORES
from .test_kpi_rollup import RollupCommon

# AccessError and ValidationError are UserErrors (Odoo's assertRaises takes one class)
REFUSED = UserError

VERSION_FIELDS = (
    "active",
    "version",
    "original_id",
    "superseded_by_id",
    "correction_ref",
    "correction_reason",
    "correction_date",
)
DECISION_DATE = date(2026, 6, 5)


class CorrectionCommon(RollupCommon):
    """The unit of KpiCommon with twelve months of 2026 (RollupCommon), and a
    month run through the real workflow for the forms and the guards."""

    def setUp(self):
        super().setUp()
        self.Appraisal = self.env["hr.kpi.appraisal"]

    def published(self, employee, level="good", general=30.0, until="locked"):
        """A month scored (one perfect task and ``general`` points), reviewed
        by the leader, decided by the head, then published and locked
        (``until``: decided, published or locked), each step as its user."""
        appraisal = self.scored(employee, general)
        appraisal.with_user(self.user_leader).write({"level_proposed": level})
        appraisal.with_user(self.user_leader).action_review()
        appraisal.with_user(self.user_head).action_decide()
        if until in ("published", "locked"):
            appraisal.with_user(self.user_head).action_publish()
        if until == "locked":
            appraisal.with_user(self.user_head).action_lock()
        self.env.flush_all()
        return appraisal

    def correct(self, appraisal, user, level, score=None, **vals):
        """A correction decision through its wizard, as ``user``; returns the
        new version."""
        action = appraisal.with_user(user).action_correct()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create(
                {
                    "level": level,
                    "change_score": score is not None,
                    "total_score": score or 0.0,
                    "reason": vals.get("reason", "Committee review of the month"),
                    "document_ref": vals.get("document_ref", "15/QĐ-UBND"),
                    "document_date": vals.get("document_date", DECISION_DATE),
                }
            )
        )
        self.assertEqual(wizard.appraisal_id, appraisal)
        result = wizard.action_confirm()
        self.env.flush_all()
        self.env.invalidate_all()
        return self.Appraisal.browse(result["res_id"])

    def versions(self, appraisal):
        """Every version of the month of ``appraisal``, archived ones too."""
        return self.Appraisal.with_context(active_test=False).search(
            [
                ("employee_id", "=", appraisal.employee_id.id),
                ("period_id", "=", appraisal.period_id.id),
            ],
            order="version",
        )

    def snapshot(self, appraisal):
        """Its scores, decision and version fields, and its lines' points,
        from the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        record = appraisal.with_context(active_test=False)
        values = {fname: record[fname] for fname in (*SCORES, *VERSION_FIELDS)}
        values["lines"] = [
            (line.criterion_id.id, line.self_points, line.final_points)
            for line in record.line_ids
        ]
        return values

    def attempt(self, operation):
        """Run ``operation()`` in a savepoint rolled back: the refusal raised,
        or None."""
        savepoint = self.env.cr.savepoint()
        try:
            operation()
            self.env.flush_all()
            return None
        except REFUSED as error:
            return error
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestLaw2026Correction(CorrectionCommon):
    # ------------------------------------------------------------------
    # The new version replaces; the original stays readable and frozen
    # ------------------------------------------------------------------

    def test_correction_replaces_and_keeps_the_original_frozen(self):
        original = self.published(self.emp_staff, "good")
        task = original.task_ids
        self.assertTrue(task)
        before = self.snapshot(original)
        new = self.correct(original, self.user_head, "done", score=60.0)

        # the new version, linked to the original, is the month's current result
        self.assertEqual(
            (new.version, new.original_id, new.state, new.level_final),
            (2, original, "locked", "done"),
        )
        self.assertEqual(new.total_score, 60.0)
        self.assertEqual(
            new.level_computed,
            self.env["hr.kpi.engine"]._level_from_score(60.0, self.rs_nd335),
        )
        self.assertEqual(new.correction_ref, "15/QĐ-UBND")
        self.assertEqual(new.correction_date, DECISION_DATE)
        self.assertEqual(new.decided_by_id, self.user_head)
        self.assertFalse(original.active)
        self.assertEqual(original.superseded_by_id, new)
        self.assertEqual(new.replaced_id, original)
        month = [
            ("employee_id", "=", self.emp_staff.id),
            ("period_id", "=", self.period.id),
        ]
        self.assertEqual(self.Appraisal.search(month), new)
        self.assertEqual(self.versions(original), original | new)
        # the employee's list shows the current version only
        self.assertEqual(self.Appraisal.with_user(self.user_staff).search(month), new)
        # the snapshot is copied: the criterion points, the task block
        after = self.snapshot(new)
        self.assertEqual(after["lines"], before["lines"])
        for fname in ("general_score", "task_score", "kpi_quantity", "kpi_quality"):
            self.assertEqual(after[fname], before[fname])
        # the month's tasks follow its current version
        self.assertEqual(new.task_ids, task)
        self.assertEqual(original.task_count, new.task_count)

        # the original: unchanged, readable by those who read it before
        self.assertEqual(
            {
                k: v
                for k, v in self.snapshot(original).items()
                if k not in VERSION_FIELDS
            },
            {k: v for k, v in before.items() if k not in VERSION_FIELDS},
        )
        for user in (self.user_staff, self.user_leader, self.user_head, self.user_hr):
            with self.subTest(user=user.login):
                self.assertEqual(
                    original.with_user(user).read(["total_score", "version"])[0][
                        "total_score"
                    ],
                    before["total_score"],
                )
                self.assertEqual(original.with_user(user).version_count, 2)
        action = new.action_open_versions()
        self.assertEqual(
            self.Appraisal.with_context(**action["context"]).search(action["domain"]),
            original | new,
        )

        # ... and frozen: nothing changes it, nobody acts on it
        attempts = {
            "decider comment (head)": lambda: original.with_user(self.user_head).write(
                {"decider_comment": "late"}
            ),
            "evaluator comment (leader)": lambda: original.with_user(
                self.user_leader
            ).write({"evaluator_comment": "late"}),
            "strengths (employee)": lambda: original.with_user(self.user_staff).write(
                {"strengths": "late"}
            ),
            "task group (HR)": lambda: original.with_user(self.user_hr).write(
                {"task_group": "x"}
            ),
            "line points (HR)": lambda: (
                original.line_ids[:1]
                .with_user(self.user_hr)
                .write({"final_points": 0.0})
            ),
            "unarchive (HR)": lambda: original.with_user(
                self.user_hr
            ).action_unarchive(),
            "reopen (HR)": lambda: original.with_user(self.user_hr)._do_reopen("Again"),
            "correct the replaced version (head)": lambda: self.correct(
                original, self.user_head, "fail", score=20.0
            ),
            "archive the current version (HR)": lambda: new.with_user(
                self.user_hr
            ).action_archive(),
        }
        for name, operation in attempts.items():
            with self.subTest(attempt=name):
                self.assertIsNotNone(self.attempt(operation), f"{name} went through")
        self.assertEqual(
            {
                k: v
                for k, v in self.snapshot(original).items()
                if k not in VERSION_FIELDS
            },
            {k: v for k, v in before.items() if k not in VERSION_FIELDS},
        )
        self.assertEqual(self.snapshot(new), after)
        self.assertFalse(
            any(
                original.with_user(self.user_hr)[f"can_{step}"]
                for step in ("reopen", "correct", "lock", "appeal")
            )
        )

    def test_one_current_version_per_month(self):
        """The unique index of an employee's month holds on its current
        versions: a second current appraisal is refused, the archived
        versions are not counted."""
        original = self.published(self.emp_staff, "good")
        new = self.correct(original, self.user_hr, "done")
        self.assertEqual(self.versions(original), original | new)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.make_appraisal(self.emp_staff)
        # the superuser reviving the original collides with the current version
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            original.write({"active": True})
            self.env.flush_all()

    def test_correction_changes_the_annual_result(self):
        months = self.year_of(self.emp_staff, [95] * 12)
        self.compute()
        year = self.get(self.emp_staff)
        self.assertEqual((year.level_computed, year.months_fail), ("excellent", 0))
        august = months[7]
        new = self.correct(august, self.user_hr, "fail", score=40.0)
        # the roll-up was recomputed on the current version, the original left out
        year = self.get(self.emp_staff)
        self.assertEqual(year.months_evaluated, 12)
        self.assertEqual(year.months_fail, 1)
        self.assertNotEqual(year.level_computed, "excellent")
        self.assertAlmostEqual(
            year.total_mean,
            self.env["hr.kpi.engine"]._round(
                (sum(m.total_score for m in months if m != august) + new.total_score)
                / 12,
                self.rs_nd335,
            ),
        )
        self.assertTrue(self.get(self.emp_staff, 3).months_fail)
        # the published result of August is the corrected one, once
        published = self.env["hr.kpi.published.result"].search(
            [
                ("employee_id", "=", self.emp_staff.id),
                ("period_id", "=", august.period_id.id),
            ]
        )
        self.assertEqual(published.mapped("id"), new.ids)
        self.assertEqual((published.level, published.total_score), ("fail", 40.0))
        # and the analysis counts one decided month of August, the current one
        analysis = self.env["hr.kpi.appraisal.analysis"].search(
            [
                ("employee_id", "=", self.emp_staff.id),
                ("period_id", "=", august.period_id.id),
            ]
        )
        self.assertEqual(analysis.mapped("appraisal_id"), new)

    def test_a_published_month_keeps_its_appeal_window(self):
        original = self.published(self.emp_staff, "good", until="published")
        new = self.correct(original, self.user_hr, "done")
        self.assertEqual(new.state, "published")
        self.assertEqual(new.published_date, original.published_date)
        self.assertEqual(new.appeal_deadline, original.appeal_deadline)
        self.assertTrue(new.with_user(self.user_staff).can_appeal)
        self.assertFalse(original.with_user(self.user_staff).can_appeal)
        self.assertEqual(new.with_user(self.user_staff).result_level, "done")
        # a second correction replaces the current version
        third = self.correct(new, self.user_head, "good", document_ref="16/QĐ-UBND")
        self.assertEqual((third.version, third.original_id), (3, original))
        self.assertEqual(new.superseded_by_id, third)
        self.assertEqual(third.replaced_id, new)
        self.assertEqual(original.version_count, 3)
        self.assertEqual(self.versions(original), original | new | third)

    def test_period_recompute_keeps_the_correction(self):
        original = self.published(self.emp_staff, "good")
        new = self.correct(original, self.user_head, "done", score=60.0)
        before = (self.snapshot(original), self.snapshot(new))
        self.period.with_user(self.user_hr).action_recompute_scores()
        self.assertEqual((self.snapshot(original), self.snapshot(new)), before)

    # ------------------------------------------------------------------
    # Who corrects, and with what
    # ------------------------------------------------------------------

    def test_who_may_correct(self):
        original = self.published(self.emp_staff, "good")
        refused = {
            "the employee": self.user_staff,
            "the evaluator": self.user_leader,
            "another evaluator": self.user_other_evaluator,
            "another unit's head": self.user_head2,
        }
        for name, user in refused.items():
            with self.subTest(user=name):
                try:
                    can_correct = original.with_user(user).can_correct
                except AccessError:  # who cannot read it reads no flag either
                    can_correct = False
                self.assertFalse(can_correct)
                self.assertIsNotNone(
                    self.attempt(
                        lambda user=user: original.with_user(user)._do_correct(
                            "done", "A reason", "15/QĐ-UBND"
                        )
                    )
                )
                self.assertIsNotNone(
                    self.attempt(lambda user=user: self.correct(original, user, "done"))
                )
        self.assertEqual(self.versions(original), original)
        for name, user in {"the decider": self.user_head, "HR": self.user_hr}.items():
            with self.subTest(user=name):
                self.assertTrue(original.with_user(user).can_correct)
                self.assertIsNone(
                    self.attempt(lambda user=user: self.correct(original, user, "done"))
                )
        # never on one's own result, even as HR
        own = self.published(self.emp_hr, "good")
        self.assertFalse(own.with_user(self.user_hr).can_correct)
        self.assertIsNotNone(
            self.attempt(lambda: self.correct(own, self.user_hr, "done"))
        )
        self.assertEqual(self.versions(own), own)

    def test_reason_and_document_are_required_numbers_bounded(self):
        original = self.published(self.emp_staff, "good")
        as_head = original.with_user(self.user_head)
        future = fields.Date.context_today(original) + timedelta(days=1)
        bad = {
            "no reason": ("done", "", "15/QĐ-UBND", {}),
            "a blank reason": ("done", "   ", "15/QĐ-UBND", {}),
            "no document": ("done", "A reason", "", {}),
            "a blank document": ("done", "A reason", "  ", {}),
            "no level": (False, "A reason", "15/QĐ-UBND", {}),
            "an unknown level": ("best", "A reason", "15/QĐ-UBND", {}),
            "a future decision": (
                "done",
                "A reason",
                "15/QĐ-UBND",
                {"document_date": future},
            ),
            "nothing corrected": ("good", "A reason", "15/QĐ-UBND", {}),
        }
        for score in (math.nan, math.inf, -math.inf, -1.0, 100.5, "80", True):
            bad[f"score {score!r}"] = (
                "done",
                "A reason",
                "15/QĐ-UBND",
                {"total_score": score},
            )
        for name, (level, reason, ref, kwargs) in bad.items():
            with self.subTest(input=name):
                self.assertIsNotNone(
                    self.attempt(
                        lambda level=level, reason=reason, ref=ref, kw=kwargs: (
                            as_head._do_correct(level, reason, ref, **kw)
                        )
                    )
                )
        self.assertEqual(self.versions(original), original)
        # the wizard refuses them as well: a reason and a number are required
        with self.assertRaises(REFUSED):
            self.correct(original, self.user_head, "done", reason=" ")
        with self.assertRaises(REFUSED):
            self.correct(original, self.user_head, "done", document_ref="  ")
        self.assertEqual(self.versions(original), original)
        # the bounds themselves are allowed
        new = self.correct(original, self.user_head, "fail", score=0.0)
        self.assertEqual(new.total_score, 0.0)

    def test_level_above_the_corrected_score_refused(self):
        original = self.published(self.emp_staff, "good")
        self.assertEqual(original.level_computed, "excellent")
        engine = self.env["hr.kpi.engine"]
        allowed = engine._level_from_score(65.0, self.rs_nd335)
        self.assertEqual(allowed, "done")
        for level in ("good", "excellent"):
            with self.subTest(level=level), self.assertRaises(REFUSED):
                self.correct(original, self.user_head, level, score=65.0)
        self.assertEqual(self.versions(original), original)
        new = self.correct(original, self.user_head, "done", score=65.0)
        self.assertEqual((new.level_final, new.level_computed), ("done", "done"))

    def test_a_veto_still_bounds_the_corrected_level(self):
        self.env["hr.kpi.employee.event"].create(
            {
                "employee_id": self.emp_staff.id,
                "event_type": "discipline",
                "discipline_form": "reprimand",
                "date": date(2026, 5, 10),
                "decision_ref": "7/QĐ-UBND",
            }
        )
        original = self.published(self.emp_staff, "fail")
        self.assertTrue(original.is_vetoed)
        with self.assertRaises(REFUSED):
            self.correct(original, self.user_hr, "good", score=95.0)
        new = self.correct(original, self.user_hr, "fail", score=95.0)
        self.assertEqual(
            (new.level_by_score, new.level_computed), ("excellent", "fail")
        )
        self.assertTrue(new.level_reasons)

    def test_quota_counts_the_corrected_version_instead_of_the_original(self):
        for filler in self.fillers:
            self.month(filler, 5, 80)
        star = self.month(self.emp_staff, 5, 95)
        rising = self.month(self.emp_staff2, 5, 95, level="good")
        # 6 rated well completed: a cap of 1, taken by ``star``
        with self.assertRaises(REFUSED):
            self.correct(rising, self.user_head, "excellent")
        self.assertEqual(self.versions(rising), rising)
        self.assertTrue(rising.active)
        # the star's result corrected: his new version counts, not the original
        star_v2 = self.correct(star, self.user_head, "good")
        self.assertEqual(star_v2.level_final, "good")
        rising_v2 = self.correct(rising, self.user_head, "excellent")
        self.assertEqual(rising_v2.level_final, "excellent")
        (result,) = self.env["hr.kpi.quota"]._check(
            self.Appraisal.search([("period_id", "=", self.period.id)])
        )
        self.assertTrue(result.holds)
        self.assertEqual(result.excellent, rising_v2)

    # ------------------------------------------------------------------
    # Reopen: only before the publication
    # ------------------------------------------------------------------

    def test_reopen_only_a_month_not_yet_published(self):
        decided = self.published(self.emp_staff, "good", until="decided")
        self.assertFalse(decided.with_user(self.user_head).can_correct)
        with self.assertRaises(REFUSED):
            self.correct(decided, self.user_head, "done")
        self.assertTrue(decided.with_user(self.user_head).can_reopen)
        decided.with_user(self.user_head)._do_reopen("Wrong task counted")
        self.assertEqual(decided.state, "reviewed")
        decided.with_user(self.user_head).action_decide()
        decided.with_user(self.user_head).action_publish()
        for state in ("published", "locked"):
            if state == "locked":
                decided.with_user(self.user_head).action_lock()
            for user in (self.user_head, self.user_hr):
                with self.subTest(state=state, user=user.login):
                    self.assertFalse(decided.with_user(user).can_reopen)
                    self.assertTrue(decided.with_user(user).can_correct)
                    with self.assertRaises(REFUSED):
                        decided.with_user(user)._do_reopen("Committee decision")
                    self.assertEqual(decided.state, state)

    # ------------------------------------------------------------------
    # The forms print the current version with the note
    # ------------------------------------------------------------------

    def _html(self, report, ids, data=None):
        html, kind = self.env["ir.actions.report"]._render_qweb_html(report, ids, data)
        self.assertEqual(kind, "html")
        return html.decode()

    def test_sheet_and_01a_print_the_correction(self):
        original = self.published(self.emp_staff, "good")
        new = self.correct(original, self.user_head, "done", score=60.0)
        Sheet = self.env["report.l10n_vn_hr_kpi.report_appraisal_sheet"]
        html = self._html("l10n_vn_hr_kpi.report_appraisal_sheet", new.ids)
        (note,) = Sheet._version_notes(new.with_context(lang=Sheet._reasons_lang()))
        # the decision, and the result it replaced
        for text in ("15/QĐ-UBND", "05/06/2026", vn_number(original.total_score)):
            self.assertIn(text, note)
        self.assertIn(note, html)
        self.assertIn(Sheet._get_form_data(new)[0]["level_final"], html)
        # the original's own sheet says it was replaced
        html_original = self._html(
            "l10n_vn_hr_kpi.report_appraisal_sheet", original.ids
        )
        (replaced,) = Sheet._version_notes(
            original.with_context(lang=Sheet._reasons_lang())
        )
        self.assertIn(replaced, html_original)
        self.assertNotIn(note, html_original)
        # Mẫu 01A: one row for the employee, the current version, with the note
        Unit = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]
        form = Unit._get_form_data(self.period, self.department)
        rows = [row for row in form["rows"] if row["name"] == self.emp_staff.name]
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["level"], rows[0]["final_score"]), ("done", 60.0))
        short = Unit._correction_short_note(new.with_context(lang=Unit._reasons_lang()))
        self.assertIn("15/QĐ-UBND", short)
        self.assertIn(short, rows[0]["note"])
        html_01a = self._html(
            "l10n_vn_hr_kpi.report_unit_summary",
            self.period.ids,
            {"department_id": self.department.id},
        )
        self.assertIn(short, html_01a)

    def test_the_correction_decision_prints_what_it_replaces(self):
        original = self.published(self.emp_staff, "good")
        new = self.correct(original, self.user_head, "done", score=60.0)
        html = self._html("l10n_vn_hr_kpi.report_correction_decision", new.ids)
        for text in (
            "QUYẾT ĐỊNH",
            "Mẫu số 15",
            "15/QĐ-UBND",
            self.emp_staff.name,
            "Committee review of the month",
            vn_number(original.total_score),
            "60",
            "Hoàn thành tốt nhiệm vụ",
            "Hoàn thành nhiệm vụ",
            "ngày 05 tháng 6 năm 2026",
        ):
            self.assertIn(text, html)
        # a result never corrected has no decision to print
        with self.assertRaises(UserError):
            self._html("l10n_vn_hr_kpi.report_correction_decision", original.ids)
        # it names the scores: only who reads the details prints it
        Report = self.env["report.l10n_vn_hr_kpi.report_correction_decision"]
        for user, allowed in ((self.user_staff, True), (self.user_head, True)):
            with self.subTest(user=user.login):
                values = Report.with_user(user)._get_report_values(new.ids)
                self.assertEqual(bool(values["forms"]), allowed)
        with self.assertRaises(AccessError):
            Report.with_user(self.user_other_evaluator)._get_report_values(new.ids)

    def test_sheet_of_a_pilot_rule_set_says_so(self):
        appraisal = self.published(self.emp_staff, "good")
        Sheet = self.env["report.l10n_vn_hr_kpi.report_appraisal_sheet"]
        self.assertFalse(Sheet._rule_set_status_note(self.rs_nd335))
        html = self._html("l10n_vn_hr_kpi.report_appraisal_sheet", appraisal.ids)
        self.assertNotIn("o_kpi_status", html)
        # a frozen rule set may still go from pilot to official and back: its
        # rules do not change
        self.rs_nd335.write({"status": "pilot"})
        label = Sheet._rule_set_status_note(
            self.rs_nd335.with_context(lang=Sheet._reasons_lang())
        )
        self.assertTrue(label)
        html = self._html("l10n_vn_hr_kpi.report_appraisal_sheet", appraisal.ids)
        self.assertIn(f"({label})", html)


@tagged("post_install", "-at_install")
class TestLaw2026CriteriaFrozen(CorrectionCommon):
    """Point 7: a change of criteria or rules never touches a decided month."""

    def test_criteria_and_rules_of_a_decided_month_never_change(self):
        decided = self.published(self.emp_staff, "good", until="decided")
        draft = self.make_appraisal(self.emp_staff2)
        before = self.snapshot(decided)
        line_ids = decided.line_ids.ids
        criterion = decided.line_ids[:1].criterion_id
        # as the superuser: the strongest writer is refused too
        admin = self.env.user
        attempts = {
            "a criterion's maximum": lambda: criterion.with_user(admin).write(
                {"max_points": criterion.max_points - 1}
            ),
            "a new criterion": lambda: (
                self.env["hr.kpi.criterion"]
                .with_user(admin)
                .create(
                    {
                        "rule_set_id": self.rs_nd335.id,
                        "subject_group": "civil_servant",
                        "name": "A new item",
                        "max_points": 0.0,
                    }
                )
            ),
            "a criterion removed": lambda: criterion.with_user(admin).unlink(),
            "a threshold": lambda: self.rs_nd335.with_user(admin).write(
                {"threshold_good": 75.0}
            ),
            "the deduction rate": lambda: self.rs_nd335.with_user(admin).write(
                {"deduction_percent": 10.0}
            ),
            "the criteria reset (HR)": lambda: decided.with_user(
                self.user_hr
            ).action_reset_criteria(),
            "the lines resynced": lambda: decided._sync_criterion_lines(),
            "another rule set (HR)": lambda: decided.with_user(self.user_hr).write(
                {"rule_set_id": self.rs_hn3814.id}
            ),
        }
        for name, operation in attempts.items():
            with self.subTest(change=name):
                self.assertIsNotNone(self.attempt(operation), f"{name} went through")
                self.assertEqual(self.snapshot(decided), before)
                self.assertEqual(decided.line_ids.ids, line_ids)
        # a rule set switched by the superuser resyncs the drafts only
        (decided | draft).sudo().write({"subject_group": "civil_servant"})
        self.assertEqual(decided.line_ids.ids, line_ids)
        # a new version takes over: its criteria change, the decided month's do not
        action = self.rs_nd335.with_user(admin).action_new_version()
        successor = self.env["hr.kpi.rule.set"].browse(action["res_id"])
        successor.criterion_ids.filtered("is_leaf")[:1].with_user(admin).write(
            {"max_points": 0.0}
        )
        self.assertEqual(self.snapshot(decided), before)
        self.assertEqual(decided.line_ids.ids, line_ids)


@tagged("post_install", "-at_install")
class TestLaw2026CorrectionRpc(HttpCase):
    """Over /web/dataset/call_kw, as each demo role with every guard key in
    the context: nobody makes a correction by writing the version fields (or
    archiving a result) directly. Each call is refused or changes nothing."""

    LOGINS = ("hr", "chutich", "truongphong", "phophong", "daumoi", "nhanvien")
    REFUSALS = {
        "odoo.exceptions.AccessError",
        "odoo.exceptions.UserError",
        "odoo.exceptions.ValidationError",
        "odoo.exceptions.MissingError",
    }

    def setUp(self):
        super().setUp()
        Appraisal = self.env["hr.kpi.appraisal"]
        company = self.env["res.users"].search([("login", "=", "nhanvien")]).company_id
        self.locked = Appraisal.search(
            [("company_id", "=", company.id), ("state", "=", "locked")],
            order="period_start desc, id",
            limit=2,
        )
        self.assertEqual(len(self.locked), 2, "the demo has locked months")
        self.target, self.other = self.locked

    def _snapshot(self):
        self.env.invalidate_all()
        Appraisal = self.env["hr.kpi.appraisal"].with_context(active_test=False)
        records = Appraisal.browse(self.locked.ids)
        return (
            [
                {
                    f: (r[f].ids if hasattr(r[f], "ids") else r[f])
                    for f in (*SCORES, *VERSION_FIELDS)
                }
                for r in records
            ],
            Appraisal.search_count(
                [
                    ("employee_id", "=", self.target.employee_id.id),
                    ("period_id", "=", self.target.period_id.id),
                ]
            ),
        )

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": dict(ALL_KEYS)},
            },
        )

    def _attacks(self):
        target, other = self.target, self.other
        ids = target.ids
        return [
            ("archive it", "hr.kpi.appraisal", "write", [ids, {"active": False}]),
            ("archive it by the action", "hr.kpi.appraisal", "action_archive", [ids]),
            (
                "mark it replaced",
                "hr.kpi.appraisal",
                "write",
                [ids, {"superseded_by_id": other.id}],
            ),
            (
                "write a correction on it",
                "hr.kpi.appraisal",
                "write",
                [
                    ids,
                    {
                        "version": 2,
                        "original_id": other.id,
                        "correction_ref": "RPC 1/QĐ",
                        "correction_reason": "RPC",
                        "level_final": "excellent",
                    },
                ],
            ),
            (
                "create a version of it",
                "hr.kpi.appraisal",
                "create",
                [
                    {
                        "employee_id": target.employee_id.id,
                        "period_id": target.period_id.id,
                        "original_id": target.id,
                        "version": 2,
                        "correction_ref": "RPC 2/QĐ",
                        "correction_reason": "RPC",
                    }
                ],
            ),
            (
                "create an archived copy",
                "hr.kpi.appraisal",
                "create",
                [
                    {
                        "employee_id": target.employee_id.id,
                        "period_id": target.period_id.id,
                        "active": False,
                    }
                ],
            ),
            ("call the private correction", "hr.kpi.appraisal", "_do_correct", [ids]),
            (
                "call the private version maker",
                "hr.kpi.appraisal",
                "_kpi_create_version",
                [ids],
            ),
        ]

    def test_no_role_writes_a_version_over_rpc(self):
        for login in self.LOGINS:
            self.authenticate(login, login)
            for name, model, method, args in self._attacks():
                with self.subTest(login=login, attack=name):
                    self.env.flush_all()
                    with closing(self.env.cr.savepoint()):
                        before = self._snapshot()
                        try:
                            self._call(model, method, args)
                        except JsonRpcException as error:
                            self.assertIn(str(error), self.REFUSALS)
                        after = self._snapshot()
                    self.env.invalidate_all()
                    self.assertEqual(after, before, f"{login}: {name} went through")
            self.logout()

    def test_the_employee_cannot_open_a_correction(self):
        """The employee's own locked month: the correction's wizard and step are
        refused to him over RPC too."""
        user = self.env["res.users"].search([("login", "=", "nhanvien")])
        employee = user.with_company(user.company_id).employee_id
        Appraisal = self.env["hr.kpi.appraisal"]
        own = Appraisal.search(
            [("employee_id", "=", employee.id), ("state", "=", "locked")], limit=1
        )
        if not own:
            # the demo locks the past months of the employees without a login
            # only: his last month is put at the step (fixture, as superuser)
            own = Appraisal.search(
                [("employee_id", "=", employee.id)], order="period_start", limit=1
            )
            self.assertTrue(own, "the demo employee has a month")
            own.write({"state": "locked", "level_final": own.level_computed or "done"})
            self.env.flush_all()
        self.locked = own | self.other
        self.target = own
        self.authenticate("nhanvien", "nhanvien")
        for name, method, args in (
            ("open the correction", "action_correct", [own.ids]),
        ):
            with self.subTest(attack=name):
                before = self._snapshot()
                with self.assertRaises(JsonRpcException) as caught:
                    self._call("hr.kpi.appraisal", method, args)
                self.assertIn(str(caught.exception), self.REFUSALS)
                self.assertEqual(self._snapshot(), before)
        before = self._snapshot()
        with self.assertRaises(JsonRpcException) as caught:
            self._call(
                "hr.kpi.appraisal.correction",
                "create",
                [
                    {
                        "appraisal_id": own.id,
                        "level": "excellent",
                        "reason": "RPC",
                        "document_ref": "RPC 3/QĐ",
                    }
                ],
            )
        self.assertIn(str(caught.exception), self.REFUSALS)
        self.assertEqual(self._snapshot(), before)
