# The PostgreSQL cluster of make faulttest and make loadtest: a private one
# (FAULT_PGDATA), because the fault test restarts it, and the shared cluster
# of the other scripts must not be restarted under their feet. Source it after
# common.sh; it exports the connection (KPI_DB_*) of that cluster and:
#   city_db N        the database of the city of N staff (built once, then copied)
#   city_copy N DB [TEMPLATE]  DB, a fresh copy of that city (or of TEMPLATE),
#                    its filestore too
#   odoo_args        as in common.sh, for that cluster
"$KPI_ROOT/scripts/setup.sh" >/dev/null
KPI_PGDATA=${FAULT_PGDATA:-$(dirname "$KPI_PGDATA")/pg15-load}
export KPI_PGDATA
bash "$KPI_ROOT/scripts/pg.sh" start >&2
KPI_USE_PG_ENV=0 pg_env || die "the private PostgreSQL cluster in $KPI_PGDATA did not start"
export PGPASSWORD="$KPI_DB_PASSWORD"
CITY_DATA_DIR=${CITY_DATA_DIR:-$KPI_CACHE/filestore-load}
CITY_PY="$KPI_ROOT/scripts/fault/city.py"
mapfile -t ARGS < <(odoo_args)
PSQL=(psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -Atq)

db_exists() {
    [ -n "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]
}

# The city of N staff, built once in kpi_load_city_<N> (addon installed without
# demo data, then the generator); on later runs the addon is updated so that the
# schema follows the code.
city_db() {
    local n=$1 db="kpi_load_city_$1"
    if ! db_exists "$db" || [ -z "$("${PSQL[@]}" -d "$db" -c "SELECT 1 FROM ir_config_parameter WHERE key = 'l10n_vn_hr_kpi.bench_city_$n'" 2>/dev/null)" ]; then
        if ! db_exists "$db"; then
            say "Creating $db with $KPI_MODULE (no demo data)" >&2
            "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
                -d "$db" -i "$KPI_MODULE" --without-demo=all --stop-after-init \
                --max-cron-threads=0 --log-level=warn >&2 || die "could not create $db"
        fi
        say "Building the city of $n staff in $db" >&2
    else
        say "Updating $KPI_MODULE in $db" >&2
        "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
            -d "$db" -u "$KPI_MODULE" --stop-after-init --max-cron-threads=0 --log-level=warn >&2 \
            || die "could not update $KPI_MODULE in $db"
    fi
    ODOO_PATH="$ODOO_PATH" "$KPI_VENV/bin/python" "$CITY_PY" "${ARGS[@]}" --data-dir="$CITY_DATA_DIR" \
        -d "$db" --log-level=warn --staff "$n" --do build >/dev/null || die "could not build the city in $db"
    echo "$db"
}

city_copy() {
    local n=$1 db=$2 tpl=${3:-}
    [ -n "$tpl" ] || tpl=$(city_db "$n")
    dropdb --if-exists --force -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" "$db"
    createdb -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -T "$tpl" "$db" \
        || die "could not copy $tpl to $db"
    rm -rf "$CITY_DATA_DIR/filestore/$db"
    if [ -d "$CITY_DATA_DIR/filestore/$tpl" ]; then
        cp -a "$CITY_DATA_DIR/filestore/$tpl" "$CITY_DATA_DIR/filestore/$db"
    fi
    say "Copied the city $tpl to $db" >&2
}
