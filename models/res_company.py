import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The public holidays this addon ships (data/resource_calendar_leaves_vn_data.xml)
PUBLIC_HOLIDAY_PREFIX = "vn_holiday_"


class ResCompany(models.Model):
    _inherit = "res.company"

    def _register_hook(self):
        super()._register_hook()
        self._kpi_check_database_settings()

    @api.model
    def _kpi_check_database_settings(self):
        """Warn the system administrator, once per start, when PostgreSQL
        compiles queries to machine code (``jit``, on by default in
        PostgreSQL 12 to 18). The record rules' sub-queries on a city's tables
        make the planner's estimate of even a 10-row read pass
        ``jit_above_cost``: an evaluator's appraisal form at N = 200,000
        spends 1 s compiling and 0.1 s reading. Returns whether it warned."""
        [(jit,)] = self.env.execute_query(SQL("SELECT current_setting('jit', true)"))
        if jit != "on":
            return False
        _logger.warning(
            "PostgreSQL's jit is on for database %s: set jit = off (postgresql.conf "
            "or ALTER DATABASE ... SET jit = off). Compiling the KPI screens' "
            "queries costs up to a second each on a large city (README, "
            "Background jobs and scale-out).",
            self.env.cr.dbname,
        )
        return True

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

    kpi_open_job_threshold = fields.Integer(
        string="Open a month in the background from",
        default=5000,
        help="From this many employees with an evaluation configuration in the "
        "scope, opening a month runs as background jobs (one per unit, on the "
        "queue's channel root.kpi) instead of in the request; 0 never does.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # a ward created after the installation counts the same public holidays
        companies._kpi_add_public_holidays()
        return companies

    @api.model
    def _kpi_init_public_holidays(self):
        """Give the companies that exist their copy of the shipped public
        holidays (installation, upgrade)."""
        # sudo: installation and upgrade, run by the system
        self.sudo().with_context(active_test=False).search(
            []
        )._kpi_add_public_holidays()

    def _kpi_public_holidays(self):
        """The public holidays shipped by this addon, as they stand now (an HR
        officer may have corrected them on the standard calendar)."""
        # sudo: reference data of the addon, read to be copied
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("module", "=", "l10n_vn_hr_kpi"),
                    ("model", "=", "resource.calendar.leaves"),
                    ("name", "=like", f"{PUBLIC_HOLIDAY_PREFIX}%"),
                ]
            )
        )
        # sudo: same reference data
        return (
            self.env["resource.calendar.leaves"]
            .sudo()
            .browse(data.mapped("res_id"))
            .exists()
        )

    def _kpi_add_public_holidays(self):
        """Copy the shipped public holidays onto the working calendar of each
        of these companies that is Vietnamese (or has no country), except the
        days its calendar already has off. Odoo counts a company's public
        holidays on its own calendar; a ward created after the installation
        has a calendar of its own, without them."""
        holidays = self._kpi_public_holidays()
        if not holidays:
            return
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        # sudo: the calendars are company configuration; called by the system
        # (installation, creation of a company) after the create's own check
        calendars = (
            self.sudo()
            .filtered(lambda c: not c.country_id or c.country_id == vietnam)
            .resource_calendar_id
        ) - holidays.calendar_id
        if not calendars:
            return
        # sudo: same calendars
        Leaves = self.env["resource.calendar.leaves"].sudo()
        existing = Leaves.search(
            [("calendar_id", "in", calendars.ids), ("resource_id", "=", False)]
        ).grouped("calendar_id")
        vals_list = []
        for calendar in calendars:
            have = existing.get(calendar, Leaves)
            for holiday in holidays:
                if any(
                    leave.date_from <= holiday.date_to
                    and leave.date_to >= holiday.date_from
                    for leave in have
                ):
                    continue
                vals_list.append(
                    {
                        "name": holiday.name,
                        "calendar_id": calendar.id,
                        "date_from": holiday.date_from,
                        "date_to": holiday.date_to,
                        "time_type": holiday.time_type,
                    }
                )
        Leaves.create(vals_list)
