"""The law of 2026 in the ward's final months of 2026:

* one correction by replacement decision (a task counted twice in September:
  the HR officer corrects the published result through the correction
  wizard; the original stays readable);
* one appeal across the public holidays of Giỗ Tổ and 30/4–1/5: the March
  result published on Friday 24/4/2026, appealed on its 5th working day
  (6/5), rejected with an answer.

Runs after the past months (rollup.py); nothing without those months."""

from datetime import date, datetime

from .common import installer_env

LOWER = {"excellent": "good", "good": "done", "done": "fail"}


def generate(env, company, today):
    """The correction and the appeal (see the module's docstring)."""
    env = installer_env(env, company, tracking_disable=True)
    correction(env, company)
    appeal_across_holidays(env, company)


def locked_month(env, company, month_start, exclude=()):
    return env["hr.kpi.appraisal"].search(
        [
            ("company_id", "=", company.id),
            ("period_start", "=", month_start),
            ("state", "=", "locked"),
            ("is_leader", "=", False),
            ("employee_id", "not in", list(exclude)),
        ],
        order="total_score desc, id",
    )


def correction(env, company):
    """September's result corrected by the HR officer's replacement decision."""
    hr_user = env.ref("l10n_vn_hr_kpi.user_hr_demo", raise_if_not_found=False)
    month = locked_month(env, company, date(2026, 9, 1)).filtered(
        lambda a: a.level_final in LOWER and a.employee_id.user_id != hr_user
    )[:1]
    if not (month and hr_user):
        return
    level = LOWER[month.level_final]
    threshold = {"good": 89.0, "done": 69.0, "fail": 49.0}[level]
    env["hr.kpi.appraisal.correction"].with_user(hr_user).create(
        {
            "appraisal_id": month.id,
            "level": level,
            "change_score": True,
            "total_score": min(month.total_score, threshold),
            # the demo ward's data is Vietnamese, as a ward's own would be
            "reason": "Nhiệm vụ 'Hồ sơ một cửa' được tính hai lần trong tháng 9: "
            "bỏ lần nhập thứ hai (theo kết luận kiểm tra ngày 15/10/2026).",
            "document_ref": "45/QĐ-UBND",
            "document_date": date(2026, 10, 20),
        }
    ).action_confirm()


def appeal_across_holidays(env, company):
    """March's appeal, filed and rejected in May 2026."""
    march = (
        locked_month(env, company, date(2026, 3, 1)).filtered(
            lambda a: a.employee_id.user_id
        )[:1]
        or locked_month(env, company, date(2026, 3, 1))[:1]
    )
    if not march:
        return
    # A past fact: the appeal window closed in May, so no public action can
    # file this appeal today; its dates and outcome are written as they stand.
    march.write(
        {
            "published_date": date(2026, 4, 24),
            "appeal_date": datetime(2026, 5, 6, 9, 0),
            "appeal_reason": "Two reports of March were counted late although "
            "they were sent on time.",
            "appeal_result": "rejected",
            "appeal_answer": "The reports were received on 27/3, after the "
            "deadline of 25/3; the level stands.",
        }
    )
    march.message_post(
        body=env._(
            "Appeal filed on 6/5/2026, the 5th working day after the publication "
            "of 24/4/2026 (27/4, 30/4 and 1/5 are public holidays): within the "
            "window, which closed on %(deadline)s. Rejected with an answer.",
            deadline=march.appeal_deadline,
        )
    )
