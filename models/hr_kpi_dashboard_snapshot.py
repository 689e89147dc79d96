from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.job import identity_exact

# below this many appraisals in a month the HR officer's dashboard counts the
# month live on each opening (a ward's, a district's: a fraction of a second);
# from it, it reads the month's figures kept by a background job
# (ir.config_parameter l10n_vn_hr_kpi.dashboard_snapshot_min)
SNAPSHOT_MIN_APPRAISALS = 20000
# how old the kept figures may be before the next opening asks the job to
# count the month again (ir.config_parameter
# l10n_vn_hr_kpi.dashboard_snapshot_minutes)
SNAPSHOT_MINUTES = 10

# what a row of the figures holds: the groups of the month's analysis rows,
# then their counts (see hr.kpi.dashboard._dashboard_unit_groups)
SNAPSHOT_GROUPBY = (
    "company_id",
    "department_id",
    "subject_group",
    "level",
    "rule_set_id",
    "task_group",
)
SNAPSHOT_AGGREGATES = (
    "__count",
    "late_self_evaluation_count:sum",
    "late_decision_count:sum",
    "overdue_task_count:sum",
    "not_evaluated_count:sum",
)


class HrKpiDashboardSnapshot(models.Model):
    """The dashboard's figures of one month of a large company, counted by a
    background job and read by the HR officer's dashboard.

    The HR officer's dashboard reads the whole company: at N = 200,000 the
    month's count takes more than a second on every opening, whatever the
    unit he looks at. Above ``SNAPSHOT_MIN_APPRAISALS`` appraisals, the
    month's rows are counted once, grouped by company, unit, subject group,
    level and quota group (a few thousand groups), and every opening filters
    and sums those groups: the same figures as the live count at the time
    of ``date_computed``, which the dashboard shows. An opening that finds
    them older than ``SNAPSHOT_MINUTES`` asks the job to count the month
    again; *Refresh* counts it live at once. The month's runs (opening,
    recomputing, locking) drop them at their end.

    Read by HR officers only (ACL), within their companies (record rule);
    written by the job only, in sudo (no one has the right to write them).
    """

    _name = "hr.kpi.dashboard.snapshot"
    _description = "KPI dashboard figures of a month"
    _order = "period_id"

    period_id = fields.Many2one(
        "hr.kpi.period", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    date_computed = fields.Datetime(string="Counted on", required=True, readonly=True)
    appraisal_count = fields.Integer(readonly=True)
    # [[company, unit, subject group, level, rule set, task group, count,
    #   late self-evaluations, late decisions, overdue tasks, not evaluated],
    #  ...] (ids, False for none)
    row_data = fields.Json(readonly=True)

    _sql_constraints = [
        ("period_unique", "unique(period_id)", "A month has one set of figures."),
    ]

    @api.model
    def _kpi_min_appraisals(self):
        # sudo: a setting of the system, read for every dashboard user
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_vn_hr_kpi.dashboard_snapshot_min")
        )
        return int(value) if value and value.isdigit() else SNAPSHOT_MIN_APPRAISALS

    @api.model
    def _kpi_max_age(self):
        # sudo: a setting of the system, read for every dashboard user
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_vn_hr_kpi.dashboard_snapshot_minutes")
        )
        minutes = int(value) if value and value.isdigit() else SNAPSHOT_MINUTES
        return timedelta(minutes=minutes)

    def _kpi_is_stale(self):
        self.ensure_one()
        return self.date_computed < fields.Datetime.now() - self._kpi_max_age()

    @api.model
    def _kpi_count(self, period):
        """The month's rows counted by ``SNAPSHOT_GROUPBY``, as plain values
        (the row of ``row_data``)."""
        # sudo: every row of the month; the dashboard keeps the user's
        # companies when it reads them (the analysis' company rule)
        groups = (
            self.env["hr.kpi.appraisal.analysis"]
            .sudo()
            ._read_group(
                [("period_id", "=", period.id)],
                list(SNAPSHOT_GROUPBY),
                list(SNAPSHOT_AGGREGATES),
            )
        )
        return [
            [
                value.id if isinstance(value, models.BaseModel) else value or False
                for value in group[: len(SNAPSHOT_GROUPBY)]
            ]
            + [int(value or 0) for value in group[len(SNAPSHOT_GROUPBY) :]]
            for group in groups
        ]

    @api.model
    def _kpi_refresh(self, period):
        """Count ``period`` and keep its figures, replacing the previous
        ones (an upsert: two jobs of the same month end with one row)."""
        rows = self._kpi_count(period)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO hr_kpi_dashboard_snapshot
                    (period_id, company_id, date_computed, appraisal_count,
                     row_data, create_uid, create_date, write_uid, write_date)
                VALUES (%(period)s, %(company)s, %(now)s, %(count)s, %(rows)s,
                        %(uid)s, %(now)s, %(uid)s, %(now)s)
                ON CONFLICT (period_id) DO UPDATE SET
                    company_id = EXCLUDED.company_id,
                    date_computed = EXCLUDED.date_computed,
                    appraisal_count = EXCLUDED.appraisal_count,
                    row_data = EXCLUDED.row_data,
                    write_uid = EXCLUDED.write_uid,
                    write_date = EXCLUDED.write_date
                """,
                period=period.id,
                company=period.company_id.id,
                now=fields.Datetime.now(),
                count=sum(row[len(SNAPSHOT_GROUPBY)] for row in rows),
                rows=self._fields["row_data"].convert_to_column(rows, self),
                uid=self.env.uid,
            )
        )
        self.invalidate_model()

    @api.model
    def _kpi_enqueue(self, periods):
        """Ask the background job to count ``periods`` again (one job per
        month waiting at a time)."""
        for period in periods:
            self.with_delay(
                description=self.env._(
                    "Count the dashboard's figures of %(period)s",
                    period=period.name,
                ),
                identity_key=identity_exact,
            )._kpi_job_refresh(period.id)

    @api.model
    def _kpi_job_refresh(self, period_id):
        """The job: count the month again (idempotent: the same month gives
        the same row). It runs as the user who enqueued it: one who has the
        dashboard (the HR officer who opened it, or who ran the month's
        opening run, a focal point included), checked again here."""
        self.env["hr.kpi.dashboard"]._check_dashboard_access()
        # sudo: the month's figures are counted whole, whoever enqueued it
        period = self.env["hr.kpi.period"].sudo().browse(period_id).exists()
        if period:
            self._kpi_refresh(period)

    @api.model
    def _kpi_drop(self, periods):
        """The month moved as a whole (a run ended): its kept figures are
        dropped, the dashboard counts it live until the job has counted it
        again."""
        # sudo: a run's end (hr.kpi.period.open.run._kpi_finish, private),
        # in the job of whoever may run it, checked when the run started
        snapshots = self.sudo().search([("period_id", "in", periods.ids)])
        if snapshots:
            dropped = snapshots.period_id
            snapshots.unlink()
            self._kpi_enqueue(dropped)
