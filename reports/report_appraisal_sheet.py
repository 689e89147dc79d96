from odoo import api, models

from ..const import LEADER_SUBJECT_GROUPS
from .hr_kpi_report_form import level_text, vn_month

SHEET_TITLES = {
    "public_employee": "PHIẾU THEO DÕI, ĐÁNH GIÁ VIÊN CHỨC",
    "contract_worker": "PHIẾU THEO DÕI, ĐÁNH GIÁ NGƯỜI LAO ĐỘNG",
}
SHEET_TITLE = "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC"
TASK_ITEMS = (
    ("a", "Khối lượng công việc hoàn thành (số lượng)", "kpi_quantity"),
    ("b", "Chất lượng công việc hoàn thành", "kpi_quality"),
    ("c", "Tiến độ hoàn thành công việc", "kpi_progress"),
)
LEADER_ITEMS = (
    (
        "d",
        "Kết quả hoạt động của cơ quan, đơn vị được giao lãnh đạo, quản lý",
        "kpi_unit_result",
    ),
    ("đ", "Năng lực tổ chức triển khai thực hiện nhiệm vụ", "kpi_organisation"),
    ("e", "Năng lực tập hợp, đoàn kết", "kpi_cohesion"),
)


class ReportAppraisalSheet(models.AbstractModel):
    """Phiếu theo dõi, đánh giá: PL-Mẫu số 01A-CC (staff) / 01B-LĐ (leaders)."""

    _name = "report.l10n_vn_hr_kpi.report_appraisal_sheet"
    _inherit = "hr.kpi.report.form"
    _description = "KPI evaluation sheet (01A-CC / 01B-LĐ)"

    @api.model
    def _get_form_data(self, appraisals, date=None):
        """One dict per appraisal: header, identity, criteria, task block, total,
        comments, levels and signatures. Reads as the current user."""
        appraisals.check_access("read")
        appraisals._kpi_check_detail_readable()
        lang = self._reasons_lang()
        appraisals = appraisals.with_context(lang=lang)
        # prefetch the lines and their criteria for the whole batch
        appraisals.line_ids.criterion_id.parent_id.mapped("name")
        forms = []
        for appraisal in appraisals:
            rule_set = appraisal.rule_set_id
            is_leader = appraisal.subject_group in LEADER_SUBJECT_GROUPS
            criteria = []
            parent = None
            for line in appraisal.line_ids:
                group = line.criterion_id.parent_id
                if group and group != parent:
                    parent = group
                    criteria.append(
                        {
                            "code": group.code or "",
                            "name": group.name,
                            "max": group.max_points or None,
                            "self": None,
                            "final": None,
                            "is_group": True,
                        }
                    )
                criteria.append(
                    {
                        "code": line.code or str(line.sequence),
                        "name": line.name,
                        "max": line.max_points,
                        "self": line.self_points,
                        "final": line.final_points,
                        "is_group": False,
                    }
                )
            items = TASK_ITEMS + (
                LEADER_ITEMS
                if is_leader and rule_set.leader_task_strategy == "abcdde"
                else ()
            )
            task_rows = [
                {"code": code, "name": name, "value": appraisal[fname]}
                for code, name, fname in items
            ]
            forms.append(
                {
                    "appraisal": appraisal,
                    "header": self._form_header(
                        appraisal.company_id, appraisal.department_id, date
                    ),
                    "form_code": "PL-Mẫu số 01B-LĐ"
                    if is_leader
                    else "PL-Mẫu số 01A-CC",
                    "title": SHEET_TITLES.get(appraisal.subject_group, SHEET_TITLE),
                    "period": vn_month(appraisal.period_id.date_start),
                    "is_leader": is_leader,
                    "name": appraisal.employee_id.name,
                    "position_label": "Chức vụ, chức danh"
                    if is_leader
                    else "Vị trí việc làm/nhiệm vụ được phân công chuyên trách",
                    "position": appraisal.job_title or "",
                    "department": appraisal.department_id.name or "",
                    "general_max": rule_set.general_max,
                    "task_max": rule_set.task_max,
                    "criteria": criteria,
                    "general_self": appraisal.general_self_score,
                    "general_final": appraisal.general_score,
                    "task_rows": task_rows,
                    "task_divisor": len(items),
                    "kpi_percent": appraisal.kpi_percent,
                    "task_score": appraisal.task_score,
                    "adjustment": appraisal.adjustment_score,
                    "has_adjustment": bool(
                        appraisal.adjustment_bonus or appraisal.adjustment_deduction
                    ),
                    "total": appraisal.total_score,
                    "strengths": appraisal.strengths or "",
                    "weaknesses": appraisal.weaknesses or "",
                    "level_self": level_text(appraisal.level_self),
                    "evaluator_comment": appraisal.evaluator_comment or "",
                    "level_proposed": level_text(appraisal.level_proposed),
                    "decider_comment": appraisal.decider_comment or "",
                    # the employee's own sheet shows the decision once published
                    "level_final": level_text(
                        # sudo: only for an appraiser of this appraisal (checked)
                        appraisal.sudo().level_final
                        if appraisal._is_appraiser()
                        else appraisal.result_level
                    ),
                    # every lowering, the decision's once the reader sees it
                    "level_reasons": appraisal._kpi_lowering_reasons(
                        # sudo: only for an appraiser of this appraisal (checked)
                        appraisal.sudo().level_final
                        if appraisal._is_appraiser()
                        else appraisal.result_level
                    ),
                    # a corrected result, or one replaced by a correction
                    "version_notes": self._version_notes(appraisal),
                    "status_note": self._rule_set_status_note(rule_set),
                    "signatures": [
                        {
                            "title": "CÁ NHÂN TỰ ĐÁNH GIÁ",
                            "name": appraisal.employee_id.name,
                        },
                        {
                            "title": "NGƯỜI QUẢN LÝ TRỰC TIẾP",
                            "name": appraisal.evaluator_employee_id.name or "",
                        },
                        {
                            "title": "THỦ TRƯỞNG ĐƠN VỊ",
                            "name": appraisal.decider_employee_id.name or "",
                        },
                    ],
                }
            )
        return forms

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._kpi_appraisal_report_values(docids, data)
