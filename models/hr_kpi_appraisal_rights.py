"""Who may edit which field of an appraisal, outside the transitions.

The sets below are the defaults; the guards read them through the
``_kpi_*_fields`` methods (the shape of ``SELF_WRITEABLE_FIELDS`` in
``hr/models/res_users.py``), so that another addon can extend them by
overriding a method.
"""

from odoo import models
from odoo.exceptions import AccessError, UserError

from ..const import DECIDED_STATES
from .hr_kpi_appraisal import ROLE_FIELDS, WORKFLOW_FIELDS

# What the appraised employee may write on his or her own appraisal.
SELF_FIELDS = frozenset({"level_self", "strengths", "weaknesses", "line_ids"})
# Who may edit what, outside the transitions (see _kpi_check_field_rights).
EVALUATOR_FIELDS = frozenset(
    {
        "level_proposed",
        "evaluator_comment",
        "evaluator_private_note",
        "kpi_organisation",
        "zero_assignment_resolution",
    }
)
# The collective decision (Party committee, People's Committee) that rates a
# head of unit: recorded by an HR officer, or by the decider.
COLLECTIVE_FIELDS = frozenset({"collective_decision_ref", "collective_decision_date"})
DECIDER_FIELDS = (
    frozenset({"kpi_organisation", "kpi_cohesion", "decider_comment"})
    | COLLECTIVE_FIELDS
)
# A leader's đ and e: for a head of unit decided by the managing agency, scored
# by the head of the managing agency only (see _kpi_can_score_leader).
LEADER_FIELDS = frozenset({"kpi_organisation", "kpi_cohesion"})
CONFIG_FIELDS = frozenset(
    {
        "employee_id",
        "period_id",
        "company_id",
        "department_id",
        "job_title",
        "subject_group",
        "staff_category",
        "task_group",
        "rule_set_id",
        "evaluator_employee_id",
        "decider_employee_id",
        "kpi_organisation",
        "kpi_cohesion",
    }
)
FREE_FIELDS = frozenset(
    {
        "message_main_attachment_id",
        "message_follower_ids",
        "activity_ids",
        "message_ids",
        # x2many: the rights are checked line by line in their models
        "line_ids",
        "adjustment_ids",
    }
)


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    # ---- the field sets, overridable (extend with super() | {...}) ----------

    def _kpi_self_writeable_fields(self):
        """What the appraised employee may write on his or her own appraisal."""
        return SELF_FIELDS

    def _kpi_evaluator_writeable_fields(self):
        """What the evaluator may write while reviewing."""
        return EVALUATOR_FIELDS

    def _kpi_collective_fields(self):
        """The collective decision that rates a head of unit (its author is
        recorded by the server)."""
        return COLLECTIVE_FIELDS

    def _kpi_decider_writeable_fields(self):
        """What the decider may write while deciding."""
        return DECIDER_FIELDS | self._kpi_collective_fields()

    def _kpi_leader_fields(self):
        """A leader's đ and e, scored by the head of the managing agency only
        for a head of unit it decides (see _kpi_can_score_leader)."""
        return LEADER_FIELDS

    def _kpi_config_writeable_fields(self):
        """The configuration of an open month: HR only."""
        return CONFIG_FIELDS

    def _kpi_free_fields(self):
        """Fields anyone who may write the record may write (followers,
        activities; x2many checked line by line in their models)."""
        return FREE_FIELDS

    # ------------------------------------------------------------------
    # Who may edit which field, outside the transitions
    # ------------------------------------------------------------------

    def _kpi_check_field_rights(self, fnames):
        """Raise unless the current user may edit ``fnames`` of every appraisal
        now. Workflow fields only move through the actions; a locked appraisal
        is read-only for everyone."""
        if self.env.su:
            return
        fnames = set(fnames)
        # record rules first: who cannot edit the record at all gets an access error
        self.check_access("write")
        _ = self.env._
        if fnames & WORKFLOW_FIELDS:
            raise UserError(
                _(
                    "The state and the decision change only through the "
                    "workflow buttons."
                )
            )
        is_hr = self._kpi_is_hr_officer()
        for appraisal in self:
            if appraisal.state == "locked":
                raise UserError(
                    _(
                        "%(appraisal)s is locked: correct it by a replacement "
                        "decision.",
                        appraisal=appraisal.display_name,
                    )
                )
            allowed = appraisal._kpi_allowed_fields(is_hr)
            refused = fnames - allowed - self._kpi_free_fields()
            if refused:
                raise AccessError(
                    _(
                        "%(appraisal)s: you cannot change %(fields)s at this step.",
                        appraisal=appraisal.display_name,
                        fields=", ".join(
                            sorted(
                                self._fields[f].get_description(self.env)["string"]
                                for f in refused
                                if f in self._fields
                            )
                        ),
                    )
                )

    def _kpi_allowed_fields(self, is_hr=None):
        """The fields the current user may edit on this appraisal now (outside
        the transitions): the one guard of _kpi_check_field_rights, which the
        form also reads to show the others read-only (kpi_edit_*)."""
        self.ensure_one()
        if self.state == "locked":
            return set()
        if is_hr is None:
            is_hr = self._kpi_is_hr_officer()
        allowed = set()
        if self._get_step_error("submit_self") is False or (
            self.state in ("draft", "returned") and self._kpi_is_self()
        ):
            allowed |= self._kpi_self_writeable_fields()
        if self._kpi_can_score_review():
            allowed |= self._kpi_evaluator_writeable_fields()
        if self._kpi_can_score_final():
            allowed |= self._kpi_decider_writeable_fields()
        if self.state not in DECIDED_STATES and is_hr and not self._kpi_is_self():
            # the configuration of an open month: HR only, tracked
            allowed |= self._kpi_config_writeable_fields()
            if self._kpi_hr_may_record_collective():
                allowed |= self._kpi_collective_fields()
        if self._kpi_head_by_superior():
            # a head's đ and e: the managing agency's, nobody else's
            allowed -= self._kpi_leader_fields()
            if self._kpi_can_score_leader():
                allowed |= self._kpi_leader_fields()
        return allowed

    def _kpi_can_score_review(self):
        """Whether the current user scores as the evaluator now."""
        self.ensure_one()
        return self._get_step_error("review") is False

    def _kpi_can_score_final(self):
        """Whether the current user scores as the decider now."""
        self.ensure_one()
        return self.state == "reviewed" and (
            self._kpi_is_decider() or self._get_step_error("decide") is False
        )

    def _kpi_can_score_leader(self):
        """For a head of unit decided by the managing agency: whether the
        current user scores his đ and e now. The head of the managing agency
        (or his deputy under a delegation) while he reviews or decides; an HR
        officer only for a head that no managing agency in the company decides
        (with the collective decision); never the head, his deputies, or an
        evaluator who is not the head of the managing agency."""
        self.ensure_one()
        if self._kpi_is_self():
            return False
        if self._get_step_error("review") is False:
            return True
        if self.state != "reviewed":
            return False
        if self._kpi_is_decider():
            return True
        return not self._kpi_superior_decider() and self._kpi_hr_may_record_collective()

    def _kpi_check_not_naming_self(self, vals):
        """Nobody makes himself evaluator or decider of anyone (a deputy decides
        under a delegation record, see hr.kpi.delegation)."""
        if self.env.su or not isinstance(vals, dict):
            return
        mine = set(self._kpi_user_employee_ids())
        for fname in ROLE_FIELDS:
            if vals.get(fname) and vals[fname] in mine:
                raise AccessError(
                    self.env._(
                        "Nobody can make himself or herself %(role)s of an "
                        "appraisal: another HR officer sets it.",
                        role=self._fields[fname]
                        .get_description(self.env)["string"]
                        .lower(),
                    )
                )
