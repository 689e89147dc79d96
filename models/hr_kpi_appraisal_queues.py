"""The queues of each user on the appraisals: what to self-evaluate, to review,
to decide, and the appraisals of the units he heads (menus, Overview
counters)."""

from odoo import api, models


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    # The queues of each user (menus, Overview counters): one definition each.
    # They filter on the user's employees and units by id, which the indexes
    # serve: a path such as ``evaluator_employee_id.user_id`` is a sub-query
    # the planner cannot drive from, and a unit head's page then walked the
    # whole month (0.6 s for a 50-person unit among 200,000 staff).

    @api.model
    def _kpi_user_employee_ids(self):
        """The ids of the current user's employees, archived ones included
        (as the ``.user_id`` path they replace)."""
        return (
            self.env["hr.employee"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.env.uid)])
            .ids
        )

    @api.model
    def _kpi_domain_my_self(self):
        return [
            ("employee_id", "in", self._kpi_user_employee_ids()),
            "|",
            ("state", "=", "draft"),
            "&",
            ("state", "=", "returned"),
            ("returned_to", "=", "employee"),
        ]

    @api.model
    def _kpi_domain_to_review(self):
        return [
            ("evaluator_employee_id", "in", self._kpi_user_employee_ids()),
            "|",
            ("state", "in", ("draft", "self_submitted")),
            "&",
            ("state", "=", "returned"),
            ("returned_to", "=", "evaluator"),
        ]

    @api.model
    def _kpi_domain_to_decide(self):
        employee_ids = self._kpi_user_employee_ids()
        return [
            ("state", "=", "reviewed"),
            "|",
            ("decider_employee_id", "in", employee_ids),
            ("acting_deputy_employee_id", "in", employee_ids),
        ]

    @api.model
    def _action_open_my_unit(self):
        """The appraisals of the units the user heads or is focal point of
        (with their sub-units, archived ones too) and of the staff he decides
        for, this month first."""
        user = self.env.user
        departments = (
            self.env["hr.department"]
            .with_context(active_test=False)
            .search(
                [
                    (
                        "id",
                        "child_of",
                        (
                            user.kpi_head_department_ids | user.kpi_focal_department_ids
                        ).ids,
                    )
                ]
            )
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_appraisal_action"
        )
        action.update(
            {
                "name": self.env._("My Unit This Month"),
                "domain": [
                    "|",
                    ("department_id", "in", departments.ids),
                    ("decider_employee_id", "in", self._kpi_user_employee_ids()),
                ],
                "context": {
                    "create": False,
                    "search_default_filter_current_month": 1,
                    "search_default_group_state": 1,
                },
            }
        )
        return action
