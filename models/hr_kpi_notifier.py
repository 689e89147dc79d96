"""Reminders of the monthly workflow, as a service.

``self.env["hr.kpi.notifier"]._sync_activities(appraisals)`` gives the person
responsible for the current step of each appraisal one "KPI step" activity with
the step's deadline, and removes the activities of the steps already done. The
workflow calls it after every transition; opening a month calls it too.
"""

from collections import defaultdict

from odoo import api, fields, models

# state -> (who acts, period field holding the deadline)
STEP_BY_STATE = {
    "draft": ("employee", "date_self_evaluation"),
    "returned": ("employee", "date_self_evaluation"),
    "self_submitted": ("evaluator", "date_review"),
    "reviewed": ("decider", "date_decision"),
}
WAITING_STATES = tuple(STEP_BY_STATE)


class HrKpiNotifier(models.AbstractModel):
    _name = "hr.kpi.notifier"
    _description = "KPI workflow reminders"

    @api.model
    def _activity_type(self):
        return self.env.ref(
            "l10n_vn_hr_kpi.mail_activity_type_kpi_step", raise_if_not_found=False
        )

    @api.model
    def _get_step(self, appraisal):
        """``(actor, deadline field)`` of the current step of ``appraisal``, or
        ``(False, False)`` when nobody has to act. An appraisal returned to its
        evaluator (``returned_to == "evaluator"``, when the workflow records it)
        waits for the review again."""
        actor, deadline_field = STEP_BY_STATE.get(appraisal.state, (False, False))
        if (
            appraisal.state == "returned"
            and "returned_to" in appraisal._fields
            and appraisal.returned_to == "evaluator"
        ):
            actor, deadline_field = STEP_BY_STATE["self_submitted"]
        return actor, deadline_field

    @api.model
    def _get_responsible(self, appraisal, actor):
        """The employee who acts for ``actor`` on ``appraisal``."""
        return {
            "employee": appraisal.employee_id,
            "evaluator": appraisal.evaluator_employee_id,
            "decider": appraisal.decider_employee_id,
        }.get(actor, appraisal.employee_id.browse())

    @api.model
    def _acting_deciders(self, appraisals, day):
        """``{appraisal: acting deputy}`` for the appraisals whose decider has
        delegated the decision (ủy quyền) on ``day``: a delegation record in
        force, with its document number (hr.kpi.delegation)."""
        # sudo: the activities go to other users; nothing is shown to the caller
        in_force = appraisals.sudo()._kpi_delegations_in_force(day)
        result = {}
        for appraisal in appraisals:
            delegation = in_force.get(appraisal.id)
            if delegation:
                result[appraisal] = delegation[:1].deputy_id
        return result

    @api.model
    def _expected_activities(self, appraisals):
        """``{appraisal id: (user, deadline, step label)}`` for the appraisals
        whose current step has a responsible user."""
        labels_by_lang = {}

        def label(actor, lang):
            """The step's name in the language of the person who acts."""
            if lang not in labels_by_lang:
                _ = self.with_context(lang=lang).env._
                labels_by_lang[lang] = {
                    "employee": _("Self-evaluation"),
                    "evaluator": _("Review"),
                    "decider": _("Decision"),
                }
            return labels_by_lang[lang][actor]

        today = fields.Date.context_today(self)
        steps = {appraisal: self._get_step(appraisal) for appraisal in appraisals}
        deciding = appraisals.filtered(lambda a: steps[a][0] == "decider")
        acting = self._acting_deciders(deciding, today) if deciding else {}
        expected = {}
        for appraisal in appraisals:
            actor, deadline_field = steps[appraisal]
            if not actor:
                continue
            responsible = acting.get(appraisal) or self._get_responsible(
                appraisal, actor
            )
            user = responsible.user_id
            if not user:
                continue
            deadline = (
                appraisal.period_id[deadline_field]
                or appraisal.period_id.date_end
                or today
            )
            expected[appraisal.id] = (
                user,
                deadline,
                label(actor, user.lang or self.env.lang),
            )
        return expected

    @api.model
    def _sync_activities(self, appraisals):
        """One "KPI step" activity per appraisal, on the user of its current step.

        In batch whatever the number of appraisals: one search of the existing
        activities, one unlink of the outdated ones, one create of the missing
        ones (the core then subscribes each responsible user once).
        """
        activity_type = self._activity_type()
        # sudo: the activities go to other users; nothing is shown to the caller
        appraisals = appraisals.sudo().exists()
        if not activity_type or not appraisals:
            return
        # sudo: the activities go to other users; nothing is shown to the caller
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
        )
        existing = Activity.search(
            [
                ("res_model", "=", appraisals._name),
                ("res_id", "in", appraisals.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        by_appraisal = defaultdict(list)
        for activity in existing:
            by_appraisal[activity.res_id].append(activity)
        expected = self._expected_activities(appraisals)
        to_unlink = Activity.browse()
        vals_list = []
        model_id = self.env["ir.model"]._get_id(appraisals._name)
        for appraisal in appraisals:
            wanted = expected.get(appraisal.id)
            kept = False
            for activity in by_appraisal.get(appraisal.id, []):
                if (
                    wanted
                    and not kept
                    and activity.user_id == wanted[0]
                    and activity.date_deadline == wanted[1]
                    and activity.summary == wanted[2]
                ):
                    kept = True
                else:
                    to_unlink |= activity
            if wanted and not kept:
                user, deadline, label = wanted
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": appraisal.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": deadline,
                        "summary": label,
                    }
                )
        to_unlink.unlink()
        if vals_list:
            # the activities store the name of their record, read one by one:
            # compute the names of all the appraisals at once first
            Activity.env[appraisals._name].browse(appraisals.ids).mapped("display_name")
            Activity.create(vals_list)

    # ------------------------------------------------------------------
    # Daily digest to the heads
    # ------------------------------------------------------------------

    @api.model
    def _late_domain(self, today):
        """Appraisals still waiting for a step whose deadline is before ``today``."""
        return [
            "|",
            "|",
            "&",
            ("state", "in", ("draft", "returned")),
            ("period_id.date_self_evaluation", "<", today),
            "&",
            ("state", "=", "self_submitted"),
            ("period_id.date_review", "<", today),
            "&",
            ("state", "=", "reviewed"),
            ("period_id.date_decision", "<", today),
        ]

    @api.model
    def _cron_send_digest(self):
        """Send each head (decider with a user) one message listing the late
        appraisals he or she decides."""
        today = fields.Date.context_today(self)
        # sudo: the activities go to other users; nothing is shown to the caller
        Appraisal = self.env["hr.kpi.appraisal"].sudo()
        late = Appraisal.search(
            [("decider_employee_id.user_id", "!=", False), *self._late_domain(today)],
            order="department_id, employee_id",
        )
        step_labels = dict(Appraisal._fields["state"]._description_selection(self.env))
        # sudo: the activities go to other users; nothing is shown to the caller
        Thread = self.env["mail.thread"].sudo()
        author = self.env.ref("base.partner_root")
        messages = 0
        for decider, appraisals in late.grouped("decider_employee_id").items():
            partner = decider.user_id.partner_id
            lines = [
                {
                    "appraisal": appraisal,
                    "state": step_labels.get(appraisal.state, appraisal.state),
                    "deadline": appraisal.period_id[self._get_step(appraisal)[1]],
                }
                for appraisal in appraisals
            ]
            body = self.env["ir.qweb"]._render(
                "l10n_vn_hr_kpi.hr_kpi_late_digest",
                {"decider": decider, "lines": lines, "today": today},
            )
            Thread.message_notify(
                author_id=author.id,
                partner_ids=partner.ids,
                subject=self.env._(
                    "KPI appraisals late: %(count)s in your units",
                    count=len(appraisals),
                ),
                body=body,
            )
            messages += 1
        return messages


class HrKpiAppraisal(models.Model):
    """After each transition, the to-do activity moves to the person of the
    new step."""

    _inherit = "hr.kpi.appraisal"

    def _kpi_after_transition(self, update_rollups=True):
        res = super()._kpi_after_transition(update_rollups=update_rollups)
        self.env["hr.kpi.notifier"]._sync_activities(self)
        return res
