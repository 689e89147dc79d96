"""The signed forms on the demo ward: a certification authority generated at
install, labelled "demo, not trusted", listed as the ward's trusted authority
so that the demo can be signed and verified, and a certificate for each head,
focal point and HR officer of the ward: its serial recorded on the employee,
its PKCS#12 file (passphrase ``demo``) attached to the employee, which the
signing wizard offers him (wizards/hr_kpi_sign_own_certificate.py).
Never use these keys for anything real: the private keys sit in the database.

The ward's last decided month of the Kinh tế - Hạ tầng - Đô thị unit ships
with its Mẫu 01A signed (preparer, then head) and sent. The PDF is rendered by
wkhtmltopdf, which fetches the form's style sheets from the running server, so
these steps are a chain of background jobs that the job runner performs once
the demo server is up, each one the actor's own public step run as him: the HR
officer prepares the form and signs it, the head signs it and marks the
summary sent.
"""

import base64
from datetime import datetime, timedelta

from odoo.addons.queue_job.delay import chain

from ...const import DECIDED_STATES, NOT_EVALUATED
from .common import installer_env

DEMO_CA_NAME = "KPI DEMO CA - demo, not trusted"
DEMO_PASSPHRASE = b"demo"
JOB_CHANNEL = "root.kpi"


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


def generate(env, company, today):
    """The demo PKI and the signing jobs (see the module's docstring)."""
    env = installer_env(env, company)
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
    sign_and_send_later(env)


def decided_periods(department):
    """The periods whose every result in ``department`` (and below) is
    decided or not evaluated, the latest first."""
    done = (*DECIDED_STATES, NOT_EVALUATED)
    # sudo: demo data; the unit's months, read to choose the one to sign
    groups = (
        department.env["hr.kpi.appraisal"]
        .sudo()
        ._read_group(
            [("department_id", "child_of", department.id)], ["period_id", "state"]
        )
    )
    open_periods = {period for period, state in groups if state not in done}
    periods = {period for period, _state in groups} - open_periods
    return sorted(periods, key=lambda p: p.date_start, reverse=True)


def sign_and_send_later(env):
    """The jobs that prepare the unit's Mẫu 01A of its last decided month as
    the HR officer, sign it as the HR officer (preparer) then the head with
    their demo certificates, and mark the summary sent as the head."""
    department = env.ref("l10n_vn_hr_kpi.dept_ktht_demo", raise_if_not_found=False)
    hr_user = env.ref("l10n_vn_hr_kpi.user_hr_demo", raise_if_not_found=False)
    if not (department and hr_user):
        return
    periods = decided_periods(department)
    if not periods:
        return
    head_user = (department.kpi_decider_id or department.manager_id).user_id or hr_user
    Summary = env["hr.kpi.unit.summary"]
    summary = Summary.search(
        [("period_id", "=", periods[0].id), ("department_id", "=", department.id)]
    ) or Summary.with_user(hr_user).create(
        {"period_id": periods[0].id, "department_id": department.id}
    )
    Wizard = env["hr.kpi.sign.wizard"]

    def step(records, user, description):
        return (
            records.with_user(user)
            .with_context(lang=user.lang)
            .delayable(channel=JOB_CHANNEL, description=description)
        )

    passphrase = DEMO_PASSPHRASE.decode()
    chain(
        step(
            summary, hr_user, "Demo: prepare a month's Mẫu 01A"
        ).action_prepare_signature(),
        step(
            Wizard, hr_user, "Demo: sign a month's Mẫu 01A (preparer)"
        )._kpi_sign_own_field(summary.with_user(hr_user), passphrase),
        step(
            Wizard, head_user, "Demo: sign a month's Mẫu 01A (head)"
        )._kpi_sign_own_field(summary.with_user(head_user), passphrase),
        step(summary, head_user, "Demo: send a month's Mẫu 01A").action_mark_sent(),
    ).delay()
