import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..reports.hr_kpi_xlsx import build_xlsx

# form key -> (report model / QWeb template name, report action xml id, file name)
FORMS = {
    "appraisal_sheet": (
        "l10n_vn_hr_kpi.report_appraisal_sheet",
        "l10n_vn_hr_kpi.action_report_appraisal_sheet",
        "Phieu_danh_gia",
    ),
    "task_list": (
        "l10n_vn_hr_kpi.report_task_list",
        "l10n_vn_hr_kpi.action_report_task_list",
        "Bang_ke_cong_viec",
    ),
    "unit_summary": (
        "l10n_vn_hr_kpi.report_unit_summary",
        "l10n_vn_hr_kpi.action_report_unit_summary",
        "Mau_01A",
    ),
    "agency_summary": (
        "l10n_vn_hr_kpi.report_agency_summary",
        "l10n_vn_hr_kpi.action_report_agency_summary",
        "Mau_02A",
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
    xlsx_file = fields.Binary(string="File", readonly=True, attachment=False)
    xlsx_filename = fields.Char(readonly=True)

    def _get_appraisals(self):
        self.ensure_one()
        if self.appraisal_ids:
            return self.appraisal_ids
        domain = [("period_id", "=", self.period_id.id)]
        if self.department_id:
            domain.append(("department_id", "child_of", self.department_id.id))
        return self.env["hr.kpi.appraisal"].search(domain)

    def _get_forms(self):
        """The data of the chosen form (the same dicts the PDF renders)."""
        self.ensure_one()
        report = self.env["report." + FORMS[self.form][0]]
        if self.form in PER_APPRAISAL:
            return report._get_form_data(self._get_appraisals(), self.date_report)
        return [
            report._get_form_data(self.period_id, self.department_id, self.date_report)
        ]

    def _filename(self):
        parts = [
            FORMS[self.form][2],
            self.period_id.date_start.strftime("%Y-%m"),
        ]
        if self.department_id:
            parts.append(self.department_id.name)
        return "_".join(parts).replace("/", "-").replace(" ", "_") + ".xlsx"

    def action_print(self):
        self.ensure_one()
        if self.form == "agency_summary" and not self.department_id:
            # the whole company: from its threshold, prepared by background
            # jobs (an XLSX on the run); the HR officer's
            action = self.period_id._kpi_company_pass_if_large("agency_summary")
            if action:
                return action
        template, action_ref, _name = FORMS[self.form]
        data = {
            "period_id": self.period_id.id,
            "department_id": self.department_id.id,
            "date": fields.Date.to_string(self.date_report),
        }
        if self.file_format == "pdf":
            report = self.env.ref(action_ref)
            if self.form in PER_APPRAISAL:
                appraisals = self._get_appraisals()
                if not appraisals:
                    raise UserError(self.env._("There is no appraisal to print."))
                return report.report_action(
                    appraisals, data={"date": data["date"]}, config=False
                )
            # check the rights now rather than in the PDF request
            self.env["report.l10n_vn_hr_kpi.report_unit_summary"]._scope_appraisals(
                self.period_id, self.department_id
            )
            return report.report_action(self.period_id, data=data, config=False)
        content = build_xlsx(self.form, self._get_forms())
        self.write(
            {
                "xlsx_file": base64.b64encode(content),
                "xlsx_filename": self._filename(),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/"
            f"{self.xlsx_filename}?download=true",
            "target": "download",
        }
