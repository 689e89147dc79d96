"""The dates of a month run on time, for the dashboard: the ward's decided
months went through their steps at the installation, i.e. after their
deadlines. Their dates are past facts, written as they would stand: each
self-evaluation submitted on the last day of its month and the decision six
hours later. Idempotent."""

from datetime import datetime, time, timedelta

from ...const import DECIDED_STATES


def generate(env, company, today):
    """The decided months' dates (see the module's docstring)."""
    # sudo: demo data generated at the installation
    env = env(su=True, context=dict(env.context, tracking_disable=True))
    decided = env["hr.kpi.appraisal"].search(
        [("company_id", "=", company.id), ("state", "in", DECIDED_STATES)]
    )
    for period, appraisals in decided.grouped("period_id").items():
        submitted = datetime.combine(period.date_end, time(3))
        # one in six reviewed without a self-evaluation (a late one on the
        # dashboard): last month's went so through the workflow (see ward.py)
        missing = appraisals.filtered(lambda a: a.id % 6 == 0)
        (appraisals - missing).write(
            {
                "self_submitted_date": submitted,
                "decided_date": submitted + timedelta(hours=6),
            }
        )
        missing.write(
            {
                "self_submitted_date": False,
                "no_self_evaluation": True,
                "decided_date": submitted + timedelta(hours=6),
            }
        )
