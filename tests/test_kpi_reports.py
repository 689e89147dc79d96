import io
import os
import subprocess
import tempfile
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, tagged

from .common import KpiCommon

PRINT_DATE = "2026-06-05"


def pdf_text(pdf):
    """The text of a PDF (pdftotext), whitespace collapsed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(pdf)
        path = handle.name
    try:
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", path, "-"],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout.decode()
    finally:
        os.unlink(path)
    return " ".join(out.split())


def render_report_action(env, action):
    """The file of a report action as the web client gets it: report_xlsx's
    handler sends ``data`` when the action has any, else the selected ids."""
    data = action.get("data") or None
    docids = None if data else action["context"].get("active_ids")
    content, kind = env["ir.actions.report"]._render(
        action["report_name"], docids, data
    )
    return content, kind


def xlsx_cells(content):
    """Every non-empty cell value of every sheet: {sheet title: [values]}."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [
            cell.value
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        for sheet in workbook.worksheets
    }


@tagged("post_install", "-at_install")
class TestKpiReports(KpiCommon, HttpCase):
    """The official forms as PDF and XLSX, from one data builder.

    An HttpCase: wkhtmltopdf fetches the report assets from the test server,
    which must share the test transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "kpi_superior_body": "UBND thành phố Hà Nội",
                "kpi_report_place": "Hà Đông",
                # sending without the head's signature (required by default:
                # tested in test_signature)
                "kpi_signature_required": False,
            }
        )
        cls.department.name = "Phòng Kinh tế – Hạ tầng – Đô thị"
        cls.emp_staff.name = "Nguyễn Thị Hồng Nhung"
        cls.emp_staff2.name = "Đặng Văn Khánh"
        cls.emp_leader.name = "Lê Minh Đức"
        for employee, job in (
            (cls.emp_staff, "Chuyên viên"),
            (cls.emp_staff2, "Chuyên viên"),
            (cls.emp_leader, "Phó Trưởng phòng"),
        ):
            employee.job_title = job
        # tasks: the worked example of test_kpi_scoring for the first staff member
        cls.make_task(cls.emp_staff, quantity=4, name="Soạn thảo văn bản")
        cls.make_task(
            cls.emp_staff,
            cls.product_k2,
            quantity=1,
            delays=1,
            name="Báo cáo tháng",
            date_done=date(2026, 5, 25),
        )
        cls.make_task(
            cls.emp_staff, cls.product_k15, quantity=2, errors=2, name="Quyết định"
        )
        cls.make_task(cls.emp_staff, quantity=1, done=0, name="Hồ sơ một cửa")
        cls.make_task(cls.emp_staff2, quantity=3, name="Tiếp công dân")
        common = {
            "evaluator_employee_id": cls.emp_leader.id,
            "decider_employee_id": cls.emp_head.id,
        }
        cls.appraisal_staff = cls.make_appraisal(cls.emp_staff, **common)
        cls.appraisal_staff2 = cls.make_appraisal(cls.emp_staff2, **common)
        cls.appraisal_leader = cls.make_appraisal(
            cls.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=cls.emp_head.id,
            decider_employee_id=cls.emp_head.id,
        )
        cls.set_general(cls.appraisal_staff, 27.5)
        cls.set_general(cls.appraisal_staff2, 30)
        cls.set_general(cls.appraisal_leader, 28)
        cls.appraisal_staff.write(
            {
                "strengths": "Chủ động, trách nhiệm",
                "weaknesses": "Còn chậm tiến độ",
                "level_self": "good",
            }
        )
        cls.appraisals = (
            cls.appraisal_staff | cls.appraisal_staff2 | cls.appraisal_leader
        )
        # decided: staff good, staff2 excellent (over the cap of 1 good → 0)
        cls.appraisal_staff.write({"state": "decided", "level_final": "good"})
        cls.appraisal_staff2.write({"state": "decided", "level_final": "excellent"})
        cls.empty_unit = cls.env["hr.department"].create(
            {
                "name": "Phòng Văn hóa – Xã hội",
                "company_id": cls.company.id,
                "parent_id": cls.department.id,
            }
        )
        cls.Report = cls.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )

    # ------------------------------------------------------------------

    def _pdf(self, report_ref, res_ids, data=None, user=None):
        Report = self.Report.with_user(user) if user else self.Report
        pdf, kind = Report._render_qweb_pdf(report_ref, res_ids, data)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf_text(pdf)

    def _xlsx(self, form, **vals):
        wizard = self.env["hr.kpi.report.wizard"].create(
            {
                "period_id": self.period.id,
                "form": form,
                "file_format": "xlsx",
                "date_report": PRINT_DATE,
                **vals,
            }
        )
        action = wizard.action_print()
        self.assertEqual(
            (action["type"], action["report_type"]), ("ir.actions.report", "xlsx")
        )
        content, kind = render_report_action(self.env, action)
        self.assertEqual(kind, "xlsx")
        cells = xlsx_cells(content)
        for values in cells.values():
            for value in values:
                self.assertFalse(
                    isinstance(value, str) and value.startswith("="), "no formula"
                )
        return cells

    def _assert_header(self, text):
        for heading in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Đông, ngày 05 tháng 6 năm 2026",
        ):
            self.assertIn(heading, text)

    # ------------------------------------------------------------------

    def test_appraisal_sheet_decided_level_before_publication(self):
        """The employee's own sheet shows the decided level only once it is
        published; the head who decided sees it at once (read as each user)."""
        Report = self.env["report.l10n_vn_hr_kpi.report_appraisal_sheet"]
        staff = self.appraisal_staff
        self.assertEqual(staff.state, "decided")
        (own,) = Report.with_user(self.user_staff)._get_form_data(
            staff.with_user(self.user_staff)
        )
        self.assertEqual(own["level_final"], "")
        (head,) = Report.with_user(self.user_head)._get_form_data(
            staff.with_user(self.user_head)
        )
        self.assertEqual(head["level_final"], "B – Hoàn thành tốt nhiệm vụ")
        staff.write({"state": "published"})
        (own,) = Report.with_user(self.user_staff)._get_form_data(
            staff.with_user(self.user_staff)
        )
        self.assertEqual(own["level_final"], "B – Hoàn thành tốt nhiệm vụ")

    def test_appraisal_sheet_pdf_and_xlsx(self):
        staff = self.appraisal_staff
        # the worked example: a 90 %, b 75 %, c 85 %, KPI 83.33 %, 58.33 points
        self.assertAlmostEqual(staff.task_score, 58.33)
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_appraisal_sheet",
            self.appraisals.ids,
            {"date": PRINT_DATE},
        )
        self._assert_header(text)
        for expected in (
            "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC",
            "PL-Mẫu số 01A-CC",
            "PL-Mẫu số 01B-LĐ",
            "Kỳ theo dõi, đánh giá: Tháng 5 năm 2026",
            "Nguyễn Thị Hồng Nhung",
            "Đặng Văn Khánh",
            "Lê Minh Đức",
            "KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO TIÊU CHÍ CHUNG",
            "KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
            "83,33",
            "58,33",
            "27,5",
            "Chủ động, trách nhiệm",
            "B – Hoàn thành tốt nhiệm vụ",
            "CÁ NHÂN TỰ ĐÁNH GIÁ",
            "NGƯỜI QUẢN LÝ TRỰC TIẾP",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "UBND THÀNH PHỐ HÀ NỘI",
            "KPI TEST WARD",
        ):
            self.assertIn(expected, text)
        self.assertIn(f"{staff.total_score:.2f}".replace(".", ","), text)
        # the leader's sheet has d, đ and e
        self.assertIn("Năng lực tập hợp, đoàn kết", text)

        cells = self._xlsx("appraisal_sheet", appraisal_ids=[Command.set(staff.ids)])
        (values,) = cells.values()
        self.assertIn("PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC", values)
        self.assertIn("Họ và tên: Nguyễn Thị Hồng Nhung", values)
        for number in (27.5, 83.33, 58.33, staff.total_score):
            self.assertIn(number, values)

    def test_task_list_pdf_and_xlsx(self):
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_task_list",
            self.appraisal_staff.ids,
            {"date": PRINT_DATE},
        )
        self._assert_header(text)
        for expected in (
            "BẢNG KÊ CÔNG VIỆC",
            "PL-Mẫu số 02",
            "Soạn thảo văn bản",
            "Báo cáo tháng",
            "Hồ sơ một cửa",
            "(9)",
            # tasks counted as tasks: 4 tasks, never a sum of
            # different units; the quantities per unit of measure beside
            "Tổng số công việc cần thực hiện trong kỳ: 4",
            "Tổng số công việc chưa hoàn thành: 1",
            "Tổng số công việc đã hoàn thành: 3",
            # 2 on time, 1 late (the report) of 3 done
            "Tổng số công việc hoàn thành đạt tiến độ: 2; tỷ lệ: 66,67%",
            "Tổng số công việc hoàn thành chậm tiến độ: 1; tỷ lệ: 33,33%",
            "Cộng theo đơn vị tính",
            "NGƯỜI KÊ KHAI",
        ):
            self.assertIn(expected, text)

        data = self.env["report.l10n_vn_hr_kpi.report_task_list"]._get_form_data(
            self.appraisal_staff
        )
        totals = data[0]["totals"]
        self.assertEqual(
            (totals["quantity"], totals["converted"], totals["completed"]),
            (8, 10, 7),
        )
        cells = self._xlsx(
            "task_list", appraisal_ids=[Command.set(self.appraisal_staff.ids)]
        )
        (values,) = cells.values()
        self.assertIn("Báo cáo tháng", values)
        for number in (10, 4, 3, 2, 66.67, 33.33):
            self.assertIn(number, values)

    def test_unit_summary_pdf_xlsx_counts_and_quota(self):
        form = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]._get_form_data(
            self.period, self.department
        )
        self.assertEqual(form["total"], 3)
        counts = {level["key"]: level["count"] for level in form["levels"]}
        # staff2 excellent (decided), staff good (decided), leader its computed level
        leader_level = self.appraisal_leader.level_decision
        expected = {"excellent": 1, "good": 1, "done": 0, "fail": 0}
        expected[leader_level] += 1
        self.assertEqual(counts, expected)
        percents = {level["key"]: level["percent"] for level in form["levels"]}
        self.assertEqual(
            percents["excellent"], round(100 * expected["excellent"] / 3, 2)
        )
        (quota,) = form["quota"]
        (result,) = self.env["hr.kpi.quota"]._check(self.appraisals)
        self.assertEqual(
            (quota["count"], quota["cap"], quota["holds"]),
            (result.count, result.cap, result.holds),
        )
        rows = {row["name"]: row for row in form["rows"]}
        self.assertEqual(
            rows["Nguyễn Thị Hồng Nhung"]["final_score"],
            self.appraisal_staff.total_score,
        )
        self.assertIsNone(rows["Lê Minh Đức"]["final_score"])  # not decided yet
        self.assertEqual(rows["Lê Minh Đức"]["note"], "Chưa quyết định")

        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_unit_summary",
            self.period.ids,
            {"department_id": self.department.id, "date": PRINT_DATE},
        )
        self._assert_header(text)
        for expected_text in (
            "Mẫu số 01A",
            "DANH SÁCH TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI",
            "Tháng 5 năm 2026",
            "Nguyễn Thị Hồng Nhung",
            "Đặng Văn Khánh",
            "Lê Minh Đức",
            "Hoàn thành xuất sắc nhiệm vụ",
            "NGƯỜI LẬP BIỂU",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "Nơi nhận:",
            f"{result.count} HTXSNV / tối đa {result.cap}",
            "Vượt tỷ lệ khống chế" if not result.holds else "Đảm bảo tỷ lệ",
            f"{self.appraisal_staff.total_score:.2f}".replace(".", ","),
        ):
            self.assertIn(expected_text, text)

        cells = self._xlsx("unit_summary", department_id=self.department.id)
        (values,) = cells.values()
        for value in (
            "Nguyễn Thị Hồng Nhung",
            "Mẫu số 01A",
            "B – Hoàn thành tốt nhiệm vụ",
            "A – Hoàn thành xuất sắc nhiệm vụ",
            self.appraisal_staff.total_score,
        ):
            self.assertIn(value, values)

    def test_empty_unit(self):
        form = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]._get_form_data(
            self.period, self.empty_unit
        )
        self.assertEqual((form["total"], form["rows"], form["quota"]), (0, [], []))
        self.assertTrue(all(level["percent"] == 0 for level in form["levels"]))
        data = {"department_id": self.empty_unit.id, "date": PRINT_DATE}
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_unit_summary", self.period.ids, data
        )
        self.assertIn("Không có cán bộ, công chức, viên chức được đánh giá", text)
        self.assertIn("PHÒNG VĂN HÓA – XÃ HỘI", text)
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_agency_summary", self.period.ids, data
        )
        self.assertIn("Không có đơn vị có người được đánh giá trong kỳ", text)
        cells = self._xlsx("unit_summary", department_id=self.empty_unit.id)
        (values,) = cells.values()
        self.assertIn(
            "Không có cán bộ, công chức, viên chức được đánh giá trong kỳ.", values
        )
        self._xlsx("agency_summary", department_id=self.empty_unit.id)

    def test_large_unit(self):
        """300 people: counts, percentages and quota; one PDF and one XLSX."""
        unit = self.env["hr.department"].create(
            {"name": "Trung tâm Phục vụ hành chính công", "company_id": self.company.id}
        )
        employees = (
            self.env["hr.employee"]
            .with_company(self.company)
            .create(
                [
                    {"name": f"Nguyễn Văn Số {i:03d}", "department_id": unit.id}
                    for i in range(300)
                ]
            )
        )
        levels = ["excellent"] * 30 + ["good"] * 150 + ["done"] * 100 + ["fail"] * 20
        self.env["hr.kpi.appraisal"].create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": self.period.id,
                    "rule_set_id": self.period.rule_set_id.id,
                    "level_final": level,
                    "state": "decided",
                }
                for employee, level in zip(employees, levels, strict=True)
            ]
        )
        Unit = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]
        form = Unit._get_form_data(self.period, unit)
        self.assertEqual(form["total"], 300)
        self.assertEqual(
            [(lvl["count"], lvl["percent"]) for lvl in form["levels"]],
            [(30, 10.0), (150, 50.0), (100, 33.33), (20, 6.67)],
        )
        (quota,) = form["quota"]
        # 20 % × 150 HTTNV = 30: held
        self.assertEqual((quota["count"], quota["cap"], quota["holds"]), (30, 30, True))
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_unit_summary",
            self.period.ids,
            {"department_id": unit.id, "date": PRINT_DATE},
        )
        self.assertIn("Nguyễn Văn Số 000", text)
        self.assertIn("Nguyễn Văn Số 299", text)
        self.assertIn("30 HTXSNV / tối đa 30", text)
        cells = self._xlsx("unit_summary", department_id=unit.id)
        (values,) = cells.values()
        self.assertIn("Nguyễn Văn Số 299", values)
        self.assertIn(300, values)  # the last STT, a number
        # the agency summary: one row per unit, the whole company
        agency = self.env["report.l10n_vn_hr_kpi.report_agency_summary"]._get_form_data(
            self.period
        )
        by_unit = {row["unit"]: row for row in agency["rows"]}
        self.assertEqual(by_unit[unit.name]["count"], 300)
        self.assertEqual(
            [lvl["count"] for lvl in by_unit[unit.name]["levels"]], [30, 150, 100, 20]
        )
        self.assertEqual(agency["total"], 303)
        # a city's company is read unit by unit in chunks, the cache emptied
        # between them: every appraisal once, under its unit, units by name
        Quota = self.env["hr.kpi.quota"]
        appraisals = self.env["hr.kpi.appraisal"].search(
            [("period_id", "=", self.period.id)]
        )
        pairs = list(Quota._by_unit(appraisals, chunk_size=2))
        self.assertEqual(
            sorted(id_ for _unit, members in pairs for id_ in members.ids),
            sorted(appraisals.ids),
        )
        names = [unit.complete_name for unit, _members in pairs]
        self.assertEqual(names, sorted(names))
        self.assertEqual(len(names), len(set(names)))
        for unit, members in pairs:
            self.assertEqual(members.department_id, unit)
        # and the form read that way is the same
        by_unit_method = type(Quota)._by_unit

        def small_chunks(quota, records, chunk_size=10000):
            return by_unit_method(quota, records, chunk_size=2)

        with patch.object(type(Quota), "_by_unit", small_chunks):
            chunked = self.env[
                "report.l10n_vn_hr_kpi.report_agency_summary"
            ]._get_form_data(self.period)
        self.assertEqual(chunked["rows"], agency["rows"])

    @freeze_time("2026-06-15")
    def test_agency_summary_and_late_units(self):
        other = self.env["hr.department"].create(
            {"name": "Văn phòng HĐND và UBND", "company_id": self.company.id}
        )
        employee = (
            self.env["hr.employee"]
            .with_company(self.company)
            .create({"name": "Hoàng Thị Mai Anh", "department_id": other.id})
        )
        self.make_appraisal(employee)
        deadline = self.period._kpi_summary_deadline()
        self.assertEqual(deadline, self.period.date_summary)
        self.assertEqual(deadline, date(2026, 6, 10))
        Summary = self.env["hr.kpi.unit.summary"]
        summary = Summary.create(
            {"period_id": self.period.id, "department_id": self.department.id}
        )
        summary.date_sent = date(2026, 6, 8)
        summary.action_mark_sent()
        self.assertEqual(summary.state, "sent")
        self.assertFalse(summary.is_late)
        self.period.invalidate_recordset(["kpi_summary_late_department_ids"])
        self.assertEqual(self.period.kpi_summary_late_department_ids, other)
        self.assertEqual(self.period.kpi_summary_late_count, 1)

        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_agency_summary",
            self.period.ids,
            {"date": PRINT_DATE},
        )
        self._assert_header(text)
        for expected in (
            "Mẫu số 02A",
            "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CỦA CÁC ĐƠN VỊ",
            "Phòng Kinh tế – Hạ tầng – Đô thị",
            "Văn phòng HĐND và UBND",
            "Đã gửi 08/06/2026",
            "Chưa gửi (quá hạn)",
            "Đơn vị chậm gửi tổng hợp: Văn phòng HĐND và UBND",
            "Hạn gửi tổng hợp của các đơn vị: 10/06/2026",
        ):
            self.assertIn(expected, text)
        cells = self._xlsx("agency_summary")
        (values,) = cells.values()
        for value in ("Văn phòng HĐND và UBND", "Chưa gửi (quá hạn)", 4, 3, 1):
            self.assertIn(value, values)

        # sent late
        late = Summary.create({"period_id": self.period.id, "department_id": other.id})
        late.action_mark_sent()
        self.assertEqual(late.date_sent, date(2026, 6, 15))
        self.assertTrue(late.is_late)

    def test_wizard_pdf_actions(self):
        wizard = Form(
            self.env["hr.kpi.report.wizard"].with_context(
                active_model="hr.kpi.appraisal", active_ids=self.appraisal_staff.ids
            )
        ).save()
        self.assertEqual(wizard.form, "appraisal_sheet")
        self.assertEqual(wizard.period_id, self.period)
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["context"]["active_ids"], self.appraisal_staff.ids)
        wizard.write({"form": "agency_summary", "appraisal_ids": [Command.clear()]})
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "l10n_vn_hr_kpi.report_agency_summary")
        self.assertEqual(action["data"]["period_id"], self.period.id)

    def test_access(self):
        """Who cannot read an appraisal cannot print it, in any form."""
        staff2 = self.user_staff2
        with self.assertRaises(AccessError):
            self._pdf(
                "l10n_vn_hr_kpi.action_report_appraisal_sheet",
                self.appraisal_staff.ids,
                user=staff2,
            )
        with self.assertRaises(AccessError):
            self._pdf(
                "l10n_vn_hr_kpi.action_report_task_list",
                self.appraisal_staff.ids,
                user=staff2,
            )
        with self.assertRaises(AccessError):
            self._pdf(
                "l10n_vn_hr_kpi.action_report_unit_summary",
                self.period.ids,
                {"department_id": self.department.id},
                user=staff2,
            )
        wizard = (
            self.env["hr.kpi.report.wizard"]
            .with_user(staff2)
            .create(
                {
                    "period_id": self.period.id,
                    "form": "unit_summary",
                    "department_id": self.department.id,
                    "file_format": "xlsx",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_print()
        # the staff member prints his own sheet
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_appraisal_sheet",
            self.appraisal_staff2.ids,
            user=staff2,
        )
        self.assertIn("Đặng Văn Khánh", text)
        # the head prints the unit summary
        text = self._pdf(
            "l10n_vn_hr_kpi.action_report_unit_summary",
            self.period.ids,
            {"department_id": self.department.id},
            user=self.user_head,
        )
        self.assertIn("Nguyễn Thị Hồng Nhung", text)

    def _xlsx_of(self, report_ref, res_ids, data=None, user=None):
        """The cells of an XLSX report action rendered as ``user``."""
        Report = self.Report.with_user(user) if user else self.Report
        content, kind = Report._render(report_ref, res_ids, data)
        self.assertEqual(kind, "xlsx")
        return xlsx_cells(content)

    def test_xlsx_print_menu(self):
        """Every form prints as XLSX from the Print menu of its record: the
        appraisal (sheet, work list), the period (Mẫu 01A, 02A) and the unit
        summary (its Mẫu 01A), with the same data as the PDF."""
        bindings = {
            "action_report_appraisal_sheet_xlsx": "hr.kpi.appraisal",
            "action_report_task_list_xlsx": "hr.kpi.appraisal",
            "action_report_unit_summary_xlsx": "hr.kpi.period",
            "action_report_agency_summary_xlsx": "hr.kpi.period",
            "action_report_unit_summary_sent_xlsx": "hr.kpi.unit.summary",
        }
        for ref, model in bindings.items():
            action = self.env.ref(f"l10n_vn_hr_kpi.{ref}")
            self.assertEqual(
                (
                    action.report_type,
                    action.binding_model_id.model,
                    action.binding_type,
                ),
                ("xlsx", model, "report"),
            )
        # the selected records, without wizard data
        (values,) = self._xlsx_of(
            "l10n_vn_hr_kpi.action_report_appraisal_sheet_xlsx",
            self.appraisal_staff.ids,
        ).values()
        self.assertIn("Nguyễn Thị Hồng Nhung", values)
        self.assertIn("1. Ưu điểm: Chủ động, trách nhiệm", values)
        cells = self._xlsx_of(
            "l10n_vn_hr_kpi.action_report_task_list_xlsx", self.appraisals.ids
        )
        self.assertEqual(len(cells), 3)
        summary = self.env["hr.kpi.unit.summary"].create(
            {"period_id": self.period.id, "department_id": self.department.id}
        )
        (values,) = self._xlsx_of(
            "l10n_vn_hr_kpi.action_report_unit_summary_sent_xlsx", summary.ids
        ).values()
        (wizard_values,) = self._xlsx(
            "unit_summary", department_id=self.department.id
        ).values()
        self.assertIn("Mẫu số 01A", values)
        for name in ("Nguyễn Thị Hồng Nhung", "Đặng Văn Khánh", "Lê Minh Đức"):
            self.assertIn(name, values)
        # the same form: only the date line differs (today against PRINT_DATE)
        self.assertEqual(
            {v for v in values if not (isinstance(v, str) and "ngày" in v)},
            {v for v in wizard_values if not (isinstance(v, str) and "ngày" in v)},
        )
        (values,) = self._xlsx_of(
            "l10n_vn_hr_kpi.action_report_agency_summary_xlsx", self.period.ids
        ).values()
        self.assertIn("Mẫu số 02A", values)

    def test_xlsx_access(self):
        """The XLSX actions check the rights as the PDF does."""
        staff2 = self.user_staff2
        for ref in (
            "action_report_appraisal_sheet_xlsx",
            "action_report_task_list_xlsx",
        ):
            with self.subTest(ref=ref), self.assertRaises(AccessError):
                self._xlsx_of(
                    f"l10n_vn_hr_kpi.{ref}", self.appraisal_staff.ids, user=staff2
                )
        with self.assertRaises(AccessError):
            self._xlsx_of(
                "l10n_vn_hr_kpi.action_report_unit_summary_xlsx",
                self.period.ids,
                {"department_id": self.department.id},
                user=staff2,
            )
        # his own sheet, and the head his unit
        (values,) = self._xlsx_of(
            "l10n_vn_hr_kpi.action_report_appraisal_sheet_xlsx",
            self.appraisal_staff2.ids,
            user=staff2,
        ).values()
        self.assertIn("Đặng Văn Khánh", values)
        (values,) = self._xlsx_of(
            "l10n_vn_hr_kpi.action_report_unit_summary_xlsx",
            self.period.ids,
            {"department_id": self.department.id},
            user=self.user_head,
        ).values()
        self.assertIn("Nguyễn Thị Hồng Nhung", values)
