"""A home per role: the KPI user lands on the screen of his or her
part of the month, not on an empty Discuss."""

from odoo import api, models

from ..const import MODULE


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    @api.model
    def action_kpi_home(self):
        """The first screen of the current user's KPI role: the HR officer's
        months, the head's decisions, the evaluator's reviews, the employee's
        own month (opened on this month's appraisal)."""
        user = self.env.user
        Action = self.env["ir.actions.act_window"]
        if user.has_group(f"{MODULE}.group_kpi_hr_officer"):
            return Action._for_xml_id(f"{MODULE}.hr_kpi_period_action")
        if user.has_group(f"{MODULE}.group_kpi_head") and self.search_count(
            self._kpi_domain_to_decide(), limit=1
        ):
            return Action._for_xml_id(f"{MODULE}.hr_kpi_appraisal_action_to_decide")
        if user.has_group(f"{MODULE}.group_kpi_evaluator") and self.search_count(
            self._kpi_domain_to_review(), limit=1
        ):
            return Action._for_xml_id(f"{MODULE}.hr_kpi_appraisal_action_to_review")
        action = Action._for_xml_id(f"{MODULE}.hr_kpi_appraisal_action_my")
        mine = self.search(self._kpi_domain_my_self(), limit=1)
        if mine:
            # the month in progress, on its form
            action.update(
                {"res_id": mine.id, "view_mode": "form", "views": [(False, "form")]}
            )
        return action


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _kpi_set_home_actions(self):
        """Give the KPI users without a home action the KPI home (their role's
        screen); a home chosen by the user or the administrator stays."""
        home = self.env.ref(f"{MODULE}.hr_kpi_action_home", raise_if_not_found=False)
        group = self.env.ref(f"{MODULE}.group_kpi_employee", raise_if_not_found=False)
        if not home or not group:
            return
        # sudo: run at install/upgrade, the home action of the KPI users only
        users = (
            self.sudo()
            .with_context(active_test=True)
            .search([("groups_id", "in", group.ids), ("action_id", "=", False)])
        )
        users.filtered(lambda u: not u.share).write({"action_id": home.id})
