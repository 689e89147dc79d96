from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HrKpiPeriod(models.Model):
    _name = "hr.kpi.period"
    _description = "KPI evaluation period (month)"
    _inherit = ["mail.thread"]
    _order = "date_start desc, company_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        tracking=True,
    )
    date_end = fields.Date(compute="_compute_date_end", store=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set",
        compute="_compute_rule_set_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Rule set given to the appraisals created in the period.",
    )
    appraisal_ids = fields.One2many("hr.kpi.appraisal", "period_id")
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")

    _sql_constraints = [
        (
            "company_month_uniq",
            "UNIQUE(company_id, date_start)",
            "A company has one period per month.",
        ),
        (
            "month_start_check",
            "CHECK(EXTRACT(DAY FROM date_start) = 1)",
            "A period starts on the first day of a month.",
        ),
    ]

    @api.depends("date_start")
    def _compute_name(self):
        for period in self:
            period.name = period.date_start and period.date_start.strftime("%m/%Y")

    @api.depends("date_start")
    def _compute_date_end(self):
        for period in self:
            period.date_end = period.date_start and (
                period.date_start + relativedelta(day=31)
            )

    @api.depends("date_start", "company_id")
    def _compute_rule_set_id(self):
        RuleSet = self.env["hr.kpi.rule.set"]
        for period in self:
            if period.date_start and not period.rule_set_id:
                period.rule_set_id = RuleSet._get_for_date(
                    period.company_id, period.date_start
                )
            else:
                period.rule_set_id = period.rule_set_id

    def _compute_appraisal_count(self):
        counts = dict(
            self.env["hr.kpi.appraisal"]._read_group(
                [("period_id", "in", self.ids)], ["period_id"], ["__count"]
            )
        )
        for period in self:
            period.appraisal_count = counts.get(period, 0)

    @api.constrains("date_start")
    def _check_first_day(self):
        for period in self:
            if period.date_start.day != 1:
                raise ValidationError(
                    self.env._("A period starts on the first day of a month.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_start"):
                vals["date_start"] = fields.Date.to_date(vals["date_start"]).replace(
                    day=1
                )
        periods = super().create(vals_list)
        self.env["hr.kpi.task"]._link_periods_for(periods)
        return periods

    def write(self, vals):
        res = super().write(vals)
        if {"date_start", "company_id"} & set(vals):
            self.env["hr.kpi.task"]._link_periods_for(self, relink=True)
        return res

    @api.model
    def _get_for_dates(self, company_date_pairs):
        """Map (company id, date) pairs to the period containing them."""
        pairs = {(c, d) for c, d in company_date_pairs if c and d}
        if not pairs:
            return {}
        dates = [d for _c, d in pairs]
        periods = self.sudo().search(
            [
                ("company_id", "in", list({c for c, _d in pairs})),
                ("date_start", "<=", max(dates)),
                ("date_end", ">=", min(dates)),
            ]
        )
        by_month = {(p.company_id.id, p.date_start): p for p in periods}
        return {
            (c, d): by_month.get((c, d.replace(day=1)), self.browse()).id
            for c, d in pairs
        }

    def action_open_appraisals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"default_period_id": self.id}
        return action
