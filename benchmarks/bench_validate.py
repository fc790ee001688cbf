"""Validate a 200-node spec with 100 SQL nodes vs sqlglot parsing the same SQL alone.

Jimu: `validate_pipeline(raw_dict, catalog)`: pydantic parsing and every rule (ids, components,
edges, cycles, param schemas, schedule, SQL syntax, tables and params the SQL names).
Baseline: `sqlglot.parse(query, read=dialect)` over the same 100 queries (joins, CTEs, window
functions; duckdb, postgres, bigquery and mysql dialects): the floor any SQL-checking validator pays.
Goal: <= 1.5x the sqlglot time and < 100 ms in absolute terms (fast enough to run on every edit).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Row,
    fmt_seconds,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    quiet_logging,
    section,
    spread,
    timed,
)

GOAL_RATIO = 1.5
GOAL_SECONDS = 0.100
NODES = 200


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    isolated_home("validate", keep=args.keep)
    quiet_logging()

    import sqlglot
    from specs import generate_pipeline, load_catalog

    from jimu.validate import validate_pipeline
    from jimu.validate.rules_sql import analyse_query

    def validate_cold(spec):
        # Every query parsed, as on a first validation: the per-query analysis cache (which the
        # editor's re-validation after an edit relies on) is emptied first; bench_editor_api times it warm.
        analyse_query.cache_clear()
        return validate_pipeline(spec, catalog)

    repeat = args.repeat or (5 if args.quick else 20)
    print(f"bench_validate: {machine_summary()}; {repeat} timed runs each")
    catalog = load_catalog()
    raw = generate_pipeline(NODES, "mesh", "bench_validate")
    queries = [(n["params"]["query"], n["params"]["dialect"]) for n in raw["nodes"] if n["component"].startswith("sql@")]
    report = validate_pipeline(raw, catalog)
    if not report.ok:
        print("\n".join(str(i) for i in report.issues[:10]))
        raise SystemExit("the generated spec does not validate; fix benchmarks/specs.py")
    dialects = sorted({d for _, d in queries})
    joins = sum(" JOIN " in q for q, _ in queries)
    ctes = sum(q.startswith("WITH") for q, _ in queries)
    print(f"   {len(raw['nodes'])} nodes, {len(raw['edges'])} edges, {len(queries)} SQL nodes "
          f"({joins} with joins, {ctes} with CTEs; dialects {', '.join(dialects)})")

    def sqlglot_only():
        return [sqlglot.parse(query, read=dialect) for query, dialect in queries]

    section(f"{NODES} nodes, {len(queries)} SQL")
    times = interleaved({"jimu validate": lambda: validate_cold(raw), "sqlglot parse": sqlglot_only},
                        repeat, warmup=2)
    for name, values in times.items():
        print(f"   {name:<14} {spread(values)}")
    jimu_s, sqlglot_s = median(times["jimu validate"]), median(times["sqlglot parse"])
    print(f"   Jimu's own work on top of sqlglot: {fmt_seconds(jimu_s - sqlglot_s)} "
          f"({fmt_seconds((jimu_s - sqlglot_s) / NODES)} per node)")

    # The same spec with trivial SQL: what the rules cost when parsing is cheap.
    light = generate_pipeline(NODES, "mesh", "bench_validate_light")
    for node in light["nodes"]:
        if node["component"].startswith("sql@"):
            node["params"] = {"query": "SELECT 1 AS x"}
    light_s = median([timed(lambda: validate_cold(light))[0] for _ in range(repeat)])
    print(f"   the same graph with `SELECT 1` everywhere: {fmt_seconds(light_s)}")
    breakdown = rule_breakdown(raw, catalog, repeat)
    if breakdown:
        print("   per rule (median): " + ", ".join(f"{name} {fmt_seconds(s)}" for name, s in breakdown))

    ok = jimu_s / sqlglot_s <= GOAL_RATIO and jimu_s < GOAL_SECONDS
    rows = [
        Row("validate", f"validate {NODES} nodes / {len(queries)} SQL", jimu_s, sqlglot_s,
            baseline_name="sqlglot.parse alone", goal=f"<= {GOAL_RATIO}x and < 100 ms", ok=ok,
            note=f"ratio {'met' if jimu_s / sqlglot_s <= GOAL_RATIO else 'missed'}; "
                 f"absolute {'met' if jimu_s < GOAL_SECONDS else 'missed'} (sqlglot alone takes "
                 f"{fmt_seconds(sqlglot_s)} here)"),
        Row("validate", f"validate {NODES} nodes, trivial SQL", light_s, None, goal="< 100 ms",
            ok=light_s < GOAL_SECONDS),
    ]
    print_table("validate: spec checks vs parsing its SQL with sqlglot", rows)
    return 0


def rule_breakdown(raw: dict, catalog, repeat: int) -> list[tuple[str, float]]:
    """Median seconds per validation rule; empty if jimu.validate's internals have moved on."""
    try:
        from jimu.spec import PipelineSpec
        from jimu.validate import RULES
        from jimu.validate.context import RuleContext
    except ImportError:
        return []
    spec = PipelineSpec.model_validate(raw)
    spent: dict[str, list[float]] = {"pydantic": [timed(lambda: PipelineSpec.model_validate(raw))[0]
                                                  for _ in range(repeat)]}
    for _ in range(repeat):
        ctx = RuleContext(spec, catalog)
        for rule in RULES:  # in order: later rules read what earlier ones record in ctx
            seconds, _ = timed(lambda rule=rule, ctx=ctx: list(rule(ctx)))
            spent.setdefault(rule.__name__, []).append(seconds)
    return sorted(((name, median(v)) for name, v in spent.items()), key=lambda item: -item[1])


if __name__ == "__main__":
    sys.exit(main())
