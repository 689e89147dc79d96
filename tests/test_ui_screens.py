"""The people's screens: what each person sees is what the server allows."""

from datetime import date

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools.safe_eval import safe_eval

from ..const import LEVEL_RANK
from ..models.hr_kpi_locale import fmt_number
from .common import KpiCommon
from .test_integrity_appraisal import ALL_KEYS
from .test_integrity_rpc import REFUSALS

IN_PROGRESS = ("draft", "self_submitted", "returned", "not_evaluated")
DECIDED = ("reviewed", "decided", "published", "locked")


@tagged("post_install", "-at_install")
class TestUiScreens(KpiCommon):
    def scored(self, employee, general=30.0, done=None, **vals):
        """An appraisal with one task (done in full unless ``done`` says
        otherwise): computed level excellent unless ``general`` or ``done``
        say otherwise."""
        self.make_task(employee, quantity=2.0, done=done)
        appraisal = self.make_appraisal(
            employee,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
            **vals,
        )
        self.set_general(appraisal, general)
        return appraisal

    # ---- finding 2: no failure badge for a month in progress ----------------

    def _level_nodes(self, view_type, fname):
        arch = self.env["hr.kpi.appraisal"].get_view(view_type=view_type)["arch"]
        nodes = etree.fromstring(arch).xpath(f"//field[@name='{fname}']")
        return [n for n in nodes if n.get("widget") == "badge"]

    def test_level_badge_hidden_while_in_progress(self):
        for view_type in ("list", "kanban", "form"):
            nodes = self._level_nodes(view_type, "level_computed")
            self.assertTrue(nodes, view_type)
            for node in nodes:
                expression = node.get("invisible")
                self.assertTrue(expression, f"{view_type}: the badge always shows")
                for state in IN_PROGRESS:
                    self.assertTrue(
                        safe_eval(expression, {"state": state}),
                        f"{view_type}: a {state} month shows a level badge",
                    )
                for state in DECIDED:
                    self.assertFalse(
                        safe_eval(expression, {"state": state}),
                        f"{view_type}: a {state} month hides its level",
                    )

    # ---- finding 4: guidance before refusal at the review -------------------

    def test_review_refuses_a_level_above_the_score(self):
        # half the task done: the score allows less than excellent
        appraisal = self.scored(self.emp_staff, done=1.0)
        self.assertNotEqual(appraisal.level_computed, "excellent")
        allowed = dict(
            appraisal._fields["level_computed"]._description_selection(self.env)
        )[appraisal.level_computed]
        as_leader = appraisal.with_user(self.user_leader)
        # the form shows the highest level allowed to the evaluator
        self.assertTrue(as_leader.kpi_edit_review)
        as_leader.write({"level_proposed": "excellent", "evaluator_comment": "x"})
        with self.assertRaises(UserError) as caught:
            as_leader.action_review()
        message = str(caught.exception)
        self.assertIn(self.emp_staff.name, message)
        self.assertIn(allowed, message)
        self.assertEqual(appraisal.state, "draft")
        # at the allowed level, the review goes
        as_leader.write({"level_proposed": appraisal.level_computed})
        as_leader.action_review()
        self.assertEqual(appraisal.state, "reviewed")

    def test_review_refuses_unconfirmed_outcomes(self):
        appraisal = self.scored(self.emp_staff)
        task = self.make_task(
            self.emp_staff,
            name="Ward report",
            done=0.0,
            state="to_confirm",
            completed_quantity=1.0,
        )
        self.assertEqual(appraisal.task_unconfirmed_count, 1)
        as_leader = appraisal.with_user(self.user_leader)
        as_leader.write({"level_proposed": "done", "evaluator_comment": "x"})
        with self.assertRaises(UserError) as caught:
            as_leader.action_review()
        self.assertIn("Ward report", str(caught.exception))
        self.assertIn(self.emp_staff.name, str(caught.exception))
        self.assertEqual(appraisal.state, "draft")
        # the mass confirmation from the list, then the review goes
        action = appraisal.with_user(self.user_leader).action_mass_confirm_outcomes()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(task.outcome_confirmed)
        as_leader.action_review()
        self.assertEqual(appraisal.state, "reviewed")

    def test_review_guard_not_for_the_employee(self):
        appraisal = self.scored(self.emp_staff)
        as_staff = appraisal.with_user(self.user_staff)
        self.assertFalse(as_staff.kpi_edit_review)
        with self.assertRaises(UserError):
            as_staff.action_review()
        self.assertEqual(appraisal.state, "draft")

    # ---- finding 3: read-only what the user cannot change --------------------

    def test_edit_flags_follow_the_write_guard(self):
        appraisal = self.scored(self.emp_staff)
        as_staff = appraisal.with_user(self.user_staff)
        as_leader = appraisal.with_user(self.user_leader)
        # the employee: his self-evaluation only
        self.assertTrue(as_staff.kpi_edit_self)
        self.assertFalse(as_staff.kpi_edit_review)
        self.assertFalse(as_staff.kpi_edit_config)
        as_staff.write({"strengths": "On time"})
        with self.assertRaises(UserError):
            as_staff.write({"evaluator_comment": "Mine"})
        # the evaluator: the review, not the header nor the decision
        self.assertTrue(as_leader.kpi_edit_review)
        self.assertFalse(as_leader.kpi_edit_config)
        self.assertFalse(as_leader.kpi_edit_decider)
        as_leader.write({"evaluator_comment": "Good"})
        with self.assertRaises(AccessError):
            as_leader.write({"job_title": "Chief"})
        with self.assertRaises(AccessError):
            as_leader.write({"decider_comment": "I decide"})
        # once submitted, the employee's fields are read-only too
        as_staff.action_submit_self()
        as_staff.invalidate_recordset()
        self.assertFalse(as_staff.kpi_edit_self)
        with self.assertRaises(UserError):
            as_staff.write({"strengths": "Changed"})
        # the form reads the same flags
        arch = etree.fromstring(self.env["hr.kpi.appraisal"].get_view()["arch"])
        for fname, flag in (
            ("strengths", "kpi_edit_self"),
            ("level_proposed", "kpi_edit_review"),
            ("decider_comment", "kpi_edit_decider"),
            ("job_title", "kpi_edit_config"),
        ):
            node = arch.xpath(f"//field[@name='{fname}']")[0]
            self.assertIn(flag, node.get("readonly") or "", fname)
        self.assertEqual(
            arch.xpath("//field[@name='level_final']")[0].get("readonly"), "1"
        )

    def test_task_flags_and_vietnamese_field_names(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_vn_hr_kpi"], ["vi_VN"], overwrite=True
        )
        self.user_staff.lang = "vi_VN"
        task = self.make_task(self.emp_staff, done=0.0, state="in_progress")
        as_staff = task.with_user(self.user_staff).with_context(lang="vi_VN")
        self.assertTrue(as_staff.kpi_edit_progress)
        self.assertFalse(as_staff.kpi_edit_planning)
        self.assertFalse(as_staff.kpi_edit_outcome)
        as_leader = task.with_user(self.user_leader)
        self.assertTrue(as_leader.kpi_edit_planning and as_leader.kpi_edit_outcome)
        with self.assertRaises(AccessError) as caught:
            as_staff.write({"quantity": 5.0})
        label = (
            self.env["hr.kpi.task"]
            ._fields["quantity"]
            .get_description(self.env(context={"lang": "vi_VN"}))["string"]
        )
        self.assertNotEqual(label, "Quantity", "no Vietnamese label for quantity")
        self.assertIn(label, str(caught.exception))
        self.assertNotIn("Quantity", str(caught.exception))
        self.assertEqual(task.quantity, 1.0)
        arch = etree.fromstring(self.env["hr.kpi.task"].get_view()["arch"])
        node = arch.xpath("//field[@name='quantity']")[0]
        self.assertIn("kpi_edit_planning", node.get("readonly"))

    # ---- finding 7: mass actions report per record ---------------------------

    def test_mass_publish_reports_per_record(self):
        mine = self.scored(self.emp_staff)
        other = self.scored(self.emp_staff2)
        (mine | other).sudo().write({"state": "decided", "level_final": "done"})
        # the staff cannot publish: both refused, nothing changed
        both = (mine | other).with_user(self.user_head)
        as_leader = both.with_user(self.user_leader)
        result = as_leader.action_mass_publish()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn(self.emp_staff.name, result["params"]["message"])
        self.assertEqual(set((mine | other).mapped("state")), {"decided"})
        # one of them locked by HR in between: the head publishes the other,
        # and is told which one was refused and why
        other.sudo().write({"state": "locked"})
        result = both.action_mass_publish()
        self.assertEqual(mine.state, "published")
        self.assertEqual(other.state, "locked")
        self.assertIn("1", result["params"]["title"])
        self.assertIn(self.emp_staff2.name, result["params"]["message"])
        # the head locks the published one
        both.action_mass_lock()
        self.assertEqual(mine.state, "locked")

    # ---- finding 8: the reason of every lowering in Mẫu 01A -----------------

    def test_01a_gives_a_reason_for_each_lowered_row(self):
        by_quota = self.scored(self.emp_staff)
        by_decider = self.scored(self.emp_staff2, done=1.0)
        kept = self.scored(self.emp_leader, done=1.0)
        self.assertEqual(by_quota.level_computed, "excellent")
        lower = by_decider.level_computed
        self.assertNotEqual(lower, "fail")
        below = {"excellent": "good", "good": "done", "done": "fail"}
        by_quota.sudo().write(
            {"state": "decided", "level_proposed": "excellent", "level_final": "good"}
        )
        by_decider.sudo().write(
            {
                "state": "decided",
                "level_proposed": lower,
                "level_final": below[lower],
                "decider_comment": "Late reports",
            }
        )
        kept.sudo().write(
            {
                "state": "decided",
                "level_proposed": kept.level_computed,
                "level_final": kept.level_computed,
            }
        )
        form = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]._get_form_data(
            self.period, self.department
        )
        rows = {row["name"]: row for row in form["rows"]}
        self.assertIn("20", rows[self.emp_staff.name]["reasons"])
        self.assertIn("Late reports", rows[self.emp_staff2.name]["reasons"])
        self.assertEqual(
            rows[self.emp_leader.name]["reasons"], kept.level_reasons or ""
        )
        # every row lowered below its proposal or its computed level has one
        for appraisal in by_quota | by_decider | kept:
            level = appraisal.level_final
            if (
                min(
                    LEVEL_RANK[appraisal.level_proposed],
                    LEVEL_RANK[appraisal.level_computed],
                )
                > LEVEL_RANK[level]
                or appraisal.level_reasons
            ):
                self.assertTrue(rows[appraisal.employee_id.name]["reasons"])
        # the phiếu of the lowered person says the same
        (sheet,) = self.env[
            "report.l10n_vn_hr_kpi.report_appraisal_sheet"
        ]._get_form_data(by_quota)
        self.assertIn("20", sheet["level_reasons"])
        # the employee does not see the decision's reason before publication
        (own,) = (
            self.env["report.l10n_vn_hr_kpi.report_appraisal_sheet"]
            .with_user(self.user_staff)
            ._get_form_data(by_quota.with_user(self.user_staff))
        )
        self.assertNotIn("20", own["level_reasons"])

    def test_02_totals_per_unit_of_measure(self):
        self.product_std.uom_name = "hồ sơ"
        self.product_k2.uom_name = "buổi"
        self.make_task(self.emp_staff, quantity=12.0, name="Hồ sơ")
        self.make_task(self.emp_staff, self.product_k2, quantity=3.0, name="Họp")
        appraisal = self.make_appraisal(self.emp_staff)
        (form,) = self.env["report.l10n_vn_hr_kpi.report_task_list"]._get_form_data(
            appraisal
        )
        totals = form["totals"]
        self.assertEqual(totals["count"], 2)
        self.assertEqual(
            {uom["uom"]: uom["quantity"] for uom in totals["by_uom"]},
            {"hồ sơ": 12.0, "buổi": 3.0},
        )
        self.assertEqual(totals["quantity_by_uom"], "12 hồ sơ, 3 buổi")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("l10n_vn_hr_kpi.action_report_task_list", appraisal.ids)[
                0
            ]
            .decode()
        )
        # never "15" work items from 12 files and 3 meetings
        self.assertNotIn(">15<", html.replace(" ", ""))
        self.assertIn("Tổng số công việc cần thực hiện trong kỳ: <b>2</b>", html)

    # ---- finding 9: the reader's language ------------------------------------

    def test_names_and_numbers_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_vn_hr_kpi"], ["vi_VN"], overwrite=True
        )
        env_vi = self.env(context=dict(self.env.context, lang="vi_VN"))
        env_en = self.env(context=dict(self.env.context, lang="en_US"))
        self.assertEqual(fmt_number(env_vi, 91.41), "91,41")
        self.assertEqual(fmt_number(env_vi, 20.0), "20")
        self.assertEqual(fmt_number(env_en, 91.41), "91.41")
        # a weekly report created by the (English) system for a Vietnamese user
        self.user_staff.lang = "vi_VN"
        report = (
            self.env["hr.kpi.weekly.report"]
            .with_context(lang="en_US")
            .create({"employee_id": self.emp_staff.id, "date_start": date(2026, 5, 18)})
        )
        self.assertTrue(report.name.startswith("Tuần 21/2026"), report.name)
        # the to-do of the evaluator is named in his language
        self.user_leader.lang = "vi_VN"
        appraisal = self.scored(self.emp_staff).with_context(lang="en_US")
        appraisal.with_user(self.user_staff).action_submit_self()
        activity = appraisal.activity_ids.filtered(
            lambda a: a.user_id == self.user_leader
        )
        self.assertEqual(activity.summary, "Đánh giá")

    # ---- finding 6: who holds each excellent slot ---------------------------

    def test_decision_screen_shows_the_slot_holders(self):
        appraisals = self.env["hr.kpi.appraisal"]
        for employee in (self.emp_staff, self.emp_staff2, self.emp_leader):
            appraisals |= self.scored(employee)
        appraisals.sudo().write({"state": "reviewed", "level_proposed": "excellent"})
        self.assertEqual(set(appraisals.mapped("level_computed")), {"excellent"})
        decision = (
            self.env["hr.kpi.decision"]
            .with_user(self.user_head)
            .create({"period_id": self.period.id, "department_id": self.department.id})
        )
        self.assertTrue(decision.line_ids)
        # each row says why it is capped (the reasons of the rules)
        arch = etree.fromstring(decision.get_view()["arch"])
        self.assertTrue(
            arch.xpath("//field[@name='line_ids']//field[@name='level_reasons']")
        )
        (result,) = self.env["hr.kpi.quota"]._check(
            appraisals,
            levels={line.appraisal_id.id: line.level for line in decision.line_ids},
        )
        held = decision.quota_holders.split("Held by:")[1]
        for appraisal in result.excellent[: result.cap]:
            self.assertIn(appraisal.employee_id.name, held)
        for appraisal in result.excellent[result.cap :]:
            self.assertNotIn(appraisal.employee_id.name + " (", held)
        if not result.cap:
            self.assertIn("nobody", held)


@tagged("post_install", "-at_install")
class TestUiScreensRpc(HttpCase):
    """The demo's evaluator and employee over /web/dataset/call_kw, with every
    guard key of the addon in the context: a refused review or mass action
    changes nothing (read back as superuser)."""

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

    def _snapshot(self, appraisals):
        appraisals.invalidate_recordset()
        return appraisals.sudo().read(["state", "level_proposed", "level_final"])

    def test_refusals_over_rpc_change_nothing(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        mine = Appraisal.search(
            [
                ("evaluator_employee_id.user_id.login", "=", "phophong"),
                ("state", "in", ("draft", "self_submitted")),
                ("level_computed", "!=", "excellent"),
            ],
            limit=1,
        )
        self.assertTrue(mine, "the demo has a month for the deputy to review")
        mine.sudo().write({"level_proposed": "excellent"})
        self.authenticate("phophong", "phophong")
        before = self._snapshot(mine)
        with self.assertRaises(JsonRpcException) as caught:
            self._call(mine._name, "action_review", [mine.ids])
        self.assertEqual(str(caught.exception), "odoo.exceptions.UserError")
        self.assertEqual(self._snapshot(mine), before)
        # the mass review reports the refusal, and changes nothing either
        result = self._call(mine._name, "action_mass_review", [mine.ids])
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(self._snapshot(mine), before)
        # the employee cannot publish or lock anything through the lists
        decided = Appraisal.search([("state", "=", "decided")], limit=2)
        published = Appraisal.search([("state", "=", "published")], limit=2)
        self.authenticate("nhanvien", "nhanvien")
        for method, records in (
            ("action_mass_publish", decided),
            ("action_mass_lock", published),
        ):
            if not records:
                continue
            before = self._snapshot(records)
            try:
                result = self._call(records._name, method, [records.ids])
                self.assertEqual(result["params"]["type"], "warning")
            except JsonRpcException as error:
                self.assertIn(str(error), REFUSALS)
            self.assertEqual(self._snapshot(records), before)


@tagged("post_install", "-at_install")
class TestUiScreensHome(KpiCommon):
    """Finding 1: each role lands on the screen of its part of the month."""

    def _home(self, user):
        return self.env["hr.kpi.appraisal"].with_user(user).action_kpi_home()

    def _xmlid(self, action):
        return (
            self.env["ir.actions.act_window"]
            .browse(action["id"])
            .get_external_id()[action["id"]]
        )

    def test_home_per_role(self):
        mine = self.make_appraisal(
            self.emp_staff,
            evaluator_employee_id=self.emp_leader.id,
            decider_employee_id=self.emp_head.id,
        )
        # the employee: his month in progress, on its form
        home = self._home(self.user_staff)
        self.assertEqual((home["res_model"], home["res_id"]), (mine._name, mine.id))
        # the evaluator: his reviews
        self.assertEqual(
            self._xmlid(self._home(self.user_leader)),
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action_to_review",
        )
        # the head: his decisions once something waits for him
        mine.sudo().write({"state": "reviewed", "level_proposed": "done"})
        self.assertEqual(
            self._xmlid(self._home(self.user_head)),
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action_to_decide",
        )
        # the HR officer: the months
        self.assertEqual(
            self._xmlid(self._home(self.user_hr)), "l10n_vn_hr_kpi.hr_kpi_period_action"
        )
        # the employee with no month in progress: his appraisals
        home = self._home(self.user_staff)
        self.assertFalse(home.get("res_id"))
        self.assertEqual(self._xmlid(home), "l10n_vn_hr_kpi.hr_kpi_appraisal_action_my")

    def test_home_action_set_only_when_empty(self):
        home = self.env.ref("l10n_vn_hr_kpi.hr_kpi_action_home")
        chosen = self.env.ref("l10n_vn_hr_kpi.hr_kpi_appraisal_action_my")
        self.user_staff.action_id = False
        self.user_leader.action_id = chosen.id
        self.env["res.users"]._kpi_set_home_actions()
        self.assertEqual(self.user_staff.action_id.id, home.id)
        self.assertEqual(self.user_leader.action_id.id, chosen.id)
