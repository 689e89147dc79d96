from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class HrKpiSatisfactionBand(models.Model):
    """One band of the table that turns the share of satisfied citizens into the
    points of the service-attitude criterion."""

    _name = "hr.kpi.satisfaction.band"
    _description = "Citizen satisfaction band of a rule set"
    _order = "rule_set_id, rate_from desc, id"

    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set", required=True, ondelete="cascade", index=True
    )
    rate_from = fields.Float(
        string="Satisfaction from (%)",
        required=True,
        help="Lowest share of satisfied ratings of the band (included).",
    )
    rate_to = fields.Float(
        string="Satisfaction below (%)",
        required=True,
        default=100.0,
        help="Upper limit of the band (excluded, except 100 %).",
    )
    score_percent = fields.Float(
        string="Points (% of the criterion maximum)",
        required=True,
        help="Suggested points of the criterion, as a share of its maximum.",
    )

    _sql_constraints = [
        (
            "range_check",
            "CHECK(rate_from >= 0 AND rate_to <= 100 AND rate_from < rate_to)",
            "A satisfaction band runs from 0 to 100 % and its start is below its end.",
        ),
        (
            "percent_check",
            "CHECK(score_percent >= 0 AND score_percent <= 100)",
            "The points of a band are between 0 and 100 % of the maximum.",
        ),
    ]

    @api.constrains("rate_from", "rate_to", "rule_set_id")
    def _check_overlap(self):
        for rule_set in self.rule_set_id:
            bands = rule_set.satisfaction_band_ids.sorted("rate_from")
            for lower, upper in zip(bands, bands[1:], strict=False):
                if float_compare(lower.rate_to, upper.rate_from, 2) > 0:
                    raise ValidationError(
                        self.env._(
                            "Rule set %(rule_set)s: the satisfaction bands "
                            "%(a)s–%(b)s %% and %(c)s–%(d)s %% overlap.",
                            rule_set=rule_set.display_name,
                            a=lower.rate_from,
                            b=lower.rate_to,
                            c=upper.rate_from,
                            d=upper.rate_to,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["hr.kpi.rule.set"].browse(
            {vals.get("rule_set_id") for vals in vals_list} - {None, False}
        )._check_not_frozen()
        return super().create(vals_list)

    def write(self, vals):
        self.rule_set_id._check_not_frozen()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self.rule_set_id._check_not_frozen()

    def _find_band(self, rate):
        """The band of ``self`` (the bands of one rule set) containing ``rate``."""
        for band in self:
            upper_ok = float_compare(rate, band.rate_to, 2) < 0 or (
                float_compare(band.rate_to, 100.0, 2) == 0
                and float_compare(rate, 100.0, 2) <= 0
            )
            if float_compare(rate, band.rate_from, 2) >= 0 and upper_ok:
                return band
        return self.browse()
