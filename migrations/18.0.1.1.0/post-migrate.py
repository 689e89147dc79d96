"""18.0.1.1.0 (issue #16, integrity).

* ``hr.kpi.appraisal.line.final_points_set``: the decider's own final score no
  longer follows the evaluator's. Lines whose final points already differ
  from the evaluator's were scored by the decider: mark them so.
* ``hr.kpi.appraisal.quota_exception_id``: quota exceptions are records
  (``hr.kpi.quota.exception``); the text typed in decisions before stays in
  ``quota_exception_ref`` as the record of those decisions.
* The decided appraisals keep their stored scores (a snapshot from now on);
  nothing to recompute.
"""


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
