"""PAdES signing and verification of the official forms with pyHanko 0.20.

Pure functions and small classes, no ORM: the models call them with bytes and
read back plain dictionaries. pyHanko is imported lazily so that the module
loads (and says clearly what is missing) when the library is absent.

Only pyHanko 0.20.x APIs are used (the line that resolves within Odoo 18's
pinned ``cryptography``); ``oscrypto``, which pyHanko's certificate validator
depends on, cannot read OpenSSL 3's version: nothing here reaches it (trust
roots are always given, nothing is fetched).
"""

import hashlib
import io
import json
import logging
import re
import subprocess
import tempfile
from datetime import timezone

_logger = logging.getLogger(__name__)

# Document information entries carrying the form's identity
IDENTITY_KEYS = {
    "reference": "/KPIReference",
    "form": "/KPIForm",
    "unit": "/KPIUnit",
    "period": "/KPIPeriod",
    "version": "/KPIVersion",
    "data_sha256": "/KPIDataSHA256",
}
# A4 landscape and portrait, in points
BOX_WIDTH, BOX_HEIGHT = 170, 42


class SignatureError(Exception):
    """A signing or reading problem; ``reason`` is a key of the models'
    messages, ``details`` its parameters."""

    def __init__(self, reason, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


def canonical_json(data):
    """One text for one content: keys sorted, no spaces, UTF-8 kept."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def normalize_serial(serial):
    """A certificate serial as upper-case hexadecimal without separators or
    leading zeros (HR may type ``01:AB cd``)."""
    if serial is None or serial is False:
        return ""
    if isinstance(serial, int):
        return f"{serial:X}"
    text = re.sub(r"[\s:.-]", "", str(serial)).upper()
    return text.lstrip("0") or ("0" if text else "")


def normalize_subject(subject):
    """A subject compared without case or spacing differences."""
    return re.sub(r"\s+", " ", (subject or "").strip()).casefold()


def _pyhanko():
    try:
        from pyhanko.pdf_utils import generic  # noqa: PLC0415
        from pyhanko.pdf_utils.incremental_writer import (  # noqa: PLC0415
            IncrementalPdfFileWriter,
        )
        from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: PLC0415
        from pyhanko.sign import fields, signers  # noqa: PLC0415
    except ImportError as error:  # pragma: no cover
        raise SignatureError("no_library") from error
    return generic, IncrementalPdfFileWriter, PdfFileReader, fields, signers


def load_certificate(data):
    """An asn1crypto certificate from PEM or DER bytes."""
    from asn1crypto import pem, x509  # noqa: PLC0415

    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    try:
        cert = x509.Certificate.load(data)
        _parsed = cert.native  # parse now: a bad file fails here
    except (ValueError, TypeError) as error:
        raise SignatureError("bad_certificate") from error
    return cert


def certificate_info(cert):
    """What the forms and the employee match on: subject, serial, validity."""
    return {
        "subject": cert.subject.human_friendly,
        "common_name": cert.subject.native.get("common_name") or "",
        "serial": normalize_serial(cert.serial_number),
        "issuer": cert.issuer.human_friendly,
        "not_before": cert.not_valid_before.astimezone(timezone.utc).replace(
            tzinfo=None
        ),
        "not_after": cert.not_valid_after.astimezone(timezone.utc).replace(tzinfo=None),
    }


def signature_boxes(pdf, titles):
    """``{title: (x1, y1, x2, y2)}``: a box under each signatory's title in
    the form's signature block on the last page (found with ``pdftotext
    -bbox``), or side by side at the bottom of the last page when the title
    cannot be found."""
    generic, _writer, PdfFileReader, _fields, _signers = _pyhanko()
    reader = PdfFileReader(io.BytesIO(pdf))
    last = reader.root["/Pages"]["/Count"] - 1
    page = reader.find_page_for_modification(last)[0].get_object()
    media = [float(v) for v in page.get("/MediaBox", [0, 0, 842, 595])]
    width, height = media[2] - media[0], media[3] - media[1]
    found = _title_positions(pdf, last + 1, titles)
    boxes = {}
    step = width / (len(titles) + 1)
    for index, title in enumerate(titles, start=1):
        if title in found:
            x_mid, y_top = found[title]
            # the title and its hint line take ~2 lines; the name is ~48pt below
            y2 = height - y_top - 25
        else:
            x_mid, y2 = step * index, 40 + BOX_HEIGHT
        x1 = max(0, x_mid - BOX_WIDTH / 2)
        boxes[title] = (
            round(x1),
            round(y2 - BOX_HEIGHT),
            round(x1 + BOX_WIDTH),
            round(y2),
        )
    return boxes


def _title_positions(pdf, page_number, titles):
    """``{title: (x middle, y top from the top)}`` of the titles' first word
    sequence on the page, via poppler's ``pdftotext -bbox``; empty when the
    tool is missing."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        try:
            html = subprocess.run(
                [
                    "pdftotext",
                    "-bbox",
                    "-enc",
                    "UTF-8",
                    "-f",
                    str(page_number),
                    "-l",
                    str(page_number),
                    handle.name,
                    "-",
                ],
                check=True,
                capture_output=True,
                timeout=60,
            ).stdout.decode()
        except (OSError, subprocess.SubprocessError):
            _logger.info("pdftotext unavailable: signature fields at the bottom")
            return {}
    words = [
        (float(x1), float(y1), float(x2), text)
        for x1, y1, x2, _y2, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
            r'yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]
    found = {}
    for title in titles:
        parts = title.split()
        for start in range(len(words) - len(parts), -1, -1):
            chunk = words[start : start + len(parts)]
            if [w[3] for w in chunk] == parts:
                found[title] = ((chunk[0][0] + chunk[-1][2]) / 2, chunk[0][1])
                break
    return found


def prepare_pdf(pdf, identity, field_boxes):
    """The form ready to sign: the identity in the document information and an
    empty signature field per signatory (``{field name: box}``), written as an
    incremental update."""
    generic, IncrementalPdfFileWriter, _reader, fields, _signers = _pyhanko()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    old = writer.trailer["/Info"] if "/Info" in writer.trailer else {}
    info = generic.DictionaryObject({key: value for key, value in old.items()})
    for key, name in IDENTITY_KEYS.items():
        info[generic.NameObject(name)] = generic.TextStringObject(
            str(identity.get(key, ""))
        )
    info[generic.NameObject("/Title")] = generic.TextStringObject(
        identity.get("title", "")
    )
    writer.set_info(info)
    for name, box in field_boxes.items():
        fields.append_signature_field(
            writer, fields.SigFieldSpec(name, on_page=-1, box=box)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class KpiSigner:
    """What signs a field: the implementations give the signed PDF for the
    current PDF and a field name, and the certificate that signs."""

    def certificate(self):
        raise NotImplementedError

    def sign(self, pdf, field_name):
        raise NotImplementedError


class PyhankoSigner(KpiSigner):
    """PAdES baseline B-B (B-T when a time-stamping service is given) with a
    pyHanko signer, as an incremental update: earlier signatures stay valid."""

    def __init__(self, signer, timestamp_url=None):
        self.signer = signer
        self.timestamp_url = timestamp_url

    def certificate(self):
        return self.signer.signing_cert

    def sign(self, pdf, field_name):
        _generic, IncrementalPdfFileWriter, _reader, fields, signers = _pyhanko()
        from pyhanko.sign.signers.pdf_signer import (  # noqa: PLC0415
            PdfSignatureMetadata,
        )

        timestamper = None
        if self.timestamp_url:
            from pyhanko.sign.timestamps import HTTPTimeStamper  # noqa: PLC0415

            timestamper = HTTPTimeStamper(self.timestamp_url)
        meta = PdfSignatureMetadata(
            field_name=field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        try:
            out = signers.PdfSigner(
                meta, signer=self.signer, timestamper=timestamper
            ).sign_pdf(writer)
        except Exception as error:
            _logger.info("signing failed: %s", error)
            raise SignatureError("sign_failed", error=str(error)) from error
        return out.getvalue()


class Pkcs12Signer(PyhankoSigner):
    """A PKCS#12 file (.p12/.pfx) the user gives for one signing; the
    passphrase is used here and kept nowhere."""

    def __init__(self, data, passphrase, timestamp_url=None):
        from cryptography.hazmat.backends import default_backend  # noqa: PLC0415
        from cryptography.hazmat.primitives.serialization import (  # noqa: PLC0415
            pkcs12,
        )

        _pyhanko()
        from pyhanko.sign.signers.pdf_cms import (  # noqa: PLC0415
            _translate_pyca_cryptography_cert_to_asn1,
            _translate_pyca_cryptography_key_to_asn1,
        )
        from pyhanko_certvalidator.registry import (  # noqa: PLC0415
            SimpleCertificateStore,
        )

        try:
            key, cert, others = pkcs12.load_key_and_certificates(
                data, (passphrase or "").encode() or None, default_backend()
            )
        except (ValueError, TypeError) as error:
            raise SignatureError("bad_pkcs12") from error
        if key is None or cert is None:
            raise SignatureError("bad_pkcs12")
        store = SimpleCertificateStore()
        store.register_multiple(
            [_translate_pyca_cryptography_cert_to_asn1(c) for c in others or ()]
        )
        from pyhanko.sign import signers  # noqa: PLC0415

        super().__init__(
            signers.SimpleSigner(
                signing_key=_translate_pyca_cryptography_key_to_asn1(key),
                signing_cert=_translate_pyca_cryptography_cert_to_asn1(cert),
                cert_registry=store,
            ),
            timestamp_url=timestamp_url,
        )


class Pkcs11Signer(PyhankoSigner):
    """A key on a PKCS#11 token of the server (``python-pkcs11`` and the
    token's library, configured by the administrator)."""

    def __init__(self, library, token_label, pin, key_label, timestamp_url=None):
        try:
            from pyhanko.config.pkcs11 import TokenCriteria  # noqa: PLC0415
            from pyhanko.sign import pkcs11  # noqa: PLC0415
        except ImportError as error:
            raise SignatureError("no_pkcs11") from error
        try:
            session = pkcs11.open_pkcs11_session(
                library,
                user_pin=pin,
                token_criteria=TokenCriteria(label=token_label or None),
            )
        except Exception as error:
            raise SignatureError("pkcs11_failed", error=str(error)) from error
        try:
            signer = pkcs11.PKCS11Signer(
                session, cert_label=key_label, key_label=key_label
            )
        except Exception as error:
            session.close()
            raise SignatureError("pkcs11_failed", error=str(error)) from error
        self.session = session
        super().__init__(signer, timestamp_url=timestamp_url)

    def sign(self, pdf, field_name):
        try:
            return super().sign(pdf, field_name)
        finally:
            self.session.close()


class UploadedSigner(KpiSigner):
    """A PDF signed elsewhere (the government signing client on the user's
    machine): the signature is already in the file, only verified here."""

    def __init__(self, signed_pdf):
        if not signed_pdf or not signed_pdf.startswith(b"%PDF"):
            raise SignatureError("not_pdf")
        self.signed_pdf = signed_pdf

    def certificate(self):
        return None

    def sign(self, pdf, field_name):
        return self.signed_pdf


def read_identity(pdf, revision=None):
    """The identity entries of the document information, at ``revision`` (the
    revision a signature covers) or at the end of the file."""
    _generic, _writer, PdfFileReader, _fields, _signers = _pyhanko()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if revision is None:
            trailer = reader.trailer
        else:
            trailer = reader.get_historical_resolver(revision).trailer_view
        info = trailer["/Info"] if "/Info" in trailer else {}
        return {key: str(info.get(name, "")) for key, name in IDENTITY_KEYS.items()}
    except Exception as error:
        raise SignatureError("damaged") from error


def verify_pdf(pdf, trust_roots):
    """Every signature of ``pdf``: a list of dicts with the field, the signer's
    certificate (info), the reported signing time, ``intact`` (the signed
    bytes unchanged and what came after only filled other fields),
    ``trusted`` (a chain to ``trust_roots`` valid at the signing time),
    ``problem`` (a reason key or ``""``) and the identity the signed revision
    carries. ``trust_roots``: asn1crypto certificates."""
    _generic, _writer, PdfFileReader, _fields, _signers = _pyhanko()
    from pyhanko.sign.validation import validate_pdf_signature  # noqa: PLC0415
    from pyhanko_certvalidator import ValidationContext  # noqa: PLC0415

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:
        raise SignatureError("damaged") from error
    results = []
    for sig in embedded:
        result = {"field": sig.field_name, "problem": "", "certificate": None}
        try:
            cert = sig.signer_cert
            info = certificate_info(cert)
            result["certificate"] = info
            signing_time = sig.self_reported_timestamp
            result["signing_time"] = (
                signing_time.astimezone(timezone.utc).replace(tzinfo=None)
                if signing_time
                else None
            )
            context = ValidationContext(
                trust_roots=list(trust_roots),
                moment=signing_time,
                allow_fetching=False,
                revocation_mode="soft-fail",
            )
            status = validate_pdf_signature(sig, context)
            result["intact"] = bool(status.intact and status.valid)
            result["docmdp_ok"] = bool(status.docmdp_ok)
            result["trusted"] = bool(status.trusted)
            # PAdES B-T: a time-stamping authority's token on the signature
            # gives the signing time instead of the signer's own clock
            stamp = status.timestamp_validity
            if stamp is not None:
                result["timestamp_ok"] = bool(
                    stamp.intact and stamp.valid and stamp.trusted
                )
                result["timestamp"] = stamp.timestamp.astimezone(timezone.utc).replace(
                    tzinfo=None
                )
                if result["timestamp_ok"]:
                    result["signing_time"] = result["timestamp"]
            result["identity"] = read_identity(pdf, sig.signed_revision)
        except Exception as error:  # a damaged signature is a result, not a crash
            _logger.info("signature %s unreadable: %s", sig.field_name, error)
            result.update(intact=False, trusted=False, docmdp_ok=False, identity={})
            result.setdefault("signing_time", None)
        when = result.get("signing_time")
        cert_info = result["certificate"]
        if not result["intact"]:
            result["problem"] = "altered"
        elif not result["docmdp_ok"]:
            result["problem"] = "modified_after"
        elif "timestamp" in result and not result["timestamp_ok"]:
            result["problem"] = "bad_timestamp"
        elif cert_info and when and when > cert_info["not_after"]:
            result["problem"] = "expired"
        elif cert_info and when and when < cert_info["not_before"]:
            result["problem"] = "not_yet_valid"
        elif not result["trusted"]:
            result["problem"] = "untrusted"
        results.append(result)
    return results
