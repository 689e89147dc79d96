"""The city of ``make faulttest`` and ``make loadtest``, in a
database of its own: built with ``scripts/bench/generate.py`` and given users
with a known password, so that a script logs in as they would in a browser.

Usage (``scripts/fault/faulttest.sh`` and ``scripts/load/loadtest.sh`` pass the
Odoo connection options)::

    python scripts/fault/city.py [odoo options] -d DB --staff N --do build
    python scripts/fault/city.py [odoo options] -d DB --staff N --do break
    python scripts/fault/city.py [odoo options] -d DB --staff N --do info
    python scripts/fault/city.py [odoo options] -d DB --staff N --do sql_open

``build``: generate the city when missing (one month of decided history, the
open month's tasks, no appraisal of the open month), give its HR officer the
password of ``CITY_PASSWORD``; prints the city's description as JSON.
``break``: break the configuration of one unit on purpose (an evaluator of
another company, as an import written around the ORM would leave it), and move
the open month's lock date after today (the generated city's months are in
2026, the daily cron would close it); prints the unit as JSON. ``info``:
prints the description. ``sql_open``: the benchmark's single-pass plain SQL
opening of the same month (``make bench``'s baseline), run in a transaction
rolled back at once; prints its time and rows as JSON.
"""

import argparse
import json
import os
import sys

CITY_PASSWORD = os.environ.get("CITY_PASSWORD", "kpi-city-2026")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument(
        "--do",
        dest="command",
        choices=("build", "break", "info", "sql_open"),
        required=True,
    )
    args, odoo_args = parser.parse_known_args()
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path and odoo_path not in sys.path:
        sys.path.insert(0, odoo_path)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import SQL, config

    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    db = config["db_name"]
    from odoo.addons.l10n_vn_hr_kpi.scripts.bench.generate import (
        find_city,
        generate_city,
        prepare_benchmark_units,
    )

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        info = find_city(env, args.staff)
        if args.command == "build":
            if not info:
                info = generate_city(
                    env,
                    args.staff,
                    max(5, args.staff // 100),
                    args.months,
                    log=lambda msg: print(msg, file=sys.stderr),
                )
                cr.commit()
            if info.get("units_version") != 2:
                info = prepare_benchmark_units(env, info)
            hr_user = env["res.users"].browse(info["hr_user_id"])
            hr_user.password = CITY_PASSWORD
            info["hr_login"] = hr_user.login
            cr.commit()
        elif args.command == "break":
            # the unit: the largest tổ outside the benchmark's units
            cr.execute(
                SQL(
                    """
                    SELECT c.department_id, COUNT(*)
                      FROM hr_kpi_evaluation_config c
                      JOIN hr_department d ON d.id = c.department_id
                     WHERE c.company_id = %s AND d.id <> ALL(%s)
                       AND NOT EXISTS (SELECT 1 FROM hr_department s
                                        WHERE s.parent_id = d.id)
                     GROUP BY c.department_id
                     ORDER BY COUNT(*) DESC, c.department_id LIMIT 1
                    """,
                    info["company_id"],
                    [info["unit50_id"], info["unit300_id"], info["unit_large_id"]],
                )
            )
            unit_id, size = cr.fetchone()
            stranger = env.ref("hr.employee_admin")
            cr.execute(
                SQL(
                    """
                    UPDATE hr_kpi_evaluation_config SET evaluator_id = %s
                     WHERE id = (SELECT id FROM hr_kpi_evaluation_config
                                  WHERE department_id = %s
                                  ORDER BY id DESC LIMIT 1)
                    RETURNING employee_id
                    """,
                    stranger.id,
                    unit_id,
                )
            )
            [employee_id] = cr.fetchone()
            # the city's open month is in the past (2026): its lock date moves
            # to next month, else the daily cron closes it during the run
            cr.execute(
                SQL(
                    "UPDATE hr_kpi_period SET date_lock = CURRENT_DATE + 30 "
                    "WHERE id = %s",
                    info["period_id"],
                )
            )
            cr.commit()
            info = {
                "broken_unit_id": unit_id,
                "broken_unit_size": size,
                "broken_employee_id": employee_id,
                "stranger_company_id": stranger.company_id.id,
            }
        elif args.command == "sql_open":
            from odoo.addons.l10n_vn_hr_kpi.scripts.bench.benchmark import (
                CityBenchmark,
                measure_sql,
            )

            bench = CityBenchmark(env, info, log=lambda msg: None)
            rows, seconds, _queries = measure_sql(env, bench._sql_open)
            cr.rollback()
            info = {"sql_seconds": round(seconds, 3), "sql_rows": rows}
        print(json.dumps(info))


if __name__ == "__main__":
    main()
