"""Months not evaluated (không đánh giá) on the appraisal: the transitions
that mark a month not evaluated and evaluate it after all, and the suggestion
read from the data (``hr.kpi.not.evaluated``). The fields and the step guards
(``_step_error_mark_not_evaluated``, ``_step_error_evaluate_month``) stay with
the workflow in hr_kpi_appraisal.py."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import NOT_EVALUATED, NOT_EVALUATED_FROM
from .hr_kpi_not_evaluated import not_evaluated_reason_selection


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    # ---- months not evaluated --------------------------------

    def action_mark_not_evaluated(self):
        return self._kpi_open_step_wizard(
            "mark_not_evaluated",
            "hr.kpi.appraisal.not.evaluated",
            self.env._("Not evaluated this month"),
        )

    def _do_mark_not_evaluated(self, reason_type, reason):
        """Mark the months not evaluated, for ``reason_type`` (a category of
        not_evaluated_reason_selection) explained by ``reason``: confirmed by
        the HR officer or the decider, before the decision. The month then
        has no score counted and no level; it goes back to its state with
        action_evaluate_month."""
        if reason_type not in dict(not_evaluated_reason_selection()):
            raise UserError(
                self.env._("Choose why the month is not evaluated (the category).")
            )
        if not (reason or "").strip():
            raise UserError(
                self.env._("Give the reason why the month is not evaluated.")
            )
        self._check_step("mark_not_evaluated")
        leaders = self.leader_appraisal_id
        now = fields.Datetime.now()
        # one write per value of the only field that differs
        for state, appraisals in self.grouped("state").items():
            appraisals._workflow_write(
                {
                    "state": NOT_EVALUATED,
                    "not_evaluated_prev_state": state,
                    "not_evaluated_reason_type": reason_type,
                    "not_evaluated_reason": reason,
                    "not_evaluated_by_id": self.env.uid,
                    "not_evaluated_date": now,
                }
            )
        label = dict(
            self._fields["not_evaluated_reason_type"]._description_selection(self.env)
        )[reason_type]
        for appraisal in self:
            appraisal.message_post(
                body=self.env._(
                    "Not evaluated this month (%(category)s): %(reason)s",
                    category=label,
                    reason=reason,
                )
            )
        self._kpi_recompute_leaders(leaders)
        return True

    def action_evaluate_month(self):
        """Evaluate the month after all: it goes back to the state it was
        marked not evaluated from, by the same people, logged."""
        self._check_step("evaluate_month")
        leaders = self.leader_appraisal_id
        reasons = {a.id: a.not_evaluated_reason for a in self}
        for state, appraisals in self.grouped("not_evaluated_prev_state").items():
            appraisals._workflow_write(
                {
                    "state": state or "draft",
                    "not_evaluated_prev_state": False,
                    "not_evaluated_reason_type": False,
                    "not_evaluated_reason": False,
                    "not_evaluated_by_id": False,
                    "not_evaluated_date": False,
                }
            )
        for appraisal in self:
            appraisal.message_post(
                body=self.env._(
                    "Evaluated this month after all (it was marked not evaluated: "
                    "%(reason)s).",
                    reason=reasons[appraisal.id] or "",
                )
            )
        self._kpi_recompute_leaders(leaders)
        return True

    def _kpi_recompute_leaders(self, leaders):
        """The unit result (d) of the ``leaders`` still open follows the
        months of their staff that are evaluated: recompute it when one of
        them is marked not evaluated or evaluated again."""
        live = leaders._kpi_live()
        if live:
            # sudo: the leaders' scores follow their staff's months (the
            # transition was checked by the caller)
            live.sudo()._kpi_recompute_scores()

    @api.depends("state", "employee_id", "period_id", "rule_set_id")
    def _compute_not_evaluated_suggestion(self):
        suggestions = self.env["hr.kpi.not.evaluated"]._suggestions(
            self.filtered(lambda a: isinstance(a.id, int))
        )
        for appraisal in self:
            found = suggestions.get(appraisal.id, [])
            appraisal.not_evaluated_suggestion = (
                "\n".join(text for _reason, text in found) or False
            )
            appraisal.not_evaluated_suggested_type = found[0][0] if found else False
            appraisal.not_evaluated_suggested = bool(found)

    def _search_not_evaluated_suggested(self, operator, value):
        """The months of the open periods the user reads that the data
        suggest not evaluated (computed for them, in batch)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("The suggestion is searched with = or != True or False.")
            )
        candidates = self.search(
            [("state", "in", NOT_EVALUATED_FROM), ("period_id.state", "=", "open")]
        )
        ids = list(self.env["hr.kpi.not.evaluated"]._suggestions(candidates))
        found = (operator == "=") == value
        return [("id", "in" if found else "not in", ids)]
