from odoo import api, fields, models


class HrKpiObjective(models.Model):
    """An objective (OKR) of a unit or a person, linked to a resolution, a
    programme or a plan. Its key results measure it; their attainment feeds
    dashboards and the leaders' d/đ inputs, never the a, b, c of the task block."""

    _name = "hr.kpi.objective"
    _description = "Objective (OKR)"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    scope = fields.Selection(
        [("unit", "Unit"), ("personal", "Personal")],
        default="unit",
        required=True,
        index=True,
        tracking=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    employee_id = fields.Many2one(
        "hr.employee", index="btree_not_null", check_company=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    source_type = fields.Selection(
        [
            ("resolution", "Resolution"),
            ("programme", "Action programme"),
            ("plan", "Plan"),
            ("other", "Other"),
        ],
        string="Source",
        default="resolution",
    )
    source_ref = fields.Char(
        string="Reference", help="e.g. Nghị quyết 57-NQ/TW, Chương trình hành động số …"
    )
    date_start = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_end = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=12, day=31),
    )
    description = fields.Html()
    active = fields.Boolean(default=True)
    key_result_ids = fields.One2many(
        "hr.kpi.key.result", "objective_id", string="Key results", copy=True
    )
    attainment = fields.Float(
        string="Attainment (%)",
        compute="_compute_attainment",
        store=True,
        aggregator="avg",
        help="Weighted mean of the key results' attainment, each capped at 100 %.",
    )

    _sql_constraints = [
        (
            "date_check",
            "CHECK(date_start <= date_end)",
            "The objective ends after it starts.",
        ),
    ]

    @api.depends("employee_id")
    def _compute_department_id(self):
        for objective in self:
            if objective.employee_id:
                objective.department_id = objective.employee_id.department_id

    @api.depends("employee_id", "department_id")
    def _compute_company_id(self):
        for objective in self:
            objective.company_id = (
                objective.employee_id.company_id
                or objective.department_id.company_id
                or objective.company_id
                or self.env.company
            )

    @api.depends("key_result_ids.weight", "key_result_ids.attainment")
    def _compute_attainment(self):
        KeyResult = self.env["hr.kpi.key.result"]
        for objective in self:
            objective.attainment = KeyResult._weighted_attainment(
                objective.key_result_ids
            )
