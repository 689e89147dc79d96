"""What the generators share."""


def installer_env(env, company, **context):
    """The environment of a generator: the superuser, as demo data is made at
    the installation; the ward as the current company; ``context`` added
    (e.g. ``tracking_disable``)."""
    # sudo: demo data generated at the installation
    env = env(su=True, context=dict(env.context, **context))
    return env["res.company"].with_company(company).env
