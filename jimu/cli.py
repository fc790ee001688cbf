"""The `jimu` command: validate, compile, run pipelines; list components; export schemas."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import warnings
from pathlib import Path

from jimu.errors import Issue, SpecError
from jimu.run.command import display_path, reporting_errors, run_and_report

_DEFAULT_SHOWWARNING = warnings.showwarning

EPILOG = """examples:
  jimu validate templates/wine_quality/pipeline.json
  jimu compile templates/wine_quality/pipeline.json --profile kubernetes --out dags/
  jimu run templates/wine_quality/pipeline.json --param min_alcohol=13.5
  jimu runner start        (later runs start in well under a second)
  jimu components list
  jimu templates list
"""


def build_parser(plugins: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jimu",
        description="Jimu: pipelines of components, compiled to Airflow DAGs or run locally.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--components", action="append", default=[], metavar="DIR",
        help="extra folder of components (repeatable; also $JIMU_COMPONENT_PATH)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a pipeline file and list every problem")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the problems as JSON")

    p = sub.add_parser("compile", help="compile a pipeline into an Airflow DAG file")
    p.add_argument("file", type=Path)
    p.add_argument("--profile", default="kubernetes", help="local, kubernetes, or a profile YAML (default kubernetes)")
    p.add_argument("--out", type=Path, help="folder to write <pipeline id>.py into (default: print it)")

    p = sub.add_parser(
        "deploy", help="compile pipelines into an Airflow dags folder; prints what was added, updated, unchanged, removed",
        description="Compile every SPEC with the profile and write the DAG files into the dags folder. Nothing is "
        "written unless every SPEC validates; unchanged files are left alone, so Airflow sees no new DAG version.",
    )
    p.add_argument("specs", type=Path, nargs="+", metavar="SPEC", help="pipeline JSON files (e.g. templates/*/pipeline.json)")
    p.add_argument("--profile", default="kubernetes", help="local, kubernetes, or a profile YAML (default kubernetes)")
    p.add_argument("--dags-folder", type=Path, help="default: the profile's dags_folder")
    p.add_argument("--prune", action="store_true",
                   help="also remove DAG files this profile wrote for pipelines not given now (never other files)")

    p = sub.add_parser("compile-all", help="compile the shipped templates into dags/")
    p.add_argument("--profile", default="kubernetes")
    p.add_argument("--out", type=Path, default=None, help="default: the repository's dags/")
    p.add_argument("--check", action="store_true", help="write nothing; fail if a DAG file is stale")

    p = sub.add_parser("run", help="run a pipeline end to end on this machine (local Airflow)")
    p.add_argument("file", type=Path)
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="pipeline param; VALUE is JSON or text")
    p.add_argument("--verbose", action="store_true", help="show Airflow's own log output")
    p.add_argument("--cold", action="store_true", help="run in this process even when a warm runner is up")
    p.add_argument(
        "--logical-date", metavar="DATE", default=None,
        help="the run's logical date, e.g. 2026-11-29 (nodes see it as ds, data_interval_start, ...); default: now",
    )

    p = sub.add_parser("runner", help="the warm runner: runs pipelines without Airflow's start-up cost")
    rsub = p.add_subparsers(dest="runner_command", required=True, metavar="ACTION")
    q = rsub.add_parser("start", help="start the runner of this Jimu home in the background")
    q.add_argument("--foreground", action="store_true", help="run it in this terminal until Ctrl-C")
    rsub.add_parser("status", help="is it up: pid, uptime, runs done, memory, queue")
    rsub.add_parser("stop", help="stop it (a running job is stopped too)")

    p = sub.add_parser("components", help="create, publish, list, show and compare components")
    csub = p.add_subparsers(dest="components_command", required=True, metavar="ACTION")
    q = csub.add_parser("list", help="every published component version")
    q.add_argument("--json", action="store_true")
    q = csub.add_parser(
        "show", help="one component's spec as JSON, with `folder`: its published snapshot (latest version unless NAME@VERSION)"
    )
    q.add_argument("ref", help="name or name@version")
    q = csub.add_parser("new", help="scaffold a component folder: spec, code, Dockerfile, test")
    q.add_argument("name")
    q.add_argument("--dir", type=Path, default=Path("."), help="parent folder (default: here)")
    q = csub.add_parser("publish", help="validate folders and publish their versions (immutable)")
    q.add_argument("folders", nargs="+", type=Path)
    q = csub.add_parser("env", help="prepare a component's local Python environment ahead of a run")
    q.add_argument("ref", help="name or name@version")
    q = csub.add_parser("diff", help="what changed between two versions; exit 1 on breaking changes")
    q.add_argument("old", help="name@version")
    q.add_argument("new", help="name@version")

    from jimu.template.cli import add_template_commands

    add_template_commands(sub)

    p = sub.add_parser("deployments", help="list or stop the models served on this machine")
    dsub = p.add_subparsers(dest="deployments_command", required=True, metavar="ACTION")
    q = dsub.add_parser("list", help="every local deployment: name, status, URL, model")
    q.add_argument("--json", action="store_true")
    q = dsub.add_parser("stop", help="stop a deployment's server and forget it")
    q.add_argument("name")

    p = sub.add_parser("home", help="where Jimu keeps its state (catalog, runs, data, local Airflow) and why")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("init", help="make a folder a Jimu project: its state lives in FOLDER/.jimu/")
    p.add_argument("folder", nargs="?", type=Path, default=Path("."), help="default: here")

    p = sub.add_parser("schema", help="export the JSON Schemas of pipeline and component specs")
    p.add_argument("--out", type=Path, default=None, help="default: the repository's schemas/")
    p.add_argument("--check", action="store_true", help="write nothing; fail if a schema file is stale")
    if plugins:
        add_plugin_commands(sub)
    return parser


PLUGIN_COMMANDS_GROUP = "jimu.commands"


def add_plugin_commands(sub) -> None:
    """Subcommands other packages add through `jimu.commands` entry points (the editor's `jimu ui`).

    Each entry point is a `register(subparsers)` that adds its parser with `set_defaults(run=...)`;
    the core never imports those packages itself. Finding entry points reads every installed
    package's metadata (a third of a second here), so built-in commands skip it (see _dispatch).
    """
    from importlib.metadata import entry_points

    for entry in entry_points(group=PLUGIN_COMMANDS_GROUP):
        if entry.name not in COMMANDS:
            entry.load()(sub)


# Exit status when the reader of our output went away (`jimu components list | head -1`):
# 128 + SIGPIPE, what `cat`, `git` and every program killed by SIGPIPE report, so a script
# with `set -o pipefail` can tell that not all of the output was read.
BROKEN_PIPE_EXIT = 141


def main(argv: list[str] | None = None) -> int | str | None:
    warnings.showwarning = _show_warning
    try:
        try:
            code = _dispatch(argv)
        except SystemExit as stop:  # argparse, after --help or a usage error
            code = stop.code
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # Python's docs (signal module, "Note on SIGPIPE"): point stdout at devnull so the
        # final flush at exit does not raise again and print "Exception ignored".
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_EXIT


def _dispatch(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    command = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(plugins=command not in COMMANDS).parse_args(argv)
    return reporting_errors(COMMANDS[args.command] if args.command in COMMANDS else args.run, args)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    from jimu.registry.store import CatalogWarning

    if issubclass(category, CatalogWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        _DEFAULT_SHOWWARNING(message, category, filename, lineno, file, line)


def _catalog(args):
    from jimu.catalog import ComponentCatalog

    return ComponentCatalog.from_dirs([Path(d) for d in args.components])


def cmd_validate(args) -> int:
    from jimu.validate import read_pipeline_bytes, validate_pipeline_json

    try:
        issues = validate_pipeline_json(read_pipeline_bytes(args.file), _catalog(args)).issues
    except SpecError as exc:
        issues = exc.issues
    if args.json:
        ok = not any(i.severity == "error" for i in issues)
        print(json.dumps({"file": str(args.file), "ok": ok, "issues": [i.to_dict() for i in issues]}, indent=2))
    elif issues:
        print(f"{args.file}: {len(issues)} problem(s)")
        for issue in issues:
            print(f"  {issue.severity}: [{issue.code}] {issue}")
    else:
        print(f"{args.file}: ok")
    return 1 if any(i.severity == "error" for i in issues) else 0


def cmd_compile(args) -> int:
    from jimu.compile import compile_pipeline, load_profile
    from jimu.compile.dags_folder import check_dag_ids
    from jimu.files import write_atomically
    from jimu.validate import load_pipeline

    catalog = _catalog(args)
    spec = load_pipeline(args.file, catalog)
    profile = load_profile(args.profile)
    source = compile_pipeline(spec, catalog, profile, display_path(args.file))
    if args.out is None:
        sys.stdout.write(source)
        return 0
    target = args.out / f"{profile.dag_id(spec.id)}.py"
    check_dag_ids(args.out, {target: profile.dag_id(spec.id)})
    changed = write_atomically(target, source)
    print(f"{'wrote' if changed else 'unchanged'} {target}")
    return 0


def cmd_deploy(args) -> int:
    from jimu.compile import load_profile
    from jimu.deploy import deploy, summary

    profile = load_profile(args.profile)
    folder = args.dags_folder or (Path(profile.dags_folder) if profile.dags_folder else None)
    if folder is None:
        print(f"error: profile {profile.name!r} names no dags_folder: pass --dags-folder DIR, or set "
              "dags_folder in the profile YAML", file=sys.stderr)
        return 2
    changes = deploy(args.specs, _catalog(args), profile, folder, prune=args.prune, source_name=display_path)
    for change in changes:
        print(f"{change.kind:<9} {change.path}  (dag {change.dag_id})")
    print(f"{folder}: {summary(changes)}")
    return 0


def cmd_compile_all(args) -> int:
    from jimu.shipped import compile_shipped

    stale = compile_shipped(_catalog(args), args.profile, args.out, check=args.check, echo=print)
    if args.check and stale:
        print(f"{len(stale)} DAG file(s) are stale; run `make dags`", file=sys.stderr)
        return 1
    return 0


def cmd_run(args) -> int:
    if not args.cold:
        from jimu.run.runner_cli import run_on_warm_runner

        code = run_on_warm_runner(args)
        if code is not None:
            return code
    # Airflow builds thousands of pydantic/FastAPI objects per run; with CPython's default GC
    # thresholds collection alone costs seconds (measured: ~25% of the CPU time of a run).
    gc.set_threshold(200_000, 100, 100)
    code = run_and_report(args.file, args.param, _catalog(args), verbose=args.verbose, logical_date=args.logical_date)
    # Everything is written and closed; skip the seconds Python spends tearing down Airflow's
    # object graph at interpreter exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def cmd_runner(args) -> int:
    from jimu.run.runner_cli import runner_command

    return runner_command(args.runner_command, foreground=getattr(args, "foreground", False))


def cmd_components(args) -> int:
    action = args.components_command
    if action == "new":
        from jimu.registry.scaffold import scaffold_component

        folder = scaffold_component(args.name, args.dir)
        print(f"created {folder}/ (component.yaml, main.py, Dockerfile, test_{args.name.replace('-', '_')}.py)")
        print(f"next: edit it, run `python -m pytest {folder}`, then `jimu components publish {folder}`")
        return 0
    if action == "publish":
        from jimu.registry.store import CatalogStore

        store = CatalogStore()
        for folder in args.folders:
            result = store.publish(folder)
            print(f"{result.status:<10} {result.name}@{result.version} {result.digest[:23]}... -> {result.folder}")
        return 0
    catalog = _catalog(args)
    if action == "list":
        rows = [c.spec for c in catalog]
        if args.json:
            print(json.dumps([s.model_dump(mode="json") for s in rows], indent=2))
        else:
            for s in rows:
                print(f"{s.ref:<28} {s.category:<10} {s.title}")
        return 0
    if action == "env":
        from jimu.run.envs import ensure_env, needs_own_env

        comp = catalog.require(args.ref if "@" in args.ref else _latest(catalog, args.ref))
        if not needs_own_env(comp):
            print(f"{comp.spec.ref} runs in Jimu's own environment ({sys.executable})")
        else:
            print(f"{comp.spec.ref}: {ensure_env(comp) / 'bin' / 'python'}")
        return 0
    if action == "diff":
        from jimu.registry.diff import diff_components

        old, new = catalog.require(args.old).spec, catalog.require(args.new).spec
        changes = diff_components(old, new)
        for change in changes:
            print(change)
        breaking = sum(c.breaking for c in changes)
        print(f"{old.ref} -> {new.ref}: {len(changes)} change(s), {breaking} breaking")
        return 1 if breaking else 0
    ref = args.ref if "@" in args.ref else _latest(catalog, args.ref)
    comp = catalog.require(ref)
    print(json.dumps({**comp.spec.model_dump(mode="json"), "folder": str(comp.folder)}, indent=2))
    return 0


def _latest(catalog, name: str) -> str:
    versions = catalog.versions(name)
    if not versions:
        raise SpecError("command line", [Issue("unknown-component", name, f"no component named {name!r}", "see `jimu components list`")])
    return f"{name}@{versions[-1]}"


def cmd_templates(args) -> int:
    from jimu.template.cli import cmd_templates as run_templates

    return run_templates(args, _catalog(args))


def cmd_deployments(args) -> int:
    from dataclasses import asdict

    from jimu.serving.manager import list_deployments, stop

    if args.deployments_command == "stop":
        stopped = stop(args.name)
        print(f"stopped {stopped.name} ({stopped.url}, pid {stopped.pid})")
        return 0
    rows = list_deployments()
    if args.json:
        print(json.dumps([asdict(d) for d in rows], indent=2))
        return 0
    if not rows:
        print("no deployments; the deploy component creates them")
    for d in rows:
        print(f"{d.name:<20} {d.status:<6} {d.url:<24} {d.model_uri}")
    return 0


def cmd_home(args) -> int:
    from jimu.home import home_source, jimu_home
    from jimu.registry.store import default_catalog_root

    home = jimu_home()
    info = {"home": str(home), "chosen_by": home_source(), "catalog": str(default_catalog_root()),
            "airflow_home": str(home / "airflow"), "exports": str(home / "exports")}
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key + ':':<14}{value}")
    return 0


def cmd_init(args) -> int:
    from jimu.home import PROJECT_MARKER

    marker = args.folder.absolute() / PROJECT_MARKER
    existed = marker.is_dir()
    marker.mkdir(parents=True, exist_ok=True)
    print(f"{'already a Jimu project' if existed else 'created'}: {marker}")
    print("jimu commands run in this folder or below now keep their state there (unless $JIMU_HOME is set)")
    return 0


def cmd_schema(args) -> int:
    from jimu.spec.schema_export import export_schemas

    stale = export_schemas(args.out, check=args.check)
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'} {path}")
    return 1 if args.check and stale else 0


COMMANDS = {
    "validate": cmd_validate,
    "compile": cmd_compile,
    "deploy": cmd_deploy,
    "compile-all": cmd_compile_all,
    "run": cmd_run,
    "runner": cmd_runner,
    "components": cmd_components,
    "templates": cmd_templates,
    "schema": cmd_schema,
    "deployments": cmd_deployments,
    "home": cmd_home,
    "init": cmd_init,
}

if __name__ == "__main__":
    sys.exit(main())
