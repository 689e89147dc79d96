from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.hr_kpi_locale import fmt_number


class HrKpiDecision(models.TransientModel):
    """The head's decision screen: a unit's month with the self, evaluator
    and computed results, the quota status and the ranked list; decides
    every line at once."""

    _name = "hr.kpi.decision"
    _description = "Decide a unit's month"

    period_id = fields.Many2one(
        "hr.kpi.period", required=True, default=lambda self: self._default_period_id()
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        default=lambda self: self._default_department_id(),
        help="Empty: everyone you decide this month, in every unit (the chairman "
        "decides the heads of the sub-units from one screen).",
    )
    appraisal_ids = fields.Many2many(
        "hr.kpi.appraisal",
        string="Selected appraisals",
        default=lambda self: self._default_appraisal_ids(),
        help="The appraisals selected in a list (mass decide): only those are "
        "on the screen.",
    )
    left_out = fields.Text(
        compute="_compute_line_ids",
        store=True,
        string="Not on this screen",
        help="The selected appraisals that cannot be decided here, and why.",
    )
    line_ids = fields.One2many(
        "hr.kpi.decision.line",
        "decision_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    quota_summary = fields.Text(compute="_compute_quota", string="Quota")
    quota_holds = fields.Boolean(compute="_compute_quota")
    quota_mode = fields.Selection(
        [("block", "Block"), ("warn", "Warn and justify")], compute="_compute_quota"
    )
    justification = fields.Text(
        help="Required to decide over the quota when the rule set warns instead of "
        "blocking."
    )
    exception_id = fields.Many2one(
        "hr.kpi.quota.exception",
        string="Exception approval",
        domain="[('department_id', 'parent_of', department_id), "
        "('date_from', '<=', period_start), ('date_to', '>=', period_start)]",
        help="The approval (recorded by the HR office or the superior unit) that "
        "allows the exception quota for an outstanding unit.",
    )
    period_start = fields.Date(related="period_id.date_start")

    @api.model
    def _default_period_id(self):
        context = self.env.context
        if context.get("active_model") == "hr.kpi.period":
            return context.get("active_id")
        selected = self._default_appraisal_ids()._filtered_access("read")
        if selected:
            # the month of the selection (mass decide), the latest if several
            return selected.period_id.sorted("date_start", reverse=True)[:1]
        return self.env["hr.kpi.period"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )

    @api.model
    def _default_department_id(self):
        """The unit the screen opens on: the one of the context, else the
        user's unit when he decides somebody in it this month; else none, and
        the screen lists everyone he decides, in every unit."""
        context = self.env.context
        if context.get("active_model") == "hr.department":
            return context.get("active_id")
        if self._default_appraisal_ids():
            return False
        unit = self.env.user.kpi_head_department_ids[:1]
        period = self._default_period_id()
        if not unit or not period:
            return unit
        Appraisal = self.env["hr.kpi.appraisal"]
        mine = Appraisal.search(
            [("period_id", "=", int(period)), *Appraisal._kpi_domain_to_decide()]
        )
        if mine and mine.department_id != unit:
            # he decides people of other units (the chairman, the heads of
            # the sub-units): all of them on one screen
            return False
        return unit

    @api.model
    def _default_appraisal_ids(self):
        """The appraisals selected in a list (the mass decide action); each is
        still checked (can_decide, then _decide's guards)."""
        context = self.env.context
        if context.get("active_model") == "hr.kpi.appraisal" and context.get(
            "active_ids"
        ):
            return self.env["hr.kpi.appraisal"].browse(context["active_ids"]).exists()
        return self.env["hr.kpi.appraisal"]

    def _kpi_candidates(self):
        """The appraisals of the screen: the selection, or the unit's reviewed
        ones, or (no unit) every reviewed one the user decides this month."""
        self.ensure_one()
        Appraisal = self.env["hr.kpi.appraisal"]
        if self.appraisal_ids:
            return self.appraisal_ids
        domain = [("period_id", "=", self.period_id.id), ("state", "=", "reviewed")]
        if self.department_id:
            domain.append(("department_id", "=", self.department_id.id))
        else:
            domain += Appraisal._kpi_domain_to_decide()
        return Appraisal.search(domain)

    @api.depends("period_id", "department_id", "appraisal_ids")
    def _compute_line_ids(self):
        Quota = self.env["hr.kpi.quota"]
        _ = self.env._
        for decision in self:
            candidates = decision._kpi_candidates()
            # nothing of an appraisal the user may not read
            readable = candidates._filtered_access("read")
            appraisals = readable.filtered(
                lambda a: a.state == "reviewed" and a.can_decide
            )
            left_out = [
                _("%(name)s: not reviewed yet.", name=a.display_name)
                if a.state != "reviewed"
                else _("%(name)s: you do not decide this person.", name=a.display_name)
                for a in readable - appraisals
            ]
            if candidates - readable:
                left_out.append(
                    _(
                        "%(count)s appraisal(s) you may not read.",
                        count=len(candidates - readable),
                    )
                )
            decision.left_out = "\n".join(left_out) or False
            commands = [fields.Command.clear()]
            # by unit, each ranked within its unit (its quota)
            units = appraisals.grouped(lambda a: (a.department_id, a.period_id))
            for unit, _period in sorted(
                units, key=lambda key: (key[0].complete_name or "", key[1].id)
            ):
                ranked = units[unit, _period].sorted(Quota._rank_key)
                commands += [
                    fields.Command.create(
                        {
                            "appraisal_id": appraisal.id,
                            "rank": rank,
                            "level": appraisal._kpi_prefill_level(),
                        }
                    )
                    for rank, appraisal in enumerate(ranked, start=1)
                ]
            decision.line_ids = commands

    def _kpi_group_label(self, result, results):
        """The name of a quota group without a task group: the whole unit,
        with its rule set when the unit has staff under several (NĐ 335 and
        NĐ 233 in a school)."""
        label = self.env._("Whole unit")
        if len(results) > 1:
            label = f"{label} ({result.rule_set.name})"
        return label

    def _kpi_quota_scopes(self):
        """[(unit, period, every appraisal of that unit and month)] the quota
        of this screen is checked on: the unit chosen, or each unit of the
        lines."""
        self.ensure_one()
        Appraisal = self.env["hr.kpi.appraisal"]
        if self.department_id and not self.appraisal_ids:
            keys = [(self.department_id, self.period_id)]
        else:
            # sudo: the unit and month of appraisals the user decides (lines)
            lines = self.line_ids.appraisal_id.sudo()
            keys = sorted(
                {(a.department_id.with_env(self.env), a.period_id) for a in lines},
                key=lambda key: (key[0].complete_name or "", key[1].id),
            )
        return [
            (
                unit,
                period,
                Appraisal.search(
                    [("period_id", "=", period.id), ("department_id", "=", unit.id)]
                ),
            )
            for unit, period in keys
        ]

    @api.depends("line_ids.level", "exception_id")
    def _compute_quota(self):
        _ = self.env._
        for decision in self:
            levels = {
                line.appraisal_id.id: line.level
                for line in decision.line_ids
                if line.appraisal_id
            }
            scopes = decision._kpi_quota_scopes()
            texts, holds, mode = [], True, "block"
            for unit, _period, appraisals in scopes:
                results = self.env["hr.kpi.quota"]._check(
                    appraisals, exception=bool(decision.exception_id), levels=levels
                )
                holds = holds and all(result.holds for result in results)
                if results and results[0].mode == "warn":
                    mode = "warn"
                prefix = f"{unit.name} – " if len(scopes) > 1 else ""
                texts += [
                    prefix
                    + _(
                        "%(group)s: %(count)s excellent for a cap of %(cap)s "
                        "(%(percent)s %% of %(denominator)s)%(status)s",
                        group=result.task_group
                        or decision._kpi_group_label(result, results),
                        count=result.count,
                        cap=result.cap,
                        percent=fmt_number(self.env, result.percent),
                        denominator=result.denominator,
                        status=""
                        if result.holds
                        else _(
                            " — over the cap: %(names)s",
                            names=", ".join(result.over_cap.mapped("employee_id.name")),
                        ),
                    )
                    for result in results
                ]
            decision.quota_holds = holds
            decision.quota_mode = mode
            decision.quota_summary = "\n".join(texts) or _(
                "Nobody to decide in this unit and period."
            )

    def action_decide(self):
        self.ensure_one()
        lines = self.line_ids.filtered("appraisal_id")
        if not lines:
            raise UserError(
                self.env._("There is nothing to decide in this unit and period.")
            )
        self.env["hr.kpi.appraisal"]._decide(
            {line.appraisal_id: line.level for line in lines},
            justification=self.justification,
            exception=self.exception_id,
        )
        return {"type": "ir.actions.act_window_close"}
