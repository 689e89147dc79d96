#!/usr/bin/env bash
# Upgrade check: a database made by an earlier version of the addon (a git
# revision, default the previous release on main: UPGRADE_FROM) with its demo
# data, then upgraded with `-u` to this checkout; the data must be kept.
#   make upgradecheck                   # from UPGRADE_FROM (see below)
#   UPGRADE_FROM=<rev> make upgradecheck
#   UPGRADE_PREPARE_ONLY=1 make upgradecheck   # only make the old database
# Prints the counts before and after and exits non-zero if one changed.
# Heavy (two installations): not part of `make test`.
. "$(dirname "$0")/common.sh"

FROM=${UPGRADE_FROM:-48c5e1c}
"$KPI_ROOT/scripts/setup.sh" >/dev/null
pg_env || die "PostgreSQL is not available: run scripts/pg.sh start"
git -C "$KPI_ROOT" rev-parse --verify --quiet "$FROM^{commit}" >/dev/null \
    || die "unknown revision $FROM (UPGRADE_FROM)"
SHORT=$(git -C "$KPI_ROOT" rev-parse --short "$FROM")
DB=${UPGRADE_DB:-kpi_upgrade_$SHORT}
OLD=$(mktemp -d)
trap 'rm -rf "$OLD"' EXIT
# the old version's files, exposed under the module's name for its addons path
mkdir -p "$OLD/$KPI_MODULE"
git -C "$KPI_ROOT" archive "$FROM" | tar -x -C "$OLD/$KPI_MODULE"
mapfile -t ARGS < <(odoo_args)
NEW_ARGS=("${ARGS[@]}")
OLD_ARGS=()
for arg in "${ARGS[@]}"; do
    case "$arg" in
        --addons-path=*) OLD_ARGS+=("${arg%,*},$OLD") ;;
        *) OLD_ARGS+=("$arg") ;;
    esac
done
ODOO=("$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin")
COMMON=(--data-dir="$KPI_CACHE/filestore-test" --stop-after-init --log-level=warn --max-cron-threads=0)

counts() {
    PGPASSWORD="$KPI_DB_PASSWORD" psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d "$DB" -tA -F ' ' <<'SQL'
SELECT 'appraisals', count(*) FROM hr_kpi_appraisal
UNION ALL SELECT 'total_score_sum', coalesce(round(sum(total_score)::numeric, 2), 0) FROM hr_kpi_appraisal
UNION ALL SELECT 'decided_levels', count(level_final) FROM hr_kpi_appraisal
UNION ALL SELECT 'appraisal_lines', count(*) FROM hr_kpi_appraisal_line
UNION ALL SELECT 'tasks', count(*) FROM hr_kpi_task
UNION ALL SELECT 'rollups', count(*) FROM hr_kpi_rollup
UNION ALL SELECT 'periods', count(*) FROM hr_kpi_period
UNION ALL SELECT 'rule_sets', count(*) FROM hr_kpi_rule_set
UNION ALL SELECT 'messages', count(*) FROM mail_message WHERE model = 'hr.kpi.appraisal'
ORDER BY 1
SQL
}

if ! PGPASSWORD="$KPI_DB_PASSWORD" psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    say "Installing $KPI_MODULE at $SHORT with its demo data into $DB"
    "${ODOO[@]}" "${OLD_ARGS[@]}" "${COMMON[@]}" -d "$DB" -i "$KPI_MODULE" \
        || die "installing the old version failed"
else
    say "Reusing $DB (made at $SHORT; drop it to start again)"
fi
before=$(counts)
if [ -n "${UPGRADE_PREPARE_ONLY:-}" ]; then
    printf '%s\n' "$before"
    say "$DB is ready to be upgraded"
    exit 0
fi
say "Upgrading $DB to this checkout (-u $KPI_MODULE)"
"${ODOO[@]}" "${NEW_ARGS[@]}" "${COMMON[@]}" -d "$DB" -u "$KPI_MODULE" \
    || die "the upgrade failed"
after=$(counts)
printf '%-18s %14s %14s\n' what before after
join <(printf '%s\n' "$before") <(printf '%s\n' "$after") \
    | while read -r what b a; do printf '%-18s %14s %14s\n' "$what" "$b" "$a"; done
state=$(PGPASSWORD="$KPI_DB_PASSWORD" psql -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d "$DB" -tAc \
    "SELECT state FROM ir_module_module WHERE name = '$KPI_MODULE'")
[ "$state" = installed ] || die "the module is '$state' after the upgrade"
if [ "$before" != "$after" ]; then
    die "the upgrade changed the data (above)"
fi
say "Upgrade from $SHORT kept the data"
