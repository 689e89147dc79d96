from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import subject_group_selection


class HrKpiEvaluationConfigApply(models.TransientModel):
    """Give many employees the same evaluation configuration from a date on.
    The configuration in force the day before is closed on that day."""

    _name = "hr.kpi.evaluation.config.apply"
    _description = "Apply an evaluation configuration to several employees"

    employee_ids = fields.Many2many(
        "hr.employee",
        string="Employees",
        required=True,
        default=lambda self: self._default_employee_ids(),
    )
    date_start = fields.Date(
        string="Valid from",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    subject_group = fields.Selection(
        subject_group_selection(), required=True, default="civil_servant"
    )
    evaluator_id = fields.Many2one(
        "hr.employee",
        help="Leave empty to use each employee's manager.",
    )
    decider_id = fields.Many2one(
        "hr.employee",
        help="Leave empty to use the head of each employee's department.",
    )
    task_group = fields.Char()
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set", help="Leave empty to use the rule set of the period."
    )

    @api.model
    def _default_employee_ids(self):
        if self.env.context.get("active_model") == "hr.employee":
            return self.env.context.get("active_ids")
        return False

    def _prepare_config_vals(self, employee):
        vals = {
            "employee_id": employee.id,
            "date_start": self.date_start,
            "subject_group": self.subject_group,
            "task_group": self.task_group or False,
            "rule_set_id": self.rule_set_id.id,
        }
        # the evaluator or decider chosen for the unit cannot judge himself:
        # he keeps the default (his own manager, the head above)
        if self.evaluator_id and self.evaluator_id != employee:
            vals["evaluator_id"] = self.evaluator_id.id
        if self.decider_id and self.decider_id != employee:
            vals["decider_id"] = self.decider_id.id
        return vals

    def action_apply(self):
        self.ensure_one()
        Config = self.env["hr.kpi.evaluation.config"]
        # a configuration starting on or after the date would overlap the new one
        later = Config.search(
            [
                ("employee_id", "in", self.employee_ids.ids),
                ("date_start", ">=", self.date_start),
            ]
        )
        if later:
            raise UserError(
                self.env._(
                    "These employees already have a configuration starting on or after "
                    "%(date)s: %(employees)s. Change its date or archive it first.",
                    date=self.date_start,
                    employees=", ".join(later.employee_id.mapped("name")),
                )
            )
        previous = Config.search(
            [
                ("employee_id", "in", self.employee_ids.ids),
                ("date_start", "<", self.date_start),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", self.date_start),
            ]
        )
        previous.write({"date_end": self.date_start - relativedelta(days=1)})
        configs = Config.create(
            [self._prepare_config_vals(employee) for employee in self.employee_ids]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_evaluation_config_action"
        )
        action["domain"] = [("id", "in", configs.ids)]
        return action
