# Shared settings for the project's scripts. Source it; do not run it.
# Every path can be overridden from the environment.
set -euo pipefail

KPI_ROOT=${KPI_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KPI_MODULE=l10n_vn_hr_kpi
KPI_CACHE=${KPI_CACHE:-$HOME/.cache/odoo}
ODOO_PATH=${ODOO_PATH:-$KPI_CACHE/18.0}
ODOO_REPO_URL=${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}
KPI_VENV=${KPI_VENV:-$KPI_CACHE/venv-18.0}
KPI_PYTHON=${KPI_PYTHON:-}
# Odoo needs a folder that *contains* a folder named after the module; the
# repository root is the module itself, so we expose it through a symlink kept
# outside the repository (one per checkout, keyed by its path).
KPI_ADDONS_LINK=${KPI_ADDONS_LINK:-$KPI_CACHE/addons-links/$(printf '%s' "$KPI_ROOT" | md5sum | cut -c1-12)}
# PostgreSQL: a private cluster unless PG* variables name a server that answers.
if [ "$(id -u)" = 0 ]; then
    KPI_PG_OS_USER=${KPI_PG_OS_USER:-postgres}
    KPI_PGDATA=${KPI_PGDATA:-/var/tmp/l10n_vn_hr_kpi/pg15}
else
    KPI_PG_OS_USER=${KPI_PG_OS_USER:-$(id -un)}
    KPI_PGDATA=${KPI_PGDATA:-$KPI_CACHE/pg15}
fi
# OCA addons (oca-requirements.txt) installed by setup.sh: pip --target puts
# them under odoo/addons of this folder, which goes on the addons path.
# One folder per set of pins: checkouts of different pins share the cache
# without reinstalling (and removing) each other's addons.
KPI_OCA_PINS=$(grep -Ev '^[[:space:]]*(#|$)' "$KPI_ROOT/oca-requirements.txt" 2>/dev/null | sort | md5sum | cut -c1-12)
KPI_OCA_DIR=${KPI_OCA_DIR:-$KPI_CACHE/oca-addons-$KPI_OCA_PINS}
KPI_PG_ROLE=${KPI_PG_ROLE:-odoo}
KPI_HTTP_PORT=${KPI_HTTP_PORT:-8069}
KPI_DEMO_DB=${KPI_DEMO_DB:-kpi_demo}

say() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as the PostgreSQL OS user (root cannot run the server).
as_pg_user() {
    if [ "$(id -u)" = 0 ] && [ "$KPI_PG_OS_USER" != root ]; then
        runuser -u "$KPI_PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

pg_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir; return
    fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    return 1
}

# Connection settings Odoo gets (exported by pg_env).
pg_env() {
    local state="$KPI_PGDATA/kpi-connection.env"
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && [ "${KPI_USE_PG_ENV:-1}" = 1 ] && pg_isready -q 2>/dev/null; then
        export KPI_DB_HOST=${PGHOST:-localhost} KPI_DB_PORT=${PGPORT:-5432} \
               KPI_DB_USER=${PGUSER:-$KPI_PG_ROLE} KPI_DB_PASSWORD=${PGPASSWORD:-}
        return 0
    fi
    [ -f "$state" ] || return 1
    # shellcheck disable=SC1090
    . "$state"
    export KPI_DB_HOST KPI_DB_PORT KPI_DB_USER KPI_DB_PASSWORD
}

odoo_args() {
    printf '%s\n' --addons-path="$ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$KPI_OCA_DIR/odoo/addons,$KPI_ADDONS_LINK" \
        --db_host="$KPI_DB_HOST" --db_port="$KPI_DB_PORT" --db_user="$KPI_DB_USER" \
        ${KPI_DB_PASSWORD:+--db_password="$KPI_DB_PASSWORD"}
}
