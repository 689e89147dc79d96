"""The demo ward's one-stop figures of last month (those of the officials
who handled one-stop files, as the monthly import records them) and one
unannounced inspection this month, confirmed by the HR officer, whose finding
deducts points on a current appraisal. Idempotent."""

import random

from odoo import fields

from .common import installer_env

ONESTOP_CODES = ("MC01", "MC02")


def generate(env, company, today):
    """The ward's one-stop figures and inspection (see the docstring)."""
    env = installer_env(env, company, tracking_disable=True)
    Stat = env["hr.kpi.onestop.stat"]
    if Stat.search_count([("company_id", "=", company.id)], limit=1):
        return
    products = env["hr.kpi.product"].search(
        [("company_id", "=", company.id), ("code", "in", ONESTOP_CODES)]
    )
    products.write({"is_onestop": True})
    Period = env["hr.kpi.period"]
    this_month = Period.search(
        [
            ("company_id", "=", company.id),
            ("date_start", "=", today.replace(day=1)),
        ],
        limit=1,
    )
    last_month = Period.search(
        [
            ("company_id", "=", company.id),
            ("date_start", "<", today.replace(day=1)),
        ],
        order="date_start desc",
        limit=1,
    )
    if not (products and last_month and this_month):
        return
    tasks = env["hr.kpi.task"].search(
        [("period_id", "=", last_month.id), ("product_id", "in", products.ids)]
    )
    vals_list = []
    for employee, own in tasks.grouped("employee_id").items():
        rng = random.Random(employee.id)
        received = int(sum(own.mapped("quantity")))
        resolved = max(received - rng.randint(0, 2), 0)
        overdue = rng.choice([0, 0, 0, 1, 2])
        on_time = max(resolved - overdue, 0)
        ratings = rng.randint(8, 30)
        unsatisfied = rng.choice([0, 0, 1, 2])
        neutral = rng.randint(0, max(ratings // 5, 1))
        vals_list.append(
            {
                "period_id": last_month.id,
                "employee_id": employee.id,
                "received": received,
                "resolved": resolved,
                "on_time": on_time,
                "overdue": overdue,
                "satisfied": max(ratings - neutral - unsatisfied, 0),
                "neutral": neutral,
                "unsatisfied": unsatisfied,
                "batch_ref": f"motcua_{last_month.name}.xlsx (demo)",
            }
        )
    stats = Stat.create(vals_list)
    Stat._apply_to_appraisals(last_month, stats.employee_id)
    inspection(env, company, this_month, stats.employee_id, today)


def inspection(env, company, period, officials, today):
    """An inspection with one finding, confirmed by the HR officer."""
    appraisals = env["hr.kpi.appraisal"].search(
        [
            ("period_id", "=", period.id),
            ("employee_id", "in", officials.ids),
            ("state", "in", ("draft", "self_submitted")),
        ],
        order="id",
        limit=1,
    )
    if not appraisals:
        return
    employee = appraisals.employee_id
    record = env["hr.kpi.inspection"].create(
        {
            "name": "Kiểm tra công vụ tại Bộ phận một cửa",
            "company_id": company.id,
            "date": max(period.date_start, min(today, period.date_end)),
            "inspection_type": "dot_xuat",
            "department_id": employee.department_id.id,
            "employee_ids": [fields.Command.set(employee.ids)],
            "team": "Tổ kiểm tra công vụ phường",
            "decision_ref": f"KL-{period.name.replace('/', '-')}/KTCV",
            "conclusion": "Một công chức vắng mặt tại quầy trong giờ tiếp dân "
            "không có lý do.",
            "finding_ids": [
                fields.Command.create(
                    {
                        "employee_id": employee.id,
                        "description": "Vắng mặt tại quầy một cửa 45 phút trong "
                        "giờ tiếp công dân, không báo cáo.",
                        "severity": "moderate",
                    }
                )
            ],
        }
    )
    officer = env["res.users"].search([("login", "=", "hr")], limit=1)
    if officer.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
        record = record.with_user(officer)
    record.action_confirm()
