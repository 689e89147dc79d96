"""Demo of the law of 2026 (issue #17) in the ward's final months of 2026:

* one correction by replacement decision (a task counted twice in September:
  the HR officer corrects the published result, the original stays readable);
* one appeal across the public holidays of Giỗ Tổ and 30/4–1/5: the March
  result published on Friday 24/4/2026, appealed on its 5th working day
  (6/5), rejected with an answer.

Called from ``demo/hr_kpi_law2026_demo.xml`` after the roll-up demo; does
nothing without the ward or those months."""

from datetime import date, datetime

from odoo import api, models

from .hr_kpi_demo import DEMO_WARD_NAME

LOWER = {"excellent": "good", "good": "done", "done": "fail"}


class HrKpiDemo(models.AbstractModel):
    _inherit = "hr.kpi.demo"

    @api.model
    def _generate_law2026_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        if not company:
            return
        # sudo: demo data generator, run at install
        demo = self.sudo().with_company(company).with_context(tracking_disable=True)
        demo._demo_correction(company)
        demo._demo_appeal_across_holidays(company)

    @api.model
    def _demo_month(self, company, month_start, exclude=()):
        return self.env["hr.kpi.appraisal"].search(
            [
                ("company_id", "=", company.id),
                ("period_start", "=", month_start),
                ("state", "=", "locked"),
                ("is_leader", "=", False),
                ("employee_id", "not in", list(exclude)),
            ],
            order="total_score desc, id",
        )

    @api.model
    def _demo_correction(self, company):
        hr_user = self.env["res.users"].search([("login", "=", "hr")], limit=1)
        month = self._demo_month(company, date(2026, 9, 1)).filtered(
            lambda a: a.level_final in LOWER and a.employee_id.user_id != hr_user
        )[:1]
        if not (month and hr_user):
            return
        level = LOWER[month.level_final]
        threshold = {"good": 89.0, "done": 69.0, "fail": 49.0}[level]
        month.with_user(hr_user)._do_correct(
            level,
            # the demo ward's data is Vietnamese, as a ward's own would be
            "Nhiệm vụ 'Hồ sơ một cửa' được tính hai lần trong tháng 9: bỏ lần "
            "nhập thứ hai (theo kết luận kiểm tra ngày 15/10/2026).",
            "45/QĐ-UBND",
            date(2026, 10, 20),
            total_score=min(month.total_score, threshold),
        )

    @api.model
    def _demo_appeal_across_holidays(self, company):
        march = (
            self._demo_month(company, date(2026, 3, 1)).filtered(
                lambda a: a.employee_id.user_id
            )[:1]
            or self._demo_month(company, date(2026, 3, 1))[:1]
        )
        if not march:
            return
        march._workflow_write({"published_date": date(2026, 4, 24)}, False)
        march._workflow_write(
            {
                "appeal_date": datetime(2026, 5, 6, 9, 0),
                "appeal_reason": "Two reports of March were counted late although "
                "they were sent on time.",
                "appeal_result": "rejected",
                "appeal_answer": "The reports were received on 27/3, after the "
                "deadline of 25/3; the level stands.",
            },
            False,
        )
        march.message_post(
            body=self.env._(
                "Appeal filed on 6/5/2026, the 5th working day after the publication "
                "of 24/4/2026 (27/4, 30/4 and 1/5 are public holidays): within the "
                "window, which closed on %(deadline)s. Rejected with an answer.",
                deadline=march.appeal_deadline,
            )
        )
