"""Inbox (and e-mail, by each user's preference) notifications of the monthly
workflow (issue #19): the person who must act next, or whose result changed,
is told, in his or her own language."""

from markupsafe import Markup, escape

from odoo import models

# new state -> who is told (the returned state depends on returned_to)
NOTIFY_BY_STATE = {
    "self_submitted": "evaluator",
    "reviewed": "decider",
    "decided": "evaluator",
    "published": "employee",
    "appeal_resolved": "employee",
}


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    def _kpi_notify_recipient(self):
        """The user told of this appraisal's new state, or an empty recordset."""
        self.ensure_one()
        who = NOTIFY_BY_STATE.get(self.state)
        if self.state == "returned":
            who = "employee" if self.returned_to == "employee" else "evaluator"
        employee = {
            "employee": self.employee_id,
            "evaluator": self.evaluator_employee_id,
            "decider": self.decider_employee_id,
        }.get(who, self.employee_id.browse())
        return employee.user_id

    def _kpi_notify_text(self):
        """(subject, body) of this appraisal's new state, in the current
        language (the caller sets the recipient's)."""
        _ = self.env._
        name = self.display_name
        texts = {
            "self_submitted": (
                _("To review: %(name)s", name=name),
                _("The self-evaluation is submitted: review it and propose a level."),
            ),
            "reviewed": (
                _("To decide: %(name)s", name=name),
                _("The review is sent: decide the level within the unit's quota."),
            ),
            "decided": (
                _("Decided: %(name)s", name=name),
                _("The level of the appraisal you reviewed is decided."),
            ),
            "published": (
                _("Published: %(name)s", name=name),
                _(
                    "Your result is published. You may appeal until %(date)s.",
                    date=self.appeal_deadline or "",
                ),
            ),
            "appeal_resolved": (
                _("Appeal answered: %(name)s", name=name),
                _(
                    "Your appeal is answered: %(answer)s",
                    answer=self.appeal_answer or "",
                ),
            ),
            "returned": (
                _("Returned: %(name)s", name=name),
                _(
                    "The appraisal is returned to you: %(reason)s",
                    reason=self.return_reason or "",
                ),
            ),
        }
        return texts.get(self.state, (False, False))

    def _kpi_notify_state(self):
        """Tell the person concerned by each appraisal's new state (not for
        the system's own batch moves: demo data, the automatic lock)."""
        if self.env.su:
            return
        # sudo: notifications to other users of a transition already checked
        author = self.env.user.partner_id
        for appraisal in self.sudo():
            user = appraisal._kpi_notify_recipient()
            if not user or user == self.env.user:
                continue
            in_lang = appraisal.with_context(lang=user.lang or self.env.lang)
            subject, text = in_lang._kpi_notify_text()
            if not subject:
                continue
            in_lang.message_notify(
                author_id=author.id,
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=Markup("<p>%s</p>") % escape(text),
                model_description=in_lang.env["ir.model"]._get(self._name).name,
            )

    def _kpi_after_transition(self, update_rollups=True):
        res = super()._kpi_after_transition(update_rollups=update_rollups)
        self._kpi_notify_state()
        return res
