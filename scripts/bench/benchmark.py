"""The city benchmark (README, Performance): each step of a month measured
through the addon (ORM) and as plain SQL doing the same rows, in the same run.

Every figure: wall time (``time.perf_counter``), queries (the cursor's
``sql_log_count``), queries per record, and the peak resident memory of the
process during the step (Linux ``VmHWM``, reset before each step through
``/proc/self/clear_refs``; where that is not possible, ``ru_maxrss``: the peak
since the process started). The ratio is ORM time / SQL time.

Everything runs in the caller's transaction: the caller rolls it back (the
benchmark can be re-run on the same city). Each SQL baseline runs in a
savepoint rolled back at once.
"""

import cProfile
import csv
import io
import os
import resource
import time

from odoo.tools import SQL

from odoo.addons.l10n_vn_hr_kpi.reports.hr_kpi_xlsx import build_xlsx

LIST_PAGE = 80
# the web client counts a list's records up to 10,000 (+1: "10000+")
LIST_COUNT_LIMIT = 10001
# (step, label, target text, check(result row) -> bool or None when no target)
TARGETS = {
    "open_month": ("ratio ≤ 4", lambda r: r["ratio"] <= 4),
    # through the jobs, ≤ 3× the best single-pass SQL of the rows
    "open_month_jobs": ("ratio ≤ 3", lambda r: r["ratio"] <= 3),
    "decide_unit": ("ORM ≤ 0.5 s", lambda r: r["orm_s"] <= 0.5),
    "quota_company": ("ratio ≤ 10", lambda r: r["ratio"] <= 10),
    "export_02a_company": ("ratio ≤ 10", lambda r: r["ratio"] <= 10),
    "recompute_month": ("ORM ≤ 120 s", lambda r: r["orm_s"] <= 120),
    "recompute_changed": ("ORM ≤ 120 s", lambda r: r["orm_s"] <= 120),
    "list_my_unit": ("ORM ≤ 0.3 s", lambda r: r["orm_s"] <= 0.3),
    "list_my_unit_50": ("ORM ≤ 0.3 s", lambda r: r["orm_s"] <= 0.3),
    # the load test's target for an interactive request
    "dashboard_company": ("ORM ≤ 1.5 s", lambda r: r["orm_s"] <= 1.5),
    "dashboard_company_live": ("ORM ≤ 1.5 s", lambda r: r["orm_s"] <= 1.5),
    "export_01a_unit": ("ORM ≤ 3 s", lambda r: r["orm_s"] <= 3),
}
MEMORY_TARGET_MB = 2048
# the opening through jobs (a diagnostic: the jobs one after the other in
# one process; `make benchjobs` measures them through the server) is run on
# demand only (BENCH_STEPS=open_month_jobs), on the month still empty, and is
# rolled back; the lists come before the decision: the evaluator's queue is
# the unit decided;
# the recompute after a rule change comes last: it rewrites every appraisal of
# the month in the benchmark's one transaction, whose dead row versions nothing
# can clean before it ends, and the steps after it would read through them
STEPS = (
    "open_month",
    "recompute_month",
    "list_to_review",
    "list_my_unit",
    "list_my_unit_50",
    "decide_unit",
    "quota_company",
    "dashboard_company",
    "dashboard_company_live",
    "export_01a_unit",
    "export_02a_company",
    "recompute_changed",
)
CSV_FIELDS = (
    "n_staff",
    "scope",
    "step",
    "records",
    "orm_s",
    "sql_s",
    "ratio",
    "orm_queries",
    "queries_per_record",
    "sql_queries",
    "peak_rss_mb",
    "target",
    "target_met",
    "memory_met",
)


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_mb(reset_ok):
    if reset_ok:
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(env, fn):
    """Run ``fn()`` and flush; return (result, seconds, queries, peak MB).

    The flush is the cursor's, as at a commit: the pending writes and the
    pre-commit work (the mail thread's tracking messages, ...) the step queued
    are paid by the step, not by the next one in the benchmark's transaction."""
    cr = env.cr
    cr.flush()
    reset_ok = _reset_peak()
    queries = cr.sql_log_count
    # BENCH_PROFILE=path: the step's profile (cProfile) written to path
    profile_path = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_path else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = fn()
    cr.flush()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    if profiler:
        profiler.dump_stats(profile_path)
    return result, seconds, cr.sql_log_count - queries, _peak_mb(reset_ok)


def measure_sql(env, fn):
    """Run the plain-SQL ``fn(cr)`` in a savepoint rolled back at once."""
    cr = env.cr
    cr.flush()
    queries = cr.sql_log_count
    cr.execute("SAVEPOINT kpi_bench_sql")
    start = time.perf_counter()
    result = fn(cr)
    seconds = time.perf_counter() - start
    cr.execute("ROLLBACK TO SAVEPOINT kpi_bench_sql")
    return result, seconds, cr.sql_log_count - queries


class CityBenchmark:
    """The steps, in the order a month goes; ``run()`` returns the result rows."""

    def __init__(self, env, info, log=print, scope="company"):
        """:param scope: ``company`` opens the month for everyone; ``unit`` for
        the large unit only (its sub-units hold the units of the other steps)
        """
        self.scope = scope
        self.env = env
        self.info = info
        self.log = log
        self.period = env["hr.kpi.period"].browse(info["period_id"])
        self.company = self.period.company_id
        self.rows = []
        self.results = {}

    # ---- helpers -----------------------------------------------------------

    def _env_as(self, key):
        user = self.env["res.users"].browse(self.info[f"{key}_user_id"])
        context = dict(self.env.context, allowed_company_ids=self.company.ids)
        return self.env(user=user, su=False, context=context)

    def _record(self, step, records, orm, sql):
        _result, orm_s, orm_q, peak = orm
        _sql_result, sql_s, sql_q = sql
        row = {
            "n_staff": self.info["n_staff"],
            "scope": self.scope,
            "step": step,
            "records": records,
            "orm_s": round(orm_s, 4),
            "sql_s": round(sql_s, 4),
            "ratio": round(orm_s / sql_s, 2) if sql_s > 0 else 0.0,
            "orm_queries": orm_q,
            "queries_per_record": round(orm_q / records, 4) if records else orm_q,
            "sql_queries": sql_q,
            "peak_rss_mb": round(peak, 1),
        }
        target = TARGETS.get(step)
        row["target"] = target[0] if target else ""
        row["target_met"] = ("yes" if target[1](row) else "NO") if target else ""
        row["memory_met"] = "yes" if peak <= MEMORY_TARGET_MB else "NO"
        self.rows.append(row)
        self.log(
            f"{step:<20} {records:>8} rec  ORM {orm_s:9.3f} s  SQL {sql_s:8.3f} s  "
            f"x{row['ratio']:<7} {row['queries_per_record']:>8} q/rec  "
            f"{row['peak_rss_mb']:8.1f} MB"
        )
        return row

    def _appraisal_columns(self):
        return SQL(
            """
            employee_id, period_id, period_start, company_id, department_id,
            job_title, subject_group, staff_category, is_leader, rule_set_id,
            state, evaluator_employee_id, decider_employee_id, kpi_organisation,
            kpi_cohesion, create_uid, write_uid, create_date, write_date
            """
        )

    # the task block of one appraisal from its counted tasks' sums ``s`` (the
    # columns of _TASK_SUMS), and its total and level from the task block and
    # the general points ``g``: the same expressions for the opening and the
    # recompute
    _TASK_SUMS = SQL(
        """
        SUM(t.converted_quantity) AS assigned,
        SUM(t.completed_quantity * t.coefficient) AS done,
        SUM(t.quality_passed_quantity * t.coefficient
            * GREATEST(0, 1 - 0.25 * t.major_error_count)) AS quality,
        SUM(t.completed_quantity * t.coefficient
            * GREATEST(0, 1 - 0.25 * t.delay_count)) AS progress,
        COUNT(*) AS counted, SUM(t.delay_count) AS delays
        """
    )
    _SCORES = SQL(
        """
        CROSS JOIN LATERAL (
            SELECT COALESCE(LEAST(100, 100 * s.done / NULLIF(s.assigned, 0)), 0) AS q,
                   COALESCE(LEAST(100, 100 * s.quality / NULLIF(s.assigned, 0)), 0)
                       AS ql,
                   COALESCE(LEAST(100, 100 * s.progress / NULLIF(s.assigned, 0)), 0)
                       AS pg,
                   COALESCE(g.points, 0) AS general) AS k
        CROSS JOIN LATERAL (
            SELECT (k.q + k.ql + k.pg) / 3 AS pct,
                   k.general + 0.7 * (k.q + k.ql + k.pg) / 3 AS total) AS r
        CROSS JOIN LATERAL (
            SELECT CASE WHEN r.total >= 90 THEN 'excellent'
                        WHEN r.total >= 70 THEN 'good'
                        WHEN r.total >= 50 THEN 'done'
                        ELSE 'fail' END AS level) AS lv
        """
    )

    def _sql_scores(self, cr, ids):
        """Every score of the appraisals ``ids`` in one UPDATE: the task block
        from their counted tasks and the general points from their criterion
        lines (grouped sub-queries), the totals and levels from those; only
        the rows whose scores change are written (as the addon does)."""
        cr.execute(
            SQL(
                """
                UPDATE hr_kpi_appraisal a
                   SET kpi_assigned_quantity = COALESCE(s.assigned, 0),
                       kpi_done_quantity = COALESCE(s.done, 0),
                       kpi_quality_quantity = COALESCE(s.quality, 0),
                       kpi_progress_quantity = COALESCE(s.progress, 0),
                       kpi_quantity = k.q, kpi_quality = k.ql, kpi_progress = k.pg,
                       task_counted_count = COALESCE(s.counted, 0),
                       task_delay_count = COALESCE(s.delays, 0),
                       general_score = k.general, general_self_score = k.general,
                       general_evaluator_score = k.general,
                       kpi_percent = r.pct, task_score = 0.7 * r.pct,
                       total_score = r.total,
                       level_by_score = lv.level, level_computed = lv.level
                  FROM hr_kpi_appraisal x
                  LEFT JOIN (
                    SELECT t.appraisal_id, %(sums)s
                      FROM hr_kpi_task t
                     WHERE t.appraisal_id = ANY(%(ids)s) AND t.is_counted
                     GROUP BY t.appraisal_id) AS s ON s.appraisal_id = x.id
                  LEFT JOIN (
                    SELECT l.appraisal_id, SUM(COALESCE(l.final_points,
                           l.evaluator_points, l.self_points, 0)) AS points
                      FROM hr_kpi_appraisal_line l
                     WHERE l.appraisal_id = ANY(%(ids)s)
                     GROUP BY l.appraisal_id) AS g ON g.appraisal_id = x.id
                  %(scores)s
                 WHERE a.id = x.id AND x.id = ANY(%(ids)s)
                   AND (a.kpi_quantity, a.kpi_quality, a.kpi_progress,
                        a.general_score, a.total_score, a.level_computed,
                        a.task_counted_count, a.task_delay_count)
                       IS DISTINCT FROM
                       (k.q::float8, k.ql::float8, k.pg::float8,
                        k.general::float8, r.total::float8, lv.level::varchar,
                        COALESCE(s.counted, 0)::int, COALESCE(s.delays, 0)::int)
                """,
                sums=self._TASK_SUMS,
                scores=self._SCORES,
                ids=ids,
            )
        )
        return cr.rowcount

    def _sql_open(self, cr):
        """The best plain SQL of the month's opening, each row written once:
        one INSERT … SELECT of the appraisals with their task block (the tasks
        grouped by employee in a sub-query), totals, levels and leader links
        (ids drawn first, so that a leader's id is known when his staff are
        inserted), then the criterion lines and the task links. Returns the
        number of appraisals."""
        period = self.period
        cr.execute(
            SQL(
                """
                WITH src AS MATERIALIZED (
                    SELECT nextval(pg_get_serial_sequence('hr_kpi_appraisal', 'id'))
                               AS id,
                           c.employee_id, c.company_id,
                           COALESCE(c.department_id, e.department_id) AS department_id,
                           e.job_title, c.subject_group, c.staff_category,
                           COALESCE(c.rule_set_id, %(rule_set)s) AS rule_set_id,
                           c.evaluator_id, c.decider_id
                      FROM hr_kpi_evaluation_config c
                      JOIN hr_employee e ON e.id = c.employee_id
                     WHERE c.company_id = %(company)s AND c.active
                       AND c.date_start <= %(start)s
                       AND (c.date_end IS NULL OR c.date_end >= %(start)s)
                       AND c.evaluator_id IS NOT NULL AND c.decider_id IS NOT NULL
                       AND %(in_scope)s
                )
                INSERT INTO hr_kpi_appraisal
                    (id, %(columns)s, leader_appraisal_id,
                     kpi_assigned_quantity, kpi_done_quantity, kpi_quality_quantity,
                     kpi_progress_quantity, kpi_quantity, kpi_quality, kpi_progress,
                     task_counted_count, task_delay_count, general_score,
                     general_self_score, general_evaluator_score, kpi_percent,
                     task_score, total_score, level_by_score, level_computed)
                SELECT n.id, n.employee_id, %(period)s, %(start)s, n.company_id,
                       n.department_id, n.job_title, n.subject_group,
                       n.staff_category,
                       n.subject_group IN ('leader_head', 'leader_deputy'),
                       n.rule_set_id, 'draft', n.evaluator_id, n.decider_id, 100, 100,
                       %(uid)s, %(uid)s,
                       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
                       ldr.id,
                       COALESCE(s.assigned, 0), COALESCE(s.done, 0),
                       COALESCE(s.quality, 0), COALESCE(s.progress, 0),
                       k.q, k.ql, k.pg,
                       COALESCE(s.counted, 0), COALESCE(s.delays, 0),
                       k.general, k.general, k.general, r.pct, 0.7 * r.pct, r.total,
                       lv.level, lv.level
                  FROM src n
                  LEFT JOIN src ldr ON ldr.employee_id = n.evaluator_id
                  LEFT JOIN (
                    SELECT t.employee_id, %(sums)s
                      FROM hr_kpi_task t
                     WHERE t.period_id = %(period)s AND t.is_counted
                     GROUP BY t.employee_id) AS s ON s.employee_id = n.employee_id
                  -- a new month's lines carry no points yet
                  LEFT JOIN (SELECT NULL::int AS appraisal_id,
                                    0::numeric AS points) AS g ON FALSE
                  %(scores)s
                RETURNING id, employee_id
                """,
                in_scope=SQL(
                    "e.department_id IN (SELECT id FROM hr_department WHERE "
                    "parent_path LIKE (SELECT parent_path FROM hr_department "
                    "WHERE id = %s) || %s)",
                    self.info["unit_large_id"],
                    "%",
                )
                if self.scope == "unit"
                else SQL("TRUE"),
                columns=self._appraisal_columns(),
                sums=self._TASK_SUMS,
                scores=self._SCORES,
                period=period.id,
                start=period.date_start,
                rule_set=period.rule_set_id.id,
                company=self.company.id,
                uid=self.env.uid,
            )
        )
        rows = cr.fetchall()
        ids = [row[0] for row in rows]
        cr.execute(
            SQL(
                """
                INSERT INTO hr_kpi_appraisal_line
                    (appraisal_id, company_id, criterion_id, sequence,
                     create_uid, write_uid, create_date, write_date)
                SELECT a.id, a.company_id, c.id,
                       ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY c.sequence, c.id),
                       %(uid)s, %(uid)s,
                       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM hr_kpi_appraisal a
                  JOIN hr_kpi_criterion c ON c.rule_set_id = a.rule_set_id
                                         AND c.subject_group = a.subject_group
                                         AND c.is_leaf
                 WHERE a.id = ANY(%(ids)s)
                """,
                ids=ids,
                uid=self.env.uid,
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE hr_kpi_task t SET appraisal_id = v.id
                  FROM unnest(%s::int[], %s::int[]) AS v(id, employee_id)
                 WHERE t.employee_id = v.employee_id AND t.period_id = %s
                """,
                ids,
                [row[1] for row in rows],
                period.id,
            )
        )
        return len(ids)

    # ---- steps ---------------------------------------------------------------

    def step_open_month(self):
        period = self.period
        sql_run = measure_sql(self.env, self._sql_open)
        Wizard = self._env_as("hr")["hr.kpi.period.open"]
        # this step measures the opening in one process (the wizard inline);
        # above the company's threshold the wizard would enqueue jobs instead
        self.company.kpi_open_job_threshold = 0

        def orm():
            vals = {"period_id": period.id}
            if self.scope == "unit":
                vals["department_id"] = self.info["unit_large_id"]
            wizard = Wizard.create(vals)
            wizard.action_open_month()
            return wizard.created_count

        orm_run = measure(self.env, orm)
        self.results["open_month"] = {"created": orm_run[0], "sql_created": sql_run[0]}
        return self._record("open_month", orm_run[0], orm_run, sql_run)

    def step_open_month_jobs(self):
        """The month opened through the background jobs, end to end: the
        wizard records the run and enqueues its jobs (queue_job), then
        every queued job is performed in this process, one after the other,
        as the job runner's worker would (as the user who enqueued it), until
        the run is done. One process: N workers of the runner would share
        the units. Rolled back afterwards: the month is opened again by the
        next step."""
        from odoo.addons.queue_job.job import Job

        period = self.period
        env = self.env
        cr = env.cr
        sql_run = measure_sql(env, self._sql_open)
        savepoint = cr.savepoint()
        # above the threshold: the wizard enqueues
        self.company.kpi_open_job_threshold = 1
        Wizard = self._env_as("hr")["hr.kpi.period.open"]

        def orm():
            vals = {"period_id": period.id}
            if self.scope == "unit":
                vals["department_id"] = self.info["unit_large_id"]
            action = Wizard.create(vals).action_open_month()
            run = env["hr.kpi.period.open.run"].browse(action["res_id"])
            # a job per unit, or per group of small units
            uuids = list(dict.fromkeys(run.unit_ids.mapped("job_uuid")))
            for uuid in uuids:
                if not uuid:
                    continue
                job = Job.load(env, uuid)
                job.set_started()
                job.store()
                job.perform()
                job.set_done()
                job.store()
                # each job of the runner has a transaction and a cache of its own
                cr.flush()
                env.invalidate_all()
            run.invalidate_recordset()
            jobs = len([uuid for uuid in uuids if uuid])
            return run.created_count, jobs, run.state, run.unit_failed_count

        orm_run = measure(env, orm)
        created, jobs, state, failed = orm_run[0]
        [(appraisals,)] = env.execute_query(
            SQL(
                "SELECT COUNT(*) FROM hr_kpi_appraisal WHERE period_id = %s",
                period.id,
            )
        )
        savepoint.close(rollback=True)
        env.invalidate_all()
        self.results["open_month_jobs"] = {
            "created": created,
            "jobs": jobs,
            "state": state,
            "failed": failed,
            "appraisals": appraisals,
            "sql_created": sql_run[0],
        }
        return self._record("open_month_jobs", created, orm_run, sql_run)

    def step_recompute_month(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        appraisals = Appraisal.search([("period_id", "=", self.period.id)])
        self.env.invalidate_all()

        def orm():
            # the addon's batched recompute (mark, flush, invalidate per batch)
            return appraisals._kpi_recompute_scores()

        orm_run = measure(self.env, orm)
        sql_run = measure_sql(self.env, lambda cr: self._sql_scores(cr, appraisals.ids))
        self.env.invalidate_all()
        return self._record("recompute_month", len(appraisals), orm_run, sql_run)

    def step_recompute_changed(self):
        """The month recomputed after its rule sets changed behind the ORM (a
        bulk correction): every task score and total moves and is written."""
        Appraisal = self.env["hr.kpi.appraisal"]
        appraisals = Appraisal.search([("period_id", "=", self.period.id)])
        rule_sets = appraisals.rule_set_id
        self.env.execute_query(
            SQL(
                "UPDATE hr_kpi_rule_set SET task_max = task_max - 1 WHERE id = ANY(%s)",
                rule_sets.ids,
            )
        )
        self.env.invalidate_all()
        orm_run = measure(self.env, appraisals._kpi_recompute_scores)
        sql_run = measure_sql(self.env, lambda cr: self._sql_scores(cr, appraisals.ids))
        # appraisals whose task points do not follow the new rule set
        [(stale,)] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*) FROM hr_kpi_appraisal a
                  JOIN hr_kpi_rule_set r ON r.id = a.rule_set_id
                 WHERE a.id = ANY(%s)
                   AND ABS(a.task_score - a.kpi_percent * r.task_max / 100) > 0.01
                """,
                appraisals.ids,
            )
        )
        self.env.invalidate_all()
        self.results["recompute_changed"] = {"stale": stale}
        return self._record("recompute_changed", len(appraisals), orm_run, sql_run)

    def _unit50_appraisals(self):
        env = self.env
        head = env["hr.employee"].browse(self.info["head50_employee_id"])
        return env["hr.kpi.appraisal"].search(
            [
                ("period_id", "=", self.period.id),
                ("department_id", "=", self.info["unit50_id"]),
                ("decider_employee_id", "=", head.id),
            ]
        )

    def step_decide_unit(self):
        from odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_appraisal import LEVEL_RANK

        appraisals = self._unit50_appraisals()
        # set up (not measured): reviewed, with the evaluator's proposal
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET state = 'reviewed' WHERE id = ANY(%s)",
                appraisals.ids,
            )
        )
        self.env.invalidate_all()
        # the head keeps the computed level, at most "good" (within any quota)
        levels = {
            a.id: min(a.level_computed or "fail", "good", key=LEVEL_RANK.__getitem__)
            for a in appraisals
        }
        head_env = self._env_as("head50")
        uid = head_env.uid

        def sql(cr):
            cr.execute(
                SQL(
                    "SELECT id FROM hr_kpi_appraisal WHERE period_id = %s "
                    "AND department_id = %s ORDER BY id FOR UPDATE",
                    self.period.id,
                    self.info["unit50_id"],
                )
            )
            cr.execute(
                SQL(
                    """
                    UPDATE hr_kpi_appraisal a
                       SET state = 'decided', level_final = v.level,
                           decided_by_id = %(uid)s,
                           decided_date = now() AT TIME ZONE 'UTC'
                      FROM unnest(%(ids)s::int[], %(levels)s::varchar[]) AS v(id, level)
                     WHERE a.id = v.id
                    """,
                    uid=uid,
                    ids=list(levels),
                    levels=list(levels.values()),
                )
            )
            cr.execute(
                SQL(
                    "SELECT level_final, COUNT(*) FROM hr_kpi_appraisal "
                    "WHERE period_id = %s AND department_id = %s GROUP BY level_final",
                    self.period.id,
                    self.info["unit50_id"],
                )
            )
            return cr.fetchall()

        sql_run = measure_sql(self.env, sql)
        mine = head_env["hr.kpi.appraisal"].browse(appraisals.ids)

        def orm():
            mine._decide({a: levels[a.id] for a in mine})
            return len(mine)

        orm_run = measure(self.env, orm)
        self.env.invalidate_all()
        self.results["decide_unit"] = {
            "ids": appraisals.ids,
            "levels": levels,
            "head_uid": uid,
        }
        return self._record("decide_unit", len(appraisals), orm_run, sql_run)

    def step_quota_company(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        Quota = self.env["hr.kpi.quota"]
        self.env.invalidate_all()

        def orm():
            appraisals = Appraisal.search([("period_id", "=", self.period.id)])
            # the addon's company-wide pass (*Check the quotas*, and each job
            # of it): counted by unit, quota group and level
            rows = Quota._kpi_unit_rows(appraisals)
            return len(appraisals), len(rows), sum(row["holds"] for row in rows)

        def sql(cr):
            cr.execute(
                SQL(
                    """
                    SELECT department_id, COUNT(*) FILTER (WHERE lvl = 'excellent'),
                           COUNT(*), MAX(rnk)
                      FROM (SELECT department_id,
                                   COALESCE(level_final, level_proposed, level_computed)
                                       AS lvl,
                                   ROW_NUMBER() OVER (
                                       PARTITION BY department_id
                                       ORDER BY total_score DESC, task_delay_count,
                                                task_exceeded_count DESC, id) AS rnk
                              FROM hr_kpi_appraisal WHERE period_id = %s) AS x
                     GROUP BY department_id
                    """,
                    self.period.id,
                )
            )
            return cr.fetchall()

        sql_run = measure_sql(self.env, sql)
        orm_run = measure(self.env, orm)
        count, units, holding = orm_run[0]
        self.results["quota_company"] = {
            "appraisals": count,
            "units": units,
            "holding": holding,
            "sql_units": len(sql_run[0]),
        }
        return self._record("quota_company", count, orm_run, sql_run)

    def _sql_dashboard(self, cr):
        """The dashboard's figures of the month in one plain-SQL pass: by unit
        and level, with the late steps and the overdue tasks (grouped once
        over the month's tasks)."""
        cr.execute(
            SQL(
                """
                SELECT a.department_id, a.level_final, COUNT(*),
                       COUNT(*) FILTER (WHERE a.state != 'not_evaluated' AND
                           COALESCE(a.self_submitted_date::date, CURRENT_DATE)
                               > p.date_self_evaluation),
                       COUNT(*) FILTER (WHERE a.state != 'not_evaluated' AND
                           COALESCE(a.decided_date::date, CURRENT_DATE)
                               > p.date_decision),
                       SUM(COALESCE(t.overdue, 0))
                  FROM hr_kpi_appraisal a
                  JOIN hr_kpi_period p ON p.id = a.period_id
                  LEFT JOIN (SELECT appraisal_id, COUNT(*) AS overdue
                               FROM hr_kpi_task
                              WHERE period_id = %(period)s
                                AND ((state NOT IN ('done', 'cancelled')
                                      AND deadline < CURRENT_DATE)
                                     OR (state = 'done' AND date_done > deadline))
                              GROUP BY appraisal_id) t ON t.appraisal_id = a.id
                 WHERE a.period_id = %(period)s AND a.active
                 GROUP BY a.department_id, a.level_final
                """,
                period=self.period.id,
            )
        )
        return cr.fetchall()

    def _dashboard(self, step, live):
        """The HR officer's dashboard of the whole company (``get_data`` as
        him), against the same figures in one plain-SQL pass. ``live``: the
        month counted at the opening (*Refresh*); else read from the figures
        the background job keeps, counted first (their count apart, in the
        results)."""
        Snapshot = self.env["hr.kpi.dashboard.snapshot"]
        Dashboard = self._env_as("hr")["hr.kpi.dashboard"]
        if not live:
            months = self.env["hr.kpi.period"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("date_start", "<=", self.period.date_start),
                ]
            )
            kept = measure(self.env, lambda: [Snapshot._kpi_refresh(m) for m in months])
            self.results["dashboard_kept_s"] = round(kept[1], 3)
        self.env.invalidate_all()

        def orm():
            data = Dashboard.get_data(period_id=self.period.id, live=live)
            return data["appraisal_count"], len(data["units"]), data["figures_kept"]

        sql_run = measure_sql(self.env, self._sql_dashboard)
        orm_run = measure(self.env, orm)
        count, units, figures_kept = orm_run[0]
        self.results[step] = {
            "appraisals": count,
            "units": units,
            "kept": figures_kept,
            "sql_appraisals": sum(row[2] for row in sql_run[0]),
            "sql_units": len({row[0] for row in sql_run[0]}),
        }
        return self._record(step, count, orm_run, sql_run)

    def step_dashboard_company(self):
        return self._dashboard("dashboard_company", live=False)

    def step_dashboard_company_live(self):
        return self._dashboard("dashboard_company_live", live=True)

    def _sql_summary_rows(self, cr, department_id=None):
        where = SQL("a.period_id = %s", self.period.id)
        if department_id:
            where = SQL(
                "%s AND d.parent_path LIKE (SELECT parent_path FROM hr_department "
                "WHERE id = %s) || %s",
                where,
                department_id,
                "%",
            )
        cr.execute(
            SQL(
                """
                SELECT a.id, e.name, a.job_title, d.name->>'vi_VN', d.name->>'en_US',
                       a.subject_group, a.general_self_score, a.general_evaluator_score,
                       a.task_score, a.adjustment_score, a.total_score,
                       COALESCE(a.level_final, a.level_proposed, a.level_computed),
                       a.level_reason_data, a.state
                  FROM hr_kpi_appraisal a
                  JOIN hr_employee e ON e.id = a.employee_id
                  JOIN hr_department d ON d.id = a.department_id
                 WHERE %s
                 ORDER BY d.complete_name, a.subject_group, e.name, a.id
                """,
                where,
            )
        )
        return cr.fetchall()

    def step_export_01a(self):
        Unit = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]
        unit = self.env["hr.department"].browse(self.info["unit300_id"])
        self.env.invalidate_all()

        def orm():
            form = Unit._get_form_data(self.period, unit)
            return form, build_xlsx("unit_summary", [form])

        def sql(cr):
            return self._sql_summary_rows(cr, unit.id)

        sql_run = measure_sql(self.env, sql)
        orm_run = measure(self.env, orm)
        form, xlsx = orm_run[0]
        self.results["export_01a_unit"] = {
            "rows": len(form["rows"]),
            "sql_rows": len(sql_run[0]),
            "xlsx_bytes": len(xlsx),
            "levels": {lv["key"]: lv["count"] for lv in form["levels"]},
        }
        return self._record("export_01a_unit", len(form["rows"]), orm_run, sql_run)

    def step_export_02a(self):
        Agency = self.env["report.l10n_vn_hr_kpi.report_agency_summary"]
        self.env.invalidate_all()

        def orm():
            form = Agency._get_form_data(self.period)
            return form, build_xlsx("agency_summary", [form])

        def sql(cr):
            cr.execute(
                SQL(
                    """
                    SELECT d.complete_name,
                           COUNT(*),
                           COUNT(*) FILTER (WHERE x.lvl = 'excellent'),
                           COUNT(*) FILTER (WHERE x.lvl = 'good'),
                           COUNT(*) FILTER (WHERE x.lvl = 'done'),
                           COUNT(*) FILTER (WHERE x.lvl = 'fail'),
                           MAX(x.rnk)
                      FROM (SELECT department_id,
                                   CASE WHEN state IN ('decided', 'published',
                                        'appeal_open', 'appeal_resolved', 'locked')
                                        THEN level_final
                                        ELSE COALESCE(level_final, level_proposed,
                                                      level_computed) END AS lvl,
                                   ROW_NUMBER() OVER (
                                       PARTITION BY department_id
                                       ORDER BY total_score DESC, task_delay_count,
                                                task_exceeded_count DESC, id) AS rnk
                              FROM hr_kpi_appraisal WHERE period_id = %s) AS x
                      JOIN hr_department d ON d.id = x.department_id
                     GROUP BY d.id, d.complete_name
                     ORDER BY d.complete_name
                    """,
                    self.period.id,
                )
            )
            return cr.fetchall()

        sql_run = measure_sql(self.env, sql)
        orm_run = measure(self.env, orm)
        form, xlsx = orm_run[0]
        self.results["export_02a_company"] = {
            "units": len(form["rows"]),
            "sql_units": len(sql_run[0]),
            "total": form["total"],
            "xlsx_bytes": len(xlsx),
        }
        return self._record("export_02a_company", form["total"], orm_run, sql_run)

    LIST_SPEC = {
        "employee_id": {"fields": {"display_name": {}}},
        "period_id": {"fields": {"display_name": {}}},
        "department_id": {"fields": {"display_name": {}}},
        "subject_group": {},
        "general_score": {},
        "kpi_percent": {},
        "task_score": {},
        "adjustment_score": {},
        "total_score": {},
        "level_computed": {},
        "level_final": {},
        "result_level": {},
        "evaluator_employee_id": {"fields": {"display_name": {}}},
        "needs_attention": {},
        "is_vetoed": {},
        "state": {},
        "company_id": {"fields": {"display_name": {}}},
    }

    def _sql_first_page(self, cr, where):
        cr.execute(
            SQL(
                """
                SELECT a.id, e.name, p.name, d.complete_name, a.subject_group,
                       a.general_score, a.kpi_percent, a.task_score,
                       a.adjustment_score, a.total_score, a.level_computed,
                       a.level_final, ev.name, a.needs_attention, a.is_vetoed,
                       a.state, c.name
                  FROM hr_kpi_appraisal a
                  JOIN hr_employee e ON e.id = a.employee_id
                  JOIN hr_kpi_period p ON p.id = a.period_id
                  LEFT JOIN hr_department d ON d.id = a.department_id
                  LEFT JOIN hr_employee ev ON ev.id = a.evaluator_employee_id
                  JOIN res_company c ON c.id = a.company_id
                 WHERE %s
                 ORDER BY a.period_start DESC, a.department_id, a.employee_id
                 LIMIT %s
                """,
                where,
                LIST_PAGE,
            )
        )
        rows = cr.fetchall()
        cr.execute(
            SQL(
                "SELECT COUNT(*) FROM (SELECT 1 FROM hr_kpi_appraisal a WHERE %s "
                "LIMIT %s) AS page",
                where,
                LIST_COUNT_LIMIT,
            )
        )
        return rows, cr.fetchone()[0]

    def _list(self, step, key, domain_of, sql_where):
        user_env = self._env_as(key)
        Appraisal = user_env["hr.kpi.appraisal"]
        domain = [("period_id", "=", self.period.id), *domain_of(Appraisal)]
        # warm the registry caches (rules, views) once, not the records
        Appraisal.web_search_read(
            domain, self.LIST_SPEC, limit=LIST_PAGE, count_limit=LIST_COUNT_LIMIT
        )
        self.env.invalidate_all()

        def orm():
            # as the list view asks: first page and the pager count up to 10,000
            return Appraisal.web_search_read(
                domain, self.LIST_SPEC, limit=LIST_PAGE, count_limit=LIST_COUNT_LIMIT
            )

        sql_run = measure_sql(self.env, lambda cr: self._sql_first_page(cr, sql_where))
        orm_run = measure(self.env, orm)
        result = orm_run[0]
        self.results[step] = {
            "ids": [r["id"] for r in result["records"]],
            "length": result["length"],
            "sql_ids": [r[0] for r in sql_run[0][0]],
            "sql_length": sql_run[0][1],
        }
        return self._record(step, len(result["records"]), orm_run, sql_run)

    def step_list_to_review(self):
        uid = self.info["evaluator_user_id"]
        where = SQL(
            """
            a.period_id = %(period)s AND a.company_id = %(company)s
            AND a.evaluator_employee_id IN (SELECT id FROM hr_employee
                                             WHERE user_id = %(uid)s)
            AND (a.state IN ('draft', 'self_submitted')
                 OR (a.state = 'returned' AND a.returned_to = 'evaluator'))
            """,
            period=self.period.id,
            company=self.company.id,
            uid=uid,
        )
        return self._list(
            "list_to_review",
            "evaluator",
            lambda Appraisal: Appraisal._kpi_domain_to_review(),
            where,
        )

    def _list_my_unit(self, step, key):
        uid = self.info[f"{key}_user_id"]
        where = SQL(
            """
            a.period_id = %(period)s AND a.company_id = %(company)s
            AND (a.department_id IN (
                    SELECT d.id FROM hr_department d, hr_department h
                     WHERE h.manager_id IN (SELECT id FROM hr_employee
                                             WHERE user_id = %(uid)s)
                       AND d.parent_path LIKE h.parent_path || %(any)s)
                 OR a.decider_employee_id IN (SELECT id FROM hr_employee
                                               WHERE user_id = %(uid)s))
            """,
            period=self.period.id,
            company=self.company.id,
            uid=uid,
            any="%",
        )
        return self._list(
            step,
            key,
            lambda Appraisal: Appraisal._action_open_my_unit()["domain"],
            where,
        )

    def step_list_my_unit(self):
        """The head of the large unit (thousands of staff): the page is full
        and the pager counts up to 10,000."""
        return self._list_my_unit("list_my_unit", "head_large")

    def step_list_my_unit_50(self):
        """The head of the 50-person unit: his few rows among the month's."""
        return self._list_my_unit("list_my_unit_50", "head50")

    def run(self, steps=None):
        for step in steps or STEPS:
            getattr(
                self,
                {
                    "export_01a_unit": "step_export_01a",
                    "export_02a_company": "step_export_02a",
                }.get(step, f"step_{step}"),
            )()
        return self.rows


def write_csv(rows, path=None):
    """The rows as CSV text; written to ``path`` when given."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in CSV_FIELDS})
    text = out.getvalue()
    if path:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return text


def format_table(rows):
    """A Markdown table of the rows (README, console)."""
    head = (
        "| Step | Records | ORM (s) | SQL (s) | Ratio | Queries/record "
        "| Peak RSS (MB) | Target | Met |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|---|\n"
    )
    lines = [
        f"| {r['step']} | {r['records']} | {r['orm_s']:.3f} | {r['sql_s']:.3f} "
        f"| {r['ratio']} | {r['queries_per_record']} | {r['peak_rss_mb']:.0f} "
        f"| {r['target']} | {r['target_met']} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def readme_markers(n_staff):
    """The comments around the README's table of the run at ``n_staff``."""
    return f"<!-- bench N={n_staff} -->", f"<!-- /bench N={n_staff} -->"


def update_readme(text, n_staff, table):
    """``text`` (the README) with the table between the markers of
    ``n_staff`` replaced by ``table``; unchanged when the markers are absent."""
    start, end = readme_markers(n_staff)
    i = text.find(start)
    j = text.find(end, i + len(start)) if i >= 0 else -1
    if i < 0 or j < 0:
        return text
    return f"{text[: i + len(start)]}\n{table}{text[j:]}"
