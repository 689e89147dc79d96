from odoo.tests import HttpCase, new_test_user, tagged

from ..const import MODULE


@tagged("post_install", "-at_install")
class TestKpiDashboardTour(HttpCase):
    def test_dashboard_tour(self):
        """Browser tour (Chromium): a head opens the dashboard and sees his
        unit's month: three decided, two rated excellently completed for a cap
        of one (over the cap)."""
        company = self.env.ref("base.main_company")
        head_user = new_test_user(
            self.env,
            login="kpi_tour_dashboard",
            groups=f"base.group_user,{MODULE}.group_kpi_head",
        )
        unit = self.env["hr.department"].create(
            {"name": "Tour unit", "company_id": company.id}
        )
        Employee = self.env["hr.employee"].with_company(company)
        head = Employee.create(
            {"name": "Tour head", "user_id": head_user.id, "department_id": unit.id}
        )
        unit.manager_id = head
        rule_set = self.env.ref(f"{MODULE}.rule_set_nd335_2026").copy(
            {
                "company_id": company.id,
                "quota_denominator": "all",
                "quota_percent": 50.0,
            }
        )
        period = self.env["hr.kpi.period"].create(
            {
                "company_id": company.id,
                "date_start": "2031-01-01",
                "rule_set_id": rule_set.id,
            }
        )
        for name, level in (("T1", "excellent"), ("T2", "excellent"), ("T3", "good")):
            employee = Employee.create({"name": name, "department_id": unit.id})
            appraisal = self.env["hr.kpi.appraisal"].create(
                {
                    "employee_id": employee.id,
                    "period_id": period.id,
                    "rule_set_id": rule_set.id,
                }
            )
            appraisal.sudo().write({"state": "decided", "level_final": level})
        data = self.env["hr.kpi.dashboard"].with_user(head_user).get_data()
        self.assertEqual(data["period"]["id"], period.id, "the latest month first")
        self.assertEqual(data["evaluated_count"], 3)
        self.assertTrue(data["units"][0]["over_cap"])
        self.start_tour(
            "/odoo", "l10n_vn_hr_kpi_dashboard_tour", login="kpi_tour_dashboard"
        )
