"""The scoring rules without the database (models/kpi_rules.py): worked
examples of NĐ 335/2025 Điều 14 (quantity, quality, progress of the tasks),
the exemptions, the over-completion cap, the rounding and the levels."""

from types import SimpleNamespace

from odoo.tests import BaseCase, tagged

from ..models.kpi_rules import (
    effective_occurrences,
    level_from_score,
    lower_level,
    round_score,
    task_contribution,
    task_totals,
)

RULES = SimpleNamespace(
    rounding_digits=2,
    rounding_method="HALF-UP",
    threshold_excellent=90.0,
    threshold_good=70.0,
    threshold_done=50.0,
)


def task(**values):
    """A confirmed task of coefficient 1, quantity 1, done in full."""
    return {
        "coefficient": 1.0,
        "quantity": 1.0,
        "completed_quantity": 1.0,
        "quality_passed_quantity": 1.0,
        "major_error_count": 0,
        "delay_count": 0,
        "exemption": False,
        "exemption_scope": False,
        "outcome_confirmed": True,
        **values,
    }


@tagged("at_install", "-post_install")
class TestKpiRules(BaseCase):
    def test_quality_and_progress_deductions(self):
        # 2 documents of coefficient 1.5 with 2 major errors: quality loses
        # 2 x 25 %, quantity and progress are whole
        self.assertEqual(
            task_contribution(
                task(
                    coefficient=1.5,
                    quantity=2,
                    completed_quantity=2,
                    quality_passed_quantity=2,
                    major_error_count=2,
                ),
                0.25,
            ),
            (3.0, 3.0, 1.5, 3.0),
        )
        # a report of coefficient 2 delivered once late: progress loses 25 %
        self.assertEqual(
            task_contribution(task(coefficient=2.0, delay_count=1), 0.25),
            (2.0, 2.0, 2.0, 1.5),
        )
        # five errors cannot make the quality negative
        self.assertEqual(
            task_contribution(task(major_error_count=5), 0.25), (1.0, 1.0, 0.0, 1.0)
        )

    def test_unconfirmed_outcome_counts_nothing_done(self):
        self.assertEqual(
            task_contribution(task(quantity=4, outcome_confirmed=False), 0.25),
            (4.0, 0.0, 0.0, 0.0),
        )

    def test_exemption_scopes(self):
        late_and_wrong = {"major_error_count": 2, "delay_count": 1, "exemption": True}
        self.assertEqual(
            effective_occurrences(task(**late_and_wrong, exemption_scope="error")),
            (0, 1),
        )
        self.assertEqual(
            effective_occurrences(task(**late_and_wrong, exemption_scope="delay")),
            (2, 0),
        )
        self.assertEqual(
            effective_occurrences(task(**late_and_wrong, exemption_scope="both")),
            (0, 0),
        )
        no_exemption = dict(late_and_wrong, exemption=False, exemption_scope="both")
        self.assertEqual(effective_occurrences(task(**no_exemption)), (2, 1))

    def test_over_completion_cap(self):
        over = task(quantity=2, completed_quantity=3, quality_passed_quantity=3)
        self.assertEqual(task_contribution(over, 0.25), (2.0, 3.0, 3.0, 3.0))
        self.assertEqual(task_contribution(over, 0.25, cap=True), (2.0, 2.0, 2.0, 2.0))
        # the excess is shown whatever the policy
        for cap in (False, True):
            self.assertEqual(task_totals([over], 0.25, cap=cap)["excess"], 1.0)

    def test_totals_and_perfect_tasks(self):
        tasks = [
            task(),
            task(delay_count=1),
            task(major_error_count=1, exemption=True, exemption_scope="error"),
            task(completed_quantity=0.5, quality_passed_quantity=0.5),
            task(outcome_confirmed=False),
        ]
        totals = task_totals(tasks, 0.25)
        self.assertEqual(
            totals,
            {
                "assigned": 5.0,
                "done": 3.5,
                "quality": 3.5,
                "progress": 3.25,
                "excess": 0.0,
                "count": 5,
                "delays": 1,
                # in full, on time, with quality: the first and the exempted one
                "perfect": 2,
            },
        )

    def test_rounding_and_levels(self):
        self.assertEqual(round_score(89.995, RULES), 90.0)
        self.assertEqual(
            round_score(
                89.995, SimpleNamespace(**{**vars(RULES), "rounding_method": "DOWN"})
            ),
            89.99,
        )
        self.assertEqual(level_from_score(89.995, RULES), "excellent")
        self.assertEqual(level_from_score(89.994, RULES), "good")
        self.assertEqual(level_from_score(70.0, RULES), "good")
        self.assertEqual(level_from_score(69.99, RULES), "done")
        self.assertEqual(level_from_score(50.0, RULES), "done")
        self.assertEqual(level_from_score(49.99, RULES), "fail")

    def test_lower_level(self):
        self.assertEqual(
            [lower_level(level) for level in ("excellent", "good", "done", "fail")],
            ["good", "done", "fail", "fail"],
        )
