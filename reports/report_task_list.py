from odoo import api, models

from .hr_kpi_report_form import paginate, percent, text_lines, vn_month, vn_number

# (column number, label) of the work table, as numbered on the form
TASK_COLUMNS = (
    ("1", "STT"),
    ("2", "Tên công việc, sản phẩm"),
    ("3", "Đơn vị tính / Hệ số"),
    ("4", "Số lượng công việc phải thực hiện"),
    ("5", "Số lượng quy đổi"),
    ("6", "Đã hoàn thành"),
    ("7", "Chưa hoàn thành"),
    ("8", "Hoàn thành đạt tiến độ"),
    ("9", "Hoàn thành chậm tiến độ"),
)
NUMBER_KEYS = ("quantity", "converted", "completed", "not_completed", "on_time", "late")
# the quantities that are only added up within one unit of measure
UOM_KEYS = ("quantity", "completed", "not_completed", "on_time", "late")


class ReportTaskList(models.AbstractModel):
    """PL-Mẫu số 02 – Bảng kê công việc of an appraisal's period."""

    _name = "report.l10n_vn_hr_kpi.report_task_list"
    _inherit = "hr.kpi.report.form"
    _description = "KPI work list (Mẫu 02)"

    @api.model
    def _task_row(self, task):
        completed = min(task.completed_quantity, task.quantity)
        late = completed if task.delay_count else 0.0
        return {
            "name": task.name,
            "uom": task.uom_name or "",
            "coefficient": task.coefficient,
            "quantity": task.quantity,
            "converted": task.converted_quantity,
            "completed": completed,
            "not_completed": task.quantity - completed,
            "on_time": completed - late,
            "late": late,
        }

    @api.model
    def _get_form_data(self, appraisals, date=None):
        """One dict per appraisal: the counted tasks whose deadline falls in the
        period, with the totals and the on-time and late rates."""
        appraisals.check_access("read")
        appraisals._kpi_check_detail_readable()
        # sudo: whole scope read; access checked per appraisal
        tasks = (
            self.env["hr.kpi.task"]
            .sudo()
            .search(
                [("appraisal_id", "in", appraisals.ids), ("is_counted", "=", True)],
                order="deadline, id",
            )
            .grouped("appraisal_id")
        )
        forms = []
        for appraisal in appraisals:
            rows = []
            # sudo: whole scope read; access checked per appraisal
            for number, task in enumerate(
                tasks.get(appraisal.sudo(), self.env["hr.kpi.task"]), start=1
            ):
                rows.append(dict(self._task_row(task), number=number))
            totals = self._totals(rows)
            forms.append(
                {
                    "appraisal": appraisal,
                    "header": self._form_header(
                        appraisal.company_id, appraisal.department_id, date
                    ),
                    "form_code": "PL-Mẫu số 02",
                    "title": "BẢNG KÊ CÔNG VIỆC",
                    "period": vn_month(appraisal.period_id.date_start),
                    "name": appraisal.employee_id.name,
                    "position": appraisal.job_title or "",
                    "department": appraisal.department_id.name or "",
                    "columns": TASK_COLUMNS,
                    "rows": rows,
                    "totals": totals,
                    "signatures": [
                        {"title": "NGƯỜI KÊ KHAI", "name": appraisal.employee_id.name},
                        {
                            "title": "NGƯỜI QUẢN LÝ TRỰC TIẾP",
                            "name": appraisal.evaluator_employee_id.name or "",
                        },
                    ],
                }
            )
        return forms

    @api.model
    def _totals(self, rows):
        """The totals of the work list: the number of tasks (done, not done,
        on time, late) and the quantities per unit of measure, never one sum
        of different units; the converted quantity (standard products) is the
        only quantity added up across units."""
        totals = {key: sum(row[key] for row in rows) for key in NUMBER_KEYS}
        by_uom = {}
        for row in rows:
            uom = by_uom.setdefault(
                row["uom"], {"uom": row["uom"], **dict.fromkeys(UOM_KEYS, 0.0)}
            )
            for key in UOM_KEYS:
                uom[key] += row[key]
        done = [row for row in rows if row["not_completed"] <= 0]
        late = sum(1 for row in done if row["late"])
        totals.update(
            count=len(rows),
            count_not_completed=len(rows) - len(done),
            count_completed=len(done),
            count_on_time=len(done) - late,
            count_late=late,
            on_time_rate=percent(len(done) - late, len(done)),
            late_rate=percent(late, len(done)),
            by_uom=list(by_uom.values()),
        )
        for key in UOM_KEYS:
            # "12 hồ sơ, 3 buổi": what the count means in each unit
            totals[f"{key}_by_uom"] = ", ".join(
                f"{vn_number(uom[key])} {uom['uom']}".strip()
                for uom in totals["by_uom"]
                if uom[key]
            )
        return totals

    @api.model
    def _row_lines(self, row):
        return max(text_lines(row["name"], 45), text_lines(row["uom"], 10))

    @api.model
    def _get_report_values(self, docids, data=None):
        values = self._kpi_appraisal_report_values(docids, data)
        for form in values["forms"]:
            form["pages"] = paginate(form["rows"], self._row_lines, 22, 34)
        return values
