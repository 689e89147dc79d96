"""An interactive action costs what its unit costs. Deciding
(and submitting, reviewing, publishing) a unit runs the same number of queries
whether the rest of the company has a few or many more appraisals: nothing in
the path reads or writes outside the unit and the period."""

import logging

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .flow_common import MODULE, KpiFlowCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestKpiUnitCost(KpiFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        Employee = cls.env["hr.employee"]
        # four units of the same shape under the committee: a head, 3 staff
        cls.units = []
        for index in (1, 2, 3, 4):
            unit = Department.create(
                {
                    "name": f"Unit {index}",
                    "parent_id": cls.root.id,
                    "company_id": cls.company.id,
                }
            )
            head_user = new_test_user(
                cls.env,
                login=f"unit_cost_head_{index}",
                groups=f"base.group_user,{MODULE}.group_kpi_evaluator",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
            head = Employee.create(
                {
                    "name": f"Unit head {index}",
                    "company_id": cls.company.id,
                    "department_id": unit.id,
                    "parent_id": cls.head.id,
                    "user_id": head_user.id,
                }
            )
            unit.manager_id = head
            staff = Employee.create(
                [
                    {
                        "name": f"Unit {index} staff {n}",
                        "company_id": cls.company.id,
                        "department_id": unit.id,
                        "parent_id": head.id,
                    }
                    for n in range(3)
                ]
            )
            for employee in staff:
                cls._config(employee, evaluator_id=head.id, decider_id=cls.head.id)
            cls._config(
                head,
                subject_group="leader_head",
                evaluator_id=cls.head.id,
                decider_id=cls.head.id,
            )
            cls.units.append((head_user, head, staff))
        # the rest of the company: a unit growing between the two measures
        cls.crowd = Department.create(
            {"name": "Crowd", "parent_id": cls.root.id, "company_id": cls.company.id}
        )

    def _add_crowd(self, count):
        """``count`` more employees elsewhere in the company, each with an
        appraisal of the month at every step (and decided ones)."""
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": f"Crowd {self._crowd + n}",
                    "company_id": self.company.id,
                    "department_id": self.crowd.id,
                    "parent_id": self.head.id,
                }
                for n in range(count)
            ]
        )
        self._crowd += count
        appraisals = self.env["hr.kpi.appraisal"].create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": self.period.id,
                    "evaluator_employee_id": self.head.id,
                    "decider_employee_id": self.head.id,
                }
                for employee in employees
            ]
        )
        self._crowd_appraisals |= appraisals
        reviewed = appraisals[: count // 2]
        reviewed.write(
            {
                "state": "reviewed",
                "level_proposed": "fail",
                "zero_assignment_resolution": "zero",
            }
        )
        reviewed[: count // 4]._decide(dict.fromkeys(reviewed[: count // 4], "fail"))
        self.env.flush_all()

    def _unit_appraisals(self, members):
        Appraisal = self.env["hr.kpi.appraisal"]
        return Appraisal.create(
            [
                {
                    "employee_id": employee.id,
                    "period_id": self.period.id,
                    "evaluator_employee_id": self.head.id
                    if employee.department_id.manager_id == employee
                    else employee.parent_id.id,
                    "decider_employee_id": self.head.id,
                    "subject_group": "leader_head"
                    if employee.department_id.manager_id == employee
                    else "civil_servant",
                }
                for employee in members
            ]
        )

    def _count(self, label, func):
        self.env.flush_all()
        self.env.invalidate_all()
        # every cache cold, so that each measure starts from the same state
        self.env.registry.clear_all_caches()
        before = self.env.cr.sql_log_count
        _logger.info("KPI unit cost: %s starts", label)
        func()
        self.env.flush_all()
        _logger.info("KPI unit cost: %s ends", label)
        # nothing of the rest of the company was read into the cache
        Appraisal = self.env["hr.kpi.appraisal"]
        read = self.env.cache.get_records(Appraisal, Appraisal._fields["state"])
        self.assertTrue(read, "the unit's appraisals were read")
        self.assertFalse(read & self._crowd_appraisals, f"{label} read other units")
        return self.env.cr.sql_log_count - before

    def _measure(self, head_user, head, staff):
        """The queries of each step of the unit's month, as its actors: the
        unit head submits for his staff (no login) and reviews, the committee
        head decides, the HR officer publishes."""
        appraisals = self._unit_appraisals(head | staff) - self._unit_appraisals(
            self.env["hr.employee"]
        )
        appraisals = appraisals.filtered(lambda a: a.employee_id in staff)
        appraisals.write({"zero_assignment_resolution": "zero"})
        appraisals.line_ids.write({"comment": "-", "evaluator_comment": "-"})
        # the environments of the actors are reused from one measure to the
        # next with what they hold (their companies): fill it before each
        for user in (head_user, self.user_head, self.user_hr):
            self.assertTrue(appraisals.with_user(user).env.companies)
        counts = {}
        counts["submit"] = self._count(
            "submit", lambda: appraisals.with_user(head_user).action_submit_self()
        )
        appraisals.write({"level_proposed": "fail"})
        counts["review"] = self._count(
            "review", lambda: appraisals.with_user(head_user).action_review()
        )
        as_head = appraisals.with_user(self.user_head)
        counts["decide"] = self._count(
            "decide", lambda: as_head._decide(dict.fromkeys(as_head, "fail"))
        )
        counts["publish"] = self._count(
            "publish", lambda: appraisals.with_user(self.user_hr).action_publish()
        )
        self.assertEqual(set(appraisals.mapped("state")), {"published"})
        return counts

    def test_unit_steps_do_not_grow_with_the_company(self):
        """The same number of queries for each step of a unit of four, with 5
        or with 50 more appraisals in the rest of the company (submitted,
        reviewed, decided): every query of the path is bounded by the unit's
        appraisals, its unit and its month."""
        self._crowd = 0
        self._crowd_appraisals = self.env["hr.kpi.appraisal"]

        def best_of_two(first, second):
            # what the ORM keeps across the environments of a transaction (a
            # user's companies that the record rules read, ...) may cost one
            # query to whichever unit comes first: the fewer counts
            return {step: min(first[step], second[step]) for step in first}

        self._add_crowd(5)
        small = best_of_two(
            self._measure(*self.units[0]), self._measure(*self.units[1])
        )
        self._add_crowd(45)
        large = best_of_two(
            self._measure(*self.units[2]), self._measure(*self.units[3])
        )
        _logger.info("KPI unit cost: queries %s (+5) and %s (+50)", small, large)
        # 45 more appraisals: a query per appraisal of the company would add
        # 45; one query either way is the ORM's cache state, not the company
        for step, count in small.items():
            self.assertLessEqual(
                abs(large[step] - count),
                1,
                f"{step}: {count} queries with 5 more appraisals in the company, "
                f"{large[step]} with 50",
            )

    def test_opening_leaves_no_work_per_appraisal_to_the_next_action(self):
        """Opening the month queues no pre-commit work per created appraisal
        (the mail thread's creation tracking): such work does not show as a
        query of the opening and is paid by whatever flushes next in the same
        transaction, e.g. a head's decision, whose cost then grows with the
        month of the whole company (8.3 s at N = 200,000 in the bench)."""
        self._crowd = 0
        self._crowd_appraisals = self.env["hr.kpi.appraisal"]
        crowd = self.env["hr.employee"].create(
            [
                {
                    "name": f"Crowd {n}",
                    "company_id": self.company.id,
                    "department_id": self.crowd.id,
                    "parent_id": self.head.id,
                }
                for n in range(30)
            ]
        )
        for employee in crowd:
            self._config(employee, evaluator_id=self.head.id, decider_id=self.head.id)
        cr = self.env.cr
        cr.flush()
        before = len(cr.precommit._funcs)
        # as a user acts: the mail thread tracks (no test context disabling it)
        env = self.env(context={})
        wizard = (
            env["hr.kpi.period.open"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id})
        )
        wizard.action_open_month()
        self.env.flush_all()
        created = env["hr.kpi.appraisal"].search([("period_id", "=", self.period.id)])
        self.assertGreaterEqual(len(created), 46, "the month opened inline")
        queued = [
            func
            for func in list(cr.precommit._funcs)[before:]
            if getattr(getattr(func, "__self__", None), "_name", None)
            == "hr.kpi.appraisal"
        ]
        self.assertLessEqual(
            len(queued),
            2,
            f"{len(queued)} pre-commit calls on appraisals for {len(created)} "
            "appraisals created",
        )
        # the writes after the opening are still tracked in the chatter
        appraisal = created[:1]

        def tracked():
            cr.flush()
            [(count,)] = self.env.execute_query(
                SQL(
                    "SELECT COUNT(*) FROM mail_tracking_value v "
                    "JOIN mail_message m ON m.id = v.mail_message_id "
                    "WHERE m.model = %s AND m.res_id = %s",
                    appraisal._name,
                    appraisal.id,
                )
            )
            return count

        before_write = tracked()
        appraisal.write({"state": "self_submitted"})
        self.assertGreater(tracked(), before_write)
