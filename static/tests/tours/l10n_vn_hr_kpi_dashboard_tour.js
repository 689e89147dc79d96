/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A head opens the KPI dashboard from the Reporting menu, sees the number of
 * decided appraisals of his units (the figure the test computed as him), and
 * opens the pivot view from the dashboard.
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_dashboard_tour", {
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
            content: "Open the Reporting menu",
            trigger: '.o_menu_sections [data-menu-xmlid="l10n_vn_hr_kpi.menu_kpi_reporting"]',
            run: "click",
        },
        {
            content: "Open the dashboard",
            trigger: '.dropdown-item[data-menu-xmlid="l10n_vn_hr_kpi.hr_kpi_dashboard_menu"]',
            run: "click",
        },
        {
            content: "The decided appraisals of the head's units are counted",
            trigger: ".o_kpi_dashboard .o_kpi_evaluated_count:contains(3)",
        },
        {
            content: "The unit over the quota cap is highlighted",
            trigger: ".o_kpi_dashboard .o_kpi_units tr.o_kpi_over_cap:contains(Tour unit)",
        },
        {
            content: "Open the pivot view",
            trigger: ".o_kpi_dashboard button:contains(Pivot)",
            run: "click",
        },
        {
            content: "The analysis pivot is displayed",
            trigger: ".o_pivot_view",
        },
    ],
});
