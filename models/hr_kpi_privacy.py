"""Privacy by default (Luật 91/2025/QH15, in force since 1/1/2026).

An appraisal is personal data. Its header (who, which month, which unit, its
state and the decided level in words) is read by everyone the record rules
let in: heads of the unit and of its parents, focal points. Its details (the
scores, the comments, the self-assessment, the reasons, the appeal) are read
only by the people the evaluation concerns:

- the person evaluated;
- the evaluator and the decider, and a deputy under a delegation in force;
- the focal point of the unit (đầu mối: the unit's personnel office, who
  enters the data of staff without a user and makes the unit's forms);
- HR officers.

The criterion lines and adjustments follow the same readers through their
record rules; the attachments of an appraisal or an adjustment (evidence)
too (``ir.attachment.check`` below). Everyone else who reads the record sees
the detail fields empty, cannot search, sort, group or aggregate by them over
records they may not read in detail, and cannot export them.

Colleagues of the unit read the published level in words only
(``hr.kpi.published.result``), the total score too where the rule set says
so (``publish_scores``).

Evidence attachments are kept for the rule set's ``evidence_retention_months``
after the month ends, then purged by a cron (the appraisal itself stays).
"""

import re

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from .hr_kpi_appraisal import SCORE_FIELDS

# Fields of an appraisal that are details (the decided level, the state, the
# dates of the steps and the workflow flags are not): everything the engine
# computes, and what the people concerned write. Extend _kpi_private_fields()
# to add some.
APPRAISAL_PRIVATE_FIELDS = (SCORE_FIELDS - {"zero_assignment", "needs_attention"}) | {
    # the criterion lines and adjustments (their record rules hold the same
    # readers)
    "line_ids",
    "adjustment_ids",
    # the leader's points and what the month's figures explain
    "kpi_organisation",
    "kpi_cohesion",
    "task_excess_quantity",
    "level_reasons",
    "level_self",
    "level_proposed",
    "citizen_satisfied_count",
    "citizen_neutral_count",
    "citizen_unsatisfied_count",
    "citizen_rating_count",
    "citizen_satisfaction_rate",
    # comments and reasons
    "strengths",
    "weaknesses",
    "evaluator_comment",
    "decider_comment",
    "evaluator_private_note",
    "return_reason",
    "quota_justification",
    "appeal_reason",
    "appeal_answer",
    "reopen_reason",
    "not_evaluated_reason",
    "not_evaluated_suggestion",
}

ANALYSIS_PRIVATE_FIELDS = frozenset({"total_score", "kpi_percent"})

_FIELD_NAME = re.compile(r"^\s*\"?([a-z_][a-z0-9_]*)")


class HrKpiPrivateMixin(models.AbstractModel):
    """Detail fields readable only by the people a record concerns.

    A model using it has the appraisal's role fields (employee_id,
    evaluator_employee_id, decider_employee_id, acting_deputy_employee_id,
    department_id) and lists its detail fields in _kpi_private_fields().
    """

    _name = "hr.kpi.private.mixin"
    _description = "Details readable by the people concerned only"

    @api.model
    def _kpi_private_fields(self):
        return frozenset()

    @api.model
    def _kpi_detail_reader_domain(self):
        """The records whose details the current user reads, as a domain, or
        None when he reads them all (HR officers, the superuser)."""
        if self.env.su or self.env.user.has_group(
            "l10n_vn_hr_kpi.group_kpi_hr_officer"
        ):
            return None
        employee_ids = (
            self.env["hr.employee"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.env.uid)])
            .ids
        )
        domains = [
            [("employee_id", "in", employee_ids)],
            [("evaluator_employee_id", "in", employee_ids)],
            [("decider_employee_id", "in", employee_ids)],
            [("acting_deputy_employee_id", "in", employee_ids)],
        ]
        focal = self.env.user._kpi_focal_department_ids()
        if focal:
            domains.append([("department_id", "child_of", list(focal))])
        return expression.OR(domains)

    def _kpi_detail_readable(self):
        """The records of self whose details the current user reads."""
        domain = self._kpi_detail_reader_domain()
        if domain is None or not self:
            return self
        ids = self.ids
        # sudo: which of these records the user takes part in; the records
        # themselves were read with his rights
        return self.browse(
            self.sudo()
            .with_context(active_test=False)
            ._search(expression.AND([[("id", "in", ids)], domain]))
        )

    def _kpi_check_detail_readable(self):
        """Raise unless the current user reads the details of every record
        (the individual forms print them)."""
        hidden = self - self._kpi_detail_readable()
        if hidden:
            raise AccessError(
                self.env._(
                    "The details of %(names)s are read only by the person, the "
                    "evaluator, the decider, the unit's focal point and HR "
                    "(Luật 91/2025/QH15).",
                    # sudo: the names of records the user reads (their header)
                    names=", ".join(hidden.sudo().mapped("display_name")),
                )
            )

    def _kpi_mentions_private(self, names):
        private = self._kpi_private_fields()
        return any(name.split(".")[0].split(":")[0] in private for name in names)

    @api.model
    def _kpi_domain_fields(self, domain):
        return [
            leaf[0]
            for leaf in (domain or [])
            if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str)
        ]

    @api.model
    def _kpi_order_fields(self, order):
        return [
            match.group(1)
            for part in (order or "").split(",")
            if (match := _FIELD_NAME.match(part))
        ]

    @api.model
    def _kpi_restrict(self, domain):
        reader = self._kpi_detail_reader_domain()
        if reader is None:
            return domain
        return expression.AND([domain or [], reader])

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        hidden = [name for name in fnames if name in self._kpi_private_fields()]
        if not hidden or self._kpi_detail_reader_domain() is None:
            return result
        readable = set(self._kpi_detail_readable().ids)
        for vals in result:
            if vals["id"] in readable:
                continue
            for name in hidden:
                if name in vals:
                    many = self._fields[name].type in ("one2many", "many2many")
                    vals[name] = [] if many else False
        return result

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su and self._kpi_mentions_private(
            self._kpi_domain_fields(domain) + self._kpi_order_fields(order)
        ):
            domain = self._kpi_restrict(domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        names = (
            self._kpi_domain_fields(domain)
            + list(groupby)
            + [spec.split(":")[0] for spec in aggregates]
            + self._kpi_domain_fields(having)
            + self._kpi_order_fields(order)
        )
        if not self.env.su and self._kpi_mentions_private(names):
            domain = self._kpi_restrict(domain)
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def export_data(self, fields_to_export):
        names = [name.replace("/", ".") for name in fields_to_export]
        if self._kpi_mentions_private(names) and self - self._kpi_detail_readable():
            raise AccessError(
                self.env._(
                    "The scores, comments and reasons of an appraisal are exported "
                    "only by the person, the evaluator, the decider, the unit's "
                    "focal point and HR: select only the appraisals you take part "
                    "in, or leave out their details."
                )
            )
        return super().export_data(fields_to_export)


class HrKpiAppraisal(models.Model):
    _name = "hr.kpi.appraisal"
    _inherit = [
        "hr.kpi.appraisal",
        "hr.kpi.private.mixin",
        "hr.kpi.access.logged.mixin",
    ]

    kpi_details_readable = fields.Boolean(
        string="Details readable",
        compute="_compute_kpi_details_readable",
        help="Whether you read the scores, comments and reasons of this "
        "appraisal: the person, the evaluator, the decider, the unit's focal "
        "point and HR do (Luật 91/2025/QH15).",
    )

    @api.depends_context("uid")
    def _compute_kpi_details_readable(self):
        readable = self._origin._kpi_detail_readable()
        for appraisal in self:
            origin = appraisal._origin
            appraisal.kpi_details_readable = not origin or origin in readable

    @api.model
    def _kpi_private_fields(self):
        return super()._kpi_private_fields() | APPRAISAL_PRIVATE_FIELDS

    @api.model
    def _cron_purge_evidence(self, limit=5000):
        """Delete the attachments (evidence) of the appraisals, their tasks
        and adjustments once the rule set's retention after the month's end
        has passed. The appraisals stay; the purge is logged once per
        appraisal."""
        today = fields.Date.context_today(self)
        # sudo: a server job, over every company
        RuleSet = self.env["hr.kpi.rule.set"].sudo().with_context(active_test=False)
        # sudo: see above (the cron runs as the superuser anyway)
        Attachment = self.env["ir.attachment"].sudo()
        purged = 0
        for rule_set in RuleSet.search([("evidence_retention_months", ">", 0)]):
            cutoff = today - relativedelta(months=rule_set.evidence_retention_months)
            # sudo: see above
            appraisals = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("rule_set_id", "=", rule_set.id),
                        ("period_id.date_end", "<", cutoff),
                        ("state", "in", ("locked", "not_evaluated")),
                    ]
                )
            )
            if not appraisals:
                continue
            targets = [
                ("hr.kpi.appraisal", appraisals.ids),
                ("hr.kpi.task", appraisals.task_ids.ids),
                ("hr.kpi.adjustment", appraisals.adjustment_ids.ids),
            ]
            domain = expression.OR(
                [
                    [("res_model", "=", model), ("res_id", "in", ids)]
                    for model, ids in targets
                    if ids
                ]
            )
            attachments = Attachment.search(domain, limit=limit - purged)
            if not attachments:
                continue
            # the appraisal each purged attachment belongs to
            owners = {
                "hr.kpi.appraisal": {a.id: a for a in appraisals},
                "hr.kpi.task": {t.id: t.appraisal_id for t in appraisals.task_ids},
                "hr.kpi.adjustment": {
                    j.id: j.appraisal_id for j in appraisals.adjustment_ids
                },
            }
            concerned = self.browse()
            for attachment in attachments:
                concerned |= owners[attachment.res_model][attachment.res_id]
            attachments.unlink()
            purged += len(attachments)
            # sudo: the log is written by the server only
            self.env["hr.kpi.access.log"].sudo().create(
                [
                    {
                        "date": fields.Datetime.now(),
                        "user_id": self.env.uid,
                        "employee_id": appraisal.employee_id.id,
                        "company_id": appraisal.company_id.id,
                        "res_model": "hr.kpi.appraisal",
                        "res_id": appraisal.id,
                        "record_name": appraisal.display_name,
                        "operation": "purge",
                    }
                    for appraisal in concerned
                ]
            )
            if purged >= limit:
                break
        return purged


class HrKpiAppraisalAnalysis(models.Model):
    _name = "hr.kpi.appraisal.analysis"
    _inherit = ["hr.kpi.appraisal.analysis", "hr.kpi.private.mixin"]

    @api.model
    def _kpi_private_fields(self):
        return super()._kpi_private_fields() | ANALYSIS_PRIVATE_FIELDS


class HrKpiEmployeeEvent(models.Model):
    _name = "hr.kpi.employee.event"
    _inherit = ["hr.kpi.employee.event", "hr.kpi.access.logged.mixin"]


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _kpi_forbidden_evidence(self, values=None):
        """The ids of the attachments of self (and the one ``values`` would
        create, as id 0) that are evidence of an appraisal whose details the
        current user does not read."""
        owners = {}  # attachment id -> (model, id)
        # sudo: which records these attachments belong to
        for attachment in self.sudo():
            if attachment.res_model in ("hr.kpi.appraisal", "hr.kpi.adjustment"):
                owners[attachment.id] = (attachment.res_model, attachment.res_id)
        if (
            values
            and values.get("res_id")
            and values.get("res_model")
            in (
                "hr.kpi.appraisal",
                "hr.kpi.adjustment",
            )
        ):
            owners[0] = (values["res_model"], values["res_id"])
        if not owners:
            return set()
        adjustment_ids = {
            rid for model, rid in owners.values() if model == "hr.kpi.adjustment"
        }
        # sudo: the appraisal of each adjustment
        adjustments = (
            self.env["hr.kpi.adjustment"].sudo().browse(adjustment_ids).exists()
        )
        appraisal_of = {adj.id: adj.appraisal_id.id for adj in adjustments}
        appraisal_ids = {
            rid if model == "hr.kpi.appraisal" else appraisal_of.get(rid)
            for model, rid in owners.values()
        } - {None, False}
        Appraisal = self.env["hr.kpi.appraisal"]
        # sudo: drop the deleted ones, then check as the user
        appraisals = Appraisal.browse(appraisal_ids).sudo().exists().sudo(False)
        readable = set(appraisals._kpi_detail_readable().ids)
        return {
            att_id
            for att_id, (model, rid) in owners.items()
            if (rid if model == "hr.kpi.appraisal" else appraisal_of.get(rid))
            not in readable
        }

    def check(self, mode, values=None):
        """The evidence attached to an appraisal or an adjustment is read,
        changed or deleted by the people who read the appraisal's details
        only."""
        result = super().check(mode, values=values)
        if not self.env.is_superuser() and self._kpi_forbidden_evidence(values):
            raise AccessError(
                self.env._(
                    "The evidence of an appraisal is read only by the person, the "
                    "evaluator, the decider, the unit's focal point and HR."
                )
            )
        return result

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if self.env.is_superuser():
            return query
        ids = list(query)
        forbidden = self.browse(ids)._kpi_forbidden_evidence()
        if not forbidden:
            return query
        return self.browse([i for i in ids if i not in forbidden])._as_query(
            ordered=bool(order)
        )


class MailMessage(models.Model):
    """The chatter of an appraisal tells its details (the tracked levels and
    points, the return, appeal and reopening reasons): its messages are read
    by the people who read the appraisal's details, and by the people they
    were written by or sent to."""

    _inherit = "mail.message"

    @api.model
    def _find_allowed_model_wise(self, doc_model, doc_dict):
        allowed = super()._find_allowed_model_wise(doc_model, doc_dict)
        if doc_model != "hr.kpi.appraisal" or self.env.su:
            return allowed
        readable = set(
            self.env[doc_model].browse(list(doc_dict))._kpi_detail_readable().ids
        )
        return allowed & {
            message_id
            for doc_id, message_ids in doc_dict.items()
            if doc_id in readable
            for message_id in message_ids
        }

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or self.env.su:
            return result
        partner = self.env.user.partner_id
        by_appraisal = {}
        # sudo: which appraisal each message is about, and whether the user
        # wrote it or received it
        for message in self.sudo():
            if (
                message.model == "hr.kpi.appraisal"
                and message.res_id
                and message.author_id != partner
                and partner not in message.partner_ids
            ):
                by_appraisal.setdefault(message.res_id, []).append(message.id)
        if not by_appraisal:
            return result
        Appraisal = self.env["hr.kpi.appraisal"]
        # sudo: drop the deleted ones, then check as the user
        appraisals = Appraisal.browse(list(by_appraisal)).sudo().exists().sudo(False)
        readable = set(appraisals._kpi_detail_readable().ids)
        private = self.browse(
            [
                message_id
                for appraisal_id, message_ids in by_appraisal.items()
                if appraisal_id not in readable
                for message_id in message_ids
            ]
        )
        if not private:
            return result
        forbidden = private | (result[0] if result else self.browse())
        return forbidden, lambda: AccessError(
            self.env._(
                "The messages of an appraisal are read only by the person, the "
                "evaluator, the decider, the unit's focal point and HR."
            )
        )
