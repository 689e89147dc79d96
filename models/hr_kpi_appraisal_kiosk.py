"""The citizen ratings of the one-stop kiosk in the official's month: counts
and satisfaction rate on the appraisal (issue #8 part 1)."""

from collections import defaultdict

from odoo import api, fields, models


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    citizen_satisfied_count = fields.Integer(
        string="Satisfied citizens", compute="_compute_citizen_ratings"
    )
    citizen_neutral_count = fields.Integer(
        string="Neutral citizens", compute="_compute_citizen_ratings"
    )
    citizen_unsatisfied_count = fields.Integer(
        string="Unsatisfied citizens", compute="_compute_citizen_ratings"
    )
    citizen_rating_count = fields.Integer(
        string="Citizen ratings", compute="_compute_citizen_ratings"
    )
    citizen_satisfaction_rate = fields.Float(
        string="Citizen satisfaction (%)",
        compute="_compute_citizen_ratings",
        digits=(5, 2),
        help="Share of the citizens who rated the official satisfied at the "
        "one-stop kiosk in the month.",
    )

    @api.depends("employee_id", "period_id.date_start", "period_id.date_end")
    def _compute_citizen_ratings(self):
        # sudo: counts only, on appraisals the user already reads; the ratings
        # themselves stay readable by the official and HR only
        Rating = self.env["hr.kpi.citizen.rating"].sudo()
        by_period = defaultdict(lambda: self.browse())
        for appraisal in self:
            by_period[appraisal.period_id] |= appraisal
        for period, appraisals in by_period.items():
            counts = (
                Rating._get_month_counts(
                    appraisals.employee_id, period.date_start, period.date_end
                )
                if period
                else {}
            )
            for appraisal in appraisals:
                month = counts.get(appraisal.employee_id.id) or {}
                appraisal.citizen_satisfied_count = month.get("satisfied", 0)
                appraisal.citizen_neutral_count = month.get("neutral", 0)
                appraisal.citizen_unsatisfied_count = month.get("unsatisfied", 0)
                appraisal.citizen_rating_count = sum(month.values())
                appraisal.citizen_satisfaction_rate = Rating._satisfaction_rate(month)

    def action_open_citizen_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_citizen_rating_action"
        )
        action["domain"] = [
            ("employee_id", "=", self.employee_id.id),
            ("rating_date", ">=", self.period_id.date_start),
            ("rating_date", "<=", self.period_id.date_end),
        ]
        action["context"] = {}
        return action
