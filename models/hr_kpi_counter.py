"""One-stop counter (quầy tiếp nhận và trả kết quả, bộ phận một cửa) with its
citizen-satisfaction kiosk.

Each counter has a secret kiosk token (in the URL of the public kiosk page,
readable by HR only and rotatable), the official currently serving at it, and
the rate-limit parameters the kiosk applies before storing a rating."""

import hmac
import math
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

KIOSK_TOKEN_BYTES = 32


def _new_kiosk_token():
    return secrets.token_urlsafe(KIOSK_TOKEN_BYTES)


# a double tap, not the next citizen
KIOSK_DEFAULT_COOLDOWN = 5
KIOSK_DEFAULT_PER_MINUTE = 6
# the defaults of before, replaced on the counters that kept them
KIOSK_OLD_DEFAULTS = {"cooldown_seconds": 20, "max_ratings_per_minute": 3}


class HrKpiCounter(models.Model):
    _name = "hr.kpi.counter"
    _description = "One-stop counter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        index="btree_not_null",
        domain="[('company_id', 'in', (company_id, False))]",
        tracking=True,
    )
    token = fields.Char(
        string="Kiosk token",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        default=lambda self: _new_kiosk_token(),
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
    )
    kiosk_url = fields.Char(
        string="Kiosk URL",
        compute="_compute_kiosk_url",
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
        help="Open this address in the browser of the counter's tablet. "
        "Anyone who knows it can rate the official at the counter: rotate the "
        "token if it leaks.",
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Official at the counter",
        index="btree_not_null",
        domain="[('company_id', '=', company_id)]",
        tracking=True,
    )
    employee_since = fields.Datetime(string="At the counter since", readonly=True)
    official_ids = fields.Many2many(
        "hr.employee",
        "hr_kpi_counter_official_rel",
        "counter_id",
        "employee_id",
        string="Officials of the counter",
        domain="[('company_id', '=', company_id)]",
        help="The officials HR assigned to this counter: only they can set "
        "themselves at it (and so be rated by the citizens at its kiosk).",
    )
    can_take = fields.Boolean(
        compute="_compute_can_take",
        help="The current user is one of the counter's officials and is not at it yet.",
    )
    is_my_counter = fields.Boolean(
        compute="_compute_is_my_counter",
        help="The current user is the official at this counter.",
    )
    # the defaults: two citizens served one after the other can
    # both rate (a short cooldown that stops a double tap), and the
    # per-minute limit can still trigger (COOLDOWN x MAX < 60 s)
    max_ratings_per_minute = fields.Integer(
        default=lambda self: KIOSK_DEFAULT_PER_MINUTE,
        required=True,
        tracking=True,
        help="The kiosk refuses further ratings of this counter once this many "
        "were given in the last 60 seconds.",
    )
    cooldown_seconds = fields.Integer(
        string="Cooldown (seconds)",
        default=lambda self: KIOSK_DEFAULT_COOLDOWN,
        required=True,
        tracking=True,
        help="After a rating, the kiosk refuses another one at this counter "
        "for this many seconds, so that one citizen cannot flood ratings.",
    )
    rating_ids = fields.One2many("hr.kpi.citizen.rating", "counter_id")
    rating_count = fields.Integer(compute="_compute_rating_count")

    _sql_constraints = [
        ("token_unique", "UNIQUE(token)", "The kiosk token must be unique."),
        (
            "max_ratings_per_minute_positive",
            "CHECK(max_ratings_per_minute > 0)",
            "The maximum number of ratings per minute must be positive.",
        ),
        (
            "cooldown_seconds_positive",
            "CHECK(cooldown_seconds >= 0)",
            "The cooldown cannot be negative.",
        ),
    ]

    @api.depends("token")
    def _compute_kiosk_url(self):
        base_url = self.browse().get_base_url()
        for counter in self:
            counter.kiosk_url = (
                f"{base_url}/kpi/kiosk/{counter.token}" if counter.token else False
            )

    @api.depends("employee_id")
    @api.depends_context("uid")
    def _compute_is_my_counter(self):
        for counter in self:
            counter.is_my_counter = bool(
                counter.employee_id and counter.employee_id.user_id == self.env.user
            )

    @api.depends("official_ids", "employee_id")
    @api.depends_context("uid")
    def _compute_can_take(self):
        # sudo: staff cannot read hr.employee; only the user's own employees
        # are compared
        mine = self.env.user.sudo().employee_ids
        for counter in self:
            # sudo: the counter's officials, compared with the user's own
            officials = counter.sudo().official_ids
            counter.can_take = bool(
                officials & mine and counter.sudo().employee_id not in mine
            )

    def _compute_rating_count(self):
        counts = dict(
            self.env["hr.kpi.citizen.rating"]._read_group(
                [("counter_id", "in", self.ids)], ["counter_id"], ["__count"]
            )
        )
        for counter in self:
            counter.rating_count = counts.get(counter, 0)

    @api.constrains("employee_id", "official_ids", "company_id")
    def _check_employee_company(self):
        # sudo: the employee may be of a company the user cannot read
        for counter in self.sudo():
            for employee in counter.employee_id | counter.official_ids:
                if employee.company_id != counter.company_id:
                    raise ValidationError(
                        self.env._(
                            "%(employee)s is not an employee of %(company)s, the "
                            "company of counter %(counter)s.",
                            employee=employee.name,
                            company=counter.company_id.name,
                            counter=counter.name,
                        )
                    )
            if counter.employee_id and counter.employee_id not in counter.official_ids:
                raise ValidationError(
                    self.env._(
                        "%(employee)s is at counter %(counter)s: free the counter "
                        "before removing him or her from its officials.",
                        employee=counter.employee_id.name,
                        counter=counter.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._with_official(vals) for vals in vals_list])

    def write(self, vals):
        if (
            not self.env.su
            and {"official_ids", "employee_id"} & set(vals)
            and not self._is_kpi_hr()
        ):
            # the access rights already refuse it; an explicit check keeps the
            # rule if a group ever gets to write counters for another reason
            raise AccessError(
                self.env._("Only an HR officer assigns the officials of a counter.")
            )
        if "employee_id" in vals and "employee_since" not in vals:
            vals = dict(
                vals,
                employee_since=fields.Datetime.now() if vals["employee_id"] else False,
            )
        return super().write(self._with_official(vals))

    @api.model
    def _with_official(self, vals):
        """The official HR puts at a counter becomes one of its officials."""
        if not vals.get("employee_id"):
            return vals
        link = fields.Command.link(vals["employee_id"])
        return dict(vals, official_ids=[*vals.get("official_ids", []), link])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _is_kpi_hr(self):
        return self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")

    def action_rotate_token(self):
        """Give the counters a new kiosk token: the old kiosk URL stops working."""
        if not self._is_kpi_hr():
            raise AccessError(
                self.env._("Only an HR officer can rotate a kiosk token.")
            )
        self.check_access("write")
        for counter in self:
            counter.token = _new_kiosk_token()
            counter.message_post(
                body=self.env._(
                    "Kiosk token rotated: the previous kiosk URL no longer works."
                )
            )
        return True

    def action_take_counter(self):
        """The current user's employee is now serving at this counter (and no
        longer at any other one)."""
        self.ensure_one()
        self.check_access("read")
        if not self.active:
            raise UserError(
                self.env._("Counter %(counter)s is archived.", counter=self.name)
            )
        # sudo: find the user's own employee in the counter's company (staff
        # cannot read hr.employee)
        employee = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.env.uid),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=1,
            )
        )
        if not employee:
            raise UserError(
                self.env._(
                    "You have no employee in %(company)s: you cannot serve at "
                    "counter %(counter)s.",
                    company=self.company_id.name,
                    counter=self.name,
                )
            )
        # sudo: staff cannot read hr.employee; the user's own employee is
        # looked for among the officials HR assigned to the counter
        if employee not in self.sudo().official_ids:
            raise AccessError(
                self.env._(
                    "You are not one of the officials of counter %(counter)s: ask "
                    "HR to assign you to it.",
                    counter=self.name,
                )
            )
        # sudo: staff may not write counters; the checks above allow only the
        # user's own employee of the counter's company
        counters = self.sudo()
        elsewhere = counters.search(
            [("employee_id", "=", employee.id), ("id", "!=", self.id)]
        )
        elsewhere.write({"employee_id": False})
        counters.write({"employee_id": employee.id})
        return True

    def action_leave_counter(self):
        """The official at the counter (or an HR officer) frees the counter."""
        self.check_access("read")
        is_hr = self._is_kpi_hr()
        for counter in self:
            if not counter.employee_id:
                continue
            if not is_hr and counter.employee_id.user_id != self.env.user:
                raise UserError(
                    self.env._(
                        "Only %(employee)s or an HR officer can free counter "
                        "%(counter)s.",
                        employee=counter.employee_id.name,
                        counter=counter.name,
                    )
                )
        # sudo: staff may not write counters; only the official's own counter
        # (or any counter for HR) passed the check above
        self.sudo().filtered("employee_id").write({"employee_id": False})
        return True

    def action_open_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_citizen_rating_action"
        )
        action["domain"] = [("counter_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Kiosk (called by controllers/kiosk.py on a sudo counter)
    # ------------------------------------------------------------------

    @api.model
    def _get_by_kiosk_token(self, token):
        """The active counter whose token is ``token``, or an empty recordset.
        Called in sudo by the public kiosk controller."""
        if not token:
            return self.browse()
        counter = self.search([("token", "=", token)], limit=1)
        if counter and hmac.compare_digest(counter.token.encode(), str(token).encode()):
            return counter
        return self.browse()

    def _kiosk_limit_error(self):
        """``'cooldown'`` or ``'rate_limit'`` when the kiosk must refuse a rating
        now, else ``False``. Locks the counter row first, so that concurrent
        kiosk requests of one counter (several workers) are counted one after
        the other; the counts come from the database, never from memory."""
        self.ensure_one()
        self.env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id = %s FOR UPDATE",
                SQL.identifier(self._table),
                self.id,
            )
        )
        now = fields.Datetime.now()
        Rating = self.env["hr.kpi.citizen.rating"]
        if self.cooldown_seconds:
            since = fields.Datetime.subtract(now, seconds=self.cooldown_seconds)
            if Rating.search_count(
                [("counter_id", "=", self.id), ("rated_at", ">", since)], limit=1
            ):
                return "cooldown"
        since = fields.Datetime.subtract(now, seconds=60)
        recent = Rating.search_count(
            [("counter_id", "=", self.id), ("rated_at", ">", since)],
            limit=self.max_ratings_per_minute,
        )
        if recent >= self.max_ratings_per_minute:
            return "rate_limit"
        return False

    def _kiosk_wait_seconds(self, error):
        """How many seconds the citizen waits before the kiosk takes a rating
        again after ``error`` (``'cooldown'`` or ``'rate_limit'``): when the
        rating that blocks it leaves its window. At least 1."""
        self.ensure_one()
        now = fields.Datetime.now()
        Rating = self.env["hr.kpi.citizen.rating"]
        if error == "cooldown":
            window = self.cooldown_seconds
            blocking = Rating.search(
                [("counter_id", "=", self.id)], order="rated_at desc", limit=1
            )
        else:
            window = 60
            since = fields.Datetime.subtract(now, seconds=60)
            recent = Rating.search(
                [("counter_id", "=", self.id), ("rated_at", ">", since)],
                order="rated_at desc",
                limit=self.max_ratings_per_minute,
            )
            # the oldest of the last allowed ratings frees the first place
            blocking = recent[-1:]
        if not blocking:
            return 1
        elapsed = (now - blocking.rated_at).total_seconds()
        return max(1, math.ceil(window - elapsed))

    def _kiosk_create_rating(self, rating, comment):
        """Store one citizen rating of the official now at the counter."""
        self.ensure_one()
        rating = self.env["hr.kpi.citizen.rating"].create(
            {
                "counter_id": self.id,
                "employee_id": self.employee_id.id,
                "rating": rating,
                "comment": comment or False,
            }
        )
        rating._refresh_suggestions()
        return rating
