from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import subject_group_selection

# Appraisals created (and scored) per batch when opening a month: the memory of
# the worker stays bounded whatever the size of the company.
OPEN_BATCH_SIZE = 5000


class HrKpiPeriodOpen(models.TransientModel):
    """Open a month: one appraisal per configured employee, in one batch.
    Running it again only adds the appraisals still missing."""

    _name = "hr.kpi.period.open"
    _description = "Open a month for evaluation"

    period_id = fields.Many2one(
        "hr.kpi.period",
        required=True,
        default=lambda self: self._default_period_id(),
        domain="[('state', '=', 'open')]",
    )
    company_id = fields.Many2one(related="period_id.company_id")
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Leave empty for the whole company; otherwise the unit and its sub-units.",
    )
    include_leader_head = fields.Boolean(string="Head-level leaders", default=True)
    include_leader_deputy = fields.Boolean(string="Deputy-level leaders", default=True)
    include_civil_servant = fields.Boolean(string="Civil servants", default=True)
    include_public_employee = fields.Boolean(string="Public employees", default=True)
    include_contract_worker = fields.Boolean(string="Contract workers", default=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    created_count = fields.Integer(readonly=True)
    existing_count = fields.Integer(readonly=True)
    skipped_line_ids = fields.One2many(
        "hr.kpi.period.open.line", "wizard_id", string="Skipped", readonly=True
    )

    @api.model
    def _default_period_id(self):
        if self.env.context.get("active_model") == "hr.kpi.period":
            return self.env.context.get("active_id")
        return self.env["hr.kpi.period"].search(
            [("company_id", "=", self.env.company.id), ("state", "=", "open")],
            limit=1,
        )

    def _selected_subject_groups(self):
        return [
            key for key, _label in subject_group_selection() if self[f"include_{key}"]
        ]

    @api.model
    def _check_can_open(self, department):
        """Opening a month is the job of the HR officer (whole company) or of the
        unit focal point (own units and their sub-units)."""
        user = self.env.user
        if user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return
        if user.has_group("l10n_vn_hr_kpi.group_kpi_focal_point"):
            # sudo: which units the user is focal point of, to check his right
            own_units = user.employee_ids.sudo().kpi_focal_department_ids
            # sudo: rights checked by the action first
            if department and department.sudo().filtered_domain(
                [("id", "child_of", own_units.ids)]
            ):
                return
            raise AccessError(
                self.env._(
                    "As a focal point you can only open a month for your own units; "
                    "choose one of them."
                )
            )
        raise AccessError(
            self.env._("Only HR officers and unit focal points can open a month.")
        )

    def _prepare_appraisal_vals(self, employee, config, rule_sets=None):
        """``rule_sets``: a dict, staff category -> rule set of the month,
        filled as the categories come (one search per category)."""
        return self.period_id._kpi_prepare_appraisal_vals(
            employee, config, {} if rule_sets is None else rule_sets
        )

    def _scope_domain(self):
        domain = [("company_id", "=", self.period_id.company_id.id)]
        if self.department_id:
            domain.append(("department_id", "child_of", self.department_id.id))
        return domain

    def _configured_count(self):
        """Employees of the scope with a configuration in force on the first
        day of the month, in one query: above the company's threshold the
        month opens as background jobs."""
        period = self.period_id
        domain = [
            (f"employee_id.{fname}", operator, value)
            for fname, operator, value in self._scope_domain()
        ]
        # sudo: rights checked by _check_can_open; it counts the whole unit
        [[count]] = (
            self.env["hr.kpi.evaluation.config"]
            .sudo()
            ._read_group(
                [
                    *domain,
                    ("date_start", "<=", period.date_start),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", period.date_start),
                ],
                [],
                ["employee_id:count_distinct"],
            )
        )
        return count

    def action_open_month(self):
        self.ensure_one()
        self._check_can_open(self.department_id)
        period = self.period_id
        if period.state != "open":
            raise UserError(
                self.env._("The period %(period)s is closed.", period=period.name)
            )
        groups = self._selected_subject_groups()
        if not groups:
            raise UserError(self.env._("Choose at least one subject group."))
        period._kpi_check_no_open_run()
        threshold = period.company_id.kpi_open_job_threshold
        if threshold and self._configured_count() >= threshold:
            run = self.env["hr.kpi.period.open.run"]._kpi_start(
                period, self.department_id, groups
            )
            return run._kpi_action_open()
        # sudo: rights checked by _check_can_open; it works on the whole unit
        employees = self.env["hr.employee"].sudo().search(self._scope_domain())
        # sudo: rights checked by _check_can_open; it works on the whole unit
        created, existing, skipped = period.sudo()._kpi_open_employees(
            employees, groups, OPEN_BATCH_SIZE
        )
        created_count, existing_count = len(created), len(existing)
        if created_count > OPEN_BATCH_SIZE:
            self.env["hr.kpi.appraisal"]._kpi_analyze_tables()
        self.write(
            {
                "state": "done",
                "created_count": created_count,
                "existing_count": existing_count,
                "skipped_line_ids": [fields.Command.clear()]
                + [
                    fields.Command.create(
                        {"employee_id": employee.id, "reason": reason}
                    )
                    for employee, reason in skipped
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Open a month"),
        }

    def action_view_appraisals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action["domain"] = [("period_id", "=", self.period_id.id)]
        return action
