"""Build a city for the benchmark (README, Performance) in the database of ``env``.

Not part of the addon's runtime: ``scripts/bench/run.py`` (``make bench``) calls
it on a dedicated database, the smoke test on the test database at tiny N.

The ORM creates what is small and has logic worth keeping (the company, the
products, the periods, the benchmark users); plain SQL bulk-inserts the rest
(departments, resources, employees, evaluation configurations, the history
months' appraisals, criterion lines and tasks, the open month's tasks), with
every stored column the addon computes filled consistently:
``parent_path``/``complete_name`` of the departments, ``is_counted``,
``coefficient``, ``converted_quantity``, ``delay_count`` of the tasks, ...

The history months are decided and locked; their scores are written by SQL
from the task aggregates (they are volume for the lists and indexes; the
engine is measured on the open month). The open month (the month after the
history) has its tasks, linked to the period, and no appraisal: opening it is
the first benchmark step.
"""

import json
import math
import random
import time
from contextlib import contextmanager
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tools import SQL

SUBJECT_STAFF = ("civil_servant", "public_employee", "contract_worker")
TASKS_PER_MONTH = 10
FIRST_MONTH = date(2026, 1, 1)


def _ids(cr, sequence, count):
    """``count`` fresh ids of ``sequence``."""
    if not count:
        return []
    cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)", sequence, count))
    return [row[0] for row in cr.fetchall()]


def _analyze(cr, *tables):
    """Statistics for the planner after a bulk insert (joins come next)."""
    for table in tables:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


@contextmanager
def _bulk_load(cr, *tables):
    """Drop the foreign keys and secondary indexes of ``tables`` during a bulk
    load and put them back, identical, at the end: PostgreSQL then checks each
    foreign key and builds each index in one pass instead of row by row."""
    cr.execute(
        SQL(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
              FROM pg_constraint
             WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
            """,
            list(tables),
        )
    )
    fkeys = cr.fetchall()
    cr.execute(
        SQL(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
              FROM pg_index i
             WHERE i.indrelid::regclass::text = ANY(%s)
               AND NOT i.indisprimary AND NOT i.indisunique
            """,
            list(tables),
        )
    )
    indexes = cr.fetchall()
    for table, name, _definition in fkeys:
        cr.execute(
            SQL(
                "ALTER TABLE %s DROP CONSTRAINT %s",
                SQL.identifier(table),
                SQL.identifier(name),
            )
        )
    for name, _definition in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    yield
    for _name, definition in indexes:
        cr.execute(SQL(definition))
    for table, name, definition in fkeys:
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD CONSTRAINT %s %s",
                SQL.identifier(table),
                SQL.identifier(name),
                SQL(definition),
            )
        )


def _department_levels(n_departments):
    """Sizes of the levels: the city, sở/quận, phòng, tổ (depth 4)."""
    if n_departments < 4:
        return [1] + [1] * (n_departments - 1)
    level1 = max(1, math.ceil(n_departments * 0.015))
    level2 = max(1, math.ceil(n_departments * 0.12))
    level3 = n_departments - 1 - level1 - level2
    return [1, level1, level2, level3] if level3 > 0 else [1, level1, level2]


def generate_city(  # noqa: C901 - one linear script, phase after phase
    env, n_staff=200_000, n_departments=2_000, months=2, seed=9, log=print
):
    """Build the city in ``env``'s database; return what the benchmark needs.

    :param n_staff: number of employees
    :param n_departments: number of departments (depth 4 when there are enough)
    :param months: months of decided history before the open month
    :return: dict with the ids of the company, the open period, the benchmark
        users, the 50-person and 300-person units, and the row counts
    """
    rng = random.Random(seed)
    clock = [time.perf_counter()]

    def phase(name):
        now = time.perf_counter()
        log(f"  {name}: {now - clock[0]:.1f} s")
        clock[0] = now

    cr = env.cr
    uid = env.uid
    n_departments = max(1, min(n_departments, n_staff))
    # ---- company, rule set, catalogue, periods (ORM: small, with logic) ----
    company = (
        env["res.company"]
        # sudo: the bench generator builds a city as administrator
        .sudo()
        .create({"name": f"UBND Thành phố Hà Nội (bench {n_staff})", "city": "Hà Nội"})
    )
    # sudo: the bench generator builds a city as administrator
    env.user.sudo().company_ids = [Command.link(company.id)]
    Product = env["hr.kpi.product"].with_company(company)
    standard = Product.create(
        {
            "code": "VB",
            "name": "Soạn thảo văn bản hành chính",
            "points": 5.0,
            "is_standard": True,
            "company_id": company.id,
        }
    )
    products = standard | Product.create(
        [
            {"code": code, "name": name, "points": points, "company_id": company.id}
            for code, name, points in (
                ("BC", "Báo cáo", 10.0),
                ("QD", "Quyết định", 7.5),
                ("TT", "Tờ trình", 6.0),
                ("HS", "Hồ sơ thủ tục hành chính", 2.5),
            )
        ]
    )
    products.action_approve()
    products.flush_recordset()
    cr.execute(
        SQL(
            "SELECT id, coefficient FROM hr_kpi_product WHERE id = ANY(%s) ORDER BY id",
            products.ids,
        )
    )
    product_rows = cr.fetchall()
    month_starts = [FIRST_MONTH + relativedelta(months=i) for i in range(months + 1)]
    periods = (
        env["hr.kpi.period"]
        # sudo: the bench generator builds a city as administrator
        .sudo()
        .create([{"company_id": company.id, "date_start": d} for d in month_starts])
        .sorted("date_start")
    )
    open_period = periods[-1]
    history = periods[:-1]
    rule_set = open_period.rule_set_id
    if not rule_set:
        raise RuntimeError("No rule set in force for the benchmark months.")
    periods.flush_recordset()
    phase("company, catalogue, periods")

    # ---- departments: city -> sở/quận -> phòng -> tổ ------------------------
    levels = _department_levels(n_departments)
    dep_ids = _ids(cr, "hr_department_id_seq", n_departments)
    level_names = ("UBND Thành phố", "Sở", "Phòng", "Tổ")
    departments = []  # (id, parent_id, level, name, parent_path, complete_name)
    by_level = []
    pos = 0
    for level, count in enumerate(levels):
        current = []
        for i in range(count):
            dep_id = dep_ids[pos]
            pos += 1
            if level == 0:
                parent, path, full = None, f"{dep_id}/", "UBND Thành phố Hà Nội"
                name = full
            else:
                # uneven fan-out: some units have few sub-units, some many
                parents = by_level[level - 1]
                parent = parents[
                    min(len(parents) - 1, int(len(parents) * rng.random() ** 1.3))
                ]
                name = f"{level_names[level]} {i + 1:04d}"
                path = f"{parent[4]}{dep_id}/"
                full = f"{parent[5]} / {name}"
            row = (dep_id, parent and parent[0], level, name, path, full)
            current.append(row)
            departments.append(row)
        by_level.append(current)
    cr.execute(
        SQL(
            """
            INSERT INTO hr_department
                (id, company_id, parent_id, name, parent_path, complete_name, active,
                 color, create_uid, write_uid, create_date, write_date)
            SELECT d.id, %(company)s, d.parent_id, jsonb_build_object('en_US', d.name),
                   d.path, d.fullname, TRUE, 0, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(ids)s::int[], %(parents)s::int[], %(names)s::varchar[],
                          %(paths)s::varchar[], %(fulls)s::varchar[])
                   AS d(id, parent_id, name, path, fullname)
            """,
            company=company.id,
            uid=uid,
            ids=[d[0] for d in departments],
            parents=[d[1] for d in departments],
            names=[d[3] for d in departments],
            paths=[d[4] for d in departments],
            fulls=[d[5] for d in departments],
        )
    )

    phase("departments")

    # ---- employees: leaders in every unit, staff mostly in the tổ -----------
    leaf_level = len(levels) - 1
    weights = [
        (0.6 + 0.8 * rng.random()) if d[2] == leaf_level else 0.15 for d in departments
    ]
    # every unit gets a head (and a deputy when it can), the rest by weight
    fixed = [d[0] for d in departments]
    if n_staff >= 2 * n_departments:
        fixed += [d[0] for d in departments]
    rest = rng.choices(
        [d[0] for d in departments], weights=weights, k=max(0, n_staff - len(fixed))
    )
    order = {dep_id: i for i, dep_id in enumerate(dep_ids)}
    dep_of = sorted(fixed + rest, key=order.__getitem__)
    emp_ids = _ids(cr, "hr_employee_id_seq", n_staff)
    res_ids = _ids(cr, "resource_resource_id_seq", n_staff)
    manager = {}  # department -> head employee
    deputy = {}  # department -> deputy employee
    rows = []  # employee, resource, department, subject group, name
    for i, (emp_id, dep_id) in enumerate(zip(emp_ids, dep_of, strict=True)):
        if dep_id not in manager:
            manager[dep_id] = emp_id
            group = "leader_head"
        elif dep_id not in deputy and n_staff >= 2 * n_departments:
            deputy[dep_id] = emp_id
            group = "leader_deputy"
        else:
            group = SUBJECT_STAFF[rng.randrange(10) % 3 if rng.random() < 0.3 else 0]
        rows.append((emp_id, res_ids[i], dep_id, group, f"Cán bộ {i + 1:06d}"))
    parent_dep = {d[0]: d[1] for d in departments}

    def parent_of(emp_id, dep_id, group):
        if group == "leader_head":
            return manager.get(parent_dep[dep_id])
        if group == "leader_deputy":
            return manager[dep_id]
        return deputy.get(dep_id) or manager[dep_id]

    def decider_of(emp_id, dep_id):
        dep = dep_id
        while dep:
            if manager.get(dep) and manager[dep] != emp_id:
                return manager[dep]
            dep = parent_dep[dep]
        return None

    calendar = company.resource_calendar_id.id
    tz = env.user.tz or "Asia/Ho_Chi_Minh"
    cr.execute(
        SQL(
            """
            INSERT INTO resource_resource
                (id, company_id, calendar_id, name, resource_type, time_efficiency,
                 active, tz, create_uid, write_uid, create_date, write_date)
            SELECT r.id, %(company)s, %(calendar)s, r.name, 'user', 100, TRUE, %(tz)s,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(ids)s::int[], %(names)s::varchar[]) AS r(id, name)
            """,
            company=company.id,
            calendar=calendar,
            tz=tz,
            uid=uid,
            ids=[r[1] for r in rows],
            names=[r[4] for r in rows],
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO hr_employee
                (id, resource_id, company_id, resource_calendar_id, department_id,
                 parent_id, coach_id, name, job_title, active, employee_type, marital,
                 distance_home_work_unit, distance_home_work, km_home_work,
                 create_uid, write_uid, create_date, write_date)
            SELECT e.id, e.resource_id, %(company)s, %(calendar)s, e.department_id,
                   e.parent_id, e.parent_id, e.name, e.job_title, TRUE, 'employee',
                   'single', 'kilometers', 0, 0, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(ids)s::int[], %(resources)s::int[], %(deps)s::int[],
                          %(parents)s::int[], %(names)s::varchar[],
                          %(jobs)s::varchar[])
                   AS e(id, resource_id, department_id, parent_id, name, job_title)
            """,
            company=company.id,
            calendar=calendar,
            uid=uid,
            ids=[r[0] for r in rows],
            resources=[r[1] for r in rows],
            deps=[r[2] for r in rows],
            parents=[parent_of(r[0], r[2], r[3]) for r in rows],
            names=[r[4] for r in rows],
            jobs=[
                {"leader_head": "Trưởng", "leader_deputy": "Phó"}.get(
                    r[3], "Chuyên viên"
                )
                for r in rows
            ],
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE hr_department d SET manager_id = m.emp, kpi_decider_id = m.emp
              FROM unnest(%s::int[], %s::int[]) AS m(dep, emp)
             WHERE d.id = m.dep
            """,
            list(manager),
            list(manager.values()),
        )
    )

    _analyze(cr, "hr_department", "resource_resource", "hr_employee")
    phase("employees")

    # ---- evaluation configurations (one per employee with an evaluator) -----
    cr.execute(
        SQL(
            """
            INSERT INTO hr_kpi_evaluation_config
                (employee_id, company_id, department_id, date_start, active,
                 subject_group, staff_category, evaluator_id, decider_id,
                 create_uid, write_uid, create_date, write_date)
            SELECT c.emp, %(company)s, c.dep, %(start)s, TRUE, c.grp,
                   -- staff_category_of(): the city's units are no public
                   -- service units
                   CASE WHEN c.grp IN ('public_employee', 'contract_worker')
                        THEN c.grp ELSE 'civil_servant' END,
                   c.evaluator, c.decider, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(emps)s::int[], %(deps)s::int[], %(groups)s::varchar[],
                          %(evaluators)s::int[], %(deciders)s::int[])
                   AS c(emp, dep, grp, evaluator, decider)
             WHERE c.evaluator IS NOT NULL AND c.decider IS NOT NULL
            """,
            company=company.id,
            start=FIRST_MONTH,
            uid=uid,
            emps=[r[0] for r in rows],
            deps=[r[2] for r in rows],
            groups=[r[3] for r in rows],
            evaluators=[parent_of(r[0], r[2], r[3]) for r in rows],
            deciders=[decider_of(r[0], r[2]) for r in rows],
        )
    )
    n_configs = cr.rowcount
    _analyze(cr, "hr_kpi_evaluation_config")
    phase("configurations")

    # ---- history: appraisals, then their tasks and criterion lines; then the
    # open month's tasks (10 per person per month), without appraisal yet
    with _bulk_load(cr, "hr_kpi_task", "hr_kpi_appraisal_line"):
        for period in history:
            _insert_history(cr, company, period, rule_set, product_rows, uid, seed)
            phase(f"history {period.name}")
        _insert_tasks(cr, company, open_period, product_rows, uid, seed)
        phase("open month's tasks")
    _analyze(cr, "hr_kpi_task", "hr_kpi_appraisal", "hr_kpi_appraisal_line")
    phase("foreign keys and indexes")
    cr.execute(
        SQL("UPDATE hr_kpi_period SET state = 'closed' WHERE id = ANY(%s)", history.ids)
    )

    # ---- benchmark users (ORM: groups, partners, employees' user_id) --------
    info = _choose_units(cr, company, open_period)
    users = _create_users(env, company, info)
    phase("benchmark users")
    env.invalidate_all()
    env.registry.clear_cache()
    info.update(
        company_id=company.id,
        period_id=open_period.id,
        history_period_ids=history.ids,
        rule_set_id=rule_set.id,
        n_staff=n_staff,
        n_departments=n_departments,
        n_configs=n_configs,
        months=months,
        **users,
    )
    # sudo: the benchmark finds its city again in a later run
    env["ir.config_parameter"].sudo().set_param(
        f"l10n_vn_hr_kpi.bench_city_{n_staff}", json.dumps(info)
    )
    log(
        f"City: {n_staff} staff, {n_departments} departments (levels {levels}), "
        f"{n_configs} configurations, {months} months of history"
    )
    return info


def find_city(env, n_staff):
    """The description of the city of ``n_staff`` built earlier, or None."""
    # sudo: the benchmark finds its city again in a later run
    value = (
        env["ir.config_parameter"]
        .sudo()
        .get_param(f"l10n_vn_hr_kpi.bench_city_{n_staff}")
    )
    return json.loads(value) if value else None


def _insert_tasks(cr, company, period, product_rows, uid, seed, linked=False):
    """10 tasks per configured employee in ``period``: deadlines through the
    month, most done on time, some late, some with errors, a few not done.
    ``linked``: attach them to the employees' appraisals of the period."""
    product_ids = [p[0] for p in product_rows]
    coefficients = [float(p[1]) for p in product_rows]
    cr.execute(
        SQL(
            """
            INSERT INTO hr_kpi_task
                (name, employee_id, assigner_id, company_id, department_id, product_id,
                 quantity, coefficient, converted_quantity, date_assigned, deadline,
                 date_done, origin, state, completed_quantity, quality_passed_quantity,
                 major_error_count, missed_deadlines_before, delay_count_computed,
                 delay_count, delay_corrected, delay_count_corrected,
                 exceeded_requirement, exemption, exemption_scope,
                 assignment_confirmed, outcome_confirmed, is_counted, proposal_state,
                 proposal_rejected, period_id, appraisal_id,
                 create_uid, write_uid, create_date, write_date)
            SELECT 'Nhiệm vụ ' || t.n, t.emp, t.evaluator, %(company)s, t.dep,
                   (%(products)s::int[])[t.p], t.qty,
                   (%(coefs)s::numeric[])[t.p], t.qty * (%(coefs)s::numeric[])[t.p],
                   %(start)s, t.deadline,
                   CASE WHEN t.done THEN t.deadline + t.late END,
                   'plan', CASE WHEN t.done THEN 'done' ELSE 'in_progress' END,
                   CASE WHEN t.done THEN t.qty ELSE 0 END,
                   CASE WHEN t.done THEN t.qty - t.bad ELSE 0 END,
                   t.errors, 0, (t.done AND t.late > 0)::int,
                   (t.done AND t.late > 0)::int,
                   FALSE, 0, t.r < 0.03, FALSE, 'both', TRUE, t.done, TRUE,
                   'confirmed', FALSE, %(period)s, t.appraisal_id,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (
                SELECT c.employee_id AS emp, c.evaluator_id AS evaluator,
                       c.department_id AS dep, g.n, %(appraisal)s AS appraisal_id,
                       1 + mod(hashint4(c.employee_id * 31 + g.n + %(seed)s)
                               & 2147483647, %(nproducts)s) AS p,
                       1 + (hashint4(c.employee_id * 17 + g.n) & 3) AS qty,
                       %(start)s + mod(g.n * 3 - 1, 28) AS deadline,
                       (hashint4(c.employee_id * 13 + g.n + %(seed)s) & 1023) / 1024.0
                           AS r,
                       (hashint4(c.employee_id * 13 + g.n + %(seed)s) & 1023) < 980
                           AS done,
                       CASE WHEN (hashint4(c.employee_id * 7 + g.n) & 1023) < 60
                            THEN 2 ELSE 0 END AS late,
                       CASE WHEN (hashint4(c.employee_id * 5 + g.n) & 1023) < 20
                            THEN 1 ELSE 0 END AS errors,
                       0 AS bad
                  FROM hr_kpi_evaluation_config c
                 %(join)s
                 CROSS JOIN generate_series(1, %(tasks)s) AS g(n)
                 WHERE c.company_id = %(company)s
              ) AS t
            """,
            appraisal=SQL("a.id") if linked else SQL("NULL::int"),
            join=SQL(
                "JOIN hr_kpi_appraisal a ON a.employee_id = c.employee_id "
                "AND a.period_id = %s",
                period.id,
            )
            if linked
            else SQL(),
            company=company.id,
            products=product_ids,
            coefs=coefficients,
            nproducts=len(product_ids),
            start=period.date_start,
            period=period.id,
            uid=uid,
            seed=seed,
            tasks=TASKS_PER_MONTH,
        )
    )


def _insert_history(cr, company, period, rule_set, product_rows, uid, seed):
    """Decided, locked appraisals of a past month, with their criterion lines,
    their tasks linked and their scores from the task aggregates."""
    cr.execute(
        SQL(
            """
            INSERT INTO hr_kpi_appraisal
                (employee_id, period_id, period_start, company_id, department_id,
                 job_title, subject_group, staff_category, is_leader, rule_set_id,
                 state, evaluator_employee_id, decider_employee_id, kpi_organisation,
                 kpi_cohesion, needs_attention, zero_assignment, is_vetoed,
                 active, version,
                 create_uid, write_uid, create_date, write_date)
            SELECT c.employee_id, %(period)s, %(start)s, %(company)s, c.department_id,
                   e.job_title, c.subject_group, c.staff_category,
                   c.subject_group IN ('leader_head', 'leader_deputy'), %(rule_set)s,
                   'locked', c.evaluator_id, c.decider_id, 100, 100, FALSE, FALSE,
                   FALSE, TRUE, 1, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM hr_kpi_evaluation_config c
              JOIN hr_employee e ON e.id = c.employee_id
             WHERE c.company_id = %(company)s
            """,
            period=period.id,
            start=period.date_start,
            company=company.id,
            rule_set=rule_set.id,
            uid=uid,
        )
    )
    _analyze(cr, "hr_kpi_appraisal")
    _insert_tasks(cr, company, period, product_rows, uid, seed, linked=True)
    _link_and_lines(cr, period, full_points=True, uid=uid, tasks=False)
    # scores from the tasks (the engine's formulas for a, b, c; totals capped)
    cr.execute(
        SQL(
            """
            UPDATE hr_kpi_appraisal a
               SET kpi_assigned_quantity = s.assigned,
                   kpi_done_quantity = s.done,
                   kpi_quality_quantity = s.quality,
                   kpi_progress_quantity = s.progress,
                   kpi_quantity = LEAST(100, 100 * s.done / NULLIF(s.assigned, 0)),
                   kpi_quality = LEAST(100, 100 * s.quality / NULLIF(s.assigned, 0)),
                   kpi_progress = LEAST(100, 100 * s.progress / NULLIF(s.assigned, 0)),
                   task_counted_count = s.counted,
                   task_delay_count = s.delays,
                   general_score = 30, general_self_score = 30,
                   general_evaluator_score = 30,
                   adjustment_bonus = 0, adjustment_deduction = 0, adjustment_score = 0
              FROM (
                SELECT t.appraisal_id,
                       SUM(t.converted_quantity) AS assigned,
                       SUM(t.completed_quantity * t.coefficient) AS done,
                       SUM(t.quality_passed_quantity * t.coefficient
                           * GREATEST(0, 1 - 0.25 * t.major_error_count)) AS quality,
                       SUM(t.completed_quantity * t.coefficient
                           * GREATEST(0, 1 - 0.25 * t.delay_count)) AS progress,
                       COUNT(*) AS counted, SUM(t.delay_count) AS delays
                  FROM hr_kpi_task t
                 WHERE t.period_id = %(period)s AND t.is_counted
                 GROUP BY t.appraisal_id
              ) AS s
             WHERE a.id = s.appraisal_id
            """,
            period=period.id,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE hr_kpi_appraisal
               SET kpi_percent = ROUND(((kpi_quantity + kpi_quality + kpi_progress) / 3)
                                       ::numeric, 2),
                   task_score = ROUND((0.7 * (kpi_quantity + kpi_quality
                                              + kpi_progress) / 3)::numeric, 2),
                   total_score = ROUND((30 + 0.7 * (kpi_quantity + kpi_quality
                                                    + kpi_progress) / 3)::numeric, 2)
             WHERE period_id = %(period)s
            """,
            period=period.id,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE hr_kpi_appraisal
               SET level_by_score = l.level, level_computed = l.level,
                   level_final = l.level, decided_date = %(decided)s,
                   published_date = %(decided)s
              FROM (SELECT id, CASE WHEN total_score >= 90 THEN 'excellent'
                                    WHEN total_score >= 70 THEN 'good'
                                    WHEN total_score >= 50 THEN 'done'
                                    ELSE 'fail' END AS level
                      FROM hr_kpi_appraisal WHERE period_id = %(period)s) AS l
             WHERE hr_kpi_appraisal.id = l.id
            """,
            period=period.id,
            decided=period.date_start + relativedelta(months=1, day=10),
        )
    )


def _link_and_lines(cr, period, full_points, uid, tasks=True):
    """Link the period's tasks (``tasks``) and leaders' appraisals, add the
    criterion lines (the rule set's leaf criteria of the subject group)."""
    if tasks:
        cr.execute(
            SQL(
                """
                UPDATE hr_kpi_task t SET appraisal_id = a.id
                  FROM hr_kpi_appraisal a
                 WHERE a.period_id = %(period)s AND t.period_id = %(period)s
                   AND t.employee_id = a.employee_id
                """,
                period=period.id,
            )
        )
    cr.execute(
        SQL(
            """
            UPDATE hr_kpi_appraisal a SET leader_appraisal_id = l.id
              FROM hr_kpi_appraisal l
             WHERE a.period_id = %(period)s AND l.period_id = %(period)s
               AND l.employee_id = a.evaluator_employee_id
            """,
            period=period.id,
        )
    )
    points = SQL("c.max_points") if full_points else SQL("NULL")
    cr.execute(
        SQL(
            """
            INSERT INTO hr_kpi_appraisal_line
                (appraisal_id, company_id, criterion_id, sequence, self_points,
                 evaluator_points, final_points,
                 create_uid, write_uid, create_date, write_date)
            SELECT a.id, a.company_id, c.id,
                   ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY c.sequence, c.id),
                   %(points)s, %(points)s, %(points)s, %(uid)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM hr_kpi_appraisal a
              JOIN hr_kpi_criterion c ON c.rule_set_id = a.rule_set_id
                                     AND c.subject_group = a.subject_group
                                     AND c.is_leaf
             WHERE a.period_id = %(period)s
            """,
            period=period.id,
            points=points,
            uid=uid,
        )
    )


def _choose_units(cr, company, period):
    """The units the benchmark works on: a tổ of about 50 people decided by its
    head, a unit of about 300 people (with its sub-units) for Mẫu 01A, and a
    large unit (a sở/quận) for the head's list."""
    cr.execute(
        SQL(
            """
            SELECT d.id, d.parent_path, COUNT(c.id) AS own
              FROM hr_department d
              LEFT JOIN hr_kpi_evaluation_config c ON c.department_id = d.id
             WHERE d.company_id = %s
             GROUP BY d.id, d.parent_path
            """,
            company.id,
        )
    )
    own = {row[0]: (row[1], row[2]) for row in cr.fetchall()}
    subtree = dict.fromkeys(own, 0)
    for path, count in own.values():
        for ancestor in path.strip("/").split("/"):
            subtree[int(ancestor)] += count
    depth = {dep: len(path.strip("/").split("/")) for dep, (path, _c) in own.items()}

    def closest(candidates, size, key):
        return min(candidates, key=lambda d: (abs(key(d) - size), d))

    # the large unit (a sở/quận), and inside it the two units of the steps:
    # the benchmark can open the month for the large unit alone
    big = [d for d in own if depth[d] == 2] or list(own)
    unit_large = max(big, key=lambda d: (subtree[d], -d))
    inside = [d for d in own if f"/{unit_large}/" in f"/{own[d][0]}"]
    unit50 = closest(inside, 50, lambda d: own[d][1])
    unit300 = closest(inside, 300, subtree.get)
    return {
        "unit50_id": unit50,
        "unit50_size": own[unit50][1],
        "unit300_id": unit300,
        "unit300_size": subtree[unit300],
        "unit_large_id": unit_large,
        "unit_large_size": subtree[unit_large],
        "units_version": 2,
    }


def prepare_benchmark_units(env, info):
    """(Re)choose the units of the steps and create their users; update and
    store ``info``."""
    company = env["res.company"].browse(info["company_id"])
    period = env["hr.kpi.period"].browse(info["period_id"])
    units = _choose_units(env.cr, company, period)
    info.update(units)
    info.update(_create_users(env, company, units))
    # sudo: the benchmark finds its city again in a later run
    env["ir.config_parameter"].sudo().set_param(
        f"l10n_vn_hr_kpi.bench_city_{info['n_staff']}", json.dumps(info)
    )
    return info


def _create_users(env, company, info):
    """Users for the benchmark: the head of the 50-person unit, the evaluator
    of most of its staff, the head of the large unit; the others have none."""
    # sudo: the bench generator builds a city as administrator
    Department = env["hr.department"].sudo()
    unit50 = Department.browse(info["unit50_id"])
    large = Department.browse(info["unit_large_id"])
    head50 = unit50.manager_id
    # the evaluator: whoever evaluates the most of the unit's staff
    env.cr.execute(
        SQL(
            """
            SELECT evaluator_id FROM hr_kpi_evaluation_config
             WHERE department_id = %s GROUP BY evaluator_id
             ORDER BY COUNT(*) DESC, evaluator_id LIMIT 1
            """,
            unit50.id,
        )
    )
    # sudo: the bench generator builds a city as administrator
    evaluator = env["hr.employee"].sudo().browse(env.cr.fetchone()[0])
    head_large = large.manager_id
    # sudo: the bench generator builds a city as administrator
    Users = env["res.users"].sudo().with_context(no_reset_password=True)
    plan = [
        ("head50", head50, "l10n_vn_hr_kpi.group_kpi_head"),
        ("evaluator", evaluator, "l10n_vn_hr_kpi.group_kpi_evaluator"),
        ("head_large", head_large, "l10n_vn_hr_kpi.group_kpi_head"),
    ]
    result = {}
    for key, employee, group in plan:
        group_id = env.ref(group).id
        user = employee.user_id
        if user:
            user.groups_id = [Command.link(group_id)]
        else:
            user = Users.create(
                {
                    "name": employee.name,
                    "login": f"bench_{key}_{company.id}_{employee.id}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.link(group_id)],
                }
            )
            employee.user_id = user
        result[f"{key}_user_id"] = user.id
        result[f"{key}_employee_id"] = employee.id
    officer = Users.create(
        {
            "name": "Bench HR officer",
            "login": f"bench_hr_{company.id}_{head50.id}",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [
                Command.link(env.ref("l10n_vn_hr_kpi.group_kpi_hr_officer").id)
            ],
        }
    )
    result["hr_user_id"] = officer.id
    env.flush_all()
    return result
