"""How a component ends decides its node's fate, through the real entry point in a real process.

Only ctx.skip_downstream skips downstream nodes and only FatalError / ctx.fail switches retries
off. Every other ending of the component's code (sys.exit(n) and os._exit(n) for any n, 0 and
99 included, a signal, Ctrl-C) fails the node, with a message saying how the code ended.
"""

from __future__ import annotations

import signal
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimu.errors import RunError
from jimu.run.node_process import NodeFatalError, run_node_process
from jimu.runtime import storage
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.testing import run_component

EXIT_WITH = Path(__file__).resolve().parents[1] / "fixtures" / "components" / "exit_with"
NODE = "ender"
CODES = st.one_of(st.sampled_from([0, 1, FATAL_EXIT_CODE, SKIP_EXIT_CODE]), st.integers(0, 255))
SIGNALS = st.sampled_from([signal.SIGTERM, signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGINT])
# (how, code) pairs for every way a component's code can end the process on its own.
STRAY_ENDINGS = st.one_of(
    st.tuples(st.sampled_from(["sys_exit", "system_exit", "os_exit"]), CODES),
    st.tuples(st.sampled_from(["sys_exit", "system_exit"]), st.sampled_from([None, "99", "stop here"])),
    st.tuples(st.just("signal"), SIGNALS.map(int)),
    st.just(("keyboard_interrupt", None)),
)
HYPOTHESIS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def invocation(base: Path, how: str, code=None) -> dict:
    return {
        "version": 1, "pipeline": "exit_test", "node": NODE, "component": "exit_with@1.0.0",
        "run_id": f"run_{uuid.uuid4().hex}", "params": {"how": how, "code": code},
        "pipeline_params": {}, "inputs": {}, "outputs": {"table": str(base / uuid.uuid4().hex)},
    }


def expected_words(how: str, code) -> str:
    """What the failure message must say about how the code ended."""
    if how in ("sys_exit", "system_exit"):
        return f"its code exited with sys.exit({code!r})"
    if how == "os_exit":
        return f"its code ended the process with exit code {code} (os._exit() or a crash)"
    if how == "signal" and code == signal.SIGINT:  # Python turns it into KeyboardInterrupt
        return "its code was interrupted (KeyboardInterrupt"
    if how == "signal":
        return f"its process was killed by {signal.Signals(code).name} ({code})"
    return "its code was interrupted (KeyboardInterrupt"


@HYPOTHESIS
@given(ending=STRAY_ENDINGS)
def test_any_stray_exit_fails_the_node_and_says_how(ending, jimu_home):
    how, code = ending
    with pytest.raises(RunError) as raised:
        run_node_process(invocation(jimu_home, how, code), EXIT_WITH, timeout=60)
    assert not isinstance(raised.value, NodeFatalError)
    message = str(raised.value)
    assert f"node {NODE!r} (exit_with@1.0.0) exited with code 1" in message  # then ": <its last log line>;"
    assert f"jimu: node {NODE!r} (exit_with@1.0.0) failed: {expected_words(how, code)}" in message


@settings(HYPOTHESIS, max_examples=6)
@given(code=CODES)
def test_an_exit_while_the_module_loads_fails_the_node(code, jimu_home, monkeypatch):
    monkeypatch.setenv("JIMU_TEST_EXIT_AT_IMPORT", str(code))
    with pytest.raises(RunError, match=rf"failed: its code exited with sys.exit\({code}\)") as raised:
        run_node_process(invocation(jimu_home, "return"), EXIT_WITH, timeout=60)
    assert not isinstance(raised.value, NodeFatalError)


def test_skip_downstream_skips(jimu_home):
    result = run_node_process(invocation(jimu_home, "skip", 7), EXIT_WITH, timeout=60)
    assert result.skipped == "closed by 7"


@pytest.mark.parametrize("how", ["fatal", "ctx_fail"])
def test_fatal_error_fails_without_retry(jimu_home, how):
    with pytest.raises(NodeFatalError, match=r"node 'ender' \(exit_with@1.0.0\) failed and is not retried") as raised:
        run_node_process(invocation(jimu_home, how, "x"), EXIT_WITH, timeout=60)
    assert "param 'code': 'x' is bad" in str(raised.value)


def test_a_plain_exception_fails_and_may_be_retried(jimu_home):
    with pytest.raises(RunError, match="RuntimeError: plain failure 5") as raised:
        run_node_process(invocation(jimu_home, "exception", 5), EXIT_WITH, timeout=60)
    assert not isinstance(raised.value, NodeFatalError)


def test_returning_succeeds(jimu_home):
    inv = invocation(jimu_home, "return")
    result = run_node_process(inv, EXIT_WITH, timeout=60)
    assert result.skipped is None and result.rows_written == {"table": 3}
    assert storage.read_table(inv["outputs"]["table"]).column("x").to_pylist() == [1, 2, 3]


@pytest.mark.parametrize("code", [SKIP_EXIT_CODE, FATAL_EXIT_CODE])
def test_the_reader_wants_the_runtime_marker_with_the_code(jimu_home, tmp_path, code):
    """A process other than Jimu's entry (an old runtime, a wrapper) exiting 99 or 98 fails plainly."""
    fake_python = tmp_path / "python"
    fake_python.write_text(f"#!/bin/sh\nexit {code}\n", encoding="utf-8")
    fake_python.chmod(0o755)
    with pytest.raises(RunError, match=f"exited with code {code};") as raised:
        run_node_process(invocation(jimu_home, "return"), EXIT_WITH, timeout=60, python=str(fake_python))
    assert not isinstance(raised.value, NodeFatalError)


@pytest.mark.parametrize(("how", "code"), [("sys_exit", 99), ("system_exit", 0), ("keyboard_interrupt", None)])
def test_the_test_helper_fails_a_stray_exit_too(tmp_path, capfd, how, code):
    run = run_component(EXIT_WITH, {"how": how, "code": code}, workdir=tmp_path)
    assert run.exit_code == 1 and run.result == {}
    assert "failed: its code" in capfd.readouterr().err


def test_a_finished_node_ends_without_tearing_the_interpreter_down(jimu_home, tmp_path):
    """Class: what a component leaves behind when it returns: a non-daemon thread still running,
    an atexit function, output without a newline. The node succeeds at once (a forked child that
    tore the interpreter down would wait for the thread, and native destructors can abort there),
    the atexit function still runs and no output is lost."""
    import time

    marker = tmp_path / "atexit.txt"
    started = time.monotonic()
    result = run_node_process(invocation(jimu_home, "linger", str(marker)), EXIT_WITH, timeout=60)
    assert time.monotonic() - started < 30  # the thread sleeps 600 s
    assert result.skipped is None and result.rows_written == {"table": 3}
    assert marker.read_text() == "atexit ran\n"
    assert "unflushed words without a newline" in result.log_file.read_text()
