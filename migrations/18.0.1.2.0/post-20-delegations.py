"""18.0.1.2.0 (issue #17, the law of 2026): the decision right of a deputy
rests on a delegation record (``hr.kpi.delegation``, ủy quyền).

Before, an evaluation configuration (``acting_deputy_id``,
``acting_date_start``, ``acting_date_end``) and an appraisal
(``acting_deputy_employee_id`` and the same dates) named an acting deputy who
decided in the decider's place between two dates, without any document. These
fields are gone: on the appraisal, ``acting_deputy_employee_id`` is now
computed from the delegations in force.

* Each distinct acting deputy (delegator = the configuration's or the
  appraisal's decider, deputy, dates) becomes a delegation record, active,
  **without a document number**, with a note saying that the number of the
  delegation document must be entered. A placeholder such as "—" is not a
  document number: until HR enters a real one, such a delegation **grants no
  decision right** (the deputy is refused the decision; the decider decides).
* The appraisals already decided by that deputy (``decided_by_id``) while he
  was named on them keep the record of it: ``decision_delegation_id`` points to
  the migrated delegation (its document number can still be entered; its other
  terms are then a record of those decisions).
* The old columns are left in the tables (as Odoo leaves the columns of
  removed fields) and are no longer read.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

NOTE = (
    "Migrated from the acting deputy of %s (upgrade to 18.0.1.2.0). A document "
    "number must be entered: enter the number of the delegation document; "
    "until then the deputy does not decide."
)
DECIDED_STATES = ("decided", "published", "appeal_open", "appeal_resolved", "locked")


def _sources(cr):
    """(delegator, deputy, date from, date to, company, where) of every acting
    deputy named before, the configurations first."""
    rows = []
    if column_exists(cr, "hr_kpi_evaluation_config", "acting_deputy_id"):
        cr.execute(
            """
            SELECT c.decider_id, c.acting_deputy_id,
                   COALESCE(c.acting_date_start, c.date_start),
                   COALESCE(c.acting_date_end, c.date_end,
                            c.acting_date_start, c.date_start),
                   e.company_id,
                   'the evaluation configuration of ' || COALESCE(s.name, '?')
              FROM hr_kpi_evaluation_config c
              JOIN hr_employee e ON e.id = c.decider_id
              LEFT JOIN hr_employee s ON s.id = c.employee_id
             WHERE c.acting_deputy_id IS NOT NULL
               AND c.acting_deputy_id != c.decider_id
             ORDER BY c.id
            """
        )
        rows += cr.fetchall()
    if column_exists(cr, "hr_kpi_appraisal", "acting_deputy_employee_id"):
        cr.execute(
            """
            SELECT a.decider_employee_id, a.acting_deputy_employee_id,
                   COALESCE(a.acting_date_start, p.date_start),
                   COALESCE(a.acting_date_end, p.date_end),
                   e.company_id,
                   'the appraisal of ' || COALESCE(s.name, '?')
                       || ' (' || COALESCE(p.name, '?') || ')'
              FROM hr_kpi_appraisal a
              JOIN hr_kpi_period p ON p.id = a.period_id
              JOIN hr_employee e ON e.id = a.decider_employee_id
              LEFT JOIN hr_employee s ON s.id = a.employee_id
             WHERE a.acting_deputy_employee_id IS NOT NULL
               AND a.acting_deputy_employee_id != a.decider_employee_id
             ORDER BY a.id
            """
        )
        rows += cr.fetchall()
    return rows


def migrate(cr, version):
    if not version:
        return
    created = {}
    for delegator, deputy, date_from, date_to, company, where in _sources(cr):
        if not (date_from and date_to):
            continue
        date_from, date_to = min(date_from, date_to), max(date_from, date_to)
        key = (delegator, deputy, date_from, date_to)
        if key in created:
            continue
        cr.execute(
            SQL(
                """
                INSERT INTO hr_kpi_delegation (
                    delegator_id, deputy_id, date_from, date_to, company_id,
                    note, active, has_document,
                    create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, %s, TRUE, FALSE,
                        1, now() AT TIME ZONE 'UTC',
                        1, now() AT TIME ZONE 'UTC')
                RETURNING id
                """,
                delegator,
                deputy,
                date_from,
                date_to,
                company,
                NOTE % where,
            )
        )
        created[key] = cr.fetchone()[0]
    if not created or not column_exists(
        cr, "hr_kpi_appraisal", "acting_deputy_employee_id"
    ):
        return
    # the decisions the deputy took while named on the appraisal
    for (delegator, deputy, date_from, date_to), delegation_id in created.items():
        cr.execute(
            SQL(
                """
                UPDATE hr_kpi_appraisal a
                   SET decision_delegation_id = %(delegation)s
                  FROM hr_employee d
                 WHERE d.id = %(deputy)s
                   AND a.decided_by_id = d.user_id
                   AND a.decider_employee_id = %(delegator)s
                   AND a.acting_deputy_employee_id = %(deputy)s
                   AND a.state IN %(decided)s
                   AND a.decision_delegation_id IS NULL
                   AND a.decided_date::date BETWEEN %(date_from)s AND %(date_to)s
                """,
                delegation=delegation_id,
                deputy=deputy,
                delegator=delegator,
                decided=DECIDED_STATES,
                date_from=date_from,
                date_to=date_to,
            )
        )
