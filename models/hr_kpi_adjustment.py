import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class HrKpiAdjustment(models.Model):
    _name = "hr.kpi.adjustment"
    _description = "Bonus or deduction on an appraisal"
    _inherit = ["mail.thread"]
    _order = "appraisal_id, id"

    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="appraisal_id.company_id", store=True, index=True
    )
    employee_id = fields.Many2one(related="appraisal_id.employee_id")
    adjustment_type = fields.Selection(
        [("bonus", "Bonus"), ("deduction", "Deduction")],
        string="Type",
        required=True,
        default="deduction",
        tracking=True,
    )
    points = fields.Float(required=True, tracking=True)
    reason = fields.Text(required=True)
    evidence = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence files")
    proposer_id = fields.Many2one(
        "res.users",
        string="Proposed by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    approver_id = fields.Many2one(
        "res.users", string="Approved by", readonly=True, copy=False
    )
    state = fields.Selection(
        [("proposed", "Proposed"), ("approved", "Approved"), ("refused", "Refused")],
        default="proposed",
        required=True,
        tracking=True,
        copy=False,
    )

    # Public-service inspections: the finding that created the
    # deduction; only the inspection changes or removes it
    inspection_finding_id = fields.Many2one(
        "hr.kpi.inspection.finding",
        string="Inspection finding",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
    )
    inspection_ref = fields.Char(
        related="inspection_finding_id.inspection_id.decision_ref",
        string="Inspection reference",
    )

    _sql_constraints = [
        ("points_check", "CHECK(points > 0)", "Adjustment points must be positive."),
    ]

    # Set by the server only: who proposed, who decided, and the decision.
    _KPI_SERVER_FIELDS = frozenset(
        {"state", "proposer_id", "approver_id", "inspection_finding_id"}
    )
    # What moves the appraisal's score.
    _KPI_SCORE_FIELDS = frozenset(
        {"adjustment_type", "points", "appraisal_id", "state"}
    )
    # A bonus or deduction is a few points of a 100-point scale.
    _KPI_MAX_POINTS = 100.0

    def _kpi_check_points(self, vals_list):
        for vals in vals_list:
            if "points" not in vals:
                continue
            points = vals["points"]
            if not (
                isinstance(points, (int, float))
                and math.isfinite(points)
                and 0 < points <= self._KPI_MAX_POINTS
            ):
                raise UserError(
                    self.env._(
                        "Adjustment points must be a number above 0 and at most "
                        "%(max)s.",
                        max=self._KPI_MAX_POINTS,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._kpi_check_points(vals_list)
        if not self.env.su:
            for vals in vals_list:
                forbidden = set(vals) & self._KPI_SERVER_FIELDS
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "An adjustment is proposed; who proposed it and its "
                            "approval are set by the server (%(fields)s).",
                            fields=", ".join(sorted(forbidden)),
                        )
                    )
                vals["proposer_id"] = self.env.uid
        appraisals = self.env["hr.kpi.appraisal"].browse(
            {vals.get("appraisal_id") for vals in vals_list if vals.get("appraisal_id")}
        )
        appraisals._kpi_check_frozen(self.env._("its bonuses and deductions"))
        return super().create(vals_list)

    def write(self, vals):
        self._kpi_check_points([vals])
        if not self.env.su:
            if self.filtered("inspection_finding_id"):
                raise UserError(
                    self.env._(
                        "This deduction comes from a public-service inspection: "
                        "cancel the inspection to change it."
                    )
                )
            forbidden = set(vals) & self._KPI_SERVER_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "An adjustment is approved or refused only with its "
                        "buttons, by the decider (%(fields)s).",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
        if set(vals) & self._KPI_SCORE_FIELDS:
            if any(a.state == "approved" for a in self) and set(vals) - {"state"}:
                raise UserError(self.env._("An approved adjustment cannot be changed."))
            appraisals = self.appraisal_id | self.env["hr.kpi.appraisal"].browse(
                vals.get("appraisal_id") or []
            )
            appraisals._kpi_check_frozen(self.env._("its bonuses and deductions"))
        return super().write(vals)

    def _check_can_approve(self):
        """Only the decider of the appraisal (or the acting deputy during the
        delegation) approves or refuses, never the proposer nor the appraised
        employee, and never on a decided appraisal."""
        self.check_access("read")
        if self.filtered("inspection_finding_id"):
            raise UserError(
                self.env._(
                    "This deduction comes from a public-service inspection: cancel "
                    "the inspection to change it."
                )
            )
        if self.env.su:
            return
        for adjustment in self:
            # sudo: who proposed it and who decides the appraisal
            proposer = adjustment.sudo().proposer_id
            appraisal = adjustment.appraisal_id
            if proposer == self.env.user:
                raise UserError(
                    self.env._(
                        "%(appraisal)s: a bonus or deduction is approved by "
                        "someone other than its proposer.",
                        appraisal=appraisal.display_name,
                    )
                )
            if appraisal._kpi_is_self() or not appraisal._kpi_is_decider():
                raise UserError(
                    self.env._(
                        "%(appraisal)s: only the decider approves bonuses and "
                        "deductions.",
                        appraisal=appraisal.display_name,
                    )
                )

    def action_approve(self):
        self._check_can_approve()
        to_approve = self.filtered(lambda a: a.state != "approved")
        to_approve.appraisal_id._kpi_check_frozen(
            self.env._("its bonuses and deductions")
        )
        # sudo: the decider was checked above; the state moves only here
        to_approve.sudo().write({"state": "approved", "approver_id": self.env.uid})
        return True

    def action_refuse(self):
        self._check_can_approve()
        self.filtered(lambda a: a.state == "approved").appraisal_id._kpi_check_frozen(
            self.env._("its bonuses and deductions")
        )
        # sudo: the decider was checked above; the state moves only here
        self.sudo().write({"state": "refused", "approver_id": self.env.uid})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        self.filtered(lambda a: a.state == "approved").appraisal_id._kpi_check_frozen(
            self.env._("its bonuses and deductions")
        )
        # a cancelled inspection removes the deductions it created
        if any(
            a.state == "approved"
            and a.inspection_finding_id.inspection_id.state != "cancelled"
            for a in self
        ):
            raise UserError(self.env._("An approved adjustment cannot be deleted."))
