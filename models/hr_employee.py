from odoo import fields, models

from ..const import PUBLISHED_STATES, level_selection, subject_group_selection


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    # indexed: opening a month searches a unit's staff, the task rules follow
    # the manager (a city has hundreds of thousands of employees)
    department_id = fields.Many2one(index=True)
    parent_id = fields.Many2one(index=True)

    kpi_event_ids = fields.One2many(
        "hr.kpi.employee.event",
        "employee_id",
        string="Discipline and conclusion events",
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
    )
    kpi_event_count = fields.Integer(
        compute="_compute_kpi_event_count", groups="l10n_vn_hr_kpi.group_kpi_hr_officer"
    )

    def _compute_kpi_event_count(self):
        counts = dict(
            self.env["hr.kpi.employee.event"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.kpi_event_count = counts.get(employee, 0)

    def action_open_kpi_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_employee_event_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    # ---- evaluation -------------------------------------------------------------
    kpi_focal_department_ids = fields.One2many(
        "hr.department",
        "kpi_focal_point_id",
        string="Focal point of",
        groups="l10n_vn_hr_kpi.group_kpi_employee",
    )
    kpi_config_ids = fields.One2many(
        "hr.kpi.evaluation.config",
        "employee_id",
        string="Evaluation configurations",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_config_id = fields.Many2one(
        "hr.kpi.evaluation.config",
        string="Current evaluation configuration",
        compute="_compute_kpi_config_id",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_evaluator_id = fields.Many2one(
        "hr.employee",
        compute="_compute_kpi_config_id",
        string="KPI evaluator",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_decider_id = fields.Many2one(
        "hr.employee",
        compute="_compute_kpi_config_id",
        string="KPI decider",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_subject_group = fields.Selection(
        subject_group_selection(),
        compute="_compute_kpi_config_id",
        string="Subject group",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_appraisal_ids = fields.One2many(
        "hr.kpi.appraisal",
        "employee_id",
        string="Appraisals",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_appraisal_count = fields.Integer(
        compute="_compute_kpi_counts", groups="l10n_vn_hr_kpi.group_kpi_evaluator"
    )
    kpi_task_count = fields.Integer(
        compute="_compute_kpi_counts", groups="l10n_vn_hr_kpi.group_kpi_evaluator"
    )
    kpi_config_count = fields.Integer(
        compute="_compute_kpi_counts", groups="l10n_vn_hr_kpi.group_kpi_evaluator"
    )
    kpi_last_level = fields.Selection(
        level_selection(),
        string="Last decided level",
        compute="_compute_kpi_last_level",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )
    kpi_last_period_id = fields.Many2one(
        "hr.kpi.period",
        string="Period of the last level",
        compute="_compute_kpi_last_level",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )

    def _compute_kpi_config_id(self):
        in_force = self.env["hr.kpi.evaluation.config"]._get_in_force(
            self, fields.Date.context_today(self)
        )
        for employee in self:
            config = in_force.get(employee, self.env["hr.kpi.evaluation.config"])
            employee.kpi_config_id = config
            employee.kpi_evaluator_id = config.evaluator_id
            employee.kpi_decider_id = config.decider_id
            employee.kpi_subject_group = config.subject_group

    def _compute_kpi_counts(self):
        domain = [("employee_id", "in", self.ids)]
        counts = {}
        for model, field in (
            ("hr.kpi.appraisal", "kpi_appraisal_count"),
            ("hr.kpi.task", "kpi_task_count"),
            ("hr.kpi.evaluation.config", "kpi_config_count"),
        ):
            counts[field] = dict(
                self.env[model]._read_group(domain, ["employee_id"], ["__count"])
            )
        for employee in self:
            for field, by_employee in counts.items():
                employee[field] = by_employee.get(employee, 0)

    def _compute_kpi_last_level(self):
        # sudo: published results only, which the employee may see
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self.ids),
                    ("state", "in", PUBLISHED_STATES),
                    ("level_final", "!=", False),
                ],
                order="period_start desc",
            )
        )
        last = {}
        for appraisal in appraisals:
            last.setdefault(appraisal.employee_id, appraisal)
        for employee in self:
            appraisal = last.get(employee)
            employee.kpi_last_level = appraisal.level_final if appraisal else False
            employee.kpi_last_period_id = appraisal.period_id if appraisal else False

    def _kpi_action(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    def action_open_kpi_appraisals(self):
        return self._kpi_action("l10n_vn_hr_kpi.hr_kpi_appraisal_action")

    def action_open_kpi_tasks(self):
        return self._kpi_action("l10n_vn_hr_kpi.hr_kpi_task_action")

    def action_open_kpi_configs(self):
        return self._kpi_action("l10n_vn_hr_kpi.hr_kpi_evaluation_config_action")

    kpi_rollup_count = fields.Integer(
        compute="_compute_kpi_rollup_count",
        string="Quarterly and annual results",
        groups="l10n_vn_hr_kpi.group_kpi_evaluator",
    )

    def _compute_kpi_rollup_count(self):
        counts = dict(
            self.env["hr.kpi.rollup"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.kpi_rollup_count = counts.get(employee, 0)

    def action_open_kpi_rollups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_rollup_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"search_default_filter_year": 1}
        return action
