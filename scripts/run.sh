#!/usr/bin/env bash
# The demo server: set-up, then create the database kpi_demo with the addon
# and its demo data on the first run (upgrade the addon on later runs), then
# serve Odoo on http://localhost:8069. Stop it with Ctrl+C; stop PostgreSQL
# with `make stop`.
. "$(dirname "$0")/common.sh"

"$KPI_ROOT/scripts/setup.sh"
pg_env || die "PostgreSQL is not available: run scripts/pg.sh start and read its message"
mapfile -t ARGS < <(odoo_args)
ODOO=("$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$KPI_CACHE/filestore")

db_exists() {
    PGPASSWORD="$KPI_DB_PASSWORD" psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$KPI_DEMO_DB'" | grep -q 1
}
module_installed() {
    PGPASSWORD="$KPI_DB_PASSWORD" psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d "$KPI_DEMO_DB" -tAc \
        "SELECT 1 FROM ir_module_module WHERE name = '$KPI_MODULE' AND state = 'installed'" 2>/dev/null | grep -q 1
}

if db_exists && module_installed; then
    say "Upgrading $KPI_MODULE in the existing database $KPI_DEMO_DB"
    "${ODOO[@]}" -d "$KPI_DEMO_DB" -u "$KPI_MODULE" --stop-after-init --log-level=warn \
        || die "upgrading $KPI_MODULE failed (see above)"
else
    say "Creating the database $KPI_DEMO_DB with $KPI_MODULE and its demo data (a few minutes)"
    "${ODOO[@]}" -d "$KPI_DEMO_DB" -i "$KPI_MODULE" --load-language=vi_VN --stop-after-init --log-level=warn \
        || die "installing $KPI_MODULE failed (see above)"
    # Vietnamese-first: the demo ward's users work in Vietnamese
    echo "env['res.users'].search([('company_id.name', '=', 'UBND phường Hà Đông')]).write({'lang': 'vi_VN'}); env.cr.commit()" \
        | "$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" shell "${ARGS[@]}" --data-dir="$KPI_CACHE/filestore" \
            -d "$KPI_DEMO_DB" --log-level=warn >/dev/null \
        || say "could not set the demo users' language to Vietnamese (set it in their preferences)"
fi

cat <<EOT

  Odoo is starting on http://localhost:$KPI_HTTP_PORT  (database $KPI_DEMO_DB)

  Demo logins (password = login):
    admin        Administrator (rule sets, roles)
    hr           Agency HR officer (phòng Văn hóa - Xã hội)
    chutich      Head of unit: Chủ tịch UBND phường
    truongphong  Head of unit: Trưởng phòng Kinh tế - Hạ tầng - Đô thị
    daumoi       Unit focal point
    phophong     Evaluator: Phó trưởng phòng
    nhanvien     Employee: công chức

  Stop the server with Ctrl+C, PostgreSQL with: make stop
EOT
# OCA queue_job's runner (server-wide module) starts the background jobs of the
# month (opening a month of a large company); root holds 2 jobs at once, of
# which the KPI channel takes at most 1, so interactive requests keep threads.
export ODOO_QUEUE_JOB_CHANNELS=${ODOO_QUEUE_JOB_CHANNELS:-root:2,root.kpi:1}
exec "${ODOO[@]}" -d "$KPI_DEMO_DB" --db-filter="^$KPI_DEMO_DB\$" --http-port="$KPI_HTTP_PORT" --max-cron-threads=1 \
    --load=base,web,queue_job
