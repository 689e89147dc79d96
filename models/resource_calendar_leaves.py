from odoo import api, models

# What makes a time off a public holiday of a company's calendar, or moves it.
HOLIDAY_FIELDS = frozenset(
    {"date_from", "date_to", "calendar_id", "resource_id", "time_type", "company_id"}
)


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._kpi_recompute_deadlines(leaves._kpi_holiday_companies())
        return leaves

    def write(self, vals):
        if not HOLIDAY_FIELDS & set(vals):
            return super().write(vals)
        companies = self._kpi_holiday_companies()
        result = super().write(vals)
        self._kpi_recompute_deadlines(companies | self._kpi_holiday_companies())
        return result

    def unlink(self):
        companies = self._kpi_holiday_companies()
        result = super().unlink()
        self._kpi_recompute_deadlines(companies)
        return result

    def _kpi_holiday_companies(self):
        """The companies whose working days these public holidays (global time
        off) change: those working on their calendar, or their company when
        they have no calendar."""
        # sudo: which companies count these days, to recompute their deadlines
        holidays = self.sudo().filtered(
            lambda leave: not leave.resource_id and leave.time_type == "leave"
        )
        if not holidays:
            return self.env["res.company"]
        # sudo: same
        companies = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search([("resource_calendar_id", "in", holidays.calendar_id.ids)])
        )
        return companies | holidays.filtered(lambda h: not h.calendar_id).company_id

    def _kpi_recompute_deadlines(self, companies):
        """The deadlines still running follow the new working days: the open
        appeal windows and resolutions, the open months' closing dates."""
        if companies:
            self.env["hr.kpi.appraisal"]._kpi_recompute_open_deadlines(companies)
            self.env["hr.kpi.period"]._kpi_recompute_open_deadlines(companies)
