"""Corrections after publication by a replacement decision.

A published result is never reopened nor rewritten: the decider or the HR
officer issues a correction decision (reason, document number and date, the
corrected level and, when the scores are concerned, the corrected total). It
creates a new version of the month's appraisal, linked to the first one
(``original_id``), numbered (``version``), which becomes the current one; the
version it replaces is archived (``active`` False, ``superseded_by_id``) and
stays readable as it was, frozen in its decided state. Every search of the
addon (roll-up, quotas, published results, forms, lists) then sees the current
version only; the unique index of an employee's month covers the current
versions only (hr_kpi_appraisal.init).

What the new version holds: a snapshot of the replaced one (its criterion
lines and every score, copied, not recomputed), the corrected level as its
decided level, the corrected total with the level it allows when the scores
are corrected, the decision's fields, and the state ``published`` (the appeal
window of the publication is kept) or ``locked``. The month's tasks belong to
the month: they follow its current version (tasks are linked by employee and
period to the current appraisal); the replaced version keeps the task block
it was scored with (its stored scores never move).

Source: the draft framework of the Văn phòng Đăng ký đất đai Đắk Lắk under
NĐ 233/2026 (Mẫu 15: a corrected result is a new record that replaces the old
one, never an overwrite), as published in
github.com/Leonguyenbk/qlns_vpdk:docs/TASK_KPI_ANALYSIS.md.
"""

import math

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from ..const import LEVEL_RANK
from .hr_kpi_appraisal import SCORE_FIELDS, STEPS
from .hr_kpi_appraisal_rights import (
    CONFIG_FIELDS,
    DECIDER_FIELDS,
    EVALUATOR_FIELDS,
    SELF_FIELDS,
)

# What only the correction decision writes (never a client, never at creation).
VERSION_FIELDS = frozenset(
    {
        "active",
        "original_id",
        "version",
        "superseded_by_id",
        "correction_reason",
        "correction_ref",
        "correction_date",
    }
)
# The states of a published result: corrected by a replacement decision. An
# open appeal is answered first (the appeal may itself change the level).
CORRECTABLE_STATES = ("published", "appeal_resolved", "locked")
# What the new version carries over from the version it replaces (the scores
# are copied apart, in SQL, as the snapshot they are).
CARRIED_FIELDS = (
    # the configuration of the month, what each person wrote, the steps done
    CONFIG_FIELDS
    | DECIDER_FIELDS
    | (SELF_FIELDS - {"line_ids"})
    | EVALUATOR_FIELDS
    | {
        "collective_decision_by_id",
        "self_submitted_by_id",
        "self_submitted_on_behalf",
        "self_submitted_date",
        "reviewed_by_id",
        "reviewed_date",
        "no_self_evaluation",
        "quota_justification",
        "quota_exception_id",
        "quota_exception_ref",
        "published_date",
    }
)
# What a criterion line of the new version copies from the replaced one.
LINE_FIELDS = (
    "criterion_id",
    "company_id",
    "sequence",
    "self_points",
    "comment",
    "evaluator_points",
    "evaluator_comment",
    "final_points",
    "has_suggestion",
    "suggested_score",
    "suggestion_note",
    "evaluator_points_set",
    "final_points_set",
)


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    active = fields.Boolean(
        default=True,
        copy=False,
        help="Archived: a result replaced by a correction decision, kept as it "
        "was (see Replaced by).",
    )
    original_id = fields.Many2one(
        "hr.kpi.appraisal",
        string="Original result",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The month's first result, which the correction decisions replaced.",
    )
    version = fields.Integer(
        default=1,
        required=True,
        readonly=True,
        copy=False,
        help="1 for the month's first result; each correction decision adds one.",
    )
    superseded_by_id = fields.Many2one(
        "hr.kpi.appraisal",
        string="Replaced by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The version of the result that a correction decision put in its place.",
    )
    replaced_id = fields.Many2one(
        "hr.kpi.appraisal",
        string="Replaces",
        compute="_compute_replaced_id",
        compute_sudo=True,
        help="The version of the result this correction decision replaced.",
    )
    version_count = fields.Integer(
        string="Versions", compute="_compute_version_count", compute_sudo=True
    )
    correction_reason = fields.Text(readonly=True, copy=False)
    correction_ref = fields.Char(
        string="Correction decision No.", readonly=True, copy=False, tracking=True
    )
    correction_date = fields.Date(
        string="Correction decision date", readonly=True, copy=False
    )
    can_correct = fields.Boolean(compute="_compute_can")

    def init(self):
        res = super().init()
        cr = self.env.cr
        # one current appraisal per employee and period: the versions a
        # correction replaced are archived. Its name is the one of the
        # _sql_constraints entry, whose message Odoo then shows; on an upgrade
        # the ORM has dropped the former UNIQUE constraint of that name first.
        name = f"{self._table}_employee_period_uniq"
        if not index_exists(cr, name):
            self.env.execute_query(
                SQL(
                    "CREATE UNIQUE INDEX %s ON %s (employee_id, period_id) "
                    "WHERE active",
                    SQL.identifier(name),
                    SQL.identifier(self._table),
                )
            )
        # rows inserted in SQL (bulk loaders, the benchmark) are current
        # first versions, as the ORM's defaults make them
        self.env.execute_query(
            SQL(
                "ALTER TABLE %s ALTER COLUMN active SET DEFAULT TRUE, "
                "ALTER COLUMN version SET DEFAULT 1",
                SQL.identifier(self._table),
            )
        )
        return res

    def _compute_replaced_id(self):
        ids = [id_ for id_ in self.ids if id_]
        replaced = {}
        if ids:
            # the archived versions too: the one replaced is archived
            for version in self.with_context(active_test=False).search_fetch(
                [("superseded_by_id", "in", ids)], ["superseded_by_id"]
            ):
                replaced[version.superseded_by_id.id] = version
        for appraisal in self:
            appraisal.replaced_id = replaced.get(appraisal.id, False)

    def _compute_version_count(self):
        roots = {a.id: (a.original_id or a).id for a in self if a.id}
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("original_id", "in", list(set(roots.values())))],
                ["original_id"],
                ["__count"],
            )
        )
        counts = {root.id: count for root, count in counts.items()}
        for appraisal in self:
            root = roots.get(appraisal.id)
            appraisal.version_count = 1 + counts.get(root, 0) if root else 1

    def _kpi_current_version(self):
        """The version in force of the month of each of ``self`` (itself when
        not replaced), in the order of ``self``."""
        current = self.browse()
        # sudo: the links between the versions of a result, whoever reads
        for appraisal in self.sudo():
            while appraisal.superseded_by_id:
                appraisal = appraisal.superseded_by_id
            current |= appraisal.with_env(self.env)
        return current

    # ------------------------------------------------------------------
    # Guards: nobody writes a version, and a replaced version never changes
    # ------------------------------------------------------------------

    @api.model
    def _kpi_fields_not_defaulted(self):
        return super()._kpi_fields_not_defaulted() | VERSION_FIELDS

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                given = {
                    f for f in VERSION_FIELDS - {"active", "version"} if vals.get(f)
                }
                if (
                    given
                    or ("active" in vals and not vals["active"])
                    or vals.get("version", 1) != 1
                ):
                    raise UserError(
                        self.env._(
                            "The versions of a result are made only by a "
                            "correction decision."
                        )
                    )
        return super().create(vals_list)

    def _kpi_check_field_rights(self, fnames):
        if not self.env.su:
            self.check_access("write")
            if set(fnames) & VERSION_FIELDS:
                raise UserError(
                    self.env._(
                        "The versions of a result change only through a "
                        "correction decision."
                    )
                )
            for appraisal in self:
                if not appraisal.active:
                    raise UserError(
                        self.env._(
                            "%(appraisal)s was replaced by a correction decision: "
                            "it is kept as it was.",
                            appraisal=appraisal.display_name,
                        )
                    )
        return super()._kpi_check_field_rights(fnames)

    def _get_step_error(self, step):
        self.ensure_one()
        if step in STEPS and not self.active:
            current = self._kpi_current_version()
            return self.env._(
                "This result was replaced by version %(version)s (correction "
                "decision No. %(ref)s): act on the current version.",
                version=current.version,
                # sudo: the number of the decision that replaced it
                ref=current.sudo().correction_ref or "",
            )
        return super()._get_step_error(step)

    def _step_error_correct(self):
        _ = self.env._
        state = self.state
        if state not in CORRECTABLE_STATES:
            if state == "appeal_open":
                return _("Resolve the open appeal before correcting the result.")
            if state == "decided":
                return _(
                    "A decided result not yet published is reopened with a "
                    "reason, not corrected."
                )
            return _("Only a published result can be corrected.")
        if self._kpi_is_self():
            return _("Nobody can correct his or her own result.")
        if self._kpi_is_decider() or self._kpi_is_hr_officer():
            return False
        return _(
            "Only the decider of %(employee)s or the HR officer can correct the "
            "result.",
            employee=self.employee_id.name,
        )

    # ------------------------------------------------------------------
    # Tasks: they belong to the month, i.e. to its current version
    # ------------------------------------------------------------------

    def _compute_task_count(self):
        res = super()._compute_task_count()
        for appraisal in self.filtered(lambda a: a.id and not a.active):
            appraisal.task_count = appraisal._kpi_current_version().task_count
        return res

    def action_open_tasks(self):
        self.ensure_one()
        return super(HrKpiAppraisal, self._kpi_current_version()).action_open_tasks()

    def action_open_versions(self):
        """Every version of the month's result, the replaced ones included."""
        self.ensure_one()
        root = self.original_id or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Versions of %(name)s", name=root.display_name),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": ["|", ("id", "=", root.id), ("original_id", "=", root.id)],
            "context": {"active_test": False, "create": False},
        }

    # ------------------------------------------------------------------
    # The correction decision
    # ------------------------------------------------------------------

    def action_correct(self):
        self.ensure_one()
        return self._kpi_open_step_wizard(
            "correct",
            "hr.kpi.appraisal.correction",
            self.env._("Correct by a replacement decision"),
        )

    def _kpi_correction_result(self, total_score=None):
        """The scores a correction gives: without a corrected total, those of
        the version replaced; with one, the total rounded by the rule set and
        the level the rules give it (thresholds, QĐ 366 conditions, a
        leader's unit and vetoes of the month, as the engine does)."""
        self.ensure_one()
        # sudo: the snapshot of the version replaced, copied as it is
        appraisal = self.sudo()
        values = {fname: appraisal[fname] for fname in SCORE_FIELDS}
        if total_score is None:
            return values
        engine = self.env["hr.kpi.engine"]
        rule_set = engine._rules(appraisal.rule_set_id)[appraisal.rule_set_id.id]
        total = engine._round(total_score, rule_set)
        key = (appraisal.department_id.id, appraisal.period_id.id)
        unit = engine._unit_rows([key]).get(key) if appraisal.is_leader else None
        values.update(engine._level_values(appraisal, total, rule_set, unit=unit))
        return values

    def _do_correct(
        self, level, reason, document_ref, document_date=None, total_score=None
    ):
        """Correct this published result by a replacement decision: check it
        like a decision (the decider or HR, never the employee; the level not
        above what the corrected score and the rules allow; the unit's quota
        with the new version counted instead of this one), then create the
        new version and archive this one. ``total_score``: the corrected
        total (0 to 100), None when the scores are not concerned. Returns the
        new version."""
        self.ensure_one()
        _ = self.env._
        reason = (reason or "").strip()
        document_ref = (document_ref or "").strip()
        if not reason:
            raise UserError(_("Give the reason of the correction."))
        if not document_ref:
            raise UserError(_("Give the number of the correction decision."))
        if level not in LEVEL_RANK:
            raise UserError(_("Choose the corrected level."))
        document_date = fields.Date.to_date(document_date) if document_date else False
        if document_date and document_date > fields.Date.context_today(self):
            raise UserError(_("The correction decision cannot be dated in the future."))
        if total_score is not None:
            if isinstance(total_score, bool) or not isinstance(
                total_score, (int, float)
            ):
                raise UserError(_("The corrected total score must be a number."))
            total_score = float(total_score)
            if not math.isfinite(total_score) or not 0.0 <= total_score <= 100.0:
                raise UserError(
                    _("The corrected total score is a number between 0 and 100.")
                )
        self._check_step("correct")
        scores = self._kpi_correction_result(total_score)
        # sudo: the decided level of the result being corrected (guard passed)
        current_level = self.sudo().level_final
        if level == current_level and (
            total_score is None or scores["total_score"] == self.total_score
        ):
            raise UserError(
                _(
                    "%(appraisal)s: a correction changes the level or the total score.",
                    appraisal=self.display_name,
                )
            )
        ceiling = scores["level_computed"] or "fail"
        if LEVEL_RANK[level] > LEVEL_RANK[ceiling]:
            labels = dict(
                self._fields["level_computed"]._description_selection(self.env)
            )
            raise UserError(
                _(
                    "%(appraisal)s: the corrected level cannot be higher than the "
                    "level the %(score)s points and the rules allow (%(level)s).",
                    appraisal=self.display_name,
                    score=scores["total_score"],
                    level=labels[ceiling],
                )
            )
        # the snapshot is taken from what is stored
        self.env.flush_all()
        created = []

        def write():
            created.append(
                self._kpi_create_version(
                    level, reason, document_ref, document_date, scores
                )
            )

        self.env["hr.kpi.quota"]._decide_within(
            self,
            {self.id: level},
            write,
            # the decision's reason is its written justification (rule sets
            # that warn over the quota)
            justification=reason,
            exception=bool(self.quota_exception_id),
        )
        new = created[0]
        labels = dict(self._fields["level_computed"]._description_selection(self.env))
        body = _(
            "Correction decision No. %(ref)s: version %(new)s replaces version "
            "%(old)s (%(level)s). Reason: %(reason)s",
            ref=document_ref,
            new=new.version,
            old=self.version,
            level=labels[level],
            reason=reason,
        )
        for version in self | new:
            # sudo: the chatter of both versions records the decision
            version.sudo().message_post(body=body)
        return new

    def _kpi_create_version(self, level, reason, document_ref, document_date, scores):
        """Archive this version and create the one that replaces it (called
        within the quota lock, once every check passed)."""
        self.ensure_one()
        # sudo: the correction was checked by _do_correct (guard, level, quota)
        old = self.sudo()
        vals = old._convert_to_write({fname: old[fname] for fname in CARRIED_FIELDS})
        vals.update(
            {
                "original_id": (old.original_id or old).id,
                "version": old.version + 1,
                "correction_reason": reason,
                "correction_ref": document_ref,
                "correction_date": document_date,
                "state": "published" if old.state == "published" else "locked",
                "level_final": level,
                "decided_by_id": self.env.uid,
                "decided_date": fields.Datetime.now(),
                "line_ids": [
                    Command.create(
                        line._convert_to_write(
                            {fname: line[fname] for fname in LINE_FIELDS}
                        )
                    )
                    for line in old.line_ids
                ],
            }
        )
        # one current version per month (the unique index): archived first
        old.write({"active": False})
        old.flush_recordset(["active"])
        # sudo: see above
        new = self.sudo().create(vals)
        old.write({"superseded_by_id": new.id})
        self.env.flush_all()
        # the snapshot: the scores of the version replaced, or the corrected
        # ones, as stored (never recomputed: the new version is decided)
        new._kpi_write_scores({new.id: scores})
        new.invalidate_recordset()
        # a leader still scored follows the level of his staff's current version
        new.modified(["level_computed"])
        new._kpi_after_transition()
        return new.with_env(self.env)
