"""Sources a reader can open.

A comment, a docstring or a shipped text explains in place, or cites a public
text (a law, a decree, a page where it is published) or the README: never a
document that is not in the repository, such as a ticket number, the team's
specification, a review item or a research note.

The *Rules and sources* shipped with the rule sets name the public text each
rule comes from; the 18.0.1.5.0 migration replaces the former references to the
team's notes on the databases installed before, unless an administrator
changed them.
"""

import importlib.util
import re
from pathlib import Path

from odoo.tests import BaseCase, TransactionCase, tagged

ADDON = Path(__file__).resolve().parent.parent
MIGRATION = ADDON / "migrations/18.0.1.5.0/post-56-rule-source-references.py"
SCANNED = (".py", ".xml", ".js", ".scss", ".sh", ".csv")
# Paths (relative to the addon) not scanned.
EXCLUDED = (
    # history: a migration keeps the words of its version
    "migrations/",
)
# What a reader cannot open (written so that this file does not match itself).
CITATIONS = (
    re.compile(r"\bissue\s+#\d+", re.IGNORECASE),
    re.compile(r"\bSPEC\s*§"),
    re.compile(r"\breview\s+R\d+\b|\(R\d+\)"),
    re.compile(r"[\w.-]+\.md\s*§"),
    re.compile(
        r"\b(?:regulations(?:-2026)?|anchors|odoo-style|maintainability-review)"
        r"(?:\.md\b|\s*§)"
    ),
)


def _citations(label, text):
    """``label:line: excerpt`` of each citation of ``text``."""
    found = []
    for pattern in CITATIONS:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{label}:{line}: {match.group(0)!r}")
    return sorted(found)


def _load_migration():
    spec = importlib.util.spec_from_file_location("post_56_rule_sources", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


@tagged("at_install", "-post_install")
class TestNoPrivateCitations(BaseCase):
    def _sources(self):
        for path in sorted(ADDON.rglob("*")):
            relative = path.relative_to(ADDON)
            if (
                path.suffix not in SCANNED
                or not path.is_file()
                or any(part.startswith(".") for part in relative.parts)
                or str(relative).startswith(EXCLUDED)
            ):
                continue
            yield str(relative), path.read_text(encoding="utf-8")

    def test_no_citation_of_private_documents(self):
        sources = list(self._sources())
        self.assertGreater(len(sources), 100, "the scan finds the addon's files")
        found = [hit for label, text in sources for hit in _citations(label, text)]
        self.assertEqual(found, [], "say what the rule is, or cite a public text")

    def test_scan_finds_each_kind(self):
        """The scan itself works: each kind of citation is reported, a public
        text, the README, a file of a public repository or a name such as
        LIST_SPEC are not."""
        sample = "\n".join(
            (
                "# the quota (" + "Issue " + "#19)",
                '"""As ' + "SPEC " + "§4.5 says" + '."""',
                "<!-- see review " + "R2 -->",
                "// done in step (" + "R10)",
                "# " + "regulations-2026" + ".md" + " §2.3",
                "# " + "notes.md" + " §1",
                "# " + "regulations" + " §5",
                "# " + "maintainability-review" + ".md",
                "# NĐ 335/2025 Điều 20 khoản 5; README, Performance; R2 of the grid",
                "# github.com/nnqp201-sys/KTC-Quan-tri:19-Quy-Tac-KPI.md",
                "LIST_SPEC = {}  # issue tracker (#19 is not a citation)",
            )
        )
        self.assertEqual(
            [hit.split(": ", 1)[0] for hit in _citations("x.py", sample)],
            [f"x.py:{line}" for line in (1, 2, 3, 4, 5, 5, 6, 7, 8)],
        )


@tagged("post_install", "-at_install")
class TestRuleSourceReferences(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = _load_migration()
        cls.sources = {
            name: cls.env.ref(f"l10n_vn_hr_kpi.{name}")
            for name in cls.migration.CHANGES
        }

    def _set_old(self):
        for name, fields in self.migration.CHANGES.items():
            self.sources[name].write({f: old for f, (old, _new) in fields.items()})

    def _migrate(self):
        self.env.flush_all()
        self.migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()

    def test_shipped_references_are_public(self):
        """A new database gets the values the migration writes, and no rule
        source shipped by the addon cites a note the user cannot open."""
        for name, fields in self.migration.CHANGES.items():
            for field, (_old, new) in fields.items():
                self.assertEqual(self.sources[name][field], new, f"{name}.{field}")
        shipped = self.env["ir.model.data"].search(
            [("module", "=", "l10n_vn_hr_kpi"), ("model", "=", "hr.kpi.rule.source")]
        )
        records = self.env["hr.kpi.rule.source"].browse(shipped.mapped("res_id"))
        self.assertGreater(len(records), len(self.sources))
        texts = [
            (f"{record.id}", f"{record.reference or ''}\n{record.note or ''}")
            for record in records
        ]
        self.assertEqual(
            [hit for label, text in texts for hit in _citations(label, text)], []
        )

    def test_migration_replaces_the_old_references(self):
        self._set_old()
        summary_day = self.sources["rule_source_hn_11_2026_summary_day"]
        self.assertIn(".md", summary_day.reference)
        self.assertFalse(summary_day.note)
        self._migrate()
        for name, fields in self.migration.CHANGES.items():
            for field, (old, new) in fields.items():
                self.assertNotEqual(new, old)
                self.assertEqual(self.sources[name][field], new, f"{name}.{field}")
        self.assertIn("30th", summary_day.note, "the caveat moved to the note")

    def test_migration_keeps_an_administrators_edit(self):
        self._set_old()
        edited = self.sources["rule_source_nd335_2026_general_max"]
        other = self.sources["rule_source_nd335_2026_task_max"]
        summary_day = self.sources["rule_source_hn_11_2026_summary_day"]
        edited.reference = "Công văn 12/UBND of the ward"
        summary_day.note = "Checked with the legal officer: the 25th."
        self._migrate()
        self.assertEqual(edited.reference, "Công văn 12/UBND of the ward")
        self.assertEqual(
            other.reference,
            self.migration.CHANGES["rule_source_nd335_2026_task_max"]["reference"][1],
        )
        self.assertEqual(summary_day.note, "Checked with the legal officer: the 25th.")
        self.assertEqual(
            summary_day.reference,
            self.migration.CHANGES["rule_source_hn_11_2026_summary_day"]["reference"][
                1
            ],
            "the reference still held the shipped value: replaced",
        )

    def test_migration_survives_a_deleted_source(self):
        self._set_old()
        self.sources["rule_source_nd233_2026_staff_category"].unlink()
        self._migrate()
        retention = self.sources["rule_source_nd233_2026_evidence_retention_months"]
        self.assertIn("thuviennhadat.vn", retention.reference)


@tagged("at_install", "-post_install")
class TestSudoJustified(BaseCase):
    """Every ``sudo()`` of the addon says why, in a ``# sudo:`` comment on its
    line or just above it (the reason, and which check came first): a reviewer
    finds the explicit check without reading the whole method."""

    WINDOW = 8  # lines above the call where its comment may stand

    def _unjustified(self, label, text):
        lines = text.split("\n")
        return [
            f"{label}:{number}"
            for number, line in enumerate(lines, start=1)
            if ".sudo(" in line
            and ".sudo(False)" not in line
            and "# sudo"
            not in "\n".join(lines[max(0, number - 1 - self.WINDOW) : number])
        ]

    def test_every_sudo_says_why(self):
        found = []
        for path in sorted(ADDON.rglob("*.py")):
            relative = path.relative_to(ADDON)
            if relative.parts[0] in ("tests", "migrations", "scripts"):
                continue
            found += self._unjustified(str(relative), path.read_text(encoding="utf-8"))
        self.assertEqual(found, [])

    def test_scan_finds_an_unjustified_sudo(self):
        sample = "x = 1\nrecords = records.sudo()\n# sudo: the reason\ny = a.sudo()\n"
        self.assertEqual(self._unjustified("s.py", sample), ["s.py:2"])
