#!/usr/bin/env bash
# Run an addon-level lint tool (pylint-odoo, oca-checks-odoo-module) on this
# checkout. These tools expect the addon inside an addons folder, named after
# the module, in a git repository; this repository's root *is* the addon. So
# the tracked files are staged, as they are in the work tree, under
# <stage>/l10n_vn_hr_kpi/ and the tool runs there; its paths are printed
# relative to this repository. Used by .pre-commit-config.yaml:
#   scripts/lint_addon.sh pylint --rcfile=.pylintrc-mandatory
#   scripts/lint_addon.sh oca-checks-odoo-module
# (pre-commit's file arguments are ignored: the tools check the whole addon.)
. "$(dirname "$0")/common.sh"
tool=$1; shift
args=()
for a in "$@"; do
    case "$a" in
        --rcfile=*) args+=("--rcfile=$KPI_ROOT/${a#--rcfile=}") ;;
        -*) args+=("$a") ;;
        *) ;;  # a file name from pre-commit
    esac
done
stage="$KPI_CACHE/lint-stage/$(printf '%s' "$KPI_ROOT" | md5sum | cut -c1-12)"
rm -rf "$stage"; mkdir -p "$stage/$KPI_MODULE"
git -C "$KPI_ROOT" ls-files -z -co --exclude-standard \
    | (cd "$KPI_ROOT" && xargs -0 -r tar -cf - --ignore-failed-read 2>/dev/null) \
    | tar -xf - -C "$stage/$KPI_MODULE"
git -C "$stage" init -q
cd "$stage"
set +e
"$tool" "${args[@]}" "$KPI_MODULE" 2>&1 | sed -e "s#${stage#/}/$KPI_MODULE/##g" -e "s#^$KPI_MODULE/##"
rc=${PIPESTATUS[0]}
exit "$rc"
