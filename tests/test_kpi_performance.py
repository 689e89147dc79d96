import logging
from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KpiCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestKpiPerformance(KpiCommon):
    """Recomputing appraisals must not cost a query per appraisal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = 500
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.perf_employees = Employee.create(
            [
                {"name": f"Perf {i:03d}", "department_id": cls.department.id}
                for i in range(n)
            ]
        )
        cls.perf_period = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 7, 1)}
        )
        deadline = date(2026, 7, 15)
        tasks = []
        for i, employee in enumerate(cls.perf_employees):
            tasks += [
                {
                    "name": "Document",
                    "employee_id": employee.id,
                    "assigner_id": cls.emp_leader.id,
                    "product_id": cls.product_std.id,
                    "quantity": 3,
                    "completed_quantity": 3,
                    "quality_passed_quantity": 3 - i % 2,
                    "major_error_count": i % 3,
                    "deadline": deadline,
                    "date_done": deadline,
                    "state": "done",
                },
                {
                    "name": "Report",
                    "employee_id": employee.id,
                    "assigner_id": cls.emp_leader.id,
                    "product_id": cls.product_k2.id,
                    "quantity": 1,
                    "completed_quantity": i % 2,
                    "quality_passed_quantity": i % 2,
                    "deadline": deadline,
                    "date_done": date(2026, 7, 20) if i % 2 else False,
                    # an outcome counts once confirmed: done by the assigner
                    "state": "done" if i % 2 else "in_progress",
                },
            ]
        cls.env["hr.kpi.task"].create(tasks)
        # every tenth employee is the leader (evaluator) of the nine next ones
        leaders = cls.perf_employees[::10]
        vals_list = []
        for i, employee in enumerate(cls.perf_employees):
            is_leader = employee in leaders
            vals_list.append(
                {
                    "employee_id": employee.id,
                    "period_id": cls.perf_period.id,
                    "subject_group": "leader_deputy" if is_leader else "civil_servant",
                    "evaluator_employee_id": False
                    if is_leader
                    else leaders[i // 10].id,
                }
            )
        cls.appraisals = cls.env["hr.kpi.appraisal"].create(vals_list)
        cls.env.flush_all()

    def _queries_to_recompute(self, appraisals):
        """Queries to recompute every score of ``appraisals`` from a cold cache."""
        Appraisal = self.env["hr.kpi.appraisal"]
        self.env.invalidate_all()
        for fname in Appraisal._fields:
            field = Appraisal._fields[fname]
            if field.compute in (
                "_compute_task_block",
                "_compute_general_block",
                "_compute_vetoes",
                "_compute_result",
            ):
                self.env.add_to_compute(field, appraisals)
        before = self.env.cr.sql_log_count
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_scores_are_right(self):
        self.assertEqual(len(self.appraisals), 500)
        self.assertTrue(all(self.appraisals.mapped("level_computed")))
        leaders = self.appraisals.filtered("is_leader")
        self.assertEqual(len(leaders), 50)
        self.assertEqual(len(leaders[0].subordinate_appraisal_ids), 9)
        # staff 1: T1 3/3, p=2, 1 error; T2 k=2 done late once.
        # assigned 5; a = 100; b = (2 × 0.75 + 2)/5 = 70; c = (3 + 2 × 0.75)/5 = 90
        staff = self.appraisals.filtered(
            lambda a: a.employee_id == self.perf_employees[1]
        )
        self.assertAlmostEqual(staff.kpi_quality, 70.0)
        self.assertAlmostEqual(staff.kpi_progress, 90.0)
        self.assertAlmostEqual(staff.kpi_percent, 86.67)

    def test_criterion_lines_inserted_without_draft_records(self):
        """A month's criterion lines are created with their company and zero
        scores given, so the ORM builds no draft line to precompute them; the
        company still follows the appraisal and cannot be written otherwise."""
        self.assertEqual(self.appraisals.line_ids.company_id, self.company)
        some = self.appraisals[:5]
        count = len(some.line_ids)
        self.assertTrue(count)
        Line = type(self.env["hr.kpi.appraisal.line"])

        def no_draft(*args, **kwargs):
            raise AssertionError("a draft line was built")

        # a plain function, not a Mock: the ORM scans model classes' attributes
        with patch.object(Line, "new", no_draft):
            some._sync_criterion_lines()
        lines = some.line_ids
        self.assertEqual(len(lines), count)
        self.assertEqual(lines.company_id, self.company)
        self.assertEqual(set(lines.mapped("final_points")), {0.0})
        with self.assertRaises(UserError):
            lines[0].write({"company_id": self.other_company.id})
        self.assertEqual(lines[0].company_id, self.company)

    def test_recompute_query_count_does_not_grow(self):
        small = self.appraisals[:50]
        queries_50 = self._queries_to_recompute(small)
        queries_500 = self._queries_to_recompute(self.appraisals)
        _logger.info(
            "Recomputing scores: %s queries for 50 appraisals, %s for 500",
            queries_50,
            queries_500,
        )
        # a few more batches (UPDATE per 100 rows, fetch per 1000 records) at most,
        # never one query per appraisal
        self.assertLess(queries_500, 100, f"{queries_500} queries for 500 appraisals")
        self.assertLessEqual(
            queries_500 - queries_50,
            20,
            f"{queries_50} queries for 50 appraisals, {queries_500} for 500",
        )
        self.assertTrue(all(self.appraisals.mapped("level_computed")))

    def test_task_outcome_batch_write(self):
        """Flagging 1,000 tasks at once recomputes 500 appraisals in batch."""
        tasks = self.appraisals.task_ids
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        tasks.write({"exceeded_requirement": True})
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        _logger.info(
            "Writing 1,000 task outcomes and rescoring 500 appraisals: %s queries",
            queries,
        )
        self.assertLess(queries, 150, f"{queries} queries to rescore 500 appraisals")
        self.assertTrue(all(a.task_exceeded_count == 2 for a in self.appraisals))
