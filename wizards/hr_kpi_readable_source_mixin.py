from odoo import api, models


class HrKpiReadableSourceMixin(models.AbstractModel):
    """A wizard or wizard line that shows figures of a source record (an
    appraisal, an annual result): it is only made on a source its author may
    read, and its computed copies are read as the reader (``compute_sudo`` is
    False for non-stored fields). ``_kpi_source_field`` names the source."""

    _name = "hr.kpi.readable.source.mixin"
    _description = "Wizard on a record its author may read"
    _kpi_source_field = "appraisal_id"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # after the defaults (the source may come from the context)
        records._kpi_check_source()
        return records

    def write(self, vals):
        res = super().write(vals)
        if self._kpi_source_field in vals:
            self._kpi_check_source()
        return res

    def _kpi_check_source(self):
        if not self.env.su:
            self[self._kpi_source_field].check_access("read")

    def _kpi_readable_sources(self):
        """The sources of ``self`` the reader may read."""
        return self[self._kpi_source_field]._filtered_access("read")
