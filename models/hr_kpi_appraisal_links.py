"""What an appraisal is linked to, kept by the addon itself: its criterion
lines (from the rule set), its tasks (the month of their deadline) and the
appraisal of its evaluator (the leader's criterion d). Called by the
appraisal's create and write; a month's opening links a city's tasks in one
UPDATE."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    @api.model
    def _get_for_employee_periods(self, pairs):
        """Map (employee id, period id) pairs to appraisal ids."""
        pairs = {(e, p) for e, p in pairs if e and p}
        if not pairs:
            return {}
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisals = self.sudo().search_fetch(
            [
                ("employee_id", "in", list({e for e, _p in pairs})),
                ("period_id", "in", list({p for _e, p in pairs})),
            ],
            ["employee_id", "period_id"],
        )
        return {(a.employee_id.id, a.period_id.id): a.id for a in appraisals}

    def _sync_criterion_lines(self):
        """(Re)create the criterion lines from the rule set's criteria, in one batch."""
        # sudo: internal read or link; rights checked by the caller or the guard
        appraisals = self.sudo()
        if not appraisals:
            return
        appraisals.line_ids.unlink()
        # sudo: internal read or link; rights checked by the caller or the guard
        criteria = (
            self.env["hr.kpi.criterion"]
            .sudo()
            .search(
                [
                    ("rule_set_id", "in", appraisals.rule_set_id.ids),
                    ("is_leaf", "=", True),
                ]
            )
        )
        by_key = defaultdict(list)
        for criterion in criteria:
            by_key[criterion.rule_set_id.id, criterion.subject_group].append(criterion)
        # new lines with no points (the satisfaction pre-fill comes after),
        # inserted in bulk: a month of a city creates millions of lines
        vals_list = [
            {
                "appraisal_id": appraisal.id,
                "company_id": appraisal.company_id.id,
                "criterion_id": criterion.id,
                "sequence": seq,
                "self_points": 0.0,
                "evaluator_points": 0.0,
                "final_points": 0.0,
            }
            for appraisal in appraisals
            for seq, criterion in enumerate(
                by_key[appraisal.rule_set_id.id, appraisal.subject_group], start=1
            )
        ]
        # sudo: internal read or link; rights checked by the caller or the guard
        self.env["hr.kpi.appraisal.line"].sudo()._kpi_insert_new_lines(vals_list)

    def _link_tasks(self, relink=False):
        """Attach the tasks of the employee whose deadline falls in the period."""
        if not self:
            return
        # sudo: internal read or link; rights checked by the caller or the guard
        Task = self.env["hr.kpi.task"].sudo()
        new = self.browse() if relink else self.filtered("active")
        if new:
            # a new appraisal takes the tasks of its employee in its period (the
            # month of their deadline, already on the task): the pairs in one
            # query, written in one UPDATE, whatever the size of the month
            self.flush_recordset(["employee_id", "period_id", "active"])
            Task.flush_model(["employee_id", "period_id", "appraisal_id"])
            links = {
                task_id: (period_id, appraisal_id)
                for task_id, period_id, appraisal_id in self.env.execute_query(
                    SQL(
                        """
                        SELECT t.id, t.period_id, a.id
                          FROM hr_kpi_task t
                          JOIN hr_kpi_appraisal a
                            ON a.employee_id = t.employee_id
                           AND a.period_id = t.period_id
                         WHERE a.id = ANY(%s)
                           AND t.appraisal_id IS DISTINCT FROM a.id
                        """,
                        new.ids,
                    )
                )
            }
            if links:
                Task.browse()._kpi_write_links(links)
        rest = self - new
        if not rest:
            return
        domain = [
            ("employee_id", "in", rest.employee_id.ids),
            ("period_id", "in", rest.period_id.ids),
        ]
        if relink:
            domain = ["|", ("appraisal_id", "in", rest.ids), "&", *domain]
        Task.search(domain)._link_period_and_appraisal()

    @api.model
    def _kpi_link_missing_leaders(self, period):
        """Link the appraisals of ``period`` (its company) that miss the
        appraisal of their evaluator while it exists. The jobs of an opening
        run in parallel, each in a transaction of its own: an appraisal
        created in one job does not see its evaluator's, created at the same
        time by another job and not committed yet, nor the reverse. Called
        once every job of the run has committed (the run's end); one query
        finds them, the link is written as ``_link_leaders`` writes it.

        :return: the appraisals linked
        """
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.id
                  FROM hr_kpi_appraisal a
                  JOIN hr_kpi_appraisal l ON l.employee_id = a.evaluator_employee_id
                                         AND l.period_id = %s
                                         AND l.active
                 WHERE a.period_id = %s AND a.active
                   AND a.evaluator_employee_id <> a.employee_id
                   AND a.leader_appraisal_id IS DISTINCT FROM l.id
                """,
                period.id,
                period.id,
            )
        )
        # sudo: the system completes its own links (the run's end)
        missing = self.sudo().browse([appraisal_id for [appraisal_id] in rows])
        missing._link_leaders()
        return missing

    def _link_leaders(self, relink=False):
        """Link appraisals to the appraisal of their evaluator in the same period
        (for the leader's criterion d), both ways."""
        if not self:
            return
        # sudo: internal read or link; rights checked by the caller or the guard
        me = self.sudo()
        candidates = me
        # appraisals evaluated by the employees of ``self``
        candidates |= me.search(
            [
                ("evaluator_employee_id", "in", self.employee_id.ids),
                ("period_id", "in", self.period_id.ids),
            ]
        )
        if relink:
            candidates |= me.search([("leader_appraisal_id", "in", self.ids)])
        leaders = self._get_for_employee_periods(
            [(a.evaluator_employee_id.id, a.period_id.id) for a in candidates]
        )
        # ids, not recordsets: a union per appraisal is quadratic in a city
        targets = defaultdict(list)
        for appraisal in candidates:
            leader_id = False
            if appraisal.evaluator_employee_id != appraisal.employee_id:
                key = (appraisal.evaluator_employee_id.id, appraisal.period_id.id)
                leader_id = leaders.get(key, False)
            if appraisal.leader_appraisal_id.id != leader_id:
                targets[leader_id].append(appraisal.id)
        for leader_id, ids in targets.items():
            me.browse(ids).write({"leader_appraisal_id": leader_id})
