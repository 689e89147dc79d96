"""Digitally signed official forms.

``hr.kpi.signed.document`` is one version of a form prepared for signing: the
PDF with an empty signature field per signatory and the form's identity
(unit, period, version, SHA-256 of the canonical JSON of the frozen figures) in
its metadata. Each signature is an incremental update stored as a new
attachment; no attachment of a signed document can be changed or deleted, only
a newer version supersedes the document. ``hr.kpi.signature`` is a signatory's
field and what verification found in it.
"""

import base64
import uuid

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import DECIDED_STATES, NOT_EVALUATED
from . import hr_kpi_signature_pdf as pdfsig

FORM_KINDS = [
    ("appraisal_sheet", "Evaluation sheet (phiếu)"),
    ("task_list", "Work list (bảng kê)"),
    ("unit_summary", "Unit summary (Mẫu 01A)"),
    ("agency_summary", "Agency summary (Mẫu 02A)"),
]
ROLES = [
    ("self", "Employee (self-evaluation)"),
    ("manager", "Direct manager"),
    ("preparer", "Preparer"),
    ("head", "Head of the unit"),
]
# the title of each role in the forms' signature blocks
ROLE_TITLES_VI = {
    "self": "CÁ NHÂN TỰ ĐÁNH GIÁ",
    "manager": "NGƯỜI QUẢN LÝ TRỰC TIẾP",
    "preparer": "NGƯỜI LẬP BIỂU",
    "head": "THỦ TRƯỞNG ĐƠN VỊ",
}
# the forms signed per employee: (report action, report model)
APPRAISAL_FORMS = {
    "appraisal_sheet": (
        "l10n_vn_hr_kpi.action_report_appraisal_sheet",
        "report.l10n_vn_hr_kpi.report_appraisal_sheet",
    ),
    "task_list": (
        "l10n_vn_hr_kpi.action_report_task_list",
        "report.l10n_vn_hr_kpi.report_task_list",
    ),
}
# titles a form gives a role instead of ROLE_TITLES_VI's
FORM_TITLES_VI = {
    "task_list": {"self": "NGƯỜI KÊ KHAI"},
    "agency_summary": {"head": "THỦ TRƯỞNG CƠ QUAN"},
}
FORM_CODES_VI = {
    "appraisal_sheet": "Phiếu đánh giá",
    "task_list": "Bảng kê",
    "unit_summary": "Mẫu 01A",
    "agency_summary": "Mẫu 02A",
}


class HrKpiSignedDocument(models.Model):
    _name = "hr.kpi.signed.document"
    _description = "Digitally signed official form"
    _inherit = ["mail.thread"]
    _order = "period_id desc, department_id, form_kind, version desc"
    _check_company_auto = True

    form_kind = fields.Selection(FORM_KINDS, string="Form", required=True)
    unit_summary_id = fields.Many2one(
        "hr.kpi.unit.summary",
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    appraisal_id = fields.Many2one("hr.kpi.appraisal", ondelete="restrict", index=True)
    employee_id = fields.Many2one(
        "hr.employee",
        ondelete="restrict",
        index=True,
        help="The employee of an evaluation sheet.",
    )
    period_id = fields.Many2one(
        "hr.kpi.period", required=True, ondelete="restrict", index=True
    )
    department_id = fields.Many2one(
        "hr.department", string="Unit", ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    version = fields.Integer(required=True, default=1)
    reference = fields.Char(
        required=True,
        copy=False,
        index=True,
        help="Identifier of this version of the form, written in the PDF.",
    )
    data_hash = fields.Char(
        string="Data SHA-256",
        required=True,
        help="SHA-256 of the canonical JSON of the figures the form shows.",
    )
    data_json = fields.Text(string="Signed data", required=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="PDF", readonly=True, ondelete="restrict"
    )
    attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        string="Files",
        domain=[("res_model", "=", "hr.kpi.signed.document")],
    )
    pdf_file = fields.Binary(related="attachment_id.datas", string="Signed PDF")
    pdf_name = fields.Char(related="attachment_id.name", string="File name")
    signature_ids = fields.One2many(
        "hr.kpi.signature", "document_id", string="Signatures"
    )
    state = fields.Selection(
        [
            ("to_sign", "To sign"),
            ("partial", "Partly signed"),
            ("signed", "Signed"),
            ("invalid", "Invalid"),
        ],
        default="to_sign",
        required=True,
        tracking=True,
    )
    data_matches = fields.Boolean(
        string="Matches the current data",
        default=True,
        help="The figures signed are those of the month today.",
    )
    superseded_by_id = fields.Many2one(
        "hr.kpi.signed.document", string="Superseded by", readonly=True, index=True
    )
    status_note = fields.Char(compute="_compute_status_note", string="Status note")
    date_verified = fields.Datetime(string="Verified on", readonly=True)

    _sql_constraints = [
        ("reference_uniq", "UNIQUE(reference)", "A form version is unique."),
    ]

    @api.depends("form_kind", "department_id", "period_id", "version")
    def _compute_display_name(self):
        kinds = dict(self._fields["form_kind"]._description_selection(self.env))
        for document in self:
            document.display_name = " – ".join(
                filter(
                    None,
                    [
                        kinds.get(document.form_kind),
                        document.appraisal_id.employee_id.name
                        or document.department_id.name,
                        document.period_id.name,
                        self.env._("v%(version)s", version=document.version),
                    ],
                )
            )

    @api.depends("superseded_by_id", "data_matches")
    def _compute_status_note(self):
        for document in self:
            if document.superseded_by_id:
                document.status_note = self.env._(
                    "Superseded by version %(version)s",
                    version=document.superseded_by_id.version,
                )
            elif not document.data_matches:
                document.status_note = self.env._(
                    "The month's data changed after signing: prepare a new version."
                )
            else:
                document.status_note = False

    # ------------------------------------------------------------------
    # protection: the record is the signed file
    # ------------------------------------------------------------------

    def unlink(self):
        if self:
            raise UserError(
                self.env._(
                    "A signed form cannot be deleted: a newer version supersedes it."
                )
            )
        return super().unlink()

    # ------------------------------------------------------------------
    # preparing a form
    # ------------------------------------------------------------------

    @api.model
    def _kpi_vi(self):
        """The environment the reasons are written in (Vietnamese when
        installed)."""
        lang = self.env["hr.kpi.report.form"]._reasons_lang()
        return self.with_context(lang=lang).env

    @api.model
    def _kpi_unit_summary_payload(self, summary):
        """The figures Mẫu 01A shows for the summary's unit and month, as plain
        data; refused while a result of the month is not decided."""
        # sudo: the form's figures, the same for every reader (rights checked
        # by the caller)
        Report = self.env["report.l10n_vn_hr_kpi.report_unit_summary"].with_user(
            SUPERUSER_ID
        )
        summary = summary.with_user(SUPERUSER_ID)
        form = Report._get_form_data(summary.period_id, summary.department_id)
        if form["undecided"]:
            raise UserError(
                self.env._(
                    "%(summary)s: %(count)s results of the month are not decided "
                    "yet; a form is signed on a frozen month.",
                    summary=summary.display_name,
                    count=form["undecided"],
                )
            )
        keep = (
            "form_code",
            "period_label",
            "unit",
            "rows",
            "total",
            "levels",
            "not_evaluated",
            "quota",
            "quota_holds",
            "head",
        )
        payload = {key: form[key] for key in keep}
        payload.update(
            period_id=summary.period_id.id,
            department_id=summary.department_id.id,
            company=summary.company_id.name,
        )
        return payload

    @api.model
    def _kpi_unit_summary_signatories(self, summary):
        """``[(role, employee)]`` of Mẫu 01A: the preparer (the user preparing
        it) and the head of the unit."""
        # sudo: the unit's head, read for the signatory list
        department = summary.department_id.sudo()
        head = department.kpi_decider_id or department.manager_id
        preparer = (
            self.env.user.employee_ids.filtered(
                lambda e: e.company_id == summary.company_id
            )[:1]
            or self.env.user.employee_id
        )
        if not head:
            raise UserError(
                self.env._(
                    "%(unit)s has no head to sign its summary.", unit=department.name
                )
            )
        if not preparer:
            raise UserError(
                self.env._(
                    "You have no employee record: the preparer of a form is an "
                    "employee."
                )
            )
        return [("preparer", preparer), ("head", head.sudo(False))]

    @api.model
    def _kpi_render_pdf(self, report_ref, res_ids, data):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, _kind = Report._render_qweb_pdf(report_ref, res_ids, data)
        return pdf

    @api.model
    def _kpi_unit_summary_spec(self, summary):
        """What Mẫu 01A of a unit summary is made of (rights checked)."""
        summary.ensure_one()
        summary.check_access("read")
        summary._check_unit_rights()
        period, department = summary.period_id, summary.department_id
        return {
            "form_kind": "unit_summary",
            "payload": self._kpi_unit_summary_payload(summary),
            "signatories": self._kpi_unit_summary_signatories(summary),
            "report": "l10n_vn_hr_kpi.action_report_unit_summary",
            "res_ids": period.ids,
            "data": {"period_id": period.id, "department_id": department.id},
            "same_form": [("unit_summary_id", "=", summary.id)],
            "values": {
                "unit_summary_id": summary.id,
                "period_id": period.id,
                "department_id": department.id,
                "company_id": summary.company_id.id,
            },
            "unit": department.name or "",
            "period": period.name or "",
        }

    @api.model
    def _kpi_agency_summary_payload(self, period, department):
        """The figures Mẫu 02A shows for the agency (``department``, or the
        whole company without one) and month: the levels and the quota per
        unit. The sending of the units' 01A (which changes from day to day
        until the deadline) is printed but not signed. Refused while a result
        of the month is not decided."""
        # sudo: the form's figures, the same for every reader (rights checked
        # by the caller)
        Appraisal = self.env["hr.kpi.appraisal"].with_user(SUPERUSER_ID)
        domain = [("period_id", "=", period.id)]
        if department:
            domain.append(("department_id", "child_of", department.id))
        undecided = Appraisal.search_count(
            [*domain, ("state", "not in", (*DECIDED_STATES, NOT_EVALUATED))]
        )
        name = department.name or period.company_id.name
        if undecided:
            raise UserError(
                self.env._(
                    "%(agency)s: %(count)s results of the month are not decided "
                    "yet; a form is signed on a frozen month.",
                    agency=name,
                    count=undecided,
                )
            )
        Report = self.env["report.l10n_vn_hr_kpi.report_agency_summary"].with_user(
            SUPERUSER_ID
        )
        form = Report._get_form_data(
            period.with_user(SUPERUSER_ID), department.with_user(SUPERUSER_ID)
        )
        signed_row = (
            "number",
            "unit",
            "count",
            "not_evaluated",
            "levels",
            "quota_excellent",
            "quota_cap",
            "quota_holds",
        )
        return {
            "form_code": form["form_code"],
            "period_label": form["period_label"],
            "unit": form["unit"],
            "rows": [{key: row[key] for key in signed_row} for row in form["rows"]],
            "total": form["total"],
            "total_levels": form["total_levels"],
            "quota_over": form["quota_over"],
            "head": form["head"],
            "period_id": period.id,
            "department_id": department.id,
            "company": period.company_id.name,
        }

    @api.model
    def _kpi_agency_summary_spec(self, period, department=None):
        """What Mẫu 02A of an agency (the whole company without a unit) is
        made of: prepared by an HR officer or the agency's head, signed by the
        preparer and the head of the agency (thủ trưởng cơ quan)."""
        period.ensure_one()
        department = department or self.env["hr.department"]
        period.check_access("read")
        # sudo: the agency's head, read for the signatory list
        appraisals = (
            self.env["hr.kpi.appraisal"]
            .sudo()
            .search(
                [("period_id", "=", period.id)]
                + (
                    [("department_id", "child_of", department.id)] if department else []
                ),
                limit=1,
            )
        )
        Unit = self.env["report.l10n_vn_hr_kpi.report_unit_summary"]
        head = Unit._head_employee_of(period.company_id, department, appraisals)
        user = self.env.user
        is_hr = user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer")
        if not is_hr and not (head and head in user.employee_ids):
            raise AccessError(
                self.env._(
                    "Only an HR officer or the head of the agency prepares its "
                    "summary (Mẫu 02A) for signing."
                )
            )
        if not head:
            raise UserError(
                self.env._(
                    "%(unit)s has no head to sign its summary.",
                    unit=department.name or period.company_id.name,
                )
            )
        preparer = (
            user.employee_ids.filtered(lambda e: e.company_id == period.company_id)[:1]
            or user.employee_id
        )
        if not preparer:
            raise UserError(
                self.env._(
                    "You have no employee record: the preparer of a form is an "
                    "employee."
                )
            )
        return {
            "form_kind": "agency_summary",
            "payload": self._kpi_agency_summary_payload(period, department),
            "signatories": [("preparer", preparer), ("head", head.sudo(False))],
            "titles": FORM_TITLES_VI["agency_summary"],
            "report": "l10n_vn_hr_kpi.action_report_agency_summary",
            "res_ids": period.ids,
            "data": {"period_id": period.id, "department_id": department.id},
            "same_form": [
                ("period_id", "=", period.id),
                ("department_id", "=", department.id),
            ],
            "values": {
                "period_id": period.id,
                "department_id": department.id,
                "company_id": period.company_id.id,
            },
            "unit": department.name or period.company_id.name or "",
            "period": period.name or "",
        }

    @api.model
    def _kpi_prepare_agency_summary(self, period, department=None):
        return self._kpi_prepare(self._kpi_agency_summary_spec(period, department))

    @api.model
    def _kpi_appraisal_payload(self, appraisal, kind="appraisal_sheet"):
        """The figures the evaluation sheet (or the work list) shows, read as
        the superuser so
        that every reader computes the same data (the caller checked the
        access); refused before the month is decided."""
        if appraisal.state not in DECIDED_STATES:
            raise UserError(
                self.env._(
                    "%(appraisal)s is not decided yet; a form is signed on a "
                    "frozen month.",
                    appraisal=appraisal.display_name,
                )
            )
        # sudo: the sheet's figures, the same for every reader (access checked
        # by the caller)
        Report = self.env[APPRAISAL_FORMS[kind][1]].with_user(SUPERUSER_ID)
        (form,) = Report._get_form_data(appraisal.with_user(SUPERUSER_ID))
        drop = {"appraisal", "header", "signatures"}
        payload = {key: value for key, value in form.items() if key not in drop}
        payload.update(
            appraisal_id=appraisal.id,
            period_id=appraisal.period_id.id,
            employee_id=appraisal.employee_id.id,
        )
        return payload

    @api.model
    def _kpi_appraisal_spec(self, appraisal, kind="appraisal_sheet"):
        """What the evaluation sheet of an appraisal is made of: signed by the
        employee, the direct manager and the head (the work list: by the
        employee and the direct manager); prepared by one of them or HR."""
        appraisal.ensure_one()
        appraisal.check_access("read")
        # sudo: the signatories of the sheet, read after the access check
        record = appraisal.sudo()
        signatories = [
            ("self", record.employee_id),
            ("manager", record.evaluator_employee_id),
            ("head", record.decider_employee_id),
        ]
        if kind == "task_list":
            signatories = signatories[:2]
        signatories = [(role, e) for role, e in signatories if e]
        user = self.env.user
        if not user.has_group("l10n_vn_hr_kpi.group_kpi_hr_officer") and not any(
            e in user.employee_ids for _role, e in signatories
        ):
            raise AccessError(
                self.env._(
                    "Only a signatory of the evaluation sheet or an HR officer "
                    "prepares it for signing."
                )
            )
        return {
            "form_kind": kind,
            "payload": self._kpi_appraisal_payload(record, kind),
            "signatories": [(role, e.sudo(False)) for role, e in signatories],
            "titles": FORM_TITLES_VI.get(kind, {}),
            "report": APPRAISAL_FORMS[kind][0],
            "res_ids": appraisal.ids,
            "data": None,
            "same_form": [
                ("employee_id", "=", record.employee_id.id),
                ("period_id", "=", record.period_id.id),
            ],
            "values": {
                "appraisal_id": appraisal.id,
                "employee_id": record.employee_id.id,
                "period_id": record.period_id.id,
                "department_id": record.department_id.id,
                "company_id": record.company_id.id,
            },
            "unit": record.department_id.name or "",
            "period": record.period_id.name or "",
        }

    @api.model
    def _kpi_prepare_unit_summary(self, summary):
        return self._kpi_prepare(self._kpi_unit_summary_spec(summary))

    @api.model
    def _kpi_prepare_appraisal(self, appraisal, kind="appraisal_sheet"):
        if kind not in APPRAISAL_FORMS:
            raise UserError(self.env._("This form is not signed per employee."))
        return self._kpi_prepare(self._kpi_appraisal_spec(appraisal, kind))

    @api.model
    def _kpi_prepare(self, spec):
        """Prepare a form for signing: a new version (the previous one
        superseded), the PDF with its signature fields and identity. ``spec``
        comes from a ``_kpi_*_spec`` method, which checked the rights."""
        kind = spec["form_kind"]
        signatories = spec["signatories"]
        data_json = pdfsig.canonical_json(spec["payload"])
        data_hash = pdfsig.sha256_hex(data_json)
        same_form = [("form_kind", "=", kind), *spec["same_form"]]
        # sudo: the versions of the form, read after the rights check
        versions = self.sudo().search(same_form, order="version desc")
        previous = versions.filtered(lambda d: not d.superseded_by_id)[:1]
        if previous and previous.data_hash == data_hash:
            raise UserError(
                self.env._(
                    "%(form)s: version %(version)s already holds these figures; "
                    "sign it instead of preparing a new one.",
                    form=previous.display_name,
                    version=previous.version,
                )
            )
        version = (versions[:1].version or 0) + 1
        reference = str(uuid.uuid4())
        pdf = self._kpi_render_pdf(spec["report"], spec["res_ids"], spec["data"])
        role_titles = dict(ROLE_TITLES_VI, **spec.get("titles", {}))
        titles = [role_titles[role] for role, _employee in signatories]
        try:
            boxes = pdfsig.signature_boxes(pdf, titles)
            field_boxes = {
                f"KPI_{role}": boxes[role_titles[role]] for role, _e in signatories
            }
            identity = {
                "reference": reference,
                "form": FORM_CODES_VI[kind],
                "unit": spec["unit"],
                "period": spec["period"],
                "version": version,
                "data_sha256": data_hash,
                "title": f"{FORM_CODES_VI[kind]} – {spec['unit']} – "
                f"{spec['period']} – v{version}",
            }
            prepared = pdfsig.prepare_pdf(pdf, identity, field_boxes)
        except pdfsig.SignatureError as error:
            raise UserError(self._kpi_reason(error.reason, **error.details)) from None
        # sudo: the document is created by the rights-checked step above; no
        # user writes it directly
        document = self.sudo().create(
            {
                **spec["values"],
                "form_kind": kind,
                "version": version,
                "reference": reference,
                "data_hash": data_hash,
                "data_json": data_json,
                "signature_ids": [
                    Command.create(
                        {
                            "sequence": index,
                            "role": role,
                            "field_name": f"KPI_{role}",
                            "employee_id": employee.id,
                        }
                    )
                    for index, (role, employee) in enumerate(signatories)
                ],
            }
        )
        document._kpi_store_pdf(prepared, suffix="")
        if previous:
            previous.write({"superseded_by_id": document.id})
        return document.sudo(False)

    def _kpi_store_pdf(self, pdf, suffix):
        """A new immutable attachment holding the current file."""
        self.ensure_one()
        name = (
            f"{FORM_CODES_VI[self.form_kind]} - {self.department_id.name or ''} - "
            f"{self.period_id.name or ''} - v{self.version}{suffix}.pdf"
        ).replace("/", "-")
        # sudo: the signed file, attached by a checked step; nobody may change it
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        # sudo: the pointer to the current file, written by a checked step
        self.sudo().attachment_id = attachment
        return attachment

    # ------------------------------------------------------------------
    # verification
    # ------------------------------------------------------------------

    @api.model
    def _kpi_reason(self, reason, **details):
        """The Vietnamese (when installed) text of a reason key."""
        _ = self._kpi_vi()._
        texts = {
            "no_library": _("pyHanko is not installed on the server."),
            "bad_certificate": _("The certificate file cannot be read."),
            "bad_pkcs12": _(
                "The PKCS#12 file cannot be opened: wrong passphrase or not a "
                "certificate with its key."
            ),
            "no_pkcs11": _("The server has no PKCS#11 token configured."),
            "pkcs11_failed": _("The PKCS#11 token refused: %(error)s"),
            "sign_failed": _("Signing failed: %(error)s"),
            "not_pdf": _("The file is not a PDF."),
            "damaged": _("The file is damaged or is not a signed form."),
            "altered": _("The document was changed after it was signed."),
            "modified_after": _(
                "The document was modified after signing beyond filling the "
                "other signature fields."
            ),
            "expired": _(
                "The signer's certificate had expired at the signing time "
                "(valid until %(date)s)."
            ),
            "not_yet_valid": _(
                "The signer's certificate was not yet valid at the signing time "
                "(valid from %(date)s)."
            ),
            "untrusted": _(
                "The signer's certificate is not issued by a certification "
                "authority trusted by HR."
            ),
            "wrong_signer": _(
                "Signed by %(signer)s, whose certificate is not the one of "
                "%(employee)s recorded by HR."
            ),
            "unknown_field": _(
                "A signature in the field %(field)s, which is not a signatory's "
                "field of this form."
            ),
            "other_document": _(
                "The signed file is not this version of the form (another form, "
                "version or data)."
            ),
            "data_changed": _("The signed figures are no longer the month's figures."),
            "bad_timestamp": _(
                "The time stamp of the signature is not valid or its authority is "
                "not trusted by HR."
            ),
        }
        return texts[reason] % details if details else texts[reason]

    @api.model
    def _kpi_trust_roots(self, company):
        # sudo: the trust roots HR configured, read to verify a signature
        cas = (
            self.env["hr.kpi.trusted.ca"]
            .sudo()
            .search([("company_id", "in", [company.id, False])])
        )
        return [pdfsig.load_certificate(base64.b64decode(ca.certificate)) for ca in cas]

    def _kpi_check(self, pdf):
        """Verify ``pdf`` as a file of this document: ``(matches, lines)``
        where ``lines`` maps each signatory line to its result values and
        ``problems`` lists the problems of signatures outside the lines."""
        self.ensure_one()
        try:
            results = pdfsig.verify_pdf(pdf, self._kpi_trust_roots(self.company_id))
        except pdfsig.SignatureError as error:
            return {}, [self._kpi_reason(error.reason, **error.details)]
        # sudo: the certificates HR recorded on the signatories
        slots = {slot.field_name: slot for slot in self.sudo().signature_ids}
        values, problems = {}, []
        for result in results:
            slot = slots.get(result["field"])
            cert = result["certificate"] or {}
            if not slot and cert:
                # a signing client that adds its own field: the signatory whose
                # certificate signed it, if his field is still empty
                slot = next(
                    (
                        s
                        for s in slots.values()
                        if s.state != "valid"
                        and s not in values
                        and s.employee_id._kpi_certificate_matches(cert)
                    ),
                    None,
                )
            if not slot:
                problems.append(
                    self._kpi_reason("unknown_field", field=result["field"])
                )
                continue
            problem = result["problem"]
            details = {}
            if problem == "expired":
                details["date"] = cert["not_after"].strftime("%d/%m/%Y")
            elif problem == "not_yet_valid":
                details["date"] = cert["not_before"].strftime("%d/%m/%Y")
            if not problem:
                identity = result.get("identity") or {}
                if (
                    identity.get("reference") != self.reference
                    or identity.get("data_sha256") != self.data_hash
                ):
                    problem = "other_document"
                elif not slot.employee_id._kpi_certificate_matches(cert):
                    problem = "wrong_signer"
                    details = {
                        "signer": cert.get("common_name") or cert.get("subject"),
                        "employee": slot.employee_id.name,
                    }
            values[slot] = {
                "state": "invalid" if problem else "valid",
                "signer_name": cert.get("common_name") or cert.get("subject") or "",
                "cert_subject": cert.get("subject") or "",
                "cert_serial": cert.get("serial") or "",
                "signing_time": result.get("signing_time"),
                "timestamped": bool(result.get("timestamp_ok")),
                "reason": self._kpi_reason(problem, **details) if problem else False,
            }
        return values, problems

    def _kpi_record(self, values):
        """Write verification results on the lines and the document's state."""
        self.ensure_one()
        for slot, vals in values.items():
            # sudo: the result of a verification, written by the check itself
            slot.sudo().write(vals)
        for slot in self.sudo().signature_ids - self.env["hr.kpi.signature"].concat(
            *values
        ):
            # sudo: a field without signature in the current file
            slot.sudo().write(
                {
                    "state": "unsigned",
                    "signer_name": False,
                    "cert_subject": False,
                    "cert_serial": False,
                    "signing_time": False,
                    "timestamped": False,
                    "reason": False,
                }
            )
        # sudo: the state of the document follows all its signatures
        states = set(self.sudo().signature_ids.mapped("state"))
        if "invalid" in states:
            state = "invalid"
        elif states == {"valid"}:
            state = "signed"
        elif "valid" in states:
            state = "partial"
        else:
            state = "to_sign"
        # sudo: the verification's outcome on the document
        self.sudo().write(
            {
                "state": state,
                "date_verified": fields.Datetime.now(),
                "data_matches": self._kpi_data_matches(),
            }
        )

    def _kpi_data_matches(self):
        """Whether the form's figures are still the month's (a correction after
        signing changes them)."""
        self.ensure_one()
        # sudo: the figures recomputed to compare with the signed ones, whoever
        # reads the document (its access checked by the caller)
        as_root = self.with_user(SUPERUSER_ID)
        try:
            if self.form_kind == "unit_summary":
                payload = as_root._kpi_unit_summary_payload(as_root.unit_summary_id)
            elif self.form_kind == "agency_summary":
                payload = as_root._kpi_agency_summary_payload(
                    as_root.period_id, as_root.department_id
                )
            elif self.form_kind in APPRAISAL_FORMS:
                payload = as_root._kpi_appraisal_payload(
                    as_root.appraisal_id.with_context(active_test=False),
                    self.form_kind,
                )
            else:
                return True
        except UserError:
            return False
        return pdfsig.sha256_hex(pdfsig.canonical_json(payload)) == self.data_hash

    def action_verify(self):
        """Verify the current file again (on demand)."""
        for document in self:
            document.check_access("read")
            # sudo: the document's own file, read to verify it
            pdf = document.sudo().attachment_id.raw
            values, _problems = document._kpi_check(pdf)
            document._kpi_record(values)
        return True

    # ------------------------------------------------------------------
    # signing
    # ------------------------------------------------------------------

    def _kpi_check_can_add(self):
        """Only the current version of a form is signed."""
        self.ensure_one()
        self.check_access("read")
        if self.superseded_by_id:
            raise UserError(
                self.env._(
                    "%(form)s is superseded by version %(version)s: sign that one.",
                    form=self.display_name,
                    version=self.superseded_by_id.version,
                )
            )
        if not self._kpi_data_matches():
            raise UserError(self._kpi_reason("data_changed"))

    def _kpi_sign_with(self, signer, slot):
        """Sign ``slot`` with a :class:`KpiSigner` (the user is the slot's
        signatory): refused, nothing stored, unless the new signature is valid
        and every earlier one still is."""
        self.ensure_one()
        self._kpi_check_can_add()
        if slot.document_id != self:
            raise UserError(self.env._("This field is not a field of this form."))
        if slot.employee_id not in self.env.user.employee_ids:
            raise AccessError(
                self.env._(
                    "Only %(employee)s signs as %(role)s on this form.",
                    employee=slot.employee_id.name,
                    role=dict(ROLES)[slot.role],
                )
            )
        if slot.state == "valid":
            raise UserError(self.env._("This field is already signed."))
        cert = signer.certificate()
        if cert is not None:
            info = pdfsig.certificate_info(cert)
            # sudo: the certificate HR recorded on the signatory
            if not slot.employee_id.sudo()._kpi_certificate_matches(info):
                raise UserError(
                    self._kpi_reason(
                        "wrong_signer",
                        signer=info["common_name"] or info["subject"],
                        employee=slot.employee_id.name,
                    )
                )
        # sudo: the document's own file, read to sign it
        current = self.sudo().attachment_id.raw
        try:
            signed = signer.sign(current, slot.field_name)
        except pdfsig.SignatureError as error:
            raise UserError(self._kpi_reason(error.reason, **error.details)) from None
        return self._kpi_accept(signed, {slot})

    def _kpi_upload(self, signed_pdf):
        """Record a PDF signed elsewhere: accepted when it is this version of
        the form, every signature in it is valid and at least one field more is
        signed than before."""
        self.ensure_one()
        self._kpi_check_can_add()
        # the agency's văn thư (an HR officer) records its 02A signed elsewhere
        agency_hr = self.form_kind == "agency_summary" and self.env.user.has_group(
            "l10n_vn_hr_kpi.group_kpi_hr_officer"
        )
        if self.unit_summary_id:
            self.unit_summary_id._check_unit_rights()
        elif not agency_hr and not (
            self.signature_ids.employee_id & self.env.user.employee_ids
        ):
            raise AccessError(
                self.env._("Only a signatory of the form uploads its signed file.")
            )
        try:
            signer = pdfsig.UploadedSigner(signed_pdf)
        except pdfsig.SignatureError as error:
            raise UserError(self._kpi_reason(error.reason)) from None
        return self._kpi_accept(signer.sign(None, None), None)

    def _kpi_accept(self, signed, expected_slots):
        values, problems = self._kpi_check(signed)
        problems += [
            f"{dict(ROLES)[slot.role]}: {vals['reason']}"
            for slot, vals in values.items()
            if vals["state"] != "valid"
        ]
        # sudo: the lines signed before, compared with the new file
        before = self.sudo().signature_ids.filtered(lambda s: s.state == "valid")
        signed_now = {slot for slot, vals in values.items() if vals["state"] == "valid"}
        new = signed_now - set(before)
        if expected_slots is not None and not set(expected_slots) <= new:
            problems.append(self._kpi_reason("damaged"))
        if not problems and (not new or set(before) - signed_now):
            problems.append(self._kpi_reason("other_document"))
        if problems:
            raise UserError(
                self.env._(
                    "The signed file is refused:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        self._kpi_store_pdf(signed, suffix=f" ({len(signed_now)})")
        self._kpi_record(values)
        # sudo: the signing logged on the form by the checked step above (the
        # signatories do not write the form)
        self.sudo().message_post(
            body=self.env._(
                "Signed: %(names)s.",
                names=", ".join(values[slot]["signer_name"] for slot in new),
            )
        )
        return True

    def _kpi_action_open(self):
        """The action showing this prepared form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_sign(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hr.kpi.sign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id},
        }


class HrKpiSignature(models.Model):
    _name = "hr.kpi.signature"
    _description = "Signature field of a signed form"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one(
        "hr.kpi.signed.document", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    role = fields.Selection(ROLES, required=True)
    field_name = fields.Char(required=True)
    employee_id = fields.Many2one(
        "hr.employee", string="Signatory", required=True, ondelete="restrict"
    )
    state = fields.Selection(
        [("unsigned", "Not signed"), ("valid", "Valid"), ("invalid", "Invalid")],
        default="unsigned",
        required=True,
    )
    signer_name = fields.Char(string="Signed by")
    cert_subject = fields.Char(string="Certificate subject")
    cert_serial = fields.Char(string="Certificate serial")
    signing_time = fields.Datetime(
        string="Signed on",
        help="The time of the time-stamping authority when the signature is "
        "time-stamped, else the signer's own clock.",
    )
    timestamped = fields.Boolean(
        string="Time-stamped (PAdES B-T)",
        help="A time-stamping authority trusted by HR vouches for the signing time.",
    )
    reason = fields.Char(string="Why invalid")

    @api.depends("role", "employee_id")
    def _compute_display_name(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for slot in self:
            slot.display_name = f"{roles.get(slot.role)}: {slot.employee_id.name}"

    def unlink(self):
        if self:
            raise UserError(
                self.env._("A signature field of a signed form cannot be deleted.")
            )
        return super().unlink()
