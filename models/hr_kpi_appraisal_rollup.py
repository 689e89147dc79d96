"""The monthly appraisal keeps the quarterly and annual results up to date: when
a month becomes final (locked, appeal resolved) or leaves that state (reopened),
the results of the employees concerned are recomputed, and only theirs."""

from odoo import models

from .hr_kpi_rollup import ROLLUP_STATES


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    def _kpi_after_transition(self):
        res = super()._kpi_after_transition()
        if not self.env.context.get("kpi_rollup_defer"):
            self._kpi_update_rollups()
        return res

    def _kpi_update_rollups(self):
        """Recompute the results of the employees and years of ``self`` when a
        month entered or left the final states."""
        # sudo: the roll-up follows every final month, whoever moved it
        appraisals = self.sudo()
        final = appraisals.filtered(lambda a: a.state in ROLLUP_STATES)
        others = appraisals - final
        if others:
            # a month that left the final states matters only if it was counted
            Rollup = self.env["hr.kpi.rollup"].sudo()
            counted = Rollup.search(
                [
                    ("employee_id", "in", others.employee_id.ids),
                    ("year", "in", list({a.period_start.year for a in others})),
                ]
            )
            keys = {(r.employee_id, r.year) for r in counted}
            final |= others.filtered(
                lambda a: (a.employee_id, a.period_start.year) in keys
            )
        Rollup = self.env["hr.kpi.rollup"]
        for (company, year), group in final.grouped(
            lambda a: (a.company_id, a.period_start.year)
        ).items():
            Rollup._kpi_compute_years(company, [year], group.employee_id)
