from odoo import api, fields, models
from odoo.exceptions import UserError

# form key -> (report model / QWeb template name, PDF report action xml id,
# XLSX report action xml id: reports/hr_kpi_reports_xlsx.xml)
FORMS = {
    "appraisal_sheet": (
        "l10n_vn_hr_kpi.report_appraisal_sheet",
        "l10n_vn_hr_kpi.action_report_appraisal_sheet",
        "l10n_vn_hr_kpi.action_report_appraisal_sheet_xlsx",
    ),
    "task_list": (
        "l10n_vn_hr_kpi.report_task_list",
        "l10n_vn_hr_kpi.action_report_task_list",
        "l10n_vn_hr_kpi.action_report_task_list_xlsx",
    ),
    "unit_summary": (
        "l10n_vn_hr_kpi.report_unit_summary",
        "l10n_vn_hr_kpi.action_report_unit_summary",
        "l10n_vn_hr_kpi.action_report_unit_summary_xlsx",
    ),
    "agency_summary": (
        "l10n_vn_hr_kpi.report_agency_summary",
        "l10n_vn_hr_kpi.action_report_agency_summary",
        "l10n_vn_hr_kpi.action_report_agency_summary_xlsx",
    ),
}
PER_APPRAISAL = ("appraisal_sheet", "task_list")


class HrKpiReportWizard(models.TransientModel):
    _name = "hr.kpi.report.wizard"
    _description = "Print the official KPI forms"

    @api.model
    def _default_appraisal_ids(self):
        if self.env.context.get("active_model") == "hr.kpi.appraisal":
            return [fields.Command.set(self.env.context.get("active_ids") or [])]
        return []

    @api.model
    def _default_period_id(self):
        appraisal_ids = self.env.context.get("active_ids")
        if self.env.context.get("active_model") == "hr.kpi.appraisal" and appraisal_ids:
            return self.env["hr.kpi.appraisal"].browse(appraisal_ids[:1]).period_id
        return self.env["hr.kpi.period"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )

    period_id = fields.Many2one(
        "hr.kpi.period", required=True, default=_default_period_id
    )
    company_id = fields.Many2one(related="period_id.company_id")
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        domain="[('company_id', 'in', (company_id, False))]",
        help="The unit and its sub-units; leave empty for the whole agency.",
    )
    form = fields.Selection(
        [
            ("appraisal_sheet", "Evaluation sheet (01A-CC / 01B-LĐ)"),
            ("task_list", "Work list (Mẫu 02)"),
            ("unit_summary", "Unit summary (Mẫu 01A)"),
            ("agency_summary", "Agency summary (Mẫu 02A)"),
        ],
        required=True,
        default=lambda self: (
            "appraisal_sheet"
            if self.env.context.get("active_model") == "hr.kpi.appraisal"
            else "unit_summary"
        ),
    )
    file_format = fields.Selection(
        [("pdf", "PDF"), ("xlsx", "Excel (XLSX)")],
        string="Format",
        required=True,
        default="pdf",
    )
    date_report = fields.Date(
        string="Date on the form",
        required=True,
        default=fields.Date.context_today,
    )
    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal",
        string="Appraisals",
        default=_default_appraisal_ids,
        help="Appraisals to print; empty: those of the period and unit you can read.",
    )

    def _get_appraisals(self):
        self.ensure_one()
        if self.appraisal_ids:
            return self.appraisal_ids
        domain = [("period_id", "=", self.period_id.id)]
        if self.department_id:
            domain.append(("department_id", "child_of", self.department_id.id))
        return self.env["hr.kpi.appraisal"].search(domain)

    def action_print(self):
        """The report action of the chosen form in the chosen format (PDF or
        the XLSX of report_xlsx): both render the report model's
        ``_get_form_data``."""
        self.ensure_one()
        if self.form == "agency_summary" and not self.department_id:
            # the whole company: from its threshold, prepared by background
            # jobs (an XLSX on the run); the HR officer's
            action = self.period_id._kpi_company_pass_if_large("agency_summary")
            if action:
                return action
        _template, pdf_ref, xlsx_ref = FORMS[self.form]
        report = self.env.ref(pdf_ref if self.file_format == "pdf" else xlsx_ref)
        date = fields.Date.to_string(self.date_report)
        if self.form in PER_APPRAISAL:
            appraisals = self._get_appraisals()
            if not appraisals:
                raise UserError(self.env._("There is no appraisal to print."))
            data = {"date": date}
            if self.file_format == "xlsx":
                # report_xlsx passes ``data`` instead of the records when any
                data["appraisal_ids"] = appraisals.ids
            return report.report_action(appraisals, data=data, config=False)
        # check the rights now rather than in the file's request
        self.env["report.l10n_vn_hr_kpi.report_unit_summary"]._scope_appraisals(
            self.period_id, self.department_id
        )
        data = {
            "period_id": self.period_id.id,
            "department_id": self.department_id.id,
            "date": date,
        }
        return report.report_action(self.period_id, data=data, config=False)
