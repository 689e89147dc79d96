#!/usr/bin/env bash
# make bench: build a city of N staff in database kpi_bench_<N> (created with the
# addon installed without demo data when missing) and benchmark it.
#   BENCH_N=2000 make bench            (default N = 200000)
#   BENCH_MONTHS=2 BENCH_DEPARTMENTS=N/100 (2000 at N = 200000) BENCH_CSV=docs/bench/results-N2000.csv
#   BENCH_DROP=1 drops the database at the end; BENCH_GENERATE_ONLY=1 only builds it.
#   BENCH_SCOPE=unit opens the month for the largest sở/quận only (default: company).
#   BENCH_PROFILE=/tmp/step.prof writes the (last) step's cProfile there.
#   BENCH_STEPS=open_month_jobs,decide_unit runs these steps only (the month is
#   opened first when a step needs it); the table in docs/performance.md is then left alone.
# The city is generated once per database and reused by the next runs.
. "$(dirname "$0")/common.sh"

"$KPI_ROOT/scripts/setup.sh" >/dev/null
pg_env || die "PostgreSQL is not available: run scripts/pg.sh start and read its message"
N=${BENCH_N:-200000}
DEPTS=${BENCH_DEPARTMENTS:-$(( N / 100 > 5 ? N / 100 : 5 ))}
MONTHS=${BENCH_MONTHS:-2}
DB=${BENCH_DB:-kpi_bench_$N}
CSV=${BENCH_CSV:-$KPI_ROOT/docs/bench/results-N$N.csv}
# the table of this N in docs/performance.md follows the committed results only
README_ARGS=()
if [ -z "${BENCH_CSV:-}" ] && [ -z "${BENCH_STEPS:-}" ]; then README_ARGS=(--readme "$KPI_ROOT/docs/performance.md"); fi
if [ -n "${BENCH_STEPS:-}" ] && [ -z "${BENCH_CSV:-}" ]; then CSV=""; fi
mapfile -t ARGS < <(odoo_args)
export PGPASSWORD="$KPI_DB_PASSWORD"
PSQL=(psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d postgres -Atq)

if [ -z "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    say "Creating $DB with $KPI_MODULE (no demo data)"
    "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" \
        --data-dir="$KPI_CACHE/filestore-bench" -d "$DB" -i "$KPI_MODULE" \
        --without-demo=all --stop-after-init --max-cron-threads=0 --log-level=warn \
        || die "could not create $DB"
else
    # a city built by an earlier version: its schema (indexes) follows the code
    say "Updating $KPI_MODULE in $DB"
    "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" \
        --data-dir="$KPI_CACHE/filestore-bench" -d "$DB" -u "$KPI_MODULE" \
        --stop-after-init --max-cron-threads=0 --log-level=warn \
        || die "could not update $KPI_MODULE in $DB"
fi
# the dead rows the previous runs rolled back cleaned, and fresh statistics: a
# database at rest, as a city's would be at the start of a month
"${PSQL[@]/#postgres/$DB}" -c "VACUUM (ANALYZE) hr_kpi_appraisal, hr_kpi_appraisal_line, hr_kpi_task" \
    || say "VACUUM of $DB failed (continuing)"
say "Benchmark of $DB (N = $N)"
ODOO_PATH="$ODOO_PATH" "$KPI_VENV/bin/python" "$KPI_ROOT/scripts/bench/run.py" "${ARGS[@]}" \
    --data-dir="$KPI_CACHE/filestore-bench" -d "$DB" --log-level=warn \
    --staff "$N" --departments "$DEPTS" --months "$MONTHS" --csv "$CSV" "${README_ARGS[@]}" ${BENCH_GENERATE_ONLY:+--generate-only} --scope "${BENCH_SCOPE:-company}" --steps "${BENCH_STEPS:-}"
if [ "${BENCH_DROP:-0}" = 1 ]; then
    say "Dropping $DB"
    dropdb --if-exists -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" "$DB"
    rm -rf "$KPI_CACHE/filestore-bench/filestore/$DB"
fi
