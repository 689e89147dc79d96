"""What the official forms share: the Vietnamese labels (the forms are always
printed in Vietnamese, whatever the user's language), the header, the place and
date line, and number formatting.

Each form has one report model ``report.l10n_vn_hr_kpi.<form>`` whose
``_get_form_data`` builds its rows and totals; the QWeb template and the XLSX
builder both render that data and compute nothing themselves.
"""

from odoo import api, fields, models
from odoo.tools import float_round

from ..const import LEVEL_LABELS_VI, LEVEL_LETTERS, LEVEL_SHORT_VI, LEVELS_DESC

# Fixed Vietnamese labels of the official forms (not translated on purpose).
DENOMINATOR_VI = {
    "good": "số được xếp loại HTTNV",
    "good_excellent": "số được xếp loại HTTNV và HTXSNV",
    "all": "tổng số được xếp loại",
}
NATIONAL_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_SLOGAN = "Độc lập - Tự do - Hạnh phúc"


def level_text(level, letter=True):
    """``A – Hoàn thành xuất sắc nhiệm vụ`` (or the label alone)."""
    if not level:
        return ""
    label = LEVEL_LABELS_VI[level]
    return f"{LEVEL_LETTERS[level]} – {label}" if letter else label


def vn_date(date):
    """``ngày 05 tháng 6 năm 2026``: days below 10 and months 1 and 2 take a
    leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    if not date:
        return "ngày … tháng … năm …"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def vn_month(date):
    return f"Tháng {date.month} năm {date.year}" if date else ""


def vn_number(value, digits=2):
    """Vietnamese number: decimal comma, thousands dot, trailing zeros dropped."""
    if value is None or value is False:
        return ""
    value = float_round(value, precision_digits=digits)
    text = f"{value:,.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def paginate(rows, weight, first, rest):
    """Split ``rows`` into pages for the PDF: wkhtmltopdf neither repeats a
    table's header nor keeps a row whole across pages, so each page gets its own
    table. ``weight(row)`` estimates the row's printed lines; ``first`` and
    ``rest`` are the lines that fit on the first and the next pages."""
    pages, page, used, budget = [], [], 0, first
    for row in rows:
        lines = weight(row)
        if page and used + lines > budget:
            pages.append(page)
            page, used, budget = [], 0, rest
        page.append(row)
        used += lines
    pages.append(page)
    return pages


def text_lines(text, width):
    """Printed lines of ``text`` in a column of ``width`` characters."""
    return max(1, -(-len(text or "") // width) + (text or "").count("\n"))


def percent(part, whole, digits=2):
    return float_round(100.0 * part / whole, precision_digits=digits) if whole else 0.0


class HrKpiReportForm(models.AbstractModel):
    _name = "hr.kpi.report.form"
    _description = "KPI official forms: shared helpers"

    @api.model
    def _form_header(self, company, department=None, date=None):
        """Header of a form: governing body and agency (upper case), the place
        and date line, and the superior body the summaries go to."""
        # sudo: names printed in the header of the form
        company = company.sudo()
        # sudo: names printed in the header of the form
        department = (department or self.env["hr.department"]).sudo()
        superior = company.kpi_superior_body or company.parent_id.name or ""
        if department and department.parent_id:
            parent, agency = company.name, department.name
        else:
            parent, agency = superior, company.name
        place = company.kpi_report_place or company.city or ""
        date = date or fields.Date.context_today(self)
        date_line = vn_date(date)
        return {
            "parent": (parent or "").upper(),
            "agency": (agency or "").upper(),
            "motto": NATIONAL_MOTTO,
            "slogan": NATIONAL_SLOGAN,
            "place_date": f"{place}, {date_line}" if place else date_line.capitalize(),
            "superior": superior,
            "company": company.name,
        }

    @api.model
    def _level_columns(self):
        return [
            {
                "key": level,
                "letter": LEVEL_LETTERS[level],
                "short": LEVEL_SHORT_VI[level],
                "label": LEVEL_LABELS_VI[level],
            }
            for level in LEVELS_DESC
        ]

    @api.model
    def _version_notes(self, appraisal):
        """The notes of a result's versions on its forms:
        the correction decision a corrected result carries, and the version
        that replaced a result replaced. ``appraisal`` is read by the caller
        (its access checked); its environment gives the language."""
        _ = appraisal.env._
        # sudo: the decision and the version it replaced, printed on the form
        # of a result the reader reads (checked by the caller)
        version = appraisal.sudo()
        notes = []
        if version.correction_ref:
            replaced = version.replaced_id
            values = {
                "ref": version.correction_ref,
                "date": version.correction_date
                and version.correction_date.strftime("%d/%m/%Y"),
                "version": replaced.version or version.version - 1,
                "level": level_text(replaced.level_final),
                "score": vn_number(replaced.total_score),
            }
            if values["date"]:
                notes.append(
                    _(
                        "Corrected by decision No. %(ref)s of %(date)s, replacing "
                        "the result of version %(version)s (%(level)s, %(score)s "
                        "points).",
                        **values,
                    )
                )
            else:
                del values["date"]
                notes.append(
                    _(
                        "Corrected by decision No. %(ref)s, replacing the result of "
                        "version %(version)s (%(level)s, %(score)s points).",
                        **values,
                    )
                )
        if version.superseded_by_id:
            current = version.superseded_by_id
            notes.append(
                _(
                    "Replaced by version %(version)s (correction decision No. "
                    "%(ref)s): this result is no longer in force.",
                    version=current.version,
                    ref=current.correction_ref or "",
                )
            )
        return notes

    @api.model
    def _correction_short_note(self, appraisal):
        """``Corrected by decision No. X of D`` for a list's note column."""
        # sudo: the decision's number and date, printed for a result the
        # reader reads (checked by the caller)
        version = appraisal.sudo()
        if not version.correction_ref:
            return ""
        _ = appraisal.env._
        if version.correction_date:
            return _(
                "Corrected by decision No. %(ref)s of %(date)s",
                ref=version.correction_ref,
                date=version.correction_date.strftime("%d/%m/%Y"),
            )
        return _("Corrected by decision No. %(ref)s", ref=version.correction_ref)

    @api.model
    def _rule_set_status_note(self, rule_set):
        """``Pilot`` (thí điểm) for a rule set in pilot, printed on the forms."""
        if rule_set.status != "pilot":
            return ""
        return dict(rule_set._fields["status"]._description_selection(rule_set.env))[
            "pilot"
        ]

    @api.model
    def _reasons_lang(self):
        """Render the reasons in Vietnamese when the language is installed."""
        lang = self.env["res.lang"]._lang_get("vi_VN")
        return "vi_VN" if lang and lang.active else self.env.context.get("lang")

    @api.model
    def _kpi_appraisal_report_values(self, docids, data=None):
        """The values of a form printed per appraisal (phiếu, bảng kê, Mẫu 15):
        its ``_get_form_data`` on the appraisals, at the date ``data`` gives."""
        appraisals = self.env["hr.kpi.appraisal"].browse(docids)
        date = fields.Date.to_date((data or {}).get("date"))
        return {
            "doc_ids": docids,
            "doc_model": "hr.kpi.appraisal",
            "docs": appraisals,
            "forms": self._get_form_data(appraisals, date),
            **self._helpers(),
        }

    @api.model
    def _helpers(self):
        """Functions the QWeb templates call."""
        return {"vn_number": vn_number, "level_text": level_text}
