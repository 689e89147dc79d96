/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * An official opens "My Counter" in the backend and sets himself at counter
 * "Quầy 2": the button turns into "Leave the counter".
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_counter_tour", {
    steps: () => [
        {
            content: "Press 'I am at this counter' on Quầy 2",
            trigger: ".o_list_view .o_data_row:contains(Quầy 2) button[name=action_take_counter]",
            run: "click",
        },
        {
            content: "Quầy 2 now offers to leave the counter",
            trigger: ".o_list_view .o_data_row:contains(Quầy 2) button[name=action_leave_counter]",
        },
        {
            content: "Quầy 1 is no longer his",
            trigger: ".o_list_view .o_data_row:contains(Quầy 1) button[name=action_take_counter]",
        },
    ],
});
