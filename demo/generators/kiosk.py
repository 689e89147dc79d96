"""The demo ward's one-stop counters with their officials at them, and
citizen ratings for last month and the current month so far. Idempotent."""

import random
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import installer_env

DEMO_COUNTERS = (
    "Quầy số 1 – Đất đai, xây dựng",
    "Quầy số 2 – Tư pháp, hộ tịch",
)
DEMO_ONE_STOP_JOB = "Viên chức một cửa"
# weights of satisfied / neutral / unsatisfied, per counter
DEMO_PROFILES = ((86, 11, 3), (70, 21, 9))
DEMO_COMMENTS = {
    "satisfied": (
        "Cán bộ hướng dẫn tận tình, chu đáo.",
        "Giải quyết hồ sơ nhanh, đúng hẹn.",
    ),
    "neutral": ("Phải chờ hơi lâu.",),
    "unsatisfied": (
        "Cán bộ hướng dẫn chưa rõ, phải bổ sung hồ sơ nhiều lần.",
        "Thái độ chưa niềm nở.",
    ),
}


def generate(env, company, today):
    """The ward's counters and ratings (see the module's docstring)."""
    env = installer_env(env, company, tracking_disable=True)
    Counter = env["hr.kpi.counter"]
    if Counter.search_count([("company_id", "=", company.id)], limit=1):
        return
    officials = env["hr.employee"].search(
        [("company_id", "=", company.id), ("job_title", "=", DEMO_ONE_STOP_JOB)],
        order="id",
        limit=len(DEMO_COUNTERS),
    )
    if len(officials) < len(DEMO_COUNTERS):
        return
    counters = Counter.create(
        [
            {
                "name": name,
                "sequence": index,
                "company_id": company.id,
                "department_id": official.department_id.id,
                "employee_id": official.id,
            }
            for index, (name, official) in enumerate(
                zip(DEMO_COUNTERS, officials, strict=True), start=1
            )
        ]
    )
    env["hr.kpi.citizen.rating"].create(ratings(counters, fields.Datetime.now()))


def ratings(counters, now):
    """Ratings on the working days of last month and of this month before
    today (in the counter's time zone), between 8:00 and 17:00."""
    rng = random.Random(8)
    levels = ("satisfied", "neutral", "unsatisfied")
    vals_list = []
    for counter, weights in zip(counters, DEMO_PROFILES, strict=True):
        tz = pytz.timezone(counter.employee_id.tz or "Asia/Ho_Chi_Minh")
        today = pytz.utc.localize(now).astimezone(tz).date()
        day = today.replace(day=1) - relativedelta(months=1)
        while day < today:
            if day.weekday() < 5:
                opening = tz.localize(datetime.combine(day, time(8, 0)))
                for _index in range(rng.randint(3, 8)):
                    moment = opening + timedelta(minutes=rng.randint(0, 540))
                    rating = rng.choices(levels, weights)[0]
                    comment = (
                        rng.choice(DEMO_COMMENTS[rating])
                        if rng.random() < 0.2
                        else False
                    )
                    vals_list.append(
                        {
                            "counter_id": counter.id,
                            "employee_id": counter.employee_id.id,
                            "rated_at": moment.astimezone(pytz.utc).replace(
                                tzinfo=None
                            ),
                            "rating": rating,
                            "comment": comment,
                        }
                    )
            day += timedelta(days=1)
    return vals_list
