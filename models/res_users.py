from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Used by the record rules of the appraisals: the units (with their
    # sub-units, through child_of in the rules) a user heads or is the
    # focal point of.
    kpi_head_department_ids = fields.Many2many(
        "hr.department",
        compute="_compute_kpi_departments",
        string="Units headed",
    )
    kpi_focal_department_ids = fields.Many2many(
        "hr.department",
        compute="_compute_kpi_departments",
        string="Units as focal point",
    )

    @api.depends_context("uid")
    def _compute_kpi_departments(self):
        # sudo: record rules need the units a user heads, whatever he may read
        Department = self.env["hr.department"].sudo()
        heads = Department.search(
            [
                "|",
                ("manager_id.user_id", "in", self.ids),
                ("kpi_decider_id.user_id", "in", self.ids),
            ]
        )
        focals = Department.search([("kpi_focal_point_id.user_id", "in", self.ids)])
        for user in self:
            user.kpi_head_department_ids = heads.filtered(
                lambda d, u=user: u in (d.manager_id.user_id | d.kpi_decider_id.user_id)
            )
            user.kpi_focal_department_ids = focals.filtered(
                lambda d, u=user: d.kpi_focal_point_id.user_id == u
            )

    def _kpi_focal_department_ids(self):
        """Ids of the units (not their sub-units) the user is focal point of."""
        self.ensure_one()
        return self.kpi_focal_department_ids.ids
