#!/usr/bin/env bash
# The whole test suite, on a throwaway database of a real PostgreSQL:
# install the addon with its tests and print one last line "N passed, N failed".
# Any failure, error, skipped test or zero tests run exits non-zero.
# Extra arguments go to odoo-bin (e.g. --test-tags /l10n_vn_hr_kpi:TestScoring).
. "$(dirname "$0")/common.sh"

"$KPI_ROOT/scripts/setup.sh"
pg_env || die "PostgreSQL is not available: run scripts/pg.sh start and read its message"
[ -f "$ODOO_PATH/odoo-bin" ] || die "no Odoo 18.0 at $ODOO_PATH"
[ -x "$KPI_VENV/bin/python" ] || die "no virtualenv at $KPI_VENV"

DB=${KPI_TEST_DB:-kpi_test_$(date +%Y%m%d%H%M%S)_$$}
LOG_DIR=${KPI_LOG_DIR:-$KPI_CACHE/logs}
mkdir -p "$LOG_DIR"
LOG="$LOG_DIR/test-$DB.log"
# A free port for the HTTP server HttpCase and tours talk to.
HTTP_PORT=$("$KPI_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TAGS=/$KPI_MODULE
for a in "$@"; do case "$a" in --test-tags=*|--test-tags) TAGS="";; esac; done

drop_db() {
    PGPASSWORD="$KPI_DB_PASSWORD" dropdb --if-exists -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" "$DB" >/dev/null 2>&1 || true
    rm -rf "$KPI_CACHE/filestore-test/filestore/$DB"
}
trap drop_db EXIT

say "Testing $KPI_MODULE on database $DB (log: $LOG)"
set +e
mapfile -t ARGS < <(odoo_args)
"$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" \
    --data-dir="$KPI_CACHE/filestore-test" \
    -d "$DB" -i "$KPI_MODULE" --test-enable ${TAGS:+--test-tags "$TAGS"} \
    --http-port="$HTTP_PORT" --http-interface=127.0.0.1 --stop-after-init \
    --max-cron-threads=0 --log-level=info "$@" 2>&1 | tee "$LOG" \
    | grep --line-buffered -E ' (ERROR|CRITICAL|WARNING) |FAIL:|ERROR:|skipped|Ran |tests when loading|Starting |: [0-9]+ failed'
rc=${PIPESTATUS[0]}
set -e

"$KPI_VENV/bin/python" "$KPI_ROOT/scripts/test_summary.py" "$LOG" "$rc"
