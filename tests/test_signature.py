"""The unit summary (Mẫu 01A) signed as a PAdES PDF, verified and
sent. A test certification authority and its certificates are made here with
``cryptography``'s x509 builder; the forms are rendered by wkhtmltopdf (an
HttpCase: it fetches the report assets from the test server)."""

import base64
import http.server
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
from datetime import date, datetime, timedelta, timezone
from unittest.mock import patch

from cryptography import x509
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL, config

from ..demo.generators import signature
from ..models import hr_kpi_signature_pdf as pdfsig
from .common import KpiCommon

PASSPHRASE = "mật khẩu 123"


def _key():
    return rsa.generate_private_key(65537, 2048, default_backend())


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class TestCa:
    """A certification authority for the tests and its end-entity
    certificates, as PKCS#12 files."""

    def __init__(self, name="KPI Test CA"):
        self.key = _key()
        now = datetime.utcnow()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=400))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    False, False, False, False, False, True, True, False, False
                ),
                True,
            )
            .sign(self.key, hashes.SHA256(), default_backend())
        )

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name, start=-30, end=365):
        """``(pkcs12 bytes, serial)`` of a certificate valid from ``start`` to
        ``end`` days from now."""
        key = _key()
        now = datetime.utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + timedelta(days=start))
            .not_valid_after(now + timedelta(days=end))
            .add_extension(
                x509.KeyUsage(
                    True, True, False, False, False, False, False, False, False
                ),
                True,
            )
            .sign(self.key, hashes.SHA256(), default_backend())
        )
        p12 = pkcs12.serialize_key_and_certificates(
            common_name.encode(),
            key,
            cert,
            [self.cert],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
        return p12, f"{cert.serial_number:X}"


class LocalTsa:
    """An RFC 3161 time-stamping authority on a local port for the tests:
    pyHanko's DummyTimeStamper behind an HTTP server, its certificate issued
    by ``ca`` for time stamping, answering with the time ``fixed``."""

    def __init__(self, ca, fixed):
        from asn1crypto import keys as asn1_keys
        from asn1crypto import tsp
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps import DummyTimeStamper

        key = _key()
        now = datetime.utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("KPI Test TSA"))
            .issuer_name(ca.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=30))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]),
                True,
            )
            .sign(ca.key, hashes.SHA256(), default_backend())
        )
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(
                cert.public_bytes(serialization.Encoding.DER)
            ),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            fixed_dt=fixed,
        )

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = tsp.TimeStampReq.load(body)
                answer = stamper.request_tsa_response(request).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def sign_elsewhere(pdf, field_name, p12):
    """What the government signing client does on the user's machine, made
    with pyHanko itself (not the addon's signer): a PAdES signature of the
    field as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    with tempfile.NamedTemporaryFile(suffix=".p12") as handle:
        handle.write(p12)
        handle.flush()
        signer = signers.SimpleSigner.load_pkcs12(
            handle.name, passphrase=PASSPHRASE.encode()
        )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@tagged("post_install", "-at_install")
class TestSignature(KpiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = TestCa()
        cls.env["hr.kpi.trusted.ca"].create(
            {
                "name": "KPI Test CA",
                "company_id": cls.company.id,
                "certificate": base64.b64encode(cls.ca.pem),
            }
        )
        cls.emp_hr.company_id = cls.company
        cls.p12_head, serial_head = cls.ca.issue("Head")
        cls.p12_hr, serial_hr = cls.ca.issue("HR officer")
        cls.p12_staff, serial_staff = cls.ca.issue("Staff")
        cls.p12_leader, serial_leader = cls.ca.issue("Leader")
        cls.emp_leader.kpi_cert_serial = serial_leader
        cls.p12_head_expired, _serial = cls.ca.issue("Head", start=-400, end=-10)
        cls.emp_head.kpi_cert_serial = serial_head
        cls.emp_hr.kpi_cert_serial = serial_hr
        cls.emp_staff.kpi_cert_serial = serial_staff
        cls.user_admin = new_test_user(
            cls.env,
            login="kpi_sysadmin",
            groups="base.group_system,l10n_vn_hr_kpi.group_kpi_hr_officer",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        common = {
            "evaluator_employee_id": cls.emp_leader.id,
            "decider_employee_id": cls.emp_head.id,
        }
        cls.make_task(cls.emp_staff, quantity=2)
        cls.make_task(cls.emp_staff2, quantity=3)
        cls.appraisal_staff = cls.make_appraisal(cls.emp_staff, **common)
        cls.appraisal_staff2 = cls.make_appraisal(cls.emp_staff2, **common)
        cls.appraisal_leader = cls.make_appraisal(
            cls.emp_leader,
            subject_group="leader_deputy",
            evaluator_employee_id=cls.emp_head.id,
            decider_employee_id=cls.emp_head.id,
        )
        cls.set_general(cls.appraisal_staff, 28)
        cls.set_general(cls.appraisal_staff2, 30)
        cls.set_general(cls.appraisal_leader, 28)
        cls.appraisal_staff.write({"state": "published", "level_final": "good"})
        cls.appraisal_staff2.write({"state": "published", "level_final": "good"})
        cls.appraisal_leader.write({"state": "published", "level_final": "good"})
        cls.summary = cls.env["hr.kpi.unit.summary"].create(
            {"period_id": cls.period.id, "department_id": cls.department.id}
        )
        cls.Document = cls.env["hr.kpi.signed.document"]

    # ------------------------------------------------------------------

    def prepare(self, user=None):
        return self.Document.with_user(user or self.user_hr)._kpi_prepare_unit_summary(
            self.summary.with_user(user or self.user_hr)
        )

    def slot(self, document, role):
        return document.sudo().signature_ids.filtered(lambda s: s.role == role)

    def sign(self, document, role, user, p12, passphrase=PASSPHRASE):
        signer = pdfsig.Pkcs12Signer(p12, passphrase)
        document = document.with_user(user)
        return document._kpi_sign_with(signer, self.slot(document, role))

    def current_pdf(self, document):
        return document.sudo().attachment_id.raw

    def file_count(self, document):
        return self.env["ir.attachment"].search_count(
            [("res_model", "=", document._name), ("res_id", "=", document.id)]
        )

    # ------------------------------------------------------------------

    def test_prepare_fields_and_identity(self):
        """The prepared 01A carries one empty field per signatory and its
        identity (unit, period, version, SHA-256 of the figures) in its
        metadata."""
        document = self.prepare()
        self.assertEqual(document.version, 1)
        self.assertEqual(document.signature_ids.mapped("role"), ["preparer", "head"])
        self.assertEqual(self.slot(document, "head").employee_id, self.emp_head)
        self.assertEqual(self.slot(document, "preparer").employee_id, self.emp_hr)
        pdf = self.current_pdf(document)
        identity = pdfsig.read_identity(pdf)
        self.assertEqual(identity["data_sha256"], document.data_hash)
        self.assertEqual(identity["data_sha256"], pdfsig.sha256_hex(document.data_json))
        self.assertEqual(identity["unit"], self.department.name)
        self.assertEqual(identity["period"], self.period.name)
        self.assertEqual(identity["version"], "1")
        self.assertEqual(identity["reference"], document.reference)
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.fields import enumerate_sig_fields

        reader = PdfFileReader(io.BytesIO(pdf))
        found = {name: value for name, value, _ref in enumerate_sig_fields(reader)}
        self.assertEqual(set(found), {"KPI_preparer", "KPI_head"})
        self.assertFalse(any(found.values()), "the fields are empty")
        self.assertEqual(document.state, "to_sign")

    def test_prepare_refused_before_decided_and_to_others(self):
        """A form is signed on a frozen month; a staff member cannot prepare
        his unit's summary."""
        self.appraisal_staff2.write({"state": "reviewed"})
        with self.assertRaisesRegex(UserError, "not decided"):
            self.prepare()
        self.appraisal_staff2.write({"state": "published"})
        with self.assertRaises(AccessError):
            self.prepare(self.user_staff)
        self.assertFalse(self.summary.signed_document_ids)

    def test_sign_01a_and_verify(self):
        document = self.prepare()
        self.sign(document, "head", self.user_head, self.p12_head)
        head = self.slot(document, "head")
        self.assertEqual(head.state, "valid")
        self.assertEqual(head.signer_name, "Head")
        self.assertTrue(head.signing_time)
        self.assertEqual(document.state, "partial")
        # verification on demand, as the head
        document.with_user(self.user_head).action_verify()
        self.assertEqual(head.state, "valid")
        self.assertTrue(document.data_matches)

    def test_counter_sign_keeps_both_valid(self):
        """Người lập biểu then thủ trưởng: both signatures valid, every file
        kept unchanged."""
        document = self.prepare()
        self.sign(document, "preparer", self.user_hr, self.p12_hr)
        first = self.current_pdf(document)
        self.sign(document, "head", self.user_head, self.p12_head)
        second = self.current_pdf(document)
        self.assertTrue(second.startswith(first), "an incremental update")
        self.assertEqual(set(document.signature_ids.mapped("state")), {"valid"})
        self.assertEqual(document.state, "signed")
        self.assertEqual(self.file_count(document), 3)
        results = pdfsig.verify_pdf(second, [pdfsig.load_certificate(self.ca.pem)])
        self.assertEqual(
            [(r["field"], r["problem"]) for r in results],
            [("KPI_preparer", ""), ("KPI_head", "")],
        )

    def test_tampered_byte_is_invalid(self):
        document = self.prepare()
        self.sign(document, "head", self.user_head, self.p12_head)
        pdf = self.current_pdf(document)
        # one byte of the signed data hash in the document information
        position = pdf.index(document.data_hash.encode())
        tampered = bytearray(pdf)
        tampered[position] = ord("0") if pdf[position] != ord("0") else ord("1")
        values, _problems = document._kpi_check(bytes(tampered))
        (result,) = values.values()
        self.assertEqual(result["state"], "invalid")
        self.assertIn(
            document._kpi_reason("altered"), result["reason"], "the reason is given"
        )
        # the same file uploaded is refused, nothing changes
        count = self.file_count(document)
        with self.assertRaisesRegex(UserError, "refused"):
            document.with_user(self.user_hr)._kpi_upload(bytes(tampered))
        self.assertEqual(self.file_count(document), count)
        self.assertEqual(self.slot(document, "head").state, "valid")

    def test_wrong_person_refused(self):
        """The staff member's certificate for the head's field: refused,
        nothing stored; nor may another user sign the head's field."""
        document = self.prepare()
        count = self.file_count(document)
        with self.assertRaisesRegex(UserError, "not the one of"):
            self.sign(document, "head", self.user_head, self.p12_staff)
        with self.assertRaises(AccessError):
            self.sign(document, "head", self.user_hr, self.p12_head)
        self.assertEqual(self.file_count(document), count)
        self.assertEqual(self.slot(document, "head").state, "unsigned")
        # signed elsewhere with the wrong certificate: refused as well
        signed = sign_elsewhere(self.current_pdf(document), "KPI_head", self.p12_staff)
        with self.assertRaisesRegex(UserError, "not the one of"):
            document.with_user(self.user_hr)._kpi_upload(signed)
        self.assertEqual(self.file_count(document), count)

    def test_correction_supersedes(self):
        """Signed, then the month corrected by a replacement decision: the old
        signature still verifies, the form is marked superseded by version 2."""
        first = self.prepare()
        self.sign(first, "head", self.user_head, self.p12_head)
        self.appraisal_staff.with_user(self.user_head)._do_correct(
            "done", "Committee review", "15/QĐ-UBND", document_date=date(2026, 6, 5)
        )
        first.action_verify()
        self.assertFalse(first.data_matches)
        with self.assertRaisesRegex(UserError, "changed after the head signed"):
            self.summary.with_user(self.user_head).action_mark_sent()
        with self.assertRaisesRegex(UserError, "no longer the month"):
            self.sign(first, "preparer", self.user_hr, self.p12_hr)
        second = self.prepare()
        self.assertEqual(second.version, 2)
        self.assertNotEqual(second.data_hash, first.data_hash)
        self.assertEqual(first.superseded_by_id, second)
        first.action_verify()
        self.assertEqual(self.slot(first, "head").state, "valid")
        self.assertEqual(first.status_note, "Superseded by version 2")
        self.assertEqual(self.summary.signed_document_id, second)

    def test_agency_summary_02a_counter_signed(self):
        """Mẫu 02A of the company: prepared by HR (never by a staff member, nor
        before the month is decided), counter-signed by the preparer and the
        head of the agency; a unit sending its 01A afterwards leaves the signed
        figures as they are, a correction supersedes them."""
        period_hr = self.period.with_user(self.user_hr)
        Document = self.Document.with_user(self.user_hr)
        with self.assertRaises(AccessError):
            self.Document.with_user(self.user_staff)._kpi_prepare_agency_summary(
                self.period.with_user(self.user_staff)
            )
        self.appraisal_staff2.write({"state": "reviewed"})
        with self.assertRaisesRegex(UserError, "1 results of the month are not"):
            Document._kpi_prepare_agency_summary(period_hr)
        self.appraisal_staff2.write({"state": "published"})
        self.assertFalse(self.Document.search([("form_kind", "=", "agency_summary")]))
        action = period_hr.action_prepare_signature_agency_summary()
        document = self.Document.browse(action["res_id"])
        self.assertEqual(document.form_kind, "agency_summary")
        self.assertFalse(document.department_id, "the whole company")
        self.assertEqual(document.signature_ids.mapped("role"), ["preparer", "head"])
        self.assertEqual(self.slot(document, "preparer").employee_id, self.emp_hr)
        self.assertEqual(self.slot(document, "head").employee_id, self.emp_head)
        data = json.loads(document.data_json)
        self.assertEqual(data["form_code"], "Mẫu số 02A")
        self.assertEqual([row["count"] for row in data["rows"]], [3])
        self.assertNotIn("sent", data["rows"][0], "the sending is not signed")
        identity = pdfsig.read_identity(self.current_pdf(document))
        self.assertEqual(identity["data_sha256"], document.data_hash)
        self.assertEqual(identity["form"], "Mẫu 02A")
        self.sign(document, "preparer", self.user_hr, self.p12_hr)
        self.sign(document, "head", self.user_head, self.p12_head)
        self.assertEqual(document.state, "signed")
        self.assertEqual(set(document.signature_ids.mapped("state")), {"valid"})
        self.company.kpi_signature_required = False
        self.summary.with_user(self.user_hr).action_mark_sent()
        document.action_verify()
        self.assertTrue(document.data_matches)
        self.assertEqual(document.state, "signed")
        self.appraisal_staff.with_user(self.user_head)._do_correct(
            "done", "Committee review", "16/QĐ-UBND", document_date=date(2026, 6, 5)
        )
        document.action_verify()
        self.assertFalse(document.data_matches)
        second = Document._kpi_prepare_agency_summary(period_hr)
        self.assertEqual((second.version, document.superseded_by_id), (2, second))

    def test_time_stamped_signature_b_t(self):
        """With a time-stamping service set by the administrator the signature
        is PAdES B-T: the signing time is the authority's, not the signer's
        clock; a time stamp from an authority HR does not trust is refused."""
        fixed = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=7)
        tsa = LocalTsa(self.ca, fixed)
        self.addCleanup(tsa.close)
        # sudo: the administrator's setting, set by the test
        self.env["ir.config_parameter"].sudo().set_param(
            "l10n_vn_hr_kpi.timestamp_url", tsa.url
        )
        document = self.prepare()
        slot = self.slot(document, "head")
        wizard = (
            self.env["hr.kpi.sign.wizard"]
            .with_user(self.user_head)
            .create(
                {
                    "document_id": document.id,
                    "method": "pkcs12",
                    "signature_id": slot.id,
                    "p12_file": base64.b64encode(self.p12_head),
                    "passphrase": PASSPHRASE,
                }
            )
        )
        action = wizard.action_sign()
        self.assertEqual(action.get("res_id"), document.id, action)
        self.assertEqual(slot.state, "valid")
        self.assertTrue(slot.timestamped)
        self.assertEqual(slot.signing_time, fixed.replace(tzinfo=None))
        document.action_verify()
        self.assertEqual((slot.state, slot.timestamped), ("valid", True))
        # the preparer's signature stamped by an authority nobody trusts
        untrusted = LocalTsa(TestCa("Unknown TSA CA"), fixed)
        self.addCleanup(untrusted.close)
        count = self.file_count(document)
        signer = pdfsig.Pkcs12Signer(self.p12_hr, PASSPHRASE, untrusted.url)
        with self.assertRaisesRegex(UserError, "time stamp"):
            document.with_user(self.user_hr)._kpi_sign_with(
                signer, self.slot(document, "preparer")
            )
        self.assertEqual(self.file_count(document), count)
        self.assertEqual(self.slot(document, "preparer").state, "unsigned")

    def test_received_lists_units_that_sent_nothing(self):
        """HR's Received Summaries lists every unit with results in the month,
        the ones that never opened their summary included (late after the
        deadline); other roles cannot open it."""
        other = self.env["hr.department"].create(
            {"name": "Silent unit", "company_id": self.company.id}
        )
        self.emp_staff2.department_id = other
        self.appraisal_staff2.department_id = other
        Summary = self.env["hr.kpi.unit.summary"]
        self.assertFalse(Summary.search([("department_id", "=", other.id)]))
        with self.assertRaises(AccessError):
            Summary.with_user(self.user_head).action_open_received()
        action = Summary.with_user(self.user_hr).action_open_received()
        self.assertEqual(action["res_model"], "hr.kpi.unit.summary")
        silent = Summary.search([("department_id", "=", other.id)])
        self.assertEqual((silent.period_id, silent.state), (self.period, "draft"))
        deadline = self.period.date_summary
        self.assertFalse(silent._kpi_is_late(deadline))
        self.assertTrue(silent._kpi_is_late(deadline + timedelta(days=1)))
        Summary.with_user(self.user_hr).action_open_received()
        self.assertEqual(Summary.search_count([("department_id", "=", other.id)]), 1)

    def test_expired_certificate_invalid_with_reason(self):
        document = self.prepare()
        signed = sign_elsewhere(
            self.current_pdf(document), "KPI_head", self.p12_head_expired
        )
        values, _problems = document._kpi_check(signed)
        (result,) = values.values()
        self.assertEqual(result["state"], "invalid")
        self.assertIn("expired", result["reason"])
        with self.assertRaisesRegex(UserError, "expired"):
            document.with_user(self.user_hr)._kpi_upload(signed)
        self.assertEqual(self.slot(document, "head").state, "unsigned")

    def test_untrusted_authority_invalid(self):
        """A certificate from an authority HR did not list is not trusted."""
        other = TestCa("Unknown CA")
        p12, serial = other.issue("Head")
        self.emp_head.kpi_cert_serial = serial
        document = self.prepare()
        signed = sign_elsewhere(self.current_pdf(document), "KPI_head", p12)
        values, _problems = document._kpi_check(signed)
        (result,) = values.values()
        self.assertEqual(result["reason"], document._kpi_reason("untrusted"))

    def test_upload_signed_elsewhere_accepted(self):
        """The head signs with the government client on his machine; the clerk
        uploads the file: accepted and recorded."""
        document = self.prepare()
        signed = sign_elsewhere(self.current_pdf(document), "KPI_head", self.p12_head)
        wizard = (
            self.env["hr.kpi.sign.wizard"]
            .with_user(self.user_hr)
            .create(
                {
                    "document_id": document.id,
                    "method": "upload",
                    "signed_file": base64.b64encode(signed),
                }
            )
        )
        action = wizard.action_sign()
        self.assertEqual(action["res_id"], document.id)
        self.assertFalse(wizard.signed_file)
        self.assertEqual(self.slot(document, "head").state, "valid")
        self.assertEqual(self.current_pdf(document), signed)

    def test_sent_requires_head_signature(self):
        with self.assertRaisesRegex(UserError, "valid signature"):
            self.summary.with_user(self.user_head).action_mark_sent()
        with self.assertRaisesRegex(UserError, "valid signature"):
            self.summary.with_user(self.user_hr).write({"state": "sent"})
        self.assertEqual(self.summary.state, "draft")
        document = self.prepare()
        self.sign(document, "preparer", self.user_hr, self.p12_hr)
        with self.assertRaisesRegex(UserError, "valid signature"):
            self.summary.with_user(self.user_hr).action_mark_sent()
        self.sign(document, "head", self.user_head, self.p12_head)
        self.summary.with_user(self.user_head).action_mark_sent()
        self.assertEqual(self.summary.state, "sent")

    def test_wizard_pkcs12_clears_passphrase(self):
        document = self.prepare()
        Wizard = self.env["hr.kpi.sign.wizard"].with_user(self.user_head)
        values = {
            "document_id": document.id,
            "method": "pkcs12",
            "signature_id": self.slot(document, "head").id,
            "p12_file": base64.b64encode(self.p12_head),
        }
        wrong = Wizard.create(dict(values, passphrase="wrong"))
        action = wrong.action_sign()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertFalse(wrong.passphrase or wrong.p12_file)
        self.assertEqual(self.slot(document, "head").state, "unsigned")
        wizard = Wizard.create(dict(values, passphrase=PASSPHRASE))
        wizard.action_sign()
        self.assertFalse(wizard.passphrase or wizard.p12_file)
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM hr_kpi_sign_wizard WHERE passphrase IS NOT NULL")
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "no passphrase kept")
        self.assertEqual(self.slot(document, "head").state, "valid")

    def test_pkcs11_only_with_a_server_token(self):
        """Without a token library configured on the server, the token method
        is not offered and cannot be forced."""
        document = self.prepare()
        Wizard = self.env["hr.kpi.sign.wizard"].with_user(self.user_head)
        self.assertNotIn("pkcs11", dict(Wizard._selection_method()))
        wizard = Wizard.new(
            {
                "document_id": document.id,
                "method": "pkcs12",
                "signature_id": self.slot(document, "head").id,
            }
        )
        wizard.method = "pkcs11"
        with self.assertRaisesRegex(UserError, "PKCS#11"):
            wizard._kpi_run()
        self.assertEqual(self.slot(document, "head").state, "unsigned")

    def test_pkcs11_token_signs(self):
        """The server's PKCS#11 token (a SoftHSM token made here, holding the
        head's key and certificate): the token method is offered, the PIN
        signs the head's field, the signature verifies, the PIN is not kept;
        a wrong PIN is refused with nothing stored."""
        library = "/usr/lib/softhsm/libsofthsm2.so"
        if not os.path.exists(library) or not shutil.which("softhsm2-util"):
            self.skipTest("SoftHSM (Debian softhsm2) is not installed")
        try:
            import pkcs11
        except ImportError:
            self.skipTest("python-pkcs11 is not installed")
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        os.mkdir(os.path.join(folder, "tokens"))
        conf = os.path.join(folder, "softhsm2.conf")
        with open(conf, "w") as handle:
            handle.write(f"directories.tokendir = {folder}/tokens\n")
        environ = dict(os.environ, SOFTHSM2_CONF=conf)
        softhsm_conf = patch.dict(os.environ, {"SOFTHSM2_CONF": conf})
        softhsm_conf.start()
        self.addCleanup(softhsm_conf.stop)
        label = f"KPI{os.getpid()}"
        key, cert, _others = pkcs12.load_key_and_certificates(
            self.p12_head, PASSPHRASE.encode(), default_backend()
        )
        key_file = os.path.join(folder, "head.pem")
        with open(key_file, "wb") as handle:
            handle.write(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        util = ["softhsm2-util", "--pin", "1234"]
        subprocess.run(
            [*util, "--init-token", "--free", "--label", label, "--so-pin", "5678"],
            env=environ,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*util, "--import", key_file, "--token", label, "--label", "head"]
            + ["--id", "01"],
            env=environ,
            check=True,
            capture_output=True,
        )
        token = pkcs11.lib(library).get_token(token_label=label)
        with token.open(rw=True, user_pin="1234") as session:
            session.create_object(
                {
                    pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                    pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                    pkcs11.Attribute.TOKEN: True,
                    pkcs11.Attribute.LABEL: "head",
                    pkcs11.Attribute.ID: b"\x01",
                    pkcs11.Attribute.SUBJECT: cert.subject.public_bytes(
                        default_backend()
                    ),
                    pkcs11.Attribute.VALUE: cert.public_bytes(
                        serialization.Encoding.DER
                    ),
                }
            )
        server = {
            "kpi_pkcs11_lib": library,
            "kpi_pkcs11_token": label,
            "kpi_pkcs11_key": "head",
        }
        document = self.prepare()
        slot = self.slot(document, "head")
        Wizard = self.env["hr.kpi.sign.wizard"].with_user(self.user_head)
        with patch.dict(config.options, server):
            self.assertIn("pkcs11", dict(Wizard._selection_method()))
            values = {
                "document_id": document.id,
                "method": "pkcs11",
                "signature_id": slot.id,
            }
            wrong = Wizard.create(dict(values, passphrase="0000"))
            action = wrong.action_sign()
            self.assertEqual(action["params"]["type"], "danger")
            self.assertIn("PKCS#11", action["params"]["message"])
            self.assertFalse(wrong.passphrase)
            self.assertEqual(slot.state, "unsigned")
            wizard = Wizard.create(dict(values, passphrase="1234"))
            action = wizard.action_sign()
        self.assertEqual(action.get("res_id"), document.id, action)
        self.assertFalse(wizard.passphrase, "the PIN is not kept")
        self.assertEqual((slot.state, slot.signer_name), ("valid", "Head"))
        results = pdfsig.verify_pdf(
            self.current_pdf(document), [pdfsig.load_certificate(self.ca.pem)]
        )
        self.assertEqual(
            [(r["field"], r["problem"]) for r in results], [("KPI_head", "")]
        )

    def test_signed_file_cannot_change(self):
        """Nobody changes or deletes a signed file or form: HR and an
        administrator, in Python and through the web client's RPC."""
        document = self.prepare()
        self.sign(document, "head", self.user_head, self.p12_head)
        attachment = document.sudo().attachment_id
        checksum = attachment.checksum
        for user in (self.user_hr, self.user_admin):
            with self.subTest(user=user.login):
                as_user = attachment.with_user(user)
                with self.assertRaises(UserError):
                    as_user.write({"raw": b"%PDF-1.4 forged"})
                with self.assertRaises(UserError):
                    as_user.unlink()
                with self.assertRaises(UserError):
                    document.with_user(user).unlink()
        with self.assertRaises(UserError):
            attachment.sudo().write({"name": "renamed.pdf"})
        with self.assertRaises(UserError):
            attachment.sudo().unlink()
        self.env.flush_all()
        for login in ("kpi_hr", "kpi_sysadmin"):
            self.authenticate(login, login)
            for method, args in (
                (
                    "write",
                    [[attachment.id], {"datas": base64.b64encode(b"forged").decode()}],
                ),
                ("unlink", [[attachment.id]]),
            ):
                with self.subTest(login=login, method=method):
                    with self.assertRaises(JsonRpcException) as caught:
                        self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": "ir.attachment",
                                "method": method,
                                "args": args,
                                "kwargs": {},
                            },
                        )
                    self.assertIn(
                        caught.exception.args[0],
                        ("odoo.exceptions.UserError", "odoo.exceptions.AccessError"),
                    )
        self.env.invalidate_all()
        self.assertTrue(attachment.exists())
        self.assertEqual(attachment.checksum, checksum)
        self.assertEqual(attachment.name, document.attachment_id.name)

    def test_certificate_fields_hr_only(self):
        with self.assertRaises(AccessError):
            self.emp_staff.with_user(self.user_staff).write({"kpi_cert_serial": "AB"})
        with self.assertRaises(AccessError):
            self.emp_head.with_user(self.user_head).write({"kpi_cert_subject": "x"})
        self.emp_staff.with_user(self.user_hr).write({"kpi_cert_serial": "ab:cd"})
        self.assertEqual(self.emp_staff.kpi_cert_serial, "ab:cd")
        self.assertTrue(
            self.emp_staff._kpi_certificate_matches({"serial": "ABCD", "subject": ""})
        )

    def test_trusted_ca_hr_only_and_checked(self):
        Ca = self.env["hr.kpi.trusted.ca"]
        with self.assertRaises(AccessError):
            Ca.with_user(self.user_head).create(
                {"name": "Mine", "certificate": base64.b64encode(self.ca.pem)}
            )
        with self.assertRaises(ValidationError):
            Ca.with_user(self.user_hr).create(
                {"name": "Bad", "certificate": base64.b64encode(b"not a cert")}
            )
        authority = Ca.with_user(self.user_hr).create(
            {"name": "Again", "certificate": base64.b64encode(self.ca.pem)}
        )
        self.assertEqual(authority.subject, "Common Name: KPI Test CA, Country: VN")

    def test_evaluation_sheet_three_signatures(self):
        """The phiếu: prepared by the employee, signed by him, his direct
        manager and the head in turn; a stranger cannot prepare it."""
        with self.assertRaises(AccessError):
            self.Document.with_user(self.user_other_evaluator)._kpi_prepare_appraisal(
                self.appraisal_staff.with_user(self.user_other_evaluator)
            )
        document = self.Document.with_user(self.user_staff)._kpi_prepare_appraisal(
            self.appraisal_staff.with_user(self.user_staff)
        )
        self.assertEqual(
            document.signature_ids.mapped("role"), ["self", "manager", "head"]
        )
        self.assertEqual(document.employee_id, self.emp_staff)
        self.sign(document, "self", self.user_staff, self.p12_staff)
        self.sign(document, "manager", self.user_leader, self.p12_leader)
        self.sign(document, "head", self.user_head, self.p12_head)
        self.assertEqual(set(document.signature_ids.mapped("state")), {"valid"})
        self.assertEqual(document.state, "signed")
        document.with_user(self.user_staff).action_verify()
        self.assertEqual(document.state, "signed")
        self.assertTrue(document.data_matches)

    def test_the_buttons_choose_the_form_not_the_context(self):
        """Each button prepares its own form; no context key chooses it."""
        as_leader = self.appraisal_staff.with_user(self.user_leader)
        action = as_leader.with_context(
            kpi_sign_form="task_list"
        ).action_prepare_signature()
        sheet = self.Document.browse(action["res_id"])
        self.assertEqual(sheet.form_kind, "appraisal_sheet")
        action = as_leader.action_prepare_signature_task_list()
        self.assertEqual(self.Document.browse(action["res_id"]).form_kind, "task_list")

    def test_work_list_two_signatures(self):
        """The bảng kê: the employee (người kê khai) and the direct manager."""
        document = self.Document.with_user(self.user_leader)._kpi_prepare_appraisal(
            self.appraisal_staff.with_user(self.user_leader), "task_list"
        )
        self.assertEqual(document.form_kind, "task_list")
        self.assertEqual(document.signature_ids.mapped("role"), ["self", "manager"])
        self.sign(document, "self", self.user_staff, self.p12_staff)
        self.sign(document, "manager", self.user_leader, self.p12_leader)
        self.assertEqual(document.state, "signed")
        self.assertTrue(document.data_matches)
        with self.assertRaises(UserError):
            self.Document.with_user(self.user_hr)._kpi_prepare_appraisal(
                self.appraisal_staff.with_user(self.user_hr), "unit_summary"
            )

    def test_client_own_field_matched_by_certificate(self):
        """A signing client that adds its own signature field: the signature
        goes to the signatory whose certificate made it."""
        document = self.prepare()
        signed = sign_elsewhere(self.current_pdf(document), "Signature1", self.p12_head)
        document.with_user(self.user_hr)._kpi_upload(signed)
        self.assertEqual(self.slot(document, "head").state, "valid")
        self.assertEqual(self.slot(document, "preparer").state, "unsigned")

    def test_rpc_cannot_forge_a_signature(self):
        """Over the web client's RPC, the head and HR try to mark a field
        signed, rewrite a form's hash, attach a forged file, record their own
        certificate and send the summary unsigned: each call is refused and
        the database is unchanged."""
        document = self.prepare()
        self.sign(document, "preparer", self.user_hr, self.p12_hr)
        head = self.slot(document, "head")
        self.env.flush_all()

        def snapshot():
            self.env.flush_all()
            cr = self.env.cr
            cr.execute(
                SQL(
                    "SELECT state, data_hash, superseded_by_id, attachment_id, version "
                    "FROM hr_kpi_signed_document ORDER BY id"
                )
            )
            documents = cr.fetchall()
            cr.execute(
                SQL(
                    "SELECT state, signer_name, cert_serial FROM hr_kpi_signature "
                    "ORDER BY id"
                )
            )
            slots = cr.fetchall()
            cr.execute(
                SQL(
                    "SELECT id, checksum, name FROM ir_attachment "
                    "WHERE res_model = 'hr.kpi.signed.document' ORDER BY id"
                )
            )
            files = cr.fetchall()
            cr.execute(
                SQL(
                    "SELECT state FROM hr_kpi_unit_summary WHERE id = %s",
                    self.summary.id,
                )
            )
            sent = cr.fetchall()
            cr.execute(
                SQL(
                    "SELECT kpi_cert_serial FROM hr_employee WHERE id = %s",
                    self.emp_head.id,
                )
            )
            return documents, slots, files, sent, cr.fetchall()

        forged = base64.b64encode(b"%PDF-1.4 forged").decode()
        attacks = [
            ("hr.kpi.signature", "write", [[head.id], {"state": "valid"}]),
            (
                "hr.kpi.signed.document",
                "write",
                [[document.id], {"data_hash": "0" * 64, "state": "signed"}],
            ),
            (
                "hr.kpi.signed.document",
                "create",
                [
                    {
                        "form_kind": "unit_summary",
                        "period_id": self.period.id,
                        "company_id": self.company.id,
                        "reference": "forged",
                        "data_hash": "0",
                        "data_json": "{}",
                    }
                ],
            ),
            (
                "ir.attachment",
                "create",
                [
                    {
                        "name": "forged.pdf",
                        "datas": forged,
                        "res_model": "hr.kpi.signed.document",
                        "res_id": document.id,
                    }
                ],
            ),
            ("hr.kpi.signed.document", "_kpi_upload", [[document.id], forged]),
            ("hr.kpi.signed.document", "unlink", [[document.id]]),
            ("hr.employee", "write", [[self.emp_head.id], {"kpi_cert_serial": "1"}]),
            ("hr.kpi.unit.summary", "write", [[self.summary.id], {"state": "sent"}]),
            ("hr.kpi.unit.summary", "action_mark_sent", [[self.summary.id]]),
        ]
        refusals = {
            "odoo.exceptions.AccessError",
            "odoo.exceptions.UserError",
            "odoo.exceptions.ValidationError",
        }
        for login in ("kpi_head", "kpi_hr"):
            self.authenticate(login, login)
            for model, method, args in attacks:
                if login == "kpi_hr" and model == "hr.employee":
                    continue  # HR records the certificates
                with self.subTest(login=login, model=model, method=method):
                    before = snapshot()
                    with self.assertRaises(JsonRpcException) as caught:
                        self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": model,
                                "method": method,
                                "args": args,
                                "kwargs": {},
                            },
                        )
                    self.assertIn(caught.exception.args[0], refusals)
                    self.env.invalidate_all()
                    self.assertEqual(snapshot(), before)
            self.logout()


@tagged("post_install", "-at_install")
class TestSignatureDemo(HttpCase):
    """The issue's "done when" on the demo ward: the head of a unit signs the
    month's Mẫu 01A in the browser with his demo certificate, marks the summary
    sent, and the ward's HR sees it received."""

    def test_demo_head_signs_and_sends(self):
        env = self.env
        company = env.ref("l10n_vn_hr_kpi.res_company_ward_demo")
        authority = env["hr.kpi.trusted.ca"].search([("company_id", "=", company.id)])
        self.assertEqual(len(authority), 1)
        self.assertIn("not trusted", authority.name)
        department = env.ref("l10n_vn_hr_kpi.dept_ktht_demo")
        head = env.ref("l10n_vn_hr_kpi.emp_tp_ktht_demo")
        user_head = env.ref("l10n_vn_hr_kpi.user_truongphong_demo")
        user_hr = env.ref("l10n_vn_hr_kpi.user_hr_demo")
        self.assertTrue(head.kpi_cert_serial)
        certificate = env["ir.attachment"].search(
            [
                ("res_model", "=", "hr.employee"),
                ("res_id", "=", head.id),
                ("name", "=like", "demo-certificate-%"),
            ]
        )
        self.assertEqual(len(certificate), 1)
        # the demo ships the unit's last decided month signed and sent, by a
        # chain of jobs the job runner performs once the server is up, each
        # the actor's own step run as him
        jobs = env["queue.job"].search(
            [("channel", "=", "root.kpi"), ("name", "=like", "Demo: %")], order="id"
        )
        steps = [
            ("hr.kpi.unit.summary", "action_prepare_signature", user_hr),
            ("hr.kpi.sign.wizard", "_kpi_sign_own_field", user_hr),
            ("hr.kpi.sign.wizard", "_kpi_sign_own_field", user_head),
            ("hr.kpi.unit.summary", "action_mark_sent", user_head),
        ]
        step_of = {j: (j.model_name, j.method_name, j.user_id) for j in jobs}
        self.assertCountEqual(step_of.values(), steps)
        jobs = jobs.sorted(lambda j: steps.index(step_of[j]))
        # a chain: each step waits for the one before
        self.assertEqual(jobs.mapped("state"), ["pending"] + ["wait_dependencies"] * 3)
        from odoo.addons.queue_job.job import Job

        for job in jobs:
            Job.load(env, job.uuid).perform()
        periods = signature.decided_periods(department)
        self.assertGreaterEqual(len(periods), 2)
        shipped = env["hr.kpi.unit.summary"].search(
            [("period_id", "=", periods[0].id), ("department_id", "=", department.id)]
        )
        self.assertEqual(shipped.state, "sent")
        self.assertEqual(shipped.sent_by_id, user_head)
        shipped_form = shipped.with_user(user_hr).signed_document_id
        shipped_form.with_user(user_hr).action_verify()
        self.assertEqual(shipped_form.state, "signed")
        self.assertEqual(
            shipped_form.signature_ids.mapped("role"), ["preparer", "head"]
        )
        self.assertEqual(shipped_form.signature_ids.mapped("state"), ["valid", "valid"])
        self.assertTrue(shipped_form.data_matches)
        # a signing step run again finds nothing left to sign, and signs nothing
        forms = env["hr.kpi.signed.document"].search_count([])
        with self.assertRaises(UserError):
            Job.load(env, jobs[2].uuid).perform()
        self.assertEqual(env["hr.kpi.signed.document"].search_count([]), forms)
        # the head signs the month before in the browser's way
        period = periods[1]
        summary = env["hr.kpi.unit.summary"].search(
            [("period_id", "=", period.id), ("department_id", "=", department.id)]
        ) or env["hr.kpi.unit.summary"].create(
            {"period_id": period.id, "department_id": department.id}
        )
        self.assertEqual(summary.state, "draft")
        with self.assertRaises(UserError):
            summary.with_user(user_head).action_mark_sent()
        document = (
            env["hr.kpi.signed.document"]
            .with_user(user_hr)
            ._kpi_prepare_unit_summary(summary.with_user(user_hr))
        )
        slot = document.signature_ids.filtered(lambda s: s.role == "head")
        self.assertEqual(slot.employee_id, head)
        # the wizard offers the head his own demo certificate, nobody else's
        Wizard = env["hr.kpi.sign.wizard"]
        offered = Wizard.with_user(user_head).default_get(["p12_file", "method"])
        self.assertEqual(offered["p12_file"], certificate.datas)
        self.assertEqual(offered["method"], "pkcs12")
        nobody = new_test_user(
            env, login="kpi_demo_other", groups="l10n_vn_hr_kpi.group_kpi_head"
        )
        self.assertFalse(
            Wizard.with_user(nobody).default_get(["p12_file"]).get("p12_file")
        )
        wizard = Wizard.with_user(user_head).create(
            {
                "document_id": document.id,
                "signature_id": slot.id,
                "passphrase": "demo",
            }
        )
        self.assertEqual(wizard.p12_file, certificate.datas)
        action = wizard.action_sign()
        self.assertEqual(action.get("res_id"), document.id, action)
        self.assertEqual(slot.state, "valid")
        summary.with_user(user_head).action_mark_sent()
        received = (
            env["hr.kpi.unit.summary"]
            .with_user(user_hr)
            .search([("state", "=", "sent"), ("period_id", "=", period.id)])
        )
        self.assertIn(summary, received)
        self.assertEqual(summary.with_user(user_hr).signed_document_id, document)
