from odoo import fields, models


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
