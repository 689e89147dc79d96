"""Months not evaluated: in the ward's current month, one staff member on
maternity leave for the whole month is marked not evaluated by the HR officer
(through the wizard of the workflow step), and one on sick leave for most of
it is only suggested, waiting for a person to confirm."""

from datetime import datetime, time, timedelta

from odoo import fields

from .common import installer_env


def generate(env, company, today):
    """The month not evaluated and the suggested one (see the docstring)."""
    hr_user = env.ref("l10n_vn_hr_kpi.user_hr_demo", raise_if_not_found=False)
    if not hr_user:
        return
    env = installer_env(env, company)
    period = env["hr.kpi.period"].search(
        [("company_id", "=", company.id), ("state", "=", "open")],
        order="date_start desc",
        limit=1,
    )
    if not period:
        return
    drafts = env["hr.kpi.appraisal"].search(
        [
            ("period_id", "=", period.id),
            ("state", "=", "draft"),
            ("employee_id.user_id", "=", False),
            ("employee_id.resource_id", "!=", False),
            ("is_leader", "=", False),
        ],
        order="id desc",
        limit=2,
    )
    if len(drafts) < 2:
        return
    on_maternity, on_sick_leave = drafts
    leave(
        env,
        on_maternity.employee_id,
        period.date_start,
        period.date_end,
        "Nghỉ thai sản",
    )
    leave(
        env,
        on_sick_leave.employee_id,
        period.date_start,
        period.date_start + timedelta(days=20),
        "Nghỉ ốm dài ngày",
    )
    # the HR officer confirms the first one, through the step's wizard
    env["hr.kpi.appraisal.not.evaluated"].with_user(hr_user).with_context(
        tracking_disable=True
    ).create(
        {
            "appraisal_ids": [fields.Command.set(on_maternity.ids)],
            "reason_type": "maternity",
            "reason": "Nghỉ thai sản cả tháng theo quyết định của Chủ tịch UBND "
            "phường.",
        }
    ).action_confirm()


def leave(env, employee, first, last, name):
    """A leave of ``employee`` from ``first`` to ``last`` (whole days)."""
    return env["resource.calendar.leaves"].create(
        {
            "name": name,
            "resource_id": employee.resource_id.id,
            "calendar_id": employee.resource_calendar_id.id,
            "date_from": datetime.combine(first, time(0, 0)),
            "date_to": datetime.combine(last, time(23, 59)),
            "time_type": "leave",
        }
    )
