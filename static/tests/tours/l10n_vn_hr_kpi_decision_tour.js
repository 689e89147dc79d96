/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A head opens the decision screen from the menu, sees the unit's reviewed
 * appraisals ranked with the quota status, and decides them.
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_decision_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the KPI Appraisal app",
            trigger: '.o_app[data-menu-xmlid="l10n_vn_hr_kpi.menu_kpi_root"]',
            run: "click",
        },
        {
            content: "Open the Evaluation menu",
            trigger: '.o_menu_sections [data-menu-xmlid="l10n_vn_hr_kpi.menu_kpi_evaluation"]',
            run: "click",
        },
        {
            content: "Open the decision screen",
            trigger: '.dropdown-item[data-menu-xmlid="l10n_vn_hr_kpi.hr_kpi_decision_menu"]',
            run: "click",
        },
        {
            content: "The three reviewed appraisals of the unit are listed",
            trigger: ".modal .o_field_one2many .o_data_row:nth-child(3)",
        },
        {
            content: "The quota holds",
            trigger: ".modal .alert-success",
        },
        {
            content: "Decide",
            trigger: ".modal footer button[name='action_decide']",
            run: "click",
        },
        {
            content: "The screen closes once decided",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
