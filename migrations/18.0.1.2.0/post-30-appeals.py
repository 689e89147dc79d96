"""18.0.1.2.0 (issue #17, point 5): appeals in working days.

* The public holidays of Vietnam for 2026 and 2027 are loaded on the standard
  working calendar; each Vietnamese company (or company without a country)
  gets its copy on its own working calendar, except the days it already has
  off (the data file's own call runs at the installation only).
* ``appeal_deadline`` now counts the rule set's window in working days by
  default: the windows still running (published results) and the closing date
  of the open months are recomputed. Locked and resolved months keep the
  deadlines they had.
* ``appeal_resolution_deadline`` is a new stored field: Odoo computes it for
  every appraisal with an appeal when the column is added.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].with_context(active_test=False).search([])
    companies._kpi_add_public_holidays()
    env["hr.kpi.appraisal"]._kpi_recompute_open_deadlines(companies)
    env["hr.kpi.period"]._kpi_recompute_open_deadlines(companies)
    env.flush_all()
