import base64

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..models import hr_kpi_signature_pdf as pdfsig


def pkcs11_config():
    """The server's PKCS#11 token (options ``kpi_pkcs11_lib``,
    ``kpi_pkcs11_token`` and ``kpi_pkcs11_key`` of the Odoo configuration
    file), or None when the server has none."""
    library = tools.config.get("kpi_pkcs11_lib")
    if not library:
        return None
    return {
        "library": library,
        "token_label": tools.config.get("kpi_pkcs11_token"),
        "key_label": tools.config.get("kpi_pkcs11_key"),
    }


class HrKpiSignWizard(models.TransientModel):
    """Sign a field of a form, or upload the form signed elsewhere. The
    PKCS#12 file and its passphrase (or the token PIN) serve this signing only:
    they are cleared from the wizard whatever the outcome."""

    _name = "hr.kpi.sign.wizard"
    _description = "Sign a form"

    document_id = fields.Many2one("hr.kpi.signed.document", required=True)
    signature_id = fields.Many2one(
        "hr.kpi.signature",
        string="Sign as",
        domain="[('document_id', '=', document_id), ('state', '!=', 'valid')]",
    )
    method = fields.Selection(
        selection="_selection_method",
        required=True,
        default="upload",
    )
    p12_file = fields.Binary(string="Certificate file (.p12/.pfx)", attachment=False)
    passphrase = fields.Char(help="Used for this signing only, never kept.")
    signed_file = fields.Binary(string="PDF signed elsewhere", attachment=False)
    signed_filename = fields.Char()

    @api.model
    def _selection_method(self):
        methods = [
            ("upload", self.env._("Upload the PDF signed elsewhere")),
            ("pkcs12", self.env._("Sign here with my certificate file (PKCS#12)")),
        ]
        if pkcs11_config():
            methods.append(("pkcs11", self.env._("Sign with the server's token")))
        return methods

    def _timestamp_url(self):
        """The time-stamping service (RFC 3161) the administrator configured
        (system parameter ``l10n_vn_hr_kpi.timestamp_url``): signatures are
        then PAdES B-T instead of B-B."""
        # sudo: a system parameter, read to sign
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_vn_hr_kpi.timestamp_url")
        ) or None

    def _signer(self):
        self.ensure_one()
        if self.method == "pkcs12":
            if not self.p12_file:
                raise UserError(self.env._("Give your certificate file (.p12/.pfx)."))
            return pdfsig.Pkcs12Signer(
                base64.b64decode(self.p12_file),
                self.passphrase or "",
                timestamp_url=self._timestamp_url(),
            )
        config = pkcs11_config()
        if not config:
            raise UserError(self.document_id._kpi_reason("no_pkcs11"))
        return pdfsig.Pkcs11Signer(
            config["library"],
            config["token_label"],
            self.passphrase,
            config["key_label"],
            timestamp_url=self._timestamp_url(),
        )

    def _kpi_run(self):
        self.ensure_one()
        document = self.document_id
        if self.method == "upload":
            if not self.signed_file:
                raise UserError(self.env._("Give the signed PDF."))
            return document._kpi_upload(base64.b64decode(self.signed_file))
        if not self.signature_id:
            raise UserError(self.env._("Choose the field you sign."))
        try:
            signer = self._signer()
        except pdfsig.SignatureError as error:
            raise UserError(
                document._kpi_reason(error.reason, **error.details)
            ) from None
        return document._kpi_sign_with(signer, self.signature_id)

    def action_sign(self):
        """Sign or record; the secrets are cleared in every case and a refusal
        is shown without keeping them."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._kpi_run()
        except (UserError, AccessError) as error:
            self._kpi_clear()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Not signed"),
                    "message": str(error.args[0] if error.args else error),
                    "type": "danger",
                    "sticky": True,
                },
            }
        self._kpi_clear()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.document_id._name,
            "res_id": self.document_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _kpi_clear(self):
        self.write({"p12_file": False, "passphrase": False, "signed_file": False})
