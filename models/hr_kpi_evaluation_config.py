from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..const import staff_category_of, staff_category_selection, subject_group_selection


class HrKpiEvaluationConfig(models.Model):
    """Cấu hình đánh giá cán bộ: who evaluates and who decides for an
    employee, from a date on. An employee has at most one
    configuration in force on any day."""

    _name = "hr.kpi.evaluation.config"
    _description = "Evaluation configuration"
    _inherit = ["mail.thread"]
    _order = "employee_id, date_start desc"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name"]

    employee_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
        precompute=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_from_employee",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    date_start = fields.Date(
        string="Valid from",
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        tracking=True,
    )
    date_end = fields.Date(string="Valid until", index=True, tracking=True)
    active = fields.Boolean(default=True)
    subject_group = fields.Selection(
        subject_group_selection(),
        required=True,
        default="civil_servant",
        tracking=True,
    )
    staff_category = fields.Selection(
        staff_category_selection(),
        compute="_compute_staff_category",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Chooses the rule set of the months: public employees (viên chức, "
        "and the leaders of a public service unit) have their own from "
        "1/7/2026.",
    )
    evaluator_id = fields.Many2one(
        "hr.employee",
        compute="_compute_from_employee",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        tracking=True,
        help="Direct manager who scores and proposes a level "
        "(người quản lý trực tiếp). Defaults to the employee's manager.",
    )
    decider_id = fields.Many2one(
        "hr.employee",
        compute="_compute_from_employee",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
        tracking=True,
        help="Head who decides the level (thủ trưởng). Defaults to the manager of the "
        "employee's department, or of its parent when the employee heads it. A "
        "deputy decides in his or her place only under a delegation record "
        "(ủy quyền) with its document number.",
    )
    task_group = fields.Char(
        tracking=True,
        help="Group of staff with similar tasks (nhóm có nhiệm vụ tương đồng): "
        "quotas may be checked within it.",
    )
    job_id = fields.Many2one(
        "hr.job",
        string="Job position",
        compute="_compute_from_employee",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="Vị trí việc làm.",
    )
    rule_set_id = fields.Many2one(
        "hr.kpi.rule.set",
        tracking=True,
        help="Leave empty to use the rule set of the period.",
    )

    _sql_constraints = [
        (
            "date_check",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "The end of a configuration cannot come before its start.",
        ),
    ]

    # ------------------------------------------------------------------
    # Who may change a configuration
    # ------------------------------------------------------------------

    _KPI_ROLE_FIELDS = ("evaluator_id", "decider_id")

    def _kpi_check_change(self, vals_list):
        """A configuration names who evaluates and who decides: nobody names
        himself or herself, nobody changes his or her own, and a
        configuration that reaches an open month (its appraisals may already
        exist) is changed by an HR officer only. Every change is tracked."""
        if self.env.su:
            return
        user = self.env.user
        mine = set(
            self.env["hr.employee"]
            .with_context(active_test=False)
            .search([("user_id", "=", user.id)])
            .ids
        )
        is_hr = user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")
        for vals in vals_list:
            for fname in self._KPI_ROLE_FIELDS:
                if vals.get(fname) and vals[fname] in mine:
                    raise AccessError(
                        self.env._(
                            "Nobody can name himself or herself %(role)s in an "
                            "evaluation configuration: another HR officer does it.",
                            role=self._fields[fname]
                            .get_description(self.env)["string"]
                            .lower(),
                        )
                    )
        # sudo: the employees and dates of the configurations being changed
        touched = [
            (
                config.employee_id.id,
                config.company_id,
                config.date_start,
                config.date_end,
            )
            for config in self.sudo()
        ]
        # sudo: the employees named, read for this check (the guard itself)
        Employee = self.env["hr.employee"].sudo()
        for vals in vals_list:
            for employee_id, company, start, end in touched or [(False,) * 4]:
                employee_id = vals.get("employee_id", employee_id)
                employee = Employee.browse(employee_id)
                start = fields.Date.to_date(vals.get("date_start", start))
                end = fields.Date.to_date(vals.get("date_end", end))
                if employee_id in mine:
                    raise AccessError(
                        self.env._(
                            "Nobody changes his or her own evaluation configuration."
                        )
                    )
                if not is_hr and self._kpi_reaches_open_month(
                    company or employee.company_id, start, end
                ):
                    raise AccessError(
                        self.env._(
                            "The configuration of %(employee)s reaches an open "
                            "month: only an HR officer changes it.",
                            employee=employee.name,
                        )
                    )
        for config_start_end in touched:
            _employee_id, company, start, end = config_start_end
            if not is_hr and self._kpi_reaches_open_month(company, start, end):
                raise AccessError(
                    self.env._(
                        "This configuration reaches an open month: only an HR "
                        "officer changes it."
                    )
                )

    @api.model
    def _kpi_reaches_open_month(self, company, start, end):
        if not start:
            return False
        domain = [("state", "=", "open"), ("date_end", ">=", start)]
        if company:
            domain.append(("company_id", "=", company.id))
        if end:
            domain.append(("date_start", "<=", end))
        # sudo: whether an open period is reached, whoever asks
        return bool(self.env["hr.kpi.period"].sudo().search_count(domain, limit=1))

    @api.model_create_multi
    def create(self, vals_list):
        self._kpi_check_change(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._kpi_check_change([vals])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_check_rights(self):
        self._kpi_check_change([{}])

    @api.depends("employee_id")
    def _compute_company_id(self):
        for config in self:
            config.company_id = config.employee_id.company_id or self.env.company

    @api.depends("employee_id")
    def _compute_from_employee(self):
        for config in self:
            employee = config.employee_id
            config.department_id = employee.department_id
            config.job_id = employee.job_id
            config.evaluator_id = employee.parent_id
            config.decider_id = config._default_decider(employee)

    @api.depends("subject_group", "department_id.kpi_public_service_unit")
    def _compute_staff_category(self):
        for config in self:
            config.staff_category = staff_category_of(
                config.subject_group, config.department_id.kpi_public_service_unit
            )

    @api.model
    def _default_decider(self, employee):
        """The decider of the employee's department (its manager unless the unit
        names another one); when the employee is that person, the decider of the
        first parent department decided by someone else."""
        department = employee.department_id
        while department:
            decider = department.kpi_decider_id or department.manager_id
            if decider and decider != employee:
                return decider
            department = department.parent_id
        return self.env["hr.employee"]

    @api.depends("employee_id", "date_start", "date_end")
    def _compute_display_name(self):
        for config in self:
            config.display_name = self.env._(
                "%(employee)s from %(date)s",
                employee=config.employee_id.name or "",
                date=config.date_start or "",
            )

    @api.constrains("employee_id", "date_start", "date_end", "active")
    def _check_no_overlap(self):
        configs = self.filtered("active")
        if not configs:
            return
        # sudo: an overlap with a configuration the user cannot see is still one
        others = (
            self.sudo().search(
                [
                    ("employee_id", "in", configs.employee_id.ids),
                    ("id", "not in", configs.ids),
                ]
            )
            # sudo: same read, the records being checked themselves
            | configs.sudo()
        )
        by_employee = others.grouped("employee_id")
        for config in configs:
            # sudo: the sudo copy of ``config`` is in ``others``; only compared
            for other in by_employee[config.employee_id] - config.sudo():
                if config._overlaps(other):
                    raise ValidationError(
                        self.env._(
                            "%(employee)s already has an evaluation configuration "
                            "valid on these dates.",
                            employee=config.employee_id.name,
                        )
                    )

    @api.constrains("employee_id", "evaluator_id", "decider_id")
    def _check_not_self(self):
        for config in self:
            if config.employee_id in (config.evaluator_id | config.decider_id):
                raise ValidationError(
                    self.env._(
                        "%(employee)s cannot evaluate or decide for himself "
                        "or herself.",
                        employee=config.employee_id.name,
                    )
                )

    def _overlaps(self, other):
        self.ensure_one()
        end = self.date_end or fields.Date.to_date("9999-12-31")
        other_end = other.date_end or fields.Date.to_date("9999-12-31")
        return self.date_start <= other_end and other.date_start <= end

    @api.model
    def _get_in_force(self, employees, day):
        """The configuration in force on ``day`` for each employee, in one query:
        ``{employee: config}`` (employees without one are absent)."""
        configs = self.search(
            [
                ("employee_id", "in", employees.ids),
                ("date_start", "<=", day),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ],
            order="date_start desc",
        )
        result = {}
        for config in configs:
            result.setdefault(config.employee_id, config)
        return result

    @api.model
    def _check_evaluable(self, employees, day, in_force=None):
        """Why each employee cannot be put into a period starting on ``day``:
        ``{employee: reason}``; evaluable employees are absent.

        :param in_force: the result of :meth:`_get_in_force`, when already known
        """
        if in_force is None:
            in_force = self._get_in_force(employees, day)
        reasons = {}
        for employee in employees:
            config = in_force.get(employee)
            if not config:
                reasons[employee] = self.env._("No evaluation configuration in force.")
            elif not config.evaluator_id:
                reasons[employee] = self.env._("No evaluator in the configuration.")
            elif not config.decider_id:
                reasons[employee] = self.env._("No decider in the configuration.")
        return reasons
