from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import DECIDED_STATES

# Written by the inspection's confirmation only.
FINDING_LINK_FIELDS = frozenset({"adjustment_id", "event_id"})


def _veto_type_selection(self):
    return self.env["hr.kpi.employee.event"]._fields["event_type"].selection


class HrKpiInspectionFinding(models.Model):
    _name = "hr.kpi.inspection.finding"
    _description = "Finding of a public-service inspection on an official"
    _order = "date desc, inspection_id, id"
    _check_company_auto = True

    inspection_id = fields.Many2one(
        "hr.kpi.inspection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="inspection_id.company_id", store=True, index=True, precompute=True
    )
    date = fields.Date(related="inspection_id.date", store=True, index=True)
    state = fields.Selection(related="inspection_id.state", string="Inspection state")
    decision_ref = fields.Char(related="inspection_id.decision_ref")
    employee_id = fields.Many2one(
        "hr.employee",
        string="Official",
        required=True,
        index=True,
        check_company=True,
    )
    description = fields.Text(string="Finding", required=True)
    severity = fields.Selection(
        [("minor", "Minor"), ("moderate", "Moderate"), ("serious", "Serious")],
        required=True,
        default="minor",
    )
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set", compute="_compute_rule_set_id", string="Rule set"
    )
    consequence = fields.Selection(
        [("none", "None"), ("deduction", "Deduction"), ("veto", "Veto")],
        compute="_compute_consequence",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Proposed by the rule set from the severity; the HR officer may change "
        "it before confirming the inspection.",
    )
    points = fields.Float(
        string="Deduction points",
        compute="_compute_consequence",
        store=True,
        readonly=False,
        precompute=True,
    )
    veto_type = fields.Selection(
        _veto_type_selection,
        default="discipline",
        help="Type of the veto event created for the official.",
    )
    adjustment_id = fields.Many2one(
        "hr.kpi.adjustment",
        string="Deduction",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    event_id = fields.Many2one(
        "hr.kpi.employee.event",
        string="Veto event",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    appraisal_id = fields.Many2one(
        related="adjustment_id.appraisal_id", string="Appraisal"
    )

    @api.depends("inspection_id.company_id", "inspection_id.date")
    def _compute_rule_set_id(self):
        RuleSet = self.env["hr.kpi.rule.set"]
        for finding in self:
            inspection = finding.inspection_id
            finding.rule_set_id = (
                RuleSet._get_for_date(inspection.company_id, inspection.date)
                if inspection.date
                else RuleSet
            )

    @api.depends("severity", "inspection_id.company_id", "inspection_id.date")
    def _compute_consequence(self):
        for finding in self:
            rule_set = finding.rule_set_id
            if not rule_set:
                finding.consequence = finding.consequence or "none"
                finding.points = finding.points or 0.0
                continue
            if (
                rule_set.inspection_veto_severity == "serious"
                and finding.severity == "serious"
            ):
                finding.consequence = "veto"
                finding.points = 0.0
                continue
            points = rule_set[f"inspection_points_{finding.severity}"]
            finding.consequence = "deduction" if points > 0 else "none"
            finding.points = points

    @api.constrains("consequence", "points", "veto_type")
    def _check_consequence(self):
        for finding in self:
            if finding.consequence == "deduction" and finding.points <= 0:
                raise ValidationError(
                    self.env._(
                        "Finding on %(official)s: a deduction needs positive points.",
                        official=finding.employee_id.name,
                    )
                )
            if finding.consequence == "veto" and not finding.veto_type:
                raise ValidationError(
                    self.env._(
                        "Finding on %(official)s: choose the type of the veto.",
                        official=finding.employee_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: a finding changes with its draft inspection only
    # ------------------------------------------------------------------

    def _check_draft(self, inspections):
        if any(inspection.state != "draft" for inspection in inspections):
            raise UserError(
                self.env._(
                    "The findings of a confirmed or cancelled inspection cannot be "
                    "changed."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if any(set(vals) & FINDING_LINK_FIELDS for vals in vals_list):
                raise UserError(
                    self.env._("Deductions and vetoes are created by confirming.")
                )
            self._check_draft(
                self.env["hr.kpi.inspection"].browse(
                    {vals.get("inspection_id") for vals in vals_list} - {None, False}
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            # who may not edit findings at all gets the access error first
            self.check_access("write")
            if set(vals) & FINDING_LINK_FIELDS:
                raise UserError(
                    self.env._("Deductions and vetoes are created by confirming.")
                )
            self._check_draft(self.inspection_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        self._check_draft(self.inspection_id)

    # ------------------------------------------------------------------
    # Helpers of the inspection's confirmation
    # ------------------------------------------------------------------

    def _get_reason(self):
        self.ensure_one()
        inspection = self.inspection_id
        return self.env._(
            "Public-service inspection %(ref)s of %(date)s (%(type)s): %(finding)s",
            ref=inspection.decision_ref or inspection.name,
            date=inspection.date.strftime("%d/%m/%Y"),
            type=dict(
                inspection._fields["inspection_type"]._description_selection(self.env)
            )[inspection.inspection_type],
            finding=self.description,
        )

    def _get_appraisals(self):
        """{finding id: appraisal of its official for the month of its date}."""
        period_map = self.env["hr.kpi.period"]._get_for_dates(
            [(f.company_id.id, f.date) for f in self]
        )
        Appraisal = self.env["hr.kpi.appraisal"]
        appraisal_map = Appraisal._get_for_employee_periods(
            [
                (f.employee_id.id, period_map.get((f.company_id.id, f.date)))
                for f in self
            ]
        )
        result = {}
        for finding in self:
            period_id = period_map.get((finding.company_id.id, finding.date))
            appraisal_id = appraisal_map.get((finding.employee_id.id, period_id))
            if appraisal_id:
                result[finding.id] = Appraisal.browse(appraisal_id)
        return result

    def _get_decided_veto_appraisals(self):
        """Decided appraisals of the official that a veto of this finding
        reaches: from its month to the end of its year."""
        self.ensure_one()
        start, end = self.inspection_id._veto_months(self.date)
        # sudo: a decided appraisal blocks the veto, readable or not
        return (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(
                [
                    ("employee_id", "=", self.employee_id.id),
                    ("period_start", ">=", start),
                    ("period_start", "<=", end),
                    ("state", "in", DECIDED_STATES),
                ]
            )
        )
