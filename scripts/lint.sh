#!/usr/bin/env bash
# The OCA checks, as pre-commit runs them (.pre-commit-config.yaml): ruff,
# pylint-odoo (OCA's mandatory checks block, the optional ones are reported),
# oca-checks-odoo-module, oca-checks-po and the pre-commit-hooks basics.
# The tools are installed from PyPI into the lint virtualenv, pinned here.
. "$(dirname "$0")/common.sh"
LINT_VENV=${KPI_LINT_VENV:-$KPI_CACHE/venv-lint}
LINT_TOOLS=(
    "ruff==0.17.6"
    "pylint-odoo==10.0.12"
    "pre-commit==4.7.0"
    "pre-commit-hooks==6.0.0"
    "oca-odoo-pre-commit-hooks==0.2.27"
)
if ! "$LINT_VENV/bin/python" - "${LINT_TOOLS[@]}" >/dev/null 2>&1 <<'PY'
import sys
from importlib.metadata import version
for spec in sys.argv[1:]:
    name, wanted = spec.split("==")
    assert version(name) == wanted, spec
PY
then
    say "Installing the lint tools into $LINT_VENV"
    [ -x "$LINT_VENV/bin/python" ] || python3 -m venv "$LINT_VENV" \
        || die "could not create $LINT_VENV (apt-get install python3-venv?)"
    "$LINT_VENV/bin/pip" install -q "${LINT_TOOLS[@]}" || die "could not install ${LINT_TOOLS[*]}"
fi
cd "$KPI_ROOT"
git rev-parse --git-dir >/dev/null 2>&1 || die "pre-commit needs a git checkout"
export PATH="$LINT_VENV/bin:$PATH"
# pre-commit keeps its own cache; the hooks are all local, nothing is cloned.
export PRE_COMMIT_HOME=${PRE_COMMIT_HOME:-$KPI_CACHE/pre-commit}
if pre-commit run --all-files --show-diff-on-failure --color=never; then
    say "lint clean"
else
    say "lint found problems (the hooks that fix files, ruff format and the"
    say "whitespace fixers, have fixed them in the work tree: review and commit)"
    exit 1
fi
