"""The demo ward's catalogue, last and current month's periods, tasks and
appraisals: last month scored, decided within the quota of each unit,
published and locked; this month under way (some self-evaluations submitted).

Idempotent: running it again adds only what is missing.
"""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from .common import installer_env

# job titles of contract workers (lao động hợp đồng) in the demo ward
CONTRACT_TITLES = ("hợp đồng", "bảo vệ", "tạp vụ", "lái xe", "nấu ăn")

# code, name, unit, complexity group, points (the standard product is worth 5)
DEMO_CATALOGUE = [
    ("VB01", "Soạn thảo văn bản hành chính", "văn bản", "n1", 5.0),
    ("VB02", "Dự thảo công văn trả lời công dân, tổ chức", "văn bản", "n1", 5.0),
    ("MC01", "Giải quyết hồ sơ thủ tục hành chính một cửa", "hồ sơ", "n1", 2.5),
    ("MC02", "Chứng thực bản sao, chữ ký", "lượt", "n1", 1.0),
    ("TD01", "Tiếp công dân, tiếp nhận phản ánh kiến nghị", "buổi", "n1", 2.5),
    ("BC01", "Báo cáo định kỳ (tuần, tháng)", "báo cáo", "n2", 10.0),
    ("QD01", "Dự thảo quyết định hành chính", "quyết định", "n2", 10.0),
    ("BC02", "Báo cáo chuyên đề, tổng kết", "báo cáo", "n3", 15.0),
    ("KT01", "Kiểm tra, xử lý vi phạm hiện trường", "cuộc", "n3", 15.0),
    ("KH01", "Xây dựng kế hoạch, chương trình công tác", "kế hoạch", "n3", 15.0),
    ("HN01", "Tổ chức hội nghị, sự kiện của phường", "sự kiện", "n4", 20.0),
    ("DA01", "Xây dựng đề án, dự thảo nghị quyết", "đề án", "n5", 25.0),
]
# (product code, quantity range) per task; a month has 4 to 6 of them
DEMO_TASKS = [
    ("VB01", (2, 6)),
    ("VB02", (2, 5)),
    ("MC01", (8, 20)),
    ("MC02", (10, 30)),
    ("TD01", (2, 4)),
    ("BC01", (1, 4)),
    ("QD01", (1, 3)),
    ("BC02", (1, 1)),
    ("KT01", (1, 3)),
    ("KH01", (1, 1)),
]


def generate(env, company, today):
    """The ward's last and current month (see the module's docstring)."""
    env = installer_env(env, company, tracking_disable=True)
    employees = env["hr.employee"].search([("company_id", "=", company.id)], order="id")
    if not employees:
        return
    products = catalogue(env, company)
    Period = env["hr.kpi.period"]
    current_start = today.replace(day=1)
    periods = Period.browse()
    for start in (current_start - relativedelta(months=1), current_start):
        period = Period.search(
            [("company_id", "=", company.id), ("date_start", "=", start)], limit=1
        )
        periods |= period or Period.create(
            {"company_id": company.id, "date_start": start}
        )
    last_month, this_month = periods
    configs(env, employees, last_month.date_start)
    tasks(env, employees, products, last_month, today, finished=True)
    tasks(env, employees, products, this_month, today, finished=False)
    appraisals(env, employees, last_month, scored=True)
    appraisals(env, employees, this_month, scored=False)
    workflow(env, last_month, this_month)


def catalogue(env, company):
    """The ward's approved catalogue of products, by code."""
    Product = env["hr.kpi.product"]
    existing = Product.search([("company_id", "=", company.id)])
    by_code = {p.code: p for p in existing}
    vals_list = [
        {
            "code": code,
            "name": name,
            "uom_name": unit,
            "complexity_group": group,
            "points": points,
            "is_standard": code == "VB01" and not existing.filtered("is_standard"),
            "company_id": company.id,
        }
        for code, name, unit, group, points in DEMO_CATALOGUE
        if code not in by_code
    ]
    new = Product.create(vals_list)
    new.filtered(lambda p: p.state == "draft").action_approve()
    return {p.code: p for p in existing | new}


def tasks(env, employees, products, period, today, finished):
    Task = env["hr.kpi.task"]
    has_tasks = {
        e.id
        for (e,) in Task._read_group([("period_id", "=", period.id)], ["employee_id"])
    }
    vals_list = []
    for employee in employees:
        if employee.id in has_tasks:
            continue
        rng = random.Random(employee.id * 100 + period.date_start.month)
        assigner = employee.parent_id or employee.department_id.manager_id
        if finished and not employee.user_id and rng.random() < 0.03:
            # nothing assigned: flagged for the evaluator (never a demo login)
            continue
        profile = rng.choice(["steady", "steady", "steady", "strong", "late", "sloppy"])
        for code, (low, high) in rng.sample(DEMO_TASKS, rng.randint(4, 6)):
            product = products.get(code)
            if not product:
                continue
            quantity = rng.randint(low, high)
            deadline = period.date_start + timedelta(days=rng.randint(5, 27))
            vals = {
                "name": product.name,
                "employee_id": employee.id,
                "assigner_id": (assigner != employee and assigner.id) or False,
                "product_id": product.id,
                "quantity": quantity,
                "deadline": deadline,
                "date_assigned": period.date_start,
                "origin": rng.choice(["plan", "plan", "plan", "adhoc"]),
            }
            # the tasks' outcomes are past facts of the month, created as they
            # stand (a task has no public action that back-dates its outcome)
            if finished:
                certifier = assigner if assigner != employee else employee.browse()
                vals.update(outcome(rng, profile, quantity, deadline, certifier))
            elif deadline < today:
                vals.update(
                    {
                        "state": "to_confirm",
                        "completed_quantity": quantity,
                        "date_done": deadline,
                    }
                )
            else:
                vals["state"] = rng.choice(["todo", "in_progress"])
            vals_list.append(vals)
    Task.create(vals_list)


def outcome(rng, profile, quantity, deadline, certifier):
    """A finished task's outcome for a staff ``profile``."""
    # chances of (late, major error, partly done) per task, by profile
    late_p, error_p, partial_p = {
        "strong": (0.03, 0.03, 0.0),
        "steady": (0.15, 0.12, 0.05),
        "late": (0.5, 0.1, 0.3),
        "sloppy": (0.15, 0.5, 0.1),
    }[profile]
    done = rng.randint(0, quantity - 1) if rng.random() < partial_p else quantity
    errors = rng.randint(1, 2) if done and rng.random() < error_p else 0
    late = bool(done) and rng.random() < late_p
    vals = {
        "completed_quantity": done,
        "quality_passed_quantity": done if not errors else max(0, done - 1),
        "major_error_count": errors,
        "date_done": (deadline + timedelta(days=rng.randint(1, 6)))
        if late
        else deadline,
        "state": "done" if done else "in_progress",
        "outcome_confirmed": bool(done),
        "confirmation_date": deadline + timedelta(days=7) if done else False,
        "exceeded_requirement": profile == "strong" and rng.random() < 0.6,
    }
    if not done:
        vals["date_done"] = False
    if late and certifier and rng.random() < 0.2:
        vals.update(
            {
                "exemption": True,
                "exemption_certifier_id": certifier.id,
                "exemption_scope": "delay",
                "exemption_reason": "Chờ ý kiến của cơ quan cấp trên (có văn bản "
                "xác nhận)",
            }
        )
    return vals


def subject_group(employee):
    """A subject group from the demo job titles."""
    title = (employee.job_title or "").lower()
    department = employee.department_id
    if department.manager_id == employee:
        return "leader_deputy" if department.parent_id else "leader_head"
    if title.startswith("phó"):
        return "leader_deputy"
    if any(word in title for word in CONTRACT_TITLES):
        return "contract_worker"
    if "viên chức" in title or "giáo viên" in title or "thư viện" in title:
        return "public_employee"
    if "trường" in (department.name or "").lower():
        return "public_employee"
    return "civil_servant"


def configs(env, employees, date_start):
    """An evaluation configuration per employee (defaults from the manager
    and the unit's decider), the focal point of the ward, and the ward's
    chairman deciding for his deputies."""
    Config = env["hr.kpi.evaluation.config"]
    configured = Config.search([("employee_id", "in", employees.ids)]).employee_id
    Config.create(
        [
            {
                "employee_id": employee.id,
                "date_start": date_start,
                "subject_group": subject_group(employee),
            }
            for employee in employees - configured
            if employee.parent_id
        ]
    )
    root = employees.department_id.filtered(lambda d: not d.parent_id)[:1]
    focal = employees.filtered(lambda e: e.user_id.login == "daumoi")[:1]
    if root and focal and not root.kpi_focal_point_id:
        root.kpi_focal_point_id = focal


def as_actor(records, employee):
    """``records`` in the hands of ``employee``'s user. The ward's staff
    without a login act on paper; their steps are recorded in the
    installation's superuser environment, through the same public actions."""
    user = employee.user_id
    return records.with_user(user) if user else records


def open_month(env, period):
    """The month opened through the open-month wizard; its appraisals."""
    env["hr.kpi.period.open"].create({"period_id": period.id}).action_open_month()
    return env["hr.kpi.appraisal"].search(
        [("period_id", "=", period.id), ("state", "=", "draft")]
    )


def appraisals(env, employees, period, scored):
    """The month opened; when ``scored``, each employee's self-evaluation
    submitted (one in six left without, reviewed late by the evaluator) and
    each appraisal reviewed by its evaluator, who proposes the computed
    level within the quota of the unit."""
    drafts = open_month(env, period)
    if not scored:
        return drafts
    evaluator_points = self_evaluations(drafts)
    for line_id, points in evaluator_points.items():
        line = env["hr.kpi.appraisal.line"].browse(line_id)
        as_actor(line, line.appraisal_id.evaluator_employee_id).write(
            {
                "evaluator_points": points,
                "evaluator_comment": "Chưa chủ động trong phối hợp.",
            }
        )
    proposed = within_quota(env, drafts)
    for appraisal in drafts:
        evaluator_side = as_actor(appraisal, appraisal.evaluator_employee_id)
        vals = {"level_proposed": proposed[appraisal.id]}
        if appraisal.needs_attention:
            vals["zero_assignment_resolution"] = "zero"
        evaluator_side.write(vals)
        for line in evaluator_side.line_ids:
            if "evaluator" in line._get_missing_comment_stages(("evaluator",)):
                line.evaluator_comment = "Đồng ý với mức tự chấm."
        if appraisal.task_unconfirmed_count:
            # the outcomes of the tasks left unfinished, confirmed as they are
            evaluator_side.action_mass_confirm_outcomes()
        evaluator_side.action_review()
    return drafts


def self_evaluations(drafts):
    """Each employee scores the criteria and submits (one in six does not);
    returns the points the evaluators will give lower, by line id."""
    evaluator_points = {}
    for appraisal in drafts:
        rng = random.Random(appraisal.employee_id.id)
        employee_side = as_actor(appraisal, appraisal.employee_id)
        for line in employee_side.line_ids:
            if rng.random() < 0.6:
                line.self_points = line.max_points
                continue
            points = max(0.0, line.max_points - rng.choice([0.5, 1.0, 1.5, 2.0]))
            if line.scoring_type == "binary":
                points = 0.0
            line.write(
                {"self_points": points, "comment": "Còn hạn chế, cần cố gắng hơn."}
            )
            if rng.random() < 0.3 and line.scoring_type != "binary":
                evaluator_points[line.id] = max(0.0, points - 0.5)
        employee_side.write(
            {
                "level_self": appraisal.level_by_score,
                "strengths": "Hoàn thành khối lượng công việc được giao.",
                "weaknesses": "Cần nâng cao chất lượng tham mưu.",
            }
        )
        if appraisal.id % 6:
            employee_side.action_submit_self()
    return evaluator_points


def within_quota(env, appraisals):
    """The computed levels, lowered to good for those over the quota of
    their unit and month: what the evaluators propose ({id: level})."""
    Quota = env["hr.kpi.quota"]
    proposed = {}
    for unit in appraisals.grouped(lambda a: (a.period_id, a.department_id)).values():
        levels = {a.id: a.level_computed for a in unit}
        for result in Quota._check(unit, levels=levels):
            for appraisal in result.over_cap:
                levels[appraisal.id] = "good"
        proposed.update(levels)
    return proposed


def workflow(env, last_month, this_month):
    """Last month decided, published and locked by each decider; this month
    under way (a third of the self-evaluations submitted)."""
    Appraisal = env["hr.kpi.appraisal"]
    reviewed = Appraisal.search(
        [("period_id", "=", last_month.id), ("state", "=", "reviewed")]
    )
    for decider, own in reviewed.grouped("decider_employee_id").items():
        decider_side = as_actor(own, decider)
        decider_side.action_decide()
        decider_side.action_publish()
        # a past fact: the result was published on the first of this month
        own.write({"published_date": this_month.date_start})
        decider_side.action_lock()
    drafts = Appraisal.search(
        [("period_id", "=", this_month.id), ("state", "=", "draft")]
    )
    for appraisal in drafts.filtered(lambda a: a.id % 3 == 0):
        employee_side = as_actor(appraisal, appraisal.employee_id)
        employee_side.write({"level_self": "good", "strengths": "Đúng tiến độ."})
        employee_side.action_submit_self()
