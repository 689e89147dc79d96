#!/usr/bin/env bash
# make loadtest: the last days of a month on a city, Locust against a
# production-mode server (--workers=4, default time and memory limits, the job
# runner), the simulated users logged in as real users of the city.
#   LOAD_N=20000 (staff)  LOAD_USERS=50  LOAD_TIME=3m  LOAD_SPAWN_RATE=USERS/50 (min 1)
#   LOAD_PORT=8072  LOAD_WORKERS=4  LOAD_OUT=docs/load (CSV and table)
# The city (kpi_load_city_<N>, see scripts/fault/cluster.sh) is copied once to
# kpi_load_open_<N> and prepared (month opened, users, half reviewed: see
# scripts/load/prepare.py); each run works on a fresh copy kpi_load_<N>.
. "$(dirname "$0")/../common.sh"

N=${LOAD_N:-20000}
USERS_N=${LOAD_USERS:-50}
TIME=${LOAD_TIME:-3m}
RATE=${LOAD_SPAWN_RATE:-$(( USERS_N / 50 > 1 ? USERS_N / 50 : 1 ))}
PORT=${LOAD_PORT:-8072}
WORKERS=${LOAD_WORKERS:-4}
OUT=${LOAD_OUT:-$KPI_ROOT/docs/load}
LOAD_VENV=${LOAD_VENV:-$KPI_CACHE/venv-load}
WORK=$KPI_CACHE/load
mkdir -p "$OUT" "$WORK"

# Locust in a virtualenv of its own, from the pinned requirements (idempotent)
REQ="$KPI_ROOT/scripts/load/requirements.txt"
if [ ! -x "$LOAD_VENV/bin/locust" ] || ! cmp -s "$REQ" "$LOAD_VENV/.kpi-requirements"; then
    say "Installing Locust into $LOAD_VENV"
    python3 -m venv "$LOAD_VENV" || die "could not create $LOAD_VENV"
    "$LOAD_VENV/bin/pip" install -q -r "$REQ" || die "could not install $REQ"
    cp "$REQ" "$LOAD_VENV/.kpi-requirements"
fi

. "$KPI_ROOT/scripts/fault/cluster.sh"
TPL=kpi_load_open_$N
DB=kpi_load_$N
USERS_FILE=$WORK/users-$N.json
if ! db_exists "$TPL"; then
    city_copy "$N" "$TPL"
else
    say "Updating $KPI_MODULE in $TPL" >&2
    "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
        -d "$TPL" -u "$KPI_MODULE" --stop-after-init --max-cron-threads=0 --log-level=warn \
        || die "could not update $KPI_MODULE in $TPL"
fi
say "Preparing $TPL (month opened, users, reviews)"
ODOO_PATH="$ODOO_PATH" "$KPI_VENV/bin/python" "$KPI_ROOT/scripts/load/prepare.py" "${ARGS[@]}" \
    --data-dir="$CITY_DATA_DIR" -d "$TPL" --log-level=warn --staff "$N" --out "$USERS_FILE" \
    || die "could not prepare $TPL"
city_copy "$N" "$DB" "$TPL"

LOG=$KPI_CACHE/logs/loadtest-$N.log
: > "$LOG"
say "Starting Odoo on :$PORT (--workers=$WORKERS), log $LOG"
"$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
    -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --gevent-port=$((PORT + 100)) \
    --workers="$WORKERS" --max-cron-threads=1 --load=base,web,queue_job \
    --logfile="$LOG" --log-level=warn &
ODOO_PID=$!
SAMPLER_PID=
cleanup() {
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
    kill "$ODOO_PID" 2>/dev/null
    wait "$ODOO_PID" 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 60); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/webclient/version_info" \
        -H 'Content-Type: application/json' -d '{}' && break
    sleep 1
done
# the workers' resident memory, every 2 s: the peak of any one worker
RSS=$WORK/rss-$N-$USERS_N.txt
LOADAVG=$WORK/loadavg-$N-$USERS_N.txt
: > "$RSS"
: > "$LOADAVG"
(
    while kill -0 "$ODOO_PID" 2>/dev/null; do
        ps -o rss= --ppid "$ODOO_PID" | sort -n | tail -1 >> "$RSS"
        cut -d' ' -f1 /proc/loadavg >> "$LOADAVG"
        sleep 2
    done
) &
SAMPLER_PID=$!

PREFIX=$WORK/locust-$N-$USERS_N
say "Locust: $USERS_N users for $TIME (spawn $RATE/s) on $DB"
LOAD_USERS_FILE=$USERS_FILE LOAD_DB=$DB "$LOAD_VENV/bin/locust" \
    -f "$KPI_ROOT/scripts/load/locustfile.py" --headless -u "$USERS_N" -r "$RATE" -t "$TIME" \
    --host "http://127.0.0.1:$PORT" --csv "$PREFIX" --only-summary --stop-timeout 30 \
    > "$PREFIX.out" 2>&1 || true
tail -5 "$PREFIX.out"
PEAK=$(sort -n "$RSS" | tail -1)
python3 "$KPI_ROOT/scripts/load/report.py" --stats "${PREFIX}_stats.csv" \
    --failures "${PREFIX}_failures.csv" --csv "$OUT/loadtest-N$N-U$USERS_N.csv" \
    --md "$OUT/loadtest-N$N-U$USERS_N.md" --rss-kb "${PEAK:-0}" --loadavg "$LOADAVG" \
    --title "N = $N staff, $USERS_N simulated users, $TIME, --workers=$WORKERS"
