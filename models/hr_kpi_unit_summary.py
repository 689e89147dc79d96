"""The monthly unit summary (Mẫu 01A) sent to the superior body.

A unit (department with appraisals in the period) sends its summary every
month; ``hr.kpi.unit.summary`` records that it was sent, when and under which
reference. The period lists the units late to send it: the deadline is the
period's summary date (``date_summary``) when it is set, else the rule set's
``summary_day`` of the next month.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError


class HrKpiUnitSummary(models.Model):
    _name = "hr.kpi.unit.summary"
    _description = "Monthly unit summary sent to the superior body"
    _inherit = ["mail.thread"]
    _order = "period_id desc, department_id"
    _check_company_auto = True
    _rec_names_search = ["department_id.name", "period_id.name"]

    period_id = fields.Many2one(
        "hr.kpi.period",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Unit",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="period_id.company_id", store=True, index=True, precompute=True
    )
    state = fields.Selection(
        [("draft", "Not sent"), ("sent", "Sent")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    date_sent = fields.Date(string="Sent on", tracking=True, copy=False)
    sent_by_id = fields.Many2one("res.users", string="Sent by", readonly=True)
    reference = fields.Char(
        tracking=True, help="Number of the dispatch that sent the summary."
    )
    date_deadline = fields.Date(
        string="Deadline", compute="_compute_date_deadline", store=True
    )
    is_late = fields.Boolean(
        compute="_compute_is_late",
        help="Sent after the deadline, or not sent and the deadline has passed.",
    )

    _sql_constraints = [
        (
            "period_department_uniq",
            "UNIQUE(period_id, department_id)",
            "A unit has one summary per period.",
        ),
    ]

    @api.depends("period_id.date_start", "period_id.rule_set_id.summary_day")
    def _compute_date_deadline(self):
        for summary in self:
            summary.date_deadline = summary.period_id._kpi_summary_deadline()

    @api.depends("state", "date_sent", "date_deadline")
    @api.depends_context("date")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for summary in self:
            summary.is_late = summary._kpi_is_late(today)

    def _kpi_is_late(self, today):
        self.ensure_one()
        deadline = self.date_deadline
        if not deadline:
            return False
        if self.state == "sent":
            return bool(self.date_sent and self.date_sent > deadline)
        return today > deadline

    @api.depends("department_id", "period_id")
    def _compute_display_name(self):
        for summary in self:
            summary.display_name = " – ".join(
                filter(None, [summary.department_id.name, summary.period_id.name])
            )

    def _check_unit_rights(self):
        """Only an HR officer, or the focal point or head of the unit (or of a
        unit above it), marks a unit's summary sent or back to draft."""
        user = self.env.user
        if user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            return
        own = user.kpi_focal_department_ids | user.kpi_head_department_ids
        allowed = (
            # sudo: the units below the user's, for a rights check only
            self.env["hr.department"].sudo().search([("id", "child_of", own.ids)])
            if own
            else own
        )
        refused = self.filtered(lambda summary: summary.department_id not in allowed)
        if refused:
            raise AccessError(
                self.env._(
                    "Only an HR officer or the focal point or head of the unit can "
                    "change the sending of the summary of: %(units)s.",
                    units=", ".join(refused.department_id.mapped("name")),
                )
            )

    def action_mark_sent(self):
        self._check_unit_rights()
        today = fields.Date.context_today(self)
        to_date = self.filtered(lambda summary: not summary.date_sent)
        vals = {"state": "sent", "sent_by_id": self.env.user.id}
        (self - to_date).write(vals)
        to_date.write(dict(vals, date_sent=today))
        return True

    def action_reset(self):
        self._check_unit_rights()
        self.write({"state": "draft", "date_sent": False, "sent_by_id": False})
        return True

    @api.model
    def action_open_received(self):
        """The summaries of the open months and the last twelve, with a line
        for each unit that sent nothing (so that the late ones show); HR
        officers only."""
        if not self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer"):
            raise AccessError(
                self.env._("Only an HR officer reads the received summaries.")
            )
        today = fields.Date.context_today(self)
        periods = self.env["hr.kpi.period"].search(
            [
                ("company_id", "in", self.env.companies.ids),
                "|",
                ("state", "=", "open"),
                ("date_start", ">=", today - relativedelta(months=12)),
            ]
        )
        periods._kpi_create_missing_summaries()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_unit_summary_action_received"
        )

    def action_print(self):
        """Open the report wizard on the unit summary of the unit and period."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_report_wizard_action"
        )
        action["context"] = {
            "default_period_id": self.period_id.id,
            "default_department_id": self.department_id.id,
            "default_form": "unit_summary",
        }
        return action


class HrKpiPeriod(models.Model):
    # Kept in this file (not in hr_kpi_period.py) so that the forms work stays
    # apart from the period model.
    _inherit = "hr.kpi.period"

    kpi_summary_ids = fields.One2many(
        "hr.kpi.unit.summary", "period_id", string="Unit summaries"
    )
    kpi_summary_late_department_ids = fields.Many2many(
        "hr.department",
        string="Units late to send",
        compute="_compute_kpi_summary_late",
        help="Units with appraisals in the period whose summary was not sent by the "
        "deadline.",
    )
    kpi_summary_late_count = fields.Integer(
        string="Units late", compute="_compute_kpi_summary_late"
    )

    def _kpi_summary_deadline(self):
        """The day the unit summaries are due."""
        self.ensure_one()
        if self.date_summary:
            return self.date_summary
        if not (self.date_start and self.rule_set_id):
            return False
        next_month = self.date_start + relativedelta(months=1)
        return next_month + relativedelta(day=max(self.rule_set_id.summary_day, 1))

    def _kpi_summary_status(self, today=None, departments=None):
        """Per period: ``{department: (summary or empty, is_late)}`` for every unit
        with appraisals in the period, or only for ``departments`` when given
        (a job of a company's 02A reads its own units, not the city's); two
        queries for all the periods."""
        today = today or fields.Date.context_today(self)
        # sudo: the unit summary counts every appraisal of the unit
        Summary = self.env["hr.kpi.unit.summary"].sudo()
        unit_domain = [("department_id", "!=", False)]
        if departments is not None:
            unit_domain = [("department_id", "in", departments.ids)]
        # sudo: the unit summary counts every appraisal of the unit
        units = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            ._read_group(
                [("period_id", "in", self.ids), *unit_domain],
                ["period_id", "department_id"],
            )
        )
        summaries = {
            (s.period_id.id, s.department_id.id): s
            for s in Summary.search([("period_id", "in", self.ids), *unit_domain])
        }
        status = {period.id: {} for period in self}
        for period, department in units:
            summary = summaries.get((period.id, department.id), Summary)
            if summary:
                late = summary._kpi_is_late(today)
            else:
                deadline = period._kpi_summary_deadline()
                late = bool(deadline and today > deadline)
            status[period.id][department.sudo(False)] = (summary, late)
        return status

    @api.depends_context("date")
    def _compute_kpi_summary_late(self):
        status = self._kpi_summary_status()
        Department = self.env["hr.department"]
        for period in self:
            late = Department.browse(
                [d.id for d, (_s, is_late) in status[period.id].items() if is_late]
            )
            period.kpi_summary_late_department_ids = late
            period.kpi_summary_late_count = len(late)

    def action_print_kpi_forms(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_report_wizard_action"
        )
        action["context"] = {"default_period_id": self.id}
        return action

    def action_open_kpi_summaries(self):
        """The unit summaries of the period, created for the units missing one."""
        self.ensure_one()
        self._kpi_create_missing_summaries()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_vn_hr_kpi.hr_kpi_unit_summary_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"default_period_id": self.id}
        return action

    def _kpi_create_missing_summaries(self):
        """A draft summary for each unit with appraisals in the periods that
        has none yet, so that the units that sent nothing are listed (late)."""
        Summary = self.env["hr.kpi.unit.summary"]
        if not Summary.has_access("create"):
            return Summary
        status = self._kpi_summary_status()
        return Summary.create(
            [
                {"period_id": period.id, "department_id": department.id}
                for period in self
                for department, (summary, _late) in status[period.id].items()
                if not summary
            ]
        )
