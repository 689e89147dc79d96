"""Who read whose personal data, and when (Luật 91/2025/QH15).

Appraisals and disciplinary events are personal data. When an HR officer or a
head reads another person's record, one line per record goes into
``hr.kpi.access.log``: who, when, what record, whose data. HR officers review
the log; nobody edits or deletes it through the application (no write,
create or unlink right for any group: the lines are written by the server
only, in sudo, by ``_kpi_log_access``).

A model takes part by inheriting ``hr.kpi.access.logged.mixin`` and naming the
field of the person its records are about (``_kpi_logged_employee_field``).
The reads of the web client (``read``, ``web_read``, ``web_search_read``,
``search_read``) go through ``_read_format``, where the log is written; those
methods are marked read/write here (Odoo 18 otherwise serves them on a
read-only cursor) so that the log line is written in the same transaction as
the read it records.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# A second read of the same record by the same user within this time adds no
# line: a form that reloads after a save is one read.
LOG_DEDUP_MINUTES = 10


class HrKpiAccessLog(models.Model):
    _name = "hr.kpi.access.log"
    _description = "Access log of personal data"
    _order = "id desc"
    _log_access = False

    date = fields.Datetime(required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Read by", readonly=True, index=True)
    employee_id = fields.Many2one(
        "hr.employee", string="Whose data", readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Selection(
        [
            ("hr.kpi.appraisal", "Appraisal"),
            ("hr.kpi.employee.event", "Disciplinary event"),
        ],
        string="Record type",
        readonly=True,
        required=True,
    )
    res_id = fields.Integer(string="Record", readonly=True, required=True)
    record_name = fields.Char(string="What", readonly=True)
    operation = fields.Selection(
        [("read", "Read"), ("export", "Export"), ("purge", "Evidence purged")],
        readonly=True,
        required=True,
        default="read",
    )

    def init(self):
        self.env.execute_query(
            SQL(
                "CREATE INDEX IF NOT EXISTS hr_kpi_access_log_dedup_index "
                "ON %s (user_id, res_model, res_id, date)",
                SQL.identifier(self._table),
            )
        )

    def action_open_record(self):
        """Open the record the line is about (with the reader's own rights)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }


class HrKpiAccessLoggedMixin(models.AbstractModel):
    _name = "hr.kpi.access.logged.mixin"
    _description = "Reads of another person's record by HR and heads are logged"

    # the Many2one to hr.employee whose data the record is
    _kpi_logged_employee_field = "employee_id"

    # The reads of the web client write the log: served on a read/write
    # cursor (see the module docstring). ``_readonly`` is the attribute
    # Odoo 18's call_kw looks up along the class hierarchy.
    def read(self, fields=None, load="_classic_read"):
        return super().read(fields=fields, load=load)

    read._readonly = False

    def web_read(self, specification):
        return super().web_read(specification)

    web_read._readonly = False

    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        return super().web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    web_search_read._readonly = False

    @api.model
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs
    ):
        return super().search_read(
            domain=domain,
            fields=fields,
            offset=offset,
            limit=limit,
            order=order,
            **read_kwargs,
        )

    search_read._readonly = False

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        self._kpi_log_access("read", [vals["id"] for vals in result])
        return result

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self._kpi_log_access("export", self.ids)
        return result

    def _kpi_logs_reads_of_user(self):
        """Whether the current user's reads of other people's records are
        logged: HR officers and heads (the HR officer group implies the head
        group). Internal reads in sudo are not reads by a person."""
        if self.env.su:
            return False
        return self.env.user.has_group("l10n_vn_hr_kpi.group_kpi_head")

    def _kpi_log_access(self, operation, ids):
        """Write one line per record of ``ids`` that is about another person,
        unless the same user read it within LOG_DEDUP_MINUTES."""
        if not ids or not self._kpi_logs_reads_of_user():
            return
        # sudo: the log is written by the server for whoever reads; the reader
        # has just been allowed to read these records
        records = self.browse(ids).sudo()
        employee_field = self._kpi_logged_employee_field
        own = set(self.env.user.employee_ids.ids)
        about_others = records.filtered(lambda r: r[employee_field].id not in own)
        if not about_others:
            return
        now = fields.Datetime.now()
        # sudo: see above
        Log = self.env["hr.kpi.access.log"].sudo()
        recent = set()
        if operation == "read":
            recent = set(
                Log.search(
                    [
                        ("user_id", "=", self.env.uid),
                        ("res_model", "=", self._name),
                        ("res_id", "in", about_others.ids),
                        ("operation", "=", "read"),
                        ("date", ">=", now - timedelta(minutes=LOG_DEDUP_MINUTES)),
                    ]
                ).mapped("res_id")
            )
        Log.create(
            [
                {
                    "date": now,
                    "user_id": self.env.uid,
                    "employee_id": record[employee_field].id,
                    "company_id": record[employee_field].company_id.id,
                    "res_model": self._name,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "operation": operation,
                }
                for record in about_others
                if record.id not in recent
            ]
        )
