"""Import a month's figures from the one-stop information system.

One CSV or XLSX file per month, one row per official, columns found by their
header (Vietnamese or English, see HEADERS). The official is matched by the
identification number, the badge barcode or the work e-mail of the employee.
All or nothing: every row is checked first and the message names every bad row
by its line number; re-importing a month replaces all of its figures."""

import base64
import io

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import DECIDED_STATES
from ..reports.hr_kpi_xlsx import WORKBOOK_OPTIONS, write_text

# Column key → accepted headers (compared without case, diacritics or
# punctuation; a header "A / B" matches if A or B does).
HEADERS = {
    "official": (
        "Official",
        "Official ID",
        "Employee",
        "Identification",
        "Identification No",
        "Barcode",
        "Badge",
        "Email",
        "Work email",
        "Mã cán bộ",
        "Mã CBCCVC",
        "Mã nhân viên",
        "Số định danh",
        "Số CCCD",
        "Email công vụ",
        "Thư điện tử",
    ),
    "name": ("Name", "Full name", "Họ và tên", "Họ tên", "Cán bộ"),
    "received": (
        "Received",
        "Files received",
        "Tiếp nhận",
        "Hồ sơ tiếp nhận",
        "Số hồ sơ tiếp nhận",
        "Đã tiếp nhận",
    ),
    "resolved": (
        "Resolved",
        "Files resolved",
        "Đã giải quyết",
        "Hồ sơ đã giải quyết",
        "Số hồ sơ đã giải quyết",
        "Giải quyết",
    ),
    "on_time": (
        "On time",
        "Resolved on time",
        "Đúng hạn",
        "Giải quyết đúng hạn",
        "Trước và đúng hạn",
        "Đúng và trước hạn",
    ),
    "overdue": ("Overdue", "Late", "Quá hạn", "Trễ hạn", "Hồ sơ quá hạn"),
    "satisfied": ("Satisfied", "Hài lòng", "Rất hài lòng"),
    "neutral": ("Neutral", "Bình thường", "Chấp nhận được"),
    "unsatisfied": (
        "Unsatisfied",
        "Dissatisfied",
        "Không hài lòng",
    ),
}
REQUIRED = ("official", "received", "resolved", "on_time", "overdue")
COUNT_KEYS = (
    "received",
    "resolved",
    "on_time",
    "overdue",
    "satisfied",
    "neutral",
    "unsatisfied",
)
# the most files of one official in a month (beyond it, a typo or a wrong
# column; far below the database's integer limit)
MAX_FILES = 100_000
# headers of the template: Vietnamese first, as the one-stop system prints them
TEMPLATE_HEADERS = (
    ("official", "Mã cán bộ / Official ID"),
    ("name", "Họ và tên / Name"),
    ("received", "Hồ sơ tiếp nhận / Received"),
    ("resolved", "Đã giải quyết / Resolved"),
    ("on_time", "Giải quyết đúng hạn / On time"),
    ("overdue", "Quá hạn / Overdue"),
    ("satisfied", "Hài lòng / Satisfied"),
    ("neutral", "Bình thường / Neutral"),
    ("unsatisfied", "Không hài lòng / Unsatisfied"),
)


class HrKpiOnestopImport(models.TransientModel):
    _name = "hr.kpi.onestop.import"
    _inherit = ["hr.kpi.import.mixin"]
    _description = "Import one-stop figures of a month"

    period_id = fields.Many2one(
        "hr.kpi.period",
        string="Month",
        required=True,
        default=lambda self: self._default_period_id(),
    )
    company_id = fields.Many2one(related="period_id.company_id")
    data_file = fields.Binary(string="File (CSV or XLSX)", attachment=False)
    filename = fields.Char()
    template_file = fields.Binary(attachment=False, readonly=True)
    template_filename = fields.Char(default="mot_cua_thang.xlsx")
    existing_count = fields.Integer(
        string="Figures already imported", compute="_compute_existing_count"
    )

    @api.model
    def _default_period_id(self):
        context = self.env.context
        if context.get("active_model") == "hr.kpi.period":
            return context.get("active_id")
        return False

    @api.depends("period_id")
    def _compute_existing_count(self):
        Stat = self.env["hr.kpi.onestop.stat"]
        for wizard in self:
            wizard.existing_count = (
                Stat.search_count([("period_id", "=", wizard.period_id.id)])
                if wizard.period_id
                else 0
            )

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------

    def _build_template(self):
        import xlsxwriter

        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        sheet = workbook.add_worksheet("Mot cua")
        for col, (_key, label) in enumerate(TEMPLATE_HEADERS):
            write_text(sheet, 0, col, label, bold)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, len(TEMPLATE_HEADERS) - 1, 16)
        write_text(sheet, 1, 0, "CB0001")
        write_text(sheet, 1, 1, self.env._("Example official"))
        for col, number in enumerate((40, 38, 36, 2, 30, 5, 1), start=2):
            sheet.write_number(1, col, number)
        workbook.close()
        return buffer.getvalue()

    def action_download_template(self):
        self.ensure_one()
        self.template_file = base64.b64encode(self._build_template())
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}"
            f"&field=template_file&filename_field=template_filename&download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def _map_columns(self, header):
        """{column key: index} of the header row, and the missing keys."""
        aliases = {
            self._kpi_normalize(alias): key
            for key, names in HEADERS.items()
            for alias in names
        }
        columns = {}
        for index, cell in enumerate(header):
            for part in self._text(cell).split("/"):
                key = aliases.get(self._kpi_normalize(part))
                if key and key not in columns:
                    columns[key] = index
                    break
        return columns, [key for key in REQUIRED if key not in columns]

    def _match_officials(self, company):
        """Normalised identifiers (identification number, barcode, work e-mail)
        → employees of ``company`` carrying them."""
        # sudo: the identifiers of the company's staff, read to match the rows
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_fetch(
                [("company_id", "=", company.id)],
                ["identification_id", "barcode", "work_email"],
            )
        )
        index = {}
        for employee in employees:
            for value in {
                employee.identification_id,
                employee.barcode,
                employee.work_email,
            }:
                if value:
                    key = value.strip().lower()
                    index[key] = index.get(key, employee.browse()) | employee
        return index

    def _parse(self, rows):
        """Check every row; return (values per row, errors)."""
        _ = self.env._
        header_number, header = next(
            ((n, v) for n, v in rows if any(self._text(c) for c in v)), (1, [])
        )
        columns, missing = self._map_columns(header)
        if missing:
            labels = dict(TEMPLATE_HEADERS)
            return [], [
                _(
                    "Line %(row)s: the columns %(columns)s are missing.",
                    row=header_number,
                    columns=", ".join(labels[key] for key in missing),
                )
            ]
        officials = self._match_officials(self.period_id.company_id)
        parsed, errors, seen = [], [], {}
        for number, values in rows:
            if number <= header_number or not any(self._text(v) for v in values):
                continue

            def cell(key, values=values):
                index = columns.get(key)
                if index is None or index >= len(values):
                    return None
                return values[index]

            row_errors = []
            token = self._text(cell("official"))
            employee = officials.get(token.lower()) if token else None
            if not token:
                row_errors.append(
                    _("Line %(row)s: the official is missing.", row=number)
                )
            elif not employee:
                row_errors.append(
                    _(
                        "Line %(row)s: no official has the identification number, "
                        "barcode or work e-mail '%(value)s'.",
                        row=number,
                        value=token,
                    )
                )
            elif len(employee) > 1:
                row_errors.append(
                    _(
                        "Line %(row)s: several officials match '%(value)s'.",
                        row=number,
                        value=token,
                    )
                )
            elif employee.id in seen:
                row_errors.append(
                    _(
                        "Line %(row)s: %(official)s is already on line %(first)s.",
                        row=number,
                        official=employee.name,
                        first=seen[employee.id],
                    )
                )
            else:
                seen[employee.id] = number
            counts = {}
            for key in COUNT_KEYS:
                raw = cell(key)
                value = self._kpi_number(raw, MAX_FILES, integer=True)
                if value is None:
                    row_errors.append(
                        _(
                            "Line %(row)s: '%(value)s' in %(column)s is not a whole "
                            "number from 0 to %(max)s.",
                            row=number,
                            value=self._text(raw),
                            column=dict(TEMPLATE_HEADERS)[key],
                            max=MAX_FILES,
                        )
                    )
                    continue
                counts[key] = int(value)
            if (
                len(counts) == len(COUNT_KEYS)
                and counts["on_time"] > counts["resolved"]
            ):
                row_errors.append(
                    _(
                        "Line %(row)s: more files resolved on time (%(on_time)s) "
                        "than resolved (%(resolved)s).",
                        row=number,
                        on_time=counts["on_time"],
                        resolved=counts["resolved"],
                    )
                )
            if row_errors:
                errors += row_errors
                continue
            parsed.append((number, employee, counts))
        return parsed, errors

    def _check_decided(self, employees, line_of):
        """Errors for the officials whose appraisal of the month is decided:
        their figures can no longer change."""
        # sudo: a decided appraisal blocks the import, readable or not
        decided = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(
                [
                    ("period_id", "=", self.period_id.id),
                    ("employee_id", "in", employees.ids),
                    ("state", "in", DECIDED_STATES),
                ]
            )
        )
        return [
            self.env._(
                "Line %(row)s: the appraisal %(appraisal)s is already decided; its "
                "figures can no longer change.",
                row=line_of.get(appraisal.employee_id.id, "-"),
                appraisal=appraisal.display_name,
            )
            for appraisal in decided
        ]

    def action_import(self):
        self.ensure_one()
        _ = self.env._
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            raise AccessError(_("Only an HR officer imports one-stop figures."))
        if not self.data_file:
            raise UserError(_("Choose the file to import."))
        rows = self._kpi_read_table(self.data_file)
        parsed, errors = self._parse(rows)
        if not parsed and not errors:
            raise UserError(_("The file has no row to import."))
        Stat = self.env["hr.kpi.onestop.stat"]
        old = Stat.search([("period_id", "=", self.period_id.id)])
        employees = old.employee_id
        line_of = {}
        for number, employee, _counts in parsed:
            employees |= employee
            line_of[employee.id] = number
        errors += self._check_decided(employees, line_of)
        self._kpi_raise_errors(errors)
        batch = _(
            "%(file)s imported on %(date)s by %(user)s",
            file=self.filename or _("file"),
            date=fields.Datetime.to_string(fields.Datetime.now()),
            user=self.env.user.name,
        )
        # the month is replaced as a whole, in this transaction
        old.unlink()
        stats = Stat.create(
            [
                {
                    "period_id": self.period_id.id,
                    "employee_id": employee.id,
                    "batch_ref": batch,
                    **counts,
                }
                for _number, employee, counts in parsed
            ]
        )
        Stat._apply_to_appraisals(self.period_id, employees)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_onestop_stat_action"
        )
        action["domain"] = [("id", "in", stats.ids)]
        return action
