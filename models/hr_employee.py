from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    kpi_event_ids = fields.One2many(
        "hr.kpi.employee.event",
        "employee_id",
        string="Discipline and conclusion events",
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
    )
    kpi_event_count = fields.Integer(
        compute="_compute_kpi_event_count", groups="l10n_vn_hr_kpi.group_kpi_hr_officer"
    )

    def _compute_kpi_event_count(self):
        counts = dict(
            self.env["hr.kpi.employee.event"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.kpi_event_count = counts.get(employee, 0)

    def action_open_kpi_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_employee_event_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action
