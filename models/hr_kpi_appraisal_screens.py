"""What the appraisal screens need from the server: guidance before
refusal at the review, the read-only state of each field set computed from the
same guard as the write, and the mass actions of the lists, which run the
per-record guards and report per record."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import LEVEL_RANK
from .hr_kpi_locale import fmt_number

# the boolean of the form -> a field of the set it opens (see
# hr.kpi.appraisal._kpi_allowed_fields, the one guard)
EDIT_FLAGS = {
    "kpi_edit_self": "level_self",
    "kpi_edit_review": "level_proposed",
    "kpi_edit_decider": "decider_comment",
    "kpi_edit_organisation": "kpi_organisation",
    "kpi_edit_cohesion": "kpi_cohesion",
    "kpi_edit_config": "employee_id",
    "kpi_edit_collective": "collective_decision_ref",
}
# the steps a list can run on many appraisals at once
MASS_STEPS = ("review", "publish", "lock")


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    kpi_edit_self = fields.Boolean(
        string="Can edit the self-evaluation", compute="_compute_kpi_edit"
    )
    kpi_edit_review = fields.Boolean(
        string="Can edit the review", compute="_compute_kpi_edit"
    )
    kpi_edit_decider = fields.Boolean(
        string="Can edit the decider's comment", compute="_compute_kpi_edit"
    )
    kpi_edit_organisation = fields.Boolean(
        string="Can edit the organisation score", compute="_compute_kpi_edit"
    )
    kpi_edit_cohesion = fields.Boolean(
        string="Can edit the cohesion score", compute="_compute_kpi_edit"
    )
    kpi_edit_config = fields.Boolean(
        string="Can edit the configuration", compute="_compute_kpi_edit"
    )
    kpi_edit_collective = fields.Boolean(
        string="Can record the collective decision", compute="_compute_kpi_edit"
    )

    @api.depends_context("uid")
    @api.depends("state", "employee_id", "evaluator_employee_id", "decider_employee_id")
    def _compute_kpi_edit(self):
        is_hr = self._kpi_is_hr_officer()
        for appraisal in self:
            if not appraisal._origin.id or self.env.su:
                allowed = set(EDIT_FLAGS.values())
            else:
                allowed = appraisal._origin._kpi_allowed_fields(is_hr)
            for flag, fname in EDIT_FLAGS.items():
                appraisal[flag] = fname in allowed

    # ------------------------------------------------------------------
    # Guidance before refusal: the review
    # ------------------------------------------------------------------

    def _kpi_level_label(self, level):
        return dict(self._fields["level_computed"]._description_selection(self.env))[
            level
        ]

    def _kpi_review_error(self):
        """Why this appraisal's review cannot be sent as it is (a translated
        message naming the person and what to do), or False."""
        self.ensure_one()
        _ = self.env._
        employee = self.employee_id.name
        if not self.level_proposed:
            return _(
                "%(employee)s: propose a level before sending the review.",
                employee=employee,
            )
        allowed = self.level_computed or "fail"
        if LEVEL_RANK[self.level_proposed] > LEVEL_RANK[allowed]:
            return _(
                "%(employee)s: the proposed level %(proposed)s is above the "
                "highest level the score and the rules allow, %(allowed)s. "
                "Propose %(allowed)s or a lower level.",
                employee=employee,
                proposed=self._kpi_level_label(self.level_proposed),
                allowed=self._kpi_level_label(allowed),
            )
        if self.task_unconfirmed_count:
            # sudo: the names of the tasks of an appraisal the user reviews
            tasks = self.sudo().task_ids.filtered(
                lambda t: t.is_counted and not t.outcome_confirmed
            )
            return _(
                "%(employee)s: %(count)s task outcome(s) not confirmed yet "
                "(%(tasks)s). Confirm them in the Tasks tab before sending the "
                "review.",
                employee=employee,
                count=self.task_unconfirmed_count,
                tasks=", ".join(tasks.mapped("name")),
            )
        return False

    def action_review(self):
        self._check_step("review")
        for appraisal in self:
            error = appraisal._kpi_review_error()
            if error:
                raise UserError(error)
        return super().action_review()

    # ------------------------------------------------------------------
    # Mass actions of the lists: each record through its own guards
    # ------------------------------------------------------------------

    def _kpi_mass_run(self, step):
        """Run ``step`` on each appraisal of ``self`` separately, through the
        action (and so its guards), and return a notification listing which
        passed and which were refused and why. A refused record changes
        nothing; the others are done."""
        if step not in MASS_STEPS:
            raise UserError(self.env._("Unknown step %(step)s.", step=step))
        done, refused = [], []
        for appraisal in self:
            try:
                with self.env.cr.savepoint():
                    getattr(appraisal, f"action_{step}")()
                done.append(appraisal.display_name)
            except (UserError, AccessError) as error:
                message = str(error.args[0])
                # the guards name the person: no need to say it twice
                # sudo: the name of an appraisal the user acted on
                if appraisal.sudo().employee_id.name not in message:
                    message = f"{appraisal.display_name}: {message}"
                refused.append(message)
        return self._kpi_mass_report(done, refused)

    def _kpi_mass_report(self, done, refused):
        _ = self.env._
        lines = []
        if done:
            lines.append(
                _("Done (%(count)s): %(names)s", count=len(done), names="; ".join(done))
            )
        if refused:
            lines.append(_("Refused (%(count)s):", count=len(refused)))
            lines.extend(f"• {message}" for message in refused)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _(
                    "%(done)s done, %(refused)s refused",
                    done=len(done),
                    refused=len(refused),
                ),
                "message": "\n".join(lines),
                "type": "warning" if refused else "success",
                "sticky": bool(refused),
                # one line per record (static/src/scss/kpi_screens.scss)
                "className": "o_kpi_mass_report",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _kpi_prefill_level(self):
        """The level the decision screen starts from: the one being decided,
        but never above what the score and the rules allow (level_computed),
        which the decision would refuse."""
        self.ensure_one()
        level = self.level_decision
        allowed = self.level_computed or "fail"
        if level and LEVEL_RANK[level] > LEVEL_RANK[allowed]:
            return allowed
        return level

    def action_mass_decide(self):
        """The decision screen on the selected appraisals (every unit of the
        selection, each with its quota); the ones that cannot be decided are
        listed with the reason, and the decision runs _decide's guards."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_decision_action"
        )
        action["context"] = {
            "active_model": self._name,
            "active_ids": self.ids,
            "dialog_size": "extra-large",
        }
        return action

    def action_mass_review(self):
        return self._kpi_mass_run("review")

    def action_mass_publish(self):
        return self._kpi_mass_run("publish")

    def action_mass_lock(self):
        return self._kpi_mass_run("lock")

    def action_mass_confirm_outcomes(self):
        """Confirm the reported outcomes of the counted tasks of these
        appraisals, task by task through the task's own guard and freeze."""
        tasks = (
            # sudo: which tasks wait for confirmation; each is then confirmed
            # as the current user, through hr.kpi.task.action_confirm_outcome
            self.sudo()
            .task_ids.filtered(lambda t: t.is_counted and not t.outcome_confirmed)
            .with_env(self.env)
        )
        done, refused = [], []
        for task in tasks:
            # sudo: the task's name in the report, for a task of an appraisal
            # the user acts on (each confirmation checks his right below)
            name = f"{task.sudo().employee_id.name} – {task.sudo().name}"
            try:
                with self.env.cr.savepoint():
                    task.action_confirm_outcome()
                done.append(name)
            except (UserError, AccessError) as error:
                refused.append(f"{name}: {error.args[0]}")
        return self._kpi_mass_report(done, refused)

    # ------------------------------------------------------------------
    # The reason of every lowering (Mẫu 01A column 10, the phiếu)
    # ------------------------------------------------------------------

    def _kpi_lowering_reasons(self, final=None):
        """Every reason this appraisal's level is below what the score gives:
        the rules (eligibility, veto, unit rule: level_reasons), the
        evaluator's proposal below the computed level, and the decision below
        the proposal (the unit's quota when excellence was proposed, else the
        decider's comment). ``final`` is the decided level the reader may see
        (False before the decision or for an employee before publication)."""
        self.ensure_one()
        _ = self.env._
        lines = [self.level_reasons] if self.level_reasons else []
        computed = self.level_computed
        proposed = self.level_proposed
        if computed and proposed and LEVEL_RANK[proposed] < LEVEL_RANK[computed]:
            lines.append(
                _(
                    "Proposed %(to)s instead of %(from)s by the evaluator: %(comment)s",
                    to=self._kpi_level_label(proposed),
                    comment=self.evaluator_comment or _("no comment given"),
                    **{"from": self._kpi_level_label(computed)},
                )
            )
        above = proposed or computed
        if final and above and LEVEL_RANK[final] < LEVEL_RANK[above]:
            if above == "excellent":
                lines.append(
                    _(
                        "Lowered from %(from)s to %(to)s by the decision within the "
                        "unit's quota: at most %(percent)s %% of the unit may be "
                        "rated excellently completed (NĐ 335/2025 Điều 20 "
                        "khoản 5).%(comment)s",
                        to=self._kpi_level_label(final),
                        percent=fmt_number(self.env, self.rule_set_id.quota_percent),
                        comment=" " + self.decider_comment
                        if self.decider_comment
                        else "",
                        **{"from": self._kpi_level_label(above)},
                    )
                )
            else:
                lines.append(
                    _(
                        "Lowered from %(from)s to %(to)s by the decider: %(comment)s",
                        to=self._kpi_level_label(final),
                        comment=self.decider_comment or _("no comment given"),
                        **{"from": self._kpi_level_label(above)},
                    )
                )
        return "\n".join(lines)
