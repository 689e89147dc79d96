/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The people's screens, one tour per role. The test creates the
 * ward (tests/test_ui_tours.py) and checks the database after each tour.
 */
const tours = registry.category("web_tour.tours");

function openDecisionScreen() {
    return [
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
    ];
}

/** The employee lands on his month, reports a task and self-evaluates. */
tours.add("l10n_vn_hr_kpi_employee_month_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The home is this month's appraisal, with the next step and its deadline",
            trigger: ".o_form_view div[name='kpi_step']:contains(Employee)",
        },
        {
            content: "Open the month's tasks",
            trigger: ".o_form_view button[name='action_open_tasks']",
            run: "click",
        },
        {
            content: "Open the task",
            trigger: ".o_data_row .o_data_cell:contains(Báo cáo tuần)",
            run: "click",
        },
        {
            content: "Report it done",
            trigger: ".o_form_view button[name='action_report_done']",
            run: "click",
        },
        {
            content: "The task waits for its confirmation",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='to_confirm']",
        },
        {
            content: "Back to the month",
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "Submit the self-evaluation",
            trigger: ".o_form_view button[name='action_submit_self']",
            run: "click",
        },
        {
            content: "Submitted: the evaluator acts next",
            trigger: ".o_form_view div[name='kpi_step']:contains(Evaluator)",
        },
    ],
});

/** The evaluator confirms every outcome of his queue at once, then is stopped
 * before sending a proposal above what the score allows. */
tours.add("l10n_vn_hr_kpi_evaluator_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The home is the review queue",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
        {
            content: "Select every appraisal",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Confirm the task outcomes of the selection",
            trigger: ".o_menu_item:contains(Confirm task outcomes)",
            run: "click",
        },
        {
            content: "The report says what was done",
            trigger: ".o_notification:contains(done)",
        },
        {
            content: "Open the appraisal with the too-high proposal",
            trigger: ".o_data_row .o_data_cell:contains(Chuyên viên cao)",
            run: "click",
        },
        {
            content: "Try to send the review",
            trigger: ".o_form_view button[name='action_review']",
            run: "click",
        },
        {
            content: "Refused before sending, naming the person and the level allowed",
            trigger: ".modal .modal-body:contains(Chuyên viên cao):contains(Propose)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Still to review",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='self_submitted']",
        },
    ],
});

/** The head decides his whole unit on one screen and sees who holds the
 * excellent slot. */
tours.add("l10n_vn_hr_kpi_head_unit_tour", {
    url: "/odoo",
    steps: () => [
        ...openDecisionScreen(),
        {
            content: "The unit's three reviewed appraisals",
            trigger: ".modal .o_field_one2many .o_data_row:nth-child(3)",
        },
        {
            content: "Who holds the excellent slot",
            trigger: ".modal .alert-info:contains(Held by):contains(on this screen)",
        },
        {
            content: "Decide the whole unit",
            trigger: ".modal footer button[name='action_decide']",
            run: "click",
        },
        {
            content: "The screen closes once decided",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

/** The chairman decides the heads of the phòng of the ward from one screen. */
tours.add("l10n_vn_hr_kpi_chairman_tour", {
    url: "/odoo",
    steps: () => [
        ...openDecisionScreen(),
        {
            content: "The heads of both phòng, each with its unit",
            trigger: ".modal .o_field_one2many .o_data_row:nth-child(2):contains(Phòng Tour B)",
        },
        {
            content: "The first phòng is there too",
            trigger: ".modal .o_field_one2many .o_data_row:contains(Phòng Tour A)",
        },
        {
            content: "Each unit's quota",
            trigger: ".modal .alert:contains(Phòng Tour A –):contains(Phòng Tour B –)",
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

/** On a phone (390×844): the employee's appraisals are cards with the score
 * and the state; his month opens and is submitted. */
tours.add("l10n_vn_hr_kpi_phone_tour", {
    url: "/odoo/action-l10n_vn_hr_kpi.hr_kpi_appraisal_action_my",
    steps: () => [
        {
            content: "Cards, not a cut table: score and state on the card",
            trigger: ".o_kanban_view .o_kanban_record:contains(Báo cáo viên):contains(100.00)",
        },
        {
            content: "The state and the step's deadline on the card",
            trigger: ".o_kanban_record:contains(Draft):contains(Due)",
        },
        {
            content: "Open the month",
            trigger: ".o_kanban_record:contains(Báo cáo viên)",
            run: "click",
        },
        {
            content: "The next step and its deadline fit on the screen",
            trigger: ".o_form_view div[name='kpi_step']",
        },
        {
            content: "On a phone the steps are in the form's menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Submit the self-evaluation",
            trigger: ".o-dropdown--menu [name='action_submit_self']",
            run: "click",
        },
        {
            content: "Submitted: the evaluator acts next",
            trigger: ".o_form_view div[name='kpi_step']:contains(Evaluator)",
        },
    ],
});
