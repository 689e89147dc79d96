"""18.0.1.4.0, the people's screens.

* Kiosk limits: the counters that kept the former defaults (a cooldown of 20 s,
  3 ratings a minute: two citizens served one after the other could not both
  rate, and the per-minute limit could never trigger) get the new ones.
* The KPI users without a home action get the KPI home (their role's screen),
  as a new install does.
* ``hr.kpi.notification`` (the pending notifications) is a new table, created
  by the ORM; nothing to migrate.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_counter import (
    KIOSK_DEFAULT_COOLDOWN,
    KIOSK_DEFAULT_PER_MINUTE,
    KIOSK_OLD_DEFAULTS,
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "UPDATE hr_kpi_counter SET cooldown_seconds = %s, "
            "max_ratings_per_minute = %s "
            "WHERE cooldown_seconds = %s AND max_ratings_per_minute = %s",
            KIOSK_DEFAULT_COOLDOWN,
            KIOSK_DEFAULT_PER_MINUTE,
            KIOSK_OLD_DEFAULTS["cooldown_seconds"],
            KIOSK_OLD_DEFAULTS["max_ratings_per_minute"],
        )
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.users"]._kpi_set_home_actions()
