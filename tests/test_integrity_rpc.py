"""Integrity over the wire: each demo role, logged in, calls the web client's
own JSON-RPC route (/web/dataset/call_kw) with every guard key of the addon in
its context, and tries what an ordinary account would try: decide or unlock
an appraisal, name itself decider, rescore a decided month, confirm its own
work, approve its own proposal, accept its own plan. Each call is refused, or
changes nothing (read back as superuser)."""

from contextlib import closing
from datetime import date, timedelta

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from ..const import DECIDED_STATES, LEVELS_DESC
from .test_integrity_appraisal import ALL_KEYS, SCORES

LOGINS = ("hr", "chutich", "truongphong", "phophong", "daumoi", "nhanvien")
# a refusal is one of the errors the web client shows the user, never a crash
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
}
TASK_FIELDS = (
    "state",
    "assignment_confirmed",
    "outcome_confirmed",
    "is_counted",
    "completed_quantity",
    "quality_passed_quantity",
    "assigner_id",
)


def week_start(day):
    return day - timedelta(days=day.weekday())


@tagged("post_install", "-at_install")
class TestIntegrityRpc(HttpCase):
    """Every non-admin demo role attacks the records over /web/dataset/call_kw."""

    maxDiff = None

    def setUp(self):
        super().setUp()
        env = self.env
        self.company = env["res.users"].search([("login", "=", "nhanvien")]).company_id
        periods = env["hr.kpi.period"].search(
            [("company_id", "=", self.company.id)], order="date_start desc", limit=2
        )
        self.assertEqual(len(periods), 2, "the demo has last and this month")
        self.this_month, self.last_month = periods
        self.product = env["hr.kpi.product"].search(
            [("company_id", "=", self.company.id), ("state", "=", "approved")],
            limit=1,
        )
        self.assertTrue(self.product)
        self.decided = self._make_decided()
        self.roles = {login: self._role(login) for login in LOGINS}

    # ------------------------------------------------------------------
    # The demo records each role attacks (found or prepared as superuser)
    # ------------------------------------------------------------------

    def _make_decided(self):
        """A month decided (not yet published) of an employee without login,
        evaluated by the deputy if possible: the demo's last month is locked."""
        Appraisal = self.env["hr.kpi.appraisal"]
        domain = [
            ("period_id", "=", self.this_month.id),
            ("employee_id.user_id", "=", False),
            ("state", "in", ("draft", "self_submitted")),
        ]
        appraisal = Appraisal.search(
            [*domain, ("evaluator_employee_id.user_id.login", "=", "phophong")],
            limit=1,
        ) or Appraisal.search(domain, limit=1)
        self.assertTrue(appraisal, "the demo has an open month to decide")
        if appraisal.needs_attention:
            appraisal.zero_assignment_resolution = "zero"
        computed = appraisal.level_computed or "done"
        appraisal.write({"state": "reviewed", "level_proposed": computed})
        # at most good: within any quota of the unit, never above the computed
        level = max(computed, "good", key=LEVELS_DESC.index)
        Appraisal._decide({appraisal: level})
        self.assertEqual(appraisal.state, "decided")
        return appraisal

    def _role(self, login):
        env = self.env
        user = env["res.users"].search([("login", "=", login)])
        employee = user.with_company(user.company_id).employee_id
        self.assertTrue(employee, f"demo user {login} has an employee")
        Appraisal = env["hr.kpi.appraisal"]
        this = [("period_id", "=", self.this_month.id)]
        not_mine = [
            ("employee_id", "!=", employee.id),
            ("id", "!=", self.decided.id),
            ("state", "not in", DECIDED_STATES),
        ]
        own_open = Appraisal.search([*this, ("employee_id", "=", employee.id)])
        evaluated = Appraisal.search(
            [*this, *not_mine, ("evaluator_employee_id", "=", employee.id)], limit=1
        ) or Appraisal.search(
            [*this, *not_mine, ("company_id", "=", self.company.id)], limit=1
        )
        locked = Appraisal.search(
            [("employee_id", "=", employee.id), ("state", "=", "locked")], limit=1
        ) or Appraisal.search(
            [("evaluator_employee_id", "=", employee.id), ("state", "=", "locked")],
            limit=1,
        )
        Task = env["hr.kpi.task"]
        done_domain = [("state", "=", "done"), ("period_id", "=", self.last_month.id)]
        frozen_task = Task.search(
            [*done_domain, ("employee_id", "=", employee.id)], limit=1
        ) or Task.search([*done_domain, ("assigner_id", "=", employee.id)], limit=1)
        task_vals = {
            "employee_id": employee.id,
            "product_id": self.product.id,
            "quantity": 3,
            "completed_quantity": 3,
            "deadline": self.this_month.date_start + timedelta(days=20),
            "date_done": self.this_month.date_start + timedelta(days=19),
            "origin": "adhoc",
            "state": "to_confirm",
            "assignment_confirmed": False,
        }
        self_assigned = Task.create(
            {
                **task_vals,
                "name": f"RPC self-assigned {login}",
                "assigner_id": employee.id,
            }
        )
        declared = Task.create(
            {
                **task_vals,
                "name": f"RPC self-declared {login}",
                "assigner_id": employee.parent_id.id,
            }
        )
        target = evaluated or own_open
        adjustment = (
            env["hr.kpi.adjustment"]
            .with_user(user)
            .sudo()
            .create(
                {
                    "appraisal_id": target.id,
                    "adjustment_type": "bonus",
                    "points": 5,
                    "reason": "RPC proposal",
                }
            )
            .with_env(env)
        )
        self.assertEqual(adjustment.proposer_id, user)
        Plan = env["hr.kpi.plan"]
        plan = Plan.create(
            {
                "plan_type": "personal_monthly",
                "employee_id": employee.id,
                "date_start": self.this_month.date_start,
            }
        )
        plan_submitted = Plan.create(
            {
                "plan_type": "personal_weekly",
                "employee_id": employee.id,
                "date_start": week_start(date.today()) + timedelta(days=14),
            }
        )
        plan_submitted._set_state({"state": "submitted"})
        Report = env["hr.kpi.weekly.report"]
        monday = week_start(date.today())
        report = Report.create(
            {"employee_id": employee.id, "date_start": monday - timedelta(days=28)}
        )
        report_submitted = Report.create(
            {"employee_id": employee.id, "date_start": monday - timedelta(days=35)}
        )
        report_submitted.write({"state": "submitted"})
        product = env["hr.kpi.product"].create(
            {
                "code": f"RPC-{login}",
                "name": f"RPC item {login}",
                "uom_name": self.product.uom_name,
                "complexity_group": self.product.complexity_group,
                "points": 1.0,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(product.state, "draft")
        Config = env["hr.kpi.evaluation.config"]
        own_config = Config.search([("employee_id", "=", employee.id)], limit=1)
        other_config = Config.search(
            [("employee_id", "=", evaluated.employee_id.id)], limit=1
        )
        chairman = self.env["res.users"].search([("login", "=", "chutich")])
        unconfigured = chairman.with_company(self.company).employee_id
        if login == "chutich":
            unconfigured = evaluated.employee_id
        return {
            "user": user,
            "employee": employee,
            "own_open": own_open,
            "evaluated": evaluated,
            "locked": locked,
            "frozen_task": frozen_task,
            "self_assigned": self_assigned,
            "declared": declared,
            "adjustment": adjustment,
            "plan": plan,
            "plan_submitted": plan_submitted,
            "report": report,
            "report_submitted": report_submitted,
            "product": product,
            "own_config": own_config,
            "other_config": other_config,
            "unconfigured": unconfigured,
        }

    # ------------------------------------------------------------------
    # Snapshots, read as superuser from the database
    # ------------------------------------------------------------------

    def _read(self, records, fnames):
        self.env.invalidate_all()
        return [
            {f: (r[f].ids if hasattr(r[f], "ids") else r[f]) for f in fnames}
            for r in records
        ]

    def _scores(self, appraisal, *extra):
        return lambda: self._read(appraisal, (*SCORES, *extra))

    def _count(self, model, domain):
        def read():
            self.env.invalidate_all()
            return self.env[model].search_count(domain)

        return read

    def _both(self, *reads):
        return lambda: [read() for read in reads]

    # ------------------------------------------------------------------
    # The attacks: (name, model, method, args, snapshot) for a role
    # ------------------------------------------------------------------

    def _attacks(self, login, r):
        emp = r["employee"].id
        uid = r["user"].id
        decide = {"state": "decided", "level_final": "excellent"}
        roles = (
            "decider_employee_id",
            "evaluator_employee_id",
            "acting_deputy_employee_id",
        )
        attacks = []
        # -- appraisal
        for key in ("own_open", "evaluated"):
            appraisal = r[key]
            if not appraisal:
                continue
            attacks += [
                (
                    f"decide {key} appraisal",
                    "hr.kpi.appraisal",
                    "write",
                    [appraisal.ids, decide],
                    self._scores(appraisal),
                ),
                (
                    f"write total_score of {key} appraisal",
                    "hr.kpi.appraisal",
                    "write",
                    [appraisal.ids, {"total_score": 100.0}],
                    self._scores(appraisal),
                ),
            ]
            attacks += [
                (
                    f"name oneself {fname} of {key} appraisal",
                    "hr.kpi.appraisal",
                    "write",
                    [appraisal.ids, {fname: emp}],
                    self._scores(appraisal, fname),
                )
                for fname in roles
            ]
        for key, appraisal in (("locked", r["locked"]), ("decided", self.decided)):
            if not appraisal:
                continue
            line = appraisal.line_ids[:1]
            lines = self._count(
                "hr.kpi.appraisal.line", [("appraisal_id", "=", appraisal.id)]
            )
            attacks += [
                (
                    f"reset {key} appraisal to draft",
                    "hr.kpi.appraisal",
                    "write",
                    [appraisal.ids, {"state": "draft"}],
                    self._scores(appraisal),
                ),
                (
                    f"rewrite level_final of {key} appraisal",
                    "hr.kpi.appraisal",
                    "write",
                    [appraisal.ids, {"level_final": "excellent"}],
                    self._scores(appraisal),
                ),
                (
                    f"rescore a line of {key} appraisal",
                    "hr.kpi.appraisal.line",
                    "write",
                    [line.ids, {"evaluator_points": 0.0, "final_points": 0.0}],
                    self._both(
                        self._scores(appraisal),
                        lambda line=line: self._read(
                            line, ("self_points", "evaluator_points", "final_points")
                        ),
                    ),
                ),
                (
                    f"create a line on {key} appraisal",
                    "hr.kpi.appraisal.line",
                    "create",
                    [
                        {
                            "appraisal_id": appraisal.id,
                            "criterion_id": line.criterion_id.id,
                            "self_points": line.max_points,
                            "evaluator_points": line.max_points,
                            "final_points": line.max_points,
                        }
                    ],
                    self._both(self._scores(appraisal), lines),
                ),
                (
                    f"unlink a line of {key} appraisal",
                    "hr.kpi.appraisal.line",
                    "unlink",
                    [line.ids],
                    self._both(self._scores(appraisal), lines),
                ),
                (
                    f"propose an adjustment on {key} appraisal",
                    "hr.kpi.adjustment",
                    "create",
                    [
                        {
                            "appraisal_id": appraisal.id,
                            "adjustment_type": "bonus",
                            "points": 5,
                            "reason": "RPC after the decision",
                        }
                    ],
                    self._both(
                        self._scores(appraisal),
                        self._count(
                            "hr.kpi.adjustment", [("appraisal_id", "=", appraisal.id)]
                        ),
                    ),
                ),
            ]
        if r["own_open"]:
            own_line = r["own_open"].line_ids[:1]
            attacks.append(
                (
                    "unlink a criterion line of own appraisal",
                    "hr.kpi.appraisal.line",
                    "unlink",
                    [own_line.ids],
                    self._count(
                        "hr.kpi.appraisal.line",
                        [("appraisal_id", "=", r["own_open"].id)],
                    ),
                )
            )
        # -- task
        counted_mine = self._both(
            self._count(
                "hr.kpi.task", [("employee_id", "=", emp), ("is_counted", "=", True)]
            ),
            self._count(
                "hr.kpi.task", [("employee_id", "=", emp), ("assigner_id", "=", emp)]
            ),
        )
        attacks.append(
            (
                "create a counted task assigned by oneself",
                "hr.kpi.task",
                "create",
                [
                    {
                        "name": "RPC my own counted task",
                        "employee_id": emp,
                        "assigner_id": emp,
                        "product_id": self.product.id,
                        "quantity": 50,
                        "deadline": str(self.this_month.date_start + timedelta(days=9)),
                        "is_counted": True,
                        "assignment_confirmed": True,
                    }
                ],
                counted_mine,
            )
        )
        for key in ("self_assigned", "declared"):
            task = r[key]
            snap = self._both(
                lambda task=task: self._read(task, TASK_FIELDS),
                self._scores(task.appraisal_id),
            )
            attacks += [
                (
                    f"confirm assignment of own {key} task",
                    "hr.kpi.task",
                    "action_confirm_assignment",
                    [task.ids],
                    snap,
                ),
                (
                    f"confirm outcome of own {key} task",
                    "hr.kpi.task",
                    "action_confirm_outcome",
                    [task.ids],
                    snap,
                ),
                (
                    f"write own {key} task done and confirmed",
                    "hr.kpi.task",
                    "write",
                    [task.ids, {"state": "done", "assignment_confirmed": True}],
                    snap,
                ),
            ]
        task = r["frozen_task"]
        if task:
            attacks.append(
                (
                    "raise completed_quantity of a done task of a locked month",
                    "hr.kpi.task",
                    "write",
                    [task.ids, {"completed_quantity": task.quantity + 10}],
                    self._both(
                        lambda task=task: self._read(task, TASK_FIELDS),
                        self._scores(task.appraisal_id),
                    ),
                )
            )
        # -- adjustment
        adjustment = r["adjustment"]
        adj_snap = self._both(
            lambda: self._read(adjustment, ("state", "approver_id", "points")),
            self._scores(adjustment.appraisal_id),
        )
        approved = self._count(
            "hr.kpi.adjustment",
            [
                ("appraisal_id", "=", adjustment.appraisal_id.id),
                ("state", "=", "approved"),
            ],
        )
        attacks += [
            (
                "write own adjustment approved",
                "hr.kpi.adjustment",
                "write",
                [adjustment.ids, {"state": "approved", "approver_id": uid}],
                adj_snap,
            ),
            (
                "approve own adjustment",
                "hr.kpi.adjustment",
                "action_approve",
                [adjustment.ids],
                adj_snap,
            ),
            (
                "create an adjustment already approved",
                "hr.kpi.adjustment",
                "create",
                [
                    {
                        "appraisal_id": adjustment.appraisal_id.id,
                        "adjustment_type": "bonus",
                        "points": 10,
                        "reason": "RPC approved at birth",
                        "state": "approved",
                        "approver_id": uid,
                    }
                ],
                self._both(approved, self._scores(adjustment.appraisal_id)),
            ),
        ]
        # -- plan, weekly report, catalogue item
        plan_fields = ("state", "accepted_by_id")
        report_fields = ("state", "reviewed_by_id")
        attacks += [
            (
                "write own plan accepted",
                "hr.kpi.plan",
                "write",
                [r["plan"].ids, {"state": "accepted", "accepted_by_id": uid}],
                lambda: self._read(r["plan"], plan_fields),
            ),
            (
                "accept own submitted plan",
                "hr.kpi.plan",
                "action_accept",
                [r["plan_submitted"].ids],
                lambda: self._read(r["plan_submitted"], plan_fields),
            ),
            (
                "create own plan accepted",
                "hr.kpi.plan",
                "create",
                [
                    {
                        "plan_type": "personal_monthly",
                        "employee_id": emp,
                        "date_start": str(self.last_month.date_start),
                        "state": "accepted",
                    }
                ],
                self._count(
                    "hr.kpi.plan",
                    [("employee_id", "=", emp), ("state", "=", "accepted")],
                ),
            ),
            (
                "write own weekly report reviewed",
                "hr.kpi.weekly.report",
                "write",
                [r["report"].ids, {"state": "reviewed", "reviewed_by_id": uid}],
                lambda: self._read(r["report"], report_fields),
            ),
            (
                "review own submitted weekly report",
                "hr.kpi.weekly.report",
                "action_review",
                [r["report_submitted"].ids],
                lambda: self._read(r["report_submitted"], report_fields),
            ),
            (
                "write a catalogue item approved",
                "hr.kpi.product",
                "write",
                [r["product"].ids, {"state": "approved", "approved_by_id": uid}],
                lambda: self._read(r["product"], ("state", "approved_by_id")),
            ),
        ]
        if not r["user"].has_group("l10n_vn_hr_kpi.group_kpi_head"):
            attacks.append(
                (
                    "approve a catalogue item without being head",
                    "hr.kpi.product",
                    "action_approve",
                    [r["product"].ids],
                    lambda: self._read(r["product"], ("state", "approved_by_id")),
                )
            )
        # -- evaluation configuration
        config_fields = ("evaluator_id", "decider_id")
        for key in ("own_config", "other_config"):
            config = r[key]
            if not config:
                continue
            attacks += [
                (
                    f"name oneself {fname} in {key}",
                    "hr.kpi.evaluation.config",
                    "write",
                    [config.ids, {fname: emp}],
                    lambda config=config: self._read(config, config_fields),
                )
                for fname in ("decider_id", "evaluator_id")
            ]
        attacks.append(
            (
                "create a configuration naming oneself decider",
                "hr.kpi.evaluation.config",
                "create",
                [
                    {
                        "employee_id": r["unconfigured"].id,
                        "date_start": str(self.this_month.date_start),
                        "decider_id": emp,
                        "evaluator_id": emp,
                    }
                ],
                self._count("hr.kpi.evaluation.config", [("decider_id", "=", emp)]),
            )
        )
        # -- delegation of the decision (ủy quyền): nobody records his own
        attacks.append(
            (
                "record a delegation naming oneself deputy",
                "hr.kpi.delegation",
                "create",
                [
                    {
                        "delegator_id": r["unconfigured"].id,
                        "deputy_id": emp,
                        "document_number": "99/QĐ-UBND",
                        "date_from": str(self.this_month.date_start),
                        "date_to": str(self.this_month.date_end),
                    }
                ],
                self._count("hr.kpi.delegation", [("deputy_id", "=", emp)]),
            )
        )
        return attacks

    # ------------------------------------------------------------------

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

    def test_no_role_bends_a_record_over_rpc(self):
        for login in LOGINS:
            attacks = self._attacks(login, self.roles[login])
            self.authenticate(login, login)
            for name, model, method, args, snapshot in attacks:
                with self.subTest(login=login, attack=name):
                    self.env.flush_all()
                    # each attempt on its own: what bends does not hide the next
                    with closing(self.env.cr.savepoint()):
                        before = snapshot()
                        try:
                            self._call(model, method, args)
                        except JsonRpcException as error:
                            self.assertIn(str(error), REFUSALS)
                        after = snapshot()
                    self.env.invalidate_all()
                    self.assertEqual(
                        after,
                        before,
                        f"{login}: {model}.{method}{args!r} went through",
                    )
            self.logout()
