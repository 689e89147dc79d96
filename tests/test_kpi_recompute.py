from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.l10n_vn_hr_kpi.models.hr_kpi_appraisal import SCORE_FIELDS

from .common import KpiCommon
from .test_kpi_period_open_jobs import RUN_MODULE, trap_jobs

CHECKED = sorted(SCORE_FIELDS - {"level_reason_data", "veto_data"}) + [
    "level_reason_data",
    "veto_data",
]


@tagged("post_install", "-at_install")
class TestKpiRecompute(KpiCommon):
    """Recomputing every score of a month by batches: the same scores
    as the engine computing the appraisals one by one, leaders after the staff
    they evaluate whatever the batch boundaries, HR only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_task(cls.emp_head, cls.product_std, 1)
        cls.make_task(cls.emp_leader, cls.product_std, 2)
        cls.make_task(cls.emp_staff, cls.product_std, 1, done=0)  # fails
        cls.make_task(cls.emp_staff2, cls.product_k2, 3)
        cls.head = cls.make_appraisal(cls.emp_head, subject_group="leader_head")
        cls.deputy = cls.make_appraisal(
            cls.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=cls.emp_head.id,
        )
        cls.staff = cls.make_appraisal(
            cls.emp_staff, evaluator_employee_id=cls.emp_leader.id
        )
        cls.staff2 = cls.make_appraisal(
            cls.emp_staff2, evaluator_employee_id=cls.emp_leader.id
        )
        cls.appraisals = cls.head | cls.deputy | cls.staff | cls.staff2
        cls.env.flush_all()

    def _change_rules_behind_the_orm(self):
        """A rule change the ORM did not see (as after a bulk correction in SQL):
        the stored scores are stale until recomputed."""
        self.assertEqual(self.staff2.task_score, 70.0)
        self.assertEqual(self.deputy.kpi_unit_result, 50.0)
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_rule_set SET task_max = 60, leader_low_percent = 40 "
                "WHERE id = %s",
                self.rs_nd335.id,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self.staff2.task_score, 70.0, "stale before the recompute")

    def _scramble_scores(self):
        """Wrong stored scores; the staff member who fails stored as excellent, so
        that a leader computed before his staff would get d = 100 %."""
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET task_score = -1, total_score = -1, "
                "kpi_percent = -1, kpi_unit_result = -1, level_computed = %s "
                "WHERE id = ANY(%s)",
                "excellent",
                self.appraisals.ids,
            )
        )
        self.env.invalidate_all()

    def _snapshot(self):
        self.env.invalidate_all()
        return {
            appraisal.id: {fname: appraisal[fname] for fname in CHECKED}
            for appraisal in self.appraisals
        }

    def _one_by_one(self):
        """The engine on one appraisal at a time, staff first, then the deputy,
        then the head."""
        Appraisal = self.env["hr.kpi.appraisal"]
        for appraisal in (self.staff, self.staff2, self.deputy, self.head):
            for fname in SCORE_FIELDS:
                self.env.add_to_compute(Appraisal._fields[fname], appraisal)
            appraisal.flush_recordset()
            self.env.invalidate_all()

    def test_batches_equal_one_by_one(self):
        self._change_rules_behind_the_orm()
        self._scramble_scores()
        # batches of one: the deputy's batch comes after his staff's, the head's last
        count = self.appraisals._kpi_recompute_scores(batch_size=1)
        self.assertEqual(count, 4)
        batched = self._snapshot()
        # the new rule values are applied
        self.assertEqual(self.staff2.task_score, 60.0)
        self.assertEqual(self.staff.level_computed, "fail")
        self.assertEqual(self.deputy.kpi_unit_result, 40.0)
        # (a + b + c + d + đ + e) / 6 = (300 + 40 + 200) / 6 = 90 % of 60 points
        self.assertEqual(self.deputy.kpi_percent, 90.0)
        self.assertEqual(self.deputy.task_score, 54.0)

        self._scramble_scores()
        self._one_by_one()
        self.assertEqual(self._snapshot(), batched)

    def test_batch_order_keeps_leaders_after_their_staff(self):
        order = self.appraisals._kpi_recompute_order()
        self.assertEqual(sorted(order), sorted(self.appraisals.ids))
        self.assertLess(order.index(self.staff.id), order.index(self.deputy.id))
        self.assertLess(order.index(self.staff2.id), order.index(self.deputy.id))
        self.assertLess(order.index(self.deputy.id), order.index(self.head.id))

    def test_period_action_hr_only(self):
        self._change_rules_behind_the_orm()
        self._scramble_scores()
        for user in (self.user_head, self.user_leader, self.user_staff):
            with self.assertRaises(AccessError):
                self.period.with_user(user).action_recompute_scores()
        self.assertEqual(self.staff2.task_score, -1, "nothing recomputed")
        action = self.period.with_user(self.user_hr).action_recompute_scores()
        self.assertEqual(action["tag"], "display_notification")
        self.env.invalidate_all()
        self.assertEqual(self.staff2.task_score, 60.0)
        self.assertEqual(self.deputy.kpi_unit_result, 40.0)
        self.assertEqual(self.staff.level_computed, "fail")

    def test_closed_period_refused(self):
        self._scramble_scores()
        self.period.state = "closed"
        with self.assertRaises(UserError):
            self.period.with_user(self.user_hr).action_recompute_scores()
        self.assertEqual(self.staff2.task_score, -1, "nothing recomputed")

    def test_unchanged_scores_not_written(self):
        """The scores are compared with those in the database: a month
        recomputed as it stands writes nothing, a stale row is rewritten."""
        self.appraisals._kpi_recompute_scores()
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_appraisal SET write_date = %s, task_score = "
                "CASE WHEN id = %s THEN -1 ELSE task_score END WHERE id = ANY(%s)",
                "2000-01-01",
                self.staff2.id,
                self.appraisals.ids,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self.appraisals._kpi_recompute_scores(), 4)
        written = dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, write_date > %s FROM hr_kpi_appraisal "
                    "WHERE id = ANY(%s)",
                    "2000-01-02",
                    self.appraisals.ids,
                )
            )
        )
        expected = dict.fromkeys(self.appraisals.ids, False)
        expected[self.staff2.id] = True
        self.assertEqual(written, expected)
        self.assertEqual(self.staff2.task_score, 70.0)

    def test_recompute_as_chained_jobs(self):
        """From the company's threshold, recomputing a month runs
        as chained background jobs (batches in the leaders-last order)."""
        self._change_rules_behind_the_orm()
        self._scramble_scores()
        self.period.company_id.kpi_open_job_threshold = 1
        with self.assertRaises(AccessError), trap_jobs() as trap:
            self.period.with_user(self.user_head).action_recompute_scores()
        trap.assert_jobs_count(0)
        with patch(f"{RUN_MODULE}.RUN_CHUNK_SIZE", 2), trap_jobs() as trap:
            action = self.period.with_user(self.user_hr).action_recompute_scores()
        run = self.env["hr.kpi.period.open.run"].browse(action["res_id"])
        self.assertEqual(run.kind, "recompute")
        # 4 appraisals by 2, the staff before their leaders, chained
        self.assertEqual(len(run.unit_ids), 2)
        trap.assert_jobs_count(2)
        first, second = (unit.job_uuid for unit in run.unit_ids)
        jobs = {job.uuid: job for job in trap.enqueued_jobs}
        self.assertIn(jobs[first], jobs[second].depends_on)
        self.assertEqual(self.staff2.task_score, -1, "nothing before the jobs")
        # a second recompute (or opening) while the run is in progress: refused
        with self.assertRaisesRegex(UserError, "is in progress"):
            self.period.with_user(self.user_hr).action_recompute_scores()
        trap.perform_enqueued_jobs()
        self.env.invalidate_all()
        self.assertEqual(self.staff2.task_score, 60.0)
        self.assertEqual(self.deputy.kpi_unit_result, 40.0)
        self.assertEqual(self.staff.level_computed, "fail")
        self.assertEqual(run.state, "done")
        self.assertEqual(run.created_count, 4)
        self.assertEqual(run.activity_ids.user_id, self.user_hr)
        # performed again (requeued), it writes nothing
        snapshot = self._snapshot()
        run.unit_ids.write({"state": "pending"})
        run.state = "running"
        for job in jobs.values():
            job.perform()
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(), snapshot)
