"""Integrity of plans, weekly reports, the catalogue, the XLSX forms, the
imports and the counters: no context key grants a
right, user text never becomes a spreadsheet formula, imports refuse absurd
numbers with line numbers and store nothing, only the officials HR assigned to
a counter take it."""

import base64
import io
from datetime import date

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KpiCommon
from .test_kpi_reports import render_report_action

# texts a spreadsheet would run as formulas if written with ``write()``
INJECTIONS = (
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
)


def csv_data(*rows):
    return base64.b64encode("\n".join(rows).encode())


@tagged("post_install", "-at_install")
class TestIntegrityPlan(KpiCommon):
    # ------------------------------------------------------------------
    # 1. No context key grants a right
    # ------------------------------------------------------------------

    def _submitted_plan(self):
        plan = (
            self.env["hr.kpi.plan"]
            .with_user(self.user_staff)
            .create({"plan_type": "personal_weekly", "date_start": date(2026, 5, 20)})
        )
        self.env["hr.kpi.task"].with_user(self.user_staff).create(
            {
                "name": "Answer the voters",
                "employee_id": self.emp_staff.id,
                "product_id": self.product_std.id,
                "deadline": date(2026, 5, 20),
                "plan_id": plan.id,
            }
        )
        plan.with_user(self.user_staff).action_submit()
        self.assertEqual(plan.state, "submitted")
        return plan

    def test_plan_owner_cannot_accept_his_plan_with_or_without_key(self):
        plan = self._submitted_plan()
        for context in ({}, {"kpi_plan_workflow": True, "kpi_task_internal": True}):
            mine = plan.with_user(self.user_staff).with_context(**context)
            with self.assertRaises(AccessError):
                mine.action_accept()
            with self.assertRaises(UserError):
                mine.write({"state": "accepted"})
            with self.assertRaises(UserError):
                mine.write({"accepted_by_id": self.user_staff.id})
            plan.invalidate_recordset()
            self.assertEqual(plan.state, "submitted")
            self.assertFalse(plan.accepted_by_id)
            self.assertFalse(any(plan.task_ids.mapped("assignment_confirmed")))
        # the evaluator accepts it; his tasks become commitments
        plan.with_user(self.user_leader).action_accept()
        self.assertEqual(plan.state, "accepted")
        self.assertTrue(all(plan.task_ids.mapped("assignment_confirmed")))
        self.assertEqual(plan.task_ids.committed_deadline, date(2026, 5, 20))
        self.assertEqual(plan.task_ids.assigner_id, self.emp_leader)

    def test_author_cannot_review_his_weekly_report_with_or_without_key(self):
        report = (
            self.env["hr.kpi.weekly.report"]
            .with_user(self.user_staff)
            .create({"date_start": date(2026, 5, 21)})
        )
        report.with_user(self.user_staff).action_submit()
        self.assertEqual(report.state, "submitted")
        for context in ({}, {"kpi_report_internal": True}):
            mine = report.with_user(self.user_staff).with_context(**context)
            with self.assertRaises(AccessError):
                mine.action_review()
            with self.assertRaises(AccessError):
                mine.action_reset_draft()
            with self.assertRaises(UserError):
                mine.write({"state": "reviewed"})
            with self.assertRaises(UserError):
                mine.write({"reviewed_by_id": self.user_staff.id})
            with self.assertRaises(AccessError):
                mine.write({"evaluator_comment": "Very good"})
            report.invalidate_recordset()
            self.assertEqual(report.state, "submitted")
            self.assertFalse(report.reviewed_by_id)
            self.assertFalse(report.evaluator_comment)
        # the evaluator reviews it
        report.with_user(self.user_leader).action_review()
        self.assertEqual(report.state, "reviewed")
        self.assertEqual(report.reviewed_by_id, self.user_leader)

    def test_hr_officer_cannot_review_his_own_report(self):
        report = (
            self.env["hr.kpi.weekly.report"]
            .with_user(self.user_hr)
            .create({"date_start": date(2026, 5, 21)})
        )
        report.with_user(self.user_hr).action_submit()
        with self.assertRaises(AccessError):
            report.with_user(self.user_hr).action_review()
        self.assertEqual(report.state, "submitted")

    def test_approved_product_not_revalued_with_or_without_key(self):
        product = self.product_k2
        self.assertEqual(product.state, "approved")
        for context in ({}, {"kpi_product_internal": True}):
            mine = product.with_user(self.user_hr).with_context(**context)
            with self.assertRaises(UserError):
                mine.write({"points": 50.0})
            with self.assertRaises(UserError):
                mine.write({"standard_product_id": False})
            with self.assertRaises(UserError):
                mine.write({"state": "draft"})
            with self.assertRaises(UserError):
                mine.write({"is_standard": True})
            product.invalidate_recordset()
            self.assertEqual(product.points, 10.0)
            self.assertEqual(product.coefficient, 2.0)
            self.assertEqual(product.state, "approved")
            self.assertEqual(product.standard_product_id, self.product_std)
        # a new version is approved by the head only
        action = product.with_user(self.user_hr).action_new_version()
        new = self.env["hr.kpi.product"].browse(action["res_id"])
        new.with_user(self.user_hr).points = 30.0
        with self.assertRaises(UserError):
            new.with_user(self.user_leader).action_approve()
        self.assertEqual(new.state, "draft")
        new.with_user(self.user_head).action_approve()
        self.assertEqual((new.state, new.coefficient), ("approved", 6.0))
        self.assertFalse(product.active)

    # ------------------------------------------------------------------
    # 2. XLSX: user text is text
    # ------------------------------------------------------------------

    def test_xlsx_user_text_never_a_formula(self):
        task_name, job_title, name, unit = INJECTIONS
        self.department.name = unit
        self.emp_staff.write({"name": name, "job_title": job_title})
        self.make_task(self.emp_staff, quantity=2, name=task_name)
        appraisal = self.make_appraisal(
            self.emp_staff,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
        )
        appraisal.write({"strengths": "=1+1", "weaknesses": "@A1"})
        appraisal.write({"state": "decided", "level_final": "good"})
        forms = {
            "appraisal_sheet": (name, job_title, "=1+1"),
            "task_list": (task_name,),
            "unit_summary": (name, job_title),
            "agency_summary": (unit,),
        }
        for form, expected in forms.items():
            with self.subTest(form=form):
                wizard = self.env["hr.kpi.report.wizard"].create(
                    {
                        "period_id": self.period.id,
                        "form": form,
                        "file_format": "xlsx",
                        "appraisal_ids": [Command.set(appraisal.ids)],
                        "date_report": "2026-06-05",
                    }
                )
                content, _kind = render_report_action(self.env, wizard.action_print())
                workbook = load_workbook(io.BytesIO(content))
                values = []
                for sheet in workbook.worksheets:
                    for row in sheet.iter_rows():
                        for cell in row:
                            self.assertNotEqual(
                                cell.data_type,
                                "f",
                                f"{form}: {cell.coordinate} is a formula {cell.value}",
                            )
                            if isinstance(cell.value, str):
                                values.append(cell.value)
                for text in expected:
                    self.assertTrue(
                        any(text in value for value in values),
                        f"{form}: {text!r} is not written verbatim",
                    )
                if form == "task_list":
                    self.assertIn(task_name, values, "the task name alone in a cell")

    # ------------------------------------------------------------------
    # 3. Imports refuse absurd numbers, line by line, and store nothing
    # ------------------------------------------------------------------

    def test_plan_import_refuses_absurd_quantities(self):
        plan = (
            self.env["hr.kpi.plan"]
            .with_user(self.user_leader)
            .create(
                {
                    "plan_type": "unit_monthly",
                    "department_id": self.department.id,
                    "date_start": date(2026, 5, 1),
                }
            )
        )
        header = "No.,Task,Code,Qty,Deadline,Who,Out,KR"
        rows = [
            "1,Good,STD,2,20/05/2026,,,",
            "2,Not a number,STD,nan,20/05/2026,,,",
            "3,Infinite,STD,inf,20/05/2026,,,",
            "4,Negative,STD,-3,20/05/2026,,,",
            "5,Absurd,STD,1e12,20/05/2026,,,",
            "6,Bad share,STD,2,20/05/2026,Staff:nan,,",
            "7,Huge share,STD,2,20/05/2026,Staff:1e300,,",
        ]
        wizard = (
            self.env["hr.kpi.plan.import"]
            .with_user(self.user_leader)
            .create({"plan_id": plan.id, "data_file": csv_data(header, *rows)})
        )
        with self.assertRaises(UserError) as error:
            wizard.action_import()
        message = str(error.exception)
        for row in (3, 4, 5, 6, 7, 8):
            self.assertIn(f"Row {row}:", message)
        self.assertNotIn("Row 2:", message)
        self.assertFalse(plan.line_ids)
        self.assertFalse(
            self.env["hr.kpi.task"].search([("unit_plan_id", "=", plan.id)])
        )
        # the good row alone imports
        wizard.data_file = csv_data(header, rows[0])
        wizard.action_import()
        self.assertEqual(plan.line_ids.quantity, 2.0)

    def test_onestop_import_refuses_out_of_range_integers(self):
        self.emp_staff.identification_id = "CB001"
        self.emp_staff2.identification_id = "CB002"
        header = (
            "Official,Name,Received,Resolved,On time,Overdue,Satisfied,Neutral,"
            "Unsatisfied"
        )
        data = csv_data(
            header,
            "CB001,A,10,9,8,1,5,2,1",
            "CB002,B,99999999999,0,0,0,0,0,0",
        )
        wizard = (
            self.env["hr.kpi.onestop.import"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id, "data_file": data})
        )
        Stat = self.env["hr.kpi.onestop.stat"]
        for bad in ("99999999999", "2147483648", "-1", "nan", "inf", "1.5"):
            with self.subTest(value=bad):
                wizard.data_file = csv_data(
                    header, "CB001,A,10,9,8,1,5,2,1", f"CB002,B,{bad},0,0,0,0,0,0"
                )
                with self.assertRaises(UserError) as error:
                    wizard.action_import()
                message = str(error.exception)
                self.assertIn("Line 3:", message)
                self.assertNotIn("Line 2:", message)
                self.assertNotIn("out of range", message)
                self.assertFalse(Stat.search([("period_id", "=", self.period.id)]))
        wizard.data_file = csv_data(header, "CB001,A,10,9,8,1,5,2,1")
        wizard.action_import()
        self.assertEqual(
            Stat.search([("period_id", "=", self.period.id)]).employee_id,
            self.emp_staff,
        )

    # ------------------------------------------------------------------
    # 4. Only the officials HR assigned take a counter
    # ------------------------------------------------------------------

    def test_only_assigned_officials_take_a_counter(self):
        counter = self.env["hr.kpi.counter"].create(
            {"name": "Counter 9", "company_id": self.company.id}
        )
        mine = counter.with_user(self.user_staff)
        self.assertFalse(mine.can_take)
        with self.assertRaises(AccessError):
            mine.action_take_counter()
        self.assertFalse(counter.employee_id)
        # nobody but HR assigns the officials, not even to himself
        for user in (self.user_staff, self.user_leader, self.user_head):
            with self.assertRaises(AccessError):
                counter.with_user(user).write(
                    {"official_ids": [Command.link(self.emp_staff.id)]}
                )
            with self.assertRaises(AccessError):
                counter.with_user(user).write({"employee_id": self.emp_staff.id})
        counter.invalidate_recordset()
        self.assertFalse(counter.official_ids)
        self.assertFalse(counter.employee_id)
        # HR assigns him: now he takes it, and another official still cannot
        counter.with_user(self.user_hr).write(
            {"official_ids": [Command.link(self.emp_staff.id)]}
        )
        self.assertTrue(mine.can_take)
        mine.action_take_counter()
        self.assertEqual(counter.employee_id, self.emp_staff)
        with self.assertRaises(AccessError):
            counter.with_user(self.user_staff2).action_take_counter()
        self.assertEqual(counter.employee_id, self.emp_staff)
