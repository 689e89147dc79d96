"""Installation hooks."""

from .const import MODULE


def post_init_hook(env):
    """Generate the demo ward's KPI records when the module is installed with
    its demo data (Odoo records the module's ``demo`` flag once its demo files
    are loaded, before this hook). The generators are plain functions in
    ``demo/generators``, imported only here: nothing of them is in the
    registry of a database without demo data."""
    module = env["ir.module.module"].search([("name", "=", MODULE)])
    if not module.demo:
        return
    from .demo import generators  # noqa: PLC0415 (only with the demo data)

    generators.generate_all(env)
