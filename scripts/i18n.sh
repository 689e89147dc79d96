#!/usr/bin/env bash
# Regenerate i18n/l10n_vn_hr_kpi.pot from a fresh install and merge it into
# i18n/vi_VN.po (new strings appear with an empty msgstr, to translate).
. "$(dirname "$0")/common.sh"
"$KPI_ROOT/scripts/setup.sh"
pg_env || die "PostgreSQL is not available"
command -v msgmerge >/dev/null 2>&1 || apt-get install -y -qq gettext >/dev/null 2>&1 || die "msgmerge missing: apt-get install gettext"
DB=kpi_i18n_$$
mkdir -p "$KPI_ROOT/i18n"
mapfile -t ARGS < <(odoo_args)
trap 'dropdb --if-exists -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" "$DB" >/dev/null 2>&1 || true' EXIT
"$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$KPI_CACHE/filestore-test" \
    -d "$DB" -i "$KPI_MODULE" --without-demo=all --stop-after-init --log-level=warn --max-cron-threads=0
"$KPI_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${ARGS[@]}" --data-dir="$KPI_CACHE/filestore-test" \
    -d "$DB" --modules="$KPI_MODULE" --i18n-export="$KPI_ROOT/i18n/$KPI_MODULE.pot" --stop-after-init --log-level=warn
if [ -f "$KPI_ROOT/i18n/vi_VN.po" ]; then
    msgmerge --quiet --no-fuzzy-matching --update --backup=none "$KPI_ROOT/i18n/vi_VN.po" "$KPI_ROOT/i18n/$KPI_MODULE.pot"
else
    msginit --no-translator --locale=vi_VN --input="$KPI_ROOT/i18n/$KPI_MODULE.pot" --output-file="$KPI_ROOT/i18n/vi_VN.po"
fi
# Give back the known translations (i18n/glossary_vi.json) and set the header;
# the msgids still missing are listed (translate them, then run
# scripts/i18n_fill.py --update-glossary).
"$KPI_VENV/bin/python" "$KPI_ROOT/scripts/i18n_fill.py" --po "$KPI_ROOT/i18n/vi_VN.po" \
    --glossary "$KPI_ROOT/i18n/glossary_vi.json" || true
say "vi_VN.po: $(msgfmt --statistics -o /dev/null "$KPI_ROOT/i18n/vi_VN.po" 2>&1)"
