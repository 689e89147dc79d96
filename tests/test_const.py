"""One vocabulary: the states, levels and labels of ``const.py`` are defined
there only. A module that needs one imports it; a second definition (under the
same name, or the same value under another name) would drift apart from the
first the day one of them changes."""

import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged

from .. import const

ADDON = Path(__file__).resolve().parent.parent
# Migrations freeze the values of their version on purpose: they are not read.
SKIPPED = ("migrations",)
VALUE_TYPES = (str, tuple, frozenset, dict)


def _module_bindings(tree):
    """(name, value node or None, line) of each module-level binding."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value, node.lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.target.id, node.value, node.lineno
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            yield node.name, None, node.lineno


def _literal(node):
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _vocabulary():
    """{name: value} of what const.py defines (its own bindings only)."""
    tree = ast.parse(Path(const.__file__).read_text())
    return {name: getattr(const, name) for name, _, _ in _module_bindings(tree)}


def _redefinitions(vocabulary, sources):
    """The bindings of ``sources`` ((label, text) pairs) that repeat a name or
    a value of const.py."""
    values = [
        (name, value)
        for name, value in vocabulary.items()
        if isinstance(value, VALUE_TYPES)
    ]
    found = []
    for label, text in sources:
        for name, node, line in _module_bindings(ast.parse(text, label)):
            if name in vocabulary:
                found.append(f"{label}:{line} defines {name}")
                continue
            value = _literal(node)
            if not isinstance(value, VALUE_TYPES):
                continue
            for const_name, const_value in values:
                if type(value) is type(const_value) and value == const_value:
                    found.append(f"{label}:{line} copies {const_name}")
    return found


@tagged("at_install", "-post_install")
class TestOneVocabulary(BaseCase):
    def _sources(self):
        for path in sorted(ADDON.rglob("*.py")):
            relative = path.relative_to(ADDON)
            if path.name == "const.py" or relative.parts[0] in SKIPPED:
                continue
            yield str(relative), path.read_text()

    def test_vocabulary_defined_once(self):
        vocabulary = _vocabulary()
        self.assertIn("LEVEL_RANK", vocabulary)
        self.assertIn("DECIDED_STATES", vocabulary)
        self.assertEqual(_redefinitions(vocabulary, self._sources()), [])

    def test_no_constant_defined_twice(self):
        """A module-level constant (UPPER_CASE) is bound in one module of the
        addon only: two modules binding the same name (a set of fields, a
        batch size) would be read as one vocabulary and drift apart. The
        tests and the scripts are not the addon."""
        where = {}
        for label, text in self._sources():
            if label.startswith(("tests/", "scripts/")):
                continue
            for name, node, line in _module_bindings(ast.parse(text, label)):
                if node is not None and name.isupper() and name != "__all__":
                    where.setdefault(name, []).append(f"{label}:{line}")
        self.assertEqual(
            {name: places for name, places in where.items() if len(places) > 1}, {}
        )

    def test_scan_finds_a_copy(self):
        """The scan itself works: a copy under the same name, one under
        another name and a function of the same name are all reported."""
        source = (
            'LEVEL_RANK = {"fail": 0, "done": 1, "good": 2, "excellent": 3}\n'
            'FINAL = ("published", "appeal_open", "appeal_resolved", "locked")\n'
            'RANKS = {"excellent": 3, "good": 2, "done": 1, "fail": 0}\n'
            'OTHER = ("draft",)\n'
            "def level_selection():\n"
            "    return []\n"
        )
        self.assertEqual(
            _redefinitions(_vocabulary(), [("sample.py", source)]),
            [
                "sample.py:1 defines LEVEL_RANK",
                "sample.py:2 copies PUBLISHED_STATES",
                "sample.py:3 copies LEVEL_RANK",
                "sample.py:5 defines level_selection",
            ],
        )

    def test_vocabulary_is_consistent(self):
        levels = list(const.LEVELS_DESC)
        self.assertEqual([key for key, _label in const.level_selection()], levels)
        rank = const.LEVEL_RANK
        self.assertEqual(sorted(rank, key=rank.get, reverse=True), levels)
        for labels in (
            const.LEVEL_LETTERS,
            const.LEVEL_LABELS_VI,
            const.LEVEL_SHORT_VI,
        ):
            self.assertEqual(set(labels), set(levels))
        self.assertLess(set(const.PUBLISHED_STATES), set(const.DECIDED_STATES))
        self.assertLess(set(const.ROLLUP_STATES), set(const.PUBLISHED_STATES))
        self.assertEqual(
            set(const.NOT_EVALUATED_FROM) & set(const.DECIDED_STATES), set()
        )
