"""The demo ward's KPI records, generated at the installation of the demo data.

Plain functions, never imported when the addon loads: ``hooks.post_init_hook``
imports this package only when the module is installed with its demo data, so
no generator sits in the registry of a production database. Each part is a
module with ``generate(env, company, today)``; they run in the order below,
which is the order of the former demo XML files (each part reads what the
previous ones made).
"""

from odoo import fields

from . import (
    analytics,
    kiosk,
    law2026,
    not_evaluated,
    onestop,
    plan,
    rollup,
    signature,
    ward,
)

WARD_XMLID = "l10n_vn_hr_kpi.res_company_ward_demo"
PARTS = (
    ward,
    plan,
    rollup,
    analytics,
    kiosk,
    onestop,
    not_evaluated,
    law2026,
    signature,
)


def generate_all(env, today=None):
    """Generate every part for the demo ward (found by its XML id); nothing
    without it."""
    company = env.ref(WARD_XMLID, raise_if_not_found=False)
    if not company:
        return
    env = env(context=dict(env.context, mail_create_nolog=True))
    today = today or fields.Date.context_today(env["res.users"])
    for part in PARTS:
        part.generate(env, company, today)
    # the demo ward's users land on their role's KPI screen
    env["res.users"]._kpi_set_home_actions()
