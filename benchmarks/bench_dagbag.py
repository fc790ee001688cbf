"""DagBag parse time of a generated 1,000-node DAG file vs a hand-written equivalent.

Jimu: the kubernetes-profile DAG file `jimu compile` writes (one KubernetesPodOperator call per
node, dependencies at the end).
Baseline: a compact hand-written file building the same operators with the same arguments in a
loop over a table of per-task values (written by this script from the Jimu file; checked task
by task against it).
Both are parsed with Airflow's DagBag, in one process with Airflow already imported (as in the
DAG processor), cold (source compiled on every parse: a changed file or a read-only dags folder)
and warm (bytecode cached in __pycache__).
Goal: Jimu's file parses in <= 1.2x the time of the hand-written one.
"""

from __future__ import annotations

import py_compile
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

GOAL_RATIO = 1.2
NODES = 1000


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("dagbag", keep=args.keep)
    quiet_logging()
    sys.dont_write_bytecode = True  # cold parses must stay cold; warm ones read a pyc written below

    from airflow.dag_processing.dagbag import DagBag
    from specs import (
        compare_fingerprints,
        fingerprint_attributes,
        generate_pipeline,
        hand_written_loop,
        load_catalog,
        read_dag_source,
        task_fingerprint,
    )

    from jimu.compile import compile_pipeline
    from jimu.compile.profile import BUILTIN_PROFILES
    from jimu.validate import validate_pipeline

    shapes = ("chain",) if args.quick else ("chain", "mesh")
    repeat = args.repeat or (2 if args.quick else 5)
    print(f"bench_dagbag: {machine_summary()}; {NODES} nodes, shapes {shapes}, {repeat} timed runs each")
    catalog = load_catalog()
    rows: list[Row] = []

    def parse(path: Path):
        bag = DagBag(dag_folder=str(path), safe_mode=True)
        if bag.import_errors or len(bag.dags) != 1:
            raise RuntimeError(f"{path} did not load one DAG: {bag.import_errors}")
        return next(iter(bag.dags.values()))

    # Airflow, the provider and the kubernetes models imported once, outside the timings.
    warm_folder = home / "dags" / "warmup"
    warm_folder.mkdir()
    warm_spec = validate_pipeline(generate_pipeline(3, "chain", "warmup"), catalog).spec
    (warm_folder / "warmup.py").write_text(compile_pipeline(warm_spec, catalog, BUILTIN_PROFILES["kubernetes"]))
    parse(warm_folder / "warmup.py")

    for shape in shapes:
        section(f"{shape} of {NODES} nodes")
        spec = validate_pipeline(generate_pipeline(NODES, shape), catalog).spec
        jimu_text = compile_pipeline(spec, catalog, BUILTIN_PROFILES["kubernetes"], "<bench>")
        parsed = read_dag_source(jimu_text)
        hand_text = hand_written_loop(parsed, f"Hand-written equivalent of the Jimu DAG {spec.id} (benchmark)")
        files = {}
        for mode in ("cold", "warm"):
            folder = home / "dags" / mode
            folder.mkdir(exist_ok=True)
            files[mode, "jimu"] = folder / f"{spec.id}_jimu.py"
            files[mode, "hand"] = folder / f"{spec.id}_hand.py"
            files[mode, "jimu"].write_text(jimu_text, encoding="utf-8")
            files[mode, "hand"].write_text(hand_text, encoding="utf-8")
        for kind in ("jimu", "hand"):
            py_compile.compile(str(files["warm", kind]), doraise=True)
        print(f"   Jimu file {len(jimu_text) / 1e6:.2f} MB, {jimu_text.count(chr(10)):,} lines; "
              f"hand-written {len(hand_text) / 1e6:.2f} MB, {hand_text.count(chr(10)):,} lines")

        attributes = fingerprint_attributes(parsed)
        problems = compare_fingerprints(
            task_fingerprint(parse(files["cold", "jimu"]), attributes),
            task_fingerprint(parse(files["cold", "hand"]), attributes),
        )
        if problems:
            print("   WARNING: the hand-written DAG differs from Jimu's:\n     " + "\n     ".join(problems))
        else:
            print(f"   both files build the same {NODES} tasks ({len(attributes)} arguments each checked)")

        cases = {f"{mode} {kind}": (lambda p=path: parse(p)) for (mode, kind), path in files.items()}
        times = interleaved(cases, repeat, warmup=0)
        for name, values in times.items():
            print(f"   {name:<10} {spread(values)}")
        for mode in ("cold", "warm"):
            jimu_s, hand_s = median(times[f"{mode} jimu"]), median(times[f"{mode} hand"])
            rows.append(Row(
                "dagbag", f"DagBag {mode}, {shape} {NODES:,}", jimu_s, hand_s, baseline_name="hand-written loop",
                goal=f"<= {GOAL_RATIO}x", ok=jimu_s / hand_s <= GOAL_RATIO,
                note="" if not problems else "hand-written DAG differs: " + problems[0],
                extra={"bytes_jimu": len(jimu_text), "bytes_hand": len(hand_text)},
            ))

    print_table("DagBag parse: Jimu's generated file vs a hand-written loop", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
