from itertools import pairwise

from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, new_test_user, tagged

from ..const import MODULE

ROLE_CHAIN = [
    "group_kpi_employee",
    "group_kpi_evaluator",
    "group_kpi_focal_point",
    "group_kpi_head",
    "group_kpi_hr_officer",
    "group_kpi_admin",
]


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", MODULE)])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.application)
        # the installed version is the manifest's (no test pins a version)
        self.assertEqual(module.latest_version, get_manifest(MODULE)["version"])
        self.assertTrue(module.latest_version.startswith("18.0."))

    def test_role_groups_form_one_chain(self):
        """Each role implies the previous one, all under one category, so the
        user form offers the roles as one selection."""
        groups = [self.env.ref(f"{MODULE}.{xmlid}") for xmlid in ROLE_CHAIN]
        category = self.env.ref(f"{MODULE}.module_category_kpi_appraisal")
        self.assertEqual(
            self.env["res.groups"].search([("category_id", "=", category.id)]),
            self.env["res.groups"].concat(*groups),
        )
        self.assertIn(self.env.ref("base.group_user"), groups[0].implied_ids)
        for lower, upper in pairwise(groups):
            self.assertIn(
                lower, upper.implied_ids, f"{upper.name} must imply {lower.name}"
            )
            self.assertIn(lower, upper.trans_implied_ids)
            self.assertNotIn(upper, lower.trans_implied_ids)
        # the HR officer manages the agency's employees
        self.assertIn(
            self.env.ref("hr.group_hr_user"),
            self.env.ref(f"{MODULE}.group_kpi_hr_officer").implied_ids,
        )
        self.assertIn(self.env.ref("base.user_admin"), groups[-1].users)

    def test_app_menu_visible_by_role(self):
        """The app menu is shown to every role and hidden from users without one."""
        root = self.env.ref(f"{MODULE}.menu_kpi_root")
        staff = self.env.ref(f"{MODULE}.menu_kpi_staff")
        employee = new_test_user(
            self.env,
            login="kpi_emp_install",
            groups=f"base.group_user,{MODULE}.group_kpi_employee",
        )
        hr_officer = new_test_user(
            self.env,
            login="kpi_hr_install",
            groups=f"base.group_user,{MODULE}.group_kpi_hr_officer",
        )
        outsider = new_test_user(
            self.env, login="kpi_no_role", groups="base.group_user"
        )
        menus = self.env["ir.ui.menu"]
        for user in (employee, hr_officer):
            visible = menus.with_user(user)._visible_menu_ids()
            self.assertIn(root.id, visible)
            self.assertIn(staff.id, visible)
        self.assertNotIn(root.id, menus.with_user(outsider)._visible_menu_ids())
