"""Public citizen-satisfaction kiosk of a one-stop counter.

No login: a counter is reached only through its secret token. Every endpoint
answers 404 for an unknown, malformed or rotated token, validates its input
strictly, and reads or writes only what the kiosk needs (in sudo, each use
explained). The page is always in Vietnamese: it is shown to citizens."""

import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.hr_kpi_citizen_rating import COMMENT_MAX_LENGTH, RATING_KEYS

# secrets.token_urlsafe() output; anything else is refused before any query
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,128}")
EMPLOYEE_PATTERN = re.compile(r"[0-9]{1,12}")
KIOSK_HEADERS = (
    ("Cache-Control", "no-store"),
    # the token is in the URL: never leak it to another site
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("X-Frame-Options", "DENY"),
)
THANKS_RELOAD_SECONDS = 6
STATUS_BY_ERROR = {
    "invalid": 400,
    "no_official": 409,
    "official_changed": 409,
    "cooldown": 429,
    "rate_limit": 429,
}


class KpiKioskController(http.Controller):
    def _kiosk_counter(self, token):
        if not TOKEN_PATTERN.fullmatch(token or ""):
            raise NotFound()
        # sudo: the public kiosk finds its counter by the secret token only;
        # the token is compared in constant time
        counter = request.env["hr.kpi.counter"].sudo()._get_by_kiosk_token(token)
        if not counter or not counter.active:
            raise NotFound()
        return counter

    def _kiosk_render(
        self, counter, token, state="form", error=None, comment="", wait_seconds=0
    ):
        employee = counter.employee_id
        values = {
            "kiosk_token": token,
            "counter_name": counter.name,
            "company_name": counter.company_id.name,
            "employee_id": employee.id,
            "employee_name": employee.name,
            "employee_job": employee.job_title or employee.job_id.name or "",
            "employee_unit": employee.department_id.name or "",
            "state": state,
            "error": error,
            "wait_seconds": wait_seconds,
            "comment": comment,
            "comment_max_length": COMMENT_MAX_LENGTH,
            "reload_seconds": THANKS_RELOAD_SECONDS,
            "title": "Đánh giá mức độ hài lòng",
        }
        status = STATUS_BY_ERROR.get(error, 200)
        response = request.render("l10n_vn_hr_kpi.kiosk_page", values, status=status)
        for header, value in KIOSK_HEADERS:
            response.headers[header] = value
        return response

    @http.route(
        "/kpi/kiosk/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def kiosk_page(self, token, **kwargs):
        counter = self._kiosk_counter(token)
        return self._kiosk_render(counter, token)

    @http.route(
        "/kpi/kiosk/<string:token>/photo",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def kiosk_photo(self, token, **kwargs):
        counter = self._kiosk_counter(token)
        if not counter.employee_id:
            raise NotFound()
        # counter is in sudo: the public user cannot read hr.employee; only the
        # photo of the official now at this counter is served
        stream = request.env["ir.binary"]._get_image_stream_from(
            counter.employee_id, "avatar_512"
        )
        response = stream.get_response(max_age=0)
        for header, value in KIOSK_HEADERS:
            response.headers[header] = value
        return response

    # csrf=False: the kiosk has no session (no login). The request must carry
    # the counter's secret token in its URL and only the three expected fields
    # are accepted, each validated below.
    @http.route(
        "/kpi/kiosk/<string:token>/rate",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def kiosk_rate(self, token, rating=None, comment=None, employee=None, **kwargs):
        counter = self._kiosk_counter(token)
        comment = comment if isinstance(comment, str) else ""
        comment = comment.strip()
        if (
            rating not in RATING_KEYS
            or len(comment) > COMMENT_MAX_LENGTH
            or "\x00" in comment
            or not isinstance(employee, str)
            or not EMPLOYEE_PATTERN.fullmatch(employee)
        ):
            return self._kiosk_render(counter, token, error="invalid")
        if not counter.employee_id:
            return self._kiosk_render(counter, token, error="no_official")
        if int(employee) != counter.employee_id.id:
            # the page showed another official: never rate the wrong person
            return self._kiosk_render(counter, token, error="official_changed")
        limit_error = counter._kiosk_limit_error()
        if limit_error:
            # how long to wait, so that the citizen knows when to try again
            return self._kiosk_render(
                counter,
                token,
                error=limit_error,
                comment=comment,
                wait_seconds=counter._kiosk_wait_seconds(limit_error),
            )
        counter._kiosk_create_rating(rating, comment)
        return self._kiosk_render(counter, token, state="thanks")
