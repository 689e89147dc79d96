/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * Opens the KPI Appraisal app from the apps menu and clicks through its menus:
 * proves that the web client boots with the addon's views and assets.
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_menu_tour", {
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
            content: "The app's main action is displayed",
            trigger: ".o_action_manager .o_view_controller",
        },
        {
            content: "Open the Evaluation menu",
            trigger: '.o_menu_sections [data-menu-xmlid="l10n_vn_hr_kpi.menu_kpi_evaluation"]',
            run: "click",
        },
        {
            content: "Open the staff list",
            trigger: '.dropdown-item[data-menu-xmlid="l10n_vn_hr_kpi.menu_kpi_staff"]',
            run: "click",
        },
        {
            content: "The staff view is displayed",
            trigger: ".o_action_manager .o_view_controller .o_control_panel",
        },
    ],
});
