#!/usr/bin/env bash
# PostgreSQL for Odoo: use the server named by PG* variables when it answers,
# otherwise a private cluster on a free port, started once and reused.
#   pg.sh start | stop | status | env
. "$(dirname "$0")/common.sh"

STATE="$KPI_PGDATA/kpi-connection.env"

free_port() {
    local p
    for p in $(seq 5433 5499); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    return 1
}

use_pg_env() {
    [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] || return 1
    command -v pg_isready >/dev/null 2>&1 || return 1
    pg_isready -q || return 1
    say "Using the PostgreSQL server named by PG* variables (${PGHOST:-localhost}:${PGPORT:-5432})"
    return 0
}

cluster_running() {
    local bin; bin=$(pg_bindir) || return 1
    [ -f "$KPI_PGDATA/PG_VERSION" ] && as_pg_user "$bin/pg_ctl" -D "$KPI_PGDATA" status >/dev/null 2>&1
}

start() {
    use_pg_env && return 0
    local bin port
    bin=$(pg_bindir) || die "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql, or set PGHOST/PGPORT/PGUSER to a running server"
    if [ "$(id -u)" = 0 ]; then
        id "$KPI_PG_OS_USER" >/dev/null 2>&1 || die "PostgreSQL refuses to run as root and the user '$KPI_PG_OS_USER' does not exist: set KPI_PG_OS_USER to a non-root user"
    fi
    if [ ! -f "$KPI_PGDATA/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $KPI_PGDATA (owner $KPI_PG_OS_USER)"
        mkdir -p "$KPI_PGDATA"
        [ "$(id -u)" = 0 ] && chown -R "$KPI_PG_OS_USER" "$(dirname "$KPI_PGDATA")" "$KPI_PGDATA"
        chmod 700 "$KPI_PGDATA"
        as_pg_user "$bin/initdb" -D "$KPI_PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed in $KPI_PGDATA"
    fi
    if ! cluster_running; then
        port=$(free_port) || die "no free TCP port between 5433 and 5499 for PostgreSQL"
        # jit=off: what the README recommends for a city (PostgreSQL compiles
        # the screens' queries otherwise, up to a second each at N = 200,000)
        say "Starting PostgreSQL on 127.0.0.1:$port"
        as_pg_user "$bin/pg_ctl" -D "$KPI_PGDATA" -l "$KPI_PGDATA/server.log" -w -t 60 \
            -o "-p $port -k $KPI_PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB -c jit=off" start >/dev/null \
            || die "PostgreSQL did not start: see $KPI_PGDATA/server.log"
        echo "$port" > "$KPI_PGDATA/kpi-port"
    fi
    port=$(cat "$KPI_PGDATA/kpi-port")
    # Odoo refuses to connect as 'postgres': give it a role of its own.
    as_pg_user "$bin/psql" -h "$KPI_PGDATA" -p "$port" -U postgres -d postgres -tAq -v ON_ERROR_STOP=1 -c \
        "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$KPI_PG_ROLE') THEN CREATE ROLE \"$KPI_PG_ROLE\" LOGIN CREATEDB; END IF; END \$\$;" \
        || die "could not create the PostgreSQL role $KPI_PG_ROLE"
    cat > "$STATE" <<EOS
KPI_DB_HOST=127.0.0.1
KPI_DB_PORT=$port
KPI_DB_USER=$KPI_PG_ROLE
KPI_DB_PASSWORD=
EOS
    chmod 644 "$STATE"
}

stop() {
    local bin; bin=$(pg_bindir) || return 0
    if cluster_running; then
        say "Stopping PostgreSQL ($KPI_PGDATA)"
        as_pg_user "$bin/pg_ctl" -D "$KPI_PGDATA" -m fast stop >/dev/null
    else
        say "PostgreSQL cluster in $KPI_PGDATA is not running"
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) if cluster_running; then say "running on port $(cat "$KPI_PGDATA/kpi-port")"; else say "not running"; exit 1; fi ;;
    *) die "usage: pg.sh start|stop|status" ;;
esac
