"""The decision right for the year: the annual level is decided by the decider
of the year (the decider of its last month) or by his deputy under a
delegation in force, never by a head of a parent unit nor by a deputy without
a delegation."""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .test_kpi_rollup import RollupCommon


@tagged("post_install", "-at_install")
class TestLaw2026AnnualAuthority(RollupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login):
            return new_test_user(
                cls.env,
                login=login,
                groups="l10n_vn_hr_kpi.group_kpi_head",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                context=DISABLED_MAIL_CONTEXT,
            )

        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.user_chair = user("kpi_year_chair")
        cls.user_deputy = user("kpi_year_deputy")
        cls.emp_chair = Employee.create(
            {"name": "Chairman", "user_id": cls.user_chair.id}
        )
        cls.ward = cls.env["hr.department"].create(
            {
                "name": "Ward",
                "company_id": cls.company.id,
                "manager_id": cls.emp_chair.id,
            }
        )
        cls.department.parent_id = cls.ward
        cls.emp_deputy = Employee.create(
            {
                "name": "Deputy head",
                "user_id": cls.user_deputy.id,
                "department_id": cls.department.id,
                "parent_id": cls.emp_head.id,
            }
        )

    def test_only_the_decider_or_his_delegated_deputy_decides_the_year(self):
        self.year_of(self.emp_staff, [80] * 12)
        self.compute()
        year = self.get(self.emp_staff)
        self.assertEqual(year.decider_employee_id, self.emp_head)
        level = year.level_computed
        # the chairman heads the parent unit: he reads, he does not decide
        self.assertIn(year, self.Rollup.with_user(self.user_chair).search([]))
        for user in (self.user_chair, self.user_deputy, self.user_hr):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    year.with_user(user)._kpi_decide({year: level})
                self.assertEqual(year.state, "computed")
        # a delegation that has expired grants nothing
        today = date.today()
        delegation = self.env["hr.kpi.delegation"].create(
            {
                "delegator_id": self.emp_head.id,
                "deputy_id": self.emp_deputy.id,
                "document_number": "12/QĐ-UBND",
                "date_from": today - timedelta(days=10),
                "date_to": today - timedelta(days=1),
                "company_id": self.company.id,
            }
        )
        with self.assertRaises(AccessError):
            year.with_user(self.user_deputy)._kpi_decide({year: level})
        # in force: the deputy decides in the head's place
        delegation.date_to = today + timedelta(days=1)
        year.with_user(self.user_deputy)._kpi_decide({year: level})
        self.assertEqual(year.state, "decided")
        self.assertEqual(year.level, level)

    def test_the_head_of_a_unit_is_decided_by_the_managing_agency(self):
        self.year_of(self.emp_head, [80] * 12, decider=self.emp_chair)
        self.compute()
        year = self.get(self.emp_head)
        self.assertEqual(year.decider_employee_id, self.emp_chair)
        level = year.level_computed
        # his own deputy, even under a delegation of the chairman, does not
        self.env["hr.kpi.delegation"].create(
            {
                "delegator_id": self.emp_chair.id,
                "deputy_id": self.emp_deputy.id,
                "document_number": "13/QĐ-UBND",
                "date_from": date.today(),
                "date_to": date.today(),
                "company_id": self.company.id,
            }
        )
        for user in (self.user_head, self.user_deputy):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    year.with_user(user)._kpi_decide({year: level})
        year.with_user(self.user_chair)._kpi_decide({year: level})
        self.assertEqual(year.state, "decided")
