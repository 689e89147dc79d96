/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A head opens the KPI dashboard, sees the open appeal of his unit that is past
 * its resolution deadline, and opens the list of the overdue appeals from it.
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_appeal_overdue_tour", {
    url: "/odoo/action-l10n_vn_hr_kpi.hr_kpi_dashboard_action",
    steps: () => [
        {
            content: "The overdue appeal of the head's unit is counted",
            trigger: ".o_kpi_dashboard .o_kpi_appeal_overdue:contains(1)",
        },
        {
            content: "Open the overdue appeals",
            trigger: ".o_kpi_dashboard .o_kpi_card_appeal_overdue",
            run: "click",
        },
        {
            content: "The list shows the appeal to resolve",
            trigger: ".o_list_view .o_data_row:contains(Tour appellant)",
        },
    ],
});
