from odoo import api, fields, models
from odoo.exceptions import UserError


class HrKpiDecision(models.TransientModel):
    """The unit's KPI and key results on the head's decision screen: the
    evidence for the leader inputs (d, đ) and for the quota exception."""

    _inherit = "hr.kpi.decision"

    unit_kpi_id = fields.Many2one("hr.kpi.unit.kpi", compute="_compute_unit_kpi_id")
    unit_kpi_percent = fields.Float(
        string="Unit KPI (%)", compute="_compute_unit_kpi_id"
    )
    unit_kr_attainment = fields.Float(
        string="Key results attainment (%)", compute="_compute_unit_kpi_id"
    )
    unit_kr_summary = fields.Text(string="Key results", compute="_compute_unit_kpi_id")
    unit_organisation_proposed = fields.Float(
        string="Proposed đ (%)", compute="_compute_unit_kpi_id"
    )
    unit_is_outstanding = fields.Boolean(
        string="Outstanding unit", compute="_compute_unit_kpi_id"
    )

    @api.depends("period_id", "department_id")
    def _compute_unit_kpi_id(self):
        units = self.env["hr.kpi.unit.kpi"].search(
            [
                ("period_id", "in", self.period_id.ids),
                ("department_id", "in", self.department_id.ids),
            ]
        )
        for decision in self:
            unit = units.filtered(
                lambda u, d=decision: (
                    u.period_id == d.period_id and u.department_id == d.department_id
                )
            )[:1]
            decision.unit_kpi_id = unit
            decision.unit_kpi_percent = unit.kpi_percent
            decision.unit_kr_attainment = unit.kr_attainment
            decision.unit_kr_summary = unit.kr_summary
            decision.unit_organisation_proposed = unit.organisation_proposed
            decision.unit_is_outstanding = unit.is_outstanding

    def action_compute_unit_kpi(self):
        self.ensure_one()
        self.env["hr.kpi.unit.kpi"]._compute_for(self.department_id, self.period_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_decide(self):
        for decision in self:
            if (
                decision.exception_id
                and decision.unit_kpi_id
                and not decision.unit_is_outstanding
            ):
                raise UserError(
                    self.env._(
                        "The exception quota is for outstanding units: the KPI of "
                        "%(unit)s this month does not make it one.",
                        unit=decision.department_id.name,
                    )
                )
        return super().action_decide()
