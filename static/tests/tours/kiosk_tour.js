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

/**
 * On a 1280×800 tablet: after a refusal (429) the kiosk says how
 * long to wait and the three buttons stay above the fold.
 */
registry.category("web_tour.tours").add("l10n_vn_hr_kpi_kiosk_tablet_tour", {
    steps: () => [
        {
            content: "A first citizen rates",
            trigger: "button.o_kpi_kiosk_satisfied",
            run: "click",
        },
        {
            content: "Thanked",
            trigger: ".o_kpi_kiosk_thanks a",
            run: "click",
        },
        {
            content: "A double tap right after",
            trigger: "button.o_kpi_kiosk_neutral",
            run: "click",
        },
        {
            content: "Refused, with the seconds to wait, and every button above the fold",
            trigger: ".o_kpi_kiosk_alert[data-error='cooldown'] .o_kpi_kiosk_wait",
            run() {
                for (const button of document.querySelectorAll(".o_kpi_kiosk_choice")) {
                    const box = button.getBoundingClientRect();
                    if (box.bottom > window.innerHeight || box.height < 80) {
                        throw new Error(
                            `The button ${button.value} is below the fold: ` +
                                `${box.bottom} > ${window.innerHeight}`
                        );
                    }
                }
            },
        },
    ],
});
