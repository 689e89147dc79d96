import csv
import io
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.l10n_vn_hr_kpi.scripts.bench.benchmark import (
    CSV_FIELDS,
    STEPS,
    CityBenchmark,
    format_table,
    readme_markers,
    update_readme,
    write_csv,
)
from odoo.addons.l10n_vn_hr_kpi.scripts.bench.generate import (
    TASKS_PER_MONTH,
    find_city,
    generate_city,
)

RUN_MODULE = "odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_period_open_run"


@tagged("post_install", "-at_install")
class TestKpiBenchSmoke(TransactionCase):
    """The city generator and every benchmark step, at tiny N."""

    N_STAFF = 30
    N_DEPARTMENTS = 5
    MONTHS = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.info = generate_city(
            cls.env,
            n_staff=cls.N_STAFF,
            n_departments=cls.N_DEPARTMENTS,
            months=cls.MONTHS,
            log=lambda *args: None,
        )
        cls.company = cls.env["res.company"].browse(cls.info["company_id"])
        cls.period = cls.env["hr.kpi.period"].browse(cls.info["period_id"])

    def _count(self, model, domain):
        return self.env[model].with_context(active_test=False).search_count(domain)

    def test_generator(self):
        info = self.info
        self.assertEqual(find_city(self.env, self.N_STAFF), info)
        company = [("company_id", "=", self.company.id)]
        self.assertEqual(self._count("hr.employee", company), self.N_STAFF)
        departments = self.env["hr.department"].search(company)
        self.assertEqual(len(departments), self.N_DEPARTMENTS)
        # parent_path is consistent: child_of through the ORM finds the tree
        root = departments.filtered(lambda d: not d.parent_id)
        self.assertEqual(len(root), 1)
        self.assertEqual(
            self.env["hr.department"].search([("id", "child_of", root.id)]),
            departments,
        )
        for department in departments - root:
            self.assertEqual(
                department.parent_path,
                f"{department.parent_id.parent_path}{department.id}/",
            )
            self.assertTrue(department.manager_id)
            self.assertEqual(department.manager_id.department_id, department)
        self.assertGreaterEqual(
            max(len(d.parent_path.split("/")) - 1 for d in departments), 3
        )
        # every employee is readable through the ORM, with its resource
        employees = self.env["hr.employee"].search(company)
        self.assertTrue(all(e.name and e.resource_id.name == e.name for e in employees))
        # one configuration per employee with an evaluator (not the city's head)
        configs = self.env["hr.kpi.evaluation.config"].search(company)
        self.assertEqual(len(configs), info["n_configs"])
        self.assertEqual(len(configs), self.N_STAFF - 1)
        self.assertFalse(configs.filtered(lambda c: c.evaluator_id == c.employee_id))
        self.assertEqual(
            self.env["hr.kpi.evaluation.config"]._check_evaluable(
                configs.employee_id, self.period.date_start
            ),
            {},
        )
        # 10 tasks per person per month, history and open month
        for period_id in [*info["history_period_ids"], info["period_id"]]:
            self.assertEqual(
                self._count("hr.kpi.task", [("period_id", "=", period_id)]),
                TASKS_PER_MONTH * len(configs),
            )
        # history: decided, locked appraisals with their tasks and criterion lines
        history = self.env["hr.kpi.appraisal"].search(
            [("period_id", "in", info["history_period_ids"])]
        )
        self.assertEqual(len(history), len(configs) * self.MONTHS)
        self.assertEqual(set(history.mapped("state")), {"locked"})
        self.assertTrue(all(a.level_final for a in history))
        self.assertTrue(
            all(len(a.task_ids) == TASKS_PER_MONTH and a.line_ids for a in history)
        )
        # the open month has no appraisal yet: opening it is the first step
        self.assertEqual(
            self._count("hr.kpi.appraisal", [("period_id", "=", self.period.id)]), 0
        )
        self.assertEqual(self.period.state, "open")
        for key in ("head50", "evaluator", "head_large"):
            user = self.env["res.users"].browse(info[f"{key}_user_id"])
            self.assertEqual(
                self.env["hr.employee"].browse(info[f"{key}_employee_id"]).user_id,
                user,
            )

    def test_benchmark_steps(self):
        messages = []
        bench = CityBenchmark(self.env, self.info, log=messages.append)
        # the small city's units in several jobs, as a city's are
        with patch(f"{RUN_MODULE}.RUN_JOB_SIZE", max(self.info["n_configs"] // 4, 1)):
            # the opening through the jobs in one process, a diagnostic run on
            # demand, on the empty month (rolled back), then every step
            rows = bench.run(("open_month_jobs", *STEPS))
        results = bench.results
        self.assertEqual([r["step"] for r in rows], ["open_month_jobs", *STEPS])
        self.assertEqual(len(messages), len(STEPS) + 1)
        for row in rows:
            self.assertEqual(set(CSV_FIELDS) - set(row), set())
            self.assertGreater(row["orm_s"], 0)
            self.assertGreater(row["sql_s"], 0)
            self.assertGreater(row["peak_rss_mb"], 0)
            self.assertGreater(row["records"], 0, row["step"])
        # opening the month: one appraisal per configured employee, both ways
        n = self.info["n_configs"]
        self.assertEqual(results["open_month"], {"created": n, "sql_created": n})
        # through the jobs (rolled back afterwards): the run done, its units in
        # several jobs, every appraisal created, nothing failed
        jobs = results["open_month_jobs"]
        self.assertEqual(jobs["state"], "done")
        self.assertEqual(jobs["failed"], 0)
        self.assertEqual(jobs["created"], n)
        self.assertEqual(jobs["appraisals"], n)
        self.assertEqual(jobs["sql_created"], n)
        self.assertGreaterEqual(jobs["jobs"], 3)
        appraisals = self.env["hr.kpi.appraisal"].search(
            [("period_id", "=", self.period.id)]
        )
        self.assertEqual(len(appraisals), n)
        self.assertTrue(all(len(a.task_ids) == TASKS_PER_MONTH for a in appraisals))
        self.assertTrue(all(a.line_ids for a in appraisals))
        # recomputed scores: every appraisal has its level from the engine
        self.assertTrue(all(a.level_computed for a in appraisals))
        self.assertTrue(all(a.kpi_assigned_quantity > 0 for a in appraisals))
        # recomputed after the rule change: every task score follows the new rule
        self.assertEqual(results["recompute_changed"], {"stale": 0})
        # the head decided his unit, with the levels given
        decided = self.env["hr.kpi.appraisal"].browse(results["decide_unit"]["ids"])
        self.assertTrue(decided)
        self.assertEqual(set(decided.mapped("state")), {"decided"})
        self.assertEqual(
            {a.id: a.level_final for a in decided}, results["decide_unit"]["levels"]
        )
        self.assertEqual(decided.decided_by_id.id, results["decide_unit"]["head_uid"])
        # the quota of every unit, as many as plain SQL finds
        quota = results["quota_company"]
        self.assertEqual(quota["appraisals"], n)
        self.assertEqual(quota["units"], len(appraisals.department_id))
        self.assertEqual(quota["units"], quota["sql_units"])
        self.assertEqual(quota["holding"], quota["units"])
        # the HR officer's dashboard: the month's figures, as plain SQL counts
        # them, read from the kept figures, then counted live
        for step, kept in (
            ("dashboard_company", True),
            ("dashboard_company_live", False),
        ):
            dashboard = results[step]
            self.assertEqual(dashboard["kept"], kept, step)
            self.assertEqual(dashboard["appraisals"], n, step)
            self.assertEqual(dashboard["sql_appraisals"], n, step)
            self.assertEqual(dashboard["units"], dashboard["sql_units"], step)
        # the forms: the same rows as plain SQL, and an XLSX file
        form01 = results["export_01a_unit"]
        self.assertEqual(form01["rows"], form01["sql_rows"])
        self.assertEqual(form01["rows"], self.info["unit300_size"])
        self.assertGreater(form01["xlsx_bytes"], 1000)
        form02 = results["export_02a_company"]
        self.assertEqual(form02["units"], form02["sql_units"])
        self.assertEqual(form02["total"], n)
        # the lists as their users: the same first page as plain SQL
        for step in ("list_to_review", "list_my_unit", "list_my_unit_50"):
            page = results[step]
            self.assertTrue(page["ids"], step)
            self.assertEqual(set(page["ids"]), set(page["sql_ids"]), step)
            self.assertEqual(page["length"], page["sql_length"], step)
        # the CSV has a row per step and every column; the table a line per step
        parsed = list(csv.DictReader(io.StringIO(write_csv(rows))))
        self.assertEqual([r["step"] for r in parsed], ["open_month_jobs", *STEPS])
        self.assertEqual(tuple(parsed[0]), CSV_FIELDS)
        self.assertEqual(len(format_table(rows).strip().splitlines()), len(STEPS) + 3)
        # the README's table of this N, between its markers, and only it
        start, end = readme_markers(n)
        other_start, other_end = readme_markers(n + 1)
        readme = (
            f"Intro\n{start}\nold table\n{end}\n"
            f"{other_start}\nother table\n{other_end}\n"
        )
        updated = update_readme(readme, n, format_table(rows))
        self.assertIn(f"{start}\n{format_table(rows)}{end}", updated)
        self.assertNotIn("old table", updated)
        self.assertIn("other table", updated)
        self.assertEqual(update_readme("no markers", n, "x"), "no markers")
