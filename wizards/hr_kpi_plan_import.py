"""Import a unit's monthly plan from the XLSX template the wizard provides.

All or nothing: every row is checked first; one bad row and nothing is created,
the message names every bad row by its number in the sheet."""

import base64
import io
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.hr_kpi_plan_line import MAX_QUANTITY
from ..reports.hr_kpi_xlsx import WORKBOOK_OPTIONS, write_text

FIRST_ROW = 2  # row 1 holds the headers


class HrKpiPlanImport(models.TransientModel):
    _name = "hr.kpi.plan.import"
    _inherit = ["hr.kpi.import.mixin"]
    _description = "Import a unit plan from a spreadsheet"

    plan_id = fields.Many2one(
        "hr.kpi.plan",
        string="Unit plan",
        required=True,
        domain="[('scope', '=', 'unit'), ('state', 'in', ('draft', 'submitted', "
        "'accepted'))]",
        default=lambda self: self._default_plan_id(),
    )
    data_file = fields.Binary(string="File (XLSX)", attachment=False)
    filename = fields.Char()
    template_file = fields.Binary(attachment=False, readonly=True)
    template_filename = fields.Char(default="ke_hoach_thang.xlsx")

    @api.model
    def _default_plan_id(self):
        context = self.env.context
        if context.get("active_model") == "hr.kpi.plan":
            return context.get("active_id")
        return False

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------

    def _headers(self):
        _ = self.env._
        return [
            _("No."),
            _("Task"),
            _("Product code"),
            _("Quantity"),
            _("Deadline (dd/mm/yyyy)"),
            _("Assignees (e-mail or name[:quantity]; …)"),
            _("Expected output"),
            _("Key result"),
        ]

    def _build_template(self):
        import xlsxwriter

        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        sheet = workbook.add_worksheet(self.env._("Plan"))
        for col, header in enumerate(self._headers()):
            write_text(sheet, 0, col, header, bold)
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 45)
        sheet.set_column(2, 4, 16)
        sheet.set_column(5, 5, 40)
        sheet.set_column(6, 7, 30)
        day = (self.plan_id.date_end or fields.Date.context_today(self)).replace(day=20)
        sheet.write_number(1, 0, 1)
        write_text(sheet, 1, 1, self.env._("Example: monthly report of the unit"))
        product = self.env["hr.kpi.product"].search(
            [
                ("state", "=", "approved"),
                ("company_id", "=", self.plan_id.company_id.id),
            ],
            limit=1,
        )
        # catalogue codes and names are user text: strings, never formulas
        write_text(sheet, 1, 2, product.code)
        sheet.write_number(1, 3, 1)
        sheet.write_datetime(
            1, 4, datetime.combine(day, datetime.min.time()), date_format
        )
        products = workbook.add_worksheet(self.env._("Catalogue"))
        for col, header in enumerate(
            [self.env._("Code"), self.env._("Product"), self.env._("Coefficient")]
        ):
            write_text(products, 0, col, header, bold)
        products.set_column(1, 1, 50)
        catalogue = self.env["hr.kpi.product"].search(
            [
                ("state", "=", "approved"),
                ("company_id", "=", self.plan_id.company_id.id),
            ]
        )
        for row, item in enumerate(catalogue, start=1):
            write_text(products, row, 0, item.code)
            write_text(products, row, 1, item.name)
            products.write_number(row, 2, item.coefficient)
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

    def _read_rows(self):
        """(row number, values) of the non-empty data rows of the first sheet."""
        rows = []
        for number, values in self._kpi_read_table(self.data_file):
            if number < FIRST_ROW:
                continue
            values = list(values) + [None] * (8 - len(values))
            if all(v in (None, "") for v in values[1:8]):
                continue
            rows.append((number, values[:8]))
        return rows

    def _find_employee(self, token, employees):
        token_l = token.lower()
        matches = employees.filtered(
            lambda e: (
                (e.work_email or "").lower() == token_l
                or (e.name or "").lower() == token_l
            )
        )
        return matches

    def _parse(self, rows):
        """Check every row; return (values per row, errors)."""
        _ = self.env._
        plan = self.plan_id
        company = plan.company_id
        products = {
            p.code.strip().lower(): p
            for p in self.env["hr.kpi.product"].search(
                [("state", "=", "approved"), ("company_id", "=", company.id)]
            )
            if p.code
        }
        # names and e-mails only: the assignment itself is checked as the user
        # sudo: rights checked by the action first
        employees = (
            self.env["hr.employee"].sudo().search([("company_id", "=", company.id)])
        )
        key_results = self.env["hr.kpi.key.result"].search(
            [("company_id", "=", company.id)]
        )
        parsed, errors = [], []
        for number, values in rows:
            _no, name, code, quantity, deadline, assignees, output, kr_name = values
            row_errors = []
            name = self._text(name)
            if not name:
                row_errors.append(_("Row %(row)s: the task is missing.", row=number))
            product = products.get(self._text(code).lower())
            if not product:
                row_errors.append(
                    _(
                        "Row %(row)s: product code '%(code)s' is not in the approved "
                        "catalogue.",
                        row=number,
                        code=self._text(code),
                    )
                )
            raw_quantity = quantity
            quantity = self._kpi_number(quantity, MAX_QUANTITY) or 0.0
            if quantity <= 0:
                row_errors.append(
                    _(
                        "Row %(row)s: the quantity '%(value)s' must be a positive "
                        "number of at most %(max)s.",
                        row=number,
                        value=self._text(raw_quantity),
                        max=MAX_QUANTITY,
                    )
                )
            day = self._parse_date(deadline)
            if not day:
                row_errors.append(
                    _(
                        "Row %(row)s: the deadline '%(value)s' is not a date "
                        "(dd/mm/yyyy).",
                        row=number,
                        value=self._text(deadline),
                    )
                )
            elif not plan.date_start <= day <= plan.date_end:
                row_errors.append(
                    _(
                        "Row %(row)s: the deadline %(date)s is outside the plan "
                        "(%(start)s – %(end)s).",
                        row=number,
                        date=day.strftime("%d/%m/%Y"),
                        start=plan.date_start.strftime("%d/%m/%Y"),
                        end=plan.date_end.strftime("%d/%m/%Y"),
                    )
                )
            allocations = []
            for token in filter(
                None,
                (t.strip() for t in self._text(assignees).replace(",", ";").split(";")),
            ):
                who, _sep, qty = token.partition(":")
                matches = self._find_employee(who.strip(), employees)
                if len(matches) != 1:
                    row_errors.append(
                        _(
                            "Row %(row)s: no single employee matches '%(who)s'.",
                            row=number,
                            who=who.strip(),
                        )
                    )
                    continue
                share = None
                if qty.strip():
                    share = self._kpi_number(qty, MAX_QUANTITY) or 0.0
                if share is not None and share <= 0:
                    row_errors.append(
                        _(
                            "Row %(row)s: the quantity '%(value)s' of '%(who)s' must "
                            "be a positive number of at most %(max)s.",
                            row=number,
                            value=qty.strip(),
                            who=who.strip(),
                            max=MAX_QUANTITY,
                        )
                    )
                    continue
                allocations.append((matches, share))
            key_result = key_results.browse()
            kr_text = self._text(kr_name).lower()
            if kr_text:
                key_result = key_results.filtered(
                    lambda k, n=kr_text: k.name.lower() == n
                )
                if len(key_result) != 1:
                    row_errors.append(
                        _(
                            "Row %(row)s: no single key result is named '%(name)s'.",
                            row=number,
                            name=self._text(kr_name),
                        )
                    )
            if row_errors:
                errors += row_errors
                continue
            # an assignee without a quantity shares what the others leave equally
            free = [a for a in allocations if a[1] is None]
            left = quantity - sum(a[1] for a in allocations if a[1] is not None)
            share = (left / len(free)) if free and left > 0 else quantity
            parsed.append(
                {
                    "vals": {
                        "plan_id": plan.id,
                        "sequence": number,
                        "name": name,
                        "product_id": product.id,
                        "quantity": quantity,
                        "deadline": day,
                        "expected_output": self._text(output) or False,
                        "key_result_id": key_result.id,
                    },
                    "allocations": [
                        (employee, qty if qty is not None else share)
                        for employee, qty in allocations
                    ],
                }
            )
        return parsed, errors

    def action_import(self):
        self.ensure_one()
        if not self.data_file:
            raise UserError(self.env._("Choose the file to import."))
        rows = self._read_rows()
        if not rows:
            raise UserError(self.env._("The file has no row to import."))
        parsed, errors = self._parse(rows)
        self._kpi_raise_errors(errors)
        lines = self.env["hr.kpi.plan.line"].create([p["vals"] for p in parsed])
        for line, item in zip(lines, parsed, strict=True):
            if item["allocations"]:
                line._assign(item["allocations"])
        return {
            "type": "ir.actions.act_window",
            "res_model": "hr.kpi.plan",
            "res_id": self.plan_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
