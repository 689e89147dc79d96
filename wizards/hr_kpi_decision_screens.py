from odoo import api, fields, models


class HrKpiDecision(models.TransientModel):
    """Who holds each excellent slot of the quota, on the decision screen:
    the head sees whom the cap is given to, decided earlier or being decided
    here."""

    _inherit = "hr.kpi.decision"

    quota_holders = fields.Text(
        string="Excellent slots", compute="_compute_quota_holders"
    )

    @api.depends("line_ids.level", "exception_id", "period_id", "department_id")
    def _compute_quota_holders(self):
        Quota = self.env["hr.kpi.quota"]
        _ = self.env._
        for decision in self:
            levels = {
                line.appraisal_id.id: line.level
                for line in decision.line_ids
                if line.appraisal_id
            }
            scopes = decision._kpi_quota_scopes()
            lines = []
            for unit, _period, appraisals in scopes:
                prefix = f"{unit.name} – " if len(scopes) > 1 else ""
                results = Quota._check(
                    appraisals, exception=bool(decision.exception_id), levels=levels
                )
                for result in results:
                    holders = [
                        _("%(name)s (on this screen)", name=appraisal.employee_id.name)
                        if appraisal.id in levels
                        else _("%(name)s (decided)", name=appraisal.employee_id.name)
                        for appraisal in result.excellent[: result.cap]
                    ]
                    lines.append(
                        prefix
                        + _(
                            "%(group)s: %(cap)s slot(s), %(free)s free. Held by: "
                            "%(holders)s",
                            group=result.task_group
                            or decision._kpi_group_label(result, results),
                            cap=result.cap,
                            free=max(result.cap - result.count, 0),
                            holders=", ".join(holders) or _("nobody"),
                        )
                    )
            decision.quota_holders = "\n".join(lines) or False
