"""The month's heavy work as background jobs (OCA queue_job), for the
companies too large for one request: a *run* records an opening of the month
(one *unit* per department, or chunk of a large one; small units grouped in
jobs of about 1,000 employees, run in parallel),
a recompute of its scores (batches of 5,000 chained leaders-last), or a
company-wide pass over the month (the quota check of every unit, Mẫu 02A of
the company: one job per group of whole units of about 5,000 appraisals, each
storing its units' results; the last one assembles them), on the channel
root.kpi."""

import base64
import logging
from collections import defaultdict
from contextlib import contextmanager

from psycopg2 import InterfaceError, OperationalError, errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from odoo.addons.queue_job.delay import chain
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from ..const import DECIDED_STATES
from ..reports.hr_kpi_xlsx import build_xlsx

_logger = logging.getLogger(__name__)


@contextmanager
def _retry_when_the_database_fails():
    """Around a whole job: an error of the database itself (the connection
    lost when PostgreSQL restarts or fails over, a lock or serialization
    conflict, a statement cancelled) is not the unit's fault. The job is
    retried by the queue (its transaction was rolled back, and the job adds
    only what is missing), instead of failing the unit, which would then wait
    for someone to retry it by hand."""
    try:
        yield
    except (OperationalError, InterfaceError) as err:
        raise RetryableJobError(f"{type(err).__name__}: {err}", seconds=5) from err


# Employees per job at most: a unit larger than that is split, so that a job
# stays within the worker's time and memory limits whatever the unit's size.
RUN_CHUNK_SIZE = 5000
# Employees per job of an opening at most when its small units are grouped:
# a job of whole units (each in a savepoint of its own when the job fails, so
# that a broken unit fails alone) spares the queue's cost of one job per unit
# of a few dozen people, and leaves enough jobs for the runner's workers to
# share.
RUN_JOB_SIZE = 1000
# the runs that read the whole company's month, unit by unit
COMPANY_PASSES = ("quota", "agency_summary")


class HrKpiPeriodOpenRun(models.Model):
    """One opening of a month by background jobs."""

    _name = "hr.kpi.period.open.run"
    _description = "Month opening run (background jobs)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    period_id = fields.Many2one(
        "hr.kpi.period", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        readonly=True,
        help="Empty: the whole company; otherwise the unit and its sub-units.",
    )
    subject_groups = fields.Char(
        readonly=True, help="Subject groups opened, comma-separated keys."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started by",
        readonly=True,
        help="Gets an activity when the run ends.",
    )
    kind = fields.Selection(
        [
            ("open", "Open the month"),
            ("recompute", "Recompute the scores"),
            ("quota", "Check the quotas"),
            ("agency_summary", "Agency summary (Mẫu 02A)"),
            ("lock", "Lock the closed month's results"),
        ],
        default="open",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="running",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    date_done = fields.Datetime(string="Ended on", readonly=True)
    unit_ids = fields.One2many(
        "hr.kpi.period.open.run.unit", "run_id", string="Units", readonly=True
    )
    failed_unit_ids = fields.One2many(
        "hr.kpi.period.open.run.unit",
        "run_id",
        string="Failures",
        domain=[("state", "=", "failed")],
        readonly=True,
    )
    unit_count = fields.Integer(string="Unit count", compute="_compute_counts")
    unit_done_count = fields.Integer(string="Units done", compute="_compute_counts")
    unit_failed_count = fields.Integer(string="Units failed", compute="_compute_counts")
    progress = fields.Char(compute="_compute_counts", help="Units done / total.")
    created_count = fields.Integer(
        string="Appraisals created", compute="_compute_counts"
    )
    existing_count = fields.Integer(string="Already there", compute="_compute_counts")
    skipped_count = fields.Integer(string="Left out", compute="_compute_counts")
    result_note = fields.Text(
        string="Result",
        readonly=True,
        help="A company-wide pass: what it found (the units over their quota).",
    )
    # the company's 02A is the HR officer's (see _kpi_check_can_pass_company)
    result_file = fields.Binary(
        string="File",
        readonly=True,
        attachment=True,
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
    )
    result_filename = fields.Char(readonly=True)

    @api.depends("period_id", "department_id", "create_date")
    def _compute_display_name(self):
        for run in self:
            scope = run.department_id.display_name or run.company_id.name or ""
            run.display_name = f"{run.period_id.name or ''} — {scope}"

    @api.depends("unit_ids.state", "unit_ids.created_count")
    def _compute_counts(self):
        rows = self.env["hr.kpi.period.open.run.unit"]._read_group(
            [("run_id", "in", self.ids)],
            ["run_id", "state"],
            ["__count", "created_count:sum", "existing_count:sum", "skipped_count:sum"],
        )
        counts = defaultdict(lambda: defaultdict(int))
        for run, state, count, created, existing, skipped in rows:
            values = counts[run.id]
            values["total"] += count
            values[state] += count
            values["created"] += created
            values["existing"] += existing
            values["skipped"] += skipped
        for run in self:
            values = counts[run.id]
            run.unit_count = values["total"]
            run.unit_done_count = values["done"]
            run.unit_failed_count = values["failed"]
            run.progress = f"{values['done']} / {values['total']}"
            run.created_count = values["created"]
            run.existing_count = values["existing"]
            run.skipped_count = values["skipped"]

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------

    def _kpi_check_rights(self):
        """Who may open the month for the run's scope may start, retry or
        cancel it (the wizard's check, server-side)."""
        self.check_access("read")
        for run in self:
            if run.kind == "recompute":
                run.period_id._kpi_check_can_recompute()
            elif run.kind in COMPANY_PASSES:
                run.period_id._kpi_check_can_pass_company()
            else:
                self.env["hr.kpi.period.open"]._check_can_open(run.department_id)

    # ------------------------------------------------------------------
    # Start, retry, cancel
    # ------------------------------------------------------------------

    @api.model
    def _kpi_start(self, period, department, groups):
        """Record a run for ``period`` (``department`` and its sub-units, or
        the whole company) and enqueue its jobs (``_kpi_enqueue``). The
        caller checked the rights (_check_can_open) and that no run is in
        progress."""
        domain = [("company_id", "=", period.company_id.id)]
        if department:
            domain.append(("department_id", "child_of", department.id))
        # sudo: rights checked by the wizard (_check_can_open) for this scope
        by_unit = (
            self.env["hr.employee"]
            .sudo()
            ._read_group(
                domain, ["department_id"], ["id:array_agg"], order="department_id"
            )
        )
        unit_vals = [
            {
                "department_id": unit.id,
                "employee_ids": [fields.Command.set(sorted(chunk))],
                "employee_count": len(chunk),
            }
            for unit, ids in by_unit
            for chunk in split_every(RUN_CHUNK_SIZE, ids)
        ]
        # sudo: rights checked by the wizard; the run is written by the system
        run = self.sudo().create(
            {
                "period_id": period.id,
                "department_id": department.id,
                "subject_groups": ",".join(groups),
                "user_id": self.env.uid,
                "unit_ids": [fields.Command.create(vals) for vals in unit_vals],
            }
        )
        run.unit_ids._kpi_enqueue()
        if not run.unit_ids:
            run._kpi_finish()
        return run.with_env(self.env)

    @api.model
    def _kpi_start_recompute(self, period, appraisals):
        """Record a run recomputing ``appraisals`` (of ``period``) and enqueue
        one job per batch of 5,000, chained in the order of
        ``_kpi_recompute_order`` (the staff before their leader, whose d reads
        their levels): each job reads the levels the previous one committed.
        The caller checked the rights and that no run is in progress."""
        order = appraisals._kpi_recompute_order()
        # sudo: rights checked by the caller; the run is written by the system
        run = self.sudo().create(
            {
                "period_id": period.id,
                "kind": "recompute",
                "user_id": self.env.uid,
                "unit_ids": [
                    fields.Command.create(
                        {
                            "appraisal_ids": [fields.Command.set(batch)],
                            "employee_count": len(batch),
                        }
                    )
                    for batch in split_every(RUN_CHUNK_SIZE, order)
                ],
            }
        )
        run.unit_ids._kpi_enqueue()
        if not run.unit_ids:
            run._kpi_finish()
        return run.with_env(self.env)

    @api.model
    def _kpi_start_lock(self, period, appraisals):
        """Record a run locking ``appraisals`` of the closed ``period`` (the
        system's: its cron closes the month) and enqueue one job per batch of
        RUN_CHUNK_SIZE, in parallel. Nobody gets an activity: the results
        lock by the calendar, as they do inline."""
        # sudo: the system's run, started by the cron that closed the month
        run = self.sudo().create(
            {
                "period_id": period.id,
                "kind": "lock",
                "unit_ids": [
                    fields.Command.create(
                        {
                            "appraisal_ids": [fields.Command.set(batch)],
                            "employee_count": len(batch),
                        }
                    )
                    for batch in split_every(RUN_CHUNK_SIZE, appraisals.ids)
                ],
            }
        )
        run.unit_ids._kpi_enqueue()
        if not run.unit_ids:
            run._kpi_finish()
        return run

    @api.model
    def _kpi_start_company_pass(self, period, kind):
        """Record a run of the company-wide ``kind`` (quota, agency_summary)
        over ``period`` and enqueue one job per group of whole units of about
        RUN_CHUNK_SIZE appraisals, in the order of the units' names (the
        order of the form). The caller checked the rights
        (_kpi_check_can_pass_company) and that no run is in progress."""
        # sudo: rights checked by the caller, for the whole company's month
        groups = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            ._read_group(
                [("period_id", "=", period.id)], ["department_id"], ["__count"]
            )
        )
        groups.sort(key=lambda group: (group[0].complete_name or "", group[0].id))
        chunks, chunk, size = [], [], 0
        for department, count in groups:
            chunk.append(department)
            size += count
            if size >= RUN_CHUNK_SIZE:
                chunks.append((chunk, size))
                chunk, size = [], 0
        if chunk:
            chunks.append((chunk, size))
        # sudo: rights checked by the caller; the run is written by the system
        run = self.sudo().create(
            {
                "period_id": period.id,
                "kind": kind,
                "user_id": self.env.uid,
                "unit_ids": [
                    fields.Command.create(
                        {
                            "department_ids": [
                                fields.Command.set([d.id for d in chunk if d])
                            ],
                            "without_department": any(not d for d in chunk),
                            "employee_count": size,
                        }
                    )
                    for chunk, size in chunks
                ],
            }
        )
        run.unit_ids._kpi_enqueue()
        if not run.unit_ids:
            run._kpi_finish()
        return run.with_env(self.env)

    def _kpi_assemble(self):
        """A company-wide pass ended: its result from the units' results, in
        the order of the units (see _kpi_start_company_pass)."""
        self.ensure_one()
        rows = []
        for unit in self.unit_ids.sorted("id"):
            rows += (unit.result_data or {}).get("rows", [])
        period = self.period_id
        if self.kind == "quota":
            over = [row for row in rows if not row["holds"]]
            lines = [
                self.env._(
                    "%(unit)s: %(count)s rated excellently completed for a cap "
                    "of %(cap)s",
                    unit=row["unit"],
                    count=row["count"],
                    cap=row["cap"],
                )
                for row in over
            ]
            head = self.env._(
                "%(over)s of %(units)s units over their quota.",
                over=len(over),
                units=len(rows),
            )
            self.write({"result_note": "\n".join([head, *lines])})
            return head
        counts = defaultdict(int)
        for unit in self.unit_ids:
            for level, count in (unit.result_data or {}).get("levels", {}).items():
                counts[level] += count
        Agency = self.env["report.l10n_vn_hr_kpi.report_agency_summary"].with_user(
            self.user_id or self.env.user
        )
        # sudo: the agency's head printed in the header (as the form does)
        root = (
            self.env["hr.department"]
            .sudo()
            .search(
                [("company_id", "=", period.company_id.id), ("parent_id", "=", False)],
                order="id",
                limit=1,
            )
        )
        head = (root.kpi_decider_id or root.manager_id).name or ""
        form = Agency._kpi_form(
            period, self.env["hr.department"], None, rows, dict(counts), head
        )
        content = build_xlsx("agency_summary", [form])
        filename = f"Mau_02A_{period.date_start.strftime('%Y-%m')}.xlsx"
        self.write(
            {
                "result_file": base64.b64encode(content),
                "result_filename": filename,
                "result_note": self.env._(
                    "%(units)s units, %(count)s appraisals, %(over)s units over "
                    "their quota.",
                    units=len(rows),
                    count=form["total"],
                    over=len(form["quota_over"]),
                ),
            }
        )
        return self.result_note

    def action_retry_failed(self):
        """Enqueue again the units that failed (after the configuration was
        fixed); what they already created is kept, only the missing is added."""
        self.ensure_one()
        self._kpi_check_rights()
        if self.state == "cancelled":
            raise UserError(self.env._("This run was cancelled: open the month again."))
        # sudo: rights checked above (_kpi_check_rights)
        run = self.sudo()
        failed = run.unit_ids.filtered(lambda unit: unit.state == "failed")
        if not failed:
            raise UserError(self.env._("No unit of this run failed."))
        if run.period_id.state != "open":
            raise UserError(
                self.env._(
                    "The period %(period)s is closed.", period=run.period_id.name
                )
            )
        failed.write({"state": "pending", "error": False})
        run.write({"state": "running", "date_done": False})
        failed._kpi_enqueue()
        return True

    def action_cancel(self):
        """Stop the run: the jobs not started yet are cancelled; what the units
        already done created stays (the month can be opened again)."""
        self.ensure_one()
        self._kpi_check_rights()
        if self.state != "running":
            raise UserError(self.env._("Only a running run can be cancelled."))
        # sudo: rights checked above (_kpi_check_rights)
        run = self.sudo()
        pending = run.unit_ids.filtered(lambda unit: unit.state == "pending")
        # sudo: the queue's jobs of this run, cancelled by the system
        jobs = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    (
                        "uuid",
                        "in",
                        [uuid for uuid in pending.mapped("job_uuid") if uuid],
                    ),
                    ("state", "in", ("wait_dependencies", "pending", "enqueued")),
                ]
            )
        )
        jobs.button_cancelled()
        pending.write({"state": "cancelled"})
        run.write({"state": "cancelled", "date_done": fields.Datetime.now()})
        return True

    def _kpi_action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "name": self.env._("Opening the month"),
        }

    # ------------------------------------------------------------------
    # End of the run
    # ------------------------------------------------------------------

    def _kpi_unit_finished(self):
        """Called by each job at its end: the last unit ends the run.

        A job that still sees other units of the run pending (in its
        transaction's snapshot) leaves the run's row alone: every job
        updating it would serialize the jobs of the run, the loser retried
        with its whole unit's work. After its commit, a short transaction of
        its own checks whether the run ended meanwhile
        (``_kpi_end_after_commit``): of two jobs ending together, each seeing
        the other pending, the later check ends the run. A job that sees no
        other unit pending ends the run in its own transaction; the row of the
        run is updated first, so that two such jobs are serialized (the later
        one is retried and sees the run done)."""
        self.ensure_one()
        self.env.flush_all()
        [[pending]] = self.env["hr.kpi.period.open.run.unit"]._read_group(
            [("run_id", "=", self.id), ("state", "=", "pending")], [], ["__count"]
        )
        if pending:
            run_id, uid, context = self.id, self.env.uid, dict(self.env.context)
            registry = self.env.registry
            self.env.cr.postcommit.add(
                lambda: type(self)._kpi_end_after_commit(registry, uid, context, run_id)
            )
            return
        self._kpi_end_if_no_pending()

    def _kpi_end_if_no_pending(self):
        """End the run if no unit of it is pending (the row of the run locked
        first: two transactions ending it are serialized)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE %s SET write_date = (now() at time zone 'UTC') WHERE id = %s",
                SQL.identifier(self._table),
                self.id,
            )
        )
        self.invalidate_recordset(["write_date", "state"])
        [[pending]] = self.env["hr.kpi.period.open.run.unit"]._read_group(
            [("run_id", "=", self.id), ("state", "=", "pending")], [], ["__count"]
        )
        if not pending and self.state == "running":
            self._kpi_finish()

    @staticmethod
    def _kpi_end_after_commit(registry, uid, context, run_id, attempts=3):
        """After the commit of a job that saw other units pending: in a
        transaction of its own, end the run if they are all done now. Never
        raises (the job is committed and done whatever happens here); a
        conflict with another job ending the run is tried again."""
        for _attempt in range(attempts):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, context)
                    # sudo: the run's records are the system's (as in the job)
                    run = env["hr.kpi.period.open.run"].sudo().browse(run_id)
                    if run.exists() and run.state == "running":
                        run._kpi_end_if_no_pending()
                return
            except (OperationalError, InterfaceError) as err:
                _logger.info("KPI: ending the run %s, tried again: %s", run_id, err)
            except Exception:  # noqa: BLE001 pylint: disable=broad-except
                _logger.exception("KPI: could not check the end of the run %s", run_id)
                return

    @api.model
    def _kpi_end_stale_runs(self, periods):
        """Runs of ``periods`` still running with no unit pending (their last
        job's worker died between its commit and the end check): ended now."""
        # sudo: the run's records are the system's
        runs = self.sudo().search(
            [("period_id", "in", periods.ids), ("state", "=", "running")]
        )
        if not runs:
            return
        # sudo: the run's records are the system's
        Unit = self.env["hr.kpi.period.open.run.unit"].sudo()
        pending = {
            run
            for [run] in Unit._read_group(
                [("run_id", "in", runs.ids), ("state", "=", "pending")], ["run_id"]
            )
        }
        for run in runs:
            if run not in pending:
                run._kpi_end_if_no_pending()

    def _kpi_finish(self):
        """The run ended: the links its parallel jobs could not see are
        completed (an opening), then whoever started it is told (an
        activity)."""
        for run in self:
            run.write({"state": "done", "date_done": fields.Datetime.now()})
            if run.kind == "open" and run.created_count:
                # the planner's statistics first: they still count the month
                # empty, and a join of its rows planned on them is quadratic
                self.env["hr.kpi.appraisal"]._kpi_analyze_tables()
                self.env["hr.kpi.appraisal"]._kpi_link_missing_leaders(run.period_id)
                # the month's kept dashboard figures miss what it opened
                self.env["hr.kpi.dashboard.snapshot"]._kpi_drop(run.period_id)
            result = (
                run._kpi_assemble()
                if run.kind in COMPANY_PASSES and not run.unit_failed_count
                else ""
            )
            if not run.user_id:
                continue
            if run.kind in COMPANY_PASSES:
                kinds = dict(run._fields["kind"]._description_selection(self.env))
                summary = (
                    self.env._(
                        "%(kind)s of %(period)s: %(failed)s of %(total)s jobs failed",
                        kind=kinds[run.kind],
                        period=run.period_id.name,
                        failed=run.unit_failed_count,
                        total=run.unit_count,
                    )
                    if run.unit_failed_count
                    else self.env._(
                        "%(kind)s of %(period)s done: %(result)s",
                        kind=kinds[run.kind],
                        period=run.period_id.name,
                        result=result,
                    )
                )
            elif run.kind == "recompute":
                summary = self.env._(
                    "Scores of %(period)s recomputed: %(count)s appraisals, "
                    "%(failed)s batches failed",
                    period=run.period_id.name,
                    count=run.created_count,
                    failed=run.unit_failed_count,
                )
            elif run.unit_failed_count:
                summary = self.env._(
                    "Month %(period)s opened with failures: %(failed)s of %(total)s "
                    "units failed",
                    period=run.period_id.name,
                    failed=run.unit_failed_count,
                    total=run.unit_count,
                )
            else:
                summary = self.env._(
                    "Month %(period)s opened: %(created)s appraisals created",
                    period=run.period_id.name,
                    created=run.created_count,
                )
            run.activity_schedule(
                "mail.mail_activity_data_todo", user_id=run.user_id.id, summary=summary
            )


class HrKpiPeriodOpenRunUnit(models.Model):
    """One job of a run: the employees of one unit (or a chunk of it)."""

    _name = "hr.kpi.period.open.run.unit"
    _description = "Month opening run: one unit (one job)"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "hr.kpi.period.open.run", required=True, index=True, ondelete="cascade"
    )
    period_id = fields.Many2one(related="run_id.period_id")
    department_id = fields.Many2one("hr.department", string="Unit", readonly=True)
    employee_ids = fields.Many2many(
        "hr.employee",
        "hr_kpi_period_open_run_unit_employee_rel",
        "unit_id",
        "employee_id",
        readonly=True,
    )
    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal",
        "hr_kpi_period_open_run_unit_appraisal_rel",
        "unit_id",
        "appraisal_id",
        readonly=True,
        help="A recompute run: the appraisals of this batch, in their order.",
    )
    department_ids = fields.Many2many(
        "hr.department",
        "hr_kpi_period_open_run_unit_department_rel",
        "unit_id",
        "department_id",
        string="Units",
        readonly=True,
        help="A company-wide pass: the units of this job.",
    )
    without_department = fields.Boolean(
        readonly=True,
        help="A company-wide pass: this job also counts the appraisals without a unit.",
    )
    result_data = fields.Json(
        readonly=True,
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
        help="A company-wide pass: the rows of this job's units.",
    )
    employee_count = fields.Integer(string="Employees", readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    created_count = fields.Integer(string="Created", readonly=True)
    existing_count = fields.Integer(string="Already there", readonly=True)
    skipped_count = fields.Integer(string="Left out", readonly=True)
    skipped_note = fields.Text(string="Left out (why)", readonly=True)
    error = fields.Text(readonly=True)
    job_uuid = fields.Char(string="Job", readonly=True, copy=False)

    def _kpi_job_groups(self):
        """The units' jobs: the units of an opening grouped in their order,
        whole, up to ``RUN_JOB_SIZE`` employees a job (a unit larger than that
        alone); every other unit a job of its own."""
        groups, group, size = [], self.browse(), 0
        for unit in self:
            if unit.run_id.kind != "open":
                groups.append(unit)
                continue
            if group and size + unit.employee_count > RUN_JOB_SIZE:
                groups.append(group)
                group, size = self.browse(), 0
            group |= unit
            size += unit.employee_count
        if group:
            groups.append(group)
        return groups

    def _kpi_enqueue(self):
        """One job per unit, or per group of small units of an opening
        (``_kpi_job_groups``). The job runs as the user who enqueues it, not
        as superuser: it checks his right again. The units of an opening run
        in parallel; the batches of a recompute one after the other
        (chained)."""
        delayables, chained = [], []
        groups = self._kpi_job_groups()
        for units in groups:
            unit = units[0]
            kinds = dict(unit.run_id._fields["kind"]._description_selection(self.env))
            # computed outside the translated call: the .pot extractor
            # evaluates the call's arguments
            names = units.department_id.mapped("display_name") or unit.department_ids[
                :3
            ].mapped("name")
            unit_name = (
                ", ".join(names[:3])
                + (" …" if len(names) > 3 or len(unit.department_ids) > 3 else "")
                or f"#{unit.id}"
            )
            description = self.env._(
                "%(kind)s %(period)s: %(unit)s",
                kind=kinds[unit.run_id.kind],
                period=unit.period_id.name,
                unit=unit_name,
            )
            delayable = units.sudo(False).delayable(
                description=description, identity_key=identity_exact
            )
            if unit.run_id.kind == "recompute":
                delayables.append(delayable._kpi_job_recompute())
                chained.append(delayables[-1])
            elif unit.run_id.kind == "lock":
                delayables.append(delayable._kpi_job_lock())
                delayables[-1].delay()
            elif unit.run_id.kind in COMPANY_PASSES:
                delayables.append(delayable._kpi_job_company_pass())
                delayables[-1].delay()
            else:
                delayables.append(delayable._kpi_job_open())
                delayables[-1].delay()
        if chained:
            chain(*chained).delay()
        for units, delayable in zip(groups, delayables, strict=True):
            units.job_uuid = delayable._generated_job.uuid

    def _kpi_perform(self, work, name, retry_on=()):
        """The frame of every job of a run: nothing to do for the units no
        longer pending or a run no longer running (a requeued job); else
        ``work(units, run)`` in a savepoint, which returns the values each
        unit gets when done (``{unit: vals}``). A failure of the work is
        recorded on the unit, the others go on: when a job of several units
        fails, each unit is tried again alone, in a savepoint of its own, so
        that only the broken one fails. An error of the database itself (and
        ``retry_on``) is retried by the queue, the savepoint rolled back. Then
        the run ends if these were its last units. ``name`` names a unit in
        the job's result."""
        # sudo: the run's records are the system's; ``work`` checks the right
        # to do it as the user who enqueued the job
        units = self.sudo()
        run = units.run_id
        run.ensure_one()
        pending = units.filtered(lambda unit: unit.state == "pending")
        if not pending or run.state != "running":
            states = ", ".join(sorted(set(units.mapped("state"))))
            return f"Nothing to do: {name} {states}, run {run.state}"

        def attempt(todo):
            try:
                with self.env.cr.savepoint():
                    return work(todo, run), None
            except (OperationalError, InterfaceError):
                raise  # the database's error, not the unit's: retried (decorator)
            except retry_on as err:
                raise RetryableJobError(
                    f"{type(err).__name__}: {err}", seconds=5
                ) from err
            except Exception as err:  # noqa: BLE001 pylint: disable=broad-except
                return {}, err

        done, err = attempt(pending)
        if err is not None and len(pending) == 1:
            # a unit's failure is recorded on the unit, the others go on
            pending._kpi_record_failure(err)
        elif err is not None:
            for unit in pending:
                unit_done, err = attempt(unit)
                done.update(unit_done)
                if err is not None:
                    unit._kpi_record_failure(err)
        for unit, vals in done.items():
            unit.write({"state": "done", "error": False, **vals})
        run._kpi_unit_finished()
        labels = ", ".join(
            unit.department_id.display_name or str(unit.id) for unit in units[:3]
        ) + (" …" if len(units) > 3 else "")
        states = ", ".join(sorted(set(units.mapped("state"))))
        return f"{name.capitalize()} {labels}: {states}"

    @_retry_when_the_database_fails()
    def _kpi_job_recompute(self):
        """The job of a recompute run: the scores of the batch's appraisals
        not decided yet (a decided month is a snapshot), written where they
        changed. Idempotent: run again, it writes nothing."""

        def work(unit, run):
            run.period_id.with_env(self.env)._kpi_check_can_recompute()
            appraisals = unit.appraisal_ids.filtered(
                lambda a: a.state not in DECIDED_STATES
            )
            return {unit: {"created_count": appraisals._kpi_recompute_scores()}}

        return self._kpi_perform(work, "batch")

    @_retry_when_the_database_fails()
    def _kpi_job_lock(self):
        """The job of a lock run: the batch's results the calendar locks now
        (published past their appeal window, resolved appeals; the same rule
        as inline). Idempotent: run again, it finds them locked. The lock is
        the system's (its cron closed the month): no user right to check."""

        def work(unit, run):
            return {unit: {"created_count": len(unit.appraisal_ids._kpi_auto_lock())}}

        return self._kpi_perform(work, "batch")

    @_retry_when_the_database_fails()
    def _kpi_job_open(self):
        """The job: create the missing appraisals of the job's units (one
        unit, or a group of small ones), all of them in one pass. Idempotent:
        run again, it creates nothing that is there. A configuration that
        breaks a unit fails this unit alone (its error is kept on the unit;
        the job's other units are opened each on its own); a serialization
        failure, a concurrent duplicate (another job created the same
        appraisal: retried, it adds only what is missing) or the connection to
        the database lost (its worker's transaction rolled back) is retried by
        the queue."""

        def work(units, run):
            self.env["hr.kpi.period.open"]._check_can_open(run.department_id)
            period = run.period_id
            if period.state != "open":
                raise UserError(
                    self.env._("The period %(period)s is closed.", period=period.name)
                )
            created, existing, skipped = period._kpi_open_employees(
                units.employee_ids, run.subject_groups.split(","), RUN_CHUNK_SIZE
            )
            skipped_by_employee = dict(skipped)
            done = {}
            for unit in units:
                employees = unit.employee_ids
                reasons = [
                    (employee, skipped_by_employee[employee])
                    for employee in employees
                    if employee in skipped_by_employee
                ]
                done[unit] = {
                    "created_count": len(employees & created),
                    "existing_count": len(employees & existing),
                    "skipped_count": len(reasons),
                    "skipped_note": "\n".join(
                        f"{employee.name}: {reason}" for employee, reason in reasons
                    )
                    or False,
                }
            return done

        return self._kpi_perform(work, "unit", retry_on=(errors.UniqueViolation,))

    @_retry_when_the_database_fails()
    def _kpi_job_company_pass(self):
        """The job of a company-wide pass: the rows of this job's units (the
        quota of each unit, or its row of Mẫu 02A), stored on the job's unit;
        the last job assembles the run's result. Idempotent: it reads only,
        and run again it stores the same rows."""

        def work(unit, run):
            period = run.period_id.with_env(self.env)
            # the right to the company's month, as the user who started the run
            period._kpi_check_can_pass_company()
            domain = [("department_id", "in", unit.department_ids.ids)]
            if unit.without_department:
                domain = ["|", ("department_id", "=", False), *domain]
            # sudo: the right to the company's month is checked above
            appraisals = (
                self.env["hr.kpi.appraisal"]
                .sudo()
                .search([("period_id", "=", period.id), *domain])
            )
            if run.kind == "quota":
                data = {"rows": self.env["hr.kpi.quota"]._kpi_unit_rows(appraisals)}
            else:
                Agency = self.env["report.l10n_vn_hr_kpi.report_agency_summary"]
                rows, levels = Agency._kpi_unit_rows(period, appraisals)
                data = {"rows": rows, "levels": levels}
            return {unit: {"created_count": len(appraisals), "result_data": data}}

        return self._kpi_perform(work, "units")

    def _kpi_record_failure(self, err):
        _logger.warning(
            "KPI: a job of the background run %s (%s) failed for %s: %s",
            self.run_id.id,
            self.run_id.kind,
            self.department_id.display_name or f"batch {self.id}",
            err,
        )
        message = err.args[0] if isinstance(err, UserError) and err.args else ""
        self.write(
            {
                "state": "failed",
                "error": message or f"{type(err).__name__}: {err}",
            }
        )

    def _kpi_job_failed(self, **fail_vals):
        """queue_job's on_fail: the job failed for good (too many retries, a
        crash outside the unit's work). The unit shows the error."""
        # sudo: called by the queue's runner on the units of its job
        units = self.sudo().filtered(lambda unit: unit.state == "pending")
        if not units:
            return
        units.write(
            {
                "state": "failed",
                "error": fail_vals.get("exc_message") or fail_vals.get("exc_name"),
            }
        )
        units.run_id._kpi_unit_finished()

    def _kpi_job_related_action(self):
        """queue_job's related action: the run of the job."""
        return self.run_id._kpi_action_open()
