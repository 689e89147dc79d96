"""The right to track and score (theo dõi, đánh giá: NĐ
335/2025 Điều 10 khoản 1, NĐ 233/2026 Điều 13 khoản 2) and the right to decide
the level (quyết định xếp loại: Điều 10 khoản 2, Điều 13 khoản 3) are two
rights, checked apart by the server. A deputy decides only under a delegation
record (ủy quyền) in force, with its document number; a head of unit is
decided, scored on đ and e and confirmed by the head of the managing agency;
a collective decision stays possible and is recorded. Each test acts as the
user of each role, both ways."""

import importlib.util
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import KpiCommon
from .test_integrity_appraisal import ALL_KEYS, SCORES
from .test_integrity_rpc import REFUSALS

MIGRATION = (
    Path(__file__).parent.parent / "migrations/18.0.1.2.0/post-20-delegations.py"
)


@tagged("post_install", "-at_install")
class TestLaw2026Authority(KpiCommon):
    """KpiCommon's unit (its head ``emp_head`` decides its staff) under the
    ward's People's Committee, headed by the chairman (the managing agency of
    the unit's head), with his vice-chairman; the unit has a deputy head who
    evaluates a staff member, and a deputy who also holds an HR account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        user = cls.make_user

        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.user_chair = user("kpi_auth_chair", "group_kpi_head")
        cls.user_vice = user("kpi_auth_vice", "group_kpi_head")
        cls.user_deputy = user("kpi_auth_deputy", "group_kpi_evaluator")
        cls.user_deputy_hr = user("kpi_auth_deputy_hr", "group_kpi_hr_officer")
        cls.user_ward_hr = user("kpi_auth_ward_hr", "group_kpi_hr_officer")
        cls.ward = cls.env["hr.department"].create(
            {"name": "Ward People's Committee", "company_id": cls.company.id}
        )
        cls.emp_chair = Employee.create(
            {
                "name": "Chairman",
                "user_id": cls.user_chair.id,
                "department_id": cls.ward.id,
            }
        )
        cls.emp_vice = Employee.create(
            {
                "name": "Vice-chairman",
                "user_id": cls.user_vice.id,
                "department_id": cls.ward.id,
                "parent_id": cls.emp_chair.id,
            }
        )
        cls.ward.manager_id = cls.emp_chair
        cls.department.parent_id = cls.ward
        cls.emp_head.parent_id = cls.emp_chair
        cls.emp_deputy = Employee.create(
            {
                "name": "Deputy head",
                "user_id": cls.user_deputy.id,
                "department_id": cls.department.id,
                "parent_id": cls.emp_head.id,
            }
        )
        cls.emp_deputy_hr = Employee.create(
            {
                "name": "Deputy head with an HR account",
                "user_id": cls.user_deputy_hr.id,
                "department_id": cls.department.id,
                "parent_id": cls.emp_head.id,
            }
        )
        cls.emp_ward_hr = Employee.create(
            {
                "name": "HR of the committee",
                "user_id": cls.user_ward_hr.id,
                "department_id": cls.ward.id,
            }
        )
        cls.emp_staff.parent_id = cls.emp_deputy
        cls.today = fields.Date.today()

    # ------------------------------------------------------------------

    def as_user(self, record, user):
        return record.with_user(user).with_context(**DISABLED_MAIL_CONTEXT)

    def reviewed(self, employee, evaluator, decider, **vals):
        """An appraisal put at ``reviewed`` (fixture, as superuser), with
        its computed level proposed."""
        self.make_task(employee)
        appraisal = self.make_appraisal(
            employee,
            evaluator_employee_id=evaluator.id,
            decider_employee_id=decider.id,
            **vals,
        )
        self.set_general(appraisal, 30.0)
        appraisal.sudo().state = "reviewed"
        return self.propose(appraisal)

    def propose(self, appraisal):
        """Propose the computed level, at most well completed (within any
        quota of the unit), as the evaluator would (fixture, as superuser)."""
        self.env.flush_all()
        computed = appraisal.level_computed or "done"
        appraisal.sudo().level_proposed = min(
            computed, "good", key=("fail", "done", "good", "excellent").index
        )
        self.env.flush_all()
        return appraisal

    def delegate(self, delegator, deputy, start=None, end=None, **vals):
        """A delegation recorded by the HR officer (as him)."""
        return (
            self.env["hr.kpi.delegation"]
            .with_user(self.user_hr)
            .with_context(**DISABLED_MAIL_CONTEXT)
            .create(
                {
                    "delegator_id": delegator.id,
                    "deputy_id": deputy.id,
                    "document_number": "12/QĐ-UBND",
                    "document_date": self.today - timedelta(days=2),
                    "date_from": start or self.today - timedelta(days=1),
                    "date_to": end or self.today + timedelta(days=1),
                    **vals,
                }
            )
            .sudo()
        )

    def can(self, appraisal, user, step):
        """The button's flag, as ``user`` sees it (False if he cannot read the
        appraisal at all)."""
        self.env.invalidate_all()
        record = self.as_user(appraisal, user)
        return record.has_access("read") and record[f"can_{step}"]

    def refused(self, operation, error=UserError):
        """``operation`` raises ``error`` (by default any refusal: UserError,
        AccessError or ValidationError) and changes nothing in the database."""
        self.env.flush_all()
        savepoint = self.env.cr.savepoint()
        try:
            with self.assertRaises(error):
                operation()
                self.env.flush_all()
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    # ---- a deputy decides only under a delegation ------------------------

    def test_deputy_decides_only_under_delegation(self):
        """The deputy evaluates the staff member (he tracks and scores); he
        decides in the head's place only under a delegation in force, and no
        longer the day after it ends."""
        appraisal = self.reviewed(self.emp_staff, self.emp_deputy, self.emp_head)
        as_deputy = self.as_user(appraisal, self.user_deputy)
        Appraisal = self.env["hr.kpi.appraisal"].with_user(self.user_deputy)
        # no delegation: refused, nothing changes
        self.assertFalse(self.can(appraisal, self.user_deputy, "decide"))
        self.refused(as_deputy.action_decide)
        self.refused(lambda: Appraisal._decide({as_deputy: "done"}))
        self.assertFalse(appraisal.acting_deputy_employee_id)
        self.assertNotIn(appraisal, Appraisal.search(Appraisal._kpi_domain_to_decide()))
        # nobody makes him acting deputy on the appraisal itself
        for user in (self.user_hr, self.user_head, self.user_deputy):
            with self.subTest(user=user.login):
                self.refused(
                    lambda u=user: self.as_user(appraisal, u).write(
                        {"acting_deputy_employee_id": self.emp_deputy.id}
                    )
                )
        self.assertEqual(appraisal.state, "reviewed")
        self.assertFalse(appraisal.sudo().level_final)

        # a delegation of the head, in force today: accepted
        delegation = self.delegate(
            self.emp_head, self.emp_deputy, end=self.today + timedelta(days=3)
        )
        self.env.invalidate_all()
        self.assertEqual(appraisal.acting_deputy_employee_id, self.emp_deputy)
        self.assertEqual(appraisal.acting_delegation_id, delegation)
        self.assertIn(appraisal, Appraisal.search(Appraisal._kpi_domain_to_decide()))
        self.assertTrue(self.can(appraisal, self.user_deputy, "decide"))
        as_deputy.action_decide()
        self.assertEqual(appraisal.state, "decided")
        self.assertEqual(appraisal.decided_by_id, self.user_deputy)
        self.assertEqual(appraisal.decision_delegation_id, delegation)
        self.assertEqual(delegation.decision_count, 1)

        # the day after it ends: refused again; the head still decides
        other = self.reviewed(self.emp_staff2, self.emp_leader, self.emp_head)
        with freeze_time(delegation.date_to + timedelta(days=1)):
            self.assertFalse(self.can(other, self.user_deputy, "decide"))
            self.refused(self.as_user(other, self.user_deputy).action_decide)
            self.assertEqual(other.state, "reviewed")
            self.assertTrue(self.can(other, self.user_head, "decide"))
        # on its last day: accepted
        with freeze_time(delegation.date_to):
            self.assertTrue(self.can(other, self.user_deputy, "decide"))

    def test_delegation_terms_limit_the_right(self):
        """Not in force yet, archived, for another unit, from someone who is
        not the decider: no right."""
        appraisal = self.reviewed(self.emp_staff, self.emp_leader, self.emp_head)
        other_unit = self.env["hr.department"].create(
            {"name": "Culture", "company_id": self.company.id}
        )
        cases = {
            "not yet in force": {
                "start": self.today + timedelta(days=1),
                "end": self.today + timedelta(days=5),
            },
            "another unit": {"department_ids": [Command.set(other_unit.ids)]},
            "archived": {"active": False},
        }
        for name, vals in cases.items():
            with self.subTest(case=name):
                delegation = self.delegate(self.emp_head, self.emp_deputy, **vals)
                self.assertFalse(self.can(appraisal, self.user_deputy, "decide"))
                delegation.unlink()
        # a delegation of someone who is not the decider of the appraisal
        self.delegate(self.emp_chair, self.emp_deputy)
        self.assertFalse(self.can(appraisal, self.user_deputy, "decide"))
        # for the appraisal's own unit: accepted
        self.delegate(
            self.emp_head,
            self.emp_deputy,
            department_ids=[Command.set(self.department.ids)],
        )
        self.assertTrue(self.can(appraisal, self.user_deputy, "decide"))

    def test_scoring_and_deciding_are_two_rights(self):
        """The evaluator tracks and scores but never decides; the deputy under
        a delegation decides but does not score what another evaluates."""
        appraisal = self.reviewed(self.emp_staff, self.emp_leader, self.emp_head)
        appraisal.sudo().state = "self_submitted"
        as_deputy = self.env["hr.kpi.appraisal"].with_user(self.user_deputy)
        # he neither evaluates nor decides it: he does not read it
        self.assertFalse(as_deputy.search([("id", "=", appraisal.id)]))
        self.delegate(self.emp_head, self.emp_deputy)
        self.assertEqual(as_deputy.search([("id", "=", appraisal.id)]).id, appraisal.id)
        # self-evaluated: the evaluator reviews, neither the deputy nor the head
        self.assertTrue(self.can(appraisal, self.user_leader, "review"))
        for user in (self.user_deputy, self.user_head):
            with self.subTest(user=user.login):
                self.assertFalse(self.can(appraisal, user, "review"))
                self.refused(
                    lambda u=user: self.as_user(appraisal, u).write(
                        {"level_proposed": "good", "evaluator_comment": "x"}
                    )
                )
                self.refused(self.as_user(appraisal, user).action_review)
        self.as_user(appraisal, self.user_leader).action_review()
        self.assertEqual(appraisal.reviewed_by_id, self.user_leader)
        # reviewed: the evaluator never decides nor scores as the decider
        self.assertFalse(self.can(appraisal, self.user_leader, "decide"))
        self.refused(self.as_user(appraisal, self.user_leader).action_decide)
        self.refused(
            lambda: self.as_user(appraisal, self.user_leader).write(
                {"decider_comment": "x"}
            )
        )
        # the deputy under the delegation and the head do
        for user in (self.user_deputy, self.user_head):
            with self.subTest(user=user.login):
                self.assertTrue(self.can(appraisal, user, "decide"))
                self.assertFalse(self.can(appraisal, user, "review"))
        self.as_user(appraisal, self.user_deputy).write({"decider_comment": "Agreed"})
        self.as_user(appraisal, self.user_deputy).action_decide()
        self.assertEqual(appraisal.state, "decided")

    # ---- the delegation record -------------------------------------------

    def test_delegation_without_document_number_refused(self):
        for number in (False, "", "  ", "—", "-", "số", "N/A"):
            with self.subTest(number=number):
                self.refused(
                    lambda n=number: self.delegate(
                        self.emp_head, self.emp_deputy, document_number=n
                    )
                )
        self.assertFalse(
            self.env["hr.kpi.delegation"].search(
                [("deputy_id", "=", self.emp_deputy.id)]
            )
        )
        delegation = self.delegate(
            self.emp_head, self.emp_deputy, document_number="Số 5/UQ-UBND"
        )
        self.assertTrue(delegation.has_document)
        # and it cannot be emptied afterwards
        self.refused(
            lambda: delegation.with_user(self.user_hr).write({"document_number": "—"})
        )
        self.assertEqual(delegation.document_number, "Số 5/UQ-UBND")

    def test_delegation_without_document_grants_nothing(self):
        """A delegation migrated without its number (see the migration)
        grants nothing until HR enters it."""
        appraisal = self.reviewed(self.emp_staff, self.emp_leader, self.emp_head)
        delegation = self.delegate(self.emp_head, self.emp_deputy)
        # sudo: a migrated record, written as the migration does (no number)
        self.env.flush_all()
        delegation._write({"document_number": False, "has_document": False})
        delegation.invalidate_recordset()
        self.env.invalidate_all()
        self.assertEqual(delegation.status, "missing_document")
        self.assertFalse(self.can(appraisal, self.user_deputy, "decide"))
        delegation.with_user(self.user_hr).document_number = "21/QĐ-UBND"
        self.assertTrue(self.can(appraisal, self.user_deputy, "decide"))

    def test_nobody_records_his_own_delegation(self):
        """HR officers record delegations, never one naming themselves; the
        deputy never records his own, nor the delegator, nor anyone else."""
        Delegation = self.env["hr.kpi.delegation"]

        def create(user, delegator, deputy):
            return lambda: (
                Delegation.with_user(user)
                .with_context(**DISABLED_MAIL_CONTEXT)
                .create(
                    {
                        "delegator_id": delegator.id,
                        "deputy_id": deputy.id,
                        "document_number": "9/QĐ-UBND",
                        "date_from": self.today,
                        "date_to": self.today,
                    }
                )
            )

        for user, delegator, deputy in (
            # the deputy, without and with an HR account
            (self.user_deputy, self.emp_head, self.emp_deputy),
            (self.user_deputy_hr, self.emp_head, self.emp_deputy_hr),
            # an HR account of the delegator himself
            (self.user_deputy_hr, self.emp_deputy_hr, self.emp_deputy),
            # the decider, the focal point or the evaluator: not HR
            (self.user_head, self.emp_head, self.emp_deputy),
            (self.user_leader, self.emp_head, self.emp_deputy),
            (self.user_staff, self.emp_head, self.emp_deputy),
        ):
            with self.subTest(user=user.login, deputy=deputy.name):
                self.refused(create(user, delegator, deputy), AccessError)
        self.assertFalse(
            Delegation.search(
                [("deputy_id", "in", (self.emp_deputy | self.emp_deputy_hr).ids)]
            )
        )
        # another HR officer records it; the deputy with an HR account cannot
        # make himself its deputy afterwards
        delegation = create(self.user_hr, self.emp_head, self.emp_deputy)().sudo()
        self.refused(
            lambda: delegation.with_user(self.user_deputy_hr).write(
                {"deputy_id": self.emp_deputy_hr.id}
            ),
            AccessError,
        )
        self.refused(
            lambda: delegation.with_user(self.user_deputy).write({"note": "mine"}),
            AccessError,
        )
        self.assertEqual(delegation.deputy_id, self.emp_deputy)
        # who reads it: the delegator, the deputy, HR; not the staff
        for user, reads in (
            (self.user_head, True),
            (self.user_deputy, True),
            (self.user_hr, True),
            (self.user_staff, False),
            (self.user_leader, False),
        ):
            with self.subTest(reader=user.login):
                found = Delegation.with_user(user).search([("id", "=", delegation.id)])
                self.assertEqual(bool(found), reads)

    def test_used_delegation_is_a_record(self):
        appraisal = self.reviewed(self.emp_staff, self.emp_leader, self.emp_head)
        delegation = self.delegate(self.emp_head, self.emp_deputy)
        self.as_user(appraisal, self.user_deputy).action_decide()
        as_hr = delegation.with_user(self.user_hr)
        self.refused(lambda: as_hr.write({"deputy_id": self.emp_leader.id}))
        self.refused(lambda: as_hr.write({"date_from": self.today}))
        self.refused(lambda: as_hr.write({"date_to": self.today - timedelta(days=1)}))
        self.refused(as_hr.unlink)
        # its note, an earlier end after the decision, its archiving
        as_hr.write({"note": "Ended early", "date_to": self.today})
        as_hr.action_archive()
        self.assertEqual(appraisal.decision_delegation_id, delegation)

    # ---- the head of a unit: the managing agency ---------------------------

    def head_appraisal(self, **vals):
        """The head's appraisal, evaluated and decided by the chairman (the
        head of the managing agency), self-evaluated."""
        appraisal = self.reviewed(
            self.emp_head,
            self.emp_chair,
            self.emp_chair,
            subject_group="leader_head",
            **vals,
        )
        appraisal.sudo().state = "self_submitted"
        self.assertTrue(appraisal.rule_set_id.head_decided_by_superior)
        self.assertTrue(appraisal.head_decided_by_superior)
        self.assertEqual(appraisal.superior_decider_employee_id, self.emp_chair)
        return appraisal

    def test_head_decided_by_the_managing_agency(self):
        """The chairman scores the head's đ and e, confirms his monthly sheet
        (his review) and decides; never the head nor his deputies, even with
        a delegation of the chairman; a vice-chairman under one does."""
        appraisal = self.head_appraisal()
        leader_scores = {"kpi_organisation": 80.0, "kpi_cohesion": 90.0}
        # a delegation of the chairman to a deputy of the head's unit: nothing
        self.delegate(self.emp_chair, self.emp_deputy)
        for user in (
            self.user_head,
            self.user_deputy,
            self.user_deputy_hr,
            self.user_hr,
        ):
            with self.subTest(user=user.login, step="self_submitted"):
                self.refused(
                    lambda u=user: self.as_user(appraisal, u).write(leader_scores)
                )
                self.assertFalse(self.can(appraisal, user, "review"))
                self.refused(self.as_user(appraisal, user).action_review)
        # the head of the managing agency scores đ and e and confirms
        as_chair = self.as_user(appraisal, self.user_chair)
        as_chair.write(leader_scores)
        as_chair.action_review()
        self.assertEqual(appraisal.state, "reviewed")
        self.assertEqual(appraisal.reviewed_by_id, self.user_chair)
        self.assertEqual(
            (appraisal.kpi_organisation, appraisal.kpi_cohesion), (80.0, 90.0)
        )
        # reviewed: the head, his deputies (delegation or not) and HR neither
        # score đ and e nor decide
        for user in (
            self.user_head,
            self.user_deputy,
            self.user_deputy_hr,
            self.user_hr,
        ):
            with self.subTest(user=user.login, step="reviewed"):
                self.refused(
                    lambda u=user: self.as_user(appraisal, u).write(
                        {"kpi_cohesion": 100.0}
                    )
                )
                self.assertFalse(self.can(appraisal, user, "decide"))
                self.refused(self.as_user(appraisal, user).action_decide)
        self.assertEqual(appraisal.kpi_cohesion, 90.0)
        # a vice-chairman under a delegation of the chairman decides
        self.assertFalse(self.can(appraisal, self.user_vice, "decide"))
        delegation = self.delegate(self.emp_chair, self.emp_vice)
        self.assertTrue(self.can(appraisal, self.user_vice, "decide"))
        self.as_user(appraisal, self.user_vice).write({"kpi_cohesion": 95.0})
        self.propose(appraisal)
        self.as_user(appraisal, self.user_vice).action_decide()
        self.assertEqual(appraisal.state, "decided")
        self.assertEqual(appraisal.decision_delegation_id, delegation)
        self.assertEqual(appraisal.kpi_cohesion, 95.0)

    def test_head_decider_must_be_the_managing_agency(self):
        """Configured otherwise, the head's month is refused to everyone, with
        a message naming the head of the managing agency."""
        appraisal = self.head_appraisal()
        # his evaluator is not the head of the managing agency: nobody confirms
        appraisal.sudo().evaluator_employee_id = self.emp_vice
        for user in (self.user_vice, self.user_chair):
            with self.subTest(user=user.login):
                self.assertFalse(self.can(appraisal, user, "review"))
                self.refused(
                    lambda u=user: self.as_user(appraisal, u).write(
                        {"kpi_organisation": 50.0}
                    )
                )
        error = self.as_user(appraisal, self.user_vice)._get_step_error("review")
        self.assertIn(self.emp_chair.name, error)
        # his decider is his own deputy: nobody decides
        appraisal.sudo().write(
            {
                "state": "reviewed",
                "evaluator_employee_id": self.emp_chair.id,
                "decider_employee_id": self.emp_deputy.id,
            }
        )
        for user in (self.user_deputy, self.user_chair):
            with self.subTest(user=user.login):
                self.assertFalse(self.can(appraisal, user, "decide"))
                self.refused(self.as_user(appraisal, user).action_decide)
        error = self.as_user(appraisal, self.user_deputy)._get_step_error("decide")
        self.assertIn(self.emp_chair.name, error)
        # the rule set without the rule: the configured decider decides
        rule_set = appraisal.rule_set_id
        rule_set.head_decided_by_superior = False
        self.assertTrue(self.can(appraisal, self.user_deputy, "decide"))
        rule_set.head_decided_by_superior = True

    def test_collective_decision_recorded(self):
        """The chairman heads the top unit: no managing agency in the company
        decides him, an HR officer records the collective decision (who, the
        reference, the date). It stays possible for a head who has one."""
        chair = self.reviewed(
            self.emp_chair, self.emp_vice, self.emp_vice, subject_group="leader_head"
        )
        self.assertFalse(chair.superior_decider_employee_id)
        for user in (self.user_vice, self.user_chair, self.user_hr):
            with self.subTest(user=user.login):
                self.assertFalse(self.can(chair, user, "decide"))
        as_hr = self.as_user(chair, self.user_hr)
        as_hr.write(
            {
                "collective_decision_ref": "Nghị quyết 05-NQ/ĐU",
                "collective_decision_date": date(2026, 6, 4),
            }
        )
        self.assertEqual(chair.collective_decision_by_id, self.user_hr)
        # nobody writes who recorded it
        self.refused(lambda: as_hr.write({"collective_decision_by_id": self.uid}))
        # an HR account in the chairman's own unit records nothing for him
        self.refused(
            lambda: self.as_user(chair, self.user_ward_hr).write(
                {"collective_decision_ref": "Biên bản 1"}
            )
        )
        self.assertFalse(self.can(chair, self.user_ward_hr, "decide"))
        self.assertTrue(self.can(chair, self.user_hr, "decide"))
        as_hr.action_decide()
        self.assertEqual(chair.state, "decided")
        self.assertEqual(chair.decided_by_id, self.user_hr)
        self.assertEqual(
            (
                chair.collective_decision_ref,
                chair.collective_decision_date,
                chair.collective_decision_by_id,
            ),
            ("Nghị quyết 05-NQ/ĐU", date(2026, 6, 4), self.user_hr),
        )
        # the head of the office has a managing agency; a collective decision
        # recorded by HR still decides him
        head = self.head_appraisal()
        head.sudo().state = "reviewed"
        self.assertFalse(self.can(head, self.user_hr, "decide"))
        self.as_user(head, self.user_hr).write(
            {
                "collective_decision_ref": "Biên bản họp UBND 12/BB-UBND",
                "collective_decision_date": date(2026, 6, 3),
            }
        )
        self.assertTrue(self.can(head, self.user_hr, "decide"))
        # but his đ and e stay the managing agency's
        self.refused(
            lambda: self.as_user(head, self.user_hr).write({"kpi_organisation": 70})
        )

    # ---- the migration ---------------------------------------------------------

    def test_migration_of_acting_deputies(self):
        """An acting deputy of a configuration or an appraisal before
        18.0.1.2.0 becomes a delegation without its number, which grants
        nothing until HR enters it; his past decision is linked to it."""
        cr = self.env.cr
        for table, columns in (
            ("hr_kpi_evaluation_config", ("acting_deputy_id",)),
            ("hr_kpi_appraisal", ("acting_deputy_employee_id",)),
        ):
            for column in columns:
                cr.execute(f"ALTER TABLE {table} ADD COLUMN {column} int4")
            cr.execute(
                f"ALTER TABLE {table} ADD COLUMN acting_date_start date, "
                "ADD COLUMN acting_date_end date"
            )
        config = self.env["hr.kpi.evaluation.config"].create(
            {
                "employee_id": self.emp_staff.id,
                "date_start": date(2026, 1, 1),
                "evaluator_id": self.emp_leader.id,
                "decider_id": self.emp_head.id,
            }
        )
        decided = self.reviewed(self.emp_staff2, self.emp_leader, self.emp_head)
        decided.sudo().write(
            {
                "state": "decided",
                "level_final": "done",
                "decided_by_id": self.user_deputy.id,
                "decided_date": fields.Datetime.now(),
            }
        )
        self.env.flush_all()
        start, end = self.today - timedelta(days=5), self.today + timedelta(days=5)
        cr.execute(
            "UPDATE hr_kpi_evaluation_config SET acting_deputy_id = %s, "
            "acting_date_start = %s, acting_date_end = %s WHERE id = %s",
            (self.emp_deputy.id, start, end, config.id),
        )
        cr.execute(
            "UPDATE hr_kpi_appraisal SET acting_deputy_employee_id = %s, "
            "acting_date_start = %s, acting_date_end = %s WHERE id = %s",
            (self.emp_deputy.id, start, end, decided.id),
        )
        spec = importlib.util.spec_from_file_location("post_20", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(cr, "18.0.1.1.0")
        self.env.invalidate_all()
        delegation = self.env["hr.kpi.delegation"].search(
            [("deputy_id", "=", self.emp_deputy.id)]
        )
        self.assertEqual(len(delegation), 1, "one record for the same terms")
        self.assertEqual(
            (
                delegation.delegator_id,
                delegation.date_from,
                delegation.date_to,
                delegation.document_number,
                delegation.status,
            ),
            (self.emp_head, start, end, False, "missing_document"),
        )
        self.assertIn("A document number must be entered", delegation.note)
        self.assertEqual(decided.decision_delegation_id, delegation)
        # it grants nothing until the number is entered
        appraisal = self.reviewed(self.emp_staff, self.emp_leader, self.emp_head)
        self.assertFalse(self.can(appraisal, self.user_deputy, "decide"))
        with self.assertRaises(ValidationError):
            delegation.with_user(self.user_hr).write({"document_number": "—"})
        delegation.with_user(self.user_hr).write(
            {"document_number": "3/UQ-UBND", "document_date": start}
        )
        self.assertTrue(self.can(appraisal, self.user_deputy, "decide"))
        # its other terms are the record of the decision taken under it
        with self.assertRaises(UserError):
            delegation.with_user(self.user_hr).write({"date_from": self.today})


@tagged("post_install", "-at_install")
class TestLaw2026AuthorityRpc(HttpCase):
    """Over /web/dataset/call_kw, with every guard key in the context: the
    demo's deputy head (phophong) without a delegation cannot decide an
    appraisal he evaluates, nor give himself a delegation; the database is
    the same before and after. With a delegation of his head recorded by HR,
    the same call decides."""

    def setUp(self):
        super().setUp()
        env = self.env
        self.deputy = env["res.users"].search([("login", "=", "phophong")])
        deputy_employee = self.deputy.with_company(self.deputy.company_id).employee_id
        self.assertTrue(deputy_employee)
        self.env["hr.kpi.delegation"].search(
            [("deputy_id", "=", deputy_employee.id)]
        ).action_archive()
        Appraisal = env["hr.kpi.appraisal"]
        self.appraisal = Appraisal.search(
            [
                ("evaluator_employee_id", "=", deputy_employee.id),
                ("decider_employee_id", "!=", deputy_employee.id),
                ("decider_employee_id.user_id", "!=", False),
                ("employee_id.user_id", "!=", self.deputy.id),
                ("state", "in", ("draft", "self_submitted")),
            ],
            limit=1,
        )
        self.assertTrue(self.appraisal, "the demo deputy evaluates an open month")
        if self.appraisal.needs_attention:
            self.appraisal.zero_assignment_resolution = "zero"
        level = min(
            self.appraisal.level_computed or "done",
            "good",
            key=("fail", "done", "good", "excellent").index,
        )
        self.appraisal.write({"state": "reviewed", "level_proposed": level})
        self.deputy_employee = deputy_employee
        self.decider = self.appraisal.decider_employee_id

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": dict(ALL_KEYS)},
            },
        )

    def _snapshot(self):
        self.env.invalidate_all()
        row = self.appraisal.read([*SCORES, "decided_by_id", "decision_delegation_id"])[
            0
        ]
        delegations = self.env["hr.kpi.delegation"].search_read(
            [("deputy_id", "=", self.deputy_employee.id), ("active", "=", True)],
            ["delegator_id", "document_number", "date_from", "date_to"],
        )
        return row, delegations

    def test_deputy_without_delegation_refused_over_rpc(self):
        today = str(date.today())
        attacks = [
            ("hr.kpi.appraisal", "action_decide", [self.appraisal.ids]),
            (
                "hr.kpi.appraisal",
                "write",
                [self.appraisal.ids, {"state": "decided", "level_final": "good"}],
            ),
            (
                "hr.kpi.appraisal",
                "write",
                [
                    self.appraisal.ids,
                    {"acting_deputy_employee_id": self.deputy_employee.id},
                ],
            ),
            (
                "hr.kpi.delegation",
                "create",
                [
                    {
                        "delegator_id": self.decider.id,
                        "deputy_id": self.deputy_employee.id,
                        "document_number": "1/QĐ-UBND",
                        "date_from": today,
                        "date_to": today,
                    }
                ],
            ),
        ]
        self.authenticate("phophong", "phophong")
        for model, method, args in attacks:
            with self.subTest(model=model, method=method, args=args):
                self.env.flush_all()
                with closing(self.env.cr.savepoint()):
                    before = self._snapshot()
                    with self.assertRaises(JsonRpcException) as error:
                        self._call(model, method, args)
                    self.assertIn(str(error.exception), REFUSALS)
                    after = self._snapshot()
                self.env.invalidate_all()
                self.assertEqual(after, before, f"{model}.{method} went through")
        self.assertEqual(self.appraisal.state, "reviewed")

        # HR records the delegation of his head: the same call decides
        self.env["hr.kpi.delegation"].create(
            {
                "delegator_id": self.decider.id,
                "deputy_id": self.deputy_employee.id,
                "document_number": "14/QĐ-UBND",
                # whatever the deputy's time zone makes of today
                "date_from": date.today() - timedelta(days=1),
                "date_to": date.today() + timedelta(days=1),
            }
        )
        self.env.flush_all()
        self._call("hr.kpi.appraisal", "action_decide", [self.appraisal.ids])
        self.env.invalidate_all()
        self.assertEqual(self.appraisal.state, "decided")
        self.assertEqual(self.appraisal.decided_by_id, self.deputy)
        self.logout()
