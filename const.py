"""The addon's vocabulary: appraisal states, classification levels, their order
and labels, subject groups and the legal articles the engine cites.

Every module imports these names from here; none defines its own copy
(``tests/test_const.py`` fails if one does). Plain Python: no ORM, so that
scripts, migrations and the scoring rules can import it.
"""

# The technical name of the addon (xml ids, assets, the modules' registry).
MODULE = "l10n_vn_hr_kpi"

# ---- appraisal states -------------------------------------------------------
# The month not evaluated (a reason recorded instead of scores).
NOT_EVALUATED = "not_evaluated"
# The states a month may be marked not evaluated from: not decided yet (a
# decided month is reopened first).
NOT_EVALUATED_FROM = ("draft", "self_submitted", "reviewed", "returned")
# A decision has been taken: the scores are a snapshot and the rule set, tasks,
# events and findings the appraisal used are frozen.
DECIDED_STATES = ("decided", "published", "appeal_open", "appeal_resolved", "locked")
# The decided level is known to the employee.
PUBLISHED_STATES = ("published", "appeal_open", "appeal_resolved", "locked")
# The levels of "well completed or above" (the leniency flag: nể nang).
GOOD_OR_BETTER = ("good", "excellent")
# The monthly result is final (a resolved appeal is locked at the next cron
# run): the quarterly and annual roll-up counts only these months.
ROLLUP_STATES = ("appeal_resolved", "locked")
# The months the roll-up reads: the final ones, and the months not evaluated,
# which it lists and never scores.
ROLLUP_MONTH_STATES = (*ROLLUP_STATES, NOT_EVALUATED)

# ---- classification levels --------------------------------------------------
# Level keys from the highest to the lowest.
LEVELS_DESC = ("excellent", "good", "done", "fail")
# Their order: the higher the better (fail=0).
LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(LEVELS_DESC))}
# The letters of the official forms (A, B, C, D).
LEVEL_LETTERS = {"excellent": "A", "good": "B", "done": "C", "fail": "D"}
# Fixed Vietnamese labels of the official forms (printed in Vietnamese whatever
# the user's language: not translated on purpose).
LEVEL_LABELS_VI = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "done": "Hoàn thành nhiệm vụ",
    "fail": "Không hoàn thành nhiệm vụ",
}
LEVEL_SHORT_VI = {
    "excellent": "HTXSNV",
    "good": "HTTNV",
    "done": "HTNV",
    "fail": "KHTNV",
}


def level_selection():
    """The classification levels (mức xếp loại), highest first."""
    return [
        ("excellent", "Excellently completed duties"),
        ("good", "Well completed duties"),
        ("done", "Completed duties"),
        ("fail", "Did not complete duties"),
    ]


# ---- subject groups and staff categories ------------------------------------
LEADER_SUBJECT_GROUPS = ("leader_head", "leader_deputy")
SUBJECT_GROUP_VI = {
    "leader_head": "Lãnh đạo cấp trưởng",
    "leader_deputy": "Lãnh đạo cấp phó",
    "civil_servant": "Công chức",
    "public_employee": "Viên chức",
    "contract_worker": "Lao động hợp đồng",
}


def subject_group_selection():
    """The subject groups (nhóm đối tượng), one list for the whole addon."""
    return [
        ("leader_head", "Head-level leader"),
        ("leader_deputy", "Deputy-level leader"),
        ("civil_servant", "Civil servant"),
        ("public_employee", "Public employee"),
        ("contract_worker", "Contract worker"),
    ]


def staff_category_selection():
    """The staff categories (chế độ đánh giá): each has its own decree."""
    return [
        ("civil_servant", "Cadres and civil servants"),
        ("public_employee", "Public employees"),
        ("contract_worker", "Contract workers"),
    ]


def staff_category_of(subject_group, public_service_unit):
    """The staff category of a subject group in a unit: leaders of a public
    service unit are public employees (viên chức quản lý)."""
    if subject_group in ("public_employee", "contract_worker"):
        return subject_group
    if subject_group in LEADER_SUBJECT_GROUPS and public_service_unit:
        return "public_employee"
    return "civil_servant"


# ---- legal articles the engine cites in its reasons -------------------------
# Veto events and the article of NĐ 335/2025 each one applies.
VETO_ARTICLES = {
    "degradation": "NĐ 335/2025 Điều 20 khoản 4 điểm b",
    "discipline": "NĐ 335/2025 Điều 20 khoản 4 điểm c",
    "corruption": "NĐ 335/2025 Điều 20 khoản 4 điểm d",
}
# The conditions of the Party's Regulation 366 that lower a level one step
# each when unmet (see hr.kpi.engine._apply_qd366).
QD366_ARTICLE = "QĐ 366-QĐ/TW Điều 11"
