"""Browser tours of the people's screens, one per role, and one on
a phone (390×844). Each test builds its own small ward in the main company,
in a month of its own (January 2031), and checks the database after the tour."""

from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from ..const import MODULE


class TourWard:
    """A ward: the chairman heads it; Phòng Tour A (head A, a deputy who
    evaluates, staff) and Phòng Tour B (head B)."""

    def _user(self, login, group):
        user = new_test_user(
            self.env, login=login, groups=f"base.group_user,{MODULE}.{group}"
        )
        # the KPI home, as the install gives every KPI user
        user.action_id = self.env.ref(f"{MODULE}.hr_kpi_action_home").id
        return user

    def _ward(self):
        company = self.env.ref("base.main_company")
        Department = self.env["hr.department"]
        Employee = self.env["hr.employee"]
        self.ward = Department.create({"name": "Phường Tour", "company_id": company.id})
        self.unit_a = Department.create(
            {
                "name": "Phòng Tour A",
                "parent_id": self.ward.id,
                "company_id": company.id,
            }
        )
        self.unit_b = Department.create(
            {
                "name": "Phòng Tour B",
                "parent_id": self.ward.id,
                "company_id": company.id,
            }
        )

        def employee(name, unit, user=None, parent=None):
            return Employee.create(
                {
                    "name": name,
                    "department_id": unit.id,
                    "user_id": user.id if user else False,
                    "parent_id": parent.id if parent else False,
                }
            )

        self.user_chairman = self._user("tour_chutich", "group_kpi_head")
        self.user_head_a = self._user("tour_truongphong", "group_kpi_head")
        self.user_deputy = self._user("tour_phophong", "group_kpi_evaluator")
        self.user_staff = self._user("tour_nhanvien", "group_kpi_employee")
        self.chairman = employee("Chủ tịch Tour", self.ward, self.user_chairman)
        self.ward.manager_id = self.chairman
        self.head_a = employee(
            "Trưởng phòng A", self.unit_a, self.user_head_a, self.chairman
        )
        self.unit_a.manager_id = self.head_a
        self.head_b = employee("Trưởng phòng B", self.unit_b, None, self.chairman)
        self.unit_b.manager_id = self.head_b
        self.deputy = employee(
            "Phó phòng A", self.unit_a, self.user_deputy, self.head_a
        )
        self.staff = employee("Báo cáo viên", self.unit_a, self.user_staff, self.deputy)
        self.product = self.env["hr.kpi.product"].create(
            {
                "code": "TOUR19",
                "name": "Báo cáo",
                "points": 5.0,
                "is_standard": not self.env["hr.kpi.product"].search_count(
                    [("company_id", "=", company.id), ("is_standard", "=", True)]
                ),
                "company_id": company.id,
            }
        )
        self.period = self.env["hr.kpi.period"].create(
            {"company_id": company.id, "date_start": date(2031, 1, 1)}
        )

    def _task(self, employee, name, quantity=1.0, done=None, state="done", **vals):
        done = quantity if done is None else done
        return self.env["hr.kpi.task"].create(
            {
                "name": name,
                "employee_id": employee.id,
                "assigner_id": employee.parent_id.id,
                "product_id": self.product.id,
                "quantity": quantity,
                "deadline": date(2031, 1, 20),
                "completed_quantity": done,
                "quality_passed_quantity": done if state == "done" else 0,
                "date_done": date(2031, 1, 20) if done else False,
                "state": state,
                "outcome_confirmed": state == "done",
                **vals,
            }
        )

    def _appraisal(self, employee, evaluator, decider, state=None, **vals):
        appraisal = self.env["hr.kpi.appraisal"].create(
            {
                "employee_id": employee.id,
                "period_id": self.period.id,
                "evaluator_employee_id": evaluator.id,
                "decider_employee_id": decider.id,
            }
        )
        for line in appraisal.line_ids:
            line.self_points = line.max_points
        if state or vals:
            appraisal.sudo().write(dict(vals, **({"state": state} if state else {})))
        return appraisal


@tagged("post_install", "-at_install")
class TestUiTours(TourWard, HttpCase):
    def test_employee_tour(self):
        """The employee lands on his month, reports a task, self-evaluates."""
        self._ward()
        task = self._task(self.staff, "Báo cáo tuần", state="in_progress", done=0)
        appraisal = self._appraisal(self.staff, self.deputy, self.head_a)
        self.assertEqual(task.appraisal_id, appraisal)
        self.start_tour(
            "/odoo", "l10n_vn_hr_kpi_employee_month_tour", login="tour_nhanvien"
        )
        self.assertEqual(task.state, "to_confirm")
        self.assertEqual(appraisal.state, "self_submitted")

    def test_evaluator_tour(self):
        """The evaluator confirms every outcome of his queue at once and is
        stopped before sending a proposal above the score."""
        self._ward()
        high = self.env["hr.employee"].create(
            {
                "name": "Chuyên viên cao",
                "department_id": self.unit_a.id,
                "parent_id": self.deputy.id,
            }
        )
        tasks = self._task(high, "Hồ sơ", quantity=4.0, done=1.0, state="to_confirm")
        tasks |= self._task(self.staff, "Văn bản", state="to_confirm")
        appraisals = self._appraisal(
            high,
            self.deputy,
            self.head_a,
            state="self_submitted",
            level_proposed="excellent",
        ) | self._appraisal(
            self.staff, self.deputy, self.head_a, state="self_submitted"
        )
        self.start_tour("/odoo", "l10n_vn_hr_kpi_evaluator_tour", login="tour_phophong")
        self.assertEqual(set(tasks.mapped("outcome_confirmed")), {True})
        self.assertEqual(set(appraisals.mapped("state")), {"self_submitted"})
        self.assertNotEqual(appraisals[0].level_computed, "excellent")

    def test_head_tour(self):
        """The head decides his whole unit on one screen and sees who holds
        the excellent slot."""
        self._ward()
        Employee = self.env["hr.employee"]
        staff = self.staff | self.deputy
        staff |= Employee.create(
            [
                {
                    "name": f"Chuyên viên {n}",
                    "department_id": self.unit_a.id,
                    "parent_id": self.deputy.id,
                }
                for n in range(4)
            ]
        )
        appraisals = self.env["hr.kpi.appraisal"]
        for employee in staff:
            self._task(employee, "Văn bản")
            appraisals |= self._appraisal(
                employee,
                self.head_a,
                self.head_a,
                state="reviewed",
                level_proposed="good",
            )
        best = appraisals[0]
        best.sudo().level_proposed = best.level_computed
        self.assertEqual(best.level_computed, "excellent")
        # 20 % of the five others rated well: one excellent slot
        (result,) = self.env["hr.kpi.quota"]._check(appraisals)
        self.assertEqual(result.cap, 1)
        self.start_tour(
            "/odoo", "l10n_vn_hr_kpi_head_unit_tour", login="tour_truongphong"
        )
        self.assertEqual(set(appraisals.mapped("state")), {"decided"})
        self.assertEqual(best.level_final, "excellent")

    def test_chairman_tour(self):
        """The chairman decides the heads of both phòng from one screen."""
        self._ward()
        appraisals = self.env["hr.kpi.appraisal"]
        for head in (self.head_a, self.head_b):
            self._task(head, "Kế hoạch")
            appraisals |= self._appraisal(
                head,
                self.chairman,
                self.chairman,
                state="reviewed",
                level_proposed="good",
            )
        self.start_tour("/odoo", "l10n_vn_hr_kpi_chairman_tour", login="tour_chutich")
        self.assertEqual(set(appraisals.mapped("state")), {"decided"})


@tagged("post_install", "-at_install")
class TestUiToursPhone(TourWard, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_phone_tour(self):
        """On a phone: the employee's appraisals are cards with score and
        state; his month opens and is submitted."""
        self._ward()
        self._task(self.staff, "Báo cáo tuần")
        appraisal = self._appraisal(self.staff, self.deputy, self.head_a)
        self.start_tour(
            f"/odoo/action-{MODULE}.hr_kpi_appraisal_action_my",
            "l10n_vn_hr_kpi_phone_tour",
            login="tour_nhanvien",
        )
        self.assertEqual(appraisal.state, "self_submitted")
