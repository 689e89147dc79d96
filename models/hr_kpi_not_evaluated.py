"""Months not evaluated (không đánh giá), as a service.

A month is marked not evaluated by a person (the HR officer or the decider,
``hr.kpi.appraisal.action_mark_not_evaluated``): it then has no score counted
and no level anywhere (quota, roll-up, unit result of the leader, dashboards,
reminders). The addon only *suggests* it, from the data it has:

- absences of at least the rule set's ``not_evaluated_absence_days`` working
  days in the month, read from ``resource.calendar.leaves`` of the employee's
  resource (where Odoo Time Off writes the validated leaves, when it is
  installed; the addon does not depend on it), on the employee's working
  calendar without the public holidays;
- a configuration starting less than ``not_evaluated_service_days`` days
  before the end of the month, that does not continue one in force the day
  before in the same unit and subject group (appointed less than a month ago);
- a finding on the employee of a public-service inspection of the month that
  is not concluded yet (under inspection).

The disciplinary and conclusion events are decisions, not inspections under
way: they are vetoes of an evaluated month (NĐ 335/2025 Điều 20 khoản 4), so
they suggest nothing here.

Source: QĐ 1923/QĐ-CĐKT Điều 21 khoản 6.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, models
from odoo.tools import float_round, format_date

from odoo.addons.resource.models.utils import Intervals

from ..const import NOT_EVALUATED_FROM

# Words of a time-off type that propose a reason category in the wizard; the
# person who confirms chooses the category anyway.
REASON_WORDS = {
    "maternity": ("maternity", "thai sản", "sinh con"),
    "sick_leave": ("sick", "ốm", "bệnh", "điều trị"),
    "training": ("training", "đào tạo", "bồi dưỡng", "học tập"),
}


def not_evaluated_reason_selection():
    """Why a month is not evaluated (QĐ 1923 Điều 21 khoản 6)."""
    return [
        ("long_leave", "Long leave"),
        ("training", "Training"),
        ("maternity", "Maternity leave"),
        ("sick_leave", "Sick leave"),
        ("new_appointment", "Appointed less than a month ago"),
        ("inspection", "Under inspection"),
        ("other", "Other"),
    ]


class HrKpiNotEvaluated(models.AbstractModel):
    _name = "hr.kpi.not.evaluated"
    _description = "Months not evaluated: suggestions"

    @api.model
    def _suggestions(self, appraisals):
        """``{appraisal id: [(reason category, text), ...]}`` for the
        appraisals of ``appraisals`` that may be marked not evaluated and
        whose data suggest it; in a few queries per month, whatever the number
        of appraisals. Read in sudo: the figures of an employee's leaves,
        configurations and inspections, shown to those who read his
        appraisal."""
        # sudo: the leaves, configurations and findings of the appraised
        # employees are read for a suggestion on appraisals the user reads
        appraisals = appraisals.sudo().filtered(
            lambda a: a.state in NOT_EVALUATED_FROM and a.period_id and a.rule_set_id
        )
        # sudo: same reads (see above)
        service = self.sudo()
        result = defaultdict(list)
        for period, group in appraisals.grouped("period_id").items():
            for finder in (
                service._suggest_absences,
                service._suggest_new_appointments,
                service._suggest_inspections,
            ):
                for appraisal_id, suggestion in finder(period, group):
                    result[appraisal_id].append(suggestion)
        return dict(result)

    # ------------------------------------------------------------------
    # Absences (resource.calendar.leaves)
    # ------------------------------------------------------------------

    @api.model
    def _leave_label(self, leave):
        """The time-off type of a leave written by Odoo Time Off, else the
        leave's own name."""
        if (
            "hr.leave" in self.env
            and "holiday_id" in leave._fields
            and leave.holiday_id
            and leave.holiday_id.holiday_status_id
        ):
            return leave.holiday_id.holiday_status_id.name
        return leave.name or ""

    @api.model
    def _reason_of(self, labels):
        """The reason category the words of ``labels`` propose."""
        text = " ".join(labels).lower()
        for reason, words in REASON_WORDS.items():
            if any(word in text for word in words):
                return reason
        return "long_leave"

    @api.model
    def _month_bounds(self, period, tz_name):
        tz = timezone(tz_name or "UTC")
        start = tz.localize(datetime.combine(period.date_start, time.min))
        end = tz.localize(datetime.combine(period.date_end, time.max))
        return start, end

    @api.model
    def _suggest_absences(self, period, appraisals):
        employees = appraisals.employee_id.filtered("resource_id")
        if not employees:
            return []
        first, last = self._month_bounds(period, "UTC")
        # a day of margin each side: the calendars' time zones
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "in", employees.resource_id.ids),
                ("date_from", "<=", (last + timedelta(days=1)).replace(tzinfo=None)),
                ("date_to", ">=", (first - timedelta(days=1)).replace(tzinfo=None)),
            ]
        )
        by_resource = leaves.grouped("resource_id")
        absent = employees.filtered(lambda e: e.resource_id in by_resource)
        by_calendar = absent.grouped(
            lambda e: e.resource_calendar_id or e.company_id.resource_calendar_id
        )
        days = {}
        for calendar, members in by_calendar.items():
            if not calendar:
                continue
            start, end = self._month_bounds(period, calendar.tz)
            # the working time of the month, without the public holidays
            work = calendar._work_intervals_batch(
                start, end, members.resource_id, domain=[("resource_id", "=", False)]
            )
            for employee in members:
                own = Intervals(
                    [
                        (
                            max(start, utc.localize(leave.date_from)),
                            min(end, utc.localize(leave.date_to)),
                            leave,
                        )
                        for leave in by_resource[employee.resource_id]
                        if utc.localize(leave.date_from) < end
                        and utc.localize(leave.date_to) > start
                    ]
                )
                absence = work[employee.resource_id.id] & own
                days[employee] = calendar._get_attendance_intervals_days_data(absence)[
                    "days"
                ]
        suggestions = []
        for appraisal in appraisals:
            employee = appraisal.employee_id
            threshold = appraisal.rule_set_id.not_evaluated_absence_days
            count = days.get(employee, 0.0)
            if threshold <= 0 or count < threshold:
                continue
            labels = sorted(
                {
                    self._leave_label(leave)
                    for leave in by_resource[employee.resource_id]
                }
                - {""}
            )
            suggestions.append(
                (
                    appraisal.id,
                    (
                        self._reason_of(labels),
                        self.env._(
                            "Absent %(days)s working days in the month "
                            "(%(leaves)s): at least the %(threshold)s of the rule "
                            "set.",
                            days=float_round(count, precision_digits=1),
                            leaves=", ".join(labels) or self.env._("leave"),
                            threshold=threshold,
                        ),
                    ),
                )
            )
        return suggestions

    # ------------------------------------------------------------------
    # Appointed less than a month ago (the evaluation configurations)
    # ------------------------------------------------------------------

    @api.model
    def _suggest_new_appointments(self, period, appraisals):
        Config = self.env["hr.kpi.evaluation.config"]
        starting = Config.search(
            [
                ("employee_id", "in", appraisals.employee_id.ids),
                ("date_start", ">", period.date_start),
                ("date_start", "<=", period.date_end),
            ],
            order="date_start",
        )
        if not starting:
            return []
        # the configurations in force the day before one of them starts
        before = Config.search(
            [
                ("employee_id", "in", starting.employee_id.ids),
                ("date_start", "<", period.date_end),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", period.date_start),
            ]
        ).grouped("employee_id")
        # the latest appointment of the month (a configuration that does not
        # continue the one in force the day before)
        appointed = {}
        for config in starting:
            day_before = config.date_start - timedelta(days=1)
            continued = any(
                other != config
                and other.date_start <= day_before
                and (not other.date_end or other.date_end >= day_before)
                and other.department_id == config.department_id
                and other.subject_group == config.subject_group
                for other in before.get(config.employee_id, Config)
            )
            if not continued:
                appointed[config.employee_id] = config.date_start
        suggestions = []
        for appraisal in appraisals:
            start = appointed.get(appraisal.employee_id)
            days = appraisal.rule_set_id.not_evaluated_service_days
            if not start or (period.date_end - start).days >= days:
                continue
            suggestions.append(
                (
                    appraisal.id,
                    (
                        "new_appointment",
                        self.env._(
                            "In this position since %(date)s: less than %(days)s "
                            "days before the end of the month.",
                            date=format_date(self.env, start),
                            days=days,
                        ),
                    ),
                )
            )
        return suggestions

    # ------------------------------------------------------------------
    # Under inspection (findings of inspections not concluded)
    # ------------------------------------------------------------------

    @api.model
    def _suggest_inspections(self, period, appraisals):
        findings = self.env["hr.kpi.inspection.finding"].search(
            [
                ("employee_id", "in", appraisals.employee_id.ids),
                ("inspection_id.state", "=", "draft"),
                ("date", ">=", period.date_start),
                ("date", "<=", period.date_end),
            ]
        )
        by_employee = findings.grouped("employee_id")
        suggestions = []
        for appraisal in appraisals:
            mine = by_employee.get(appraisal.employee_id)
            if not mine:
                continue
            suggestions.append(
                (
                    appraisal.id,
                    (
                        "inspection",
                        self.env._(
                            "Under inspection: %(inspections)s, not concluded yet.",
                            inspections=", ".join(
                                sorted(set(mine.inspection_id.mapped("display_name")))
                            ),
                        ),
                    ),
                )
            )
        return suggestions
