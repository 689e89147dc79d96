"""``make bench``: build a city in a dedicated database, then benchmark it.

Usage (``scripts/bench.sh`` passes the Odoo connection options)::

    python scripts/bench/run.py [odoo options] -d kpi_bench_2000 \
        --staff 2000 [--departments 2000] [--months 2] [--csv FILE] \
        [--readme README.md] [--generate-only]

The database must exist with the addon installed without demo data
(``scripts/bench.sh`` creates it). The city is generated once and committed;
the benchmark runs in one transaction that is rolled back, so it can be re-run
on the same city (the city is found again and reused; ``--generate-only`` stops after
building it).
"""

import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=200_000)
    parser.add_argument("--departments", type=int, default=2_000)
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--csv", default=None)
    parser.add_argument(
        "--readme",
        default=None,
        help="README whose table of this N (between its markers) is replaced",
    )
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--steps",
        default="",
        help="comma-separated steps to run (default: all); the month is "
        "opened first when a later step needs it",
    )
    parser.add_argument(
        "--scope",
        choices=("company", "unit"),
        default="company",
        help="open the month for the whole company or for the large unit only",
    )
    args, odoo_args = parser.parse_known_args()

    # run from anywhere: Odoo's sources are next to odoo-bin (ODOO_PATH)
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path and odoo_path not in sys.path:
        sys.path.insert(0, odoo_path)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    db = config["db_name"]
    if not db:
        sys.exit("Give the database with -d.")
    from odoo.addons.l10n_vn_hr_kpi.scripts.bench.benchmark import (
        CityBenchmark,
        format_table,
        update_readme,
        write_csv,
    )
    from odoo.addons.l10n_vn_hr_kpi.scripts.bench.generate import (
        find_city,
        generate_city,
        prepare_benchmark_units,
    )

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        info = find_city(env, args.staff)
        if info:
            print(f"City of {args.staff} already in {db}: reused.")
        if not info:
            start = time.perf_counter()
            info = generate_city(
                env, args.staff, args.departments, args.months, log=print
            )
            cr.commit()
            print(f"Generated in {time.perf_counter() - start:.1f} s")
        if info.get("units_version") != 2:
            prepare_benchmark_units(env, info)
            cr.commit()
    if args.generate_only:
        return
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        info = find_city(env, args.staff)
        bench = CityBenchmark(env, info, log=print, scope=args.scope)
        from odoo.addons.l10n_vn_hr_kpi.scripts.bench.benchmark import STEPS

        steps = {step for step in args.steps.split(",") if step}
        if steps - {"open_month_jobs"}:
            # the later steps work on the month opened
            steps.add("open_month")
        # in the order of a month
        steps = [step for step in STEPS if step in steps]
        try:
            rows = bench.run(steps or None)
        finally:
            cr.rollback()
    print()
    print(
        f"N = {info['n_staff']} staff, {info['n_departments']} departments, "
        f"{info['months']} months of history; month opened for the "
        f"{'large unit' if args.scope == 'unit' else 'whole company'}; units: "
        f"{info['unit50_size']} (decide), {info['unit300_size']} (01A), "
        f"{info['unit_large_size']} (head's list)"
    )
    print(format_table(rows))
    if args.csv:
        os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
        write_csv(rows, args.csv)
        print(f"CSV: {args.csv}")
    if args.readme:
        with open(args.readme, encoding="utf-8") as f:
            text = f.read()
        new = update_readme(text, info["n_staff"], format_table(rows))
        if new != text:
            with open(args.readme, "w", encoding="utf-8") as f:
                f.write(new)
            print(f"README table updated: {args.readme}")
    failed = [r["step"] for r in rows if "NO" in (r["target_met"], r["memory_met"])]
    if failed:
        print(f"Targets not met: {', '.join(failed)}")


if __name__ == "__main__":
    main()
