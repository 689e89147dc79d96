"""The company-wide quota check and Mẫu 02A of the company, above
the company's threshold, as background jobs of OCA queue_job (one per group of
whole units), with queue_job's own test helpers; below it, inline."""

import base64
import io
from unittest.mock import patch

from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError
from odoo.tests import common as odoo_tests_common
from odoo.tests import tagged
from odoo.tools import SQL

from .flow_common import KpiFlowCase

if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    # see test_kpi_period_open_jobs: older 18.0 sources lack this dict
    odoo_tests_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

RUN_MODULE = "odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_period_open_run"


@tagged("post_install", "-at_install")
class TestKpiCompanyPassJobs(KpiFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        office = cls.staff | cls.staff2 | cls.staff3 | cls.focal
        for employee in office | cls.sub_staff | cls.other_staff:
            cls._config(employee)
        cls.appraisals = cls.env["hr.kpi.appraisal"]
        for employee in office | cls.sub_staff | cls.other_staff:
            cls.appraisals |= cls._appraisal(employee)
        # the office rates three of its four excellently: over its quota
        excellent = cls.appraisals.filtered(
            lambda a: a.employee_id in cls.staff | cls.staff2 | cls.staff3
        )
        cls.env.flush_all()
        cls.env.execute_query(
            SQL(
                "UPDATE hr_kpi_appraisal SET level_proposed = CASE WHEN id = ANY(%s) "
                "THEN 'excellent' ELSE 'good' END WHERE id = ANY(%s)",
                excellent.ids,
                cls.appraisals.ids,
            )
        )
        cls.env.invalidate_all()
        # a low threshold: this ward's company-wide passes run in the background
        cls.company.kpi_open_job_threshold = 2

    def _run(self, action):
        self.assertEqual(action["res_model"], "hr.kpi.period.open.run")
        return self.env["hr.kpi.period.open.run"].browse(action["res_id"])

    def test_quota_check_as_jobs(self):
        with trap_jobs() as trap:
            run = self._run(self.period.with_user(self.user_hr).action_check_quotas())
        self.assertEqual(run.kind, "quota")
        self.assertEqual(run.state, "running")
        self.assertEqual(run.user_id, self.user_hr)
        trap.assert_jobs_count(len(run.unit_ids))
        for unit in run.unit_ids:
            trap.assert_enqueued_job(unit._kpi_job_company_pass)
        self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.kpi"})
        self.assertEqual(
            run.unit_ids.department_ids, self.office | self.sub | self.other
        )
        self.assertFalse(run.result_note, "nothing checked before the jobs run")
        trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.created_count, len(self.appraisals))
        self.assertIn("1 of 3 units over their quota", run.result_note)
        self.assertIn(self.office.display_name, run.result_note)
        self.assertNotIn(self.sub.display_name, run.result_note)
        # HR is told, with the result
        self.assertEqual(run.activity_ids.user_id, self.user_hr)
        self.assertIn("1 of 3", run.activity_ids.summary)
        # the same result as the check inline
        self.company.kpi_open_job_threshold = 0
        inline = self.period.with_user(self.user_hr).action_check_quotas()
        self.assertEqual(inline["tag"], "display_notification")
        self.assertIn("1 of 3 units over their quota", inline["params"]["message"])
        self.assertIn(self.office.name, inline["params"]["message"])

    def test_below_threshold_inline(self):
        self.company.kpi_open_job_threshold = len(self.appraisals) + 1
        with trap_jobs() as trap:
            action = self.period.with_user(self.user_hr).action_check_quotas()
        trap.assert_jobs_count(0)
        self.assertEqual(action["tag"], "display_notification")
        self.assertFalse(self.period.kpi_open_run_ids)

    def test_units_grouped_by_size_and_job_idempotent(self):
        with patch(f"{RUN_MODULE}.RUN_CHUNK_SIZE", 2), trap_jobs() as trap:
            run = self._run(self.period.with_user(self.user_hr).action_check_quotas())
        # whole units, by name, a job closed once it holds 2 appraisals or more
        units = run.unit_ids.sorted("id")
        self.assertEqual(units.department_ids, self.office | self.sub | self.other)
        self.assertEqual(
            len(units.department_ids), sum(len(u.department_ids) for u in units)
        )
        counts = {self.office: 4, self.sub: 1, self.other: 1}
        for unit in units:
            self.assertEqual(
                unit.employee_count, sum(counts[d] for d in unit.department_ids)
            )
        self.assertTrue(all(u.employee_count >= 2 for u in units[:-1]))
        self.assertEqual(sum(units.mapped("employee_count")), 6)
        trap.assert_jobs_count(len(units))
        names = [
            d.complete_name
            for u in units
            for d in u.department_ids.sorted(lambda d: d.complete_name)
        ]
        self.assertEqual(names, sorted(names), "in the order of the form")
        first = units.filtered(lambda u: self.office in u.department_ids)
        first = run.unit_ids.sorted("id")[0]
        first._kpi_job_company_pass()
        rows = first.result_data["rows"]
        self.assertEqual(
            {row["unit_id"] for row in rows}, set(first.department_ids.ids)
        )
        office = next(row for row in rows if row["unit_id"] == self.office.id)
        self.assertFalse(office["holds"])
        self.assertEqual(office["count"], 3)
        # performed again (the queue retried it): nothing changes
        first._kpi_job_company_pass()
        self.assertEqual(first.result_data["rows"], rows)
        self.assertEqual(first.state, "done")
        self.assertEqual(run.state, "running", "the other unit is pending")

    def test_agency_summary_as_jobs(self):
        wizard = (
            self.env["hr.kpi.report.wizard"]
            .with_user(self.user_hr)
            .create(
                {
                    "period_id": self.period.id,
                    "form": "agency_summary",
                    "file_format": "xlsx",
                }
            )
        )
        inline_form = (
            self.env["report.l10n_vn_hr_kpi.report_agency_summary"]
            .with_user(self.user_hr)
            ._get_form_data(self.period)
        )
        with patch(f"{RUN_MODULE}.RUN_CHUNK_SIZE", 2), trap_jobs() as trap:
            run = self._run(wizard.action_print())
        self.assertEqual(run.kind, "agency_summary")
        trap.assert_jobs_count(2)
        trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.result_filename, "Mau_02A_2026-03.xlsx")
        sheet = load_workbook(io.BytesIO(base64.b64decode(run.result_file))).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
        # one row per unit, numbered across the jobs, in the form's order
        for number, row in enumerate(inline_form["rows"], start=1):
            self.assertIn(row["unit"], cells)
            self.assertEqual(row["number"], number)
        office = next(r for r in inline_form["rows"] if r["unit"] == self.office.name)
        self.assertFalse(office["quota_holds"])
        self.assertIn(office["quota_status"], cells, "the office over its quota")
        self.assertIn(
            f"{len(inline_form['rows'])} units, {inline_form['total']} appraisals",
            run.result_note,
        )
        self.assertIn("02A", run.activity_ids.summary)
        # each job read the sending of its own units only, and got the same
        # sending as the form computed for the whole company
        job_rows = {
            row["unit"]: row
            for unit in run.unit_ids
            for row in unit.result_data["rows"]
        }
        for row in inline_form["rows"]:
            self.assertEqual(job_rows[row["unit"]]["sent"], row["sent"])
            self.assertEqual(job_rows[row["unit"]]["late"], row["late"])
        status = self.period._kpi_summary_status(departments=self.office)
        self.assertEqual(list(status[self.period.id]), [self.office])
        self.assertGreater(len(self.period._kpi_summary_status()[self.period.id]), 1)
        # the file and the rows are the HR officer's, not the focal point's
        with self.assertRaises(AccessError):
            run.with_user(self.user_focal).read(["result_file"])
        with self.assertRaises(AccessError):
            run.unit_ids.with_user(self.user_focal).read(["result_data"])
        self.assertTrue(run.with_user(self.user_hr).read(["result_file"]))

    def test_agency_summary_of_a_unit_stays_inline(self):
        wizard = (
            self.env["hr.kpi.report.wizard"]
            .with_user(self.user_hr)
            .create(
                {
                    "period_id": self.period.id,
                    "form": "agency_summary",
                    "file_format": "xlsx",
                    "department_id": self.office.id,
                }
            )
        )
        with trap_jobs() as trap:
            action = wizard.action_print()
        trap.assert_jobs_count(0)
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")

    def test_rights_at_enqueue_and_in_the_job(self):
        # not HR: refused before anything is enqueued
        for user in (self.user_head, self.user_focal, self.user_staff):
            with self.subTest(user=user.login), trap_jobs() as trap:
                with self.assertRaises(AccessError):
                    self.period.with_user(user).action_check_quotas()
                trap.assert_jobs_count(0)
        # the job runs as who enqueued it: his right is checked again
        with trap_jobs() as trap:
            run = self._run(self.period.with_user(self.user_hr).action_check_quotas())
        self.user_hr.groups_id = [
            (3, self.env.ref("l10n_vn_hr_kpi.group_kpi_hr_officer").id)
        ]
        self.env.invalidate_all()
        trap.perform_enqueued_jobs()
        self.assertEqual(set(run.unit_ids.mapped("state")), {"failed"})
        self.assertIn("HR officer", run.unit_ids[:1].error)
        self.assertFalse(run.result_note)
        # a second pass is refused while a run of the month is in progress
        self.user_hr.groups_id = [
            (4, self.env.ref("l10n_vn_hr_kpi.group_kpi_hr_officer").id)
        ]
        with trap_jobs():
            running = self._run(
                self.period.with_user(self.user_hr).action_check_quotas()
            )
            with self.assertRaises(UserError):
                self.period.with_user(self.user_hr).action_check_quotas()
        self.assertEqual(running.state, "running")
