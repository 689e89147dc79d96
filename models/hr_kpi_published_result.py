from odoo import fields, models, tools
from odoo.tools import SQL

from .hr_kpi_appraisal import PUBLISHED_STATES
from .hr_kpi_rule_set import level_selection


class HrKpiPublishedResult(models.Model):
    """The published results: level and total score only, never the details.

    A read-only SQL view of the published appraisals (their current version).
    Record rules
    (security/hr_kpi_analysis_security.xml): the employee reads his or her own
    result and, when the rule set publishes results to the unit, those of the
    colleagues of his or her unit; HR officers read the company.
    """

    _name = "hr.kpi.published.result"
    _description = "Published KPI result"
    _auto = False
    _order = "period_start desc, department_id, employee_id"
    _rec_name = "employee_id"

    employee_id = fields.Many2one("hr.employee", readonly=True)
    employee_user_id = fields.Many2one("res.users", string="User", readonly=True)
    period_id = fields.Many2one("hr.kpi.period", readonly=True)
    period_start = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", string="Unit", readonly=True)
    level = fields.Selection(level_selection(), readonly=True)
    total_score = fields.Float(readonly=True, aggregator="avg")
    published_date = fields.Date(readonly=True)
    publish_to_unit = fields.Boolean(string="Published to the unit", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT
                    a.id AS id,
                    a.employee_id AS employee_id,
                    e.user_id AS employee_user_id,
                    a.period_id AS period_id,
                    p.date_start AS period_start,
                    a.company_id AS company_id,
                    a.department_id AS department_id,
                    a.level_final AS level,
                    a.total_score AS total_score,
                    a.published_date AS published_date,
                    COALESCE(rs.publish_to_unit, FALSE) AS publish_to_unit
                FROM hr_kpi_appraisal a
                JOIN hr_kpi_period p ON p.id = a.period_id
                JOIN hr_employee e ON e.id = a.employee_id
                LEFT JOIN hr_kpi_rule_set rs ON rs.id = a.rule_set_id
                WHERE a.state IN %(published)s
                    -- the current version: a result replaced by a correction
                    -- decision is archived
                    AND a.active
                )
                """,
                view=SQL.identifier(self._table),
                published=PUBLISHED_STATES,
            )
        )
