"""Demo dates for the dashboard: the demo ward's decided months were
self-evaluated and decided at install time, i.e. after the deadlines. Give
them the dates of a month run on time, one staff member in six reviewed
without a self-evaluation (a late self-evaluation on the dashboard).
Idempotent; does nothing without the demo ward."""

from datetime import datetime, time, timedelta

from odoo import api, models

from ..const import DECIDED_STATES
from .hr_kpi_demo import DEMO_WARD_NAME


class HrKpiDemo(models.AbstractModel):
    _inherit = "hr.kpi.demo"

    @api.model
    def _generate_analytics_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        if company:
            # sudo: demo data generator, run at install
            demo = self.sudo().with_context(tracking_disable=True)
            demo._demo_analytics_dates(company)

    @api.model
    def _demo_analytics_dates(self, company):
        decided = self.env["hr.kpi.appraisal"].search(
            [("company_id", "=", company.id), ("state", "in", DECIDED_STATES)]
        )
        for period, appraisals in decided.grouped("period_id").items():
            submitted = datetime.combine(period.date_end, time(3))
            missing = appraisals.filtered(lambda a: a.id % 6 == 0)
            (appraisals - missing).write(
                {
                    "self_submitted_date": submitted,
                    "decided_date": submitted + timedelta(hours=6),
                }
            )
            missing.write(
                {
                    "self_submitted_date": False,
                    "no_self_evaluation": True,
                    "decided_date": submitted + timedelta(hours=6),
                }
            )
