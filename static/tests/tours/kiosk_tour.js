/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A citizen at the one-stop counter's kiosk (public page, no login): sees the
 * official serving, writes a comment, taps "Hài lòng" and sees the thank-you
 * state. The test opens the page with the counter's secret token.
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_kiosk_tour", {
    steps: () => [
        {
            content: "The kiosk shows the official at the counter",
            trigger: ".o_kpi_kiosk_official .o_kpi_kiosk_name:contains(Nguyễn Thị Kiosk)",
        },
        {
            content: "The official's photo is served by the kiosk",
            trigger: ".o_kpi_kiosk_official img[src*='/photo']",
        },
        {
            content: "Write an optional comment",
            trigger: "textarea[name=comment]",
            run: "edit Cán bộ hướng dẫn tận tình",
        },
        {
            content: "Tap the large 'Hài lòng' button",
            trigger: "button.o_kpi_kiosk_satisfied",
            run: "click",
        },
        {
            content: "The thank-you state is shown",
            trigger: ".o_kpi_kiosk_thanks h2:contains(Cảm ơn)",
        },
    ],
});
