"""Demo data generator: a ward catalogue, two periods, tasks and scored appraisals.

Called from ``demo/hr_kpi_demo.xml`` for the demo ward (found by name, so that
it does not depend on the XML ids of the demo employees); does nothing when the
ward is absent. Idempotent: running it again adds only what is missing.
"""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

DEMO_WARD_NAME = "UBND phường Hà Đông"
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


class HrKpiDemo(models.AbstractModel):
    _name = "hr.kpi.demo"
    _description = "KPI demo data generator"

    @api.model
    def _generate_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        if company:
            self._generate(company)

    @api.model
    def _generate(self, company, today=None):
        today = today or fields.Date.context_today(self)
        # sudo: demo data generator, run at install
        demo = self.sudo().with_company(company).with_context(tracking_disable=True)
        demo._generate_for(company, today)

    @api.model
    def _generate_for(self, company, today):
        employees = self.env["hr.employee"].search(
            [("company_id", "=", company.id)], order="id"
        )
        if not employees:
            return
        products = self._demo_catalogue(company)
        Period = self.env["hr.kpi.period"]
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
        self._demo_configs(employees, last_month.date_start)
        self._demo_tasks(employees, products, last_month, today, finished=True)
        self._demo_tasks(employees, products, this_month, today, finished=False)
        self._demo_appraisals(employees, last_month, scored=True)
        self._demo_appraisals(employees, this_month, scored=False)
        self._demo_workflow(last_month, this_month)

    @api.model
    def _demo_catalogue(self, company):
        Product = self.env["hr.kpi.product"]
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

    @api.model
    def _demo_tasks(self, employees, products, period, today, finished):
        Task = self.env["hr.kpi.task"]
        has_tasks = {
            e.id
            for (e,) in Task._read_group(
                [("period_id", "=", period.id)], ["employee_id"]
            )
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
            profile = rng.choice(
                ["steady", "steady", "steady", "strong", "late", "sloppy"]
            )
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
                if finished:
                    certifier = assigner if assigner != employee else employee.browse()
                    vals.update(
                        self._demo_outcome(rng, profile, quantity, deadline, certifier)
                    )
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

    @api.model
    def _demo_outcome(self, rng, profile, quantity, deadline, certifier):
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

    @api.model
    def _demo_subject_group(self, employee):
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

    @api.model
    def _demo_configs(self, employees, date_start):
        """An evaluation configuration per employee (defaults from the manager
        and the unit's decider), the focal point of the ward, and the ward's
        chairman deciding for his deputies."""
        Config = self.env["hr.kpi.evaluation.config"]
        configured = Config.search([("employee_id", "in", employees.ids)]).employee_id
        Config.create(
            [
                {
                    "employee_id": employee.id,
                    "date_start": date_start,
                    "subject_group": self._demo_subject_group(employee),
                }
                for employee in employees - configured
                if employee.parent_id
            ]
        )
        root = employees.department_id.filtered(lambda d: not d.parent_id)[:1]
        focal = employees.filtered(lambda e: e.user_id.login == "daumoi")[:1]
        if root and focal and not root.kpi_focal_point_id:
            root.kpi_focal_point_id = focal

    @api.model
    def _demo_appraisals(self, employees, period, scored):
        Appraisal = self.env["hr.kpi.appraisal"]
        wizard = self.env["hr.kpi.period.open"].create({"period_id": period.id})
        wizard.action_open_month()
        appraisals = Appraisal.search(
            [("period_id", "=", period.id), ("state", "=", "draft")]
        )
        if not scored:
            return appraisals
        for appraisal in appraisals:
            rng = random.Random(appraisal.employee_id.id)
            for line in appraisal.line_ids:
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
                    line.write(
                        {
                            "evaluator_points": max(0.0, points - 0.5),
                            "evaluator_comment": "Chưa chủ động trong phối hợp.",
                        }
                    )
            if appraisal.needs_attention:
                appraisal.zero_assignment_resolution = "zero"
        for appraisal in appraisals:
            appraisal.write(
                {
                    "level_self": appraisal.level_by_score,
                    "level_proposed": appraisal.level_computed,
                    "state": "reviewed",
                    "strengths": "Hoàn thành khối lượng công việc được giao.",
                    "weaknesses": "Cần nâng cao chất lượng tham mưu.",
                }
            )
        return appraisals

    @api.model
    def _demo_workflow(self, last_month, this_month):
        """Last month decided within the quota of each unit, published and
        locked; this month under way (some self-evaluations submitted)."""
        Appraisal = self.env["hr.kpi.appraisal"]
        Quota = self.env["hr.kpi.quota"]
        reviewed = Appraisal.search(
            [("period_id", "=", last_month.id), ("state", "=", "reviewed")]
        )
        for unit in reviewed.grouped("department_id").values():
            levels = {a.id: a.level_decision for a in unit}
            for result in Quota._check(unit, levels=levels):
                for appraisal in result.over_cap:
                    levels[appraisal.id] = "good"
            Appraisal._decide({Appraisal.browse(i): lvl for i, lvl in levels.items()})
        decided = reviewed.filtered(lambda a: a.state == "decided")
        decided._workflow_write(
            {"state": "published", "published_date": this_month.date_start}
        )
        decided._workflow_write({"state": "locked"})
        drafts = Appraisal.search(
            [("period_id", "=", this_month.id), ("state", "=", "draft")]
        )
        for appraisal in drafts.filtered(lambda a: a.id % 3 == 0):
            appraisal.write({"level_self": "good", "strengths": "Đúng tiến độ."})
        drafts.filtered(lambda a: a.id % 3 == 0)._workflow_write(
            {"state": "self_submitted"}
        )
