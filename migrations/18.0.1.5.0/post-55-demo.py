"""18.0.1.5.0: the demo through the workflow.

The demo generator model ``hr.kpi.demo`` is gone: its generators are plain
functions run by the installation hook. A job still waiting to run one of its
methods (the demo's signing of a Mẫu 01A, when the job runner never ran it)
would fail for ever: it is cancelled. Odoo removes the model's own records
(ir.model, its fields) itself.
"""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(SQL("SELECT to_regclass('queue_job') IS NOT NULL"))
    if not cr.fetchone()[0]:
        return
    cr.execute(
        SQL(
            "UPDATE queue_job SET state = 'cancelled' "
            "WHERE model_name = %s AND state NOT IN ('done', 'cancelled')",
            "hr.kpi.demo",
        )
    )
