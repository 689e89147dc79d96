import { patch } from "@web/core/utils/patch";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * The classification levels in the KPI charts: always ordered
 * HTXSNV → KHTNV, one colour each, green → red, whatever the order of the
 * groups or the palette.
 */
const LEVEL_COLORS = {
    excellent: "#2e7d32",
    good: "#7cb342",
    done: "#f9a825",
    fail: "#c62828",
};
const LEVEL_ORDER = ["excellent", "good", "done", "fail"];

function datasetLevel(dataset) {
    const levels = new Set();
    for (const identifier of dataset.identifiers || []) {
        let raw;
        try {
            raw = JSON.parse(identifier);
        } catch {
            return undefined;
        }
        // [{department_id: [..]}, {level: "done"}]: the last group's value
        let last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
        if (last && typeof last === "object" && !Array.isArray(last)) {
            last = Object.values(last)[0];
        }
        levels.add(last);
    }
    if (levels.size !== 1) {
        return undefined;
    }
    const [level] = levels;
    return level in LEVEL_COLORS ? level : undefined;
}

patch(GraphRenderer.prototype, {
    getBarChartData() {
        const data = super.getBarChartData(...arguments);
        if (!(this.model.metaData.resModel || "").startsWith("hr.kpi.")) {
            return data;
        }
        // the groups of the chart (the total line has no group)
        const grouped = data.datasets.filter((dataset) => dataset.identifiers?.size);
        const levels = grouped.map(datasetLevel);
        if (!levels.length || levels.some((level) => !level)) {
            return data;
        }
        for (const [index, dataset] of grouped.entries()) {
            dataset.backgroundColor = LEVEL_COLORS[levels[index]];
        }
        const rank = (dataset) => {
            const level = dataset.identifiers?.size && datasetLevel(dataset);
            return level ? LEVEL_ORDER.indexOf(level) : LEVEL_ORDER.length;
        };
        data.datasets.sort(
            (a, b) => (a.originIndex || 0) - (b.originIndex || 0) || rank(a) - rank(b)
        );
        return data;
    },
});
