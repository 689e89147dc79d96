"""18.0.1.3.0 (issue #21): signed forms.

A unit summary is now marked sent only with a valid signature of the unit's
head (``res.company.kpi_signature_required``, true for new companies). The
companies of an upgraded database keep sending as before until HR configures
the trusted certification authorities and the employees' certificates and
switches the setting on: the column is created here, false for them, before
Odoo would fill it with the default.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if not version or column_exists(cr, "res_company", "kpi_signature_required"):
        return
    create_column(cr, "res_company", "kpi_signature_required", "boolean")
    cr.execute(SQL("UPDATE res_company SET kpi_signature_required = FALSE"))
