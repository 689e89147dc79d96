"""What verification trusts and what it protects: the certification
authorities HR trusts, the certificate recorded on each employee, the signed
files nobody may change, and the unit summary sent only once its head signed."""

import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import hr_kpi_signature_pdf as pdfsig

# ir.attachment fields a content-identical storage move may write
_STORAGE_FIELDS = {"raw", "datas", "mimetype"}


class HrKpiTrustedCa(models.Model):
    _name = "hr.kpi.trusted.ca"
    _description = "Certification authority trusted for signed forms"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Empty: trusted for every company.",
        default=lambda self: self.env.company,
    )
    certificate = fields.Binary(
        string="Certificate (PEM or DER)", required=True, attachment=False
    )
    subject = fields.Char(compute="_compute_certificate", store=True)
    serial = fields.Char(compute="_compute_certificate", store=True)
    date_end = fields.Datetime(
        string="Valid until", compute="_compute_certificate", store=True
    )
    note = fields.Text()

    @api.depends("certificate")
    def _compute_certificate(self):
        for authority in self:
            authority.subject = authority.serial = authority.date_end = False
            if not authority.certificate:
                continue
            try:
                cert = pdfsig.load_certificate(base64.b64decode(authority.certificate))
            except pdfsig.SignatureError:
                continue
            info = pdfsig.certificate_info(cert)
            authority.subject = info["subject"]
            authority.serial = info["serial"]
            authority.date_end = info["not_after"]

    @api.constrains("certificate")
    def _check_certificate(self):
        for authority in self:
            try:
                pdfsig.load_certificate(base64.b64decode(authority.certificate))
            except (pdfsig.SignatureError, ValueError) as error:
                raise ValidationError(
                    self.env._(
                        "%(name)s: the file is not an X.509 certificate (PEM or DER).",
                        name=authority.name,
                    )
                ) from error


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    kpi_cert_serial = fields.Char(
        string="Signing certificate serial",
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
        help="Serial number (hexadecimal) of the employee's digital signature "
        "certificate: signatures on the forms are accepted only with it (or with "
        "the subject below). Set by HR.",
    )
    kpi_cert_subject = fields.Char(
        string="Signing certificate subject",
        groups="l10n_vn_hr_kpi.group_kpi_hr_officer",
        help="Subject of the employee's certificate as the signature shows it "
        "(e.g. 'Common Name: Nguyễn Văn A'). Set by HR.",
    )

    def _kpi_certificate_matches(self, cert_info):
        """Whether a certificate (``certificate_info``) is the one HR recorded
        on the employee: the serial when recorded, else the subject."""
        self.ensure_one()
        # sudo: the recorded certificate, read to compare (fields of HR)
        employee = self.sudo()
        serial = pdfsig.normalize_serial(employee.kpi_cert_serial)
        if serial:
            return serial == pdfsig.normalize_serial(cert_info.get("serial"))
        subject = pdfsig.normalize_subject(employee.kpi_cert_subject)
        return bool(subject) and subject == pdfsig.normalize_subject(
            cert_info.get("subject")
        )


class ResCompany(models.Model):
    _inherit = "res.company"

    kpi_signature_required = fields.Boolean(
        string="Summaries sent signed",
        default=True,
        help="A unit summary (Mẫu 01A) is marked sent only with a valid "
        "signature of the unit's head on its current version.",
    )


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _kpi_signed_files(self):
        # sudo: which attachments are signed files, whoever asks
        return self.sudo().filtered(
            lambda a: a.res_model == "hr.kpi.signed.document" and a.res_id
        )

    def write(self, vals):
        signed = self._kpi_signed_files()
        if signed and not self._kpi_same_content(signed, vals):
            raise UserError(
                self.env._(
                    "The file of a signed form cannot be changed: prepare a new "
                    "version of the form."
                )
            )
        return super().write(vals)

    def _kpi_same_content(self, signed, vals):
        """A storage move (database ↔ filestore) rewrites the same bytes."""
        if not set(vals) <= _STORAGE_FIELDS:
            return False
        raw = vals.get("raw")
        if raw is None and vals.get("datas"):
            raw = base64.b64decode(vals["datas"])
        if raw is None:
            return set(vals) <= {"mimetype"} and all(
                a.mimetype == vals.get("mimetype") for a in signed
            )
        if isinstance(raw, str):
            raw = raw.encode()
        checksum = self._compute_checksum(raw)
        return all(a.checksum == checksum for a in signed)

    def unlink(self):
        if self._kpi_signed_files():
            raise UserError(
                self.env._(
                    "The file of a signed form cannot be deleted: a newer version "
                    "supersedes it."
                )
            )
        return super().unlink()


class HrKpiUnitSummary(models.Model):
    _inherit = "hr.kpi.unit.summary"

    signed_document_ids = fields.One2many(
        "hr.kpi.signed.document", "unit_summary_id", string="Signed forms"
    )
    signed_document_id = fields.Many2one(
        "hr.kpi.signed.document",
        string="Current signed form",
        compute="_compute_signed_document",
    )
    signature_state = fields.Selection(
        selection=lambda self: (
            self.env["hr.kpi.signed.document"]
            ._fields["state"]
            ._description_selection(self.env)
        ),
        string="Signature",
        compute="_compute_signed_document",
    )

    @api.depends("signed_document_ids.superseded_by_id", "signed_document_ids.state")
    def _compute_signed_document(self):
        current = self._kpi_current_documents()
        for summary in self:
            document = current.get(summary.id, self.env["hr.kpi.signed.document"])
            summary.signed_document_id = document.sudo(False)
            summary.signature_state = document.state

    def _kpi_current_documents(self):
        """``{summary id: its current (not superseded) signed form}``, read
        from the database."""
        # sudo: the current version of each summary's form
        documents = (
            self.env["hr.kpi.signed.document"]
            .sudo()
            .search(
                [
                    ("unit_summary_id", "in", self.ids),
                    ("superseded_by_id", "=", False),
                ],
                order="version desc",
            )
        )
        current = {}
        for document in documents:
            current.setdefault(document.unit_summary_id.id, document)
        return current

    def _kpi_check_signed(self):
        """A summary is sent only when its current form carries a valid
        signature of the unit's head on the month's current figures."""
        current = self._kpi_current_documents()
        for summary in self:
            # sudo: the company's setting, read for the check
            if not summary.sudo().company_id.kpi_signature_required:
                continue
            document = current.get(summary.id, self.env["hr.kpi.signed.document"])
            head = document.signature_ids.filtered(
                lambda s: s.role == "head" and s.state == "valid"
            )
            if not head:
                raise UserError(
                    self.env._(
                        "%(summary)s: the summary is sent with a valid signature "
                        "of the head of the unit. Prepare the Mẫu 01A for signing "
                        "and have it signed first.",
                        summary=summary.display_name,
                    )
                )
            if not document._kpi_data_matches():
                raise UserError(
                    self.env._(
                        "%(summary)s: the month's figures changed after the head "
                        "signed; prepare and sign a new version.",
                        summary=summary.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        summaries = super().create(vals_list)
        summaries.filtered(lambda s: s.state == "sent")._kpi_check_signed()
        return summaries

    def write(self, vals):
        if vals.get("state") == "sent":
            self.filtered(lambda s: s.state != "sent")._kpi_check_signed()
        return super().write(vals)

    def action_prepare_signature(self):
        """Prepare this month's Mẫu 01A for signing and open it."""
        self.ensure_one()
        document = self.env["hr.kpi.signed.document"]._kpi_prepare_unit_summary(self)
        return document._kpi_action_open()


class HrKpiAppraisal(models.Model):
    _inherit = "hr.kpi.appraisal"

    def action_prepare_signature(self):
        """Prepare this month's evaluation sheet for signing and open it."""
        return self._kpi_open_prepared("appraisal_sheet")

    def action_prepare_signature_task_list(self):
        """Prepare this month's work list (bảng kê) for signing and open it."""
        return self._kpi_open_prepared("task_list")

    def _kpi_open_prepared(self, kind):
        self.ensure_one()
        document = self.env["hr.kpi.signed.document"]._kpi_prepare_appraisal(self, kind)
        return document._kpi_action_open()


class HrKpiPeriod(models.Model):
    _inherit = "hr.kpi.period"

    def action_prepare_signature_agency_summary(self):
        """Prepare the month's Mẫu 02A of the company for signing and open
        it."""
        self.ensure_one()
        document = self.env["hr.kpi.signed.document"]._kpi_prepare_agency_summary(self)
        return document._kpi_action_open()
