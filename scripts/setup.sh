#!/usr/bin/env bash
# Idempotent set-up: Odoo 18.0 source, a virtualenv with Odoo's and the
# project's Python requirements, system packages (build headers, wkhtmltopdf,
# fonts with Vietnamese glyphs, Chromium for browser tests), the addons-path
# link, and a running PostgreSQL. Each step is skipped when already done.
. "$(dirname "$0")/common.sh"

apt_install() {
    # Install the Debian packages that are missing; only possible as root.
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        die "missing system packages: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}"
    fi
    say "Installing system packages: ${missing[*]}"
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
        apt-get update -qq || die "apt-get update failed: check the network or the apt sources"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

step_system() {
    command -v dpkg-query >/dev/null 2>&1 || { say "Not a Debian system: install libpq, libldap, libsasl headers, PostgreSQL, wkhtmltopdf and Chromium yourself"; return 0; }
    apt_install libpq-dev libldap2-dev libsasl2-dev build-essential \
        postgresql postgresql-client \
        wkhtmltopdf fonts-noto-core fonts-dejavu-core fontconfig \
        chromium poppler-utils gettext softhsm2
}

step_odoo() {
    if [ -f "$ODOO_PATH/odoo-bin" ]; then
        return 0
    fi
    if [ -d "$ODOO_PATH" ] && [ -n "$(ls -A "$ODOO_PATH" 2>/dev/null)" ]; then
        die "$ODOO_PATH exists but holds no odoo-bin. Empty it, or point ODOO_PATH at an Odoo 18.0 source tree."
    fi
    command -v git >/dev/null 2>&1 || die "git is needed to fetch Odoo 18.0 (apt-get install git)"
    say "Fetching Odoo 18.0 into $ODOO_PATH (shallow clone of $ODOO_REPO_URL)"
    mkdir -p "$(dirname "$ODOO_PATH")"
    git clone --depth 1 --branch 18.0 --single-branch "$ODOO_REPO_URL" "$ODOO_PATH" \
        || die "could not clone Odoo 18.0 from $ODOO_REPO_URL. Set ODOO_PATH to an existing Odoo 18.0 tree."
}

find_python() {
    local c
    for c in "$KPI_PYTHON" python3.11 python3.12 python3.10 python3; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    return 1
}

step_venv() {
    local py stamp req_hash
    stamp="$KPI_VENV/.kpi-requirements"
    req_hash=$(cat "$ODOO_PATH/requirements.txt" "$KPI_ROOT/requirements.txt" | md5sum | cut -c1-32)
    if [ -x "$KPI_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$req_hash" ]; then
        return 0
    fi
    py=$(find_python) || die "Odoo 18.0 needs Python 3.10 to 3.12 (python3.11 recommended); set KPI_PYTHON to its path"
    if [ ! -x "$KPI_VENV/bin/python" ]; then
        say "Creating the virtualenv $KPI_VENV with $py"
        "$py" -m venv "$KPI_VENV" || die "could not create a virtualenv with $py (apt-get install python3-venv?)"
    fi
    say "Installing Odoo's and the project's Python requirements into $KPI_VENV"
    "$KPI_VENV/bin/python" -m pip install -q --upgrade pip wheel >/dev/null || die "could not upgrade pip in $KPI_VENV"
    local constraints="$KPI_VENV/build-constraints.txt"
    # cbor2 (pinned by Odoo) still imports pkg_resources in its build.
    echo 'setuptools<70' > "$constraints"
    "$KPI_VENV/bin/python" -m pip install -q --build-constraint "$constraints" \
        -r "$ODOO_PATH/requirements.txt" -r "$KPI_ROOT/requirements.txt" \
        || die "pip could not install the requirements (see above). Missing build headers? apt-get install libpq-dev libldap2-dev libsasl2-dev"
    echo "$req_hash" > "$stamp"
}

step_oca() {
    # OCA addons pinned in oca-requirements.txt, into $KPI_OCA_DIR. Skipped
    # when that folder already holds exactly these pins.
    local req="$KPI_ROOT/oca-requirements.txt" stamp="$KPI_OCA_DIR/.kpi-oca-requirements" want tmp
    [ -f "$req" ] || return 0
    want=$(grep -Ev '^[[:space:]]*(#|$)' "$req" | sort | md5sum | cut -c1-32)
    if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && [ -d "$KPI_OCA_DIR/odoo/addons" ]; then
        return 0
    fi
    say "Installing the OCA addons of oca-requirements.txt into $KPI_OCA_DIR"
    tmp="$KPI_OCA_DIR.tmp.$$"
    rm -rf "$tmp"
    # --no-deps: the wheels require odoo==18.0.*, which is the source tree
    # itself; their Python dependencies come with Odoo's requirements.txt.
    "$KPI_VENV/bin/python" -m pip install -q --no-deps --no-compile --target "$tmp" -r "$req" \
        || { rm -rf "$tmp"; die "pip could not install the OCA addons of $req (see above)"; }
    # Only the addons matter: the odoo/addons/* folders.
    [ -d "$tmp/odoo/addons" ] || { rm -rf "$tmp"; die "the OCA wheels of $req held no odoo/addons folder"; }
    rm -rf "$KPI_OCA_DIR"
    mv "$tmp" "$KPI_OCA_DIR"
    echo "$want" > "$stamp"
}

step_link() {
    mkdir -p "$KPI_ADDONS_LINK"
    if [ "$(readlink "$KPI_ADDONS_LINK/$KPI_MODULE" 2>/dev/null)" != "$KPI_ROOT" ]; then
        ln -sfn "$KPI_ROOT" "$KPI_ADDONS_LINK/$KPI_MODULE"
    fi
}

step_system
step_odoo
step_venv
step_oca
step_link
"$KPI_ROOT/scripts/pg.sh" start
