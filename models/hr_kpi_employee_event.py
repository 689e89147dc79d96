from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import DECIDED_STATES, VETO_ARTICLES


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
    # Public-service inspections: the finding that created the veto;
    # only the inspection changes or removes it
    inspection_finding_id = fields.Many2one(
        "hr.kpi.inspection.finding",
        string="Inspection finding",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
    )

    # What the vetoes of the appraisals read.
    _KPI_VETO_FIELDS = frozenset({"employee_id", "event_type", "date", "decision_ref"})

    @api.model
    def _kpi_check_frozen_reach(self, pairs):
        """Refuse when an event of ``pairs`` ((employee id, date) of an event
        before or after the change) reaches a decided appraisal: an event
        applies from the month of its decision to the end of that year, and
        from ``decided`` on an appraisal's scores are frozen."""
        pairs = {(e, d) for e, d in pairs if e and d}
        if not pairs:
            return
        # sudo: a decided appraisal blocks the change, readable or not
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", list({e for e, _d in pairs})),
                    ("state", "in", DECIDED_STATES),
                    (
                        "period_start",
                        ">=",
                        min(d for _e, d in pairs).replace(month=1, day=1),
                    ),
                ]
            )
        )
        for appraisal in appraisals:
            for employee_id, day in pairs:
                if (
                    appraisal.employee_id.id == employee_id
                    and appraisal.period_start.year == day.year
                    and appraisal.period_id.date_end >= day
                ):
                    appraisal._kpi_check_frozen(
                        self.env._("the disciplinary and conclusion events")
                    )

    def _kpi_reach(self):
        return [(e.employee_id.id, e.date) for e in self]

    @api.model_create_multi
    def create(self, vals_list):
        self._kpi_check_frozen_reach(
            (vals.get("employee_id"), fields.Date.to_date(vals.get("date")))
            for vals in vals_list
        )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self.filtered("inspection_finding_id"):
            raise UserError(
                self.env._(
                    "This veto comes from a public-service inspection: cancel the "
                    "inspection to change it."
                )
            )
        if set(vals) & self._KPI_VETO_FIELDS:
            before = self._kpi_reach()
            after = [
                (
                    vals.get("employee_id", e),
                    fields.Date.to_date(vals["date"]) if "date" in vals else d,
                )
                for e, d in before
            ]
            self._kpi_check_frozen_reach(before + after)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self._kpi_check_frozen_reach(self._kpi_reach())

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
