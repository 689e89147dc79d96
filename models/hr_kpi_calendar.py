from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, models

# The time zone of the wards, for a company without a working calendar.
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
WORKING_WEEKDAYS = (0, 1, 2, 3, 4)  # Monday to Friday, without a calendar
# Days counted at most: a rule set's window beyond a year is read as a year
# (the numbers stay bounded whatever a rule set holds).
MAX_DAYS = 366


class HrKpiCalendar(models.AbstractModel):
    """Deadlines in working days or calendar days, the one place that counts
    them (appeal windows, appeal resolution, the period's closing date).

    A working day is a day of the company's working calendar
    (``res.company.resource_calendar_id``) that is not a public holiday: a
    global time off (no resource) on that calendar, or without a calendar for
    the company. A day counts as worked when at least half of its working
    hours are left after the public holidays, so that a holiday entered in
    another time zone than the calendar's does not leave a working minute.
    Without a calendar (or one without working hours), Monday to Friday minus
    the public holidays.

    The holidays are company data read as the system: every user gets the same
    deadline for the same appraisal.
    """

    _name = "hr.kpi.calendar"
    _description = "KPI working days"

    @api.model
    def _kpi_deadlines(self, requests):
        """The deadline of each request, in the order given.

        ``requests``: a list of ``(company, start, days, kind)``; ``kind`` is
        ``"calendar"`` (``start`` plus ``days``) or ``"working"`` (the
        ``days``-th working day after ``start``: day 1 is the first working
        day after it). No start gives False; ``days`` of 0 or less gives the
        start itself, more than ``MAX_DAYS`` counts ``MAX_DAYS``. The working
        days are read once per company.
        """
        result = [False] * len(requests)
        by_company = defaultdict(list)
        for index, (company, start, days, kind) in enumerate(requests):
            if not start:
                continue
            days = min(max(int(days or 0), 0), MAX_DAYS)
            if not days:
                result[index] = start
            elif kind == "calendar":
                result[index] = start + timedelta(days=days)
            else:
                by_company[company].append((index, start, days))
        for company, items in by_company.items():
            first = min(start for _index, start, _days in items) + timedelta(days=1)
            last = max(start for _index, start, _days in items)
            span = max(days for _index, _start, days in items)
            # a generous first guess (weekends, Tết), widened when it is short
            for margin in (2 * span + 14, 4 * span + 92, 12 * span + 400):
                working = self._kpi_working_days(
                    company, first, last + timedelta(days=margin)
                )
                missing = False
                for index, start, days in items:
                    position = bisect_right(working, start) + days - 1
                    if position < len(working):
                        result[index] = working[position]
                    else:
                        missing = True
                if not missing:
                    break
        return result

    @api.model
    def _kpi_deadline(self, company, start, days, kind="working"):
        """One deadline (see ``_kpi_deadlines``)."""
        return self._kpi_deadlines([(company, start, days, kind)])[0]

    @api.model
    def _kpi_working_days(self, company, date_from, date_to):
        """The sorted working days of ``company`` from ``date_from`` to
        ``date_to`` (included)."""
        if date_from > date_to:
            return []
        # sudo: the working calendar and the public holidays are company data;
        # every user counts the same days for the same company
        calendar = company.sudo().resource_calendar_id
        if not calendar.attendance_ids or calendar.flexible_hours:
            return self._kpi_working_days_without_calendar(
                company, calendar, date_from, date_to
            )
        tz = timezone(calendar.tz or DEFAULT_TZ)
        start_dt = tz.localize(datetime.combine(date_from, time.min))
        end_dt = tz.localize(datetime.combine(date_to, time.max))
        attendances = calendar._attendance_intervals_batch(start_dt, end_dt, tz=tz)[
            False
        ]
        holidays = calendar._leave_intervals_batch(
            start_dt,
            end_dt,
            domain=self._kpi_holiday_domain(company, calendar),
            tz=tz,
        )[False]
        planned = defaultdict(float)
        for start, stop, _meta in attendances:
            planned[start.date()] += (stop - start).total_seconds()
        left = defaultdict(float)
        for start, stop, _meta in attendances - holidays:
            left[start.date()] += (stop - start).total_seconds()
        return sorted(
            day
            for day, seconds in planned.items()
            if seconds > 0 and 2 * left[day] >= seconds
        )

    @api.model
    def _kpi_holiday_domain(self, company, calendar):
        """The public holidays of the company's calendar: global time off on
        it, or without a calendar for the company (Odoo adds ``resource_id``
        and ``calendar_id`` in [False, calendar])."""
        if not calendar:
            return [
                ("time_type", "=", "leave"),
                ("calendar_id", "=", False),
                ("company_id", "in", [company.id, False]),
            ]
        return [
            ("time_type", "=", "leave"),
            "|",
            ("calendar_id", "=", calendar.id),
            ("company_id", "in", [company.id, False]),
        ]

    @api.model
    def _kpi_working_days_without_calendar(self, company, calendar, date_from, date_to):
        """Monday to Friday minus the public holidays, for a company without a
        calendar (or with one without working hours)."""
        tz = timezone(calendar.tz or DEFAULT_TZ)
        start_utc = tz.localize(datetime.combine(date_from, time.min)).astimezone(utc)
        end_utc = tz.localize(datetime.combine(date_to, time.max)).astimezone(utc)
        # sudo: the public holidays are company data (see _kpi_working_days)
        holidays = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [False, calendar.id]),
                    *self._kpi_holiday_domain(company, calendar),
                    ("date_from", "<=", end_utc.replace(tzinfo=None)),
                    ("date_to", ">=", start_utc.replace(tzinfo=None)),
                ]
            )
        )
        spans = [
            (
                utc.localize(h.date_from).astimezone(tz),
                utc.localize(h.date_to).astimezone(tz),
            )
            for h in holidays
        ]
        days = []
        day = date_from
        while day <= date_to:
            noon = tz.localize(datetime.combine(day, time(12)))
            if day.weekday() in WORKING_WEEKDAYS and not any(
                begin <= noon <= end for begin, end in spans
            ):
                days.append(day)
            day += timedelta(days=1)
        return days

    @api.model
    def _kpi_local_date(self, company, moment):
        """The date of a UTC datetime in the time zone of the company's
        working calendar (of the wards without one)."""
        if not moment:
            return False
        # sudo: the calendar's time zone only (see _kpi_working_days)
        tz = timezone(company.sudo().resource_calendar_id.tz or DEFAULT_TZ)
        return utc.localize(moment).astimezone(tz).date()
