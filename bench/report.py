"""bench/run, last step: one table from the query counts (prepare.py) and the wrk runs.

    python bench/report.py PREPARE_JSON RUNS_JSONL META_JSON OUTPUT_MD

Each page's throughput is shown as a share of the bare view's (the ceiling of this stack),
measured in the same run: the bare view is measured first and last, and the mean of the two is
the ceiling, so drift from other load on the machine shows up instead of hiding.
Goals (issue 8): anonymous ≥ 35 %, member ≥ 10 %, p95 < 50 ms, ≤ 15 queries per page.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GOAL_RATIO = {"anonymous": 0.35, "member": 0.10}
GOAL_P95_MS = 50.0
GOAL_QUERIES = 15
BARE = "bare view (ceiling)"


def load_runs(path: Path) -> list[dict]:
    runs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for run in runs:
        run["errors"] = sum(run[k] for k in ("errors_status", "errors_connect", "errors_read", "errors_write",
                                             "errors_timeout"))
    return runs


def main(prepare_path, runs_path, meta_path, output_path):
    prepare = json.loads(Path(prepare_path).read_text())
    runs = load_runs(Path(runs_path))
    meta = json.loads(Path(meta_path).read_text())
    by_key: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        by_key.setdefault((run["page"], run["role"]), []).append(run)
    bare_runs = by_key.get((BARE, "anonymous"), [])
    ceiling = sum(r["rps"] for r in bare_runs) / len(bare_runs) if bare_runs else 0.0

    header = ["page", "visitor", "req/s", "% of ceiling", "p50 ms", "p95 ms", "p99 ms", "SQL cold/warm", "errors",
              "goals"]
    rows = []
    notes = []
    misses = 0
    for page in prepare["pages"]:
        for role in ("anonymous", "member"):
            q = page[role]
            measured = by_key.get((page["name"], role))
            if q["status"] != 200 or not measured:
                why = f"skipped: answers {q['status']}" if q["status"] != 200 else "not measured (BENCH_PAGES)"
                rows.append([page["name"], role, "–", "–", "–", "–", "–", f"{q['cold']}/{q['warm']}", "–", why])
                continue
            r = measured[-1] if (page["name"], role) != (BARE, "anonymous") else {
                **measured[-1], "rps": ceiling,
                "p50_ms": max(m["p50_ms"] for m in measured), "p95_ms": max(m["p95_ms"] for m in measured),
                "p99_ms": max(m["p99_ms"] for m in measured),
                "errors": sum(m["errors"] for m in measured),
            }
            ratio = r["rps"] / ceiling if ceiling else 0.0
            verdict = []
            if page["name"] != BARE:  # the bare view is the yardstick, not a page with goals
                if ratio < GOAL_RATIO[role]:
                    verdict.append(f"ratio < {GOAL_RATIO[role]:.0%}")
                if r["p95_ms"] >= GOAL_P95_MS:
                    verdict.append(f"p95 ≥ {GOAL_P95_MS:.0f} ms")
                if q["cold"] > GOAL_QUERIES:
                    verdict.append(f"> {GOAL_QUERIES} queries")
                if r["errors"]:
                    verdict.append("errors")
            misses += bool(verdict)
            rows.append([
                page["name"], role, f"{r['rps']:.0f}", f"{ratio:.0%}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                f"{r['p99_ms']:.1f}", f"{q['cold']}/{q['warm']}", str(r["errors"]),
                "; ".join(verdict) if verdict else ("ceiling" if page["name"] == BARE else "met"),
            ])
    if len(bare_runs) == 2:
        a, b = bare_runs[0]["rps"], bare_runs[1]["rps"]
        notes.append(f"Ceiling: bare view {a:.0f} req/s at the start, {b:.0f} req/s at the end "
                     f"(drift {abs(a - b) / max(a, b):.0%}); the ratio uses their mean, {ceiling:.0f} req/s.")

    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    text = [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    print("\n".join(text))
    for note in notes:
        print(note)
    print(f"{misses} page/visitor combinations miss a goal." if misses else "Every measured page meets every goal.")

    md = [
        "# Benchmark results (bench/run)",
        "",
        f"Run at {meta['started']} on {meta['machine']}; git {meta['git']}.",
        "",
        f"- Data: `seed_bench --scale {meta['scale']}` on PostgreSQL {meta['postgres']} ({meta['data_source']}).",
        f"- Server: gunicorn {meta['gunicorn']}, {meta['workers']} {meta['worker_class']} workers, "
        f"`koffietafel.settings.bench` (production settings, DEBUG off, plus the bare view), "
        f"DB_CONN_MAX_AGE={meta['conn_max_age']}, cache: {meta['cache']}.",
        f"- Load: wrk {meta['wrk']}, {meta['threads']} threads, {meta['connections']} connections, "
        f"{meta['duration']} s per page after a {meta['warmup']} s warm-up, 127.0.0.1 only.",
        f"- Load on the machine from other processes while measuring: {meta.get('loadavg', '?')} "
        "(1/5/15-minute load average before the run; the ceiling shares the same conditions).",
        f"- Gunicorn worker memory after the run: {meta.get('worker_rss', '?')}.",
        "- SQL: queries per request counted with Django's test client and CaptureQueriesContext on the same "
        "database; *cold* after clearing the cache, *warm* on the next request.",
        f"- Goals: anonymous ≥ 35 % of the ceiling, member ≥ 10 %, p95 < {GOAL_P95_MS:.0f} ms, "
        f"≤ {GOAL_QUERIES} queries (cold).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(str(c) for c in r) + " |" for r in rows),
        "",
        *(f"{n}  " for n in notes),
        "",
        "URLs: " + ", ".join(f"{p['name']} `{p['url']}`" for p in prepare["pages"]),
        "",
    ]
    Path(output_path).write_text("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
