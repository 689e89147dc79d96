from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.hr_kpi_locale import fmt_number


class HrKpiDecision(models.TransientModel):
    """The head's decision screen: a unit's month with the self, evaluator
    and computed results, the quota status and the ranked list; decides
    every line at once (SPEC §4.5, §6)."""

    _name = "hr.kpi.decision"
    _description = "Decide a unit's month"

    period_id = fields.Many2one(
        "hr.kpi.period", required=True, default=lambda self: self._default_period_id()
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        required=True,
        default=lambda self: self._default_department_id(),
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
        return self.env["hr.kpi.period"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )

    @api.model
    def _default_department_id(self):
        context = self.env.context
        if context.get("active_model") == "hr.department":
            return context.get("active_id")
        return self.env.user.kpi_head_department_ids[:1]

    @api.depends("period_id", "department_id")
    def _compute_line_ids(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        Quota = self.env["hr.kpi.quota"]
        for decision in self:
            appraisals = Appraisal.search(
                [
                    ("period_id", "=", decision.period_id.id),
                    ("department_id", "=", decision.department_id.id),
                    ("state", "=", "reviewed"),
                ]
            ).filtered("can_decide")
            ranked = appraisals.sorted(Quota._rank_key)
            decision.line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "appraisal_id": appraisal.id,
                        "rank": rank,
                        "level": appraisal.level_decision,
                    }
                )
                for rank, appraisal in enumerate(ranked, start=1)
            ]

    @api.depends("line_ids.level", "exception_id")
    def _compute_quota(self):
        Appraisal = self.env["hr.kpi.appraisal"]
        for decision in self:
            unit = Appraisal.search(
                [
                    ("period_id", "=", decision.period_id.id),
                    ("department_id", "=", decision.department_id.id),
                ]
            )
            levels = {
                line.appraisal_id.id: line.level
                for line in decision.line_ids
                if line.appraisal_id
            }
            results = self.env["hr.kpi.quota"]._check(
                unit, exception=bool(decision.exception_id), levels=levels
            )
            decision.quota_holds = all(result.holds for result in results)
            decision.quota_mode = results[0].mode if results else "block"
            decision.quota_summary = "\n".join(
                self.env._(
                    "%(group)s: %(count)s excellent for a cap of %(cap)s "
                    "(%(percent)s %% of %(denominator)s)%(status)s",
                    group=result.task_group or self.env._("Whole unit"),
                    count=result.count,
                    cap=result.cap,
                    percent=fmt_number(self.env, result.percent),
                    denominator=result.denominator,
                    status=""
                    if result.holds
                    else self.env._(
                        " — over the cap: %(names)s",
                        names=", ".join(result.over_cap.mapped("employee_id.name")),
                    ),
                )
                for result in results
            ) or self.env._("Nobody to decide in this unit and period.")

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
