"""The annual result is decided by its decider or his deputy under a
delegation in force: the deputy reads the results he may decide. The rule is
noupdate data: rewrite it here."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_rule
           SET domain_force = %s
         WHERE id = (SELECT res_id FROM ir_model_data
                      WHERE module = 'l10n_vn_hr_kpi'
                        AND name = 'hr_kpi_rollup_rule_evaluator'
                        AND model = 'ir.rule')
        """,
        (
            "['|', ('decider_employee_id.user_id', '=', user.id), "
            "('acting_deputy_employee_id', 'in', user.employee_ids.ids)]",
        ),
    )
