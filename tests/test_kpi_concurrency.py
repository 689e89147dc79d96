# The data of this test must be committed on connections of their own to be
# seen by two concurrent transactions; it is deleted in tearDown.
# pylint: disable=invalid-commit
from contextlib import closing
from datetime import date

import psycopg2.errors

from odoo import SUPERUSER_ID, api, sql_db
from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestKpiConcurrentDecisions(BaseCase):
    """Two heads deciding in the same unit at once, on two real database
    connections: together they would exceed the quota; one of them fails
    cleanly and, retried, is refused by the quota check.

    The data must be committed to be seen by both connections: the test
    builds it in its own transaction and deletes it at the end."""

    def setUp(self):
        super().setUp()
        self.dbname = get_db_name()
        self.ids = {}
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            unit = env["hr.department"].create(
                {"name": "Concurrency unit", "company_id": company.id}
            )
            period = env["hr.kpi.period"].create(
                {"company_id": company.id, "date_start": date(2035, 1, 1)}
            )
            product = env["hr.kpi.product"].search(
                [("company_id", "=", company.id), ("is_standard", "=", True)], limit=1
            )
            created_product = not product
            product = product or env["hr.kpi.product"].create(
                {
                    "code": "STDCC",
                    "name": "Standard product",
                    "points": 5.0,
                    "is_standard": True,
                    "company_id": company.id,
                }
            )
            employees = env["hr.employee"].create(
                [
                    {
                        "name": f"Concurrent {i}",
                        "department_id": unit.id,
                        "company_id": company.id,
                    }
                    for i in range(7)
                ]
            )
            env["hr.kpi.task"].create(
                [
                    {
                        "name": "Task",
                        "employee_id": employee.id,
                        "product_id": product.id,
                        "quantity": 1,
                        "deadline": date(2035, 1, 20),
                        "completed_quantity": 1,
                        "quality_passed_quantity": 1,
                        "date_done": date(2035, 1, 20),
                        "state": "done",
                        "outcome_confirmed": True,
                    }
                    for employee in employees
                ]
            )
            appraisals = env["hr.kpi.appraisal"].create(
                [
                    {"employee_id": employee.id, "period_id": period.id}
                    for employee in employees
                ]
            )
            for line in appraisals.line_ids:
                line.self_points = line.max_points
            # all reviewed with "good" proposed; computed level excellent (100 points)
            appraisals.sudo().write({"state": "reviewed", "level_proposed": "good"})
            assert set(appraisals.mapped("level_computed")) == {"excellent"}
            self.ids = {
                "unit": unit.id,
                "period": period.id,
                "employees": employees.ids,
                "appraisals": appraisals.ids,
                "product": product.ids if created_product else [],
            }
            cr.commit()

    def tearDown(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["hr.kpi.rollup"].browse(self.ids.get("rollups", [])).unlink()
            appraisals = env["hr.kpi.appraisal"].browse(self.ids.get("appraisals", []))
            appraisals.sudo().write({"state": "draft"})
            appraisals.unlink()
            env["hr.kpi.task"].search(
                [("employee_id", "in", self.ids.get("employees", []))]
            ).unlink()
            env["hr.employee"].browse(self.ids.get("employees", [])).unlink()
            env["hr.kpi.period"].browse(self.ids.get("period", [])).unlink()
            env["hr.department"].browse(self.ids.get("unit", [])).unlink()
            env["hr.kpi.product"].browse(self.ids.get("product", [])).unlink()
            cr.commit()
        super().tearDown()

    def _cursor(self):
        # a real connection of its own, outside the test transaction
        return closing(sql_db.db_connect(self.dbname).cursor())

    def assertLocked(self, cr, table, ids, locked=True):
        """Whether another transaction can lock the rows ``ids`` of
        ``table`` (FOR UPDATE NOWAIT) while the decision holds its lock."""
        for id_ in ids:
            with self.subTest(table=table, id=id_):
                try:
                    with mute_logger("odoo.sql_db"):
                        cr.execute(
                            SQL(
                                "SELECT id FROM %s WHERE id = %s FOR UPDATE NOWAIT",
                                SQL.identifier(table),
                                id_,
                            )
                        )
                except psycopg2.errors.LockNotAvailable:
                    self.assertTrue(locked, f"{table} {id_} is locked")
                else:
                    self.assertFalse(locked, f"{table} {id_} is not locked")
                cr.rollback()

    def test_a_decision_locks_every_month_of_the_unit(self):
        """While a decision is under way, every appraisal of the unit and
        period is locked (the quota's scope), not only the one decided."""
        ids = self.ids["appraisals"]
        with self._cursor() as cr1, self._cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            Appraisal = env1["hr.kpi.appraisal"]
            Appraisal._decide({Appraisal.browse(ids[0]): "good"})
            self.assertLocked(cr2, "hr_kpi_appraisal", ids)
            cr1.rollback()
            self.assertLocked(cr2, "hr_kpi_appraisal", ids, locked=False)

    def test_a_decision_locks_every_year_of_the_unit(self):
        """The annual twin: deciding one annual result locks every annual
        result of the unit and year, and no other year."""
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            employees = env["hr.employee"].browse(self.ids["employees"])
            rule_set = (
                env["hr.kpi.appraisal"].browse(self.ids["appraisals"][0]).rule_set_id
            )
            rollups = env["hr.kpi.rollup"].create(
                [
                    {
                        "employee_id": employee.id,
                        "company_id": employee.company_id.id,
                        "department_id": self.ids["unit"],
                        "rule_set_id": rule_set.id,
                        "year": year,
                        "quarter": 0,
                        "period_type": "year",
                        "level_computed": "good",
                        "score": 80.0,
                    }
                    for year in (2035, 2034)
                    for employee in employees
                ]
            )
            self.ids["rollups"] = rollups.ids
            cr.commit()
        this_year = self.ids["rollups"][: len(self.ids["employees"])]
        last_year = self.ids["rollups"][len(self.ids["employees"]) :]
        with self._cursor() as cr1, self._cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            Rollup = env1["hr.kpi.rollup"]
            Rollup._kpi_decide({Rollup.browse(this_year[0]): "good"})
            self.assertLocked(cr2, "hr_kpi_rollup", this_year)
            self.assertLocked(cr2, "hr_kpi_rollup", last_year, locked=False)
            cr1.rollback()
            self.assertLocked(cr2, "hr_kpi_rollup", this_year, locked=False)

    def test_two_heads_cannot_exceed_the_cap_together(self):
        first_id, second_id = self.ids["appraisals"][:2]
        # 5 decided good, so the cap is floor(0.2 * 5) = 1 excellent
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            others = env["hr.kpi.appraisal"].browse(self.ids["appraisals"][2:])
            env["hr.kpi.appraisal"]._decide({a: "good" for a in others})
            cr.commit()

        with self._cursor() as cr1, self._cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            first = env1["hr.kpi.appraisal"].browse(first_id)
            second = env2["hr.kpi.appraisal"].browse(second_id)
            # both transactions start (and take their snapshot) before either decides
            self.assertEqual(first.state, "reviewed")
            self.assertEqual(second.state, "reviewed")
            env1["hr.kpi.appraisal"]._decide({first: "excellent"})
            cr1.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                env2["hr.kpi.appraisal"]._decide({second: "excellent"})
            cr2.rollback()

        # retried (as Odoo retries a request after a serialization failure),
        # the second decision sees the first one and the quota refuses it
        with self._cursor() as cr3:
            env3 = api.Environment(cr3, SUPERUSER_ID, {})
            second = env3["hr.kpi.appraisal"].browse(second_id)
            with self.assertRaises(UserError):
                env3["hr.kpi.appraisal"]._decide({second: "excellent"})
            cr3.rollback()
            second.invalidate_recordset()
            self.assertEqual(second.state, "reviewed")
            first = env3["hr.kpi.appraisal"].browse(first_id)
            self.assertEqual((first.state, first.level_final), ("decided", "excellent"))
