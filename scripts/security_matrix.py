#!/usr/bin/env python3
"""The access rights as a table: role × model × operation, from the ACL file.

Reads ``security/ir.model.access.csv`` and the role chain of
``security/l10n_vn_hr_kpi_groups.xml`` (each role includes the one below it),
and writes into README.md, between the two markers, one row per model with
what each role may do: R read, W write, C create, D delete (· none). The record
rules then narrow *which* records (their files: security/*_security.xml) and
the models' checks narrow *which fields and steps*.

    python3 scripts/security_matrix.py          # rewrite the README's table
    python3 scripts/security_matrix.py --check  # exit 1 if it is out of date

Plain Python (no Odoo): ``tests/test_security_matrix.py`` runs ``--check``'s
function, so that a change of the ACL file without the README fails.
"""

import ast
import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent
START = "<!-- security-matrix:start (scripts/security_matrix.py) -->"
END = "<!-- security-matrix:end -->"
OPERATIONS = (
    ("perm_read", "R"),
    ("perm_write", "W"),
    ("perm_create", "C"),
    ("perm_unlink", "D"),
)


def model_names(addon=ADDON):
    """{model xml id: technical name} of the models the addon defines."""
    names = {}
    for folder in ("models", "wizards", "reports"):
        for path in sorted((addon / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ClassDef):
                    continue
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(getattr(t, "id", None) == "_name" for t in item.targets)
                        and isinstance(item.value, ast.Constant)
                    ):
                        name = item.value.value
                        names["model_" + name.replace(".", "_")] = name
    return names


def roles(addon=ADDON):
    """[(group xml id, name)] of the addon's roles, lowest first, and
    {group: groups it implies within the addon}."""
    root = ET.parse(addon / "security/l10n_vn_hr_kpi_groups.xml").getroot()
    groups, implied = [], {}
    for record in root.iter("record"):
        if record.get("model") != "res.groups":
            continue
        xml_id = record.get("id")
        name = record.find("field[@name='name']").text
        groups.append((xml_id, name))
        field = record.find("field[@name='implied_ids']")
        evaluated = field.get("eval", "") if field is not None else ""
        implied[xml_id] = {g for g, _ in groups if f"ref('{g}')" in evaluated}
    return groups, implied


def acl_rows(addon=ADDON):
    with open(addon / "security/ir.model.access.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def rights(addon=ADDON):
    """{model xml id: {group: set of operation letters}}, each group with what
    the groups it includes grant."""
    groups, implied = roles(addon)

    def closure(group):
        seen, todo = set(), [group]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(implied.get(current, ()))
        return seen

    granted = {}
    for row in acl_rows(addon):
        letters = {letter for perm, letter in OPERATIONS if row[perm] == "1"}
        granted.setdefault(row["model_id:id"], {}).setdefault(
            row["group_id:id"], set()
        ).update(letters)
    table = {}
    for model, by_group in granted.items():
        table[model] = {
            group: set().union(*(by_group.get(g, set()) for g in closure(group)))
            for group, _ in groups
        }
    return table


def matrix(addon=ADDON):
    """The Markdown table (without the markers)."""
    groups, _ = roles(addon)
    names = model_names(addon)
    table = rights(addon)
    lines = [
        "| Model | " + " | ".join(name for _, name in groups) + " |",
        "|---|" + "---|" * len(groups),
    ]
    for model in sorted(table, key=lambda m: names.get(m, m)):
        cells = []
        for group, _ in groups:
            letters = table[model][group]
            cells.append(
                "".join(
                    letter if letter in letters else "·" for _, letter in OPERATIONS
                )
                if letters
                else "—"
            )
        lines.append(f"| `{names.get(model, model)}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render(readme_text, addon=ADDON):
    """``readme_text`` with the table between the markers replaced."""
    before, start, rest = readme_text.partition(START)
    _old, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"README.md has no {START} … {END} block")
    return f"{before}{START}\n{matrix(addon)}{END}{after}"


def main(argv):
    readme = ADDON / "README.md"
    text = readme.read_text()
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("README.md's security matrix is out of date: run this script")
            return 1
        return 0
    if new != text:
        readme.write_text(new)
        print("README.md: security matrix updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
