from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    kpi_rollup_count = fields.Integer(
        compute="_compute_kpi_rollup_count",
        string="Quarterly and annual results",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )

    def _compute_kpi_rollup_count(self):
        counts = dict(
            self.env["hr.kpi.rollup"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.kpi_rollup_count = counts.get(employee, 0)

    def action_open_kpi_rollups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_rollup_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"search_default_filter_year": 1}
        return action
