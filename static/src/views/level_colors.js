import { patch } from "@web/core/utils/patch";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * The classification levels in the KPI charts (issue #19): always ordered
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
        levels.add(Array.isArray(raw) ? raw[raw.length - 1] : raw);
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
        const levels = data.datasets.map(datasetLevel);
        if (!levels.length || levels.some((level) => !level)) {
            return data;
        }
        for (const [index, dataset] of data.datasets.entries()) {
            dataset.backgroundColor = LEVEL_COLORS[levels[index]];
        }
        data.datasets.sort(
            (a, b) =>
                a.originIndex - b.originIndex ||
                LEVEL_ORDER.indexOf(datasetLevel(a)) - LEVEL_ORDER.indexOf(datasetLevel(b))
        );
        return data;
    },
});
