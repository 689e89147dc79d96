{
    "name": "Vietnam - Public-sector KPI Appraisal",
    "summary": "Monthly KPI/OKR evaluation and classification of Vietnamese "
    "public-sector staff (Nghị định 335/2025, Quy định 11-QĐ/TU Hà Nội)",
    "version": "18.0.1.0.0",
    "category": "Human Resources",
    "license": "LGPL-3",
    "author": "l10n_vn_hr_kpi developers",
    "website": "https://github.com/l10n-vn-hr-kpi/l10n_vn_hr_kpi",
    "depends": ["hr", "mail"],
    "external_dependencies": {"python": ["xlsxwriter", "openpyxl"]},
    "data": [
        "security/l10n_vn_hr_kpi_groups.xml",
        "security/ir.model.access.csv",
        "security/l10n_vn_hr_kpi_security.xml",
        "data/hr_kpi_rule_set_data.xml",
        "views/l10n_vn_hr_kpi_menus.xml",
        "views/hr_kpi_rule_set_views.xml",
        "views/hr_kpi_product_views.xml",
        "views/hr_kpi_period_views.xml",
        "views/hr_kpi_task_views.xml",
        "views/hr_kpi_appraisal_views.xml",
        "views/hr_kpi_employee_event_views.xml",
        "views/hr_kpi_menus.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/hr_department_demo.xml",
        "demo/hr_employee_demo.xml",
        "demo/res_users_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "l10n_vn_hr_kpi/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
