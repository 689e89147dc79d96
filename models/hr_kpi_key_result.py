from odoo import api, fields, models


class HrKpiKeyResult(models.Model):
    """A measurable key result of an objective: from a baseline to a target."""

    _name = "hr.kpi.key.result"
    _description = "Key result (OKR)"
    _order = "objective_id, sequence, id"
    _check_company_auto = True

    objective_id = fields.Many2one(
        "hr.kpi.objective", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    company_id = fields.Many2one(
        related="objective_id.company_id", store=True, index=True
    )
    department_id = fields.Many2one(
        related="objective_id.department_id", store=True, index=True
    )
    employee_id = fields.Many2one(related="objective_id.employee_id", store=True)
    scope = fields.Selection(related="objective_id.scope", store=True)
    baseline = fields.Float()
    target = fields.Float(required=True)
    current_value = fields.Float()
    uom_name = fields.Char(string="Unit of measure")
    weight = fields.Float(default=1.0, required=True)
    data_source = fields.Char()
    attainment = fields.Float(
        string="Attainment (%)",
        compute="_compute_attainment",
        store=True,
        aggregator="avg",
        help="(current − baseline) ÷ (target − baseline), not below 0; above 100 % "
        "when the target is exceeded.",
    )
    is_exceeded = fields.Boolean(
        string="Exceeded", compute="_compute_attainment", store=True
    )
    task_ids = fields.One2many("hr.kpi.task", "key_result_id", string="Tasks")
    task_count = fields.Integer(compute="_compute_task_count")

    _sql_constraints = [
        ("weight_check", "CHECK(weight >= 0)", "A weight cannot be negative."),
    ]

    @api.depends("baseline", "target", "current_value")
    def _compute_attainment(self):
        for kr in self:
            span = kr.target - kr.baseline
            if span:
                value = 100.0 * (kr.current_value - kr.baseline) / span
            else:
                value = 100.0 if kr.current_value == kr.target else 0.0
            kr.attainment = max(0.0, round(value, 2))
            kr.is_exceeded = kr.attainment > 100.0

    def _compute_task_count(self):
        counts = dict(
            self.env["hr.kpi.task"]._read_group(
                [("key_result_id", "in", self.ids)], ["key_result_id"], ["__count"]
            )
        )
        for kr in self:
            kr.task_count = counts.get(kr, 0)

    @api.model
    def _weighted_attainment(self, key_results):
        """Σ weight × min(attainment, 100) ÷ Σ weight (0 without weights)."""
        total = sum(key_results.mapped("weight"))
        if not total:
            return 0.0
        return round(
            sum(kr.weight * min(100.0, kr.attainment) for kr in key_results) / total,
            2,
        )

    def action_open_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action"
        )
        action["domain"] = [("key_result_id", "=", self.id)]
        action["context"] = {"default_key_result_id": self.id}
        return action
