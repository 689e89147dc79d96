"""Inbox (and e-mail, by each user's Odoo preference) notifications of the
monthly workflow, batched and deferred.

A transition only records one small pending row per person to tell
(``hr.kpi.notification``): one INSERT for the whole batch, reading nothing but
the users of the appraisals moved, so a step costs what its unit costs
(TestKpiUnitCost). A cron, triggered by the transition and run every few
minutes, groups the pending rows per recipient and posts one message to each,
in his or her language, then deletes the rows.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date

# new state -> the kind of notification (who is told: see _kpi_notify_targets)
KIND_BY_STATE = {
    "self_submitted": "to_review",
    "reviewed": "to_decide",
    "decided": "decided",
    "published": "published",
    "appeal_resolved": "appeal_answered",
    "returned": "returned",
}
# the recipients a cron run sends to at most; the rest waits for the next run
SEND_BATCH = 500


class HrKpiNotification(models.Model):
    _name = "hr.kpi.notification"
    _description = "KPI notification waiting to be sent"
    _order = "id"

    user_id = fields.Many2one(
        "res.users", string="Recipient", required=True, ondelete="cascade", index=True
    )
    appraisal_id = fields.Many2one(
        "hr.kpi.appraisal", required=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [
            ("month_opened", "Month opened"),
            ("returned", "Returned"),
            ("to_review", "To review"),
            ("to_decide", "To decide"),
            ("decided", "Decided"),
            ("published", "Published"),
            ("appeal_answered", "Appeal answered"),
            ("late", "Late"),
        ],
        required=True,
    )
    author_id = fields.Many2one("res.partner", ondelete="set null")

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------

    @api.model
    def _kpi_queue(self, rows):
        """Record ``rows`` [(user, appraisal, kind)] (users without a login,
        and the author himself, are left out) and wake the sender up."""
        author = self.env.user
        vals_list = [
            {
                "user_id": user.id,
                "appraisal_id": appraisal.id,
                "kind": kind,
                "author_id": author.partner_id.id,
            }
            for user, appraisal, kind in rows
            if user and user != author
        ]
        if not vals_list:
            return self.browse()
        # sudo: the pending rows are the system's, not the user's to read
        pending = self.sudo().create(vals_list)
        cron = self.env.ref(
            "l10n_vn_hr_kpi.ir_cron_kpi_send_notifications", raise_if_not_found=False
        )
        if cron:
            # sudo: waking the sender up is not a right of the user's
            cron.sudo()._trigger()
        return pending

    # ------------------------------------------------------------------
    # Sender
    # ------------------------------------------------------------------

    def _kpi_line(self, appraisal):
        """What the row says, in the current language (the recipient's)."""
        self.ensure_one()
        _ = self.env._
        period = appraisal.period_id
        name = appraisal.display_name

        def day(value):
            return format_date(self.env, value) if value else _("no deadline")

        kind = self.kind
        if kind == "month_opened":
            return _(
                "%(name)s: the month is open. Report your tasks and "
                "self-evaluate by %(date)s.",
                name=name,
                date=day(period.date_self_evaluation),
            )
        if kind == "returned":
            date = (
                period.date_review
                if appraisal.returned_to == "evaluator"
                else period.date_self_evaluation
            )
            return _(
                "%(name)s: returned to you (%(reason)s). Send it again by %(date)s.",
                name=name,
                reason=appraisal.return_reason or _("no reason given"),
                date=day(date),
            )
        if kind == "to_review":
            return _(
                "%(name)s: the self-evaluation is submitted. Review it by %(date)s.",
                name=name,
                date=day(period.date_review),
            )
        if kind == "to_decide":
            return _(
                "%(name)s: the review is sent. Decide the level by %(date)s.",
                name=name,
                date=day(period.date_decision),
            )
        if kind == "decided":
            return _("%(name)s: the level is decided.", name=name)
        if kind == "published":
            return _(
                "%(name)s: your result is published. You may appeal until %(date)s.",
                name=name,
                date=day(appraisal.appeal_deadline),
            )
        if kind == "appeal_answered":
            return _(
                "%(name)s: your appeal is answered: %(answer)s",
                name=name,
                answer=appraisal.appeal_answer or "",
            )
        # late
        Notifier = self.env["hr.kpi.notifier"]
        actor, deadline_field = Notifier._get_step(appraisal)
        step = {
            "employee": _("the self-evaluation"),
            "evaluator": _("the review"),
            "decider": _("the decision"),
        }.get(actor, "")
        return _(
            "%(name)s: %(step)s was due on %(date)s. Please do it now.",
            name=name,
            step=step,
            date=day(period[deadline_field] if deadline_field else False),
        )

    def _kpi_send(self):
        """Post one message per recipient of ``self`` listing its rows, in
        the recipient's language, then delete the rows. Returns the messages."""
        # sudo: the sender is the system; each message goes to its own person
        pending = self.sudo().exists()
        messages = self.env["mail.message"]
        root = self.env.ref("base.partner_root")
        for user, rows in pending.grouped("user_id").items():
            in_lang = rows.with_context(lang=user.lang or self.env.lang)
            _ = in_lang.env._
            appraisals = in_lang.appraisal_id
            lines = Markup("").join(
                Markup('<li><a href="/odoo/hr.kpi.appraisal/%s">%s</a></li>')
                % (row.appraisal_id.id, row._kpi_line(row.appraisal_id))
                for row in in_lang
            )
            kinds = dict(in_lang._fields["kind"]._description_selection(in_lang.env))
            if len(in_lang) == 1:
                subject = _(
                    "%(kind)s: %(name)s",
                    kind=kinds[in_lang.kind],
                    name=appraisals.display_name,
                )
            else:
                subject = _(
                    "KPI: %(count)s updates on the appraisals", count=len(in_lang)
                )
            authors = rows.author_id
            thread = appraisals if len(appraisals) == 1 else in_lang.env["mail.thread"]
            messages |= thread.message_notify(
                author_id=(authors if len(authors) == 1 else root).id,
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=Markup("<ul>%s</ul>") % lines,
                model_description=in_lang.env["ir.model"]._get(appraisals._name).name,
            )
        pending.unlink()
        return messages

    @api.model
    def _cron_send(self):
        """Send the pending notifications, ``SEND_BATCH`` recipients a run."""
        # sudo: the sender is the system
        Notification = self.sudo()
        users = Notification._read_group([], ["user_id"], order="user_id")
        batch = [user.id for [user] in users[:SEND_BATCH]]
        Notification.search([("user_id", "in", batch)])._kpi_send()
        remaining = len(users) - len(batch)
        if remaining:
            self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return len(batch)


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    kpi_step_actor = fields.Selection(
        [("employee", "Employee"), ("evaluator", "Evaluator"), ("decider", "Decider")],
        string="Who acts next",
        compute="_compute_kpi_step",
    )
    kpi_step_deadline = fields.Date(
        string="Deadline of the step",
        compute="_compute_kpi_step",
        help="The day the current step is due, from the rule set's calendar "
        "(self-evaluation, review, decision days of the next month).",
    )
    kpi_step_late = fields.Boolean(string="Step late", compute="_compute_kpi_step")

    @api.depends("state", "returned_to", "period_id")
    def _compute_kpi_step(self):
        Notifier = self.env["hr.kpi.notifier"]
        today = fields.Date.context_today(self)
        for appraisal in self:
            actor, deadline_field = Notifier._get_step(appraisal)
            deadline = appraisal.period_id[deadline_field] if actor else False
            appraisal.kpi_step_actor = actor
            appraisal.kpi_step_deadline = deadline
            appraisal.kpi_step_late = bool(deadline and deadline < today)

    # ------------------------------------------------------------------
    # Who is told of each transition
    # ------------------------------------------------------------------

    def _kpi_notify_targets(self):
        """[(user, appraisal, kind)] of the new state of each appraisal."""
        rows = []
        # sudo: the users of the people of an appraisal just moved (checked)
        for appraisal in self.sudo():
            kind = KIND_BY_STATE.get(appraisal.state)
            if not kind:
                continue
            if kind == "returned":
                who = (
                    appraisal.evaluator_employee_id
                    if appraisal.returned_to == "evaluator"
                    else appraisal.employee_id
                )
            else:
                who = {
                    "to_review": appraisal.evaluator_employee_id,
                    "to_decide": appraisal.decider_employee_id,
                    "decided": appraisal.evaluator_employee_id,
                }.get(kind, appraisal.employee_id)
            rows.append((who.user_id, appraisal, kind))
        # the decider's deputy under a delegation in force (ủy quyền) is told
        # too: he may decide in the decider's place
        # sudo: the deciders and their deputies' users, read to address the
        # notification of a transition the caller was allowed to make
        to_decide = self.sudo().browse(
            [appraisal.id for _user, appraisal, kind in rows if kind == "to_decide"]
        )
        if to_decide:
            today = fields.Date.context_today(self)
            acting = self.env["hr.kpi.notifier"]._acting_deciders(to_decide, today)
            rows += [
                (deputy.user_id, appraisal, "to_decide")
                for appraisal, deputy in acting.items()
                if deputy.user_id != appraisal.decider_employee_id.user_id
            ]
        return rows

    def _kpi_after_transition(self, update_rollups=True):
        res = super()._kpi_after_transition(update_rollups=update_rollups)
        # the system's own batch moves (demo data, the automatic lock) tell nobody
        if not self.env.su:
            self.env["hr.kpi.notification"]._kpi_queue(self._kpi_notify_targets())
        return res

    # ------------------------------------------------------------------
    # Remind the late ones
    # ------------------------------------------------------------------

    def _kpi_check_remind(self):
        """The HR officer reminds anyone of his companies; a head the people
        of the units he heads (with their sub-units) and those he decides."""
        self.ensure_one()
        user = self.env.user
        if self._kpi_is_hr_officer() and self.company_id in self.env.companies:
            return
        if user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            employees = self._kpi_user_employee_ids()
            heads = user.kpi_head_department_ids
            # sudo: the unit and decider of a record the user asks to remind
            appraisal = self.sudo()
            if appraisal.decider_employee_id.id in employees or (
                heads
                and appraisal.department_id
                in heads.search([("id", "child_of", heads.ids)])
            ):
                return
        raise AccessError(
            self.env._(
                "%(appraisal)s: only the HR officer or the head of the unit may "
                "remind this person.",
                appraisal=self.display_name,
            )
        )

    @api.model
    def _kpi_remind_scope_domain(self):
        """The appraisals a user's *Remind the late ones* reaches."""
        if self._kpi_is_hr_officer():
            return [("company_id", "in", self.env.companies.ids)]
        heads = self.env.user.kpi_head_department_ids
        return [
            "|",
            ("decider_employee_id", "in", self._kpi_user_employee_ids()),
            ("department_id", "child_of", heads.ids),
        ]

    def action_kpi_remind_late(self):
        """Post to each late person (whoever must act on a step past its
        deadline) what is due and by when; on the selected appraisals, or on
        every late one of the user's scope when called without a selection.
        Each appraisal goes through its own check; the report is per record."""
        today = fields.Date.context_today(self)
        Notifier = self.env["hr.kpi.notifier"]
        records = self or self.search(
            [*self._kpi_remind_scope_domain(), *Notifier._late_domain(today)]
        )
        late = set(
            self.search([("id", "in", records.ids), *Notifier._late_domain(today)]).ids
        )
        rows, done, refused = [], [], []
        for appraisal in records:
            try:
                appraisal._kpi_check_remind()
            except AccessError as error:
                refused.append(str(error.args[0]))
                continue
            if appraisal.id not in late:
                refused.append(
                    self.env._(
                        "%(appraisal)s: no step is late.",
                        appraisal=appraisal.display_name,
                    )
                )
                continue
            # sudo: who acts on a record the user may remind (checked above)
            actor, _field = Notifier._get_step(appraisal.sudo())
            user = Notifier._get_responsible(appraisal.sudo(), actor).user_id
            if not user:
                refused.append(
                    self.env._(
                        "%(appraisal)s: the person who must act has no user to remind.",
                        appraisal=appraisal.display_name,
                    )
                )
                continue
            rows.append((user, appraisal, "late"))
            done.append(appraisal.display_name)
        self.env["hr.kpi.notification"]._kpi_queue(rows)._kpi_send()
        return self._kpi_mass_report(done, refused)


class HrKpiPeriod(models.Model):
    _inherit = "hr.kpi.period"

    def _kpi_appraisals_opened(self, appraisals):
        """Opening the month tells each of its staff (month opened)."""
        res = super()._kpi_appraisals_opened(appraisals)
        self.env["hr.kpi.notification"]._kpi_queue(
            [(a.employee_id.user_id, a, "month_opened") for a in appraisals]
        )
        return res
