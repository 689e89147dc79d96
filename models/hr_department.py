from odoo import api, fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    # indexed: the units a user heads are searched by their manager (record rules)
    manager_id = fields.Many2one(index="btree_not_null")

    kpi_focal_point_id = fields.Many2one(
        "hr.employee",
        string="KPI focal point",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="Unit focal point (đầu mối): configures the evaluation of the unit and "
        "its sub-units, enters data for staff without a user.",
    )
    kpi_decider_id = fields.Many2one(
        "hr.employee",
        string="KPI decider",
        compute="_compute_kpi_decider_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="Head who decides the levels of the unit (thủ trưởng); the manager by "
        "default. Used as the default decider of new evaluation configurations.",
    )
    kpi_public_service_unit = fields.Boolean(
        string="Public service unit",
        help="Đơn vị sự nghiệp công lập (a school, a health station): its staff "
        "and its leaders are public employees, evaluated under the rule set of "
        "public employees (NĐ 233/2026/NĐ-CP from 1/7/2026).",
    )
    kpi_appraisal_count = fields.Integer(
        string="Appraisals this month", compute="_compute_kpi_month"
    )
    kpi_quota_status = fields.Char(
        string="Quota this month", compute="_compute_kpi_month"
    )
    kpi_config_count = fields.Integer(
        string="Evaluation configurations", compute="_compute_kpi_config_count"
    )

    @api.depends("manager_id")
    def _compute_kpi_decider_id(self):
        for department in self:
            department.kpi_decider_id = department.manager_id

    def _kpi_current_month_domain(self):
        month_start = fields.Date.context_today(self).replace(day=1)
        return [
            ("department_id", "in", self.ids),
            ("period_id.date_start", "=", month_start),
        ]

    def _compute_kpi_month(self):
        # sudo: the unit's month is summarised (counts, quota) for its form
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(self._kpi_current_month_domain())
            .grouped("department_id")
        )
        Quota = self.env["hr.kpi.quota"]
        for department in self:
            # sudo: the unit's month is summarised (counts, quota) for its form
            members = appraisals.get(department.sudo(), self.env["hr.kpi.appraisal"])
            department.kpi_appraisal_count = len(members)
            if not members:
                department.kpi_quota_status = False
                continue
            parts = []
            for result in Quota._check(members):
                label = (
                    self.env._(
                        "%(group)s: %(count)s excellent / cap %(cap)s",
                        group=result.task_group,
                        count=result.count,
                        cap=result.cap,
                    )
                    if result.task_group
                    else self.env._(
                        "%(count)s excellent / cap %(cap)s",
                        count=result.count,
                        cap=result.cap,
                    )
                )
                if not result.holds:
                    label = self.env._("%(label)s (over the quota)", label=label)
                parts.append(label)
            department.kpi_quota_status = "; ".join(parts)

    def _compute_kpi_config_count(self):
        counts = dict(
            self.env["hr.kpi.evaluation.config"]._read_group(
                [("department_id", "in", self.ids)], ["department_id"], ["__count"]
            )
        )
        for department in self:
            department.kpi_config_count = counts.get(department, 0)

    @api.model_create_multi
    def create(self, vals_list):
        departments = super().create(vals_list)
        if any(vals.get("kpi_focal_point_id") for vals in vals_list):
            # the focal point's record rules are computed from the departments
            self.env.registry.clear_cache()
        return departments

    def write(self, vals):
        res = super().write(vals)
        if {"manager_id", "kpi_decider_id", "kpi_focal_point_id", "parent_id"} & set(
            vals
        ):
            # the record rules read who heads a unit or is its focal point
            self.env.registry.clear_cache()
        return res

    def action_open_kpi_appraisals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action["domain"] = [("department_id", "child_of", self.id)]
        return action

    def action_open_kpi_configs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_evaluation_config_action"
        )
        action["domain"] = [("department_id", "child_of", self.id)]
        action["context"] = {"default_department_id": self.id}
        return action

    def action_open_kpi_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_task_action"
        )
        action["domain"] = [("department_id", "child_of", self.id)]
        return action
