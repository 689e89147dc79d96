"""Citizen-satisfaction kiosk of the one-stop counter: the
public endpoints (token, rotation, input validation, cooldown and rate limit),
access of citizens, officials and HR, the counter actions, the monthly counts
and the browser tour."""

import json
import re
import secrets
from datetime import date, datetime, timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..const import MODULE
from ..models.hr_kpi_citizen_rating import COMMENT_MAX_LENGTH
from .common import make_kpi_user


@tagged("post_install", "-at_install")
class TestKpiKiosk(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env["res.company"].create({"name": "Kiosk Test Ward"})
        cls.other_company = cls.env["res.company"].create({"name": "Kiosk Other Ward"})

        def user(login, group, company=cls.company):
            return make_kpi_user(cls.env, login, group, company)

        cls.user_official = user("kiosk_official", "group_kpi_employee")
        cls.user_official2 = user("kiosk_official2", "group_kpi_employee")
        cls.user_hr = user("kiosk_hr", "group_kpi_hr_officer")
        cls.user_admin = user("kiosk_admin", "group_kpi_admin")
        cls.user_other = user("kiosk_other", "group_kpi_employee", cls.other_company)
        cls.user_no_employee = user("kiosk_no_employee", "group_kpi_employee")
        cls.user_public = cls.env.ref("base.public_user")

        cls.unit = cls.env["hr.department"].create(
            {"name": "Bộ phận một cửa", "company_id": cls.company.id}
        )
        Employee = cls.env["hr.employee"].with_company(cls.company)
        cls.official = Employee.create(
            {
                "name": "Nguyễn Thị Kiosk",
                "user_id": cls.user_official.id,
                "department_id": cls.unit.id,
                "job_title": "Viên chức một cửa",
                "company_id": cls.company.id,
                "tz": "Asia/Ho_Chi_Minh",
            }
        )
        cls.official2 = Employee.create(
            {
                "name": "Trần Văn Quầy",
                "user_id": cls.user_official2.id,
                "department_id": cls.unit.id,
                "company_id": cls.company.id,
            }
        )
        cls.other_official = (
            cls.env["hr.employee"]
            .with_company(cls.other_company)
            .create(
                {
                    "name": "Other ward official",
                    "user_id": cls.user_other.id,
                    "company_id": cls.other_company.id,
                }
            )
        )
        Counter = cls.env["hr.kpi.counter"]
        cls.counter = Counter.create(
            {
                "name": "Quầy 1",
                "company_id": cls.company.id,
                "department_id": cls.unit.id,
                "employee_id": cls.official.id,
            }
        )
        # HR assigned both officials to counter 2: either may take it
        cls.counter2 = Counter.create(
            {
                "name": "Quầy 2",
                "company_id": cls.company.id,
                "official_ids": [Command.set((cls.official | cls.official2).ids)],
            }
        )
        cls.other_counter = Counter.create(
            {"name": "Other ward counter", "company_id": cls.other_company.id}
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _url(self, counter=None, token=None, suffix=""):
        token = token or (counter or self.counter).token
        return f"/kpi/kiosk/{token}{suffix}"

    def _rate(self, rating="satisfied", comment="", employee=None, token=None):
        data = {"rating": rating, "comment": comment}
        employee = self.official.id if employee is None else employee
        if employee is not False:
            data["employee"] = str(employee)
        return self.url_open(self._url(token=token, suffix="/rate"), data=data)

    def _ratings(self, counter=None):
        return self.env["hr.kpi.citizen.rating"].search(
            [("counter_id", "=", (counter or self.counter).id)]
        )

    def _make_ratings(self, employee, moments_and_levels):
        return self.env["hr.kpi.citizen.rating"].create(
            [
                {
                    "counter_id": self.counter.id,
                    "employee_id": employee.id,
                    "rated_at": moment,
                    "rating": level,
                }
                for moment, level in moments_and_levels
            ]
        )

    # ------------------------------------------------------------------
    # Token
    # ------------------------------------------------------------------

    def test_token_is_secret_and_random(self):
        self.assertGreaterEqual(len(self.counter.token), 40)
        self.assertNotEqual(self.counter.token, self.counter2.token)
        counters = self.counter | self.counter2
        self.assertEqual(
            [url.rsplit("/", 1)[1] for url in counters.mapped("kiosk_url")],
            counters.mapped("token"),
        )
        self.assertTrue(self.counter.kiosk_url.endswith(self._url()))
        # officials see the counter, never its token or URL
        counter = self.counter.with_user(self.user_official)
        self.assertEqual(counter.name, "Quầy 1")
        with self.assertRaises(AccessError):
            counter.read(["token"])
        with self.assertRaises(AccessError):
            counter.read(["kiosk_url"])
        self.assertEqual(self.counter.with_user(self.user_hr).token, self.counter.token)
        # a copy gets a new token
        self.assertNotEqual(self.counter.copy().token, self.counter.token)

    def test_page_with_right_token(self):
        response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Nguyễn Thị Kiosk", response.text)
        self.assertIn("Viên chức một cửa", response.text)
        self.assertIn("Bộ phận một cửa", response.text)
        for label in ("Hài lòng", "Bình thường", "Không hài lòng"):
            self.assertIn(label, response.text)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")
        photo = self.url_open(self._url(suffix="/photo"))
        self.assertEqual(photo.status_code, 200)
        self.assertTrue(photo.headers["Content-Type"].startswith("image/"))

    def test_wrong_token_refused(self):
        wrong = secrets.token_urlsafe(32)
        for token in (
            wrong,
            "short",
            "x" * 200,
            "a%27%20OR%201%3D1%20--aaaaaaaaaaaaaaa",
        ):
            with self.subTest(token=token):
                self.assertEqual(self.url_open(f"/kpi/kiosk/{token}").status_code, 404)
                self.assertEqual(
                    self.url_open(f"/kpi/kiosk/{token}/photo").status_code, 404
                )
        self.assertEqual(self._rate(token=wrong).status_code, 404)
        self.assertFalse(self._ratings())
        # the counter of the other ward is not reachable with this counter's
        # token, and an archived counter answers 404 even with its token
        self.assertEqual(self.url_open(self._url(self.other_counter)).status_code, 200)
        self.counter2.active = False
        self.assertEqual(self.url_open(self._url(self.counter2)).status_code, 404)

    def test_rotated_token_refused(self):
        old_token = self.counter.token
        with self.assertRaises(AccessError):
            self.counter.with_user(self.user_official).action_rotate_token()
        self.assertEqual(self.counter.token, old_token)
        self.counter.with_user(self.user_hr).action_rotate_token()
        self.assertNotEqual(self.counter.token, old_token)
        self.assertEqual(self.url_open(f"/kpi/kiosk/{old_token}").status_code, 404)
        self.assertEqual(self._rate(token=old_token).status_code, 404)
        self.assertFalse(self._ratings())
        self.assertEqual(self.url_open(self._url()).status_code, 200)
        self.assertEqual(self._rate().status_code, 200)
        self.assertEqual(len(self._ratings()), 1)

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------

    def test_rating_stored_with_time_and_counter(self):
        before = fields.Datetime.now().replace(microsecond=0)
        response = self._rate("unsatisfied", "  Phải chờ lâu  ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_kpi_kiosk_thanks", response.text)
        rating = self._ratings()
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.employee_id, self.official)
        self.assertEqual(rating.counter_id, self.counter)
        self.assertEqual(rating.company_id, self.company)
        self.assertEqual(rating.department_id, self.unit)
        self.assertEqual(rating.rating, "unsatisfied")
        self.assertEqual(rating.comment, "Phải chờ lâu")
        self.assertGreaterEqual(rating.rated_at, before)
        self.assertEqual(rating.satisfaction, 0.0)

    def test_input_validated(self):
        cases = [
            ({"rating": "excellent"}, 400),
            ({"rating": ""}, 400),
            ({"comment": "x" * 1001}, 400),
            ({"comment": "nul\x00byte"}, 400),
            ({"employee": False}, 400),
            ({"employee": "1 OR 1=1"}, 400),
            ({"employee": self.official2.id}, 409),
        ]
        for kwargs, status in cases:
            with self.subTest(kwargs=kwargs):
                self.assertEqual(self._rate(**kwargs).status_code, status)
        self.assertFalse(self._ratings())
        # GET is not a way to rate
        response = self.url_open(
            self._url(suffix="/rate") + f"?rating=satisfied&employee={self.official.id}"
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self._ratings())
        # nobody at the counter: nothing to rate
        self.counter.employee_id = False
        self.assertEqual(self._rate().status_code, 409)
        self.assertFalse(self._ratings())

    def test_cooldown_refuses_second_rating(self):
        self.counter.cooldown_seconds = 60
        self.assertEqual(self._rate().status_code, 200)
        response = self._rate("neutral")
        self.assertEqual(response.status_code, 429)
        self.assertIn('data-error="cooldown"', response.text)
        # the citizen is told how long to wait: at most the cooldown
        wait = re.search(r'o_kpi_kiosk_wait">(\d+)</b> giây', response.text)
        self.assertTrue(wait, "the refusal does not say how long to wait")
        self.assertTrue(1 <= int(wait.group(1)) <= 60)
        self.assertEqual(self._ratings().mapped("rating"), ["satisfied"])
        # another counter has its own cooldown
        self.counter2.employee_id = self.official2
        self.assertEqual(
            self._rate(
                token=self.counter2.token, employee=self.official2.id
            ).status_code,
            200,
        )

    def test_rate_limit_refuses_burst(self):
        self.counter.write({"cooldown_seconds": 0, "max_ratings_per_minute": 3})
        statuses = [self._rate().status_code for _i in range(5)]
        self.assertEqual(statuses, [200, 200, 200, 429, 429])
        self.assertEqual(len(self._ratings()), 3)
        response = self._rate()
        self.assertIn('data-error="rate_limit"', response.text)
        wait = re.search(r'o_kpi_kiosk_wait">(\d+)</b> giây', response.text)
        self.assertTrue(wait, "the refusal does not say how long to wait")
        self.assertTrue(1 <= int(wait.group(1)) <= 60)
        # ratings older than a minute no longer count
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_citizen_rating"
                " SET rated_at = rated_at - interval '2 minutes' WHERE counter_id = %s",
                self.counter.id,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self._rate().status_code, 200)
        self.assertEqual(len(self._ratings()), 4)

    def _age_ratings(self, seconds):
        """The ratings of the counter given ``seconds`` earlier."""
        self.env.cr.execute(
            SQL(
                "UPDATE hr_kpi_citizen_rating SET rated_at = rated_at - %s "
                "* interval '1 second' WHERE counter_id = %s",
                seconds,
                self.counter.id,
            )
        )
        self.env.invalidate_all()

    def test_default_limits_two_citizens_back_to_back(self):
        """With the defaults, the next citizen (ten
        seconds later) rates too; a double tap is still refused."""
        counter = self.env["hr.kpi.counter"].create(
            {"name": "Quầy mặc định", "company_id": self.company.id}
        )
        self.assertLessEqual(counter.cooldown_seconds, 10)
        self.assertEqual(self._rate().status_code, 200)
        self.assertEqual(self._rate("neutral").status_code, 429, "double tap")
        self._age_ratings(10)
        self.assertEqual(self._rate("neutral").status_code, 200, "next citizen")
        self.assertEqual(len(self._ratings()), 2)

    def test_default_limits_per_minute_can_trigger(self):
        """With the defaults, ratings spaced by just over the cooldown reach
        the per-minute limit within the minute."""
        counter = self.counter
        self.assertLess(counter.cooldown_seconds * counter.max_ratings_per_minute, 60)
        for _i in range(counter.max_ratings_per_minute):
            self.assertEqual(self._rate().status_code, 200)
            self._age_ratings(counter.cooldown_seconds + 1)
        response = self._rate()
        self.assertEqual(response.status_code, 429)
        self.assertIn('data-error="rate_limit"', response.text)

    def test_kiosk_tablet_tour(self):
        """Browser tour on a 1280x800 tablet: after a 429 the buttons stay
        above the fold."""
        self.browser_size = "1280x800"
        self.start_tour(self._url(), "l10n_vn_hr_kpi_kiosk_tablet_tour")
        self.assertEqual(len(self._ratings()), 1)

    def test_rate_limit_values_checked(self):
        for field, value in (("max_ratings_per_minute", 0), ("cooldown_seconds", -1)):
            with (
                self.subTest(field=field),
                mute_logger("odoo.sql_db"),
                self.assertRaises(IntegrityError),
                self.env.cr.savepoint(),
            ):
                self.counter[field] = value
                self.counter.flush_recordset()

    def test_comment_length_checked_in_database(self):
        vals = {
            "counter_id": self.counter.id,
            "employee_id": self.official.id,
            "rating": "neutral",
        }
        Rating = self.env["hr.kpi.citizen.rating"]
        self.assertEqual(
            len(Rating.create(dict(vals, comment="x" * COMMENT_MAX_LENGTH)).comment),
            COMMENT_MAX_LENGTH,
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            Rating.create(dict(vals, comment="x" * (COMMENT_MAX_LENGTH + 1)))
            Rating.flush_model()

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_citizens_reach_only_kiosk_endpoints(self):
        self._rate()
        for model in ("hr.kpi.citizen.rating", "hr.kpi.counter", "hr.employee"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user_public).search([])
        with self.assertRaises(AccessError):
            self.env["hr.kpi.citizen.rating"].with_user(self.user_public).create(
                {
                    "counter_id": self.counter.id,
                    "employee_id": self.official.id,
                    "rating": "satisfied",
                }
            )
        # without a session, the ORM over JSON-RPC answers with an error
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "hr.kpi.citizen.rating",
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        self.assertIn("error", body)
        self.assertNotIn("result", body)
        # and the backend sends the citizen to the login page
        response = self.url_open("/odoo/action-l10n_vn_hr_kpi.hr_kpi_counter_action")
        self.assertIn("/web/login", response.url)

    def test_officials_read_own_ratings_hr_reads_all(self):
        self._make_ratings(self.official, [(datetime(2026, 5, 4, 3), "satisfied")])
        self._make_ratings(self.official2, [(datetime(2026, 5, 4, 4), "neutral")])
        Rating = self.env["hr.kpi.citizen.rating"]
        own = Rating.with_user(self.user_official).search([])
        self.assertEqual(own.employee_id, self.official)
        self.assertEqual(
            Rating.with_user(self.user_official2).search([]).employee_id,
            self.official2,
        )
        self.assertEqual(
            set(Rating.with_user(self.user_hr).search([]).employee_id.ids),
            {self.official.id, self.official2.id},
        )
        self.assertFalse(Rating.with_user(self.user_other).search([]))

    def test_ratings_never_editable(self):
        rating = self._make_ratings(
            self.official, [(datetime(2026, 5, 4, 3), "unsatisfied")]
        )
        for user in (self.user_official, self.user_hr, self.user_admin):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "cannot be changed"):
                    rating.with_user(user).write({"rating": "satisfied"})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            rating.sudo().write({"comment": "edited"})
        for user in (self.user_official, self.user_hr):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    rating.with_user(user).unlink()
        with self.assertRaises(AccessError):
            self.env["hr.kpi.citizen.rating"].with_user(self.user_hr).create(
                {
                    "counter_id": self.counter.id,
                    "employee_id": self.official.id,
                    "rating": "satisfied",
                }
            )
        self.assertEqual(rating.rating, "unsatisfied")
        # the administrator removes a rating given by mistake
        rating.with_user(self.user_admin).unlink()
        self.assertFalse(rating.exists())

    def test_official_takes_and_leaves_counter(self):
        counter2 = self.counter2.with_user(self.user_official)
        counter2.action_take_counter()
        self.assertEqual(self.counter2.employee_id, self.official)
        self.assertTrue(self.counter2.employee_since)
        # one counter at a time: he left counter 1
        self.assertFalse(self.counter.employee_id)
        self.assertTrue(counter2.is_my_counter)
        # the page of counter 2 now shows him
        self.assertIn("Nguyễn Thị Kiosk", self.url_open(self._url(self.counter2)).text)
        # another official can neither free his counter nor put someone there
        with self.assertRaisesRegex(UserError, "or an HR officer can free"):
            self.counter2.with_user(self.user_official2).action_leave_counter()
        with self.assertRaises(AccessError):
            self.counter2.with_user(self.user_official2).write(
                {"employee_id": self.official2.id}
            )
        self.assertEqual(self.counter2.employee_id, self.official)
        # nor take a counter of another ward, nor take one without an employee
        with self.assertRaises(AccessError):
            self.other_counter.with_user(self.user_official).action_take_counter()
        self.assertFalse(self.other_counter.employee_id)
        with self.assertRaisesRegex(UserError, "You have no employee"):
            self.counter.with_user(self.user_no_employee).action_take_counter()
        self.assertFalse(self.counter.employee_id)
        counter2.action_leave_counter()
        self.assertFalse(self.counter2.employee_id)
        self.assertFalse(self.counter2.employee_since)

    def test_hr_assigns_and_frees_counter(self):
        self.counter2.with_user(self.user_hr).write({"employee_id": self.official2.id})
        self.assertEqual(self.counter2.employee_id, self.official2)
        self.assertTrue(self.counter2.employee_since)
        self.counter2.with_user(self.user_hr).action_leave_counter()
        self.assertFalse(self.counter2.employee_id)
        with self.assertRaisesRegex(ValidationError, "is not an employee of"):
            self.counter2.with_user(self.user_hr).write(
                {"employee_id": self.other_official.id}
            )

    # ------------------------------------------------------------------
    # The official's month
    # ------------------------------------------------------------------

    def test_month_counts_one_read_group(self):
        self._make_ratings(
            self.official,
            [
                (datetime(2026, 5, 4, 3), "satisfied"),
                (datetime(2026, 5, 4, 4), "satisfied"),
                (datetime(2026, 5, 5, 3), "neutral"),
                (datetime(2026, 5, 6, 3), "unsatisfied"),
                # 1 June 00:30 in Hà Nội: June, not May
                (datetime(2026, 5, 31, 17, 30), "unsatisfied"),
                # 30 April 23:00 UTC is 1 May 06:00 in Hà Nội: May
                (datetime(2026, 4, 30, 23, 0), "satisfied"),
                (datetime(2026, 4, 10, 3), "neutral"),
            ],
        )
        self._make_ratings(self.official2, [(datetime(2026, 5, 4, 3), "neutral")])
        Rating = self.env["hr.kpi.citizen.rating"]
        employees = self.official | self.official2 | self.other_official
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            counts = Rating._get_month_counts(
                employees, date(2026, 5, 1), date(2026, 5, 31)
            )
        self.assertEqual(
            counts,
            {
                self.official.id: {"satisfied": 3, "neutral": 1, "unsatisfied": 1},
                self.official2.id: {"satisfied": 0, "neutral": 1, "unsatisfied": 0},
                self.other_official.id: {
                    "satisfied": 0,
                    "neutral": 0,
                    "unsatisfied": 0,
                },
            },
        )
        self.assertEqual(Rating._satisfaction_rate(counts[self.official.id]), 60.0)
        self.assertEqual(Rating._satisfaction_rate(counts[self.other_official.id]), 0.0)

    def test_ratings_show_in_the_appraisal(self):
        period = self.env["hr.kpi.period"].create(
            {"company_id": self.company.id, "date_start": date(2031, 3, 1)}
        )
        appraisal = self.env["hr.kpi.appraisal"].create(
            {
                "employee_id": self.official.id,
                "period_id": period.id,
                "evaluator_employee_id": self.official2.id,
                "decider_employee_id": self.official2.id,
            }
        )
        self._make_ratings(
            self.official,
            [
                (datetime(2031, 3, 3, 3), "satisfied"),
                (datetime(2031, 3, 4, 3), "satisfied"),
                (datetime(2031, 3, 5, 3), "satisfied"),
                (datetime(2031, 3, 6, 3), "unsatisfied"),
                (datetime(2031, 4, 2, 3), "unsatisfied"),
            ],
        )
        appraisal.invalidate_recordset()
        # the official reads his own month on his appraisal
        own = appraisal.with_user(self.user_official)
        self.assertEqual(own.citizen_rating_count, 4)
        self.assertEqual(own.citizen_satisfied_count, 3)
        self.assertEqual(own.citizen_neutral_count, 0)
        self.assertEqual(own.citizen_unsatisfied_count, 1)
        self.assertEqual(own.citizen_satisfaction_rate, 75.0)
        action = appraisal.action_open_citizen_ratings()
        self.assertEqual(
            len(self.env["hr.kpi.citizen.rating"].search(action["domain"])), 4
        )

    def test_kiosk_tour(self):
        """Browser tour (Chromium), no login: a citizen rates the official
        and sees the thank-you state."""
        self.start_tour(self._url(), "l10n_vn_hr_kpi_kiosk_tour")
        rating = self._ratings()
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, "satisfied")
        self.assertEqual(rating.employee_id, self.official)
        self.assertEqual(rating.comment, "Cán bộ hướng dẫn tận tình")

    def test_counter_tour(self):
        """Browser tour (Chromium): the official sets himself at a counter from
        the backend (My Work > My Counter)."""
        self.start_tour(
            f"/odoo/action-{MODULE}.hr_kpi_counter_action_my",
            "l10n_vn_hr_kpi_counter_tour",
            login="kiosk_official",
        )
        self.assertEqual(self.counter2.employee_id, self.official)
        self.assertFalse(self.counter.employee_id)

    def test_demo_counters(self):
        """The demo ward has counters with the one-stop officials at them and a
        month of ratings."""
        company = self.env["res.company"].search(
            [("name", "=", "UBND phường Hà Đông")], limit=1
        )
        self.assertTrue(company, "the demo ward is missing")
        counters = self.env["hr.kpi.counter"].search([("company_id", "=", company.id)])
        self.assertEqual(len(counters), 2)
        self.assertTrue(all(counters.mapped("employee_id")))
        today = fields.Date.context_today(counters)
        last_month = today.replace(day=1) - timedelta(days=1)
        counts = self.env["hr.kpi.citizen.rating"]._get_month_counts(
            counters.employee_id, last_month.replace(day=1), last_month
        )
        for employee in counters.employee_id:
            self.assertGreater(sum(counts[employee.id].values()), 20)
