from odoo import api, fields, models

from ..const import DECIDED_STATES, LEVELS_DESC, NOT_EVALUATED
from .hr_kpi_report_form import paginate, percent, text_lines, vn_month


class ReportAgencySummary(models.AbstractModel):
    """Mẫu số 02A – agency summary of a month: one row per unit, with the
    count and share per level, the quota and whether the unit sent its summary
    (Mẫu 01A) on time."""

    _name = "report.l10n_vn_hr_kpi.report_agency_summary"
    _inherit = "hr.kpi.report.form"
    _description = "KPI agency summary (Mẫu 02A)"

    @api.model
    def _get_form_data(self, period, department=None, date=None):
        department = department or self.env["hr.department"]
        Unit = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]
        appraisals = Unit._scope_appraisals(period, department)
        rows, level_counts = self._kpi_unit_rows(period, appraisals)
        head = Unit._head_of(period.company_id, department, appraisals)
        return self._kpi_form(period, department, date, rows, level_counts, head)

    @api.model
    def _kpi_unit_rows(self, period, appraisals):
        """The rows of the units of ``appraisals`` (the caller checked that
        they may be read), by unit name, and the count of each level over
        them: what a background job of a company's 02A computes for its units
        (plain values, stored on the job's unit)."""
        today = fields.Date.context_today(self)
        Quota = self.env["hr.kpi.quota"]
        rows = []
        level_counts = dict.fromkeys(LEVELS_DESC, 0)
        # counted by unit, quota group and level in one _read_group: no
        # appraisal is read
        # sudo: whole scope read; access checked per appraisal by the caller
        by_unit = Quota._unit_groups(appraisals.sudo())
        # the sending of these units only: a job of the company's 02A reads
        # its own units' summaries, not the whole month's
        status = period._kpi_summary_status(
            today, self.env["hr.department"].union(*(unit for unit, _g in by_unit))
        )[period.id]
        for number, (unit, groups) in enumerate(by_unit, start=1):
            # a month not evaluated is no rating: out of the counts and shares;
            # the level counted is the decided one, else the one being decided
            # (report_unit_summary._summary_level)
            unit_levels = dict.fromkeys(LEVELS_DESC, 0)
            evaluated = not_evaluated = 0
            for _rule_set, _group, state, final, proposed, computed, count in groups:
                if state == NOT_EVALUATED:
                    not_evaluated += count
                    continue
                evaluated += count
                if state in DECIDED_STATES:
                    level = final
                else:
                    level = final or proposed or computed
                if level in unit_levels:
                    unit_levels[level] += count
            for level, count in unit_levels.items():
                level_counts[level] += count
            results = Quota._check_counts(groups)
            holds = all(result.holds for result in results)
            excellent = sum(result.count for result in results)
            cap = sum(result.cap for result in results)
            summary, late = status.get(unit.sudo(False), (None, False))
            if summary and summary.state == "sent":
                sent = summary.date_sent
                sent_text = f"Đã gửi {sent.strftime('%d/%m/%Y')}" if sent else "Đã gửi"
                if late:
                    sent_text += " (muộn)"
            elif late:
                sent_text = "Chưa gửi (quá hạn)"
            else:
                sent_text = "Chưa gửi"
            row = {
                "number": number,
                "unit": unit.name,
                "count": evaluated,
                "not_evaluated": not_evaluated,
                "levels": [
                    {
                        "key": level,
                        "count": unit_levels[level],
                        "percent": percent(unit_levels[level], evaluated),
                    }
                    for level in LEVELS_DESC
                ],
                "quota_excellent": excellent,
                "quota_cap": cap,
                "quota_holds": holds,
                "quota_status": (
                    f"Đảm bảo ({excellent}/{cap})"
                    if holds
                    else f"Vượt tỷ lệ ({excellent}/{cap})"
                ),
                "sent": sent_text,
                "late": late,
            }
            rows.append(row)
        # the rows counted every appraisal with a level (no rating: not counted)
        level_counts["__total"] = sum(row["count"] for row in rows)
        return rows, level_counts

    @api.model
    def _kpi_form(self, period, department, date, rows, level_counts, head):
        """The form's data from the units' ``rows`` and ``level_counts`` (see
        _kpi_unit_rows; rows of several jobs are numbered again here)."""
        department = department or self.env["hr.department"]
        for number, row in enumerate(rows, start=1):
            row["number"] = number
        total = level_counts.get("__total", 0)
        company = period.company_id
        header = self._form_header(company, department, date)
        deadline = period._kpi_summary_deadline()
        user = self.env.user
        return {
            "period": period,
            "department": department,
            "header": header,
            "form_code": "Mẫu số 02A",
            "title": "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CỦA CÁC ĐƠN VỊ",
            "period_label": vn_month(period.date_start),
            "unit": department.name or company.name,
            "level_columns": self._level_columns(),
            "rows": rows,
            "total": total,
            "total_levels": [
                {
                    "key": level,
                    "count": level_counts.get(level, 0),
                    "percent": percent(level_counts.get(level, 0), total),
                }
                for level in LEVELS_DESC
            ],
            "quota_over": [row["unit"] for row in rows if not row["quota_holds"]],
            "deadline": deadline and deadline.strftime("%d/%m/%Y"),
            "late_units": [row["unit"] for row in rows if row["late"]],
            "recipients": [
                r
                for r in (header["superior"] and f"{header['superior']};", "Lưu: VT.")
                if r
            ],
            "preparer": user.employee_id.name or user.name,
            "head": head,
        }

    @api.model
    def _row_lines(self, row):
        return max(2, text_lines(row["unit"], 40), text_lines(row["sent"], 16))

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        periods = self.env["hr.kpi.period"].browse(data.get("period_id") or docids)
        department = self.env["hr.department"].browse(data.get("department_id") or [])
        date = fields.Date.to_date(data.get("date"))
        forms = [self._get_form_data(p, department, date) for p in periods]
        for form in forms:
            form["pages"] = paginate(form["rows"], self._row_lines, 24, 36)
        return {
            "doc_ids": docids,
            "doc_model": "hr.kpi.period",
            "docs": periods,
            "forms": forms,
            **self._helpers(),
        }
