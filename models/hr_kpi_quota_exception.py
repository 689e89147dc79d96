from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class HrKpiQuotaException(models.Model):
    """The approval that raises a unit's quota of "excellently completed" from
    the rule set's percent to its exception percent (NĐ 335/2025 Điều 20
    khoản 5: 20 %, 25 % for an outstanding unit). A document with its number
    and date, recorded by an HR officer of the agency or the head of a
    superior unit; the head of the unit only selects it when deciding."""

    _name = "hr.kpi.quota.exception"
    _description = "Quota exception approval"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Document number", required=True, tracking=True)
    date = fields.Date(string="Document date", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        help="The unit (with its sub-units) whose quota the approval raises.",
    )
    date_from = fields.Date(
        string="Applies from",
        required=True,
        tracking=True,
        help="First day of the first month the approval applies to.",
    )
    date_to = fields.Date(string="Applies until", required=True, tracking=True)
    approved_by_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        readonly=True,
        default=lambda self: self.env.user,
        help="The HR officer or the head of the superior unit who recorded it.",
    )
    authority = fields.Selection(
        [("hr", "HR office of the agency"), ("superior", "Superior unit")],
        string="Approved by",
        readonly=True,
    )
    note = fields.Text()
    appraisal_ids = fields.One2many(
        "hr.kpi.appraisal", "quota_exception_id", string="Decisions", readonly=True
    )

    _sql_constraints = [
        (
            "date_check",
            "CHECK(date_to >= date_from)",
            "The approval cannot end before it starts.",
        ),
    ]

    @api.depends("name", "date", "department_id")
    def _compute_display_name(self):
        for exception in self:
            exception.display_name = self.env._(
                "%(number)s of %(date)s (%(unit)s)",
                number=exception.name or "",
                date=exception.date or "",
                unit=exception.department_id.name or "",
            )

    def _kpi_authority(self, department):
        """``hr`` or ``superior`` when the current user may record an
        approval for ``department``, else False: an HR officer, or the head
        of a unit above it (never the head of the unit itself)."""
        user = self.env.user
        if user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return "hr"
        # sudo: the units above, whoever reads them
        above = {int(d) for d in department.sudo().parent_path.split("/")[:-2]}
        if above & set(user.kpi_head_department_ids.ids):
            return "superior"
        return False

    @api.model_create_multi
    def create(self, vals_list):
        departments = self.env["hr.department"]
        for vals in vals_list:
            if self.env.su:
                continue
            for fname in ("approved_by_id", "authority"):
                vals.pop(fname, None)
            department = departments.browse(vals.get("department_id"))
            authority = department and self._kpi_authority(department)
            if not authority:
                raise AccessError(
                    self.env._(
                        "A quota exception is recorded by an HR officer or by the "
                        "head of a superior unit, never by the head of the unit."
                    )
                )
            vals["authority"] = authority
            vals["approved_by_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if set(vals) & {"approved_by_id", "authority"}:
                raise AccessError(
                    self.env._("Who recorded an approval is set by the server.")
                )
            self._kpi_check_unused()
            for exception in self:
                if not exception._kpi_authority(exception.department_id):
                    raise AccessError(
                        self.env._(
                            "Only an HR officer or the head of a superior unit "
                            "changes a quota exception."
                        )
                    )
            if "department_id" in vals and not self._kpi_authority(
                self.env["hr.department"].browse(vals["department_id"])
            ):
                raise AccessError(
                    self.env._(
                        "A quota exception is recorded by an HR officer or by the "
                        "head of a superior unit, never by the head of the unit."
                    )
                )
        return super().write(vals)

    def _kpi_check_unused(self):
        # sudo: whether a decision used it, readable or not
        used = self.sudo().filtered("appraisal_ids")
        if used:
            raise UserError(
                self.env._(
                    "The quota exception %(name)s was used by decisions: it is a "
                    "record of them and cannot change.",
                    name=used[0].display_name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self._kpi_check_unused()

    def _kpi_check_applies(self, appraisals):
        """Raise unless this approval (if any) covers the unit and the month of
        every appraisal of ``appraisals``."""
        if not self:
            return
        self.ensure_one()
        # sudo: the approval is checked whoever may read it
        exception = self.sudo()
        for appraisal in appraisals.sudo():
            units = {
                int(d) for d in appraisal.department_id.parent_path.split("/")[:-1]
            }
            if (
                exception.company_id != appraisal.company_id
                or exception.department_id.id not in units
                or not exception.date_from
                <= appraisal.period_start
                <= exception.date_to
            ):
                raise UserError(
                    self.env._(
                        "%(appraisal)s: the quota exception %(exception)s does not "
                        "cover this unit and month.",
                        appraisal=appraisal.display_name,
                        exception=exception.display_name,
                    )
                )
