from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Fields that define what a product is worth; frozen once the head approved it.
VALUE_FIELDS = {
    "points",
    "is_standard",
    "complexity_group",
    "standard_product_id",
    "company_id",
}
# Set only by the approval buttons (action_*), never by a direct write.
PRODUCT_WORKFLOW_FIELDS = {"state", "approved_by_id", "approval_date"}
# Set only when a new version is made (action_new_version).
PRODUCT_VERSION_FIELDS = {"version", "previous_version_id"}


class HrKpiProduct(models.Model):
    _name = "hr.kpi.product"
    _description = "Catalogue product or work item"
    _inherit = ["mail.thread"]
    _order = "company_id, code, version desc"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index=True, tracking=True)
    name = fields.Char(required=True, index="trigram", tracking=True)
    uom_name = fields.Char(
        string="Unit",
        required=True,
        default="document",
        help="Unit counted, e.g. document, file.",
    )
    description = fields.Text()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        help="Unit whose catalogue lists the item, if any.",
    )
    complexity_group = fields.Selection(
        [("n1", "N1"), ("n2", "N2"), ("n3", "N3"), ("n4", "N4"), ("n5", "N5")],
        required=True,
        default="n1",
        tracking=True,
    )
    points = fields.Float(required=True, tracking=True)
    is_standard = fields.Boolean(
        string="Standard product",
        tracking=True,
        help=(
            "The standard product of the company's catalogue; coefficients are its "
            "multiples."
        ),
    )
    standard_product_id = fields.Many2one(
        "hr.kpi.product",
        string="Standard product of the catalogue",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    coefficient = fields.Float(
        compute="_compute_coefficient",
        store=True,
        digits=(16, 4),
        help="Points divided by the standard product's points.",
    )
    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    previous_version_id = fields.Many2one(
        "hr.kpi.product", string="Previous version", readonly=True, copy=False
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approval_date = fields.Date(readonly=True, copy=False)
    active = fields.Boolean(default=True)
    # One-stop import: the official's task of this product gets the
    # overdue files as delays when the rule set says so
    is_onestop = fields.Boolean(
        string="One-stop files",
        help="Files handled at the one-stop counter: the overdue files imported "
        "from the one-stop system can count as delays of this task.",
    )

    _sql_constraints = [
        ("points_check", "CHECK(points > 0)", "Points must be positive."),
        (
            "code_version_uniq",
            "UNIQUE(company_id, code, version)",
            "A product code and version must be unique in a company.",
        ),
    ]

    @api.depends("points", "is_standard", "standard_product_id.points")
    def _compute_coefficient(self):
        for product in self:
            if product.is_standard:
                product.coefficient = 1.0
            elif product.standard_product_id.points:
                product.coefficient = (
                    product.points / product.standard_product_id.points
                )
            else:
                product.coefficient = 0.0

    @api.constrains("is_standard", "active", "company_id")
    def _check_one_standard(self):
        groups = self._read_group(
            [("company_id", "in", self.company_id.ids), ("is_standard", "=", True)],
            ["company_id"],
            ["__count"],
        )
        for company, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The catalogue of %(company)s can have only one standard "
                        "product.",
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                refused = set(vals) & (PRODUCT_WORKFLOW_FIELDS | PRODUCT_VERSION_FIELDS)
                if vals.get("state", "draft") == "draft":
                    refused.discard("state")
                if refused:
                    raise UserError(
                        self.env._(
                            "A catalogue item starts as a draft: the head approves "
                            "it and new versions are made with their button "
                            "(%(fields)s).",
                            fields=", ".join(sorted(refused)),
                        )
                    )
                if vals.get("is_standard"):
                    self._check_can_set_standard()
        products = super().create(vals_list)
        standards = products.filtered("is_standard")
        # sudo: the coefficients of the catalogue follow its standard product;
        # who may choose the standard was checked above
        (products - standards).sudo()._link_standard()
        standards.sudo()._spread_standard()
        return products

    def write(self, vals):
        if not self.env.su:
            keys = set(vals)
            if keys & (PRODUCT_WORKFLOW_FIELDS | PRODUCT_VERSION_FIELDS):
                raise UserError(
                    self.env._(
                        "A catalogue item is approved or reopened through its "
                        "buttons only."
                    )
                )
            approved = self.filtered(lambda p: p.state == "approved")
            if keys & VALUE_FIELDS and approved:
                raise UserError(
                    self.env._(
                        "Approved products cannot be revalued (%(names)s). "
                        "Create a new version and have the head approve it.",
                        names=", ".join(approved.mapped("display_name")),
                    )
                )
            if vals.get("is_standard"):
                self._check_can_set_standard()
        res = super().write(vals)
        # sudo: the coefficients of the catalogue follow its standard product;
        # who may choose the standard was checked above
        if vals.get("is_standard"):
            self.sudo()._spread_standard()
        if "company_id" in vals:
            # sudo: the link to the standard follows the company written above
            self.filtered(lambda p: not p.is_standard).sudo()._link_standard()
        return res

    def _check_can_set_standard(self):
        """The standard product scales every coefficient of the catalogue,
        approved items included: only the head of unit chooses it."""
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            raise UserError(
                self.env._(
                    "Only the head of unit can choose the standard product: it "
                    "rescales every approved item of the catalogue."
                )
            )

    def _link_standard(self):
        """Point products at the standard product of their company."""
        if not self:
            return
        standards = self.with_context(active_test=False).search(
            [("company_id", "in", self.company_id.ids), ("is_standard", "=", True)]
        )
        by_company = {s.company_id.id: s for s in standards}
        for company, products in self.grouped("company_id").items():
            products.write(
                {"standard_product_id": by_company.get(company.id, self.browse()).id}
            )

    def _spread_standard(self):
        """Make each product of ``self`` the standard of its company's catalogue."""
        for standard in self:
            others = self.with_context(active_test=False).search(
                [("company_id", "=", standard.company_id.id), ("id", "!=", standard.id)]
            )
            others.filtered("is_standard").write({"is_standard": False})
            (others | standard).write({"standard_product_id": standard.id})

    @api.depends("code", "name", "version")
    def _compute_display_name(self):
        for product in self:
            name = f"[{product.code}] {product.name}" if product.code else product.name
            if product.version > 1:
                name = f"{name} (v{product.version})"
            product.display_name = name

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if default and "version" in default:
            return vals_list
        for product, vals in zip(self, vals_list, strict=True):
            vals["code"] = self.env._("%(code)s-copy", code=product.code)
            vals["is_standard"] = False
        return vals_list

    def _check_head(self, message):
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            raise UserError(message)
        # raises if the head cannot edit these items (record rules)
        self.check_access("write")

    def action_approve(self):
        """The head approves the catalogue items; a new version retires the old one."""
        self._check_head(
            self.env._("Only the head of unit can approve catalogue items.")
        )
        to_approve = self.filtered(lambda p: p.state == "draft")
        # sudo: the approval fields are written by the buttons only (checked above)
        to_approve.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approval_date": fields.Date.context_today(self),
            }
        )
        for product in to_approve.filtered(lambda p: p.previous_version_id.is_standard):
            # sudo: the new version of the standard becomes the standard
            product.sudo().write({"is_standard": True})
        # sudo: the new version retires the old one
        to_approve.previous_version_id.sudo().write({"active": False})
        return True

    def action_reset_to_draft(self):
        self._check_head(
            self.env._("Only the head of unit can reopen catalogue items.")
        )
        # sudo: a product used by any task keeps its value, whoever asks
        used = (
            self.env["hr.kpi.task"]
            .sudo()
            .search_count([("product_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "A product used by tasks cannot be reopened; create a new version."
                )
            )
        # sudo: the approval fields are written by the buttons only (checked above)
        self.sudo().write(
            {"state": "draft", "approved_by_id": False, "approval_date": False}
        )
        return True

    def action_new_version(self):
        self.ensure_one()
        latest = self.with_context(active_test=False).search(
            [("company_id", "=", self.company_id.id), ("code", "=", self.code)],
            order="version desc",
            limit=1,
        )
        # raises if the user may not create catalogue items
        self.browse().check_access("create")
        # sudo: the version fields are set here only (rights checked above)
        new = self.sudo().copy(
            {
                "version": latest.version + 1,
                "previous_version_id": self.id,
                "is_standard": False,
                "standard_product_id": self.standard_product_id.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }
