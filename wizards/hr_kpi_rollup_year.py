from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class HrKpiRollupYear(models.TransientModel):
    """Year-end classification: compute the quarters and the year of a company
    (or a unit with its sub-units) from the final months, then let the head
    decide the annual levels within the annual quota (NĐ 335/2025 Điều 20-21)."""

    _name = "hr.kpi.rollup.year"
    _description = "Year-end classification"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Leave empty for the whole company. Sub-units are included.",
    )
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year - 1
    )
    line_ids = fields.One2many("hr.kpi.rollup.year.line", "wizard_id")
    justification = fields.Text(
        help="Required to decide over the annual quota when the rule set warns "
        "instead of blocking."
    )
    quota_summary = fields.Text(compute="_compute_quota_summary", string="Quota")

    @api.depends("line_ids.level")
    def _compute_quota_summary(self):
        for wizard in self:
            rollups = wizard.line_ids.rollup_id
            if not rollups:
                wizard.quota_summary = False
                continue
            levels = {line.rollup_id.id: line.level for line in wizard.line_ids}
            Quota = self.env["hr.kpi.quota"]
            lines = []
            for result in Quota._scope_results(Quota._scope(rollups), levels):
                if not result.ranked:
                    # a group of years not classified only: nothing to decide
                    continue
                group = f" ({result.task_group})" if result.task_group else ""
                lines.append(
                    self.env._(
                        "%(unit)s%(group)s: %(count)s excellent for a cap of %(cap)s",
                        unit=result.unit.display_name,
                        group=group,
                        count=result.count,
                        cap=result.cap,
                    )
                )
            wizard.quota_summary = "\n".join(lines)

    def _check_year(self):
        if not 2000 <= self.year <= date.today().year:
            raise UserError(self.env._("Choose a past or current year."))

    def action_compute(self):
        """Compute the results, then list the annual ones the user may decide."""
        self.ensure_one()
        self._check_year()
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_head"):
            raise AccessError(
                self.env._("Only a head or the HR officer can classify the year.")
            )
        Rollup = self.env["hr.kpi.rollup"]
        Rollup._kpi_compute_years(self.company_id, [self.year])
        domain = [
            ("company_id", "=", self.company_id.id),
            ("year", "=", self.year),
            ("quarter", "=", 0),
            ("state", "!=", "not_classified"),
        ]
        if self.department_id:
            domain.append(("department_id", "child_of", self.department_id.id))
        rollups = Rollup.search(domain).filtered(lambda r: not r._kpi_decide_error())
        ranked = rollups.sorted(
            lambda r: (r.department_id.id, -r.score, -r.months_excellent, r.name)
        )
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {
                    "rollup_id": rollup.id,
                    "level": rollup.level or rollup.level_computed,
                    "general_annual_score": rollup.general_annual_score,
                }
            )
            for rollup in ranked
        ]
        return self._reopen()

    def action_apply_general(self):
        """Method (ii): record the annual general scores entered, then propose
        the levels again."""
        self.ensure_one()
        for line in self.line_ids:
            rollup = line.rollup_id
            if (
                rollup.rollup_method == "task_plus_annual_general"
                and rollup.general_annual_score != line.general_annual_score
            ):
                rollup._kpi_set_general_annual(line.general_annual_score)
        return self.action_compute()

    def action_decide(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Compute the results first."))
        self.env["hr.kpi.rollup"]._kpi_decide(
            {line.rollup_id: line.level for line in self.line_ids},
            justification=self.justification,
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_rollup_action"
        )
        action["domain"] = [("id", "in", self.line_ids.rollup_id.ids)]
        return action

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Year-end classification"),
        }
