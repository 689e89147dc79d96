from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    kpi_superior_body = fields.Char(
        string="Superior body",
        help="Name of the governing body (cơ quan chủ quản) printed above the "
        "agency's name on the official forms, and the recipient of the monthly "
        "summaries; e.g. UBND thành phố Hà Nội.",
    )
    kpi_report_place = fields.Char(
        string="Place on the forms",
        help="Place written before the date of the official forms (e.g. Hà Đông); "
        "the city by default.",
    )
