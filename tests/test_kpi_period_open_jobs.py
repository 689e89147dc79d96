"""Opening a month above the company's threshold as background jobs
of OCA queue_job (one per unit), with queue_job's own test helpers."""

import importlib.util
from datetime import date
from pathlib import Path
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests import common as odoo_tests_common
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL

from .common import KpiCommon
from .flow_common import KpiFlowCase

if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    # queue_job 18.0.3.1.3+ registers its patcher in this dict of the newer
    # Odoo 18.0 sources; older 18.0 sources (the set-up keeps the one it
    # cloned) have no such dict and nothing reads it
    odoo_tests_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

RUN_MODULE = "odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_period_open_run"
MIGRATION = Path(__file__).parent.parent / "migrations/18.0.1.3.0/post-40-jobs.py"


@tagged("post_install", "-at_install")
class TestKpiPeriodOpenJobs(KpiFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config_staff = cls._config(cls.staff)
        cls.config_staff2 = cls._config(cls.staff2)
        cls.config_sub = cls._config(cls.sub_staff)
        cls.config_other = cls._config(cls.other_staff)
        cls.config_office_head = cls._config(
            cls.office_head, subject_group="leader_head"
        )
        # staff3, focal, heads, HR: no configuration (left out)
        cls.expected = (
            cls.staff | cls.staff2 | cls.sub_staff | cls.other_staff | cls.office_head
        )
        # a low threshold: this ward opens its months in the background
        cls.company.kpi_open_job_threshold = 2
        cls.product = cls.env["hr.kpi.product"].create(
            {
                "code": "JOB",
                "name": "Document",
                "points": 5.0,
                "is_standard": True,
                "company_id": cls.company.id,
            }
        )

    def _task(self, employee):
        return self.env["hr.kpi.task"].create(
            {
                "name": f"Task of {employee.name}",
                "employee_id": employee.id,
                "assigner_id": self.head.id,
                "product_id": self.product.id,
                "quantity": 1,
                "deadline": date(2026, 3, 20),
            }
        )

    def _wizard(self, user=None, **vals):
        return (
            self.env["hr.kpi.period.open"]
            .with_user(user or self.user_hr)
            .create({"period_id": self.period.id, **vals})
        )

    def _start(self, user=None, **vals):
        """Open the month as ``user``, the jobs trapped: the run and its trap."""
        with trap_jobs() as trap:
            action = self._wizard(user, **vals).action_open_month()
        self.assertEqual(action["res_model"], "hr.kpi.period.open.run")
        return self.env["hr.kpi.period.open.run"].browse(action["res_id"]), trap

    def _appraisals(self):
        return self.env["hr.kpi.appraisal"].search([("period_id", "=", self.period.id)])

    def test_enqueue_one_unit_a_run_row_small_units_grouped_in_jobs(self):
        run, trap = self._start()
        self.assertEqual(run.state, "running")
        self.assertEqual(run.user_id, self.user_hr)
        units = run.unit_ids
        # the units of the company's employees: committee, office, sub, culture
        self.assertEqual(
            units.department_id, self.root | self.office | self.sub | self.other
        )
        self.assertEqual(sum(units.mapped("employee_count")), 11)
        # 11 people: the four units in one job
        trap.assert_jobs_count(1)
        trap.assert_enqueued_job(units._kpi_job_open)
        self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.kpi"})
        self.assertEqual(
            set(units.mapped("job_uuid")), {job.uuid for job in trap.enqueued_jobs}
        )
        self.assertFalse(self._appraisals(), "nothing opened before the jobs run")
        self.assertEqual(run.progress, "0 / 4")
        # the period form lists the run
        self.assertEqual(self.period.with_user(self.user_hr).kpi_open_run_ids, run)

    def test_units_grouped_whole_up_to_the_job_size(self):
        with patch(f"{RUN_MODULE}.RUN_JOB_SIZE", 5):
            run, trap = self._start()
        units = run.unit_ids
        sizes = dict(zip(units, units.mapped("employee_count"), strict=True))
        jobs = {}
        for unit in units:
            jobs.setdefault(unit.job_uuid, self.env["hr.kpi.period.open.run.unit"])
            jobs[unit.job_uuid] |= unit
        trap.assert_jobs_count(len(jobs))
        self.assertGreater(len(jobs), 1)
        for group in jobs.values():
            trap.assert_enqueued_job(group._kpi_job_open)
            # whole units, at most 5 people a job unless one unit is larger
            self.assertTrue(
                len(group) == 1 or sum(sizes[unit] for unit in group) <= 5, group
            )
        # consecutive groups could not be merged: each job is as full as allowed
        groups = list(jobs.values())
        for group, following in zip(groups, groups[1:], strict=False):
            self.assertGreater(sum(sizes[unit] for unit in group | following[0]), 5)
        trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "done")
        self.assertEqual(self._appraisals().employee_id, self.expected)
        self.assertEqual(run.created_count, 5)

    def test_migration_gives_the_default_threshold(self):
        self.assertEqual(self.company_b.kpi_open_job_threshold, 5000, "default")
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE res_company SET kpi_open_job_threshold = NULL WHERE id = %s",
                self.company_b.id,
            )
        )
        spec = importlib.util.spec_from_file_location("post_40_jobs", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(self.company_b.kpi_open_job_threshold, 5000)
        self.assertEqual(self.company.kpi_open_job_threshold, 2, "a chosen one kept")

    def test_below_threshold_stays_inline(self):
        self.company.kpi_open_job_threshold = 6
        with trap_jobs() as trap:
            wizard = self._wizard()
            wizard.action_open_month()
        trap.assert_jobs_count(0)
        self.assertEqual(wizard.created_count, 5)
        self.assertEqual(self._appraisals().employee_id, self.expected)
        self.assertFalse(
            self.env["hr.kpi.period.open.run"].search(
                [("period_id", "=", self.period.id)]
            )
        )

    def test_perform_jobs_opens_the_month(self):
        tasks = self._task(self.staff) | self._task(self.sub_staff)
        run, trap = self._start()
        trap.perform_enqueued_jobs()
        appraisals = self._appraisals()
        self.assertEqual(appraisals.employee_id, self.expected)
        self.assertEqual(len(appraisals), len(self.expected), "one per employee")
        for task in tasks:
            self.assertEqual(
                task.appraisal_id,
                appraisals.filtered(lambda a, t=task: a.employee_id == t.employee_id),
            )
        self.assertEqual(run.state, "done")
        self.assertEqual(run.progress, "4 / 4")
        self.assertEqual(run.created_count, 5)
        self.assertEqual(run.skipped_count, 6)
        office = run.unit_ids.filtered(lambda u: u.department_id == self.office)
        self.assertIn("Staff 3", office.skipped_note)
        # the HR officer who started it is told
        activity = run.activity_ids
        self.assertEqual(activity.user_id, self.user_hr)
        self.assertIn("5", activity.summary)
        # a second run adds nothing
        again, trap = self._start()
        trap.perform_enqueued_jobs()
        self.assertEqual(self._appraisals(), appraisals)
        self.assertEqual(again.created_count, 0)
        self.assertEqual(again.existing_count, 5)

    def test_job_performed_twice_duplicates_nothing(self):
        run, trap = self._start()
        jobs = list(trap.enqueued_jobs)
        trap.perform_enqueued_jobs()
        appraisals = self._appraisals()
        lines = appraisals.line_ids
        # a requeued job (its worker killed after the commit) runs again
        for job in jobs:
            job.perform()
        # even with its unit reset to pending (killed before its own write)
        run.unit_ids.write({"state": "pending"})
        run.state = "running"
        for job in jobs:
            job.perform()
        self.assertEqual(self._appraisals(), appraisals)
        self.assertEqual(appraisals.line_ids, lines)
        self.assertEqual(run.created_count, 0, "the second pass created nothing")
        self.assertEqual(run.existing_count, 5)
        self.assertEqual(run.state, "done")

    def test_broken_unit_fails_alone_then_retried(self):
        # the culture unit's configuration names an evaluator of another
        # company (written around the ORM, as an import would)
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": self.company_b.id}
        )
        self.env.execute_query(
            SQL(
                "UPDATE hr_kpi_evaluation_config SET evaluator_id = %s WHERE id = %s",
                stranger.id,
                self.config_other.id,
            )
        )
        self.config_other.invalidate_recordset()
        run, trap = self._start()
        # the four units share one job: its broken unit fails alone, each of
        # the others is opened on its own after the job's pass failed
        trap.assert_jobs_count(1)
        trap.perform_enqueued_jobs()
        other = run.unit_ids.filtered(lambda u: u.department_id == self.other)
        self.assertEqual(
            set((run.unit_ids - other).mapped("state")), {"done"}, "the others"
        )
        self.assertEqual(
            sum((run.unit_ids - other).mapped("created_count")),
            len(self.expected - self.other_staff),
        )
        self.assertFalse(other.created_count)
        self.assertEqual(other.state, "failed")
        self.assertTrue(other.error)
        self.assertEqual(run.failed_unit_ids, other)
        self.assertEqual(run.unit_failed_count, 1)
        self.assertEqual(run.state, "done")
        self.assertEqual(
            self._appraisals().employee_id, self.expected - self.other_staff
        )
        self.assertIn("failures", run.activity_ids.summary)
        # fixed, the failed unit is retried alone
        self.config_other.evaluator_id = self.other_head
        with trap_jobs() as trap:
            run.with_user(self.user_hr).action_retry_failed()
        trap.assert_jobs_count(1)
        trap.assert_enqueued_job(other._kpi_job_open)
        self.assertEqual(run.state, "running")
        trap.perform_enqueued_jobs()
        self.assertEqual(other.state, "done")
        self.assertFalse(other.error)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._appraisals().employee_id, self.expected)
        with self.assertRaises(UserError):
            run.with_user(self.user_hr).action_retry_failed()

    def test_serialization_failure_is_retried(self):
        from psycopg2 import errors

        from odoo.addons.queue_job.exception import RetryableJobError

        run, trap = self._start()
        unit = run.unit_ids[0]
        Period = type(self.env["hr.kpi.period"])

        def conflict(*args, **kwargs):
            raise errors.SerializationFailure("could not serialize access")

        with (
            patch.object(Period, "_kpi_open_employees", conflict),
            self.assertRaises(RetryableJobError),
        ):
            unit._kpi_job_open()
        self.assertEqual(unit.state, "pending", "not recorded as a failure")

    def test_connection_lost_is_retried_not_failed(self):
        """PostgreSQL restarted (or failed over) under a job, as make
        faulttest does: the queue retries the job, the unit is not recorded as
        failed (it would wait for someone to retry it by hand)."""
        import psycopg2

        from odoo.addons.queue_job.exception import RetryableJobError

        run, _trap = self._start()
        unit = run.unit_ids.filtered(lambda u: u.department_id == self.office)
        Period = type(self.env["hr.kpi.period"])
        for error in (
            psycopg2.OperationalError("server closed the connection unexpectedly"),
            psycopg2.InterfaceError("cursor already closed"),
        ):

            def lost(*args, error=error, **kwargs):
                raise error

            with (
                patch.object(Period, "_kpi_open_employees", lost),
                self.assertRaises(RetryableJobError),
            ):
                unit._kpi_job_open()
            self.assertEqual(unit.state, "pending", error)
            self.assertFalse(unit.error)
        # the requeued job opens the unit
        unit._kpi_job_open()
        self.assertEqual(unit.state, "done")
        self.assertEqual(
            self._appraisals().employee_id, self.staff | self.staff2 | self.office_head
        )

    def test_connection_lost_in_recompute_is_retried(self):
        import psycopg2

        from odoo.addons.queue_job.exception import RetryableJobError

        run, trap = self._start()
        trap.perform_enqueued_jobs()
        with trap_jobs() as trap:
            run = self.env["hr.kpi.period.open.run"]._kpi_start_recompute(
                self.period, self._appraisals()
            )
        batch = run.unit_ids
        Appraisal = type(self.env["hr.kpi.appraisal"])

        def lost(*args, **kwargs):
            raise psycopg2.OperationalError("terminating connection")

        with (
            patch.object(Appraisal, "_kpi_recompute_scores", lost),
            self.assertRaises(RetryableJobError),
        ):
            batch.with_user(self.user_hr)._kpi_job_recompute()
        self.assertEqual(batch.state, "pending")
        self.assertFalse(batch.error)

    def test_run_end_links_the_leaders_parallel_jobs_could_not_see(self):
        """Jobs running at the same time do not see each other's appraisals
        before their commit: a staff member's appraisal created while his
        evaluator's is being created by another job is left unlinked by both.
        The run's end, once every job has committed, links them."""
        with patch(f"{RUN_MODULE}.RUN_JOB_SIZE", 1):
            run, trap = self._start()
        jobs = sorted(
            trap.enqueued_jobs, key=lambda job: job.recordset.department_id.id
        )
        Appraisal = type(self.env["hr.kpi.appraisal"])
        # the first jobs as if each saw none of the others' appraisals
        with patch.object(Appraisal, "_link_leaders", autospec=True) as unseen:
            for job in jobs[:-1]:
                job.perform()
        self.assertTrue(unseen.called)
        staff = self._appraisals().filtered(lambda a: a.employee_id == self.staff)
        self.assertEqual(staff.evaluator_employee_id, self.office_head)
        self.assertFalse(staff.leader_appraisal_id, "not linked by its job")
        self.assertEqual(run.state, "running")
        jobs[-1].perform()
        self.assertEqual(run.state, "done")
        appraisals = self._appraisals()
        by_employee = {a.employee_id: a for a in appraisals}
        linked = 0
        for appraisal in appraisals:
            leader = by_employee.get(appraisal.evaluator_employee_id)
            if appraisal.evaluator_employee_id == appraisal.employee_id:
                leader = None
            self.assertEqual(
                appraisal.leader_appraisal_id,
                leader or self.env["hr.kpi.appraisal"],
                appraisal.employee_id.name,
            )
            linked += bool(leader)
        self.assertGreater(linked, 1)
        self.assertEqual(staff.leader_appraisal_id.employee_id, self.office_head)
        self.assertIn(staff, staff.leader_appraisal_id.subordinate_appraisal_ids)

    def test_run_end_drops_the_months_kept_dashboard_figures(self):
        """The HR officer's dashboard of a large month reads figures a job
        kept: the opening run's end drops those of the month (counted before
        it opened) and asks the job to count it again."""
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        Snapshot._kpi_refresh(self.period)
        before = Snapshot.sudo().search([("period_id", "=", self.period.id)])
        self.assertEqual(before.appraisal_count, 0)
        run, trap = self._start()
        with trap_jobs() as asked:
            trap.perform_enqueued_jobs()
            self.assertEqual(run.state, "done")
            self.assertEqual(
                [
                    job.args
                    for job in asked.enqueued_jobs
                    if job.method_name == "_kpi_job_refresh"
                ],
                [(self.period.id,)],
            )
        after = Snapshot.sudo().search([("period_id", "=", self.period.id)])
        self.assertFalse(after.filtered(lambda kept: kept.appraisal_count == 0))

    def test_only_the_last_job_updates_the_run(self):
        """Jobs ending while others of the run are pending leave the run's row
        alone (else every pair of jobs ending together conflicts, the loser
        retried with its whole unit); the last one ends the run."""
        run, trap = self._start()
        Run = type(run)
        original = Run._kpi_end_if_no_pending
        with patch.object(
            Run, "_kpi_end_if_no_pending", autospec=True, side_effect=original
        ) as end:
            trap.perform_enqueued_jobs()
        self.assertEqual(end.call_count, 1, "4 units, only the last ends the run")
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.activity_ids), 1)

    @patch(f"{RUN_MODULE}.RUN_JOB_SIZE", 1)
    def test_end_checked_after_commit_and_stale_runs(self):
        """Two jobs ending together each see the other pending: the check
        after their commit ends the run. If the worker died between its
        commit and that check, the next opening of the month ends it (one
        job a unit here)."""
        run, trap = self._start()
        jobs = sorted(trap.enqueued_jobs, key=lambda job: job.uuid)
        for job in jobs[:-1]:
            job.perform()
        self.assertEqual(run.state, "running")
        run._kpi_end_if_no_pending()
        self.assertEqual(run.state, "running", "a unit is still pending")
        # the last unit's job committed by another worker, without its check
        last = run.unit_ids.filtered(lambda unit: unit.state == "pending")
        self.assertEqual(len(last), 1)
        Run = type(run)
        with patch.object(Run, "_kpi_unit_finished", autospec=True):
            jobs[-1].perform()
        self.assertEqual(last.state, "done")
        self.assertEqual(run.state, "running")
        # a second opening refuses no more: the stale run is ended first
        again, trap = self._start()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.activity_ids), 1)
        trap.perform_enqueued_jobs()
        self.assertEqual(again.state, "done")
        self.assertEqual(again.created_count, 0)
        self.assertEqual(self._appraisals().employee_id, self.expected)

    def test_large_unit_split_in_chunks(self):
        with (
            patch(f"{RUN_MODULE}.RUN_CHUNK_SIZE", 2),
            patch(f"{RUN_MODULE}.RUN_JOB_SIZE", 1),
        ):
            run, trap = self._start(department_id=self.office.id)
            # office: office head, focal, staff, staff 2, staff 3 -> 3 chunks
            office = run.unit_ids.filtered(lambda u: u.department_id == self.office)
            self.assertEqual(office.mapped("employee_count"), [2, 2, 1])
            # a job each (the job's size below the chunks')
            trap.assert_jobs_count(4)
            trap.perform_enqueued_jobs()
        self.assertEqual(
            self._appraisals().employee_id,
            self.staff | self.staff2 | self.sub_staff | self.office_head,
        )

    def test_second_open_refused_while_running(self):
        run, _trap = self._start()
        for threshold in (2, 0):
            self.company.kpi_open_job_threshold = threshold
            with self.assertRaisesRegex(UserError, "is in progress"):
                self._start()
        self.assertEqual(
            self.env["hr.kpi.period.open.run"].search(
                [("period_id", "=", self.period.id)]
            ),
            run,
        )
        self.assertFalse(self._appraisals())
        # cancelled, the month can be opened again
        run.with_user(self.user_hr).action_cancel()
        self.assertEqual(run.state, "cancelled")
        self.assertEqual(set(run.unit_ids.mapped("state")), {"cancelled"})
        self.company.kpi_open_job_threshold = 2
        second, trap = self._start()
        trap.perform_enqueued_jobs()
        self.assertEqual(second.state, "done")
        self.assertEqual(self._appraisals().employee_id, self.expected)

    def test_cancelled_run_jobs_do_nothing(self):
        run, trap = self._start()
        run.with_user(self.user_hr).action_cancel()
        trap.perform_enqueued_jobs()
        self.assertFalse(self._appraisals())
        self.assertEqual(run.state, "cancelled")
        with self.assertRaises(UserError):
            run.with_user(self.user_hr).action_cancel()

    def test_rights_to_start_retry_cancel(self):
        for user in (self.user_staff, self.user_evaluator):
            with self.assertRaises(AccessError), trap_jobs() as trap:
                self._wizard(user).action_open_month()
            trap.assert_jobs_count(0)
        # the focal point starts a run for his own unit only
        with self.assertRaises(AccessError):
            self._start(user=self.user_focal)
        run, trap = self._start(user=self.user_focal, department_id=self.office.id)
        self.assertEqual(run.user_id, self.user_focal)
        # the units failed; who may not open the month may not retry nor cancel
        run.unit_ids.write({"state": "failed", "error": "broken"})
        for user in (self.user_staff, self.user_evaluator, self.user_other_head):
            for method in ("action_retry_failed", "action_cancel"):
                with self.assertRaises(AccessError), trap_jobs() as trap:
                    getattr(run.with_user(user), method)()
                trap.assert_jobs_count(0)
        self.assertEqual(set(run.unit_ids.mapped("state")), {"failed"})
        self.assertEqual(run.state, "running")
        # the HR officer of another company does not see the run
        with self.assertRaises(AccessError):
            run.with_user(self.user_hr_b).action_cancel()
        with trap_jobs() as trap:
            run.with_user(self.user_focal).action_retry_failed()
        # the office and its sub-unit: small, one job
        trap.assert_jobs_count(1)
        # the job runs as who enqueued it: his right is checked again
        focal_group = self.env.ref("l10n_vn_hr_kpi.group_kpi_focal_point")
        self.user_focal.groups_id = [Command.unlink(focal_group.id)]
        trap.perform_enqueued_jobs()
        self.assertEqual(set(run.unit_ids.mapped("state")), {"failed"})
        self.assertFalse(self._appraisals())


@tagged("post_install", "-at_install")
class TestKpiPeriodOpenJobsRpc(HttpCase):
    """Over the web client's route: who may not open the month cannot cancel,
    retry nor run the jobs of a run; the database is the same after."""

    def setUp(self):
        super().setUp()
        hr = self.env["res.users"].search([("login", "=", "hr")])
        self.company = hr.company_id
        self.period = self.env["hr.kpi.period"].search(
            [("company_id", "=", self.company.id), ("state", "=", "open")],
            order="date_start desc",
            limit=1,
        )
        self.assertTrue(self.period, "the demo ward has an open month")
        self.company.kpi_open_job_threshold = 1
        with trap_jobs() as trap:
            action = (
                self.env["hr.kpi.period.open"]
                .with_user(hr)
                .create({"period_id": self.period.id})
                .action_open_month()
            )
        self.run = self.env["hr.kpi.period.open.run"].browse(action["res_id"])
        self.assertTrue(trap.enqueued_jobs)
        # one unit failed, to be retried
        self.failed = self.run.unit_ids[0]
        self.failed.write({"state": "failed", "error": "broken"})

    def _snapshot(self):
        self.env.invalidate_all()
        Appraisal = self.env["hr.kpi.appraisal"]
        return (
            self.run.state,
            self.run.unit_ids.mapped(lambda u: (u.id, u.state, u.job_uuid)),
            Appraisal.search_count([("period_id", "=", self.period.id)]),
            self.env["queue.job"].search_count([]),
        )

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    def test_only_who_may_open_acts_on_a_run(self):
        attacks = [
            ("hr.kpi.period.open.run", "action_cancel", [[self.run.id]]),
            ("hr.kpi.period.open.run", "action_retry_failed", [[self.run.id]]),
            ("hr.kpi.period.open.run.unit", "_kpi_job_open", [[self.failed.id]]),
            ("hr.kpi.period.open.run", "_kpi_finish", [[self.run.id]]),
        ]
        # employee, evaluator, focal point of a unit (the run is the company's)
        for login in ("nhanvien", "phophong", "daumoi"):
            self.authenticate(login, login)
            for model, method, args in attacks:
                with self.subTest(login=login, method=method):
                    before = self._snapshot()
                    with self.assertRaises(JsonRpcException):
                        self._call(model, method, args)
                    self.assertEqual(self._snapshot(), before)
            # opening the company's month: the wizard (a focal point may make
            # one) refuses to start anything
            with self.subTest(login=login, method="action_open_month"):
                before = self._snapshot()
                with self.assertRaises(JsonRpcException):
                    wizard_id = self._call(
                        "hr.kpi.period.open", "create", [{"period_id": self.period.id}]
                    )
                    self._call("hr.kpi.period.open", "action_open_month", [[wizard_id]])
                self.assertEqual(self._snapshot(), before)
        # the HR officer may: the failed unit is enqueued again, then cancelled
        self.authenticate("hr", "hr")
        with trap_jobs() as trap:
            self._call("hr.kpi.period.open.run", "action_retry_failed", [[self.run.id]])
        trap.assert_jobs_count(1)
        self.env.invalidate_all()
        self.assertEqual(self.failed.state, "pending")
        with self.assertRaises(JsonRpcException):
            self._call(
                "hr.kpi.period.open.run.unit", "_kpi_job_open", [[self.failed.id]]
            )
        self._call("hr.kpi.period.open.run", "action_cancel", [[self.run.id]])
        self.env.invalidate_all()
        self.assertEqual(self.run.state, "cancelled")


@tagged("post_install", "-at_install")
class TestKpiCloseMonthJobs(KpiCommon):
    """A closed month's results lock by the calendar: above the company's
    threshold through background jobs (batches of their own transaction),
    below it inline, by the same rule."""

    def _published(self, employees):
        appraisals = self.env["hr.kpi.appraisal"]
        for employee in employees:
            appraisals |= self.scored(employee)
        # published on Tuesday 2/6/2026: the appeal window ended on 9/6
        self.to_state(
            appraisals, "published", level_final="good", published_date=date(2026, 6, 2)
        )
        return appraisals

    def test_large_month_locked_by_jobs(self):
        appraisals = self._published(self.emp_staff | self.emp_staff2 | self.emp_leader)
        self.company.kpi_open_job_threshold = 2
        today = fields.Date.context_today(self.period)
        with patch(f"{RUN_MODULE}.RUN_CHUNK_SIZE", 2), trap_jobs() as trap:
            closed = self.env["hr.kpi.period"]._close_expired(today)
            self.assertIn(self.period, closed)
            self.assertEqual(self.period.state, "closed")
            # nothing locked in the cron's own transaction
            self.assertEqual(set(appraisals.mapped("state")), {"published"})
            trap.assert_jobs_count(2)
            run = self.env["hr.kpi.period.open.run"].search(
                [("period_id", "=", self.period.id), ("kind", "=", "lock")]
            )
            self.assertEqual(run.state, "running")
            self.assertEqual(len(run.unit_ids), 2)
            trap.perform_enqueued_jobs()
        self.assertEqual(set(appraisals.mapped("state")), {"locked"})
        self.assertEqual(run.state, "done")
        self.assertEqual(sum(run.unit_ids.mapped("created_count")), 3)
        self.assertFalse(run.activity_ids, "the calendar's lock tells nobody")
        # idempotent: a job run again finds nothing to do
        self.assertIn("Nothing to do", run.unit_ids[0]._kpi_job_lock())

    def test_small_month_locked_inline(self):
        appraisals = self._published(self.emp_staff)
        self.company.kpi_open_job_threshold = 5
        today = fields.Date.context_today(self.period)
        with trap_jobs() as trap:
            self.env["hr.kpi.period"]._close_expired(today)
            trap.assert_jobs_count(0)
        self.assertEqual(appraisals.state, "locked")
