/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * KPI dashboard for heads, focal points and HR officers. Every figure comes from
 * one server call, hr.kpi.dashboard.get_data, run as the user (record rules apply).
 */
export class KpiDashboard extends Component {
    static template = "l10n_vn_hr_kpi.KpiDashboard";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({
            data: null,
            period_id: false,
            department_id: false,
            subject_group: false,
            employee_id: false,
        });
        onWillStart(() => this.load());
    }

    async load(live = false) {
        const data = await this.orm.call("hr.kpi.dashboard", "get_data", [], {
            period_id: this.state.period_id || false,
            department_id: this.state.department_id || false,
            subject_group: this.state.subject_group || false,
            employee_id: this.state.employee_id || false,
            live,
        });
        this.state.data = data;
        if (data.period) {
            this.state.period_id = data.period.id;
        }
    }

    async onFilter(name, ev) {
        const value = ev.target.value;
        this.state[name] = name === "subject_group" ? value : parseInt(value) || false;
        await this.load();
    }

    /** A large company's month: the figures the background job kept, and when. */
    get countedOn() {
        const value = this.state.data && this.state.data.counted_on;
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    async refresh() {
        await this.load(true);
    }

    get maxLevelCount() {
        return Math.max(1, ...this.state.data.levels.map((level) => level.count));
    }

    async openAnalysis(viewType, extraDomain = []) {
        const action = await this.orm.call("hr.kpi.dashboard", "action_open_analysis", [], {
            period_id: this.state.period_id || false,
            department_id: this.state.department_id || false,
            subject_group: this.state.subject_group || false,
            view_type: viewType,
            extra_domain: extraDomain,
        });
        await this.actionService.doAction(action);
    }

    async openOverdueAppeals() {
        const action = await this.orm.call("hr.kpi.dashboard", "action_open_overdue_appeals", [], {
            department_id: this.state.department_id || false,
            subject_group: this.state.subject_group || false,
        });
        await this.actionService.doAction(action);
    }

    openLevel(level) {
        return this.openAnalysis("list", [["level", "=", level]]);
    }

    openUnit(unitId, extraDomain = []) {
        return this.openAnalysis("list", [["department_id", "=", unitId], ...extraDomain]);
    }

    get title() {
        return _t("KPI Dashboard");
    }
}

registry.category("actions").add("l10n_vn_hr_kpi.dashboard", KpiDashboard);
