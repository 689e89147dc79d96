"""``make faulttest``: HR opens a month of a city above the job
threshold through the web client's JSON-RPC route; during the run one Odoo
worker running a job is killed (``kill -9``) and PostgreSQL is restarted once;
then the result is checked in the database: one appraisal per configured
employee, every task linked, the broken unit failed alone with its error shown
on the run, every other unit done. Exit status 1 when anything was lost,
duplicated or left unfinished.

Runs with Odoo's virtualenv (requests, psycopg2), against a server that
``scripts/fault/faulttest.sh`` started; see ``--help`` for the options.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

import psycopg2
import requests


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Rpc:
    """The browser's routes: a session cookie, /web/dataset/call_kw."""

    def __init__(self, url, db):
        self.url = url.rstrip("/")
        self.db = db
        self.http = requests.Session()
        self.ids = 0

    def _post(self, path, params, timeout=300):
        self.ids += 1
        response = self.http.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "id": self.ids, "params": params},
            timeout=timeout,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            data = body["error"].get("data", {})
            raise RuntimeError(data.get("message") or body["error"].get("message"))
        return body["result"]

    def login(self, login, password):
        return self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )

    def call(self, model, method, args, **kwargs):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


class Faults:
    def __init__(self, args):
        self.args = args
        self.events = []

    def pg(self):
        return psycopg2.connect(
            host=self.args.pg_host,
            port=self.args.pg_port,
            user=self.args.pg_user,
            dbname=self.args.db,
            connect_timeout=5,
        )

    def query(self, sql, params=()):
        with self.pg() as conn, conn.cursor() as cr:
            cr.execute(sql, params)
            rows = cr.fetchall() if cr.description else []
        conn.close()
        return rows

    def job_workers(self):
        """Pids of the Odoo workers running a job now: their connection holds
        the row lock of their job in queue_job_lock. The worker is found by
        the client port of that connection (``ss -tnp``): the workers of a
        prefork server share the application name of the master."""
        rows = self.query(
            """
            SELECT DISTINCT a.client_port
              FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.relation = 'queue_job_lock'::regclass
               AND a.datname = current_database() AND a.client_port > 0
            """
        )
        children = set(
            subprocess.run(
                ["ps", "-o", "pid=", "--ppid", str(self.args.odoo_pid)],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.split()
        )
        pids = []
        for (port,) in rows:
            out = subprocess.run(
                ["ss", "-tnpH", f"sport = :{port}"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            for pid in re.findall(r"pid=(\d+)", out):
                if pid in children:
                    pids.append(int(pid))
        return pids

    def started_jobs(self):
        return self.query(
            "SELECT uuid, name FROM queue_job WHERE state = 'started' ORDER BY id"
        )

    def kill_worker(self):
        workers = self.job_workers()
        if not workers:
            return False
        pid = workers[0]
        jobs = self.started_jobs()
        os.kill(pid, signal.SIGKILL)
        names = "; ".join(name for _uuid, name in jobs)
        self.events.append(f"kill -9 of worker {pid} while running: {names}")
        log(f"FAULT kill -9 {pid} (jobs started: {names})")
        return True

    def restart_pg(self):
        if not self.job_workers():
            return False
        jobs = "; ".join(name for _uuid, name in self.started_jobs())
        cmd = [
            os.path.join(self.args.pg_bindir, "pg_ctl"),
            "-D",
            self.args.pgdata,
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        ]
        if os.geteuid() == 0 and self.args.pg_os_user != "root":
            cmd = ["runuser", "-u", self.args.pg_os_user, "--", *cmd]
        log(f"FAULT restarting PostgreSQL (jobs started: {jobs})")
        start = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        self.events.append(
            f"PostgreSQL restarted (pg_ctl -m fast restart, "
            f"{time.monotonic() - start:.1f} s) while running: {jobs}"
        )
        log("PostgreSQL is back")
        return True


def read_run(rpc, run_id):
    [run] = rpc.call(
        "hr.kpi.period.open.run",
        "read",
        [[run_id]],
        fields=[
            "state",
            "progress",
            "unit_count",
            "unit_done_count",
            "unit_failed_count",
            "created_count",
            "existing_count",
            "skipped_count",
            "failed_unit_ids",
        ],
    )
    return run


def checks(faults, rpc, args, run_id, run):
    """[(check, expected, actual, ok)] of the result."""
    info = json.loads(args.city)
    broken = json.loads(args.broken)
    company, period = info["company_id"], info["period_id"]
    unit = broken["broken_unit_id"]
    q = faults.query
    [[configured, configured_broken]] = q(
        """
        SELECT COUNT(DISTINCT c.employee_id) FILTER (WHERE e.department_id <> %(unit)s),
               COUNT(DISTINCT c.employee_id) FILTER (WHERE e.department_id = %(unit)s)
          FROM hr_kpi_evaluation_config c
          JOIN hr_employee e ON e.id = c.employee_id AND e.active
          JOIN hr_kpi_period p ON p.id = %(period)s
         WHERE c.company_id = %(company)s AND c.active
           AND c.date_start <= p.date_start
           AND (c.date_end IS NULL OR c.date_end >= p.date_start)
        """,
        {"unit": unit, "period": period, "company": company},
    )
    [[appraisals, employees, in_broken]] = q(
        """
        SELECT COUNT(*), COUNT(DISTINCT a.employee_id),
               COUNT(*) FILTER (WHERE e.department_id = %s)
          FROM hr_kpi_appraisal a JOIN hr_employee e ON e.id = a.employee_id
         WHERE a.period_id = %s
        """,
        (unit, period),
    )
    [[duplicated]] = q(
        """
        SELECT COUNT(*) FROM (
            SELECT employee_id FROM hr_kpi_appraisal WHERE period_id = %s
             GROUP BY employee_id HAVING COUNT(*) > 1) d
        """,
        (period,),
    )
    [[missing]] = q(
        """
        SELECT COUNT(DISTINCT c.employee_id)
          FROM hr_kpi_evaluation_config c
          JOIN hr_employee e ON e.id = c.employee_id AND e.active
          JOIN hr_kpi_period p ON p.id = %(period)s
         WHERE c.company_id = %(company)s AND c.active
           AND e.department_id <> %(unit)s
           AND c.date_start <= p.date_start
           AND (c.date_end IS NULL OR c.date_end >= p.date_start)
           AND NOT EXISTS (SELECT 1 FROM hr_kpi_appraisal a
                            WHERE a.employee_id = c.employee_id
                              AND a.period_id = %(period)s)
        """,
        {"unit": unit, "period": period, "company": company},
    )
    [[unlinked, mislinked, tasks]] = q(
        """
        SELECT COUNT(*) FILTER (WHERE t.appraisal_id IS NULL AND a.id IS NOT NULL),
               COUNT(*) FILTER (WHERE t.appraisal_id IS NOT NULL
                                  AND t.appraisal_id IS DISTINCT FROM a.id),
               COUNT(*) FILTER (WHERE a.id IS NOT NULL)
          FROM hr_kpi_task t
          LEFT JOIN hr_kpi_appraisal a ON a.employee_id = t.employee_id
                                      AND a.period_id = t.period_id
         WHERE t.period_id = %s
        """,
        (period,),
    )
    [[line_dups]] = q(
        """
        SELECT COUNT(*) FROM (
            SELECT l.appraisal_id, l.criterion_id FROM hr_kpi_appraisal_line l
              JOIN hr_kpi_appraisal a ON a.id = l.appraisal_id
             WHERE a.period_id = %s
             GROUP BY 1, 2 HAVING COUNT(*) > 1) d
        """,
        (period,),
    )
    [[no_lines]] = q(
        """
        SELECT COUNT(*) FROM hr_kpi_appraisal a
         WHERE a.period_id = %s
           AND NOT EXISTS (SELECT 1 FROM hr_kpi_appraisal_line l
                            WHERE l.appraisal_id = a.id)
        """,
        (period,),
    )
    [[leader_missing]] = q(
        """
        SELECT COUNT(*) FROM hr_kpi_appraisal a
          JOIN hr_kpi_appraisal l ON l.employee_id = a.evaluator_employee_id
                                 AND l.period_id = a.period_id
         WHERE a.period_id = %s AND a.leader_appraisal_id IS DISTINCT FROM l.id
        """,
        (period,),
    )
    units = dict(
        q(
            "SELECT state, COUNT(*) FROM hr_kpi_period_open_run_unit "
            "WHERE run_id = %s GROUP BY state",
            (run_id,),
        )
    )
    skipped = q(
        "SELECT COALESCE(SUM(skipped_count), 0) FROM hr_kpi_period_open_run_unit "
        "WHERE run_id = %s",
        (run_id,),
    )[0][0]
    failed = rpc.call(
        "hr.kpi.period.open.run.unit",
        "read",
        [run["failed_unit_ids"]],
        fields=["department_id", "error"],
    )
    failed_units = [f["department_id"][0] for f in failed if f["department_id"]]
    errors = [f["error"] or "" for f in failed]
    [[activities]] = q(
        "SELECT COUNT(*) FROM mail_activity WHERE res_model = "
        "'hr.kpi.period.open.run' AND res_id = %s",
        (run_id,),
    )
    jobs = dict(
        q(
            """
            SELECT state, COUNT(*) FROM queue_job
             WHERE model_name = 'hr.kpi.period.open.run.unit'
             GROUP BY state
            """
        )
    )
    # queue_job counts the first attempt as retry 1
    [[retried, retries]] = q(
        """
        SELECT COUNT(*) FILTER (WHERE retry > 1),
               COALESCE(SUM(GREATEST(retry - 1, 0)), 0)
          FROM queue_job WHERE model_name = 'hr.kpi.period.open.run.unit'
        """
    )
    total_units = sum(units.values())
    # a job per unit, or per group of small units
    [[total_jobs]] = q(
        "SELECT COUNT(DISTINCT job_uuid) FROM hr_kpi_period_open_run_unit "
        "WHERE run_id = %s",
        (run_id,),
    )
    rows = [
        ("run state", "done", run["state"], run["state"] == "done"),
        (
            "units done",
            total_units - 1,
            units.get("done", 0),
            units.get("done", 0) == total_units - 1,
        ),
        ("units failed", 1, units.get("failed", 0), units.get("failed", 0) == 1),
        (
            "failed unit = the broken one",
            unit,
            ",".join(map(str, failed_units[:5]))
            + (" ..." if len(failed_units) > 5 else ""),
            failed_units == [unit],
        ),
        (
            "its error shown on the run",
            "(a message)",
            (errors[0][:70] if errors else "-").replace("\n", " "),
            bool(errors and errors[0].strip()),
        ),
        (
            "units pending/cancelled",
            0,
            units.get("pending", 0) + units.get("cancelled", 0),
            not units.get("pending") and not units.get("cancelled"),
        ),
        (
            "configured employees (outside the broken unit)",
            configured,
            employees,
            employees == configured,
        ),
        ("appraisals", configured, appraisals, appraisals == configured),
        ("employees with 2+ appraisals", 0, duplicated, duplicated == 0),
        ("configured, no appraisal", 0, missing, missing == 0),
        ("left out with a reason (not configured)", "-", skipped, True),
        (
            "appraisals in the broken unit",
            0,
            f"{in_broken} (of {configured_broken})",
            in_broken == 0,
        ),
        ("tasks of appraised employees", "-", tasks, True),
        ("tasks not linked", 0, unlinked, unlinked == 0),
        ("tasks linked to a wrong appraisal", 0, mislinked, mislinked == 0),
        ("criterion lines twice", 0, line_dups, line_dups == 0),
        ("appraisals without lines", 0, no_lines, no_lines == 0),
        ("leader links missing", 0, leader_missing, leader_missing == 0),
        ("activity for HR", 1, activities, activities == 1),
        (
            "jobs done / failed",
            f"{total_jobs} / 0",
            f"{jobs.get('done', 0)} / {jobs.get('failed', 0)}",
            jobs.get("done", 0) == total_jobs and not jobs.get("failed"),
        ),
        (
            "jobs run again (requeued or retried)",
            "-" if args.no_faults else ">= 1",
            f"{retried} ({retries} more runs)",
            args.no_faults or retried >= 1,
        ),
    ]
    return rows


def job_times(faults):
    """The jobs of the run: how many, their time each (mean, longest) and
    their sum, from queue_job's own start and end."""
    with faults.pg() as conn, conn.cursor() as cr:
        cr.execute(
            """
            SELECT COUNT(*),
                   AVG(EXTRACT(EPOCH FROM date_done - date_started)),
                   MAX(EXTRACT(EPOCH FROM date_done - date_started)),
                   SUM(EXTRACT(EPOCH FROM date_done - date_started))
              FROM queue_job
             WHERE model_name = 'hr.kpi.period.open.run.unit' AND state = 'done'
            """
        )
        count, mean, longest, total = cr.fetchone()
    if not count:
        return "none done"
    return (
        f"{count} done, {mean:.2f} s each (longest {longest:.1f} s), "
        f"{total:.0f} s of workers' time in all"
    )


def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    heads = ("check", "expected", "actual")
    widths = [max(w, len(h)) for w, h in zip(widths, heads, strict=True)]
    out = [
        f"| {'check':<{widths[0]}} | {'expected':>{widths[1]}} | "
        f"{'actual':>{widths[2]}} | ok  |",
        f"|{'-' * (widths[0] + 2)}|{'-' * (widths[1] + 2)}:|"
        f"{'-' * (widths[2] + 2)}:|-----|",
    ]
    for check, expected, actual, ok in rows:
        out.append(
            f"| {check:<{widths[0]}} | {expected!s:>{widths[1]}} | "
            f"{actual!s:>{widths[2]}} | {'yes' if ok else 'NO':<3} |"
        )
    return "\n".join(out)


def main():  # noqa: C901 - one linear scenario
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--city", required=True, help="JSON of city.py --do build")
    parser.add_argument("--broken", required=True, help="JSON of city.py --do break")
    parser.add_argument("--odoo-pid", type=int, required=True)
    parser.add_argument("--pg-host", required=True)
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--pg-user", required=True)
    parser.add_argument("--pgdata", required=True)
    parser.add_argument("--pg-bindir", required=True)
    parser.add_argument("--pg-os-user", default="postgres")
    parser.add_argument("--kill-after", type=int, default=3, help="units done")
    parser.add_argument("--restart-after", type=float, default=0.4, help="share done")
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument(
        "--no-faults",
        action="store_true",
        help="no kill, no restart: the run's time through the server, end to end",
    )
    parser.add_argument(
        "--sql",
        default="",
        help="JSON of city.py --do sql_open: the single-pass SQL of the same rows",
    )
    args = parser.parse_args()
    info = json.loads(args.city)
    faults = Faults(args)
    rpc = Rpc(args.url, args.db)
    rpc.login(args.login, args.password)
    log(f"logged in as {args.login} (HR officer of the city)")
    start = time.monotonic()
    wizard = rpc.call(
        "hr.kpi.period.open",
        "create",
        [{"period_id": info["period_id"]}],
        context={"active_model": "hr.kpi.period", "active_id": info["period_id"]},
    )
    wizard = wizard[0] if isinstance(wizard, list) else wizard
    action = rpc.call("hr.kpi.period.open", "action_open_month", [[wizard]])
    run_id = action["res_id"]
    requested = time.monotonic() - start
    log(
        f"Open the month: {action['res_model']} {run_id} "
        f"(request {time.monotonic() - start:.1f} s)"
    )
    killed = restarted = False
    run = None
    last = -1
    while time.monotonic() - start < args.timeout:
        try:
            run = read_run(rpc, run_id)
        except (requests.RequestException, RuntimeError) as err:
            log(f"reading the run failed ({type(err).__name__}: {err}); again")
            time.sleep(3)
            continue
        step = (run["unit_done_count"] + run["unit_failed_count"]) // 20
        if step != last:
            last = step
            log(
                f"run {run['state']}: {run['progress']} units, "
                f"{run['unit_failed_count']} failed, {run['created_count']} created"
            )
        if run["state"] != "running":
            break
        done = run["unit_done_count"] + run["unit_failed_count"]
        try:
            if args.no_faults:
                pass
            elif not killed and done >= args.kill_after:
                killed = faults.kill_worker()
            elif (
                killed
                and not restarted
                and done >= args.restart_after * run["unit_count"]
            ):
                restarted = faults.restart_pg()
        except (psycopg2.Error, OSError, subprocess.CalledProcessError) as err:
            log(f"fault not injected yet ({type(err).__name__}: {err})")
        time.sleep(1)
    elapsed = time.monotonic() - start
    if run is None or run["state"] == "running":
        log(f"the run did not end within {args.timeout} s")
    rows = checks(faults, rpc, args, run_id, run or {})
    expected_faults = 0 if args.no_faults else 2
    rows.insert(
        0,
        (
            "faults injected",
            expected_faults,
            len(faults.events),
            len(faults.events) == expected_faults,
        ),
    )
    print()
    print(
        f"make {'benchjobs' if args.no_faults else 'faulttest'}: "
        f"N = {info['n_staff']} staff, {run['unit_count']} units, "
        f"run {run_id} ended '{run['state']}' in {elapsed:.0f} s"
    )
    if args.sql:
        # the server's own clock: from the run's record to its end, after the
        # request that enqueued it (the polling above rounds to a second)
        with faults.pg() as conn, conn.cursor() as cr:
            cr.execute(
                "SELECT EXTRACT(EPOCH FROM date_done - create_date) "
                "FROM hr_kpi_period_open_run WHERE id = %s",
                (run_id,),
            )
            [[ran]] = cr.fetchall()
        total = requested + float(ran or elapsed)
        sql = json.loads(args.sql)
        print(
            f"  - enqueue to done: {total:.1f} s (the request {requested:.1f} s, "
            f"the jobs {float(ran or 0):.1f} s)"
        )
        print(
            f"  - the same rows in single-pass plain SQL: {sql['sql_seconds']:.1f} s "
            f"({sql['sql_rows']} appraisals); ratio {total / sql['sql_seconds']:.2f}"
        )
    print(f"  - jobs: {job_times(faults)}")
    for event in faults.events:
        print(f"  - {event}")
    print()
    print(table(rows))
    bad = [r[0] for r in rows if not r[3]]
    print()
    if bad:
        print(f"FAILED: {', '.join(bad)}")
        sys.exit(1)
    print("OK: nothing lost, nothing duplicated; the broken unit failed alone.")


if __name__ == "__main__":
    main()
