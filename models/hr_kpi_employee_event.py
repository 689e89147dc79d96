from odoo import api, fields, models

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
