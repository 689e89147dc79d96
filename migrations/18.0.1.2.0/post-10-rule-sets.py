"""18.0.1.2.0 (issue #17, the law of 2026): rule sets by staff category.

* ``staff_category`` (configurations, appraisals) is a new stored field: the
  upgrade computes it from the subject group and the unit's new flag
  ``kpi_public_service_unit`` (unset: flag the schools and health stations,
  then their configurations follow).
* The rule set ``ND233_2026`` (public employees from 1/7/2026) is loaded. The
  draft appraisals of public employees in a month it covers move to it (their
  criteria follow); an appraisal already self-evaluated or further keeps its
  rule set: HR reopens it or leaves the month as it is.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Appraisal = env["hr.kpi.appraisal"].with_context(tracking_disable=True)
    drafts = Appraisal.search(
        [
            ("state", "=", "draft"),
            ("staff_category", "=", "public_employee"),
            ("rule_set_id.staff_category", "=", False),
        ]
    )
    for period, appraisals in drafts.grouped("period_id").items():
        own = period._kpi_rule_set_for("public_employee")
        if own.staff_category:
            appraisals.filtered(lambda a, own=own: a.rule_set_id != own).write(
                {"rule_set_id": own.id}
            )
