"""The HR officer's dashboard of a large company's month reads the figures a
background job kept (hr.kpi.dashboard.snapshot): the same figures as the live
count, within the user's companies, for HR officers only, counted again when
old, at *Refresh* and after the month's opening run."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tests import common as odoo_tests_common
from odoo.tests.common import JsonRpcException

from .test_kpi_analytics import KpiAnalyticsCase

if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    # see test_kpi_period_open_jobs: older 18.0 sources lack this dict
    odoo_tests_common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

JOB_METHOD = "_kpi_job_refresh"


@tagged("post_install", "-at_install")
class TestKpiDashboardSnapshot(KpiAnalyticsCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # this ward counts as a large company: its months' figures are kept
        cls.env["ir.config_parameter"].sudo().set_param(
            "l10n_vn_hr_kpi.dashboard_snapshot_min", "1"
        )

    def dashboard(self, user=None):
        return self.env["hr.kpi.dashboard"].with_user(user or self.user_hr)

    def kept(self, period=None):
        return (
            self.env["hr.kpi.dashboard.snapshot"]
            .sudo()
            .search([("period_id", "=", (period or self.period).id)])
        )

    def refresh_jobs(self, trap):
        return [job for job in trap.enqueued_jobs if job.method_name == JOB_METHOD]

    def keep_every_month(self):
        """What the job does when the dashboard asks: every month kept."""
        with trap_jobs() as trap:
            self.dashboard().get_data(period_id=self.period.id)
            self.assertEqual(
                [job.args for job in self.refresh_jobs(trap)],
                [(self.period.id,)],
                "a live count of a large month asks the job to keep it",
            )
            trap.perform_enqueued_jobs()
        self.assertTrue(self.kept())
        # the leniency flag's months are asked for once the month is kept
        with trap_jobs() as trap:
            self.dashboard().get_data(period_id=self.period.id)
            self.assertEqual(
                sorted(job.args for job in self.refresh_jobs(trap)),
                sorted([(self.march.id,), (self.april.id,)]),
            )
            trap.perform_enqueued_jobs()
        self.assertTrue(self.kept(self.march) and self.kept(self.april))

    @staticmethod
    def without_time(data):
        return {
            key: value
            for key, value in data.items()
            if key not in ("counted_on", "figures_kept")
        }

    def test_kept_figures_are_the_live_figures(self):
        """With every filter, the figures read from the kept groups are those
        counted live: units, levels, caps, lateness, overdue tasks, the
        leniency flag."""
        self.may["B2"].sudo().subject_group = "public_employee"
        self.env.flush_all()
        filters = [
            {},
            {"department_id": self.department.id},
            {"department_id": self.unit_b.id},
            {"subject_group": "public_employee"},
            {"department_id": self.unit_a.id, "subject_group": "public_employee"},
        ]
        live = [
            self.dashboard().get_data(period_id=self.period.id, **kwargs)
            for kwargs in filters
        ]
        # a large month not kept yet: counted live, now
        self.assertTrue(live[0]["counted_on"])
        self.assertFalse(live[0]["figures_kept"])
        self.keep_every_month()
        with trap_jobs() as trap:
            for kwargs, expected in zip(filters, live, strict=True):
                data = self.dashboard().get_data(period_id=self.period.id, **kwargs)
                self.assertTrue(data["counted_on"], kwargs)
                self.assertTrue(data["figures_kept"], kwargs)
                self.assertEqual(
                    self.without_time(data), self.without_time(expected), kwargs
                )
            self.assertFalse(trap.enqueued_jobs, "fresh figures: no job")
        # the hand count of the month holds (TestKpiAnalytics)
        data = self.dashboard().get_data(period_id=self.period.id)
        self.assertEqual(data["appraisal_count"], 10)
        self.assertEqual(data["late_decision_count"], 3)
        self.assertEqual(data["overdue_task_count"], 3)
        self.assertEqual(
            [unit["id"] for unit in data["lenient"]], [self.unit_a.id, self.unit_b.id]
        )
        unit_a = {unit["id"]: unit for unit in data["units"]}[self.unit_a.id]
        self.assertEqual((unit_a["cap"], unit_a["over_cap"]), (1, True))

    def test_kept_figures_are_refreshed_when_old_and_on_refresh(self):
        self.keep_every_month()
        counted = self.kept().date_computed
        # a decision after the count: the kept figures do not show it yet
        self.may["E5"].sudo().write({"state": "decided", "level_final": "good"})
        self.env.flush_all()
        kept = self.dashboard().get_data(period_id=self.period.id)
        self.assertEqual(kept["evaluated_count"], 9)
        self.assertEqual(
            kept["counted_on"], fields.Datetime.to_string(counted), "shown"
        )
        # Refresh: counted now, and the job asked to keep the new count
        with trap_jobs() as trap:
            live = self.dashboard().get_data(period_id=self.period.id, live=True)
            self.assertEqual(live["evaluated_count"], 10)
            self.assertGreaterEqual(live["counted_on"], kept["counted_on"], "now")
            self.assertEqual(len(self.refresh_jobs(trap)), 1)
        # too old: still shown, and the job asked to count the month again
        self.kept().sudo().date_computed = fields.Datetime.now() - timedelta(minutes=11)
        with trap_jobs() as trap:
            old = self.dashboard().get_data(period_id=self.period.id)
            self.assertEqual(old["evaluated_count"], 9)
            self.assertEqual(
                [job.args for job in self.refresh_jobs(trap)], [(self.period.id,)]
            )
            trap.perform_enqueued_jobs()
        fresh = self.dashboard().get_data(period_id=self.period.id)
        self.assertEqual(self.without_time(fresh), self.without_time(live))
        self.assertGreater(
            self.kept().date_computed, fields.Datetime.now() - timedelta(minutes=1)
        )
        # run twice, the job keeps one row per month with the same figures
        rows = self.kept().row_data
        self.env["hr.kpi.dashboard.snapshot"]._kpi_job_refresh(self.period.id)
        self.assertEqual(len(self.kept()), 1)
        self.assertEqual(self.kept().row_data, rows)

    def test_small_month_counted_live(self):
        """Below the size (20,000 appraisals by default) nothing is kept:
        the month is counted on each opening."""
        self.env["ir.config_parameter"].sudo().set_param(
            "l10n_vn_hr_kpi.dashboard_snapshot_min", "11"
        )
        with trap_jobs() as trap:
            data = self.dashboard().get_data(period_id=self.period.id)
            self.assertFalse(self.refresh_jobs(trap))
        self.assertFalse(data["counted_on"])
        self.assertFalse(self.kept())

    def test_kept_figures_are_the_hr_officers_within_his_companies(self):
        """A head reads his units live, never the company's kept figures; no
        one but an HR officer reads the kept figures, and he reads those of
        his companies only."""
        self.keep_every_month()
        head_live = self.dashboard(self.user_head).get_data(period_id=self.period.id)
        self.assertFalse(head_live["counted_on"])
        self.assertEqual(head_live["evaluated_count"], 7)
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        for user in (self.user_head, self.user_staff):
            with self.assertRaises(AccessError):
                Snapshot.with_user(user).search_read([], ["row_data"])
        self.assertEqual(
            Snapshot.with_user(self.user_hr).search(
                [("period_id", "=", self.period.id)]
            ),
            self.kept(),
        )
        # another company's month kept: not the HR officer's to read
        other_month = self.env["hr.kpi.period"].create(
            {"company_id": self.other_company.id, "date_start": self.period.date_start}
        )
        Snapshot._kpi_refresh(other_month)
        self.assertTrue(self.kept(other_month))
        self.assertFalse(
            Snapshot.with_user(self.user_hr).search(
                [("period_id", "=", other_month.id)]
            )
        )
        # and no one writes them through the web client
        for user in (self.user_hr, self.user_head):
            with self.assertRaises(AccessError):
                self.kept().with_user(user).write({"row_data": []})
            with self.assertRaises(AccessError):
                Snapshot.with_user(user).create(
                    {
                        "period_id": self.march.id,
                        "company_id": self.company.id,
                        "date_computed": fields.Datetime.now(),
                    }
                )

    def test_rows_of_another_company_in_a_kept_month_are_left_out(self):
        """The kept groups carry their company: an HR officer sums those of
        his companies only, as the analysis' company rule reads them."""
        self.keep_every_month()
        snapshot = self.kept()
        rows = snapshot.row_data
        stranger = [list(row) for row in rows if row[0] == self.company.id][:1]
        stranger[0][0] = self.other_company.id
        snapshot.sudo().row_data = rows + stranger
        data = self.dashboard().get_data(period_id=self.period.id)
        self.assertEqual(data["appraisal_count"], 10)

    def test_dropped_when_the_month_moves(self):
        """A run that opened the month drops the month's kept figures and
        asks the job to count it again."""
        self.keep_every_month()
        with trap_jobs() as trap:
            self.env["hr.kpi.dashboard.snapshot"]._kpi_drop(self.period)
            self.assertFalse(self.kept())
            self.assertEqual(
                [job.args for job in self.refresh_jobs(trap)], [(self.period.id,)]
            )
        # counted live until the job has kept them again
        with trap_jobs():
            data = self.dashboard().get_data(period_id=self.period.id)
        self.assertEqual(data["appraisal_count"], 10)
        self.assertFalse(self.kept())

    def test_job_runs_as_a_dashboard_user_only(self):
        """The job checks again who enqueued it: an employee's would count
        nothing (a job is created by the server only, never by a call)."""
        self.keep_every_month()
        before = self.kept().row_data
        self.may["E5"].sudo().write({"state": "decided", "level_final": "good"})
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        with self.assertRaises(AccessError):
            Snapshot.with_user(self.user_staff)._kpi_job_refresh(self.period.id)
        self.assertEqual(self.kept().row_data, before)
        # a head (who may run his units' opening) may
        Snapshot.with_user(self.user_head)._kpi_job_refresh(self.period.id)
        self.assertNotEqual(self.kept().row_data, before)


@tagged("post_install", "-at_install")
class TestKpiDatabaseSettings(TransactionCase):
    def test_warns_when_postgresql_compiles_queries(self):
        """PostgreSQL's JIT costs a city's screens up to a second a query:
        the server warns at start when it is on, and only then."""
        Company = self.env["res.company"]
        logger = "odoo.addons.l10n_vn_hr_kpi.models.res_company"
        self.env.cr.execute("SET LOCAL jit = on")
        with self.assertLogs(logger, "WARNING") as logs:
            self.assertTrue(Company._kpi_check_database_settings())
        self.assertIn("jit = off", logs.output[0])
        self.env.cr.execute("SET LOCAL jit = off")
        with self.assertNoLogs(logger, "WARNING"):
            self.assertFalse(Company._kpi_check_database_settings())


@tagged("post_install", "-at_install")
class TestKpiDashboardSnapshotRpc(HttpCase):
    """Over the web client's route: the kept figures are read by HR officers
    only, written by nobody, and their job is not callable; the database is
    the same after each refused call."""

    def setUp(self):
        super().setUp()
        hr = self.env["res.users"].search([("login", "=", "hr")])
        self.period = self.env["hr.kpi.period"].search(
            [("company_id", "=", hr.company_id.id)], order="date_start desc", limit=1
        )
        self.assertTrue(self.period, "the demo ward has a month")
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        Snapshot._kpi_refresh(self.period)
        self.snapshot = Snapshot.search([("period_id", "=", self.period.id)])

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _state(self):
        self.env.invalidate_all()
        return (
            self.snapshot.read(["date_computed", "appraisal_count", "row_data"]),
            self.env["hr.kpi.dashboard.snapshot"].search_count([]),
            self.env["queue.job"].search_count([]),
        )

    def test_kept_figures_over_rpc(self):
        model = "hr.kpi.dashboard.snapshot"
        stale = {"row_data": [], "appraisal_count": 0}
        writes = [
            (model, "write", [[self.snapshot.id], stale], {}),
            (model, "create", [{"period_id": self.period.id, **stale}], {}),
            (model, "unlink", [[self.snapshot.id]], {}),
            (model, "_kpi_refresh", [self.period.id], {}),
            (model, "_kpi_job_refresh", [self.period.id], {}),
            (model, "_kpi_drop", [[self.period.id]], {}),
        ]
        reads = [(model, "search_read", [[]], {"fields": ["row_data"]})]
        # an employee, an evaluator, a head: neither read nor write
        for login in ("nhanvien", "phophong", "truongphong"):
            self.authenticate(login, login)
            for call in reads + writes:
                with self.subTest(login=login, method=call[1]):
                    before = self._state()
                    with self.assertRaises(JsonRpcException):
                        self._call(*call)
                    self.assertEqual(self._state(), before)
        # the HR officer reads them, writes nothing
        self.authenticate("hr", "hr")
        rows = self._call(*reads[0])
        self.assertEqual([row["id"] for row in rows], [self.snapshot.id])
        for call in writes:
            with self.subTest(login="hr", method=call[1]):
                before = self._state()
                with self.assertRaises(JsonRpcException):
                    self._call(*call)
                self.assertEqual(self._state(), before)
        # his dashboard reads them (the demo ward is small: kept only because
        # they exist); a head's counts his units live
        data = self._call(
            "hr.kpi.dashboard", "get_data", [], {"period_id": self.period.id}
        )
        self.assertTrue(data["counted_on"])
        self.authenticate("truongphong", "truongphong")
        data = self._call(
            "hr.kpi.dashboard",
            "get_data",
            [],
            {"period_id": self.period.id, "live": False},
        )
        self.assertFalse(data["counted_on"])
