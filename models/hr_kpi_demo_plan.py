"""Demo planning data for the demo ward: a unit monthly plan cascaded to its
staff, a personal weekly plan, a weekly report, an objective with key results
and the unit KPI. Idempotent; does nothing without the demo ward."""

from datetime import timedelta

from odoo import api, fields, models

from .hr_kpi_demo import DEMO_WARD_NAME


class HrKpiDemo(models.AbstractModel):
    _inherit = "hr.kpi.demo"

    @api.model
    def _generate_plans_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        if company:
            # sudo: demo data generator, run at install
            demo = self.sudo().with_company(company).with_context(tracking_disable=True)
            demo._generate_plans(company, fields.Date.context_today(self))

    @api.model
    def _generate_plans(self, company, today):
        Plan = self.env["hr.kpi.plan"]
        if Plan.search_count([("company_id", "=", company.id)], limit=1):
            return
        products = {
            p.code: p
            for p in self.env["hr.kpi.product"].search(
                [("company_id", "=", company.id), ("state", "=", "approved")]
            )
        }
        department = self.env["hr.department"].search(
            [
                ("company_id", "=", company.id),
                ("parent_id", "!=", False),
                ("manager_id", "!=", False),
                ("member_ids", "!=", False),
            ],
            order="id",
            limit=1,
        )
        if not department or not products:
            return
        staff = department.member_ids.filtered(
            lambda e: e != department.manager_id
        ).sorted("id")[:3]
        month_start = today.replace(day=1)
        objective = self.env["hr.kpi.objective"].create(
            {
                "name": "Chuyển đổi số trong giải quyết thủ tục hành chính",
                "scope": "unit",
                "department_id": department.id,
                "source_type": "resolution",
                "source_ref": "Nghị quyết 57-NQ/TW",
                "date_start": month_start.replace(month=1),
                "date_end": month_start.replace(month=12, day=31),
                "key_result_ids": [
                    fields.Command.create(
                        {
                            "name": "Tỷ lệ hồ sơ trực tuyến toàn trình",
                            "baseline": 40.0,
                            "target": 80.0,
                            "current_value": 68.0,
                            "uom_name": "%",
                            "weight": 2.0,
                        }
                    ),
                    fields.Command.create(
                        {
                            "name": "Hồ sơ giải quyết trước hạn",
                            "baseline": 0.0,
                            "target": 500.0,
                            "current_value": 540.0,
                            "uom_name": "hồ sơ",
                            "weight": 1.0,
                        }
                    ),
                ],
            }
        )
        kr_online = objective.key_result_ids[:1]
        plan = Plan.create(
            {
                "plan_type": "unit_monthly",
                "department_id": department.id,
                "date_start": month_start,
                "line_ids": [
                    fields.Command.create(
                        {
                            "name": name,
                            "product_id": products[code].id,
                            "quantity": qty,
                            "deadline": month_start + timedelta(days=day),
                            "key_result_id": kr_online.id if code == "MC01" else False,
                        }
                    )
                    for name, code, qty, day in [
                        ("Báo cáo kết quả công tác tháng", "BC01", 1, 24),
                        ("Giải quyết hồ sơ một cửa trực tuyến", "MC01", 30, 26),
                        ("Kiểm tra trật tự đô thị trên địa bàn", "KT01", 3, 20),
                    ]
                    if code in products
                ],
            }
        )
        plan._set_state({"state": "accepted"})
        if staff:
            for line in plan.line_ids:
                share = max(1.0, line.quantity // len(staff))
                line._assign([(employee, share) for employee in staff])
        employee = staff[:1] or department.manager_id
        monday = today - timedelta(days=today.weekday())
        weekly = Plan.create(
            {
                "plan_type": "personal_weekly",
                "employee_id": employee.id,
                "date_start": monday,
            }
        )
        product = products.get("VB01") or next(iter(products.values()))
        self.env["hr.kpi.task"].create(
            {
                "name": "Dự thảo công văn trả lời kiến nghị của cử tri",
                "employee_id": employee.id,
                "product_id": product.id,
                "quantity": 2,
                "deadline": monday + timedelta(days=4),
                "origin": "plan",
                "plan_id": weekly.id,
                "assignment_confirmed": False,
            }
        )
        weekly._set_state({"state": "submitted"})
        weekly.action_accept()
        report = self.env["hr.kpi.weekly.report"]._prepare_week(
            monday - timedelta(days=7), employee
        )
        report.write(
            {
                "problems": "Hệ thống một cửa gián đoạn hai ngày.",
                "proposals": "Đề nghị bổ sung máy quét hồ sơ.",
            }
        )
        period = self.env["hr.kpi.period"].search(
            [("company_id", "=", company.id), ("date_start", "=", month_start)],
            limit=1,
        )
        if period:
            self.env["hr.kpi.unit.kpi"]._compute_for(department, period)
