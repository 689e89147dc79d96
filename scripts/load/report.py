"""Turn Locust's CSV statistics into the table of ``make loadtest``: per
request type p50/p95/p99, throughput, failures, the ratio of its p95 to the
baseline's (Odoo's own ``version_info`` in the same run) and the target
p95 <= 1.5 s; a CSV and a Markdown table (README)."""

import argparse
import csv

BASELINE = "baseline: version_info"
TARGET_MS = 1500


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stats", required=True)
    parser.add_argument("--failures", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--md", required=True)
    parser.add_argument("--rss-kb", type=int, default=0)
    parser.add_argument("--title", default="")
    parser.add_argument("--loadavg", help="file of 1-minute load averages")
    args = parser.parse_args()
    with open(args.stats, encoding="utf-8") as f:
        stats = list(csv.DictReader(f))
    base = next((r for r in stats if r["Name"] == BASELINE), None)
    base95 = float(base["95%"]) if base and base["95%"] not in ("N/A", "") else None
    rows = []
    for r in stats:
        if not r["Request Count"] or r["Request Count"] == "0":
            continue

        def pct(key, r=r):
            return float(r[key]) if r[key] not in ("N/A", "") else 0.0

        p95 = pct("95%")
        name = "all requests" if r["Name"] == "Aggregated" else r["Name"]
        interactive = name not in (BASELINE, "all requests")
        rows.append(
            {
                "request": name,
                "count": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p50_ms": pct("50%"),
                "p95_ms": p95,
                "p99_ms": pct("99%"),
                "rps": round(float(r["Requests/s"]), 2),
                "p95_vs_baseline": round(p95 / base95, 1) if base95 else "",
                "p95_target_met": ("yes" if p95 <= TARGET_MS else "NO")
                if interactive
                else "",
            }
        )
    rows.sort(key=lambda r: (r["request"] == "all requests", -r["p95_ms"]))
    with open(args.csv, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with open(args.failures, encoding="utf-8") as f:
        failures = list(csv.DictReader(f))
    lines = [f"**{args.title}**", ""]
    lines.append(
        "| request | count | fail | p50 ms | p95 ms | p99 ms | req/s "
        "| p95 / baseline | p95 ≤ 1.5 s |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for r in rows:
        lines.append(
            f"| {r['request']} | {r['count']} | {r['failures']} | {r['p50_ms']:.0f} "
            f"| {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['rps']} "
            f"| {r['p95_vs_baseline']} | {r['p95_target_met']} |"
        )
    lines.append("")
    lines.append(
        f"Peak resident memory of one Odoo worker: {args.rss_kb / 1024:.0f} MB "
        "(sampled every 2 s)."
    )
    if args.loadavg:
        with open(args.loadavg, encoding="utf-8") as f:
            loads = [float(x) for x in f.read().split()]
        if loads:
            lines.append(
                f"Machine load (1-min load average, 2 cores, every 2 s): "
                f"mean {sum(loads) / len(loads):.1f}, max {max(loads):.1f} "
                "(other engineers' tests and benchmarks included)."
            )
    if failures:
        lines.append("")
        lines.append("Failures:")
        for fail in failures:
            lines.append(
                f"- {fail['Name']}: {fail['Error'][:160]} ({fail['Occurrences']}×)"
            )
    text = "\n".join(lines) + "\n"
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
