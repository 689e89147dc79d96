from odoo import api, fields, models
from odoo.exceptions import UserError

# Veto events and the article of NĐ 335/2025 each one applies.
VETO_ARTICLES = {
    "degradation": "NĐ 335/2025 Điều 20 khoản 4 điểm b",
    "discipline": "NĐ 335/2025 Điều 20 khoản 4 điểm c",
    "corruption": "NĐ 335/2025 Điều 20 khoản 4 điểm d",
}


class HrKpiEmployeeEvent(models.Model):
    _name = "hr.kpi.employee.event"
    _description = "Discipline or conclusion event of an employee"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, tracking=True, check_company=True
    )
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, precompute=True
    )
    event_type = fields.Selection(
        [
            ("discipline", "Disciplinary sanction (reprimand or more)"),
            (
                "degradation",
                "Conclusion of political, ethical or lifestyle degradation",
            ),
            ("corruption", "Corruption or waste in a unit under direct charge"),
        ],
        string="Type",
        required=True,
        tracking=True,
    )
    discipline_form = fields.Selection(
        [
            ("reprimand", "Reprimand"),
            ("warning", "Warning"),
            ("salary_reduction", "Salary step reduction"),
            ("demotion", "Demotion"),
            ("dismissal_from_post", "Dismissal from post"),
            ("dismissal", "Forced resignation"),
        ],
        help="Form of the disciplinary sanction.",
    )
    date = fields.Date(
        string="Decision date",
        required=True,
        index=True,
        tracking=True,
        help="Applies from the month of the decision to the end of that year.",
    )
    decision_ref = fields.Char(
        string="Decision reference", required=True, tracking=True
    )
    authority = fields.Char(string="Issued by")
    description = fields.Text()
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    article = fields.Char(compute="_compute_article")
    # Public-service inspections (issue #8): the finding that created the veto;
    # only the inspection changes or removes it
    inspection_finding_id = fields.Many2one(
        "hr.kpi.inspection.finding",
        string="Inspection finding",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
    )

    def write(self, vals):
        if not self.env.su and self.filtered("inspection_finding_id"):
            raise UserError(
                self.env._(
                    "This veto comes from a public-service inspection: cancel the "
                    "inspection to change it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_inspection(self):
        if any(
            e.inspection_finding_id.inspection_id.state not in (False, "cancelled")
            for e in self
        ):
            raise UserError(
                self.env._(
                    "This veto comes from a public-service inspection: cancel the "
                    "inspection to change it."
                )
            )

    def _compute_article(self):
        for event in self:
            event.article = VETO_ARTICLES.get(event.event_type, "")

    @api.depends("decision_ref", "event_type")
    def _compute_display_name(self):
        types = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"{event.decision_ref} – {types.get(event.event_type, '')}"
            )
