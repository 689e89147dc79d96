"""A signer's own certificate file, kept on his employee record (a PKCS#12
attachment, such as the demo ward's certificates), offered by the signing
wizard, so that he signs with only the passphrase."""

from odoo import api, models
from odoo.exceptions import UserError

PKCS12_MIMETYPE = "application/x-pkcs12"


class HrKpiSignWizard(models.TransientModel):
    _inherit = "hr.kpi.sign.wizard"

    @api.model
    def default_get(self, fields_list):
        """The signer's own certificate file is offered when he has one."""
        values = super().default_get(fields_list)
        if "p12_file" in fields_list and not values.get("p12_file"):
            certificate = self._kpi_own_certificate()
            if certificate:
                values.update(p12_file=certificate, method="pkcs12")
        return values

    @api.model
    def _kpi_own_certificate(self):
        """The PKCS#12 file attached to the user's own employee record, if
        any (base64)."""
        employees = self.env.user.employee_ids
        if not employees:
            return False
        # sudo: the user's own certificate (his own employee records only)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "hr.employee"),
                    ("res_id", "in", employees.ids),
                    ("mimetype", "=", PKCS12_MIMETYPE),
                ],
                order="id desc",
                limit=1,
            )
        )
        return attachment.datas

    @api.model
    def _kpi_sign_own_field(self, record, passphrase):
        """Sign the user's pending field of ``record``'s current form (a record
        with ``signed_document_id``, such as a unit summary) with his own
        certificate file, through this wizard's own action: its checks, its
        clearing of the secrets. For a background job run as the signer;
        raises when the wizard refuses."""
        document = record.signed_document_id
        slot = document.signature_ids.filtered(
            lambda s: s.state != "valid" and s.employee_id in self.env.user.employee_ids
        )[:1]
        if not slot:
            raise UserError(
                self.env._(
                    "%(form)s: no field left for you to sign.",
                    form=document.display_name,
                )
            )
        wizard = self.create(
            {
                "document_id": document.id,
                "signature_id": slot.id,
                "passphrase": passphrase,
            }
        )
        action = wizard.action_sign()
        if action.get("tag") == "display_notification":
            raise UserError(action["params"]["message"])
        return True
