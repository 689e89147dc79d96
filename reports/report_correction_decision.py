"""The correction decision (quyết định điều chỉnh, thay thế kết quả; the
"Mẫu 15" of the 2026 local regimes): the document a correction by replacement
decision issues. Printed from the corrected version of a
month's result; it names the result it replaces, the corrected level and
score, the reason, and who signs."""

from odoo import api, models
from odoo.exceptions import UserError

from .hr_kpi_report_form import level_text, vn_date, vn_month, vn_number

STAFF_NOUN = {
    "civil_servant": "công chức",
    "public_employee": "viên chức",
    "contract_worker": "người lao động",
}


class ReportCorrectionDecision(models.AbstractModel):
    _name = "report.l10n_vn_hr_kpi.report_correction_decision"
    _inherit = "hr.kpi.report.form"
    _description = "KPI correction decision (replacement of a result)"

    @api.model
    def _get_form_data(self, appraisals, date=None):
        """One dict per corrected version. Reads as the current user: the
        decision names the scores, so only who reads the details prints it."""
        appraisals.check_access("read")
        appraisals._kpi_check_detail_readable()
        not_corrected = appraisals.filtered(lambda a: not a.correction_ref)
        if not_corrected:
            raise UserError(
                self.env._(
                    "%(names)s: only a result corrected by a replacement decision "
                    "has a correction decision to print.",
                    names=", ".join(not_corrected.mapped("display_name")),
                )
            )
        forms = []
        for appraisal in appraisals:
            # sudo: the version it replaced and the names printed, for a
            # result whose details the reader reads (checked above)
            version = appraisal.sudo()
            replaced = version.replaced_id
            noun = STAFF_NOUN.get(version.staff_category, "công chức")
            rule_set = version.rule_set_id
            signer = (
                version.decided_by_id.employee_ids[:1] or version.decider_employee_id
            )
            forms.append(
                {
                    "form_code": "Mẫu số 15",
                    "header": self._form_header(
                        version.company_id,
                        version.department_id,
                        version.correction_date or date,
                    ),
                    "number": version.correction_ref,
                    "title": "QUYẾT ĐỊNH",
                    "subject": (
                        "Về việc điều chỉnh kết quả đánh giá, xếp loại chất lượng "
                        f"{noun} {vn_month(version.period_start).lower()} đối với "
                        f"{version.employee_id.name}"
                    ),
                    "bases": [
                        f"Căn cứ {rule_set.name};" if rule_set else "",
                        "Căn cứ kết quả đánh giá, xếp loại đã công bố"
                        + (
                            f" {vn_date(replaced.published_date)};"
                            if replaced.published_date
                            else ";"
                        ),
                        "Xét lý do điều chỉnh: " + (version.correction_reason or ""),
                    ],
                    "name": version.employee_id.name,
                    "position": version.job_title or "",
                    "department": version.department_id.name or "",
                    "period": vn_month(version.period_start),
                    "old_level": level_text(replaced.level_final),
                    "old_score": vn_number(replaced.total_score),
                    "old_version": replaced.version,
                    "new_level": level_text(version.level_final),
                    "new_score": vn_number(version.total_score),
                    "reason": version.correction_reason or "",
                    "date": vn_date(version.correction_date),
                    "signatures": [
                        {
                            "title": "NGƯỜI CÓ THẨM QUYỀN QUYẾT ĐỊNH",
                            "hint": "(Ký, ghi rõ họ tên, đóng dấu)",
                            "name": signer.name or "",
                        }
                    ],
                    "recipients": [
                        version.employee_id.name,
                        "Bộ phận tổ chức cán bộ",
                        "Lưu: VT, hồ sơ đánh giá",
                    ],
                }
            )
        return forms

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._kpi_appraisal_report_values(docids, data)
