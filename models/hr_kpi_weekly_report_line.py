from odoo import api, fields, models
from odoo.exceptions import AccessError

# What a person may write on a line of a draft report: the rest comes from the
# tasks (lines are generated, in sudo, by the report).
NOTE_FIELDS = {"note"}


class HrKpiWeeklyReportLine(models.Model):
    _name = "hr.kpi.weekly.report.line"
    _description = "Task of a weekly report"
    _order = "report_id, bucket, deadline, id"

    report_id = fields.Many2one(
        "hr.kpi.weekly.report", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    task_id = fields.Many2one("hr.kpi.task", required=True, ondelete="cascade")
    name = fields.Char(related="task_id.name")
    bucket = fields.Selection(
        [("done", "Done"), ("in_progress", "In progress"), ("late", "Late")],
        required=True,
    )
    deadline = fields.Date()
    quantity = fields.Float()
    completed_quantity = fields.Float()
    is_late = fields.Boolean(string="Finished late")
    note = fields.Text()

    def _lines_error(self):
        return AccessError(
            self.env._(
                "The tasks of a weekly report come from the tasks themselves: "
                "only the note of a line of a draft report can be written."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise self._lines_error()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if set(vals) - NOTE_FIELDS:
                raise self._lines_error()
            for report in self.report_id:
                author = report.employee_id.user_id == self.env.user
                if report.state != "draft" or not (author or report._is_reviewer()):
                    raise self._lines_error()
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise self._lines_error()
        return super().unlink()
