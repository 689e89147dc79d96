"""The access rights as a matrix: the README's table is what the ACL file
grants (``scripts/security_matrix.py``), each ACL id names the model and the
role it grants, and the table agrees with what Odoo enforces for each role."""

import importlib.util
import re
import shutil
import tempfile
from pathlib import Path

from odoo.tests import TransactionCase, new_test_user, tagged

from ..const import MODULE

ADDON = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location(
        "kpi_security_matrix", ADDON / "scripts" / "security_matrix.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestSecurityMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.script = _script()

    def test_readme_table_up_to_date(self):
        readme = (ADDON / "README.md").read_text()
        self.assertIn(self.script.START, readme)
        self.assertEqual(
            self.script.render(readme),
            readme,
            "README.md's security matrix is out of date: "
            "run python3 scripts/security_matrix.py",
        )

    def test_acl_ids_name_model_and_role(self):
        for row in self.script.acl_rows():
            model = row["model_id:id"].removeprefix("model_")
            role = row["group_id:id"].removeprefix("group_kpi_")
            self.assertEqual(row["id"], f"access_{model}_{role}")

    def test_table_follows_the_acl_file(self):
        """A right added to the ACL file shows in the table, for the role and
        the roles that include it, and nowhere else."""
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / MODULE
            shutil.copytree(ADDON / "security", copy / "security")
            for folder in ("models", "wizards", "reports"):
                shutil.copytree(ADDON / folder, copy / folder)
            before = self.script.rights(copy)["model_hr_kpi_rule_set"]
            acl = copy / "security" / "ir.model.access.csv"
            acl.write_text(
                acl.read_text() + "access_hr_kpi_rule_set_head,hr.kpi.rule.set head,"
                "model_hr_kpi_rule_set,group_kpi_head,1,1,0,0\n"
            )
            after = self.script.rights(copy)["model_hr_kpi_rule_set"]
            table = self.script.matrix(copy)
        self.assertEqual(before["group_kpi_head"], {"R"})
        self.assertEqual(after["group_kpi_head"], {"R", "W"})
        self.assertEqual(after["group_kpi_hr_officer"], {"R", "W"})
        self.assertEqual(after["group_kpi_focal_point"], {"R"})
        self.assertEqual(after["group_kpi_admin"], before["group_kpi_admin"])
        self.assertIn(
            "| `hr.kpi.rule.set` | R··· | R··· | R··· | RW·· | RW·· | RWCD |", table
        )

    def test_table_is_what_odoo_enforces(self):
        groups, _ = self.script.roles()
        table = self.script.rights()
        names = self.script.model_names()
        access = self.env["ir.model.access"]
        for group, _name in groups:
            user = new_test_user(
                self.env, login=f"matrix_{group}", groups=f"{MODULE}.{group}"
            )
            for model_xml_id, by_group in table.items():
                model = names[model_xml_id]
                for operation, letter in (
                    ("read", "R"),
                    ("write", "W"),
                    ("create", "C"),
                    ("unlink", "D"),
                ):
                    with self.subTest(group=group, model=model, operation=operation):
                        self.assertEqual(
                            access.with_user(user).check(
                                model, operation, raise_exception=False
                            ),
                            letter in by_group[group],
                        )


@tagged("at_install", "-post_install")
class TestSecurityRulesLayout(TransactionCase):
    """The record rules read as a list per model: in each security file the
    rules of one model are together, and each says in a comment line who it
    is for."""

    RECORD = re.compile(r"(<!--[^\n]*?-->\s*)?<record\b[^>]*>.*?</record>", re.S)

    def test_rules_grouped_per_model_with_a_comment(self):
        for path in sorted((ADDON / "security").glob("*_security.xml")):
            text = path.read_text()
            seen = []
            for match in self.RECORD.finditer(text):
                record = match.group(0)
                if 'model="ir.rule"' not in record:
                    continue
                model = re.search(r'name="model_id" ref="([^"]+)"', record).group(1)
                with self.subTest(file=path.name, model=model):
                    self.assertTrue(
                        match.group(1), f"{path.name}: a rule of {model} has no comment"
                    )
                    if seen and seen[-1] != model:
                        self.assertNotIn(model, seen, f"{path.name}: {model} split")
                    seen.append(model)
