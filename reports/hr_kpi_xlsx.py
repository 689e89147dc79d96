"""XLSX versions of the official forms, written with xlsxwriter.

The builder renders the dicts of the report models' ``_get_form_data`` (the
same data as the PDF): numbers are written as numbers and every text as a
string, never as a formula or a link (a task name or a job title such as
``=HYPERLINK(...)`` or ``=cmd|...`` stays plain text), the header rows are
merged, the table has borders, its header row is frozen and repeated on every
printed page, and the print area is the form.
"""

import io
import re

import xlsxwriter

FONT = "Times New Roman"
# user text is never turned into a formula, a link or a number
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def write_text(sheet, row, col, value, style=None):
    """Write ``value`` as a string cell (blank when empty): never ``write()``,
    which would turn "=..." into a formula."""
    if value is None or value is False or value == "":
        return sheet.write_blank(row, col, None, style)
    return sheet.write_string(row, col, str(value), style)


def merge_text(sheet, first_row, first_col, last_row, last_col, value, style=None):
    """``merge_range`` with its text written as a string cell."""
    sheet.merge_range(first_row, first_col, last_row, last_col, "", style)
    return write_text(sheet, first_row, first_col, value, style)


class KpiXlsxBuilder:
    """One workbook; ``add_*`` adds one worksheet per form.

    The workbook is the report action's (``report_xlsx`` creates it with
    ``WORKBOOK_OPTIONS`` and closes it), or one of its own when none is given
    (``build_xlsx``: the benchmark)."""

    def __init__(self, workbook=None):
        self.buffer = None
        if workbook is None:
            self.buffer = io.BytesIO()
            workbook = xlsxwriter.Workbook(self.buffer, WORKBOOK_OPTIONS)
        self.workbook = workbook
        self.sheet_names = set()
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}

        def fmt(**kw):
            return self.workbook.add_format(dict(base, **kw))

        self.f = {
            "text": fmt(),
            "wrap": fmt(text_wrap=True),
            "center": fmt(align="center", text_wrap=True),
            "bold_center": fmt(bold=True, align="center", text_wrap=True),
            "bold": fmt(bold=True),
            "italic_center": fmt(italic=True, align="center", text_wrap=True),
            "italic_right": fmt(italic=True, align="right"),
            "title": fmt(bold=True, align="center", font_size=14, text_wrap=True),
            "th": fmt(bold=True, align="center", border=1, text_wrap=True),
            "th_num": fmt(italic=True, align="center", border=1),
            "td": fmt(border=1, text_wrap=True, valign="top"),
            "td_center": fmt(border=1, align="center", text_wrap=True, valign="top"),
            "td_bold": fmt(border=1, bold=True, text_wrap=True),
            "num": fmt(border=1, num_format="#,##0.00", valign="top"),
            "num_bold": fmt(border=1, bold=True, num_format="#,##0.00"),
            "int": fmt(border=1, num_format="0", align="center", valign="top"),
            "int_bold": fmt(border=1, bold=True, num_format="0", align="center"),
            "coef": fmt(border=1, num_format="0.0000", valign="top"),
        }

    # ------------------------------------------------------------------

    def _sheet(self, name, landscape=False):
        name = re.sub(r"[\[\]:*?/\\]", " ", name or "Sheet")[:28].strip() or "Sheet"
        unique, n = name, 1
        while unique.lower() in self.sheet_names:
            n += 1
            unique = f"{name[:25]} {n}"
        self.sheet_names.add(unique.lower())
        sheet = self.workbook.add_worksheet(unique)
        sheet.set_paper(9)  # A4
        if landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.set_margins(left=0.8, right=0.5, top=0.6, bottom=0.6)
        sheet.fit_to_pages(1, 0)
        sheet.hide_gridlines(2)
        return sheet

    def _header(self, sheet, form, last_col):
        """Rows 0-4: form code, governing body / agency, motto, place and date."""
        f = self.f
        split = max(1, (last_col + 1) * 2 // 5) - 1
        header = form["header"]
        if form.get("form_code"):
            merge_text(sheet, 0, 0, 0, last_col, form["form_code"], f["italic_right"])
        merge_text(sheet, 1, 0, 1, split, header["parent"], f["center"])
        merge_text(sheet, 1, split + 1, 1, last_col, header["motto"], f["bold_center"])
        merge_text(sheet, 2, 0, 2, split, header["agency"], f["bold_center"])
        merge_text(sheet, 2, split + 1, 2, last_col, header["slogan"], f["bold_center"])
        merge_text(
            sheet, 3, split + 1, 3, last_col, header["place_date"], f["italic_center"]
        )
        return 5

    def _title(self, sheet, row, last_col, *lines):
        for index, line in enumerate(filter(None, lines)):
            style = self.f["title"] if index == 0 else self.f["italic_center"]
            merge_text(sheet, row, 0, row, last_col, line, style)
            row += 1
        return row + 1

    def _signatures(self, sheet, row, last_col, signatures, recipients=None):
        f = self.f
        blocks = len(signatures) + (1 if recipients is not None else 0)
        width = (last_col + 1) // blocks
        col = 0
        if recipients is not None:
            self._merge(sheet, row, col, col + width - 1, "Nơi nhận:", f["bold"])
            for offset, recipient in enumerate(recipients, start=1):
                write_text(sheet, row + offset, col, f"- {recipient}", f["text"])
            col += width
        for index, signature in enumerate(signatures):
            end = last_col if index == len(signatures) - 1 else col + width - 1
            hint = signature.get("hint") or "(Ký, ghi rõ họ tên)"
            for offset, (text, style) in enumerate(
                (
                    (signature["title"], f["bold_center"]),
                    (hint, f["italic_center"]),
                )
            ):
                self._merge(sheet, row + offset, col, end, text, style)
            self._merge(sheet, row + 6, col, end, signature["name"], f["bold_center"])
            col = end + 1
        return row + 7

    def _merge(self, sheet, row, first, last, value, style):
        if last > first:
            merge_text(sheet, row, first, row, last, value, style)
        else:
            write_text(sheet, row, first, value, style)

    def _table_head(self, sheet, row, labels, numbers=True):
        for col, (number, label) in enumerate(labels):
            write_text(sheet, row, col, label, self.f["th"])
            if numbers:
                write_text(sheet, row + 1, col, f"({number})", self.f["th_num"])
        sheet.set_row(row, 45)
        return row + (2 if numbers else 1)

    @staticmethod
    def _num(sheet, row, col, value, style):
        if value is None or value is False:
            sheet.write_blank(row, col, None, style)
        else:
            sheet.write_number(row, col, value, style)

    # ------------------------------------------------------------------
    # Forms
    # ------------------------------------------------------------------

    def add_appraisal_sheet(self, form):
        f = self.f
        last = 4
        sheet = self._sheet(form["name"])
        for col, width in enumerate((7, 52, 11, 11, 15)):
            sheet.set_column(col, col, width)
        row = self._header(sheet, form, last)
        row = self._title(
            sheet,
            row,
            last,
            form["title"],
            *([f"({form['status_note']})"] if form.get("status_note") else []),
            f"(Kỳ theo dõi, đánh giá: {form['period']})",
        )
        for note in form.get("version_notes") or []:
            merge_text(sheet, row, 0, row, last, note, f["wrap"])
            row += 1
        for label, value in (
            ("Họ và tên", form["name"]),
            (form["position_label"], form["position"]),
            ("Đơn vị công tác", form["department"]),
        ):
            merge_text(sheet, row, 0, row, last, f"{label}: {value}", f["text"])
            row += 1
        row += 1
        merge_text(
            sheet,
            row,
            0,
            row,
            last,
            "I. KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO TIÊU CHÍ CHUNG",
            f["bold"],
        )
        row += 1
        head_row = row
        row = self._table_head(
            sheet,
            row,
            [
                ("1", "TT"),
                ("2", "Tiêu chí chấm điểm"),
                ("3", "Điểm tối đa"),
                ("4", "Điểm tự chấm"),
                ("5", "Điểm cấp có thẩm quyền chấm"),
            ],
        )
        sheet.repeat_rows(head_row, head_row + 1)
        for line in form["criteria"]:
            bold = line["is_group"]
            write_text(sheet, row, 0, line["code"], f["td_center"])
            write_text(sheet, row, 1, line["name"], f["td_bold"] if bold else f["td"])
            for col, key in ((2, "max"), (3, "self"), (4, "final")):
                self._num(
                    sheet, row, col, line[key], f["num_bold"] if bold else f["num"]
                )
            row += 1
        write_text(sheet, row, 0, "", f["td"])
        write_text(
            sheet,
            row,
            1,
            f"Điểm tiêu chí chung (tối đa {form['general_max']:g} điểm)",
            f["td_bold"],
        )
        self._num(sheet, row, 2, form["general_max"], f["num_bold"])
        self._num(sheet, row, 3, form["general_self"], f["num_bold"])
        self._num(sheet, row, 4, form["general_final"], f["num_bold"])
        row += 2
        merge_text(
            sheet,
            row,
            0,
            row,
            last,
            f"II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ (tối đa {form['task_max']:g} điểm)",
            f["bold"],
        )
        row += 1
        write_text(sheet, row, 0, "TT", f["th"])
        merge_text(sheet, row, 1, row, 3, "Nội dung", f["th"])
        write_text(sheet, row, 4, "Kết quả (%)", f["th"])
        row += 1
        task_lines = [
            (item["code"], item["name"], item["value"], False)
            for item in form["task_rows"]
        ]
        task_lines += [
            (
                "",
                f"Tỷ lệ hoàn thành KPI = tổng các tiêu chí / {form['task_divisor']}",
                form["kpi_percent"],
                True,
            ),
            (
                "",
                f"Điểm kết quả thực hiện nhiệm vụ = KPI × {form['task_max']:g}",
                form["task_score"],
                True,
            ),
        ]
        for code, name, value, bold in task_lines:
            write_text(sheet, row, 0, code, f["td_center"])
            merge_text(sheet, row, 1, row, 3, name, f["td_bold"] if bold else f["td"])
            self._num(sheet, row, 4, value, f["num_bold"] if bold else f["num"])
            row += 1
        row += 1
        if form["has_adjustment"]:
            write_text(sheet, row, 1, "Điểm cộng, trừ", f["bold"])
            sheet.write_number(row, 4, form["adjustment"], f["num_bold"])
            row += 1
        write_text(sheet, row, 1, "III. TỔNG ĐIỂM (/100)", f["bold"])
        sheet.write_number(row, 4, form["total"], f["num_bold"])
        row += 2
        for label, value in (
            ("IV. ƯU ĐIỂM, HẠN CHẾ", None),
            ("1. Ưu điểm", form["strengths"]),
            ("2. Hạn chế, khuyết điểm", form["weaknesses"]),
            ("V. TỰ ĐỀ XUẤT MỨC XẾP LOẠI", form["level_self"]),
            ("VI. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ CỦA CẤP CÓ THẨM QUYỀN", None),
            ("1. Nhận xét của người quản lý trực tiếp", form["evaluator_comment"]),
            ("Mức xếp loại đề xuất", form["level_proposed"]),
            ("2. Ý kiến của thủ trưởng đơn vị", form["decider_comment"]),
            ("Mức xếp loại quyết định", form["level_final"]),
            ("Lý do hạ mức", form["level_reasons"] or None),
        ):
            if value is None and label == "Lý do hạ mức":
                continue
            text = label if value is None else f"{label}: {value or '…'}"
            merge_text(
                sheet,
                row,
                0,
                row,
                last,
                text,
                f["bold"] if value is None else f["wrap"],
            )
            row += 1
        row = self._signatures(sheet, row + 1, last, form["signatures"])
        sheet.print_area(0, 0, row, last)
        return sheet

    def add_task_list(self, form):
        f = self.f
        last = 8
        sheet = self._sheet(form["name"], landscape=True)
        for col, width in enumerate((6, 44, 16, 14, 12, 12, 12, 14, 14)):
            sheet.set_column(col, col, width)
        row = self._header(sheet, form, last)
        row = self._title(
            sheet,
            row,
            last,
            form["title"],
            f"(Kỳ theo dõi, đánh giá: {form['period']})",
        )
        merge_text(
            sheet,
            row,
            0,
            row,
            last,
            f"Họ và tên: {form['name']}. Chức vụ, vị trí việc làm: "
            f"{form['position']}. Đơn vị: {form['department']}",
            f["text"],
        )
        row += 2
        head_row = row
        row = self._table_head(sheet, row, form["columns"])
        sheet.freeze_panes(row, 0)
        sheet.repeat_rows(head_row, head_row + 1)
        keys = (
            "quantity",
            "converted",
            "completed",
            "not_completed",
            "on_time",
            "late",
        )
        for task in form["rows"]:
            sheet.write_number(row, 0, task["number"], f["int"])
            write_text(sheet, row, 1, task["name"], f["td"])
            write_text(
                sheet,
                row,
                2,
                f"{task['uom']} / {task['coefficient']:g}",
                f["td_center"],
            )
            for col, key in enumerate(keys, start=3):
                sheet.write_number(row, col, task[key], f["num"])
            row += 1
        totals = form["totals"]
        # quantities add up within one unit of measure only
        for uom in totals["by_uom"]:
            write_text(sheet, row, 0, "", f["td"])
            write_text(sheet, row, 1, "Cộng theo đơn vị tính", f["td_bold"])
            write_text(sheet, row, 2, uom["uom"], f["td_center"])
            for col, key in enumerate(keys, start=3):
                if key == "converted":
                    write_text(sheet, row, col, "", f["td"])
                else:
                    sheet.write_number(row, col, uom[key], f["num_bold"])
            row += 1
        write_text(sheet, row, 0, "", f["td"])
        write_text(sheet, row, 1, "Tổng cộng (quy đổi ra sản phẩm chuẩn)", f["td_bold"])
        write_text(sheet, row, 2, "", f["td"])
        for col, key in enumerate(keys, start=3):
            if key == "converted":
                sheet.write_number(row, col, totals[key], f["num_bold"])
            else:
                write_text(sheet, row, col, "", f["td"])
        row += 2
        for label, value, detail in (
            (
                "1. Tổng số công việc cần thực hiện trong kỳ",
                totals["count"],
                totals["quantity_by_uom"],
            ),
            (
                "2. Tổng số công việc chưa hoàn thành",
                totals["count_not_completed"],
                totals["not_completed_by_uom"],
            ),
            (
                "3. Tổng số công việc đã hoàn thành",
                totals["count_completed"],
                totals["completed_by_uom"],
            ),
            (
                "4. Tổng số công việc hoàn thành đạt tiến độ",
                totals["count_on_time"],
                "",
            ),
            ("   Tỷ lệ hoàn thành đạt tiến độ (%)", totals["on_time_rate"], ""),
            ("5. Tổng số công việc hoàn thành chậm tiến độ", totals["count_late"], ""),
            ("   Tỷ lệ hoàn thành chậm tiến độ (%)", totals["late_rate"], ""),
        ):
            merge_text(sheet, row, 0, row, 4, label, f["text"])
            sheet.write_number(row, 5, value, f["num_bold"])
            if detail:
                merge_text(sheet, row, 6, row, last, f"({detail})", f["text"])
            row += 1
        row = self._signatures(sheet, row + 1, last, form["signatures"])
        sheet.print_area(0, 0, row, last)
        return sheet

    def add_unit_summary(self, form):
        f = self.f
        last = 10
        sheet = self._sheet(f"01A {form['unit']}", landscape=True)
        for col, width in enumerate((6, 24, 22, 22, 14, 9, 10, 10, 28, 30, 16)):
            sheet.set_column(col, col, width)
        row = self._header(sheet, form, last)
        row = self._title(
            sheet,
            row,
            last,
            form["title"],
            form["subtitle"],
            f"{form['period_label']} – {form['unit']}",
        )
        head_row = row
        row = self._table_head(sheet, row, form["columns"])
        sheet.freeze_panes(row, 0)
        sheet.repeat_rows(head_row, head_row + 1)
        for line in form["rows"]:
            sheet.write_number(row, 0, line["number"], f["int"])
            for col, key in (
                (1, "name"),
                (2, "position"),
                (3, "department"),
                (4, "subject_group"),
            ):
                write_text(sheet, row, col, line[key], f["td"])
            for col, key in (
                (5, "self_score"),
                (6, "evaluator_score"),
                (7, "final_score"),
            ):
                self._num(sheet, row, col, line[key], f["num"])
            level = (
                f"{line['level_letter']} – {line['level_label']}"
                if line["level_letter"]
                else ""
            )
            write_text(sheet, row, 8, level, f["td"])
            write_text(sheet, row, 9, line["reasons"], f["td"])
            write_text(sheet, row, 10, line["note"], f["td"])
            row += 1
        if not form["rows"]:
            merge_text(
                sheet,
                row,
                0,
                row,
                last,
                "Không có cán bộ, công chức, viên chức được đánh giá trong kỳ.",
                f["td_center"],
            )
            row += 1
        row += 1
        merge_text(
            sheet,
            row,
            0,
            row,
            last,
            f"Tổng hợp: tổng số người được đánh giá, xếp loại: {form['total']} người"
            + (
                f", trong đó {form['undecided']} người chưa được quyết định"
                if form["undecided"]
                else ""
            )
            + (
                f", {form['not_evaluated']} người không đánh giá"
                if form.get("not_evaluated")
                else ""
            ),
            f["bold"],
        )
        row += 1
        merge_text(sheet, row, 1, row, 3, "Mức xếp loại", f["th"])
        write_text(sheet, row, 4, "Số lượng", f["th"])
        write_text(sheet, row, 5, "Tỷ lệ (%)", f["th"])
        row += 1
        for level in form["levels"]:
            merge_text(
                sheet,
                row,
                1,
                row,
                3,
                f"{level['letter']} – {level['label']} ({level['short']})",
                f["td"],
            )
            sheet.write_number(row, 4, level["count"], f["int"])
            sheet.write_number(row, 5, level["percent"], f["num"])
            row += 1
        row += 1
        merge_text(
            sheet,
            row,
            0,
            row,
            last,
            "Tỷ lệ khống chế mức Hoàn thành xuất sắc nhiệm vụ: "
            + ("đảm bảo" if form["quota_holds"] else "vượt tỷ lệ"),
            f["bold"],
        )
        row += 1
        for quota in form["quota"]:
            merge_text(
                sheet,
                row,
                0,
                row,
                last,
                f"- {quota['text']}: {quota['status']}",
                f["text"],
            )
            row += 1
        row = self._signatures(
            sheet,
            row + 1,
            last,
            [
                {"title": "NGƯỜI LẬP BIỂU", "name": form["preparer"]},
                {
                    "title": "THỦ TRƯỞNG ĐƠN VỊ",
                    "hint": "(Ký, ghi rõ họ tên, đóng dấu)",
                    "name": form["head"],
                },
            ],
            recipients=form["recipients"],
        )
        sheet.print_area(0, 0, row, last)
        return sheet

    def add_agency_summary(self, form):
        f = self.f
        levels = form["level_columns"]
        last = 2 + 2 * len(levels) + 2
        sheet = self._sheet(f"02A {form['unit']}", landscape=True)
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 38)
        sheet.set_column(2, 2, 11)
        sheet.set_column(3, 2 + 2 * len(levels), 8)
        sheet.set_column(last - 1, last, 20)
        row = self._header(sheet, form, last)
        row = self._title(
            sheet, row, last, form["title"], f"{form['period_label']} – {form['unit']}"
        )
        head_row = row
        for col, label in ((0, "STT"), (1, "Đơn vị"), (2, "Số người được đánh giá")):
            merge_text(sheet, row, col, row + 1, col, label, f["th"])
        for index, level in enumerate(levels):
            col = 3 + 2 * index
            merge_text(
                sheet,
                row,
                col,
                row,
                col + 1,
                f"{level['letter']} – {level['short']}",
                f["th"],
            )
            write_text(sheet, row + 1, col, "SL", f["th"])
            write_text(sheet, row + 1, col + 1, "%", f["th"])
        merge_text(
            sheet,
            row,
            last - 1,
            row + 1,
            last - 1,
            "Tỷ lệ khống chế (HTXSNV / tối đa)",
            f["th"],
        )
        merge_text(sheet, row, last, row + 1, last, "Gửi tổng hợp (Mẫu 01A)", f["th"])
        sheet.set_row(row, 30)
        row += 2
        sheet.freeze_panes(row, 0)
        sheet.repeat_rows(head_row, head_row + 1)

        def write_levels(row, level_values, bold=False):
            for index, level in enumerate(level_values):
                col = 3 + 2 * index
                sheet.write_number(
                    row, col, level["count"], f["int_bold" if bold else "int"]
                )
                sheet.write_number(
                    row, col + 1, level["percent"], f["num_bold" if bold else "num"]
                )

        for line in form["rows"]:
            sheet.write_number(row, 0, line["number"], f["int"])
            write_text(sheet, row, 1, line["unit"], f["td"])
            sheet.write_number(row, 2, line["count"], f["int"])
            write_levels(row, line["levels"])
            write_text(sheet, row, last - 1, line["quota_status"], f["td_center"])
            write_text(sheet, row, last, line["sent"], f["td_center"])
            row += 1
        write_text(sheet, row, 0, "", f["td"])
        write_text(sheet, row, 1, "Tổng cộng", f["td_bold"])
        sheet.write_number(row, 2, form["total"], f["int_bold"])
        write_levels(row, form["total_levels"], bold=True)
        write_text(
            sheet,
            row,
            last - 1,
            f"{len(form['quota_over'])} đơn vị vượt"
            if form["quota_over"]
            else "Đảm bảo",
            f["td_bold"],
        )
        write_text(
            sheet,
            row,
            last,
            f"{len(form['late_units'])} đơn vị chậm" if form["late_units"] else "",
            f["td_bold"],
        )
        row += 2
        for text in (
            f"- Hạn gửi tổng hợp của các đơn vị: {form['deadline'] or '…'}.",
            "- Đơn vị chậm gửi tổng hợp: "
            + (", ".join(form["late_units"]) or "không có")
            + ".",
            "- Đơn vị vượt tỷ lệ khống chế: "
            + (", ".join(form["quota_over"]) or "không có")
            + ".",
        ):
            merge_text(sheet, row, 0, row, last, text, f["text"])
            row += 1
        row = self._signatures(
            sheet,
            row + 1,
            last,
            [
                {"title": "NGƯỜI LẬP BIỂU", "name": form["preparer"]},
                {
                    "title": "THỦ TRƯỞNG CƠ QUAN",
                    "hint": "(Ký, ghi rõ họ tên, đóng dấu)",
                    "name": form["head"],
                },
            ],
            recipients=form["recipients"],
        )
        sheet.print_area(0, 0, row, last)
        return sheet

    def add_forms(self, form, forms):
        """A worksheet per dict of ``forms`` (one form's ``_get_form_data``);
        one saying so when there is none."""
        add = FORM_BUILDERS[form]
        for data in forms:
            add(self, data)
        if not forms:
            write_text(self._sheet("Trống"), 0, 0, "Không có dữ liệu.")

    def close(self):
        self.workbook.close()
        return self.buffer.getvalue()


FORM_BUILDERS = {
    "appraisal_sheet": KpiXlsxBuilder.add_appraisal_sheet,
    "task_list": KpiXlsxBuilder.add_task_list,
    "unit_summary": KpiXlsxBuilder.add_unit_summary,
    "agency_summary": KpiXlsxBuilder.add_agency_summary,
}


def build_xlsx(form, forms):
    """The XLSX file (bytes) of ``forms``, the dicts of one form's
    ``_get_form_data``."""
    builder = KpiXlsxBuilder()
    builder.add_forms(form, forms)
    return builder.close()
