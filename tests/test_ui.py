import json
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..const import MODULE

# Demo logins (password = login) promised by the README, with their role group.
DEMO_LOGINS = {
    "hr": "group_kpi_hr_officer",
    "chutich": "group_kpi_head",
    "truongphong": "group_kpi_head",
    "phophong": "group_kpi_evaluator",
    "daumoi": "group_kpi_focal_point",
    "nhanvien": "group_kpi_employee",
}


@tagged("post_install", "-at_install")
class TestKpiWebClient(HttpCase):
    def _open_main_action(self, login, password):
        """Log in through /web/login and open the app's main action as the web
        client does: load the menus, take the app's action, load it and read
        the first page of its records."""
        session = self.authenticate(login, password)
        response = self.url_open("/web/webclient/load_menus/test")
        self.assertEqual(response.status_code, 200)
        menus = json.loads(response.content)
        root_id = self.env.ref(f"{MODULE}.menu_kpi_root").id
        app = menus.get(str(root_id))
        self.assertTrue(app, f"{login} does not see the KPI Appraisal app")
        self.assertTrue(app["actionID"], "the app has no main action")
        action = self.make_jsonrpc_request(
            "/web/action/load", {"action_id": app["actionID"]}
        )
        self.assertEqual(action["type"], "ir.actions.act_window")
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": action["res_model"],
                "method": "web_search_read",
                "args": [],
                "kwargs": {
                    "domain": safe_eval(
                        action.get("domain") or "[]", {"uid": session.uid}
                    ),
                    "specification": {"display_name": {}},
                    "limit": 80,
                },
            },
        )
        self.assertIn("records", result)
        return action, result

    def test_demo_users_reach_the_app(self):
        """Every demo login of the README logs in and opens the app."""
        for login, group in DEMO_LOGINS.items():
            with self.subTest(login=login):
                user = self.env["res.users"].search([("login", "=", login)])
                self.assertTrue(user, f"demo user {login} is missing")
                self.assertTrue(user.has_group(f"{MODULE}.{group}"))
                self.assertTrue(
                    user.with_company(user.company_id).employee_id,
                    f"demo user {login} has no employee",
                )
                self._open_main_action(login, login)
                self.logout()

    def test_user_without_role_has_no_app(self):
        new_test_user(
            self.env,
            login="kpi_outsider",
            password="kpi_outsider_pw",
            groups="base.group_user",
        )
        self.authenticate("kpi_outsider", "kpi_outsider_pw")
        menus = json.loads(self.url_open("/web/webclient/load_menus/test").content)
        self.assertNotIn(str(self.env.ref(f"{MODULE}.menu_kpi_root").id), menus)

    def test_menu_tour(self):
        """Browser tour (Chromium): click through the app menu as a head of unit."""
        user = new_test_user(
            self.env,
            login="kpi_tour_head",
            groups=f"base.group_user,{MODULE}.group_kpi_head",
        )
        self.env["hr.employee"].create({"name": "Nguyễn Văn Tour", "user_id": user.id})
        self.start_tour("/odoo", "l10n_vn_hr_kpi_menu_tour", login="kpi_tour_head")

    def test_decision_screen_tour(self):
        """Browser tour (Chromium): a head decides his unit's month on the
        decision screen."""
        company = self.env.ref("base.main_company")
        head_user = new_test_user(
            self.env,
            login="kpi_tour_decider",
            groups=f"base.group_user,{MODULE}.group_kpi_head",
        )
        unit = self.env["hr.department"].create(
            {"name": "Tour unit", "company_id": company.id}
        )
        head = self.env["hr.employee"].create(
            {
                "name": "Trưởng phòng Tour",
                "user_id": head_user.id,
                "department_id": unit.id,
            }
        )
        unit.manager_id = head
        staff = self.env["hr.employee"].create(
            [
                {
                    "name": f"Chuyên viên {i}",
                    "department_id": unit.id,
                    "parent_id": head.id,
                }
                for i in range(3)
            ]
        )
        product = self.env["hr.kpi.product"].create(
            {
                "code": "TOUR",
                "name": "Soạn thảo văn bản",
                "points": 5.0,
                "is_standard": not self.env["hr.kpi.product"].search_count(
                    [("company_id", "=", company.id), ("is_standard", "=", True)]
                ),
                "company_id": company.id,
            }
        )
        period = self.env["hr.kpi.period"].create(
            {"company_id": company.id, "date_start": date(2031, 1, 1)}
        )
        self.env["hr.kpi.task"].create(
            [
                {
                    "name": "Văn bản",
                    "employee_id": employee.id,
                    "product_id": product.id,
                    "quantity": 1,
                    "deadline": date(2031, 1, 20),
                    "completed_quantity": 1,
                    "quality_passed_quantity": 1,
                    "date_done": date(2031, 1, 20),
                    "state": "done",
                    "outcome_confirmed": True,
                }
                for employee in staff
            ]
        )
        appraisals = self.env["hr.kpi.appraisal"].create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": period.id,
                    "evaluator_employee_id": head.id,
                    "decider_employee_id": head.id,
                }
                for employee in staff
            ]
        )
        for line in appraisals.line_ids:
            line.self_points = line.max_points
        appraisals.sudo().write({"state": "reviewed", "level_proposed": "good"})
        self.start_tour(
            "/odoo", "l10n_vn_hr_kpi_decision_tour", login="kpi_tour_decider"
        )
        self.assertEqual(set(appraisals.mapped("state")), {"decided"})
        self.assertEqual(set(appraisals.mapped("level_final")), {"good"})
