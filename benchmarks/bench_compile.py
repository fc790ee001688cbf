"""Compile 10 / 100 / 1,000-node specs (kubernetes profile) vs dag-factory building the same DAG.

Jimu: `compile_pipeline(spec, catalog, kubernetes)`, spec -> DAG source (validation timed apart).
Baseline: dag-factory 1.1.0 `load_yaml_dags(config_filepath=...)`, YAML -> DAG objects, from a
YAML config derived from the Jimu DAG file itself (the same KubernetesPodOperators, arguments
and dependencies; checked task by task before timing).
Goal: 1,000 nodes compile in < 1 s and >= 5x faster than dag-factory.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Row,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    quiet_logging,
    section,
    spread,
)

GOAL_SECONDS = 1.0
GOAL_SPEEDUP = 5.0


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("compile", keep=args.keep)
    quiet_logging()

    import yaml
    from dagfactory import load_yaml_dags
    from specs import (
        compare_fingerprints,
        dag_factory_config,
        exec_dag_source,
        fingerprint_attributes,
        generate_pipeline,
        load_catalog,
        read_dag_source,
        task_fingerprint,
    )

    from jimu.compile import compile_pipeline
    from jimu.compile.profile import BUILTIN_PROFILES
    from jimu.validate import validate_pipeline

    sizes = (10, 100, 1000)
    shapes = ("chain",) if args.quick else ("chain", "fanout")
    repeat = args.repeat or (1 if args.quick else 5)
    print(f"bench_compile: {machine_summary()}; sizes {sizes}, shapes {shapes}, {repeat} timed runs each")

    catalog = load_catalog()
    profile = BUILTIN_PROFILES["kubernetes"]
    rows: list[Row] = []

    def dag_factory_build(path: Path):
        found: dict = {}
        load_yaml_dags(globals_dict=found, config_filepath=str(path), defaults_config_path=str(home / "dags"))
        (dag,) = found.values()
        return dag

    # Import and warm every code path once on a small pipeline, outside the timings.
    warm = generate_pipeline(4, "chain", "warmup")
    warm_spec = validate_pipeline(warm, catalog).spec
    warm_yaml = home / "warmup.yaml"
    warm_yaml.write_text(yaml.safe_dump(dag_factory_config(read_dag_source(
        compile_pipeline(warm_spec, catalog, profile)))), encoding="utf-8")
    dag_factory_build(warm_yaml)

    for shape in shapes:
        for n in sizes:
            section(f"{shape} of {n} nodes")
            raw = generate_pipeline(n, shape)
            report = validate_pipeline(raw, catalog)
            if not report.ok:
                print("\n".join(str(i) for i in report.issues[:10]))
                raise SystemExit("the generated spec does not validate; fix benchmarks/specs.py")
            spec = report.spec
            source = compile_pipeline(spec, catalog, profile, f"<bench {shape} {n}>")
            parsed = read_dag_source(source)
            yaml_path = home / f"{spec.id}.yaml"
            yaml_path.write_text(yaml.safe_dump(dag_factory_config(parsed), sort_keys=False), encoding="utf-8")
            print(f"   Jimu DAG source {len(source) / 1e6:.2f} MB; dag-factory YAML {yaml_path.stat().st_size / 1e6:.2f} MB")

            # Same tasks, same arguments, same dependencies? (also warms both paths for this size;
            # skipped for the largest size in quick mode: one dag-factory build there takes ~40 s)
            problems = []
            if not (args.quick and n == max(sizes)):
                attributes = fingerprint_attributes(parsed)
                expected = task_fingerprint(exec_dag_source(source), attributes)
                problems = compare_fingerprints(expected, task_fingerprint(dag_factory_build(yaml_path), attributes))
                if problems:
                    print("   WARNING: the dag-factory DAG differs from Jimu's:\n     " + "\n     ".join(problems))
                else:
                    print(f"   dag-factory builds the same {len(expected)} tasks "
                          f"({len(attributes)} arguments each checked)")

            cases = {
                "validate": lambda raw=raw: validate_pipeline(raw, catalog),
                "compile": lambda spec=spec: compile_pipeline(spec, catalog, profile),
                "compile+exec": lambda spec=spec: exec_dag_source(compile_pipeline(spec, catalog, profile)),
                "dag-factory": lambda path=yaml_path: dag_factory_build(path),
            }
            times = interleaved(cases, repeat, warmup=0)
            if shape == "chain" and n == max(sizes) and not args.quick:
                times.update(dag_factory_without_yaml(yaml_path, home / "dags", min(repeat, 3)))
            for name, values in times.items():
                print(f"   {name:<18} {spread(values)}")

            compile_s, validate_s = median(times["compile"]), median(times["validate"])
            factory_s = median(times["dag-factory"])
            big = n == max(sizes)
            ok = (compile_s < GOAL_SECONDS and factory_s / compile_s >= GOAL_SPEEDUP) if big else None
            label = f"{shape} {n:,}"
            rows.append(Row(
                "compile", f"compile, {label}", compile_s, factory_s, baseline_name="dag-factory",
                goal=f"< 1 s, >= {GOAL_SPEEDUP:.0f}x faster" if big else "", ok=ok,
                note="" if not problems else "baseline DAG differs: " + problems[0],
                extra={"speedup": factory_s / compile_s, "nodes": n, "shape": shape},
            ))
            rows.append(Row("compile", f"validate, {label}", validate_s, None, extra={"nodes": n}))
            rows.append(Row(
                "compile", f"validate+compile, {label}", validate_s + compile_s, factory_s,
                baseline_name="dag-factory", extra={"nodes": n},
            ))
            rows.append(Row(
                "compile", f"compile+exec (DAG objects), {label}", median(times["compile+exec"]), factory_s,
                baseline_name="dag-factory", extra={"nodes": n},
            ))
            if "dag-factory dict" in times:
                rows.append(Row(
                    "compile", f"compile, {label}", compile_s, median(times["dag-factory dict"]),
                    baseline_name="dag-factory from a dict, no YAML parsing",
                ))
            del cases, times

    print_table("compile: spec -> Airflow DAG, kubernetes profile", rows)
    for r in rows:
        if "speedup" in r.extra:
            print(f"  {r.case}: Jimu is {r.extra['speedup']:.1f}x faster than dag-factory")
    return 0


def dag_factory_without_yaml(yaml_path: Path, defaults: Path, repeat: int) -> dict[str, list[float]]:
    """Where dag-factory's time goes: the same build from a config it has already read.

    Uses dag-factory's own (private) YAML reader so the config holds the same objects; an
    optional breakdown, skipped with a warning if that API has moved.
    """
    try:
        from dagfactory import load_yaml_dags
        from dagfactory._yaml import load_yaml_file

        config = load_yaml_file(str(yaml_path))
        return interleaved({"dag-factory dict": lambda: load_yaml_dags(
            globals_dict={}, config_dict=config, defaults_config_path=str(defaults))}, repeat, warmup=0)
    except Exception as exc:  # noqa: BLE001 - an optional extra must not cost the main numbers
        print(f"   (skipped the dag-factory breakdown: {type(exc).__name__}: {exc})")
        return {}


if __name__ == "__main__":
    sys.exit(main())
