"""Demo of the signed forms (issue #21): a certification authority generated at
install for the demo ward, labelled "demo, not trusted", listed as the ward's
trusted authority so that the demo can be signed and verified, and a
certificate for each head, focal point and HR officer of the ward: its serial
recorded on the employee, its PKCS#12 file (passphrase ``demo``) attached to
the employee for the demo users to sign with in the browser.

Called from ``demo/hr_kpi_signature_demo.xml``; does nothing without the ward.
Never use these keys for anything real: the private keys sit in the database.

The ward's last decided month of the Kinh tế - Hạ tầng - Đô thị unit ships
with its Mẫu 01A signed (preparer, then head) and sent. The PDF is rendered by
wkhtmltopdf, which fetches the form's style sheets from the running server, so
the signing is a background job that the job runner performs once the demo
server is up rather than a step of the installation.
"""

import base64
from datetime import datetime, timedelta

from odoo import api, models

from ..const import DECIDED_STATES, NOT_EVALUATED
from . import hr_kpi_signature_pdf as pdfsig
from .hr_kpi_demo import DEMO_WARD_NAME

DEMO_CA_NAME = "KPI DEMO CA - demo, not trusted"
DEMO_PASSPHRASE = b"demo"


def _demo_pki(people):
    """A demo CA and one PKCS#12 file per ``(key, name)``: ``(ca pem, {key:
    (p12, serial hex)})``."""
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.backends import default_backend  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415
    from cryptography.hazmat.primitives.serialization import (  # noqa: PLC0415
        pkcs12,
    )
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    backend = default_backend()

    def subject(common_name):
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DEMO - NOT TRUSTED"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    now = datetime.utcnow()
    ca_key = rsa.generate_private_key(65537, 2048, backend)
    ca = (
        x509.CertificateBuilder()
        .subject_name(subject(DEMO_CA_NAME))
        .issuer_name(subject(DEMO_CA_NAME))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=730))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            True,
        )
        .sign(ca_key, hashes.SHA256(), backend)
    )
    issued = {}
    for ident, name in people:
        key = rsa.generate_private_key(65537, 2048, backend)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject(name))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=730))
            .not_valid_after(now + timedelta(days=1825))
            .add_extension(
                x509.KeyUsage(
                    True, True, False, False, False, False, False, False, False
                ),
                True,
            )
            .sign(ca_key, hashes.SHA256(), backend)
        )
        p12 = pkcs12.serialize_key_and_certificates(
            name.encode(),
            key,
            cert,
            [ca],
            serialization.BestAvailableEncryption(DEMO_PASSPHRASE),
        )
        issued[ident] = (p12, f"{cert.serial_number:X}")
    return ca.public_bytes(serialization.Encoding.PEM), issued


class HrKpiDemo(models.AbstractModel):
    _inherit = "hr.kpi.demo"

    @api.model
    def _generate_signature_ward(self, company_name=DEMO_WARD_NAME):
        company = self.env["res.company"].search([("name", "=", company_name)], limit=1)
        if not company:
            return
        # sudo: demo data generator, run at install
        env = self.sudo().with_company(company).env
        departments = env["hr.department"].search([("company_id", "=", company.id)])
        signers = (
            departments.kpi_decider_id
            | departments.manager_id
            | departments.kpi_focal_point_id
        )
        hr_users = env.ref("l10n_vn_hr_kpi.group_kpi_hr_officer").users
        signers |= hr_users.employee_ids.filtered(lambda e: e.company_id == company)
        signers = signers.filtered("name")
        if not signers:
            return
        ca_pem, issued = _demo_pki([(e.id, e.name) for e in signers])
        env["hr.kpi.trusted.ca"].create(
            {
                "name": "Demo CA (demo, not trusted)",
                "company_id": company.id,
                "certificate": base64.b64encode(ca_pem),
                "note": "Generated at the installation of the demo data: for "
                "trying the signed forms only. Remove it before real use.",
            }
        )
        attachments = []
        for employee in signers:
            p12, serial = issued[employee.id]
            employee.kpi_cert_serial = serial
            attachments.append(
                {
                    "name": f"demo-certificate-{employee.id}.p12",
                    "description": "Demo certificate, not trusted. Passphrase: demo",
                    "raw": p12,
                    "mimetype": "application/x-pkcs12",
                    "res_model": "hr.employee",
                    "res_id": employee.id,
                }
            )
        env["ir.attachment"].create(attachments)
        self.with_delay(
            channel="root.kpi",
            description="Demo: sign and send a month's Mẫu 01A",
        )._kpi_demo_sign_and_send(company.id)

    @api.model
    def _kpi_demo_decided_periods(self, department):
        """The periods whose every result in ``department`` (and below) is
        decided or not evaluated, the latest first."""
        done = (*DECIDED_STATES, NOT_EVALUATED)
        Appraisal = self.env["hr.kpi.appraisal"]
        groups = Appraisal._read_group(
            [("department_id", "child_of", department.id)],
            ["period_id", "state"],
        )
        open_periods = {period for period, state in groups if state not in done}
        periods = {period for period, _state in groups} - open_periods
        return sorted(periods, key=lambda p: p.date_start, reverse=True)

    @api.model
    def _kpi_demo_sign_and_send(self, company_id):
        """Prepare the unit's Mẫu 01A of its last decided month, sign it as
        the HR officer (preparer) then the head with their demo certificates,
        and mark it sent (idempotent: nothing more once it is sent)."""
        # sudo: demo data, the actors' own steps are run as each of them below
        env = self.sudo().env
        company = env["res.company"].browse(company_id).exists()
        department = env.ref("l10n_vn_hr_kpi.dept_ktht_demo", raise_if_not_found=False)
        hr_user = env.ref("l10n_vn_hr_kpi.user_hr_demo", raise_if_not_found=False)
        if not (company and department and hr_user):
            return False
        # sudo: demo data; the unit's months, read to choose the one to sign
        periods = self.sudo()._kpi_demo_decided_periods(department)
        if not periods:
            return False
        Summary = env["hr.kpi.unit.summary"]
        domain = [
            ("period_id", "=", periods[0].id),
            ("department_id", "=", department.id),
        ]
        summary = Summary.search(domain) or Summary.create(
            {"period_id": periods[0].id, "department_id": department.id}
        )
        if summary.state == "sent":
            return True
        document = summary.signed_document_id
        if not (document and document._kpi_data_matches()):
            document = (
                env["hr.kpi.signed.document"]
                .with_user(hr_user)
                .with_context(lang=hr_user.lang)
                ._kpi_prepare_unit_summary(summary.with_user(hr_user))
            )
        # sudo: demo data; each field is then signed as its own signatory
        for slot in document.sudo().signature_ids.filtered(
            lambda s: s.state != "valid"
        ):
            user = slot.employee_id.user_id
            p12 = env["ir.attachment"].search(
                [
                    ("res_model", "=", "hr.employee"),
                    ("res_id", "=", slot.employee_id.id),
                    ("name", "=like", "demo-certificate-%"),
                ],
                limit=1,
            )
            signer = pdfsig.Pkcs12Signer(p12.raw, DEMO_PASSPHRASE.decode())
            as_user = document.with_user(user).with_context(lang=user.lang)
            as_user._kpi_sign_with(signer, slot.with_user(user))
        head_user = (
            department.kpi_decider_id or department.manager_id
        ).user_id or hr_user
        summary.with_user(head_user).with_context(
            lang=head_user.lang
        ).action_mark_sent()
        return True
