"""Privacy by default (Luật 91/2025/QH15): the heads' record rules on the
criterion lines and adjustments no longer reach the whole unit, only the staff
they decide for. The rules are noupdate data: rewrite them here."""

HEAD_RULE_DOMAIN = (
    "['|', ('appraisal_id.decider_employee_id.user_id', '=', user.id), "
    "('appraisal_id.acting_deputy_employee_id.user_id', '=', user.id)]"
)
RULES = {
    "hr_kpi_appraisal_line_rule_head": "KPI appraisal line: staff I decide for "
    "(not the whole unit: details are private, Luật 91/2025)",
    "hr_kpi_adjustment_rule_head": "KPI adjustment: staff I decide for "
    "(not the whole unit: details are private, Luật 91/2025)",
}


def migrate(cr, version):
    for xmlid, name in RULES.items():
        cr.execute(
            """
            UPDATE ir_rule SET domain_force = %s, name = %s
             WHERE id = (SELECT res_id FROM ir_model_data
                          WHERE module = 'l10n_vn_hr_kpi' AND name = %s
                            AND model = 'ir.rule')
            """,
            (HEAD_RULE_DOMAIN, name, xmlid),
        )
