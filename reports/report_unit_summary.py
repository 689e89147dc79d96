from odoo import api, fields, models
from odoo.tools import float_round

from ..const import (
    DECIDED_STATES,
    LEVEL_LABELS_VI,
    LEVEL_LETTERS,
    LEVEL_SHORT_VI,
    LEVELS_DESC,
    NOT_EVALUATED,
    SUBJECT_GROUP_VI,
)
from .hr_kpi_report_form import (
    DENOMINATOR_VI,
    paginate,
    percent,
    text_lines,
    vn_month,
    vn_number,
)

SUBJECT_ORDER = {key: rank for rank, key in enumerate(SUBJECT_GROUP_VI)}
# why a month is not evaluated, as the forms print it
NOT_EVALUATED_VI = {
    "long_leave": "nghỉ dài ngày",
    "training": "đi đào tạo, bồi dưỡng",
    "maternity": "nghỉ thai sản",
    "sick_leave": "nghỉ ốm",
    "new_appointment": "mới bổ nhiệm, tuyển dụng chưa đủ 01 tháng",
    "inspection": "đang bị thanh tra, kiểm tra",
    "other": "lý do khác",
}
SUMMARY_COLUMNS = (
    ("1", "STT"),
    ("2", "Họ và tên"),
    ("3", "Chức vụ / Vị trí việc làm"),
    ("4", "Phòng / Bộ phận"),
    ("5", "Nhóm đối tượng"),
    ("6", "Điểm tự chấm"),
    ("7", "Điểm người quản lý"),
    ("8", "Điểm quyết định"),
    ("9", "Mức xếp loại"),
    ("10", "Lý do hạ mức"),
    ("11", "Ghi chú"),
)


def _clamped(value):
    return float_round(max(0.0, min(100.0, value)), precision_digits=2)


class ReportUnitSummary(models.AbstractModel):
    """Mẫu số 01A – unit summary of a month (danh sách tổng hợp kết quả đánh giá,
    xếp loại), sent to the superior body."""

    _name = "report.l10n_vn_hr_kpi.report_unit_summary"
    _inherit = "hr.kpi.report.form"
    _description = "KPI unit summary (Mẫu 01A)"

    @api.model
    def _scope_appraisals(self, period, department=None):
        """The appraisals of the period in the unit and its sub-units (the whole
        company without a unit). The user must be able to read every one of them:
        a summary never leaves people out silently."""
        domain = [("period_id", "=", period.id)]
        if department:
            domain.append(("department_id", "child_of", department.id))
        # sudo: whole scope read; access checked per appraisal
        appraisals = self.env["hr.kpi.appraisal"].sudo().search(domain)
        appraisals = appraisals.sudo(False)
        appraisals.check_access("read")
        return appraisals

    @api.model
    def _sort_key(self, appraisal):
        return (
            appraisal.department_id.complete_name or "",
            SUBJECT_ORDER.get(appraisal.subject_group, 99),
            appraisal.employee_id.name or "",
            appraisal.id,
        )

    @api.model
    def _quota_lines(self, appraisals):
        """One line per unit and quota group: excellent count against the cap."""
        lines = []
        Quota = self.env["hr.kpi.quota"]
        # sudo: whole scope read; access checked per appraisal
        for department, members in appraisals.sudo().grouped("department_id").items():
            for result in Quota._check(members):
                unit = department.name or ""
                if result.task_group:
                    unit = f"{unit} – nhóm {result.task_group}"
                text = (
                    f"{unit}: {result.count} HTXSNV / tối đa {result.cap} "
                    f"({vn_number(result.percent)}% × {result.denominator} "
                    f"{DENOMINATOR_VI.get(result.denominator_mode, '')})"
                )
                lines.append(
                    {
                        "unit": unit,
                        "count": result.count,
                        "cap": result.cap,
                        "percent": result.percent,
                        "denominator": result.denominator,
                        "holds": result.holds,
                        "status": "Đảm bảo tỷ lệ"
                        if result.holds
                        else "Vượt tỷ lệ khống chế",
                        "text": text,
                    }
                )
        return lines

    @api.model
    def _level_counts(self, levels):
        total = len(levels)
        return [
            {
                "key": level,
                "letter": LEVEL_LETTERS[level],
                "short": LEVEL_SHORT_VI[level],
                "label": LEVEL_LABELS_VI[level],
                "count": levels.count(level),
                "percent": percent(levels.count(level), total),
            }
            for level in LEVELS_DESC
        ]

    @api.model
    def _head_of(self, company, department, appraisals):
        return self._head_employee_of(company, department, appraisals).name or ""

    @api.model
    def _head_employee_of(self, company, department, appraisals):
        """The head who signs the form of ``department`` (the agency, the
        root unit of the appraisals, without one)."""
        # sudo: names printed in the header and signatures
        department = department.sudo()
        if not department and appraisals:
            # sudo: the agency (root unit) printed in the header
            root_id = int(appraisals[:1].sudo().department_id.parent_path.split("/")[0])
            # sudo: the agency (root unit) printed in the header
            department = self.env["hr.department"].sudo().browse(root_id)
        return department.kpi_decider_id or department.manager_id

    @api.model
    def _summary_level(self, appraisal):
        """The level a summary counts: the decided one, else the one being
        decided (as the quota does)."""
        if appraisal.state in DECIDED_STATES:
            return appraisal.level_final
        return appraisal.level_decision

    @api.model
    def _get_form_data(self, period, department=None, date=None):
        department = department or self.env["hr.department"]
        appraisals = self._scope_appraisals(period, department)
        appraisals = appraisals.with_context(lang=self._reasons_lang()).sorted(
            self._sort_key
        )
        rows = []
        levels = []
        for number, appraisal in enumerate(appraisals, start=1):
            decided = appraisal.state in DECIDED_STATES
            not_evaluated = appraisal.state == NOT_EVALUATED
            level = self._summary_level(appraisal)
            if not not_evaluated:
                # a month not evaluated is in no count of levels
                levels.append(level)
            adjustment = appraisal.adjustment_score
            notes = []
            if not_evaluated:
                reason = NOT_EVALUATED_VI.get(appraisal.not_evaluated_reason_type)
                notes.append(
                    f"Không đánh giá ({reason})" if reason else "Không đánh giá"
                )
            elif not decided:
                notes.append("Chưa quyết định")
            if appraisal.state in ("appeal_open",):
                notes.append("Đang kiến nghị")
            correction = self._correction_short_note(appraisal)
            if correction:
                notes.append(correction)
            rows.append(
                {
                    "number": number,
                    "name": appraisal.employee_id.name,
                    "position": appraisal.job_title or "",
                    "department": appraisal.department_id.name or "",
                    "subject_group": SUBJECT_GROUP_VI.get(appraisal.subject_group, ""),
                    "self_score": None
                    if not_evaluated
                    else _clamped(
                        appraisal.general_self_score + appraisal.task_score + adjustment
                    ),
                    "evaluator_score": None
                    if not_evaluated
                    else _clamped(
                        appraisal.general_evaluator_score
                        + appraisal.task_score
                        + adjustment
                    ),
                    "final_score": appraisal.total_score if decided else None,
                    "level": level or "",
                    "level_letter": LEVEL_LETTERS.get(level, ""),
                    "level_label": LEVEL_LABELS_VI.get(level, ""),
                    "reasons": ""
                    if not_evaluated
                    else appraisal._kpi_lowering_reasons(level if decided else False),
                    "note": "; ".join(notes),
                    "not_evaluated": not_evaluated,
                }
            )
        quota = self._quota_lines(appraisals)
        company = period.company_id
        header = self._form_header(company, department, date)
        recipient = header["parent"] and (
            header["superior"] if not department.parent_id else company.name
        )
        user = self.env.user
        return {
            "period": period,
            "department": department,
            "header": header,
            "form_code": "Mẫu số 01A",
            "title": "DANH SÁCH TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI",
            "subtitle": "Cán bộ, công chức, viên chức và người lao động",
            "period_label": vn_month(period.date_start),
            "unit": department.name or company.name,
            "columns": SUMMARY_COLUMNS,
            "rows": rows,
            "total": len(rows),
            "levels": self._level_counts(levels),
            "undecided": sum(
                1
                for row in rows
                if row["final_score"] is None and not row["not_evaluated"]
            ),
            "not_evaluated": sum(1 for row in rows if row["not_evaluated"]),
            "quota": quota,
            "quota_holds": all(line["holds"] for line in quota),
            "recipients": [r for r in (recipient and f"{recipient};", "Lưu: VT.") if r],
            "preparer": user.employee_id.name or user.name,
            "head": self._head_of(company, department, appraisals),
        }

    @api.model
    def _forms_from(self, docids, data):
        data = data or {}
        periods = self.env["hr.kpi.period"].browse(data.get("period_id") or docids)
        department = self.env["hr.department"].browse(data.get("department_id") or [])
        date = fields.Date.to_date(data.get("date"))
        return [self._get_form_data(period, department, date) for period in periods]

    @api.model
    def _row_lines(self, row):
        return max(
            text_lines(row["name"], 18),
            text_lines(row["position"], 17),
            text_lines(row["department"], 17),
            text_lines(f"{row['level_letter']} – {row['level_label']}", 20),
            text_lines(row["reasons"], 18),
            text_lines(row["note"], 12),
        )

    @api.model
    def _get_report_values(self, docids, data=None):
        forms = self._forms_from(docids, data)
        for form in forms:
            form["pages"] = paginate(form["rows"], self._row_lines, 24, 36)
        return {
            "doc_ids": docids,
            "doc_model": "hr.kpi.period",
            "docs": self.env["hr.kpi.period"].browse(docids),
            "forms": forms,
            **self._helpers(),
        }
