"""The demo ward's planning: a unit monthly plan approved by the head of
the unit and cascaded to its staff, a personal weekly plan registered by its
owner and accepted by the evaluator, a weekly report, an objective with key
results and the unit KPI. Idempotent."""

from datetime import timedelta

from odoo import fields

from .common import installer_env
from .ward import as_actor


def generate(env, company, today):
    """The ward's plans (see the module's docstring)."""
    env = installer_env(env, company, tracking_disable=True)
    Plan = env["hr.kpi.plan"]
    if Plan.search_count([("company_id", "=", company.id)], limit=1):
        return
    products = {
        p.code: p
        for p in env["hr.kpi.product"].search(
            [("company_id", "=", company.id), ("state", "=", "approved")]
        )
    }
    department = env["hr.department"].search(
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
    staff = department.member_ids.filtered(lambda e: e != department.manager_id).sorted(
        "id"
    )[:3]
    month_start = today.replace(day=1)
    objective = env["hr.kpi.objective"].create(
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
    as_actor(plan, department.manager_id).action_accept()
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
    env["hr.kpi.task"].create(
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
    as_actor(weekly, employee).action_submit()
    as_actor(weekly, weekly.evaluator_id).action_accept()
    report = env["hr.kpi.weekly.report"]._prepare_week(
        monday - timedelta(days=7), employee
    )
    report.write(
        {
            "problems": "Hệ thống một cửa gián đoạn hai ngày.",
            "proposals": "Đề nghị bổ sung máy quét hồ sơ.",
        }
    )
    period = env["hr.kpi.period"].search(
        [("company_id", "=", company.id), ("date_start", "=", month_start)],
        limit=1,
    )
    if period:
        env["hr.kpi.unit.kpi"]._compute_for(department, period)
