from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import subject_group_selection


class HrKpiCriterion(models.Model):
    _name = "hr.kpi.criterion"
    _description = "General criterion of a rule set"
    _order = "rule_set_id, subject_group, sequence, id"
    _parent_store = True

    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set", required=True, ondelete="cascade", index=True
    )
    subject_group = fields.Selection(
        subject_group_selection(), required=True, index=True
    )
    parent_id = fields.Many2one(
        "hr.kpi.criterion",
        string="Group",
        ondelete="cascade",
        index=True,
        domain=(
            "[('rule_set_id', '=', rule_set_id), ('subject_group', '=', subject_group)]"
        ),
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("hr.kpi.criterion", "parent_id", string="Items")
    sequence = fields.Integer(default=10)
    code = fields.Char(help="Item number printed on the forms, e.g. 1.2.")
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    max_points = fields.Float(string="Maximum points", required=True, default=0.0)
    scoring_type = fields.Selection(
        [("graded", "Graded"), ("binary", "Met / not met")],
        default="graded",
        required=True,
        help="Met / not met items score either their maximum or zero.",
    )
    comment_required = fields.Boolean(
        string="Comment required below maximum",
        default=True,
        help="A comment must justify points below the maximum.",
    )
    is_leaf = fields.Boolean(compute="_compute_is_leaf", store=True)
    # One-stop satisfaction: a stable key for the items a feature
    # fills, independent of their number and name
    key = fields.Char(
        string="Technical key",
        index="btree_not_null",
        help="Stable key of an item filled by a feature: citizen_service is the "
        "service attitude to citizens and businesses, pre-filled from the "
        "one-stop satisfaction figures.",
    )

    _sql_constraints = [
        (
            "max_points_check",
            "CHECK(max_points >= 0)",
            "Maximum points cannot be negative.",
        ),
    ]

    @api.depends("child_ids")
    def _compute_is_leaf(self):
        for criterion in self:
            criterion.is_leaf = not criterion.child_ids

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("Criteria cannot be nested in themselves.")
            )
        for criterion in self.filtered("parent_id"):
            if (
                criterion.parent_id.rule_set_id != criterion.rule_set_id
                or criterion.parent_id.subject_group != criterion.subject_group
            ):
                raise ValidationError(
                    self.env._(
                        "Criterion %(name)s must belong to the rule set and subject "
                        "group "
                        "of its group.",
                        name=criterion.name,
                    )
                )

    @api.constrains("max_points", "rule_set_id", "subject_group", "parent_id")
    def _check_total(self):
        groups = self._read_group(
            [
                ("rule_set_id", "in", self.rule_set_id.ids),
                ("is_leaf", "=", True),
            ],
            ["rule_set_id", "subject_group"],
            ["max_points:sum"],
        )
        for rule_set, subject_group, total in groups:
            if total > rule_set.general_max + 1e-6:
                raise ValidationError(
                    self.env._(
                        "The criteria of %(group)s in rule set %(rule_set)s total "
                        "%(total)s "
                        "points, more than the general maximum %(max)s.",
                        group=dict(subject_group_selection())[subject_group],
                        rule_set=rule_set.display_name,
                        total=total,
                        max=rule_set.general_max,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        rule_set_ids = {vals.get("rule_set_id") for vals in vals_list}
        self.env["hr.kpi.rule.set"].browse(
            rule_set_ids - {None, False}
        )._check_not_frozen()
        return super().create(vals_list)

    def write(self, vals):
        self.rule_set_id._check_not_frozen()
        if "rule_set_id" in vals:
            self.env["hr.kpi.rule.set"].browse(vals["rule_set_id"])._check_not_frozen()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self.rule_set_id._check_not_frozen()

    @api.depends("code", "name")
    def _compute_display_name(self):
        for criterion in self:
            criterion.display_name = (
                f"{criterion.code}. {criterion.name}"
                if criterion.code
                else criterion.name
            )
