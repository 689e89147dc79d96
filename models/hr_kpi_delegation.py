from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What a delegation used by a decision may still change: it is the record of
# those decisions (its end may come earlier, not before the last of them).
USED_WRITABLE_FIELDS = frozenset({"note", "active", "date_to"})


def is_document_number(value):
    """A document number (số văn bản, e.g. 12/QĐ-UBND) has a numeral: an
    empty value, a dash or a placeholder is not one."""
    return bool(value) and any(char.isdigit() for char in value)


class HrKpiDelegation(models.Model):
    """Ủy quyền: the decider of the levels (thủ trưởng) delegates his right to
    decide (quyết định xếp loại, NĐ 335/2025 Điều 10 khoản 2, NĐ 233/2026 Điều
    13 khoản 3) to a deputy, by a document with its number, between two dates,
    for all his units or some of them. A deputy decides only under a
    delegation in force on the day, with a document number; the right to
    track and score (theo dõi, đánh giá) is not delegated by it.

    Recorded by an HR officer, never by the delegator or the deputy himself;
    read by them and by HR."""

    _name = "hr.kpi.delegation"
    _description = "Delegation of the decision (ủy quyền)"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["document_number", "deputy_id.name", "delegator_id.name"]

    delegator_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        help="The decider who delegates his right to decide the levels "
        "(thủ trưởng): the decider of the appraisals it covers.",
    )
    deputy_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        help="Who decides in the delegator's place between the two dates.",
    )
    document_number = fields.Char(
        tracking=True,
        help="Number of the delegation document (e.g. 12/QĐ-UBND). Without it "
        "the delegation grants nothing.",
    )
    document_date = fields.Date(tracking=True)
    date_from = fields.Date(string="From", required=True, index=True, tracking=True)
    date_to = fields.Date(string="To", required=True, index=True, tracking=True)
    department_ids = fields.Many2many(
        "hr.department",
        string="Units",
        check_company=True,
        help="The units (with their sub-units) whose appraisals it covers; "
        "empty: every appraisal the delegator decides.",
    )
    note = fields.Text(tracking=True)
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        index=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    has_document = fields.Boolean(
        string="Has a document number",
        compute="_compute_has_document",
        store=True,
        index=True,
        help="Only a delegation with the number of its document grants the "
        "right to decide.",
    )
    status = fields.Selection(
        [
            ("missing_document", "Document number missing"),
            ("future", "Not yet in force"),
            ("in_force", "In force"),
            ("ended", "Ended"),
            ("archived", "Archived"),
        ],
        compute="_compute_status",
    )
    appraisal_ids = fields.One2many(
        "hr.kpi.appraisal",
        "decision_delegation_id",
        string="Decisions",
        readonly=True,
    )
    decision_count = fields.Integer(compute="_compute_decision_count")

    _sql_constraints = [
        (
            "date_check",
            "CHECK(date_to >= date_from)",
            "A delegation cannot end before it starts.",
        ),
        (
            "not_self_check",
            "CHECK(delegator_id != deputy_id)",
            "Nobody delegates to himself or herself.",
        ),
    ]

    @api.depends("delegator_id")
    def _compute_company_id(self):
        for delegation in self:
            delegation.company_id = (
                delegation.delegator_id.company_id or self.env.company
            )

    @api.depends("document_number")
    def _compute_has_document(self):
        for delegation in self:
            delegation.has_document = is_document_number(delegation.document_number)

    @api.depends_context("tz")
    @api.depends("active", "has_document", "date_from", "date_to")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for delegation in self:
            if not delegation.active:
                status = "archived"
            elif not delegation.has_document:
                status = "missing_document"
            elif delegation.date_from and delegation.date_from > today:
                status = "future"
            elif delegation.date_to and delegation.date_to < today:
                status = "ended"
            else:
                status = "in_force"
            delegation.status = status

    def _compute_decision_count(self):
        # sudo: a count of the decisions taken under it, for its readers
        counts = dict(
            self.env["hr.kpi.appraisal"]
            .sudo()
            ._read_group(
                [("decision_delegation_id", "in", self.ids)],
                ["decision_delegation_id"],
                ["__count"],
            )
        )
        counts = {delegation.id: count for delegation, count in counts.items()}
        for delegation in self:
            delegation.decision_count = counts.get(delegation.id, 0)

    @api.depends("document_number", "deputy_id", "delegator_id")
    def _compute_display_name(self):
        for delegation in self:
            delegation.display_name = self.env._(
                "%(number)s: %(delegator)s to %(deputy)s",
                number=delegation.document_number or self.env._("(no document number)"),
                delegator=delegation.delegator_id.name or "",
                deputy=delegation.deputy_id.name or "",
            )

    @api.constrains("document_number", "delegator_id", "deputy_id", "date_from")
    def _check_document_number(self):
        for delegation in self:
            if not is_document_number(delegation.document_number):
                raise ValidationError(
                    self.env._(
                        "The delegation of %(delegator)s to %(deputy)s needs the "
                        "number of its document (e.g. 12/QĐ-UBND); "
                        "'%(number)s' is not one.",
                        delegator=delegation.delegator_id.name,
                        deputy=delegation.deputy_id.name,
                        number=delegation.document_number or "",
                    )
                )

    # ------------------------------------------------------------------
    # Who records a delegation
    # ------------------------------------------------------------------

    def _kpi_check_change(self, vals_list):
        """An HR officer records a delegation; never one that names him, as
        delegator or deputy, before or after the change (nobody delegates to
        or for himself through an HR account he holds)."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            raise AccessError(
                self.env._("Only an HR officer records a delegation of the decision.")
            )
        mine = set(
            self.env["hr.employee"]
            .with_context(active_test=False)
            .search([("user_id", "=", user.id)])
            .ids
        )
        # sudo: who the delegations being changed name, for this check
        named = set(self.sudo().delegator_id.ids) | set(self.sudo().deputy_id.ids)
        for vals in vals_list:
            named |= {vals.get("delegator_id"), vals.get("deputy_id")} - {False, None}
        if named & mine:
            raise AccessError(
                self.env._(
                    "Nobody records a delegation to or from himself or herself: "
                    "another HR officer does it."
                )
            )

    def _kpi_check_used(self, fnames):
        """A delegation used by decisions is their record: only its note, its
        archiving, an earlier end (not before the last decision) and, when it
        has none, its document number change."""
        # sudo: whether decisions were taken under it, readable or not
        used = self.sudo().filtered("appraisal_ids")
        if not used:
            return
        writable = set(USED_WRITABLE_FIELDS)
        if not any(used.mapped("has_document")):
            # one migrated without its document (18.0.1.2.0) gets it now
            writable |= {"document_number", "document_date"}
        if set(fnames) - writable:
            raise UserError(
                self.env._(
                    "Decisions were taken under the delegation %(name)s: it is a "
                    "record of them and cannot change (only its note, its end "
                    "or its archiving).",
                    name=used[0].display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._kpi_check_change(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._kpi_check_change([vals])
        self._kpi_check_used(vals)
        res = super().write(vals)
        if "date_to" in vals:
            self._kpi_check_end_after_decisions()
        return res

    def _kpi_check_end_after_decisions(self):
        # sudo: the dates of the decisions taken under it, readable or not
        for delegation in self.sudo():
            decided = delegation.appraisal_ids.filtered("decided_date")
            if not decided:
                continue
            last = max(decided.mapped("decided_date"))
            if delegation.date_to < fields.Date.context_today(self, last):
                raise ValidationError(
                    self.env._(
                        "The delegation %(name)s was used on %(date)s: it cannot "
                        "end before.",
                        name=delegation.display_name,
                        date=fields.Date.context_today(self, last),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self._kpi_check_change([{}])
        # sudo: whether decisions were taken under it, readable or not
        used = self.sudo().filtered("appraisal_ids")
        if used:
            raise UserError(
                self.env._(
                    "Decisions were taken under the delegation %(name)s: archive "
                    "it instead.",
                    name=used[0].display_name,
                )
            )

    # ------------------------------------------------------------------
    # The right it grants
    # ------------------------------------------------------------------

    @api.model
    def _kpi_in_force_domain(self, day):
        """The delegations that grant the right to decide on ``day``."""
        return [
            ("active", "=", True),
            ("has_document", "=", True),
            ("date_from", "<=", day),
            ("date_to", ">=", day),
        ]

    @api.model
    def _kpi_deputy_scope_domains(self, operator, value, model):
        """The domains, on ``model`` (a record with ``decider_employee_id``
        and ``department_id``: an appraisal or an annual result), of what the
        deputies ``value`` decide today under a delegation in force: the
        search of their ``acting_deputy_employee_id`` (record rules, queues).
        Refuses any other search than by employees."""
        if operator == "=" and value:
            operator, value = "in", [value]
        if operator != "in":
            raise UserError(
                self.env._("The acting deputy can only be searched by employee.")
            )
        # sudo: the delegations in force, whoever searches (record rules)
        delegations = self.sudo().search(
            [
                ("deputy_id", "in", value),
                *self._kpi_in_force_domain(fields.Date.context_today(model)),
            ]
        )
        domains = []
        for delegation in delegations:
            domain = [("decider_employee_id", "=", delegation.delegator_id.id)]
            if delegation.department_ids:
                domain.append(
                    ("department_id", "child_of", delegation.department_ids.ids)
                )
            domains.append(domain)
        return domains, value

    def _kpi_covers(self, appraisal):
        """Whether this delegation (in force) lets its deputy decide
        ``appraisal`` (read in sudo by the caller): the delegator is the
        appraisal's decider, its unit is in the scope, and for a head of unit
        decided by the managing agency the deputy is not of the head's unit."""
        self.ensure_one()
        if self.delegator_id != appraisal.decider_employee_id:
            return False
        if self.company_id != appraisal.company_id:
            return False
        department = appraisal.department_id
        path = set((department.parent_path or "").split("/")[:-1])
        if self.department_ids and not path & {str(d) for d in self.department_ids.ids}:
            return False
        if appraisal._kpi_head_by_superior() and (
            appraisal._kpi_in_unit(self.deputy_id)
            or self.deputy_id == appraisal.employee_id
        ):
            return False
        return True

    def action_open_decisions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action["domain"] = [("decision_delegation_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
