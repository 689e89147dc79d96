from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .flow_common import KpiFlowCase


@tagged("post_install", "-at_install")
class TestKpiConfig(KpiFlowCase):
    def test_defaults_from_parent_and_manager(self):
        config = self._config(self.staff)
        self.assertEqual(config.evaluator_id, self.office_head, "evaluator = manager")
        self.assertEqual(config.decider_id, self.office_head, "decider = unit head")
        self.assertEqual(config.department_id, self.office)
        self.assertEqual(config.company_id, self.company)

    def test_head_of_own_unit_decided_by_parent_unit(self):
        config = self._config(self.office_head, date_end=date(2026, 12, 31))
        self.assertEqual(config.evaluator_id, self.head)
        self.assertEqual(config.decider_id, self.head, "own unit -> parent unit's head")
        # two levels up when the parent unit is headed by the same person
        self.root.manager_id = self.office_head
        self.office_head.parent_id = self.head
        self.assertFalse(
            self._config(self.office_head, date_start=date(2027, 1, 1)).decider_id
        )

    def test_unit_decider_overrides_manager(self):
        self.assertEqual(
            self.office.kpi_decider_id, self.office_head, "manager by default"
        )
        self.office.kpi_decider_id = self.head
        self.assertEqual(self._config(self.staff2).decider_id, self.head)

    def test_overlap_refused(self):
        self._config(self.staff, date_end=date(2026, 2, 28))
        self._config(self.staff, date_start=date(2026, 3, 1))
        with self.assertRaises(ValidationError):
            self._config(self.staff, date_start=date(2026, 6, 1))
        with self.assertRaises(ValidationError):
            self._config(
                self.staff, date_start=date(2025, 12, 1), date_end=date(2026, 1, 15)
            )
        # another employee on the same dates is fine
        self._config(self.staff2, date_start=date(2026, 3, 1))

    def test_self_evaluation_refused(self):
        with self.assertRaises(ValidationError):
            self._config(self.staff, evaluator_id=self.staff.id)
        with self.assertRaises(ValidationError):
            self._config(self.staff, decider_id=self.staff.id)

    def test_acting_deputy_is_a_delegation_with_dates(self):
        """The configuration names no acting deputy any more: a delegation
        record does, with its document and both dates."""
        self.assertNotIn("acting_deputy_id", self.env["hr.kpi.evaluation.config"])
        Delegation = self.env["hr.kpi.delegation"]
        vals = {
            "delegator_id": self.office_head.id,
            "deputy_id": self.focal.id,
            "document_number": "03/QĐ-UBND",
            "date_from": date(2026, 2, 1),
            "date_to": date(2026, 2, 15),
        }
        for bad in (
            {"date_from": False},
            {"date_to": False},
            {"date_to": date(2026, 1, 31)},
            {"deputy_id": self.office_head.id},
        ):
            with self.subTest(vals=bad):
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(IntegrityError),
                    self.cr.savepoint(),
                ):
                    Delegation.create(dict(vals, **bad))
        delegation = Delegation.create(vals)
        self.assertEqual(
            Delegation.search(
                [
                    ("id", "=", delegation.id),
                    *Delegation._kpi_in_force_domain(date(2026, 2, 10)),
                ]
            ),
            delegation,
        )
        self.assertFalse(
            Delegation.search(
                [
                    ("id", "=", delegation.id),
                    *Delegation._kpi_in_force_domain(date(2026, 2, 16)),
                ]
            )
        )

    def test_apply_wizard_closes_previous(self):
        staff = self.staff | self.staff2 | self.staff3
        old = self.env["hr.kpi.evaluation.config"]
        for employee in staff:
            old |= self._config(employee)
        wizard = (
            self.env["hr.kpi.evaluation.config.apply"]
            .with_user(self.user_hr)
            .create(
                {
                    "employee_ids": [Command.set((staff | self.focal).ids)],
                    "date_start": date(2026, 4, 1),
                    "subject_group": "public_employee",
                    "evaluator_id": self.focal.id,
                    "decider_id": self.head.id,
                    "task_group": "Clerks",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(set(old.mapped("date_end")), {date(2026, 3, 31)})
        Config = self.env["hr.kpi.evaluation.config"]
        in_force = Config._get_in_force(staff | self.focal, date(2026, 4, 15))
        self.assertEqual(len(in_force), 4)
        for employee in staff:
            new = in_force[employee]
            self.assertNotIn(new, old)
            self.assertEqual(new.date_start, date(2026, 4, 1))
            self.assertEqual(new.evaluator_id, self.focal)
            self.assertEqual(new.decider_id, self.head)
            self.assertEqual(new.subject_group, "public_employee")
            self.assertEqual(new.task_group, "Clerks")
        # the evaluator chosen for the unit keeps his own manager
        self.assertEqual(in_force[self.focal].evaluator_id, self.office_head)
        # before the date the old configurations are still the ones in force
        before = Config._get_in_force(staff, date(2026, 3, 15))
        self.assertEqual(set(before.values()), set(old))
        # applying again on the same date would overlap: refused, nothing changed
        with self.assertRaises(UserError):
            wizard.action_apply()

    def test_evaluability_reasons(self):
        self._config(self.staff)
        self._config(self.staff2, evaluator_id=False)
        self._config(self.staff3, decider_id=False)
        Config = self.env["hr.kpi.evaluation.config"]
        employees = self.staff | self.staff2 | self.staff3 | self.sub_staff
        reasons = Config._check_evaluable(employees, date(2026, 3, 1))
        self.assertNotIn(self.staff, reasons)
        self.assertIn("No evaluator", reasons[self.staff2])
        self.assertIn("No decider", reasons[self.staff3])
        self.assertIn("No evaluation configuration", reasons[self.sub_staff])
        # before the configurations start nobody can be evaluated
        self.assertEqual(len(Config._check_evaluable(employees, date(2025, 12, 1))), 4)

        check = (
            self.env["hr.kpi.evaluation.check"]
            .with_user(self.user_hr)
            .create({"date": date(2026, 3, 1), "department_id": self.office.id})
        )
        check.action_check()
        by_employee = {line.employee_id: line.reason for line in check.line_ids}
        self.assertNotIn(self.staff, by_employee)
        self.assertIn("No evaluator", by_employee[self.staff2])
        self.assertIn("No decider", by_employee[self.staff3])
        self.assertIn("No evaluation configuration", by_employee[self.sub_staff])
        self.assertNotIn(self.other_staff, by_employee, "outside the unit")

    def test_acl_employee_and_focal_point(self):
        config = self._config(self.staff)
        other = self._config(self.other_staff)
        # every role reads
        self.assertEqual(
            config.with_user(self.user_staff).evaluator_id, self.office_head
        )
        with self.assertRaises(AccessError):
            config.with_user(self.user_staff).write({"task_group": "X"})
        with self.assertRaises(AccessError):
            config.with_user(self.user_evaluator).write({"task_group": "X"})
        # a configuration reaching an open month (May 2026) is the HR
        # officer's; the focal point prepares the months not opened yet, in
        # his unit (and sub-units), not the others
        with self.assertRaises(AccessError):
            config.with_user(self.user_focal).write({"task_group": "X"})
        self.assertFalse(config.task_group)
        Config = self.env["hr.kpi.evaluation.config"]
        config.date_end = date(2026, 12, 31)
        future = Config.with_user(self.user_focal).create(
            {"employee_id": self.staff.id, "date_start": date(2027, 1, 1)}
        )
        future.write({"task_group": "X"})
        self.assertEqual(future.task_group, "X")
        sub_config = self._config(self.sub_staff, date_start=date(2027, 1, 1))
        sub_config.with_user(self.user_focal).write({"task_group": "Y"})
        other.date_end = date(2026, 12, 31)
        other_future = self._config(self.other_staff, date_start=date(2027, 1, 1))
        with self.assertRaises(AccessError):
            other_future.with_user(self.user_focal).write({"task_group": "X"})
        with self.assertRaises(AccessError):
            self.env["hr.kpi.evaluation.config"].with_user(self.user_focal).create(
                {"employee_id": self.other_head.id, "date_start": date(2027, 1, 1)}
            )
        # the HR officer writes the whole company
        other.with_user(self.user_hr).write({"task_group": "Z"})

    def test_multi_company(self):
        config = self._config(self.staff)
        employee_b = self.env["hr.employee"].create(
            {"name": "Staff B", "company_id": self.company_b.id}
        )
        config_b = self._config(employee_b, evaluator_id=False, decider_id=False)
        Config = self.env["hr.kpi.evaluation.config"]
        self.assertEqual(config_b.company_id, self.company_b)
        visible = Config.with_user(self.user_hr).search([])
        self.assertIn(config, visible)
        self.assertNotIn(config_b, visible)
        with self.assertRaises(AccessError):
            config_b.with_user(self.user_hr).read(["task_group"])
        self.assertIn(config_b, Config.with_user(self.user_hr_b).search([]))

    def test_employee_kpi_page(self):
        config = self._config(self.staff, task_group="Clerks")
        self._config(self.staff2)
        self.staff.invalidate_recordset()
        self.assertEqual(self.staff.kpi_config_id, config)
        self.assertEqual(self.staff.kpi_evaluator_id, self.office_head)
        self.assertEqual(self.staff.kpi_config_count, 1)
        self.assertEqual(self.office.kpi_config_count, 2)
        appraisal = self._appraisal(self.staff)
        self.staff.invalidate_recordset()
        self.assertEqual(self.staff.kpi_appraisal_count, 1)
        self.assertFalse(self.staff.kpi_last_level)
        self.assertIn(appraisal, self.staff.kpi_appraisal_ids)
        action = self.staff.action_open_kpi_configs()
        self.assertEqual(action["domain"], [("employee_id", "=", self.staff.id)])
