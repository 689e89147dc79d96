from datetime import date

from odoo.tests import TransactionCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..const import MODULE
from .common import KpiFixtures, make_kpi_user


class KpiFlowCase(KpiFixtures, TransactionCase):
    """A ward of its own (no demo data): a committee headed by ``head``, an
    office (``office_head``) with a sub-team (``sub_head``), and a second unit
    (``other_head``); staff in each; one user per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env["res.company"].create({"name": "KPI flow ward"})
        cls.company_b = cls.env["res.company"].create({"name": "KPI flow ward B"})
        cls.rule_set = cls.env.ref(
            f"{MODULE}.rule_set_nd335_2026", raise_if_not_found=False
        )
        if not cls.rule_set:
            cls.rule_set = cls.env["hr.kpi.rule.set"].search(
                [("code", "=", "ND335_2026")], limit=1
            )
        # a version of the company's own: the shipped one may be frozen by
        # decided appraisals of the demo ward
        cls.rule_set = cls.rule_set.copy({"company_id": cls.company.id})
        cls.rule_set.is_default = True

        def user(login, group, company=cls.company):
            return make_kpi_user(cls.env, login, group, company)

        cls.user_hr = user("flow_hr", "group_kpi_hr_officer")
        cls.user_hr_b = user("flow_hr_b", "group_kpi_hr_officer", cls.company_b)
        cls.user_focal = user("flow_focal", "group_kpi_focal_point")
        cls.user_head = user("flow_head", "group_kpi_head")
        cls.user_office_head = user("flow_office_head", "group_kpi_evaluator")
        cls.user_other_head = user("flow_other_head", "group_kpi_head")
        cls.user_staff = user("flow_staff", "group_kpi_employee")
        cls.user_evaluator = user("flow_evaluator", "group_kpi_evaluator")

        Department = cls.env["hr.department"]
        cls.root = Department.create(
            {"name": "Committee", "company_id": cls.company.id}
        )
        cls.office = Department.create(
            {"name": "Office", "parent_id": cls.root.id, "company_id": cls.company.id}
        )
        cls.sub = Department.create(
            {
                "name": "Sub-team",
                "parent_id": cls.office.id,
                "company_id": cls.company.id,
            }
        )
        cls.other = Department.create(
            {"name": "Culture", "parent_id": cls.root.id, "company_id": cls.company.id}
        )

        def employee(name, department, user=None, company=cls.company):
            return cls.make_employee(name, user, department, company=company)

        cls.head = employee("Head", cls.root, cls.user_head)
        cls.office_head = employee("Office head", cls.office, cls.user_office_head)
        cls.sub_head = employee("Sub head", cls.sub)
        cls.other_head = employee("Culture head", cls.other, cls.user_other_head)
        cls.focal = employee("Focal", cls.office, cls.user_focal)
        cls.staff = employee("Staff", cls.office, cls.user_staff)
        cls.staff2 = employee("Staff 2", cls.office)
        cls.staff3 = employee("Staff 3", cls.office)
        cls.sub_staff = employee("Sub staff", cls.sub)
        cls.other_staff = employee("Culture staff", cls.other)
        cls.hr_employee = employee("HR", cls.root, cls.user_hr)
        cls.root.manager_id = cls.head
        cls.office.manager_id = cls.office_head
        cls.sub.manager_id = cls.sub_head
        cls.other.manager_id = cls.other_head
        cls.office.kpi_focal_point_id = cls.focal
        (cls.office_head | cls.other_head).parent_id = cls.head
        cls.sub_head.parent_id = cls.office_head
        (cls.staff | cls.staff2 | cls.staff3 | cls.focal).parent_id = cls.office_head
        cls.sub_staff.parent_id = cls.sub_head
        cls.other_staff.parent_id = cls.other_head

        cls.period = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 3, 1)}
        )

    @classmethod
    def _config(cls, employee, **vals):
        return cls.env["hr.kpi.evaluation.config"].create(
            {"employee_id": employee.id, "date_start": date(2026, 1, 1), **vals}
        )

    @classmethod
    def _appraisal(cls, employee, period=None, **vals):
        period = period or cls.period
        config = (
            cls.env["hr.kpi.evaluation.config"]
            ._get_in_force(employee, period.date_start)
            .get(employee)
        )
        return (
            cls.env["hr.kpi.appraisal"]
            .sudo()
            .create(
                {
                    "employee_id": employee.id,
                    "period_id": period.id,
                    "evaluator_employee_id": config.evaluator_id.id
                    if config
                    else employee.parent_id.id,
                    "decider_employee_id": config.decider_id.id if config else False,
                    **vals,
                }
            )
        )
