"""What `jimu run FILE` does and how a command reports: the same in the `jimu` command and in the
warm runner (jimu.run.runner_jobs), which runs it for a client and sends back the same lines."""

from __future__ import annotations

import datetime
import signal
import sys
from pathlib import Path

from jimu.errors import Issue, JimuError, SpecError


def reporting_errors(command, *args) -> int:
    """Run a command; a Jimu error, an unreadable file or a stop becomes a message and an exit code."""
    try:
        return command(*args)
    except JimuError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except OSError as exc:  # a file Jimu was pointed at, or its own state, is unreadable
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error:{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"jimu: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        return 128 + signum


def display_path(path: Path) -> str:
    """Repository-relative where possible, so generated headers do not depend on the machine."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def parse_param_args(pairs: list[str], spec) -> dict:
    """--param name=value pairs, values as JSON when they parse, checked against the param schemas."""
    from jimu.spec.strict_json import JsonTextError, parse_json_text
    from jimu.validate.rules_params import schema_validator

    values, issues = {}, []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            issues.append(Issue("bad-param-arg", f"--param {pair}", "expected NAME=VALUE", "write e.g. --param min_alcohol=13.5"))
            continue
        if name not in spec.params:
            known = ", ".join(sorted(spec.params)) or "none"
            issues.append(Issue("unknown-pipeline-param", f"--param {name}", f"pipeline {spec.id!r} has no param {name!r}", f"use one of: {known}"))
            continue
        if any("\ud800" <= ch <= "\udfff" for ch in text):  # undecodable bytes in argv
            issues.append(Issue("bad-param-arg", f"--param {name}", "the value is not valid UTF-8 text",
                                "pass the value as UTF-8"))
            continue
        try:
            value = parse_json_text(text)
        except JsonTextError as exc:
            repeated = [i for i in exc.issues if i.code == "duplicate-json-key"]
            if repeated:  # JSON meant as JSON: never let the last of two keys win silently
                issues += [Issue(i.code, f"--param {name} {i.path}", i.message, i.hint) for i in repeated]
                continue
            value = text  # not JSON: the text itself
        if spec.params[name].get("type") == "string" and not isinstance(value, str):
            value = text
        for err in schema_validator(spec.params[name]).iter_errors(value):
            issues.append(Issue("bad-param-value", f"--param {name}", f"{value!r}: {err.message}", "give a value that fits the param's schema"))
        values[name] = value
    if issues:
        raise SpecError("command line", issues)
    return values


def parse_logical_date(text: str | None, flag: str = "--logical-date") -> datetime.datetime | None:
    """`--logical-date 2026-11-29` (or an ISO 8601 date-time; UTC unless it names an offset)."""
    if text is None:
        return None
    try:
        when = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise SpecError("command line", [Issue(
            "bad-logical-date", flag, f"{text!r} is not a date",
            "give an ISO 8601 date such as 2026-11-29 or a date-time such as 2026-11-29T06:00:00+08:00",
        )]) from None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def run_and_report(
    file: Path, param_args: list[str], catalog, verbose: bool = False, logical_date: str | None = None
) -> int:
    """`jimu run FILE`: run it on the local Airflow, print the summary; the exit code (the warm runner uses it too)."""
    from jimu.run.local import run_pipeline_locally
    from jimu.validate import load_pipeline

    when = parse_logical_date(logical_date)
    spec = load_pipeline(file, catalog)
    params = parse_param_args(param_args, spec)
    summary = run_pipeline_locally(
        spec, catalog, params, display_path(file), quiet_airflow=not verbose, logical_date=when
    )
    return print_run_summary(summary)


def print_run_summary(summary) -> int:
    """The end of `jimu run`'s output: state, folders, outputs, exports; returns the exit code."""
    print(f"\n{summary.pipeline}: {summary.state} in {summary.seconds:.1f} s (run {summary.run_id})")
    print(f"  step data: {summary.data_folder}")
    print(f"  node logs: {summary.logs_folder}")
    print(f"  Airflow log: {summary.airflow_log}")
    for outcome in summary.nodes:
        for port, rows in sorted(outcome.rows.items()):
            print(f"  output {outcome.node}.{port}: {rows} rows in {summary.data_folder / outcome.node / port}")
    for outcome in summary.nodes:
        for path in outcome.exports:
            print(f"  exported by {outcome.node}: {path}")
    code = 0 if summary.ok else 1
    if summary.stopped_by:
        print(f"  stopped by {summary.stopped_by}")
        code = 128 + signal.Signals[summary.stopped_by].value
    return code
