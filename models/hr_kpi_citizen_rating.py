"""A citizen's satisfaction rating of the official who served him or her at a
one-stop counter. Created only by the public kiosk; never editable."""

from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from .hr_kpi_onestop_stat import CITIZEN_SERVICE_KEY

RATING_SELECTION = [
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("unsatisfied", "Unsatisfied"),
]
RATING_KEYS = tuple(key for key, _label in RATING_SELECTION)
DEFAULT_KIOSK_TZ = "Asia/Ho_Chi_Minh"
COMMENT_MAX_LENGTH = 1000


class HrKpiCitizenRating(models.Model):
    _name = "hr.kpi.citizen.rating"
    _description = "Citizen satisfaction rating"
    _order = "rated_at desc, id desc"
    _rec_name = "employee_id"

    counter_id = fields.Many2one(
        "hr.kpi.counter", required=True, index=True, ondelete="restrict"
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Official",
        required=True,
        index=True,
        ondelete="restrict",
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        index="btree_not_null",
        help="The official's unit when the rating was given.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    rated_at = fields.Datetime(
        string="Rated on", required=True, index=True, default=fields.Datetime.now
    )
    rating_date = fields.Date(
        string="Date",
        required=True,
        index=True,
        help="The day of the rating at the counter (local time): the month of "
        "the official it counts in.",
    )
    rating = fields.Selection(RATING_SELECTION, required=True)
    satisfaction = fields.Float(
        string="Satisfaction rate (%)",
        aggregator="avg",
        readonly=True,
        help="100 for a satisfied citizen, else 0: its average is the share of "
        "satisfied citizens.",
    )
    comment = fields.Text()

    _sql_constraints = [
        (
            "comment_length",
            # the same limit as COMMENT_MAX_LENGTH, checked by the kiosk first
            "CHECK(char_length(comment) <= 1000)",
            "A citizen's comment is too long.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        counters = self.env["hr.kpi.counter"].browse(
            {vals["counter_id"] for vals in vals_list if vals.get("counter_id")}
        )
        employees = self.env["hr.employee"].browse(
            {vals["employee_id"] for vals in vals_list if vals.get("employee_id")}
        )
        counters.fetch(["company_id"])
        employees.fetch(["department_id", "tz"])
        for vals in vals_list:
            counter = counters.browse(vals.get("counter_id"))
            employee = employees.browse(vals.get("employee_id"))
            rated_at = fields.Datetime.to_datetime(
                vals.get("rated_at") or fields.Datetime.now()
            )
            vals["rated_at"] = rated_at
            vals.setdefault("company_id", counter.company_id.id)
            vals.setdefault("department_id", employee.department_id.id)
            vals["rating_date"] = (
                pytz.utc.localize(rated_at)
                .astimezone(pytz.timezone(employee.tz or DEFAULT_KIOSK_TZ))
                .date()
            )
            vals["satisfaction"] = 100.0 if vals.get("rating") == "satisfied" else 0.0
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(
                self.env._(
                    "A citizen's rating cannot be changed: it is kept as the "
                    "citizen gave it."
                )
            )
        return super().write(vals)

    def unlink(self):
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_admin"):
            raise UserError(
                self.env._(
                    "A citizen's rating cannot be deleted. Only a KPI "
                    "administrator can remove ratings given by mistake."
                )
            )
        return super().unlink()

    @api.model
    def _get_month_counts(self, employees, date_from, date_to):
        """Number of ratings of each level per official between two dates
        (inclusive, local dates of the counter), with one ``_read_group``.

        :return: ``{employee_id: {'satisfied': n, 'neutral': n, 'unsatisfied': n}}``
            with a key for every employee given, zeros when not rated.
        Reads with the caller's access rights: call it in sudo for aggregates
        the caller may see but whose ratings he may not read one by one."""
        result = {employee.id: dict.fromkeys(RATING_KEYS, 0) for employee in employees}
        if not employees:
            return result
        groups = self._read_group(
            [
                ("employee_id", "in", employees.ids),
                ("rating_date", ">=", date_from),
                ("rating_date", "<=", date_to),
            ],
            ["employee_id", "rating"],
            ["__count"],
        )
        for employee, rating, count in groups:
            result[employee.id][rating] = count
        return result

    def _refresh_suggestions(self):
        """The service-attitude suggestion of the rated officials' appraisals
        of the ratings' months follows the new ratings."""
        if not self:
            return
        # sudo: the kiosk's rating updates a suggestion on appraisals it cannot read
        lines = (
            self.env["hr.kpi.appraisal.line"]
            .sudo()
            .search(
                [
                    ("appraisal_id.employee_id", "in", self.employee_id.ids),
                    (
                        "appraisal_id.period_id.date_start",
                        "<=",
                        max(self.mapped("rating_date")),
                    ),
                    (
                        "appraisal_id.period_id.date_end",
                        ">=",
                        min(self.mapped("rating_date")),
                    ),
                    ("criterion_id.key", "=", CITIZEN_SERVICE_KEY),
                ]
            )
        )
        self.env["hr.kpi.onestop.stat"]._prefill_lines(lines)

    @api.model
    def _satisfaction_rate(self, counts):
        """Share of satisfied citizens (%) of a ``_get_month_counts`` entry,
        ``0.0`` without ratings."""
        total = sum(counts.values())
        return round(100.0 * counts.get("satisfied", 0) / total, 2) if total else 0.0


class HrKpiAppraisal(models.Model):
    """The citizen ratings of an appraisal's month, on the appraisal form: the
    one-stop feature extends the appraisal (the core does not know it)."""

    _inherit = "hr.kpi.appraisal"

    citizen_satisfied_count = fields.Integer(
        string="Satisfied citizens", compute="_compute_citizen_ratings"
    )
    citizen_neutral_count = fields.Integer(
        string="Neutral citizens", compute="_compute_citizen_ratings"
    )
    citizen_unsatisfied_count = fields.Integer(
        string="Unsatisfied citizens", compute="_compute_citizen_ratings"
    )
    citizen_rating_count = fields.Integer(
        string="Citizen ratings", compute="_compute_citizen_ratings"
    )
    citizen_satisfaction_rate = fields.Float(
        string="Citizen satisfaction (%)",
        compute="_compute_citizen_ratings",
        digits=(5, 2),
        help="Share of the citizens who rated the official satisfied at the "
        "one-stop kiosk in the month.",
    )

    @api.depends("employee_id", "period_id.date_start", "period_id.date_end")
    def _compute_citizen_ratings(self):
        # sudo: counts only, on appraisals the user already reads; the ratings
        # themselves stay readable by the official and HR only
        Rating = self.env["hr.kpi.citizen.rating"].sudo()
        by_period = defaultdict(lambda: self.browse())
        for appraisal in self:
            by_period[appraisal.period_id] |= appraisal
        for period, appraisals in by_period.items():
            counts = (
                Rating._get_month_counts(
                    appraisals.employee_id, period.date_start, period.date_end
                )
                if period
                else {}
            )
            for appraisal in appraisals:
                month = counts.get(appraisal.employee_id.id) or {}
                appraisal.citizen_satisfied_count = month.get("satisfied", 0)
                appraisal.citizen_neutral_count = month.get("neutral", 0)
                appraisal.citizen_unsatisfied_count = month.get("unsatisfied", 0)
                appraisal.citizen_rating_count = sum(month.values())
                appraisal.citizen_satisfaction_rate = Rating._satisfaction_rate(month)

    def action_open_citizen_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_citizen_rating_action"
        )
        action["domain"] = [
            ("employee_id", "=", self.employee_id.id),
            ("rating_date", ">=", self.period_id.date_start),
            ("rating_date", "<=", self.period_id.date_end),
        ]
        action["context"] = {}
        return action
