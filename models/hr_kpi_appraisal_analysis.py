from odoo import fields, models, tools
from odoo.tools import SQL

from ..const import (
    DECIDED_STATES,
    GOOD_OR_BETTER,
    NOT_EVALUATED,
    PUBLISHED_STATES,
    level_selection,
    subject_group_selection,
)


def _state_selection(model):
    return model.env["hr.kpi.appraisal"]._fields["state"].selection


class HrKpiAppraisalAnalysis(models.Model):
    """One row per appraisal, for the pivot and graph views and the dashboard.

    A read-only SQL view. Its record rules mirror those of the appraisals (see
    security/hr_kpi_analysis_security.xml): the employee sees his or her own
    row once published, evaluators and deciders their staff, focal points and
    heads their units with the sub-units, HR officers the company.

    - ``level``: the decided level, only once decided;
    - ``late_self_evaluation``: self-evaluated after the period's deadline, or
      still not self-evaluated when the deadline has passed;
    - ``late_decision``: decided after the period's deadline, or still not
      decided when it has passed;
    - a month not evaluated is never late (``not_evaluated_count``);
    - ``overdue_task_count``: tasks of the appraisal not done by their deadline
      (still open after it, or completed after it).
    """

    _name = "hr.kpi.appraisal.analysis"
    _description = "KPI appraisal analysis"
    _auto = False
    _order = "period_start desc, department_id, employee_id"
    _rec_name = "employee_id"

    appraisal_id = fields.Many2one("hr.kpi.appraisal", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    employee_user_id = fields.Many2one("res.users", string="User", readonly=True)
    period_id = fields.Many2one("hr.kpi.period", readonly=True)
    period_start = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", string="Unit", readonly=True)
    subject_group = fields.Selection(subject_group_selection(), readonly=True)
    # the quota group of the row (the dashboard's quota caps)
    rule_set_id = fields.Many2one("hr.kpi.rule.set", readonly=True)
    task_group = fields.Char(readonly=True)
    state = fields.Selection(_state_selection, readonly=True)
    evaluator_employee_id = fields.Many2one(
        "hr.employee", string="Evaluator", readonly=True
    )
    decider_employee_id = fields.Many2one(
        "hr.employee", string="Decider", readonly=True
    )
    # the deputy under a delegation in force (hr.kpi.delegation): as on the
    # appraisal, searched for the record rules
    acting_deputy_employee_id = fields.Many2one(
        "hr.employee",
        string="Acting deputy",
        compute="_compute_acting_deputy_employee_id",
        search="_search_acting_deputy_employee_id",
    )
    level = fields.Selection(level_selection(), string="Decided level", readonly=True)
    is_evaluated = fields.Boolean(string="Decided", readonly=True)
    is_published = fields.Boolean(string="Published", readonly=True)
    publish_to_unit = fields.Boolean(string="Published to the unit", readonly=True)
    total_score = fields.Float(readonly=True, aggregator="avg")
    kpi_percent = fields.Float(string="KPI (%)", readonly=True, aggregator="avg")
    evaluated_count = fields.Integer(string="# Decided", readonly=True)
    excellent_count = fields.Integer(string="# Excellently completed", readonly=True)
    good_or_better_count = fields.Integer(
        string="# Well completed or above", readonly=True
    )
    late_self_evaluation = fields.Boolean(string="Late self-evaluation", readonly=True)
    late_decision = fields.Boolean(string="Late decision", readonly=True)
    late_self_evaluation_count = fields.Integer(
        string="# Late self-evaluations", readonly=True
    )
    late_decision_count = fields.Integer(string="# Late decisions", readonly=True)
    not_evaluated_count = fields.Integer(string="# Not evaluated", readonly=True)
    overdue_task_count = fields.Integer(string="# Overdue tasks", readonly=True)

    def _compute_acting_deputy_employee_id(self):
        # sudo: the deputy of the appraisal of a row the user reads
        deputies = {
            appraisal.id: appraisal.acting_deputy_employee_id.id
            for appraisal in self.appraisal_id.sudo()
        }
        for row in self:
            row.acting_deputy_employee_id = deputies.get(row.appraisal_id.id, False)

    def _search_acting_deputy_employee_id(self, operator, value):
        # sudo: the same search on the appraisals, for the record rules
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            ._search([("acting_deputy_employee_id", operator, value)])
        )
        return [("appraisal_id", "in", appraisals)]

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        not_evaluated = SQL("(a.state = %s)", NOT_EVALUATED)
        late_self = SQL(
            "(NOT %s AND p.date_self_evaluation IS NOT NULL AND "
            "COALESCE(a.self_submitted_date::date, CURRENT_DATE) "
            "> p.date_self_evaluation)",
            not_evaluated,
        )
        late_decision = SQL(
            "(NOT %s AND p.date_decision IS NOT NULL AND "
            "COALESCE(a.decided_date::date, CURRENT_DATE) > p.date_decision)",
            not_evaluated,
        )
        evaluated = SQL("(a.state IN %s)", DECIDED_STATES)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT
                    a.id AS id,
                    a.id AS appraisal_id,
                    a.employee_id AS employee_id,
                    e.user_id AS employee_user_id,
                    a.period_id AS period_id,
                    p.date_start AS period_start,
                    a.company_id AS company_id,
                    a.department_id AS department_id,
                    a.subject_group AS subject_group,
                    a.rule_set_id AS rule_set_id,
                    a.task_group AS task_group,
                    a.state AS state,
                    a.evaluator_employee_id AS evaluator_employee_id,
                    a.decider_employee_id AS decider_employee_id,
                    CASE WHEN %(evaluated)s THEN a.level_final END AS level,
                    %(evaluated)s AS is_evaluated,
                    (a.state IN %(published)s) AS is_published,
                    COALESCE(rs.publish_to_unit, FALSE) AS publish_to_unit,
                    a.total_score AS total_score,
                    a.kpi_percent AS kpi_percent,
                    CASE WHEN %(evaluated)s THEN 1 ELSE 0 END AS evaluated_count,
                    CASE WHEN %(evaluated)s AND a.level_final = 'excellent'
                        THEN 1 ELSE 0 END AS excellent_count,
                    CASE WHEN %(evaluated)s AND a.level_final IN %(good)s
                        THEN 1 ELSE 0 END AS good_or_better_count,
                    %(late_self)s AS late_self_evaluation,
                    %(late_decision)s AS late_decision,
                    CASE WHEN %(late_self)s THEN 1 ELSE 0 END
                        AS late_self_evaluation_count,
                    CASE WHEN %(late_decision)s THEN 1 ELSE 0 END
                        AS late_decision_count,
                    CASE WHEN %(not_evaluated)s THEN 1 ELSE 0 END
                        AS not_evaluated_count,
                    -- per row, by the index of the tasks that can be overdue
                    -- (hr_kpi_task_overdue_by_appraisal_index): a unit's rows
                    -- read their own tasks only (a grouped sub-query would
                    -- count every task of every month first, 1.3 s for a
                    -- head's unit at N = 200,000), and a query that does not
                    -- ask for the count does not compute it
                    (
                        SELECT COUNT(*)
                        FROM hr_kpi_task t
                        WHERE t.appraisal_id = a.id
                            AND (
                                (t.state NOT IN ('done', 'cancelled')
                                    AND t.deadline < CURRENT_DATE)
                                OR (t.state = 'done' AND t.date_done > t.deadline)
                            )
                    ) AS overdue_task_count
                FROM hr_kpi_appraisal a
                JOIN hr_kpi_period p ON p.id = a.period_id
                -- every appraisal has its employee (required): a LEFT JOIN
                -- gives the same rows and lets PostgreSQL leave the employees
                -- out of a query that does not ask for the user (HR's counts)
                LEFT JOIN hr_employee e ON e.id = a.employee_id
                LEFT JOIN hr_kpi_rule_set rs ON rs.id = a.rule_set_id
                -- the current versions (a corrected result's original is archived)
                WHERE a.active
                )
                """,
                view=SQL.identifier(self._table),
                evaluated=evaluated,
                published=PUBLISHED_STATES,
                good=GOOD_OR_BETTER,
                late_self=late_self,
                late_decision=late_decision,
                not_evaluated=not_evaluated,
            )
        )
