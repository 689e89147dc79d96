import base64
import io

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KpiCommon

HEADER = "Official,Name,Received,Resolved,On time,Overdue,Satisfied,Neutral,Unsatisfied"


def csv_data(*rows, header=HEADER):
    return base64.b64encode("\n".join((header, *rows)).encode())


@tagged("post_install", "-at_install")
class TestKpiOnestop(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emp_staff.identification_id = "CB001"
        cls.emp_staff2.barcode = "B002"
        cls.emp_leader.work_email = "leader@ward.example"
        cls.appraisal = cls.make_appraisal(
            cls.emp_staff,
            evaluator_employee_id=cls.emp_leader.id,
            decider_employee_id=cls.emp_head.id,
        )
        cls.line = cls.appraisal.line_ids.filtered(
            lambda line: line.criterion_id.key == "citizen_service"
        )

    def do_import(self, data, user=None):
        wizard = (
            self.env["hr.kpi.onestop.import"]
            .with_user(user or self.user_hr)
            .create({"period_id": self.period.id, "data_file": data})
        )
        return wizard.action_import()

    def stats(self):
        return self.env["hr.kpi.onestop.stat"].search(
            [("period_id", "=", self.period.id)]
        )

    # ------------------------------------------------------------------

    def test_rule_set_ships_bands_and_key(self):
        self.assertEqual(len(self.line), 1, "one service-attitude item per appraisal")
        self.assertEqual(self.line.max_points, 6.0)
        self.assertEqual(len(self.rs_nd335.satisfaction_band_ids), 5)
        self.assertEqual(
            len(self.rs_nd335_shipped.satisfaction_band_ids),
            5,
            "the shipped ND335 rule set carries the default bands",
        )

    def test_band_prefills_criterion(self):
        # 45 of 50 satisfied = 90 %: band 90–95 % gives 90 % of 6 points
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        self.assertTrue(self.line.has_suggestion)
        self.assertAlmostEqual(self.line.suggested_score, 5.4)
        self.assertAlmostEqual(self.line.evaluator_points, 5.4)
        self.assertIn("90", self.line.suggestion_note)
        # a self score does not move the evaluator's pre-filled score
        self.line.with_user(self.user_staff).write(
            {"self_points": 6.0, "comment": False}
        )
        self.assertAlmostEqual(self.line.evaluator_points, 5.4)
        # an appraisal created after the import is pre-filled at once
        appraisal2 = self.make_appraisal(self.emp_staff2)
        self.do_import(
            csv_data("CB001,Staff,40,38,36,2,45,4,1", "B002,Two,10,10,10,0,20,0,0")
        )
        line2 = appraisal2.line_ids.filtered(
            lambda line: line.criterion_id.key == "citizen_service"
        )
        self.assertAlmostEqual(line2.suggested_score, 6.0, msg="100 % → full points")
        other = appraisal2.line_ids - line2
        self.assertFalse(any(other.mapped("has_suggestion")))

    def test_kiosk_ratings_join_the_rate_per_rule_set_source(self):
        # imported: 45 satisfied, 4 neutral, 1 unsatisfied (90 %)
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        self.assertAlmostEqual(self.line.suggested_score, 5.4)
        counter = self.env["hr.kpi.counter"].create(
            {
                "name": "Quầy test",
                "company_id": self.company.id,
                "employee_id": self.emp_staff.id,
            }
        )
        # ten unhappy citizens at the kiosk in May (and one in June, not counted)
        ratings = self.env["hr.kpi.citizen.rating"].create(
            [
                {
                    "counter_id": counter.id,
                    "employee_id": self.emp_staff.id,
                    "rating": "unsatisfied",
                    "rated_at": f"2026-05-{day:02d} 03:00:00",
                }
                for day in range(10, 20)
            ]
            + [
                {
                    "counter_id": counter.id,
                    "employee_id": self.emp_staff.id,
                    "rating": "satisfied",
                    "rated_at": "2026-06-02 03:00:00",
                }
            ]
        )
        ratings._refresh_suggestions()
        # both sources (default): 45 of 60 = 75 %, band 70–80 % → 50 % of 6
        self.assertEqual(self.rs_nd335.satisfaction_source, "both")
        self.assertAlmostEqual(self.line.suggested_score, 3.0)
        self.assertAlmostEqual(self.line.evaluator_points, 3.0)
        Stat = self.env["hr.kpi.onestop.stat"]
        self.rs_nd335.satisfaction_source = "kiosk"
        Stat._prefill_lines(self.line)
        # the kiosk alone: 0 of 10 satisfied, band below 70 % → 25 % of 6
        self.assertAlmostEqual(self.line.suggested_score, 1.5)
        self.rs_nd335.satisfaction_source = "import"
        Stat._prefill_lines(self.line)
        self.assertAlmostEqual(self.line.suggested_score, 5.4)

    def test_band_applies_from_minimum_ratings(self):
        self.rs_nd335.satisfaction_min_ratings = 10
        self.do_import(csv_data("CB001,Staff,5,5,5,0,9,0,0"))
        self.assertFalse(self.line.has_suggestion)
        self.assertEqual(self.line.evaluator_points, self.line.self_points)
        self.assertIn("9", self.line.suggestion_note)
        self.rs_nd335.satisfaction_min_ratings = 5
        self.do_import(csv_data("CB001,Staff,5,5,5,0,9,0,0"))
        self.assertTrue(self.line.has_suggestion)
        self.assertAlmostEqual(self.line.suggested_score, 6.0)

    def test_lower_band_and_changed_table(self):
        # 14 of 20 = 70 %: band 70–80 % gives 50 %
        self.do_import(csv_data("CB001,Staff,20,20,20,0,14,4,2"))
        self.assertAlmostEqual(self.line.suggested_score, 3.0)
        band = self.rs_nd335.satisfaction_band_ids.filtered(
            lambda b: b.rate_from == 70.0
        )
        band.score_percent = 60.0
        self.do_import(csv_data("CB001,Staff,20,20,20,0,14,4,2"))
        self.assertAlmostEqual(self.line.suggested_score, 3.6)

    def test_evaluator_changes_suggestion_with_comment_only(self):
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        line = self.line.with_user(self.user_leader)
        with self.assertRaises(UserError):
            line.write({"evaluator_points": 4.0})
        self.assertAlmostEqual(self.line.evaluator_points, 5.4)
        line.write({"evaluator_points": 4.0, "evaluator_comment": "Two complaints"})
        self.assertAlmostEqual(self.line.evaluator_points, 4.0)
        with self.assertRaises(UserError):
            line.write({"evaluator_comment": False})
        # the evaluator's score survives a re-import; the suggestion moves
        self.do_import(csv_data("CB001,Staff,40,40,40,0,50,0,0"))
        self.assertAlmostEqual(self.line.suggested_score, 6.0)
        self.assertAlmostEqual(self.line.evaluator_points, 4.0)

    def test_bad_row_changes_nothing(self):
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        before = self.stats()
        values = before.read(["employee_id", "received", "satisfied", "batch_ref"])
        data = csv_data(
            "CB001,Staff,10,10,10,0,50,0,0",
            "NOBODY,Ghost,1,1,1,0,1,0,0",
            "B002,Two,5,3,4,0,1,0,0",
            "leader@ward.example,Leader,-2,x,0,0,0,0,0",
        )
        with self.assertRaises(UserError) as error:
            self.do_import(data)
        message = str(error.exception)
        self.assertIn("Line 3", message)
        self.assertIn("NOBODY", message)
        self.assertIn("Line 4", message, "on time above resolved")
        self.assertIn("Line 5", message)
        self.assertNotIn("Line 2:", message)
        self.assertEqual(self.stats(), before)
        self.assertEqual(
            before.read(["employee_id", "received", "satisfied", "batch_ref"]), values
        )
        self.assertAlmostEqual(self.line.suggested_score, 5.4)

    def test_duplicate_and_missing_columns(self):
        with self.assertRaises(UserError) as error:
            self.do_import(
                csv_data("CB001,Staff,1,1,1,0,1,0,0", "CB001,Staff,2,2,2,0,2,0,0")
            )
        self.assertIn("Line 3", str(error.exception))
        with self.assertRaises(UserError) as error:
            self.do_import(csv_data("CB001,1,1", header="Official,Received,Satisfied"))
        self.assertIn("Line 1", str(error.exception))
        self.assertFalse(self.stats())

    def test_reimport_replaces_month(self):
        self.make_appraisal(self.emp_staff2)
        self.do_import(
            csv_data("CB001,Staff,40,38,36,2,45,4,1", "B002,Two,10,10,10,0,20,0,0")
        )
        self.assertEqual(len(self.stats()), 2)
        line2 = self.env["hr.kpi.appraisal.line"].search(
            [
                ("appraisal_id.employee_id", "=", self.emp_staff2.id),
                ("criterion_id.key", "=", "citizen_service"),
            ]
        )
        self.assertTrue(line2.has_suggestion)
        self.do_import(csv_data("CB001,Staff,7,7,7,0,10,0,0"))
        stats = self.stats()
        self.assertEqual(stats.employee_id, self.emp_staff)
        self.assertEqual((stats.received, stats.satisfied), (7, 10))
        self.assertFalse(line2.has_suggestion, "the official left the month's file")
        self.assertAlmostEqual(self.line.suggested_score, 6.0)

    def test_xlsx_vietnamese_headers(self):
        import xlsxwriter

        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(
            0,
            0,
            [
                "Email công vụ",
                "Họ và tên",
                "Hồ sơ tiếp nhận",
                "Đã giải quyết",
                "Giải quyết đúng hạn",
                "Quá hạn",
                "Hài lòng",
                "Bình thường",
                "Không hài lòng",
            ],
        )
        sheet.write_row(1, 0, ["LEADER@ward.example", "Leader", 3, 3, 2, 1, 2, 1, 0])
        sheet.write_row(2, 0, ["B002", "Two", 4, 4, 4, 0, 4, 0, 0])
        workbook.close()
        self.do_import(base64.b64encode(buffer.getvalue()))
        stats = self.stats()
        self.assertEqual(stats.employee_id, self.emp_leader | self.emp_staff2)
        leader = stats.filtered(lambda s: s.employee_id == self.emp_leader)
        self.assertEqual(
            (leader.received, leader.on_time, leader.overdue, leader.neutral),
            (3, 2, 1, 1),
        )
        self.assertAlmostEqual(leader.satisfaction_rate, 200 / 3, places=2)

    def test_template_reimports(self):
        wizard = (
            self.env["hr.kpi.onestop.import"]
            .with_user(self.user_hr)
            .create({"period_id": self.period.id})
        )
        self.assertEqual(
            wizard.action_download_template()["type"], "ir.actions.act_url"
        )
        rows = wizard._kpi_read_table(wizard.template_file)
        columns, missing = wizard._map_columns(rows[0][1])
        self.assertFalse(missing)
        self.assertEqual(len(columns), 9)

    def test_overdue_counted_as_delays(self):
        self.product_std.is_onestop = True
        task = self.make_task(self.emp_staff, quantity=10)
        other = self.make_task(self.emp_staff, product=self.product_k2)
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        self.assertEqual(task.delay_count, 0, "off by default")
        self.rs_nd335.onestop_overdue_as_delays = True
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        self.assertEqual(task.delay_count, 2)
        self.assertEqual(other.delay_count, 0, "not a one-stop product")
        self.assertEqual(self.appraisal.task_delay_count, 2)
        self.do_import(csv_data("CB001,Staff,40,38,38,0,45,4,1"))
        self.assertEqual(task.delay_count, 0)

    def test_decided_month_is_refused(self):
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        self.appraisal._workflow_write({"state": "decided"})
        with self.assertRaises(UserError):
            self.do_import(csv_data("CB001,Staff,1,1,1,0,1,0,0"))
        self.assertEqual(self.stats().received, 40)

    def test_band_table_checked(self):
        with self.assertRaises(ValidationError):
            self.env["hr.kpi.satisfaction.band"].create(
                {
                    "rule_set_id": self.rs_nd335.id,
                    "rate_from": 85.0,
                    "rate_to": 92.0,
                    "score_percent": 50.0,
                }
            )

    def test_access_officials_cannot_edit_figures(self):
        self.do_import(
            csv_data("CB001,Staff,40,38,36,2,45,4,1", "B002,Two,10,10,10,0,20,0,0")
        )
        Stat = self.env["hr.kpi.onestop.stat"]
        mine = Stat.with_user(self.user_staff).search([])
        self.assertEqual(mine.employee_id, self.emp_staff, "reads his own only")
        self.assertEqual(mine.received, 40)
        with self.assertRaises(AccessError):
            mine.write({"satisfied": 50})
        with self.assertRaises(AccessError):
            mine.unlink()
        with self.assertRaises(AccessError):
            Stat.with_user(self.user_staff).create(
                {
                    "period_id": self.period.id,
                    "employee_id": self.emp_staff.id,
                }
            )
        with self.assertRaises(AccessError):
            self.do_import(csv_data("CB001,Staff,1,1,1,0,99,0,0"), self.user_staff)
        with self.assertRaises(AccessError):
            self.do_import(csv_data("CB001,Staff,1,1,1,0,99,0,0"), self.user_head)
        # not even the HR officer edits figures by hand: only the import writes
        with self.assertRaises(AccessError):
            Stat.with_user(self.user_hr).search([]).write({"satisfied": 1})
        self.assertEqual(len(Stat.with_user(self.user_hr).search([])), 2)
        # the head reads the unit's figures; another evaluator reads none
        self.assertEqual(len(Stat.with_user(self.user_head).search([])), 2)
        self.assertFalse(Stat.with_user(self.user_other_evaluator).search([]))
        # the evaluator reads his staff's figures
        self.assertEqual(len(Stat.with_user(self.user_leader).search([])), 2)
        # the suggestion itself cannot be written by anyone
        with self.assertRaises(AccessError):
            self.line.with_user(self.user_leader).write({"suggested_score": 6.0})
        with self.assertRaises(AccessError):
            self.line.with_user(self.user_staff).write({"suggested_score": 6.0})

    def test_review_needs_comment_when_suggestion_differs(self):
        self.set_general(self.appraisal, 30.0)
        appraisal = self.appraisal.with_user(self.user_leader)
        line = self.line.with_user(self.user_leader)
        # scored before the figures came: the import does not overwrite it
        line.write({"evaluator_points": 6.0})
        self.do_import(csv_data("CB001,Staff,40,38,36,2,45,4,1"))
        self.assertAlmostEqual(self.line.suggested_score, 5.4)
        self.assertAlmostEqual(self.line.evaluator_points, 6.0)
        self.assertTrue(self.line.comment_missing)
        # at most the level the score allows (a higher proposal is refused at
        # send time, whatever the comments)
        appraisal.write({"level_proposed": self.appraisal.level_computed})
        with self.assertRaises(UserError):
            appraisal.action_review()
        self.assertEqual(self.appraisal.state, "draft")
        line.write({"evaluator_comment": "Complaints were unfounded"})
        appraisal.action_review()
        self.assertEqual(self.appraisal.state, "reviewed")
