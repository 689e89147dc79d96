"""``make loadtest``: the last days of a month on a city, through
the web client's own routes, as real users of the city.

Each simulated user logs in (``/web/session/authenticate``) as a real user of
the role (the logins come from ``scripts/load/prepare.py``, file in
``LOAD_USERS_FILE``), loads the views it needs once (``get_views``, as the
browser caches them), then works: the requests are those the web client sends
for the screens (``/web/action/load``, ``web_search_read`` and ``web_read``
with the views' fields, ``web_save``, the buttons through ``call_kw``, the
report route). A baseline user calls Odoo's own ``/web/webclient/version_info``
in the same run: the ratio of each request to it says what the addon costs on
top of the server's own latency under the same load.

A business refusal (a UserError: e.g. outcomes not confirmed) is reported as a
failure with its message, like a server error: the numbers hide nothing.
"""

import json
import os
import random
import xml.etree.ElementTree as ET
from itertools import count

from locust import HttpUser, between, task

with open(os.environ["LOAD_USERS_FILE"], encoding="utf-8") as _file:
    USERS = json.load(_file)
USERS["db"] = os.environ.get("LOAD_DB", USERS["db"])
NEXT = {role: count() for role in ("employee", "evaluator", "head", "hr")}
# more simulated users than logins of a role share a login; two of them never
# review the same appraisal, as two people would not: the appraisals picked
# for a review in this run, never picked again (Locust's users are greenlets
# of one process; a queue read before another user's review still lists it)
PICKED = set()
X2MANY = ("one2many", "many2many")


def spec_from_arch(arch, fields):
    """The ``specification`` the web client sends for a view: its fields,
    many2one with their display name, x2many with the fields of their
    sub-view (or their display name)."""
    root = ET.fromstring(arch)
    spec = {}

    def walk(node, inside_field):
        for child in node:
            if child.tag == "field" and not inside_field:
                name = child.get("name")
                info = fields.get(name, {})
                if info.get("type") == "many2one":
                    spec[name] = {"fields": {"display_name": {}}}
                elif info.get("type") in X2MANY:
                    sub = {
                        f.get("name"): {}
                        for f in child.iter("field")
                        if f is not child and f.get("name")
                    }
                    spec[name] = {"fields": sub or {"display_name": {}}}
                else:
                    spec[name] = {}
                walk(child, True)
            else:
                walk(child, inside_field)

    walk(root, False)
    return spec


class OdooUser(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    role = None

    def on_start(self):
        pool = USERS[self.role]
        index = next(NEXT[self.role])
        self.me = pool[index % len(pool)]
        # 0 for the first user of this login, 1 for the second, ...
        self.slot = index // len(pool)
        result = self.post(
            "/web/session/authenticate",
            {
                "db": USERS["db"],
                "login": self.me["login"],
                "password": USERS["password"],
            },
            name="login",
        )
        self.uid = result and result.get("uid")
        # the web client sends the user's context (language, time zone)
        self.user_context = (result or {}).get("user_context") or {}
        self.views = {}

    # ---- the routes of the web client --------------------------------------
    def post(self, path, params, name):
        with self.client.post(
            path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if body.get("error"):
                data = body["error"].get("data") or {}
                response.failure(
                    f"{data.get('name', 'error')}: {(data.get('message') or '')[:120]}"
                )
                return None
            response.success()
            return body.get("result")

    def call(self, model, method, args, name, **kwargs):
        kwargs.setdefault("context", self.user_context)
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name=name,
        )

    def spec(self, model, view_type):
        """The view's specification, from get_views once (the browser caches
        the views)."""
        key = (model, view_type)
        if key not in self.views:
            result = self.call(
                model,
                "get_views",
                [],
                name=f"get_views {model} {view_type}",
                views=[[False, view_type]],
                options={},
            )
            if not result:
                return {"display_name": {}}
            self.views[key] = spec_from_arch(
                result["views"][view_type]["arch"], result["models"][model]["fields"]
            )
        return self.views[key]

    def action(self, xmlid, name):
        return self.post("/web/action/load", {"action_id": xmlid}, name=name)

    def search(self, model, domain, view_type, name, limit=80):
        result = self.call(
            model,
            "web_search_read",
            [],
            name=name,
            specification=self.spec(model, view_type),
            domain=domain,
            offset=0,
            limit=limit,
            order="",
            count_limit=10001,
        )
        return (result or {}).get("records", [])

    def read_form(self, model, ids, name):
        return (
            self.call(
                model,
                "web_read",
                [ids],
                name=name,
                specification=self.spec(model, "form"),
            )
            or []
        )


class Employee(OdooUser):
    """A civil servant: My appraisal, My tasks, a task reported, the
    self-evaluation sent."""

    role = "employee"
    weight = 12

    @task(3)
    def my_appraisal(self):
        self.action("l10n_vn_hr_kpi.hr_kpi_appraisal_action_my", "action My appraisal")
        self.search(
            "hr.kpi.appraisal",
            [("employee_id.user_id", "=", self.uid)],
            "list",
            "My appraisal: list",
        )
        self.read_form("hr.kpi.appraisal", [self.me["appraisal_id"]], "appraisal: form")

    @task(3)
    def my_tasks(self):
        self.action("l10n_vn_hr_kpi.hr_kpi_task_action_my", "action My tasks")
        self.open_tasks = self.search(
            "hr.kpi.task",
            [
                ("employee_id.user_id", "=", self.uid),
                ("state", "in", ("todo", "in_progress", "to_confirm")),
            ],
            "kanban",
            "My tasks: kanban",
        )

    @task(1)
    def report_task(self):
        tasks = [
            t
            for t in getattr(self, "open_tasks", [])
            if t.get("state") == "in_progress"
        ]
        if not tasks:
            return
        self.call(
            "hr.kpi.task",
            "action_report_done",
            [[tasks[0]["id"]]],
            name="task: report done",
        )
        self.open_tasks = []

    @task(1)
    def self_evaluate(self):
        [appraisal] = self.read_form(
            "hr.kpi.appraisal", [self.me["appraisal_id"]], "appraisal: form"
        ) or [None]
        if not appraisal or appraisal.get("state") != "draft":
            return
        lines = [
            [1, line["id"], {"self_points": line.get("max_points") or 0}]
            for line in appraisal.get("line_ids", [])
            if "id" in line
        ]
        self.call(
            "hr.kpi.appraisal",
            "web_save",
            [[appraisal["id"]], {"line_ids": lines}],
            name="appraisal: save self-evaluation",
            specification=self.spec("hr.kpi.appraisal", "form"),
        )
        self.call(
            "hr.kpi.appraisal",
            "action_submit_self",
            [[appraisal["id"]]],
            name="appraisal: submit self-evaluation",
        )


class Evaluator(OdooUser):
    """A deputy head: the queue To review, an appraisal reviewed and sent."""

    role = "evaluator"
    weight = 4

    def queue(self):
        self.action(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action_to_review", "action To review"
        )
        return self.search(
            "hr.kpi.appraisal",
            [
                ("evaluator_employee_id.user_id", "=", self.uid),
                "|",
                ("state", "in", ("draft", "self_submitted")),
                "&",
                ("state", "=", "returned"),
                ("returned_to", "=", "evaluator"),
            ],
            "list",
            "To review: list",
        )

    @task(3)
    def review_queue(self):
        self.queue()

    @task(2)
    def review(self):
        todo = [
            a
            for a in self.queue() or []
            if a.get("state") == "self_submitted" and a["id"] not in PICKED
        ]
        if not todo:
            return
        chosen = random.choice(todo)["id"]
        PICKED.add(chosen)
        self._review(chosen)

    def _review(self, appraisal_id):
        [appraisal] = self.read_form(
            "hr.kpi.appraisal", [appraisal_id], "appraisal: form"
        ) or [None]
        if not appraisal:
            return
        if appraisal.get("task_unconfirmed_count"):
            self.call(
                "hr.kpi.appraisal",
                "action_mass_confirm_outcomes",
                [[appraisal["id"]]],
                name="appraisal: confirm outcomes",
            )
        self.call(
            "hr.kpi.appraisal",
            "web_save",
            [
                [appraisal["id"]],
                {"level_proposed": appraisal.get("level_computed") or "fail"},
            ],
            name="appraisal: save review",
            specification=self.spec("hr.kpi.appraisal", "form"),
        )
        self.call(
            "hr.kpi.appraisal",
            "action_review",
            [[appraisal["id"]]],
            name="appraisal: send review",
        )


class Head(OdooUser):
    """A head of unit: To decide, the decision screen, the unit decided."""

    role = "head"
    weight = 2
    decided = False

    @task(2)
    def to_decide(self):
        self.action(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action_to_decide", "action To decide"
        )
        self.search(
            "hr.kpi.appraisal",
            [
                ("state", "=", "reviewed"),
                "|",
                ("decider_employee_id.user_id", "=", self.uid),
                ("acting_deputy_employee_id.user_id", "=", self.uid),
            ],
            "list",
            "To decide: list",
        )

    @task(2)
    def decide(self):
        spec = self.spec("hr.kpi.decision", "form")
        values = {
            "period_id": USERS["period_id"],
            "department_id": self.me["department_id"],
        }
        result = self.call(
            "hr.kpi.decision",
            "web_save",
            [[], values],
            name="decision screen: open",
            specification=spec,
        )
        # the unit is decided once, by the first user of its head's login
        if not result or self.decided or self.slot:
            return
        self.decided = True
        decision = result[0]
        lines = decision.get("line_ids", [])
        if not any(line.get("appraisal_id") for line in lines):
            return
        if not decision.get("quota_holds", True):
            # over the unit's quota of excellent: the head lowers them, as the
            # screen asks (this simulation lowers every excellent to good)
            lowered = [
                [1, line["id"], {"level": "good"}]
                for line in lines
                if line.get("level") == "excellent"
            ]
            self.call(
                "hr.kpi.decision",
                "web_save",
                [[decision["id"]], {"line_ids": lowered}],
                name="decision: lower to the quota",
                specification=spec,
            )
        self.call(
            "hr.kpi.decision",
            "action_decide",
            [[result[0]["id"]]],
            name="decision: decide unit",
        )


class Hr(OdooUser):
    """The HR officer: the dashboard, a phiếu printed."""

    role = "hr"
    weight = 2

    @task(2)
    def dashboard(self):
        self.call(
            "hr.kpi.dashboard",
            "get_data",
            [],
            name="dashboard: get_data",
            period_id=USERS["period_id"],
            department_id=False,
            subject_group=False,
            employee_id=False,
        )

    @task(1)
    def print_sheet(self):
        appraisal = random.choice(USERS["employee"])["appraisal_id"]
        with self.client.get(
            f"/report/pdf/l10n_vn_hr_kpi.report_appraisal_sheet/{appraisal}",
            name="print phiếu (PDF)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"HTTP {response.status_code}, not a PDF")


class Baseline(HttpUser):
    """Odoo's own lightest route, in the same run."""

    fixed_count = 1
    wait_time = between(1, 2)

    @task
    def version_info(self):
        self.client.post(
            "/web/webclient/version_info",
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}},
            name="baseline: version_info",
        )
