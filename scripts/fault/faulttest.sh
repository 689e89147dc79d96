#!/usr/bin/env bash
# make faulttest: a month of a city opened as background jobs on a
# production-mode server while a worker is killed and PostgreSQL restarts.
#   FAULT_N=20000 (staff)  FAULT_PORT=8071  FAULT_WORKERS=3
#   FAULT_CHANNELS=root:2,root.kpi:2  FAULT_OUT=docs/fault/faulttest-N<N>.txt
#   FAULT_FAULTS=0: no fault (make benchjobs): the run's time end to end through
#   the server and its job runner, next to the single-pass plain SQL of the same
#   rows on the same database, written to docs/bench/open-month-jobs-server-N<N>.txt
# It runs on a private PostgreSQL cluster (FAULT_PGDATA, see cluster.sh): the
# fault restarts it. The city is built once (kpi_load_city_<N>) and copied to
# kpi_fault_<N> for each run; one unit's configuration is broken on purpose.
. "$(dirname "$0")/../common.sh"
. "$KPI_ROOT/scripts/fault/cluster.sh"

N=${FAULT_N:-20000}
PORT=${FAULT_PORT:-8071}
DB=kpi_fault_$N
FAULTS=${FAULT_FAULTS:-1}
if [ "$FAULTS" = 0 ]; then
    DB=kpi_benchjobs_$N
    OUT=${FAULT_OUT:-$KPI_ROOT/docs/bench/open-month-jobs-server-N$N.txt}
    MODE=(--no-faults)
else
    OUT=${FAULT_OUT:-$KPI_ROOT/docs/fault/faulttest-N$N.txt}
    MODE=()
fi
LOG=${FAULT_LOG:-$KPI_CACHE/logs/$DB.log}
mkdir -p "$(dirname "$OUT")" "$(dirname "$LOG")"
: > "$LOG"

city_copy "$N" "$DB"
CITY=$(ODOO_PATH="$ODOO_PATH" "$KPI_VENV/bin/python" "$CITY_PY" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
    -d "$DB" --log-level=warn --staff "$N" --do build) || die "no city in $DB"
BROKEN=$(ODOO_PATH="$ODOO_PATH" "$KPI_VENV/bin/python" "$CITY_PY" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
    -d "$DB" --log-level=warn --staff "$N" --do break) || die "could not break a unit in $DB"
say "The same rows in single-pass plain SQL (rolled back)"
SQL_RUN=$(ODOO_PATH="$ODOO_PATH" "$KPI_VENV/bin/python" "$CITY_PY" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
    -d "$DB" --log-level=warn --staff "$N" --do sql_open) || die "the plain SQL failed in $DB"
LOGIN=$(printf '%s' "$CITY" | "$KPI_VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["hr_login"])')

say "Starting Odoo on :$PORT (--workers=${FAULT_WORKERS:-3}, queue_job runner ${FAULT_CHANNELS:-root:2,root.kpi:2}), log $LOG"
# production mode: workers, default time and memory limits, the job runner
ODOO_QUEUE_JOB_CHANNELS=${FAULT_CHANNELS:-root:2,root.kpi:2} \
    "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
    -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --gevent-port=$((PORT + 100)) \
    --workers="${FAULT_WORKERS:-3}" --max-cron-threads=1 \
    --load=base,web,queue_job --logfile="$LOG" --log-level=info &
ODOO_PID=$!
trap 'kill "$ODOO_PID" 2>/dev/null; wait "$ODOO_PID" 2>/dev/null' EXIT
for _ in $(seq 1 60); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/webclient/version_info" \
        -H 'Content-Type: application/json' -d '{}' && break
    sleep 1
done

set +e
"$KPI_VENV/bin/python" "$KPI_ROOT/scripts/fault/fault.py" \
    --url "http://127.0.0.1:$PORT" --db "$DB" --login "$LOGIN" \
    --password "${CITY_PASSWORD:-kpi-city-2026}" --city "$CITY" --broken "$BROKEN" \
    --odoo-pid "$ODOO_PID" --pg-host "$KPI_DB_HOST" --pg-port "$KPI_DB_PORT" \
    --pg-user "$KPI_DB_USER" --pgdata "$KPI_PGDATA" --pg-bindir "$(pg_bindir)" \
    --pg-os-user "$KPI_PG_OS_USER" --sql "$SQL_RUN" "${MODE[@]}" | tee "$OUT"
RC=${PIPESTATUS[0]}
set -e
{
    echo
    echo "Odoo log ($LOG), the faults and the requeues:"
    grep -E "Re-queued dead job|WorkerHTTP \([0-9]+\) alive|database connections ready|exception: sleeping|JobFoundDead|FAILED|failed for" "$LOG" \
        | sed -E 's/^[0-9-]+ ([0-9:]+),[0-9]+ [0-9]+ /\1 /' | cut -c1-200 | sed -E "s/ +$//" | head -40
} | tee -a "$OUT"
exit "$RC"
