"""Public-service inspections (kiểm tra công vụ): dated findings on
officials with a conclusion; confirming the inspection turns each finding into
a deduction on the month's appraisal or a veto event, per the rule set."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import DECIDED_STATES

# What may still change on a confirmed or cancelled inspection.
INSPECTION_FREE_FIELDS = {"conclusion", "attachment_ids"}


class HrKpiInspection(models.Model):
    _name = "hr.kpi.inspection"
    _description = "Public-service inspection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
        help="Its findings count in the appraisals of this month.",
    )
    inspection_type = fields.Selection(
        [
            ("dot_xuat", "Unannounced"),
            ("dinh_ky", "Periodic"),
            ("tai_kiem_tra", "Follow-up inspection"),
        ],
        string="Type",
        required=True,
        default="dot_xuat",
        tracking=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Inspected unit",
        index=True,
        tracking=True,
        check_company=True,
    )
    employee_ids = fields.Many2many(
        "hr.employee",
        string="Inspected people",
        check_company=True,
    )
    team = fields.Char(string="Inspection team", tracking=True)
    responsible_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
    )
    conclusion = fields.Text()
    decision_ref = fields.Char(
        string="Decision reference",
        tracking=True,
        help="Number of the conclusion or decision; required to confirm findings "
        "with a consequence.",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    finding_ids = fields.One2many(
        "hr.kpi.inspection.finding", "inspection_id", string="Findings"
    )
    finding_count = fields.Integer(compute="_compute_finding_count")
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )

    def _compute_finding_count(self):
        for inspection in self:
            inspection.finding_count = len(inspection.finding_ids)

    @api.depends("name", "decision_ref")
    def _compute_display_name(self):
        for inspection in self:
            inspection.display_name = " – ".join(
                filter(None, [inspection.decision_ref, inspection.name])
            )

    def write(self, vals):
        if not self.env.su:
            # who may not edit inspections at all gets the access error first
            self.check_access("write")
            if "state" in vals:
                raise UserError(
                    self.env._(
                        "The state of an inspection changes only through its buttons."
                    )
                )
            blocked = {
                f
                for f in vals
                if f not in INSPECTION_FREE_FIELDS
                and not f.startswith(("message_", "activity_"))
            }
            closed = self.filtered(lambda i: i.state != "draft")
            if blocked and closed:
                raise UserError(
                    self.env._(
                        "Inspection %(name)s is confirmed or cancelled: reset it to "
                        "draft to change it.",
                        name=closed[0].display_name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(inspection.state == "confirmed" for inspection in self):
            raise UserError(
                self.env._("Cancel a confirmed inspection before deleting it.")
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_officer(self):
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            raise AccessError(
                self.env._("Only an HR officer confirms or cancels inspections.")
            )

    def action_confirm(self):
        """Confirm the inspections: each finding with a consequence creates its
        deduction on the appraisal of the month, or its veto event, in batch."""
        self._check_officer()
        _ = self.env._
        if any(inspection.state != "draft" for inspection in self):
            raise UserError(_("Only draft inspections can be confirmed."))
        findings = self.finding_ids.filtered(lambda f: f.consequence != "none")
        errors = []
        for inspection in findings.inspection_id.filtered(lambda i: not i.decision_ref):
            errors.append(
                _(
                    "Inspection %(name)s: give the decision reference of its "
                    "conclusion.",
                    name=inspection.name,
                )
            )
        deductions = findings.filtered(lambda f: f.consequence == "deduction")
        vetoes = findings - deductions
        appraisals = deductions._get_appraisals()
        for finding in deductions:
            appraisal = appraisals.get(finding.id)
            if not appraisal:
                errors.append(
                    _(
                        "%(official)s has no appraisal for %(month)s: open the month "
                        "first.",
                        official=finding.employee_id.name,
                        month=finding.date.strftime("%m/%Y"),
                    )
                )
            elif appraisal.state in DECIDED_STATES:
                errors.append(
                    _(
                        "The appraisal %(appraisal)s is already decided: reopen it "
                        "before adding the deduction (a published result is "
                        "corrected by a replacement decision).",
                        appraisal=appraisal.display_name,
                    )
                )
        for finding in vetoes:
            decided = finding._get_decided_veto_appraisals()
            if decided:
                errors.append(
                    _(
                        "The veto on %(official)s reaches appraisals already decided "
                        "(%(appraisals)s): reopen them first (a published result "
                        "is corrected by a replacement decision).",
                        official=finding.employee_id.name,
                        appraisals=", ".join(decided.mapped("display_name")),
                    )
                )
        if errors:
            raise UserError("\n".join(errors))
        if deductions:
            # sudo: the officer was checked and the appraisals found open above;
            # the approval and the link to the finding are the server's
            adjustments = (
                self.env["hr.kpi.adjustment"]
                .sudo()
                .create(
                    [
                        {
                            "appraisal_id": appraisals[finding.id].id,
                            "adjustment_type": "deduction",
                            "points": finding.points,
                            "reason": finding._get_reason(),
                            "evidence": finding.inspection_id.decision_ref,
                            "inspection_finding_id": finding.id,
                            # the inspection's conclusion is the decision: the HR
                            # officer who confirms it approves its deductions
                            "state": "approved",
                            "approver_id": self.env.uid,
                        }
                        for finding in deductions
                    ]
                )
            )
            for finding, adjustment in zip(deductions, adjustments, strict=True):
                # sudo: the links are written by the confirmation only
                finding.sudo().adjustment_id = adjustment
        if vetoes:
            events = self.env["hr.kpi.employee.event"].create(
                [
                    {
                        "employee_id": finding.employee_id.id,
                        "event_type": finding.veto_type,
                        "date": finding.date,
                        "decision_ref": finding.inspection_id.decision_ref,
                        "authority": finding.inspection_id.team,
                        "description": finding._get_reason(),
                        "inspection_finding_id": finding.id,
                    }
                    for finding in vetoes
                ]
            )
            for finding, event in zip(vetoes, events, strict=True):
                # sudo: the links are written by the confirmation only
                finding.sudo().event_id = event
        # sudo: the state changes only through the actions
        self.sudo().write({"state": "confirmed"})
        return True

    def action_cancel(self):
        """Cancel confirmed inspections and remove what their findings created,
        unless an appraisal it reaches is already decided."""
        self._check_officer()
        findings = self.finding_ids
        decided = findings.adjustment_id.appraisal_id.filtered(
            lambda a: a.state in DECIDED_STATES
        )
        for finding in findings.filtered("event_id"):
            decided |= finding._get_decided_veto_appraisals()
        if decided:
            raise UserError(
                self.env._(
                    "The inspection cannot be cancelled: the appraisals %(appraisals)s "
                    "are already decided with its deductions or vetoes. Reopen them "
                    "first.",
                    appraisals=", ".join(decided.mapped("display_name")),
                )
            )
        # sudo: the state changes only through the actions
        self.sudo().write({"state": "cancelled"})
        findings.adjustment_id.unlink()
        findings.event_id.unlink()
        return True

    def action_reset_to_draft(self):
        self._check_officer()
        if any(inspection.state != "cancelled" for inspection in self):
            raise UserError(
                self.env._("Only cancelled inspections can be reset to draft.")
            )
        # sudo: the state changes only through the actions
        self.sudo().write({"state": "draft"})
        return True

    def action_open_findings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_inspection_finding_action"
        )
        action["domain"] = [("inspection_id", "=", self.id)]
        action["context"] = {"default_inspection_id": self.id}
        return action

    @api.model
    def _veto_months(self, date):
        """First days of the months a veto dated ``date`` applies to (to the end
        of the year)."""
        start = date.replace(day=1)
        return start, start + relativedelta(month=12, day=31)


class HrKpiRuleSet(models.Model):
    """The rules of public-service inspections: what each severity of
    finding deducts, and which findings are vetoes."""

    _inherit = "hr.kpi.rule.set"

    inspection_points_minor = fields.Float(
        string="Deduction for a minor finding",
        default=1.0,
        help="Points deducted by a minor public-service inspection finding.",
    )
    inspection_points_moderate = fields.Float(
        string="Deduction for a moderate finding", default=3.0
    )
    inspection_points_serious = fields.Float(
        string="Deduction for a serious finding", default=5.0
    )
    inspection_veto_severity = fields.Selection(
        [("none", "Never"), ("serious", "Serious findings")],
        string="Inspection findings that are vetoes",
        default="none",
        required=True,
        help="Findings of this severity propose a veto event (lowest level) "
        "instead of a deduction; the HR officer can change it per finding.",
    )
