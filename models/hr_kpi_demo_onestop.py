"""Demo one-stop figures and inspection for the demo ward: last month's
figures of the officials who handled one-stop files, and one unannounced
inspection this month whose finding deducts points on a current appraisal.
Idempotent; does nothing without the demo ward."""

import random

from odoo import api, fields, models

from .hr_kpi_demo import DEMO_WARD_NAME

ONESTOP_CODES = ("MC01", "MC02")


class HrKpiDemo(models.AbstractModel):
    _inherit = "hr.kpi.demo"

    @api.model
    def _generate_onestop_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        if company:
            # sudo: demo data generator, run at install
            demo = self.sudo().with_company(company).with_context(tracking_disable=True)
            demo._generate_onestop(company, fields.Date.context_today(self))

    @api.model
    def _generate_onestop(self, company, today):
        Stat = self.env["hr.kpi.onestop.stat"]
        if Stat.search_count([("company_id", "=", company.id)], limit=1):
            return
        products = self.env["hr.kpi.product"].search(
            [("company_id", "=", company.id), ("code", "in", ONESTOP_CODES)]
        )
        products.write({"is_onestop": True})
        Period = self.env["hr.kpi.period"]
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
        tasks = self.env["hr.kpi.task"].search(
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
        self._demo_inspection(company, this_month, stats.employee_id, today)

    @api.model
    def _demo_inspection(self, company, period, officials, today):
        appraisals = self.env["hr.kpi.appraisal"].search(
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
        inspection = self.env["hr.kpi.inspection"].create(
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
        officer = self.env["res.users"].search([("login", "=", "hr")], limit=1)
        if officer.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            inspection = inspection.with_user(officer)
        inspection.action_confirm()
