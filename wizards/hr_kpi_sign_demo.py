"""The demo ward's signers find their own demo certificate in the signing
wizard (see ``models/hr_kpi_signature_demo.py``)."""

from odoo import api, models


class HrKpiSignWizard(models.TransientModel):
    _inherit = "hr.kpi.sign.wizard"

    @api.model
    def default_get(self, fields_list):
        """On the demo ward, the signer's own demo certificate is offered, so
        that a demo head signs in the browser with only the passphrase."""
        values = super().default_get(fields_list)
        if "p12_file" in fields_list and not values.get("p12_file"):
            certificate = self._kpi_demo_certificate()
            if certificate:
                values.update(p12_file=certificate, method="pkcs12")
        return values

    @api.model
    def _kpi_demo_certificate(self):
        """The demo PKCS#12 file attached to the user's own employee record,
        if any (base64)."""
        employees = self.env.user.employee_ids
        if not employees:
            return False
        # sudo: the user's own demo certificate (his own employee records only)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "hr.employee"),
                    ("res_id", "in", employees.ids),
                    ("name", "=like", "demo-certificate-%.p12"),
                ],
                limit=1,
            )
        )
        return attachment.datas
