"""18.0.1.5.0: the *Rules and sources* of the shipped rule sets name the public
text a rule comes from (the law, its number and issuer, or the page where it is
published) instead of the team's research notes, which a user cannot open.

The records are ``noupdate``: a reference (or note) is replaced only while it
still holds the value shipped before, so an administrator's edit is kept.
"""

from odoo import SUPERUSER_ID, api

MODULE = "l10n_vn_hr_kpi"

_ND335 = "NĐ 335/2025/NĐ-CP of 21/12/2025 (luatvietnam.vn, nhansu.vn)"
_ND335_POINTS = "vnexpress.net/cong-chuc-duoc-danh-gia-theo-thang-diem-100-4998413.html"
_ND335_LEVELS = (
    "cafef.vn/cong-chuc-khong-hoan-thanh-nhiem-vu-trong-truong-hop-nao"
    "-188251228100335529.chn"
)
_ND335_ARTICLES = "article as read by github.com/tynnpdhsp/SaigonOS-KPI/releases"
_ND233 = "NĐ 233/2026/NĐ-CP of 26/6/2026: vanban.chinhphu.vn/?docid=218616"
_LAW_91 = (
    "thuviennhadat.vn/vbpl/luat-bao-ve-du-lieu-ca-nhan-2025-so-91-2025-qh15-625628.html"
)
_TRANSITION = (
    "NĐ 233/2026/NĐ-CP, in force 1/7/2026, replaces NĐ 90/2020 for public "
    "employees: vanban.chinhphu.vn/?docid=218616"
)
_OLD_ND335 = "regulations-2026.md §2.3"

# xml id: {field: (value shipped before 18.0.1.5.0, value shipped now)}
CHANGES = {
    "rule_source_nd335_2026_general_max": {
        "reference": (
            _OLD_ND335,
            f"{_ND335_POINTS} (30 + 70 points); {_ND335_ARTICLES}",
        ),
    },
    "rule_source_nd335_2026_task_max": {
        "reference": (
            _OLD_ND335,
            f"{_ND335_POINTS} (30 + 70 points); {_ND335_ARTICLES}",
        ),
    },
    "rule_source_nd335_2026_threshold_excellent": {
        "reference": (_OLD_ND335, f"{_ND335_LEVELS} (the levels); {_ND335_ARTICLES}"),
    },
    "rule_source_nd335_2026_threshold_good": {
        "reference": (_OLD_ND335, f"{_ND335_LEVELS} (the levels); {_ND335_ARTICLES}"),
    },
    "rule_source_nd335_2026_threshold_done": {
        "reference": (_OLD_ND335, f"{_ND335_LEVELS} (the levels); {_ND335_ARTICLES}"),
    },
    "rule_source_nd335_2026_leader_task_strategy": {
        "reference": (_OLD_ND335, f"{_ND335}; {_ND335_ARTICLES}"),
    },
    "rule_source_nd335_2026_head_decided_by_superior": {
        "reference": (_OLD_ND335, f"{_ND335}; {_ND335_ARTICLES}"),
    },
    "rule_source_nd335_2026_rollup_fail_quarter_blocks_excellent": {
        "reference": (
            "regulations.md §5",
            "HD 02-HD/BTCTW of 22/5/2026 (Ban Tổ chức Trung ương) as applied by "
            "Thống kê Hưng Yên; the guidance itself was not found published",
        ),
    },
    "rule_source_nd335_2026_evidence_retention_months": {
        "reference": ("regulations-2026.md §5.4", _LAW_91),
    },
    "rule_source_nd335_2026_rollup_transition_policy": {
        "reference": ("regulations-2026.md §5.1", _TRANSITION),
    },
    "rule_source_hn_11_2026_summary_day": {
        "reference": (
            'regulations.md §0.2 (the brief\'s "by the 30th"; check the signed text)',
            "Quy định 11-QĐ/TU of 25/3/2026 (Thành ủy Hà Nội): not published; "
            "ask the customer for the signed text",
        ),
        "note": (
            False,
            "The customer's brief says 'by the 30th'; check the signed text.",
        ),
    },
    "rule_source_nd233_2026_head_decided_by_superior": {
        "reference": (
            "regulations-2026.md §2.1",
            f"{_ND233}; article as read by "
            "github.com/nnqp201-sys/KTC-Quan-tri:20-Chuan-Chung/19-Quy-Tac-KPI.md",
        ),
    },
    "rule_source_nd233_2026_staff_category": {
        "reference": ("regulations-2026.md §2.1", _ND233),
    },
    "rule_source_nd233_2026_evidence_retention_months": {
        "reference": ("regulations-2026.md §5.4", _LAW_91),
    },
    "rule_source_nd233_2026_rollup_transition_policy": {
        "reference": ("regulations-2026.md §5.1", _TRANSITION),
    },
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    data = env["ir.model.data"].search(
        [
            ("module", "=", MODULE),
            ("model", "=", "hr.kpi.rule.source"),
            ("name", "in", list(CHANGES)),
        ]
    )
    ids = {row.name: row.res_id for row in data}
    sources = env["hr.kpi.rule.source"].browse(list(ids.values())).exists()
    by_id = {source.id: source for source in sources}
    # one write per set of new values (the shared ones go together)
    to_write = {}
    for name, fields in CHANGES.items():
        source = by_id.get(ids.get(name))
        if not source:
            continue  # deleted by an administrator
        values = tuple(
            (field, new)
            for field, (old, new) in fields.items()
            if (source[field] or False) == old
        )
        if values:
            to_write[values] = to_write.get(values, sources.browse()) | source
    for values, records in to_write.items():
        records.write(dict(values))
