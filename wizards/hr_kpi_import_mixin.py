"""Reading of the spreadsheets the import wizards receive (XLSX or CSV): one
place for the file formats, the cell values and the all-or-nothing message."""

import base64
import csv
import io
import math
import re
import unicodedata
from datetime import date, datetime

from odoo import models
from odoo.exceptions import UserError


class HrKpiImportMixin(models.AbstractModel):
    _name = "hr.kpi.import.mixin"
    _description = "Spreadsheet import helpers"

    def _kpi_read_table(self, data):
        """(row number, list of values) of every row of the first sheet of an
        XLSX workbook or of a CSV file (comma, semicolon or tab separated,
        UTF-8), numbered from 1 as the user sees them; ``data`` is base64."""
        raw = base64.b64decode(data or b"")
        if raw[:2] == b"PK":
            return self._kpi_read_xlsx(raw)
        return self._kpi_read_csv(raw)

    def _kpi_read_xlsx(self, raw):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as error:
            raise UserError(
                self.env._(
                    "The file is not a readable XLSX workbook: %(error)s", error=error
                )
            ) from error
        sheet = workbook.worksheets[0]
        rows = [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
        workbook.close()
        return rows

    def _kpi_read_csv(self, raw):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(
                self.env._("The file is neither an XLSX workbook nor a UTF-8 CSV file.")
            ) from error
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [
            (number, values)
            for number, values in enumerate(csv.reader(io.StringIO(text), dialect), 1)
        ]

    @staticmethod
    def _text(value):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    @staticmethod
    def _kpi_normalize(text):
        """Lower case, without diacritics or punctuation: "Hài lòng" → "hailong"."""
        text = unicodedata.normalize("NFD", str(text or "").replace("đ", "d"))
        text = text.replace("Đ", "d")
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
        return re.sub(r"[^a-z0-9]", "", text)

    def _kpi_number(self, value, maximum, integer=False):
        """The number of a cell, or ``None`` when it is not a finite number of
        zero to ``maximum`` (a whole one if ``integer``): ``nan``, ``inf``,
        negative and absurdly large values are refused. An empty cell is 0;
        "1,5" reads 1.5."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            number = float(value)
        else:
            text = self._text(value).replace(",", ".")
            if not text:
                return 0.0
            try:
                number = float(text)
            except (ValueError, OverflowError):
                return None
        if not math.isfinite(number) or not 0 <= number <= maximum:
            return None
        if integer and not number.is_integer():
            return None
        return number

    def _parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self._text(value)
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None

    def _kpi_raise_errors(self, errors):
        """All or nothing: one message naming every bad row."""
        if errors:
            raise UserError(
                self.env._(
                    "Nothing was imported. Correct these rows and import the file "
                    "again:\n%(errors)s",
                    errors="\n".join(errors),
                )
            )
