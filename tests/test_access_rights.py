"""Who may do what on an appraisal and its inputs, as each of the seven roles
in the shape of hr_holidays' test_access_rights: one base class
with the ward and the users, one class per operation. Each attempt runs as
the user (``with_user``) in a savepoint rolled back afterwards, and the test
asserts both ways: the roles that can, and every other role that cannot."""

from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..const import PUBLISHED_STATES
from .common import KpiCommon

ROLES = (
    "employee",
    "evaluator",
    "focal_point",
    "head",
    "acting_deputy",
    "hr_officer",
    "admin",
)
# the roles that decide for the staff member (the decider and his acting deputy)
DECIDERS = {"head", "acting_deputy"}
HR = {"hr_officer", "admin"}
# a month no period reaches yet
FUTURE = date(2031, 1, 1)


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsCommon(KpiCommon):
    """The unit of KpiCommon with its seven roles around one staff member:
    the employee (``emp_staff``), his evaluator (``emp_leader``), the unit's
    focal point, its head (the decider), an evaluator who is the acting
    deputy of the decider today (under a delegation record), an HR officer
    and a KPI administrator; and
    another unit with its own head, for what must stay out of reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        user = cls.make_user

        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.user_focal = user("kpi_ar_focal", "group_kpi_focal_point")
        cls.user_deputy = user("kpi_ar_deputy", "group_kpi_evaluator")
        cls.user_admin = user("kpi_ar_admin", "group_kpi_admin")
        cls.user_other_head = user("kpi_ar_other_head", "group_kpi_head")
        cls.emp_focal = Employee.create(
            {
                "name": "Focal point",
                "user_id": cls.user_focal.id,
                "department_id": cls.department.id,
                "parent_id": cls.emp_head.id,
            }
        )
        cls.department.kpi_focal_point_id = cls.emp_focal
        cls.emp_deputy = Employee.create(
            {
                "name": "Deputy head",
                "user_id": cls.user_deputy.id,
                "department_id": cls.department.id,
                "parent_id": cls.emp_head.id,
            }
        )
        cls.emp_admin = Employee.create(
            {"name": "KPI administrator", "user_id": cls.user_admin.id}
        )
        cls.emp_hr.department_id = False
        # a sub-unit of the head's unit, and another unit with its own head
        cls.sub_department = cls.env["hr.department"].create(
            {
                "name": "Sub-team",
                "parent_id": cls.department.id,
                "company_id": cls.company.id,
            }
        )
        cls.emp_sub_staff = Employee.create(
            {
                "name": "Sub-team staff",
                "department_id": cls.sub_department.id,
                "parent_id": cls.emp_leader.id,
            }
        )
        cls.other_department = cls.env["hr.department"].create(
            {"name": "Culture and Society", "company_id": cls.company.id}
        )
        cls.emp_other_head = Employee.create(
            {
                "name": "Other head",
                "user_id": cls.user_other_head.id,
                "department_id": cls.other_department.id,
            }
        )
        cls.other_department.manager_id = cls.emp_other_head
        cls.emp_other_staff = Employee.create(
            {
                "name": "Other staff",
                "department_id": cls.other_department.id,
                "parent_id": cls.emp_other_head.id,
            }
        )

        cls.users = {
            "employee": cls.user_staff,
            "evaluator": cls.user_leader,
            "focal_point": cls.user_focal,
            "head": cls.user_head,
            "acting_deputy": cls.user_deputy,
            "hr_officer": cls.user_hr,
            "admin": cls.user_admin,
        }
        cls.own_employee = {
            "employee": cls.emp_staff,
            "evaluator": cls.emp_leader,
            "focal_point": cls.emp_focal,
            "head": cls.emp_head,
            "acting_deputy": cls.emp_deputy,
            "hr_officer": cls.emp_hr,
            "admin": cls.emp_admin,
        }

        today = fields.Date.today()
        # the deputy decides in the head's place under a delegation record
        cls.delegation = cls.env["hr.kpi.delegation"].create(
            {
                "delegator_id": cls.emp_head.id,
                "deputy_id": cls.emp_deputy.id,
                "document_number": "15/QĐ-UBND",
                "document_date": today - timedelta(days=11),
                "date_from": today - timedelta(days=10),
                "date_to": today + timedelta(days=30),
            }
        )
        cls.config = cls.env["hr.kpi.evaluation.config"].create(
            {
                "employee_id": cls.emp_staff.id,
                "date_start": date(2026, 1, 1),
                "evaluator_id": cls.emp_leader.id,
                "decider_id": cls.emp_head.id,
            }
        )
        cls.task = cls.make_task(cls.emp_staff)
        cls.appraisal = cls.make_appraisal(
            cls.emp_staff,
            evaluator_employee_id=cls.emp_leader.id,
            decider_employee_id=cls.emp_head.id,
        )
        cls.set_general(cls.appraisal, 30.0)
        cls.event = cls.env["hr.kpi.employee.event"].create(
            {
                "employee_id": cls.emp_staff.id,
                "event_type": "discipline",
                "discipline_form": "reprimand",
                "date": date(2025, 3, 10),
                "decision_ref": "12/QĐ-UBND",
            }
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    # what each step writes, as the workflow would (fixture, as superuser)
    STATE_VALUES = {
        "draft": {},
        "self_submitted": {"level_self": "good"},
        "reviewed": {"level_self": "good", "level_proposed": "good"},
        "decided": {"level_proposed": "good", "level_final": "good"},
        "published": {"level_final": "good"},
        "appeal_open": {"level_final": "good", "appeal_reason": "Too low"},
        "appeal_resolved": {"level_final": "good", "appeal_result": "rejected"},
        "locked": {"level_final": "good"},
    }

    def at(self, state, appraisal=None):
        """Put the appraisal at ``state`` (fixture, as superuser)."""
        appraisal = appraisal or self.appraisal
        vals = dict(self.STATE_VALUES[state], state=state)
        if state in PUBLISHED_STATES:
            vals["published_date"] = fields.Date.today()
        # sudo: a fixture; the steps themselves are tested as each user
        appraisal.sudo().write(vals)
        self.env.flush_all()
        return appraisal

    def attempt(self, user, operation):
        """Run ``operation(user)`` in a savepoint that is always rolled back;
        return (error, result): the refusal raised, or None and the result."""
        savepoint = self.env.cr.savepoint()
        try:
            result = operation(user)
            self.env.flush_all()
            return None, result
        except UserError as error:  # AccessError and ValidationError too
            return error, None
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def assertRights(self, allowed, operation, roles=ROLES):
        """Each role of ``allowed`` can do ``operation``; every other role of
        ``roles`` is refused (an access or user error)."""
        for role in roles:
            with self.subTest(role=role):
                error, _result = self.attempt(self.users[role], operation)
                if role in allowed:
                    self.assertIsNone(error, f"{role} should be allowed: {error}")
                else:
                    self.assertIsNotNone(error, f"{role} should be refused")

    def as_user(self, record, user):
        return record.with_user(user).with_context(**DISABLED_MAIL_CONTEXT)

    def scores(self, appraisal=None):
        """The score and level columns of the appraisal, from the database."""
        appraisal = appraisal or self.appraisal
        self.env.flush_all()
        self.env.invalidate_all()
        return appraisal.read(
            [
                "general_score",
                "task_score",
                "total_score",
                "is_vetoed",
                "level_computed",
            ]
        )[0]


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsRead(TestKpiAccessRightsCommon):
    def test_read_appraisal(self):
        def read(user):
            record = self.as_user(self.appraisal, user)
            self.assertEqual(
                record.search([("id", "=", self.appraisal.id)]), self.appraisal
            )
            return record.read(["total_score", "level_computed", "line_ids"])

        self.assertRights(set(ROLES), read)

    def test_others_do_not_read_appraisal(self):
        for user in (self.user_other_head, self.user_other_evaluator, self.user_staff2):
            with self.subTest(user=user.login):
                record = self.as_user(self.appraisal, user)
                self.assertFalse(record.search([("id", "=", self.appraisal.id)]))
                with self.assertRaises(AccessError):
                    record.read(["total_score"])
                with self.assertRaises(AccessError):
                    self.as_user(self.appraisal.line_ids, user).read(["final_points"])

    def test_employee_reads_decision_once_published(self):
        self.at("decided")
        as_staff = self.as_user(self.appraisal, self.user_staff)
        self.assertFalse(as_staff.result_level)
        with self.assertRaises(AccessError):
            as_staff.read(["level_final"])
        self.at("published")
        self.assertEqual(as_staff.result_level, "good")

    def test_read_tasks(self):
        """Own tasks, the staff evaluated, the units headed (with their
        sub-units), HR the company; never another unit's."""
        sub_task = self.make_task(self.emp_sub_staff)
        other_task = self.make_task(self.emp_other_staff, assigner_id=False)

        def reads(task):
            return lambda user: self.as_user(task, user).read(["name", "quantity"])

        # the deputy decides for the staff member: he reads the tasks counted
        self.assertRights(
            {"employee", "evaluator", "head", "acting_deputy"} | HR, reads(self.task)
        )
        # the sub-team's staff is evaluated by emp_leader; the head of the
        # parent unit reads its tasks too
        self.assertRights({"evaluator", "head"} | HR, reads(sub_task))
        self.assertRights(HR, reads(other_task))
        # and the head of the other unit reads his own unit's tasks only
        Task = self.env["hr.kpi.task"].with_user(self.user_other_head)
        self.assertEqual(
            Task.search([("id", "in", (self.task | sub_task | other_task).ids)]),
            other_task,
        )

    def test_read_events(self):
        """Disciplinary events: the person, the heads of his units and HR
        only; not his evaluator, the focal point or the acting deputy."""
        self.assertRights(
            {"employee", "head"} | HR,
            lambda user: self.as_user(self.event, user).read(["decision_ref"]),
        )
        for user in (self.user_other_head, self.user_other_evaluator, self.user_staff2):
            with self.subTest(user=user.login):
                Event = self.env["hr.kpi.employee.event"].with_user(user)
                self.assertFalse(Event.search([("id", "=", self.event.id)]))


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsWrite(TestKpiAccessRightsCommon):
    """Each field group of the appraisal, at the step where it is edited."""

    def write_as(self, vals):
        return lambda user: self.as_user(self.appraisal, user).write(vals)

    def test_write_self_fields(self):
        self.assertRights(
            {"employee"}, self.write_as({"level_self": "good", "strengths": "On time"})
        )

    def test_field_sets_extend_by_override(self):
        """The field sets are methods: an addon that extends the employee's
        set (here with ``task_group``) lets the
        employee write it on his own draft, through both write guards."""
        write = self.write_as({"task_group": "Cadastre"})
        error, _r = self.attempt(self.users["employee"], write)
        self.assertIsNotNone(error, "the employee writes his configuration")
        Appraisal = type(self.env["hr.kpi.appraisal"])
        original = Appraisal._kpi_self_writeable_fields

        def extended(records):
            return original(records) | {"task_group"}

        with patch.object(Appraisal, "_kpi_self_writeable_fields", extended):
            error, _r = self.attempt(self.users["employee"], write)
        self.assertIsNone(error, f"the extended set is refused: {error}")

    def test_write_evaluator_fields(self):
        self.at("self_submitted")
        self.assertRights(
            {"evaluator"},
            self.write_as(
                {"level_proposed": "good", "evaluator_comment": "Good month"}
            ),
        )

    def test_write_decider_fields(self):
        self.at("reviewed")
        self.assertRights(DECIDERS, self.write_as({"decider_comment": "Agreed"}))

    def test_write_config_fields(self):
        # the appraisal's copy of the configuration: HR only
        self.assertRights(HR, self.write_as({"task_group": "Cadastre"}))
        self.at("decided")
        self.assertRights(set(), self.write_as({"task_group": "Cadastre"}))

    def test_config_never_names_oneself(self):
        """Nobody makes himself the decider, evaluator or acting deputy of an
        appraisal; HR may name someone else."""
        for fname in (
            "decider_employee_id",
            "evaluator_employee_id",
            "acting_deputy_employee_id",
        ):
            for role in ("focal_point", "hr_officer", "admin"):
                with self.subTest(field=fname, role=role):
                    error, _r = self.attempt(
                        self.users[role],
                        self.write_as({fname: self.own_employee[role].id}),
                    )
                    self.assertIsNotNone(error, f"{role} named himself {fname}")
        error, _r = self.attempt(
            self.user_hr, self.write_as({"decider_employee_id": self.emp_deputy.id})
        )
        self.assertIsNone(error)

    def test_write_workflow_fields(self):
        """The state and the decision move through the actions only."""
        self.at("reviewed")
        for vals in (
            {"state": "decided"},
            {"level_final": "excellent"},
            {"decided_by_id": self.user_head.id},
            {"published_date": "2026-06-01"},
        ):
            with self.subTest(vals=vals):
                self.assertRights(set(), self.write_as(vals))
        self.at("decided")
        self.assertRights(set(), self.write_as({"level_final": "excellent"}))
        self.assertRights(set(), self.write_as({"state": "locked"}))

    def test_write_score_fields(self):
        """Scores are computed: nobody writes them, at any step."""
        for state in ("draft", "reviewed"):
            self.at(state)
            for vals in (
                {"total_score": 100.0},
                {"level_computed": "excellent"},
                {"kpi_percent": 1.0},
                {"general_score": 30.0},
                {"is_vetoed": False},
            ):
                with self.subTest(state=state, vals=vals):
                    self.assertRights(set(), self.write_as(vals))

    def test_locked_is_read_only(self):
        self.at("locked")
        for vals in (
            {"strengths": "x"},
            {"evaluator_comment": "x"},
            {"decider_comment": "x"},
            {"task_group": "x"},
        ):
            with self.subTest(vals=vals):
                self.assertRights(set(), self.write_as(vals))


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsWorkflow(TestKpiAccessRightsCommon):
    """Each action_* of the workflow, at its step: who can, who cannot."""

    def action(self, method, expected_state):
        def run(user):
            record = self.as_user(self.appraisal, user)
            getattr(record, method)()
            self.assertEqual(self.appraisal.state, expected_state)

        return run

    def wizard(self, model, vals, expected_state):
        def run(user):
            ctx = {
                "active_model": "hr.kpi.appraisal",
                "active_id": self.appraisal.id,
                "active_ids": self.appraisal.ids,
            }
            wizard = (
                self.env[model]
                .with_user(user)
                .with_context(DISABLED_MAIL_CONTEXT, **ctx)
                .create(vals)
            )
            wizard.action_confirm()
            self.assertEqual(self.appraisal.state, expected_state)

        return run

    def test_submit_self(self):
        self.assertRights(
            {"employee"}, self.action("action_submit_self", "self_submitted")
        )

    def test_review(self):
        self.at("self_submitted")
        self.appraisal.sudo().level_proposed = "good"
        self.assertRights({"evaluator"}, self.action("action_review", "reviewed"))

    def test_return(self):
        self.at("self_submitted")
        self.assertRights(
            {"evaluator"},
            self.wizard("hr.kpi.appraisal.return", {"reason": "Redo"}, "returned"),
        )
        self.at("reviewed")
        self.assertRights(
            DECIDERS,
            self.wizard("hr.kpi.appraisal.return", {"reason": "Redo"}, "returned"),
        )

    def test_decide(self):
        self.at("reviewed")
        self.assertRights(DECIDERS, self.action("action_decide", "decided"))

    def test_publish(self):
        self.at("decided")
        self.assertRights(DECIDERS | HR, self.action("action_publish", "published"))

    def test_appeal(self):
        self.at("published")
        self.assertRights(
            {"employee"},
            self.wizard(
                "hr.kpi.appraisal.appeal", {"reason": "Too low"}, "appeal_open"
            ),
        )

    def test_resolve_appeal(self):
        self.at("appeal_open")
        self.assertRights(
            DECIDERS,
            self.wizard(
                "hr.kpi.appraisal.appeal.resolve",
                {"result": "rejected", "answer": "Level confirmed"},
                "appeal_resolved",
            ),
        )

    def test_lock(self):
        self.at("published")
        self.assertRights(DECIDERS | HR, self.action("action_lock", "locked"))

    def test_reopen(self):
        """A decided month not yet published is reopened by its decider or
        HR; a published or locked one by nobody (it is corrected by a
        replacement decision: test_correct)."""
        self.at("decided")
        self.assertRights(
            DECIDERS | HR,
            self.wizard("hr.kpi.appraisal.reopen", {"reason": "Typo"}, "reviewed"),
        )
        for state in ("published", "locked"):
            self.at(state)
            with self.subTest(state=state):
                self.assertRights(
                    set(),
                    self.wizard("hr.kpi.appraisal.reopen", {"reason": "Typo"}, state),
                )

    def test_correct(self):
        """A published or locked result is corrected by its decider or HR,
        never by the employee nor the other roles: a new version replaces it."""
        for state in ("published", "locked"):
            self.at(state)

            def correct(user):
                ctx = {
                    "active_model": "hr.kpi.appraisal",
                    "active_id": self.appraisal.id,
                    "active_ids": self.appraisal.ids,
                }
                self.env["hr.kpi.appraisal.correction"].with_user(user).with_context(
                    DISABLED_MAIL_CONTEXT, **ctx
                ).create(
                    {
                        "level": "done",
                        "reason": "Committee review",
                        "document_ref": "15/QĐ-UBND",
                    }
                ).action_confirm()
                self.assertFalse(self.appraisal.active)
                self.assertEqual(self.appraisal.superseded_by_id.level_final, "done")

            with self.subTest(state=state):
                self.assertRights(DECIDERS | HR, correct)

    def test_focal_point_and_hr_never_decide(self):
        """Not the configured decider: the focal point and HR cannot decide,
        even with the decision screen; nor can another unit's head."""
        self.at("reviewed")
        for user in (
            self.user_focal,
            self.user_hr,
            self.user_admin,
            self.user_other_head,
        ):
            with self.subTest(user=user.login):
                error, _r = self.attempt(
                    user,
                    lambda u: (
                        self.env["hr.kpi.appraisal"]
                        .with_user(u)
                        ._decide({self.appraisal.with_user(u): "good"})
                    ),
                )
                self.assertIsNotNone(error)
        self.assertEqual(self.appraisal.state, "reviewed")

    def test_other_head_cannot_act(self):
        for state, method in (
            ("reviewed", "action_decide"),
            ("decided", "action_publish"),
            ("published", "action_lock"),
            ("decided", "action_reopen"),
            ("locked", "action_correct"),
        ):
            self.at(state)
            with self.subTest(step=method):
                error, _r = self.attempt(
                    self.user_other_head,
                    lambda u, m=method: getattr(self.as_user(self.appraisal, u), m)(),
                )
                self.assertIsInstance(error, AccessError)
                self.assertEqual(self.appraisal.state, state)


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsTask(TestKpiAccessRightsCommon):
    def create_as(self, employee, **vals):
        def run(user):
            return (
                self.env["hr.kpi.task"]
                .with_user(user)
                .with_context(**DISABLED_MAIL_CONTEXT)
                .create(
                    {
                        "name": "New task",
                        "employee_id": employee.id,
                        "product_id": self.product_std.id,
                        "quantity": 1.0,
                        "deadline": self.deadline,
                        **vals,
                    }
                )
            )

        return run

    def test_create_task(self):
        """The assignee declares his own task; his evaluator assigns him
        one; no one else does, and nobody assigns outside his evaluatees."""
        self.assertRights(
            {"employee", "evaluator"},
            self.create_as(self.emp_staff),
            roles=("employee", "evaluator", "focal_point", "acting_deputy"),
        )
        self.assertRights(
            set(),
            self.create_as(self.emp_other_staff),
            roles=("employee", "evaluator", "focal_point", "head", "acting_deputy"),
        )

    def test_assigner_set_by_the_server(self):
        error, assigner = self.attempt(
            self.user_leader,
            lambda u: (
                self.create_as(self.emp_staff, assigner_id=self.emp_head.id)(
                    u
                ).assigner_id
            ),
        )
        self.assertIsNone(error)
        self.assertEqual(assigner, self.emp_leader)
        error, assigner = self.attempt(
            self.user_staff,
            lambda u: (
                self.create_as(self.emp_staff, assigner_id=self.emp_head.id)(
                    u
                ).assigner_id
            ),
        )
        self.assertIsNone(error)
        self.assertNotEqual(assigner, self.emp_head)

    def test_no_task_in_a_decided_month(self):
        self.at("decided")
        before = self.scores()
        self.assertRights(
            set(),
            self.create_as(self.emp_staff),
            roles=("employee", "evaluator", "hr_officer", "admin"),
        )
        self.assertEqual(self.scores(), before)

    def test_unlink_task(self):
        self.assertRights(
            {"evaluator"} | HR,
            lambda u: self.as_user(self.task, u).unlink(),
        )

    def test_task_of_a_decided_month_is_frozen(self):
        self.at("decided")
        before = self.scores()
        self.assertRights(set(), lambda u: self.as_user(self.task, u).unlink())
        self.assertRights(
            set(),
            lambda u: self.as_user(self.task, u).write(
                {"completed_quantity": 0.0, "major_error_count": 2}
            ),
        )
        self.assertEqual(self.scores(), before)

    def test_number_bounds(self):
        for vals in (
            {"quantity": -1.0},
            {"completed_quantity": -1.0},
            {"major_error_count": -1},
            {"completed_quantity": 5.0, "quality_passed_quantity": 6.0},
        ):
            with self.subTest(vals=vals):
                error, _r = self.attempt(
                    self.user_leader,
                    lambda u, v=vals: self.as_user(self.task, u).write(v),
                )
                self.assertIsNotNone(error)


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsLine(TestKpiAccessRightsCommon):
    """Criterion lines of the appraisal: they come from the rule set."""

    def create_line(self, user):
        line = self.appraisal.line_ids[:1]
        return (
            self.env["hr.kpi.appraisal.line"]
            .with_user(user)
            .create(
                {
                    "appraisal_id": self.appraisal.id,
                    "criterion_id": line.criterion_id.id,
                    "self_points": line.max_points,
                    "final_points": line.max_points,
                }
            )
        )

    def test_create_line(self):
        self.assertRights(set(), self.create_line, roles=("employee",))
        self.at("decided")
        before = self.scores()
        self.assertRights(set(), self.create_line)
        self.assertEqual(self.scores(), before)

    def test_unlink_line(self):
        # the lines come from the rule set (reset by the evaluator or HR), never
        # deleted one by one
        self.assertRights(
            set(), lambda u: self.as_user(self.appraisal.line_ids[:1], u).unlink()
        )
        self.at("decided")
        self.assertRights(
            set(), lambda u: self.as_user(self.appraisal.line_ids[:1], u).unlink()
        )

    def test_write_line_points(self):
        line = self.appraisal.line_ids.filtered(
            lambda line: line.scoring_type != "binary"
        )[:1]
        self.assertRights(
            {"employee"},
            lambda u: self.as_user(line, u).write(
                {"self_points": line.max_points - 1, "comment": "x"}
            ),
        )
        self.at("self_submitted")
        self.assertRights(
            {"evaluator"},
            lambda u: self.as_user(line, u).write(
                {"evaluator_points": line.max_points - 1, "evaluator_comment": "x"}
            ),
        )
        self.at("decided")
        self.assertRights(
            set(),
            lambda u: self.as_user(line, u).write(
                {"evaluator_points": 0.0, "final_points": 0.0, "evaluator_comment": "x"}
            ),
        )


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsAdjustment(TestKpiAccessRightsCommon):
    def create_adjustment(self, **vals):
        def run(user):
            return (
                self.env["hr.kpi.adjustment"]
                .with_user(user)
                .with_context(**DISABLED_MAIL_CONTEXT)
                .create(
                    {
                        "appraisal_id": self.appraisal.id,
                        "adjustment_type": "bonus",
                        "points": 5.0,
                        "reason": "Commendation",
                        **vals,
                    }
                )
            )

        return run

    def proposal(self, user):
        return self.create_adjustment()(user).sudo()

    def test_create_adjustment(self):
        self.assertRights(
            {"evaluator", "focal_point", "head", "acting_deputy"} | HR,
            self.create_adjustment(),
        )
        self.at("decided")
        before = self.scores()
        self.assertRights(set(), self.create_adjustment())
        self.assertEqual(self.scores(), before)

    def test_created_adjustment_is_only_proposed(self):
        """Whatever the client sends, a new adjustment is a proposal of its
        author, approved by nobody."""
        for role in ("evaluator", "head", "hr_officer"):
            with self.subTest(role=role):
                error, adjustment = self.attempt(
                    self.users[role],
                    lambda u: self.create_adjustment(
                        state="approved", approver_id=u.id, proposer_id=self.user_hr.id
                    )(u).read(["state", "approver_id", "proposer_id"])[0],
                )
                if error is None:
                    self.assertEqual(adjustment["state"], "proposed")
                    self.assertFalse(adjustment["approver_id"])
                    self.assertEqual(adjustment["proposer_id"][0], self.users[role].id)

    def test_approve_adjustment(self):
        """The head approves what another proposed; the proposer never
        approves his own, by the button or by writing the state."""
        adjustment = self.proposal(self.user_leader)

        def approve(user):
            self.as_user(adjustment, user).action_approve()
            self.assertEqual(adjustment.state, "approved")

        self.assertRights(
            {"head"}, approve, roles=("employee", "evaluator", "focal_point", "head")
        )
        for vals in ({"state": "approved"}, {"approver_id": self.user_head.id}):
            with self.subTest(vals=vals):
                self.assertRights(
                    set(),
                    lambda u, v=vals: self.as_user(adjustment, u).write(v),
                    roles=("evaluator", "focal_point"),
                )
        own = self.proposal(self.user_head)
        for operation in (
            lambda u: self.as_user(own, u).action_approve(),
            lambda u: self.as_user(own, u).write({"state": "approved"}),
        ):
            error, _r = self.attempt(self.user_head, operation)
            self.assertIsNotNone(error, "the head approved his own proposal")

    def test_unlink_adjustment(self):
        adjustment = self.proposal(self.user_leader)
        self.assertRights(
            set(), lambda u: self.as_user(adjustment, u).unlink(), roles=("employee",)
        )
        error, _r = self.attempt(
            self.user_leader, lambda u: self.as_user(adjustment, u).unlink()
        )
        self.assertIsNone(error)
        adjustment.sudo().write({"state": "approved", "approver_id": self.user_head.id})
        self.assertRights(set(), lambda u: self.as_user(adjustment, u).unlink())


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsEvent(TestKpiAccessRightsCommon):
    def create_event(self, when=date(2025, 6, 1)):
        def run(user):
            return (
                self.env["hr.kpi.employee.event"]
                .with_user(user)
                .with_context(**DISABLED_MAIL_CONTEXT)
                .create(
                    {
                        "employee_id": self.emp_staff.id,
                        "event_type": "discipline",
                        "discipline_form": "warning",
                        "date": when,
                        "decision_ref": "20/QĐ-UBND",
                    }
                )
            )

        return run

    def test_create_event(self):
        self.assertRights(HR, self.create_event())

    def test_unlink_event(self):
        self.assertRights(HR, lambda u: self.as_user(self.event, u).unlink())

    def test_event_does_not_move_a_decided_month(self):
        """A sanction dated in a decided month is refused, or leaves the
        decided scores as they are (corrections go through the reopen)."""
        self.at("decided")
        before = self.scores()
        for role in HR:
            for operation in (
                self.create_event(self.period.date_start),
                lambda u: self.as_user(self.event, u).write(
                    {"date": self.period.date_start}
                ),
            ):
                with self.subTest(role=role):
                    error, after = self.attempt(
                        self.users[role],
                        lambda u, op=operation: op(u) and self.scores(),
                    )
                    if error is None:
                        self.assertEqual(after, before)


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsConfig(TestKpiAccessRightsCommon):
    def create_config(self, **vals):
        def run(user):
            return (
                self.env["hr.kpi.evaluation.config"]
                .with_user(user)
                .with_context(**DISABLED_MAIL_CONTEXT)
                .create(
                    {
                        "employee_id": self.emp_staff2.id,
                        "date_start": date(2026, 1, 1),
                        "evaluator_id": self.emp_leader.id,
                        "decider_id": self.emp_head.id,
                        **vals,
                    }
                )
            )

        return run

    def future_config(self):
        """A configuration that reaches no open month (fixture, as superuser)."""
        return self.env["hr.kpi.evaluation.config"].create(
            {
                "employee_id": self.emp_staff2.id,
                "date_start": FUTURE,
                "evaluator_id": self.emp_leader.id,
                "decider_id": self.emp_head.id,
            }
        )

    def test_create_config(self):
        # one that reaches an open month: HR only (its appraisals may exist)
        self.assertRights(HR, self.create_config())
        self.assertRights({"focal_point"} | HR, self.create_config(date_start=FUTURE))

    def test_write_config(self):
        self.assertRights(
            HR,
            lambda u: self.as_user(self.config, u).write({"task_group": "Cadastre"}),
        )
        future = self.future_config()
        self.assertRights(
            {"focal_point"} | HR,
            lambda u: self.as_user(future, u).write({"task_group": "Cadastre"}),
        )

    def test_unlink_config(self):
        self.assertRights(HR, lambda u: self.as_user(self.config, u).unlink())
        future = self.future_config()
        self.assertRights(
            {"focal_point"} | HR, lambda u: self.as_user(future, u).unlink()
        )

    def test_config_never_names_oneself(self):
        for role in ("focal_point", "hr_officer", "admin"):
            me = self.own_employee[role].id
            for fname in ("decider_id", "evaluator_id"):
                with self.subTest(role=role, field=fname):
                    vals = {fname: me}
                    error, _r = self.attempt(
                        self.users[role], self.create_config(**vals)
                    )
                    self.assertIsNotNone(error, f"{role} named himself ({fname})")
                    error, _r = self.attempt(
                        self.users[role],
                        lambda u, v=vals: self.as_user(self.config, u).write(v),
                    )
                    self.assertIsNotNone(error, f"{role} named himself ({fname})")


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsRollup(TestKpiAccessRightsCommon):
    def test_annual_levels_only_through_the_decision(self):
        """HR reads the annual results but never writes a level or a score
        into one: the levels come from the computation and the head's
        year-end decision."""
        rollup = self.env["hr.kpi.rollup"].create(
            {
                "employee_id": self.emp_staff.id,
                "company_id": self.company.id,
                "year": 2025,
                "quarter": 0,
                "period_type": "year",
                "department_id": self.department.id,
            }
        )
        for vals in (
            {"level_final": "excellent"},
            {"level_computed": "excellent"},
            {"level_by_score": "excellent"},
            {"score": 99.0},
            {"state": "decided"},
        ):
            with self.subTest(vals=vals):
                self.assertRights(
                    set(),
                    lambda u, v=vals: self.as_user(rollup, u).write(v),
                    roles=("head", "hr_officer", "admin"),
                )


@tagged("access_rights", "post_install", "-at_install")
class TestKpiAccessRightsWizardLines(TestKpiAccessRightsCommon):
    """A wizard line shows nothing more than its reader may read of the
    appraisal (or annual result) it points to."""

    def test_decision_line(self):
        self.at("reviewed")
        for user, readable in ((self.user_head, True), (self.user_other_head, False)):
            with self.subTest(user=user.login):
                Decision = self.env["hr.kpi.decision"].with_user(user)
                decision = Decision.create(
                    {"period_id": self.period.id, "department_id": self.department.id}
                )
                vals = {
                    "decision_id": decision.id,
                    "appraisal_id": self.appraisal.id,
                    "level": "good",
                }
                Line = self.env["hr.kpi.decision.line"].with_user(user)
                if readable:
                    line = Line.create(vals)
                    self.assertEqual(line.total_score, self.appraisal.total_score)
                    self.assertEqual(line.employee_id, self.emp_staff)
                else:
                    with self.assertRaises(AccessError):
                        Line.create(vals)
                    # nor through a line made for him
                    line = self.env["hr.kpi.decision.line"].create(
                        {
                            "decision_id": decision.sudo().id,
                            "appraisal_id": self.appraisal.id,
                            "level": "good",
                        }
                    )
                    values = line.with_user(user).read(
                        [
                            "total_score",
                            "level_computed",
                            "employee_id",
                            "level_reasons",
                        ]
                    )[0]
                    self.assertEqual(values["total_score"], 0.0)
                    self.assertFalse(values["level_computed"])
                    self.assertFalse(values["employee_id"])
                    self.assertFalse(values["level_reasons"])
        self.assertTrue(self.appraisal.total_score)

    def test_appeal_resolve_wizard(self):
        self.at("appeal_open")
        Resolve = self.env["hr.kpi.appraisal.appeal.resolve"]
        ctx = {"active_model": "hr.kpi.appraisal", "active_id": self.appraisal.id}
        wizard = (
            Resolve.with_user(self.user_head)
            .with_context(**ctx)
            .create({"answer": "x"})
        )
        self.assertEqual(wizard.appeal_reason, "Too low")
        self.assertEqual(wizard.current_level, "good")
        with self.assertRaises(AccessError):
            Resolve.with_user(self.user_other_head).with_context(**ctx).create(
                {"answer": "x"}
            )
        foreign = Resolve.with_context(**ctx).create({"answer": "x"})
        values = foreign.with_user(self.user_other_head).read(
            ["appeal_reason", "current_level"]
        )[0]
        self.assertFalse(values["appeal_reason"])
        self.assertFalse(values["current_level"])

    def test_rollup_year_line(self):
        rollup = self.env["hr.kpi.rollup"].create(
            {
                "employee_id": self.emp_staff.id,
                "company_id": self.company.id,
                "year": 2025,
                "quarter": 0,
                "period_type": "year",
                "department_id": self.department.id,
                "score": 91.5,
            }
        )
        for user, readable in ((self.user_head, True), (self.user_other_head, False)):
            with self.subTest(user=user.login):
                wizard = (
                    self.env["hr.kpi.rollup.year"]
                    .with_user(user)
                    .create({"year": 2025, "company_id": self.company.id})
                )
                vals = {
                    "wizard_id": wizard.id,
                    "rollup_id": rollup.id,
                    "level": "good",
                }
                Line = self.env["hr.kpi.rollup.year.line"].with_user(user)
                if readable:
                    self.assertEqual(Line.create(vals).score, 91.5)
                else:
                    with self.assertRaises(AccessError):
                        Line.create(vals)
                    line = self.env["hr.kpi.rollup.year.line"].create(
                        {
                            "wizard_id": wizard.id,
                            "rollup_id": rollup.id,
                            "level": "good",
                        }
                    )
                    self.assertEqual(
                        line.with_user(user).read(["score"])[0]["score"], 0.0
                    )
