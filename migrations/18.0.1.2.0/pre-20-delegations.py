"""18.0.1.2.0 (issue #17): before the update, empty the stored arch of the
appraisal's workflow view. It names the acting deputy's dates, fields that no
longer exist (the decision of a deputy rests on a delegation record, see
post-20-delegations.py); the form it extends is checked with it when its own
file loads, before the workflow file brings the new arch back."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_ui_view v
           SET arch_db = jsonb_build_object('en_US', '<data/>')
          FROM ir_model_data d
         WHERE d.model = 'ir.ui.view'
           AND d.module = 'l10n_vn_hr_kpi'
           AND d.name = 'hr_kpi_appraisal_view_form_workflow'
           AND v.id = d.res_id
        """
    )
