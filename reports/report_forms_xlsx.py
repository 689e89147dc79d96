"""The official forms as XLSX report actions (OCA ``report_xlsx``).

Each form has, beside its PDF, an ``ir.actions.report`` of type ``xlsx`` whose
report model below renders the *same* data: the PDF report model's
``_get_form_data``, written by ``KpiXlsxBuilder`` into the workbook that
``report_xlsx`` creates (with ``WORKBOOK_OPTIONS``: user text never becomes a
formula or a link). They are bound to the *Print* menu of the appraisal (sheet,
work list), the period (Mẫu 01A, Mẫu 02A) and the unit summary (its Mẫu 01A);
the print wizard returns them too.

``data`` may carry what the wizard chose (``date``, ``period_id``,
``department_id``, ``appraisal_ids``); without it the records printed are
the ones selected. The rights are those of the PDF: ``_get_form_data`` reads
as the user (and the summaries check the whole scope).
"""

from odoo import api, fields, models

from .hr_kpi_xlsx import WORKBOOK_OPTIONS, KpiXlsxBuilder


class KpiFormXlsx(models.AbstractModel):
    _name = "report.l10n_vn_hr_kpi.form_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "KPI official form as XLSX"

    def get_workbook_options(self):
        return dict(WORKBOOK_OPTIONS)

    @api.model
    def _kpi_form(self):
        """The key of the form in ``FORM_BUILDERS``: by default the report's
        name, ``report.l10n_vn_hr_kpi.report_<form>_xlsx``."""
        return self._name.removeprefix("report.l10n_vn_hr_kpi.report_").removesuffix(
            "_xlsx"
        )

    @api.model
    def _kpi_form_data(self, data, records):
        """The dicts of the form's ``_get_form_data`` for ``records``."""
        raise NotImplementedError()

    @api.model
    def _kpi_date(self, data):
        return fields.Date.to_date(data.get("date"))

    def generate_xlsx_report(self, workbook, data, objs):
        forms = self._kpi_form_data(data or {}, objs)
        KpiXlsxBuilder(workbook).add_forms(self._kpi_form(), forms)


class KpiAppraisalFormXlsx(models.AbstractModel):
    """A form printed per appraisal: the records are appraisals."""

    _name = "report.l10n_vn_hr_kpi.appraisal_form_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.form_xlsx"
    _description = "KPI form printed per appraisal, as XLSX"

    @api.model
    def _kpi_form_data(self, data, records):
        appraisals = self.env["hr.kpi.appraisal"].browse(
            data.get("appraisal_ids") or records.ids
        )
        report = self.env["report.l10n_vn_hr_kpi.report_" + self._kpi_form()]
        return report._get_form_data(appraisals, self._kpi_date(data))


class ReportAppraisalSheetXlsx(models.AbstractModel):
    _name = "report.l10n_vn_hr_kpi.report_appraisal_sheet_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.appraisal_form_xlsx"
    _description = "Evaluation sheet (XLSX)"


class ReportTaskListXlsx(models.AbstractModel):
    _name = "report.l10n_vn_hr_kpi.report_task_list_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.appraisal_form_xlsx"
    _description = "Work list (XLSX)"


class KpiPeriodFormXlsx(models.AbstractModel):
    """A summary of a period, for a unit and its sub-units (the whole company
    without one): the records are periods."""

    _name = "report.l10n_vn_hr_kpi.period_form_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.form_xlsx"
    _description = "KPI summary of a period, as XLSX"

    @api.model
    def _kpi_form_data(self, data, records):
        periods = self.env["hr.kpi.period"].browse(data.get("period_id") or records.ids)
        department = self.env["hr.department"].browse(data.get("department_id") or [])
        report = self.env["report.l10n_vn_hr_kpi.report_" + self._kpi_form()]
        date = self._kpi_date(data)
        return [report._get_form_data(period, department, date) for period in periods]


class ReportUnitSummaryXlsx(models.AbstractModel):
    _name = "report.l10n_vn_hr_kpi.report_unit_summary_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.period_form_xlsx"
    _description = "Unit summary, Mẫu 01A (XLSX)"


class ReportAgencySummaryXlsx(models.AbstractModel):
    _name = "report.l10n_vn_hr_kpi.report_agency_summary_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.period_form_xlsx"
    _description = "Agency summary, Mẫu 02A (XLSX)"


class ReportUnitSummarySentXlsx(models.AbstractModel):
    """The Mẫu 01A of a unit summary record (hr.kpi.unit.summary): its unit
    and period."""

    _name = "report.l10n_vn_hr_kpi.report_unit_summary_sent_xlsx"
    _inherit = "report.l10n_vn_hr_kpi.form_xlsx"
    _description = "Mẫu 01A of a unit summary record (XLSX)"

    @api.model
    def _kpi_form(self):
        return "unit_summary"

    @api.model
    def _kpi_form_data(self, data, records):
        report = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]
        date = self._kpi_date(data)
        return [
            report._get_form_data(summary.period_id, summary.department_id, date)
            for summary in records
        ]
