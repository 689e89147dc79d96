#!/usr/bin/env bash
# ruff (lint + format check) and pylint-odoo with the OCA 18.0 mandatory checks.
. "$(dirname "$0")/common.sh"
LINT_VENV=${KPI_LINT_VENV:-$KPI_CACHE/venv-lint}
if [ ! -x "$LINT_VENV/bin/pylint" ] || [ ! -x "$LINT_VENV/bin/ruff" ]; then
    say "Installing ruff and pylint-odoo into $LINT_VENV"
    python3 -m venv "$LINT_VENV" || die "could not create $LINT_VENV (apt-get install python3-venv?)"
    "$LINT_VENV/bin/pip" install -q "ruff==0.17.6" "pylint-odoo==10.0.12" || die "could not install ruff and pylint-odoo"
fi
cd "$KPI_ROOT"
status=0
say "ruff check"
"$LINT_VENV/bin/ruff" check . || status=1
say "ruff format --check"
"$LINT_VENV/bin/ruff" format --check . || status=1
say "pylint-odoo"
# pylint needs the addon as a package: lint it through the addons-path link.
step_dir="$KPI_ADDONS_LINK"
mkdir -p "$step_dir"; ln -sfn "$KPI_ROOT" "$step_dir/$KPI_MODULE"
(cd "$step_dir" && "$LINT_VENV/bin/pylint" --rcfile="$KPI_ROOT/.pylintrc" "$KPI_MODULE") || status=1
[ $status = 0 ] && say "lint clean" || say "lint found problems"
exit $status
