"""Where each rule of a rule set comes from: the text, the article and how
sure the source is, shown to the administrator next to the rule's value.
The rules themselves stay fields of the rule set."""

from odoo import api, fields, models
from odoo.tools.misc import formatLang

from .hr_kpi_rule_set import confidence_selection


class HrKpiRuleSource(models.Model):
    _name = "hr.kpi.rule.source"
    _description = "Source of a rule of a rule set"
    _order = "rule_set_id, sequence, id"

    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Rule",
        required=True,
        ondelete="cascade",
        domain=[("model", "=", "hr.kpi.rule.set")],
    )
    value_display = fields.Char(string="Value", compute="_compute_value_display")
    source = fields.Char(
        string="Legal source",
        required=True,
        help="The text, e.g. Nghị định 233/2026/NĐ-CP, or the agency's own rule.",
    )
    article = fields.Char(help="e.g. khoản 7 Điều 12.")
    confidence = fields.Selection(
        confidence_selection(),
        required=True,
        default="inferred",
        help="[C]: read in the text. [S]: from secondary sources (news, other "
        "implementations), to check with the agency's legal officer. [I]: a "
        "default of the addon. [L]: a local regulation of the agency.",
    )
    reference = fields.Char(help="Where the source can be read.")
    note = fields.Text()

    _sql_constraints = [
        (
            "rule_uniq",
            "UNIQUE(rule_set_id, field_id)",
            "A rule has one source per rule set.",
        ),
    ]

    @api.depends("field_id", "rule_set_id")
    @api.depends_context("lang")
    def _compute_value_display(self):
        for source in self:
            rule_set = source.rule_set_id
            name = source.field_id.name
            if not (rule_set and name and name in rule_set._fields):
                source.value_display = False
                continue
            field = rule_set._fields[name]
            value = rule_set[name]
            if field.type == "selection":
                value = dict(field._description_selection(self.env)).get(value, "")
            elif field.type == "boolean":
                value = self.env._("Yes") if value else self.env._("No")
            elif field.type == "float":
                value = formatLang(self.env, value)
            elif field.type == "integer":
                value = formatLang(self.env, value, digits=0)
            elif field.type == "many2one":
                value = value.display_name
            source.value_display = str(value) if value not in (False, None) else ""
