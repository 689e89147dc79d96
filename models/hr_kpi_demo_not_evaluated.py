"""Demo: months not evaluated (issue #17). In the ward's current month, one
staff member on maternity leave for the whole month is marked not evaluated by
the HR officer (through the workflow's guard), and one on sick leave for most of
it is only suggested, waiting for a person to confirm.

Called from ``demo/hr_kpi_not_evaluated_demo.xml``; does nothing without the
ward or its HR officer.
"""

from datetime import datetime, time, timedelta

from odoo import api, models

from .hr_kpi_demo import DEMO_WARD_NAME


class HrKpiDemo(models.AbstractModel):
    _inherit = "hr.kpi.demo"

    @api.model
    def _generate_not_evaluated_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        hr_user = self.env["res.users"].search([("login", "=", "hr")], limit=1)
        if not company or not hr_user:
            return
        # sudo: demo data generator, run at install
        demo = self.sudo().with_company(company)
        period = demo.env["hr.kpi.period"].search(
            [("company_id", "=", company.id), ("state", "=", "open")],
            order="date_start desc",
            limit=1,
        )
        if not period:
            return
        drafts = demo.env["hr.kpi.appraisal"].search(
            [
                ("period_id", "=", period.id),
                ("state", "=", "draft"),
                ("employee_id.user_id", "=", False),
                ("employee_id.resource_id", "!=", False),
                ("is_leader", "=", False),
            ],
            order="id desc",
            limit=2,
        )
        if len(drafts) < 2:
            return
        on_maternity, on_sick_leave = drafts
        last_day = period.date_end
        demo._demo_leave(
            on_maternity.employee_id, period.date_start, last_day, "Nghỉ thai sản"
        )
        demo._demo_leave(
            on_sick_leave.employee_id,
            period.date_start,
            period.date_start + timedelta(days=20),
            "Nghỉ ốm dài ngày",
        )
        # the HR officer confirms the first one, through the workflow's guard
        on_maternity.with_user(hr_user).with_context(
            tracking_disable=True
        )._do_mark_not_evaluated(
            "maternity",
            "Nghỉ thai sản cả tháng theo quyết định của Chủ tịch UBND phường.",
        )

    @api.model
    def _demo_leave(self, employee, first, last, name):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "resource_id": employee.resource_id.id,
                "calendar_id": employee.resource_calendar_id.id,
                "date_from": datetime.combine(first, time(0, 0)),
                "date_to": datetime.combine(last, time(23, 59)),
                "time_type": "leave",
            }
        )
