"""18.0.1.1.0 (issue #16, integrity).

* ``hr.kpi.appraisal.line.final_points_set``: the decider's own final score no
  longer follows the evaluator's. Lines whose final points already differ
  from the evaluator's were scored by the decider: mark them so.
* ``hr.kpi.appraisal.quota_exception_id``: quota exceptions are records
  (``hr.kpi.quota.exception``); the text typed in decisions before stays in
  ``quota_exception_ref`` as the record of those decisions.
* ``hr.kpi.counter.official_ids``: only the officials HR assigned to a counter
  take it; the official at each counter today is its first official.
* ``hr.kpi.task``: an outcome counts once someone other than the assignee
  confirmed it, and a task set done is a confirmed outcome. Done tasks are
  marked confirmed; the appraisals still open are recomputed under the rule
  (an outcome reported but not confirmed no longer counts).
* The decided appraisals keep their stored scores (a snapshot from now on);
  they are not recomputed.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_rule_set import DECIDED_STATES


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE hr_kpi_appraisal_line
           SET final_points_set = TRUE
         WHERE final_points IS DISTINCT FROM evaluator_points
           AND final_points_set IS NOT TRUE
        """
    )
    cr.execute(
        """
        INSERT INTO hr_kpi_counter_official_rel (counter_id, employee_id)
        SELECT id, employee_id FROM hr_kpi_counter WHERE employee_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    )
    cr.execute(
        """
        UPDATE hr_kpi_task
           SET outcome_confirmed = TRUE
         WHERE state = 'done' AND outcome_confirmed IS NOT TRUE
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    Appraisal = env["hr.kpi.appraisal"]
    live = Appraisal.search([("state", "not in", list(DECIDED_STATES))])
    live._kpi_recompute_scores()
    env.flush_all()
