#!/usr/bin/env python3
"""Fill the empty msgstr of a merged i18n/vi_VN.po from i18n/glossary_vi.json.

The glossary maps each English msgid to its Vietnamese msgstr. After
``scripts/i18n.sh`` has re-exported the template and merged it into
vi_VN.po, the strings already known get their translation back and only
the new ones are printed, to be translated by hand (then recorded in the
glossary with ``--update-glossary``).

    $KPI_VENV/bin/python scripts/i18n_fill.py              # fill, list missing
    $KPI_VENV/bin/python scripts/i18n_fill.py --update-glossary
                                   # after translating the new strings in the
                                   # .po: copy them into the glossary

It also sets the header (Language vi_VN, plural forms), treats fuzzy entries
as untranslated, and refuses a translation whose placeholders (%(name)s, %s,
%%, {{ }}, HTML tags) or leading/trailing whitespace differ from its msgid.
Exit status: 0 when every entry is translated, 1 when some are missing or
invalid (they are listed), 2 on a usage error. Needs polib (in Odoo's venv).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover
    sys.exit("polib is missing: run this with Odoo's virtualenv ($KPI_VENV/bin/python)")

ROOT = Path(__file__).resolve().parent.parent
HEADER = {
    "Project-Id-Version": "Odoo Server 18.0",
    "Language": "vi_VN",
    "Plural-Forms": "nplurals=1; plural=0;",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %(name)s
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifr]"  # %s, %d
    r"|%%"
    r"|\{\{.*?\}\}"  # {{ expression }}
    r"|</?[a-zA-Z][^>]*>",  # HTML tags with their attributes
    re.S,
)


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def edges(text):
    """Leading and trailing whitespace, and the number of newlines."""
    stripped = text.strip()
    if not stripped:
        return (text, "", text.count("\n"))
    start = text.index(stripped)
    return (text[:start], text[start + len(stripped) :], text.count("\n"))


def problem(msgid, msgstr):
    """Why ``msgstr`` cannot translate ``msgid``, or None."""
    if not msgstr.strip():
        return "empty"
    if placeholders(msgid) != placeholders(msgstr):
        return f"placeholders differ: {placeholders(msgid)} vs {placeholders(msgstr)}"
    if edges(msgid) != edges(msgstr):
        return "leading/trailing whitespace or newlines differ"
    if unicodedata.normalize("NFC", msgstr) != msgstr:
        return "not NFC"
    return None


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--po", default=str(ROOT / "i18n" / "vi_VN.po"))
    parser.add_argument("--glossary", default=str(ROOT / "i18n" / "glossary_vi.json"))
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="also replace translated msgstr that differ from the glossary",
    )
    parser.add_argument(
        "--update-glossary",
        action="store_true",
        help="copy the valid msgstr of the .po into the glossary (the .po wins), "
        "and drop from the glossary the msgids the .po no longer has",
    )
    parser.add_argument(
        "--keep-obsolete",
        action="store_true",
        help="with --update-glossary, keep msgids no longer in the .po",
    )
    parser.add_argument("--dry-run", action="store_true", help="write nothing")
    return parser.parse_args()


def glossary_value(glossary, msgid, invalid):
    """The valid glossary translation of ``msgid``, or None."""
    known = glossary.get(msgid)
    if known is None:
        return None
    known = unicodedata.normalize("NFC", known)
    why = problem(msgid, known)
    if why:
        invalid.append((msgid, "glossary: " + why))
        return None
    return known


def fill(entries, glossary, overwrite):
    """Fill ``entries`` from ``glossary``; return the counts and the problems."""
    filled, replaced, missing, invalid = 0, 0, [], []
    for entry in entries:
        if entry.msgid_plural:
            invalid.append((entry.msgid, "plural entries are not handled"))
            continue
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
        known = glossary_value(glossary, entry.msgid, invalid)
        if not entry.msgstr and known is None:
            missing.append(entry.msgid)
            continue
        if not entry.msgstr:
            entry.msgstr = known
            filled += 1
        elif overwrite and known is not None and entry.msgstr != known:
            entry.msgstr = known
            replaced += 1
        why = problem(entry.msgid, entry.msgstr)
        if why:
            invalid.append((entry.msgid, "po: " + why))
    return filled, replaced, missing, invalid


def update_glossary(entries, glossary, keep_obsolete):
    """Copy the valid translations of ``entries`` into ``glossary``."""
    changed = 0
    for entry in entries:
        if entry.msgstr and not problem(entry.msgid, entry.msgstr):
            changed += glossary.get(entry.msgid) != entry.msgstr
            glossary[entry.msgid] = entry.msgstr
    current = {e.msgid for e in entries}
    obsolete = [] if keep_obsolete else [k for k in glossary if k not in current]
    for msgid in obsolete:
        del glossary[msgid]
    return changed, len(obsolete)


def save_po(po, po_path):
    po.save(str(po_path))
    # polib wraps lines its own way: let gettext rewrap them as msgmerge does,
    # so that re-running the export gives no spurious diff
    if shutil.which("msgcat"):
        subprocess.run(["msgcat", "-o", str(po_path), str(po_path)], check=True)


def main():
    args = parse_args()
    po_path, glossary_path = Path(args.po), Path(args.glossary)
    if not po_path.is_file():
        print(f"no such file: {po_path}", file=sys.stderr)
        return 2
    po = polib.pofile(str(po_path), wrapwidth=79)
    glossary = {}
    if glossary_path.is_file():
        glossary = json.loads(glossary_path.read_text(encoding="utf-8"))
    po.metadata.update(HEADER)

    entries = [e for e in po if not e.obsolete and e.msgid]
    filled, replaced, missing, invalid = fill(entries, glossary, args.overwrite)

    if args.update_glossary:
        changed, dropped = update_glossary(entries, glossary, args.keep_obsolete)
        print(
            f"{glossary_path.name}: {changed} added or changed, "
            f"{dropped} obsolete dropped, {len(glossary)} entries"
        )
        if not args.dry_run:
            text = json.dumps(glossary, ensure_ascii=False, indent=1, sort_keys=True)
            glossary_path.write_text(text + "\n", encoding="utf-8")
    if not args.dry_run:
        save_po(po, po_path)

    print(
        f"{po_path.name}: {len(entries)} entries, {filled} filled from the glossary, "
        f"{replaced} replaced, {len(missing)} missing, {len(invalid)} invalid"
    )
    for msgid in missing:
        print("MISSING " + json.dumps(msgid, ensure_ascii=False))
    for msgid, why in invalid:
        print("INVALID " + json.dumps(msgid, ensure_ascii=False) + "  (" + why + ")")
    return 1 if missing or invalid else 0


if __name__ == "__main__":
    sys.exit(main())
