from datetime import date

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..const import MODULE


def make_kpi_user(env, login, group, company):
    """A user of ``company`` with one role of the addon (``group_kpi_*``)."""
    return new_test_user(
        env,
        login=login,
        groups=f"{MODULE}.{group}",
        company_id=company.id,
        company_ids=[Command.set(company.ids)],
        context=DISABLED_MAIL_CONTEXT,
    )


class KpiFixtures:
    """The builders every fixture uses (mixed into KpiCommon and KpiFlowCase,
    usable by any test class with ``cls.env`` and ``cls.company``)."""

    @classmethod
    def make_user(cls, login, group, company=None):
        return make_kpi_user(cls.env, login, group, company or cls.company)

    @classmethod
    def make_employee(
        cls, name, user=None, department=None, manager=None, company=None, **vals
    ):
        """An employee of ``company`` (the class's by default) in
        ``department``, reporting to ``manager``, linked to ``user``."""
        company = company or cls.company
        return (
            cls.env["hr.employee"]
            .with_company(company)
            .create(
                {
                    "name": name,
                    "company_id": company.id,
                    "user_id": user.id if user else False,
                    "department_id": department.id if department else False,
                    "parent_id": manager.id if manager else False,
                    **vals,
                }
            )
        )


class KpiCommon(KpiFixtures, TransactionCase):
    """A company of its own, one unit with a leader and staff, a small catalogue
    and one period (May 2026) under NĐ 335/2025. No demo data is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env["res.company"].create({"name": "KPI Test Ward"})
        cls.other_company = cls.env["res.company"].create({"name": "KPI Other Ward"})
        # A version of the national rule set of the test company's own: the
        # shipped one may be frozen by decided appraisals of the demo ward.
        cls.rs_nd335_shipped = cls.env.ref("l10n_vn_hr_kpi.rule_set_nd335_2026")
        cls.rs_nd335 = cls.rs_nd335_shipped.copy({"company_id": cls.company.id})
        cls.rs_nd335.is_default = True
        cls.rs_hn11 = cls.env.ref("l10n_vn_hr_kpi.rule_set_hn_11_2026")
        cls.rs_hn3814 = cls.env.ref("l10n_vn_hr_kpi.rule_set_hn_3814_2018")

        user = cls.make_user
        cls.user_leader = user("kpi_leader", "group_kpi_evaluator")
        cls.user_staff = user("kpi_staff", "group_kpi_employee")
        cls.user_staff2 = user("kpi_staff2", "group_kpi_employee")
        cls.user_head = user("kpi_head", "group_kpi_head")
        cls.user_hr = user("kpi_hr", "group_kpi_hr_officer")
        cls.user_other_evaluator = user("kpi_other_eval", "group_kpi_evaluator")

        cls.department = cls.env["hr.department"].create(
            {"name": "Office of the People's Committee", "company_id": cls.company.id}
        )
        employee = cls.make_employee
        cls.emp_head = employee("Head", cls.user_head, cls.department)
        cls.department.manager_id = cls.emp_head
        cls.emp_leader = employee(
            "Leader", cls.user_leader, cls.department, cls.emp_head
        )
        cls.emp_staff = employee(
            "Staff", cls.user_staff, cls.department, cls.emp_leader
        )
        cls.emp_staff2 = employee(
            "Staff Two", cls.user_staff2, cls.department, cls.emp_leader
        )
        cls.emp_other_evaluator = employee("Other evaluator", cls.user_other_evaluator)
        cls.emp_hr = employee("HR officer", cls.user_hr)

        Product = cls.env["hr.kpi.product"]
        # the standard product: drafting an administrative document, 5 points
        cls.product_std = Product.create(
            {
                "code": "STD",
                "name": "Drafting an administrative document",
                "points": 5.0,
                "is_standard": True,
                "company_id": cls.company.id,
            }
        )
        cls.product_k2 = Product.create(
            {
                "code": "RPT",
                "name": "Report",
                "points": 10.0,
                "company_id": cls.company.id,
            }
        )
        cls.product_k15 = Product.create(
            {
                "code": "DEC",
                "name": "Decision",
                "points": 7.5,
                "company_id": cls.company.id,
            }
        )
        (cls.product_std | cls.product_k2 | cls.product_k15).action_approve()

        cls.period = cls.env["hr.kpi.period"].create(
            {"company_id": cls.company.id, "date_start": date(2026, 5, 1)}
        )
        cls.deadline = date(2026, 5, 20)

    # ------------------------------------------------------------------

    def scored(self, employee, general=30.0, **vals):
        """An appraisal with the general criteria and one perfect task,
        evaluated by the leader and decided by the head: computed level
        excellent (100 points) unless ``general`` says otherwise."""
        self.make_task(employee)
        appraisal = self.make_appraisal(
            employee,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
            **vals,
        )
        self.set_general(appraisal, general)
        return appraisal

    def to_state(self, appraisals, state, **vals):
        """Fixture shortcut (as superuser) to put appraisals at a step; the
        steps themselves are tested through their actions."""
        # sudo: a fixture, not a step under test
        appraisals.sudo().write({"state": state, **vals})

    @classmethod
    def make_appraisal(cls, employee, period=None, rule_set=None, **vals):
        period = period or cls.period
        vals = {
            "employee_id": employee.id,
            "period_id": period.id,
            "rule_set_id": (rule_set or period.rule_set_id).id,
            **vals,
        }
        return cls.env["hr.kpi.appraisal"].create(vals)

    @classmethod
    def make_task(
        cls,
        employee,
        product=None,
        quantity=1.0,
        done=None,
        passed=None,
        errors=0,
        delays=0,
        deadline=None,
        **vals,
    ):
        """A confirmed task. ``done``/``passed`` default to the quantity; ``delays``
        are entered as a correction (with its reason)."""
        done = quantity if done is None else done
        passed = done if passed is None else passed
        values = {
            "name": vals.pop("name", "Task"),
            "employee_id": employee.id,
            "assigner_id": cls.emp_leader.id,
            "product_id": (product or cls.product_std).id,
            "quantity": quantity,
            "deadline": deadline or cls.deadline,
            "completed_quantity": done,
            "quality_passed_quantity": passed,
            "major_error_count": errors,
            "date_done": (deadline or cls.deadline) if done else False,
            "state": "done" if done else "in_progress",
            "outcome_confirmed": bool(done),
        }
        if delays:
            values.update(
                {
                    "delay_corrected": True,
                    "delay_count_corrected": delays,
                    "delay_correction_reason": "Missed deadlines",
                }
            )
        values.update(vals)
        return cls.env["hr.kpi.task"].create(values)

    @staticmethod
    def set_general(appraisal, points):
        """Spread ``points`` over the criterion lines (the final points follow)."""
        remaining = points
        for line in appraisal.line_ids:
            value = min(line.max_points, round(remaining, 2))
            if line.scoring_type == "binary" and value < line.max_points:
                value = 0.0
            line.write(
                {
                    "self_points": value,
                    "comment": "ok" if value < line.max_points else "",
                }
            )
            remaining = round(remaining - value, 2)
        assert remaining == 0, "not enough criteria for the points"
