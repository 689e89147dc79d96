import json
import re
import unicodedata

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

from ..const import MODULE

LANG = "vi_VN"
# what a translation must keep from its msgid: %(name)s, %s, %%, {{ }}, HTML tags
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0+]*\d*(?:\.\d+)?[sdifr]"
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifr]"
    r"|%%"
    r"|\{\{.*?\}\}"
    r"|</?[a-zA-Z][^>]*>",
    re.S,
)


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


@tagged("post_install", "-at_install")
class TestI18nCatalogue(TransactionCase):
    """The Vietnamese catalogue is complete, keeps the placeholders, and
    matches the glossary that scripts/i18n_fill.py fills it from."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.po = polib.pofile(file_path(f"{MODULE}/i18n/{LANG}.po"))
        cls.entries = [e for e in cls.po if not e.obsolete and e.msgid]

    def test_header(self):
        self.assertEqual(self.po.metadata.get("Language"), LANG)
        self.assertEqual(self.po.metadata.get("Plural-Forms"), "nplurals=1; plural=0;")
        self.assertTrue(
            self.po.metadata.get("Project-Id-Version", "").startswith(
                "Odoo Server 18.0"
            )
        )

    def test_complete(self):
        self.assertGreater(len(self.entries), 100)
        untranslated = [e.msgid for e in self.entries if not e.msgstr.strip()]
        self.assertFalse(untranslated, "untranslated entries in vi_VN.po")
        fuzzy = [e.msgid for e in self.entries if e.fuzzy]
        self.assertFalse(fuzzy, "fuzzy entries in vi_VN.po")

    def test_placeholders_kept(self):
        for entry in self.entries:
            with self.subTest(msgid=entry.msgid):
                # the named placeholders, as the brief asks ...
                self.assertEqual(
                    sorted(re.findall(r"%\([^)]+\)s", entry.msgstr)),
                    sorted(re.findall(r"%\([^)]+\)s", entry.msgid)),
                )
                # ... and every other format directive or HTML tag
                self.assertEqual(
                    _placeholders(entry.msgstr), _placeholders(entry.msgid)
                )
                self.assertEqual(entry.msgstr.count("\n"), entry.msgid.count("\n"))
                self.assertEqual(
                    unicodedata.normalize("NFC", entry.msgstr), entry.msgstr
                )

    def test_glossary_in_sync(self):
        """Every translation is recorded in i18n/glossary_vi.json (after
        translating new strings in the .po, run
        scripts/i18n_fill.py --update-glossary)."""
        with open(file_path(f"{MODULE}/i18n/glossary_vi.json"), encoding="utf-8") as f:
            glossary = json.load(f)
        differ = [e.msgid for e in self.entries if glossary.get(e.msgid) != e.msgstr]
        self.assertFalse(differ, "vi_VN.po and glossary_vi.json differ")


@tagged("post_install", "-at_install")
class TestI18nLoaded(TransactionCase):
    """Once Vietnamese is active, the menus, the selection labels, the views
    and the messages raised by the Python code read in Vietnamese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms([MODULE], [LANG], overwrite=True)
        cls.env_vi = cls.env(context=dict(cls.env.context, lang=LANG))

    def test_menu(self):
        menu = self.env_vi.ref(f"{MODULE}.menu_kpi_root")
        self.assertEqual(menu.name, "Đánh giá KPI")
        self.assertEqual(
            self.env_vi.ref(f"{MODULE}.menu_kpi_root").with_context(lang="en_US").name,
            "KPI Appraisal",
        )

    def test_level_selection(self):
        Appraisal = self.env_vi["hr.kpi.appraisal"]
        labels = dict(
            Appraisal._fields["level_computed"]._description_selection(self.env_vi)
        )
        self.assertEqual(labels["excellent"], "Hoàn thành xuất sắc nhiệm vụ")
        self.assertEqual(labels["fail"], "Không hoàn thành nhiệm vụ")

    def test_field_label_and_view(self):
        Appraisal = self.env_vi["hr.kpi.appraisal"]
        description = Appraisal.fields_get(["period_id"], ["string"])
        self.assertEqual(description["period_id"]["string"], "Kỳ đánh giá")
        arch = Appraisal.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("I. Tiêu chí chung", arch)

    def test_python_message(self):
        env = self.env["hr.kpi.appraisal"].with_context(lang=LANG).env
        # passed through variables so that the export does not list this file
        # as a source of these (existing) msgids
        delete_message = "Only draft appraisals can be deleted."
        closed_message = "The period %(period)s is closed."
        self.assertEqual(
            env._(delete_message),
            "Chỉ có thể xóa phiếu đánh giá ở trạng thái nháp.",
        )
        # placeholders are filled in after translation
        self.assertEqual(
            env._(closed_message, period="05/2026"), "Kỳ đánh giá 05/2026 đã đóng."
        )


@tagged("post_install", "-at_install")
class TestI18nDemo(TransactionCase):
    """The demo ward is generated before the language's model names are
    loaded, so a "created" note would mix them ("Weekly task report được
    tạo"): its generated records carry none."""

    def test_demo_records_without_creation_note(self):
        company = self.env.ref(
            f"{MODULE}.res_company_ward_demo", raise_if_not_found=False
        )
        if not company:
            self.skipTest("installed without the demo data")
        for model in ("hr.kpi.weekly.report", "hr.kpi.unit.kpi"):
            records = self.env[model].search([("company_id", "=", company.id)])
            self.assertTrue(records, model)
            notes = self.env["mail.message"].search(
                [
                    ("model", "=", model),
                    ("res_id", "in", records.ids),
                    ("body", "ilike", self.env[model]._description),
                ]
            )
            self.assertFalse(notes.mapped("body"), model)
