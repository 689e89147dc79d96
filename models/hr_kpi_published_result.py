from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..const import PUBLISHED_STATES, level_selection


class HrKpiPublishedResult(models.Model):
    """The published results: the level in words, never the details.

    A read-only SQL view of the published appraisals (their current version).
    Record rules
    (security/hr_kpi_analysis_security.xml): the employee reads his or her own
    result and, when the rule set publishes results to the unit, those of the
    colleagues of his or her unit; HR officers read the company.

    Privacy by default (Luật 91/2025/QH15): a colleague reads the level in
    words only; the total score shows to the person, to HR officers and, where
    the rule set publishes the scores to the unit (``publish_scores``), to the
    colleagues. The stored score (``raw_total_score``) is readable by HR
    officers only, so that nobody else can search, sort or group by it.
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
    raw_total_score = fields.Float(
        string="Total score (stored)",
        readonly=True,
        aggregator="avg",
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
    )
    publish_scores = fields.Boolean(string="Scores published", readonly=True)
    total_score = fields.Float(compute="_compute_total_score")
    score_shown = fields.Boolean(compute="_compute_total_score")
    published_date = fields.Date(readonly=True)
    publish_to_unit = fields.Boolean(string="Published to the unit", readonly=True)

    @api.depends_context("uid")
    def _compute_total_score(self):
        is_hr = self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")
        # sudo: the stored score, given below only to whom it may be shown
        scores = {result.id: result.raw_total_score for result in self.sudo()}
        for result in self:
            shown = (
                is_hr
                or result.employee_user_id == self.env.user
                or result.publish_scores
            )
            result.score_shown = shown
            result.total_score = scores.get(result.id, 0.0) if shown else 0.0

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
                    a.total_score AS raw_total_score,
                    COALESCE(rs.publish_scores, FALSE) AS publish_scores,
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
