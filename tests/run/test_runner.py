"""The warm runner, a real process with its zygote: outputs equal a cold run's, many runs stay correct,
stops and timeouts end node process groups, stale files are detected, `jimu run` uses it.

One runner for the module (it starts in seconds); each test marks the processes it starts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from jimu.run.runner_protocol import RunnerClient, info_path, remove_stale_files, socket_path, start_runner
from tests.run.processes import MARK_ENV, marked_processes, wait_until
from tests.run.test_run_lifecycle import HANG, ONE_ROW, node_line, python_node

REPO = Path(__file__).resolve().parents[2]
JIMU = Path(sys.executable).with_name("jimu")
FIXTURES = REPO / "tests" / "fixtures" / "components"
WINE = REPO / "templates" / "wine_quality" / "pipeline.json"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runner_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("runner") / "home"
    info_path(home).parent.mkdir(parents=True)  # the files of a runner that died: replaced at start
    info_path(home).write_text(json.dumps({"pid": dead_pid(), "started": 0, "socket": str(socket_path(home))}))
    client = start_runner(home)
    assert json.loads(info_path(home).read_text())["pid"] == client.pid
    try:
        yield home, client
    finally:
        try:
            client.shutdown()
        except OSError:
            pass
        wait_until(lambda: not Path(f"/proc/{client.pid}").exists(), 30)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def warm_run(client: RunnerClient, spec: dict, mark: str, params: dict | None = None, on_job=None) -> tuple[int, str]:
    """Run a spec on the runner; its exit code and everything it printed."""
    lines, code = [], None
    job = {"spec": spec, "params": params or {}, "components": [str(FIXTURES)],
           "env": {**os.environ, MARK_ENV: mark}, "cwd": os.getcwd()}
    for message in client.run(job):
        if "job" in message and on_job is not None:
            on_job(message["job"])
        lines.append(message.get("out", message.get("err", "")))
        if "end" in message:
            code = message["end"]["exit"]
    return code, "\n".join(lines)


def states(out: str) -> dict[str, str]:
    lines = [line.split() for line in out.splitlines() if line.startswith("  ") and len(line.split()) > 1]
    return {words[1]: words[0] for words in lines if words[0] in ("success", "failed", "skipped", "upstream_failed")}


def data_folder(out: str) -> Path:
    return Path(next(line for line in out.splitlines() if "step data:" in line).split("step data: ")[1])


def read_table(folder: Path) -> pd.DataFrame:
    return pq.read_table(folder).to_pandas()


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled_fds(client: RunnerClient) -> int:
    """The runner's open fds once idle: its job finished and collected (the gc after the reply closes
    a run's eventpoll fds), and not counting a connection that is just being closed."""
    assert wait_until(lambda: client.status()["running"] is None, 30)
    samples = []
    for _ in range(5):
        samples.append(open_fds(client.pid))
        time.sleep(0.05)
    return min(samples)


def jimu_env(home: Path, mark: str) -> dict:
    return {**os.environ, "JIMU_HOME": str(home), MARK_ENV: mark, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}


def test_jimu_run_uses_the_runner_and_its_outputs_equal_a_cold_run(runner_home, mark):
    home, client = runner_home
    cold = subprocess.run([str(JIMU), "run", "--cold", str(WINE)], capture_output=True, text=True,
                          env=jimu_env(home, mark), timeout=600)
    warm = subprocess.run([str(JIMU), "run", str(WINE)], capture_output=True, text=True,
                          env=jimu_env(home, mark), timeout=600)
    assert cold.returncode == warm.returncode == 0, cold.stdout + cold.stderr + warm.stdout + warm.stderr
    first = warm.stdout.splitlines()[0]
    assert first.startswith(f"jimu: using the warm runner (pid {client.pid}, up "), warm.stdout
    assert "warm runner" not in cold.stdout
    assert states(warm.stdout) == states(cold.stdout) == dict.fromkeys(
        ["load_wine", "strong_wines", "features", "export"], "success")
    rows = [line for line in warm.stdout.splitlines() if line.startswith("  output ")]
    assert [r.split(" rows in ")[0] for r in rows] == [
        r.split(" rows in ")[0] for r in cold.stdout.splitlines() if r.startswith("  output ")]
    cold_files, warm_files = files_under(data_folder(cold.stdout)), files_under(data_folder(warm.stdout))
    assert cold_files and cold_files.keys() == warm_files.keys()
    for name in cold_files:
        assert cold_files[name] == warm_files[name], f"{name} differs between the cold and the warm run"


def numbers_spec(pipeline_id: str, code: str) -> dict:
    return {
        "id": pipeline_id,
        "params": {"factor": {"type": "integer", "default": 2}},
        "nodes": [
            python_node("make", "import pandas as pd\ndef transform(tables, params):\n"
                                "    return pd.DataFrame({'x': list(range(1, 11))})\n"),
            {**python_node("scale", code), "params": {"code": code, "args": {"factor": {"$param": "factor"}}}},
            {"id": "total", "component": "sql@1.2.0", "params": {"query": "SELECT SUM(x) AS s FROM scale"}},
        ],
        "edges": [{"from": "make.table", "to": "scale.tables"}, {"from": "scale.table", "to": "total.tables"}],
    }


SCALE = "def transform(tables, params):\n    df = tables['make']\n    return df.assign(x=df['x'] * params['factor'])\n"
FAIL = "def transform(tables, params):\n    raise ValueError('boom %d' % params['factor'])\n"
SKIP_SPEC = {
    "id": "warm_skips",
    "nodes": [
        {"id": "closed", "component": "exit_with@1.0.0", "params": {"how": "skip", "code": 3}},
        {"id": "after", "component": "exit_with@1.0.0", "params": {"how": "return"}},
    ],
    "edges": [{"from": "closed.table", "to": "after.table"}],
}
RANDOM_SPEC = {"id": "warm_random", "nodes": [{"id": "draw", "component": "random_numbers@1.0.0", "params": {}}]}


def test_fifty_warm_runs_of_different_pipelines_stay_correct_without_fd_growth(runner_home, mark):
    home, client = runner_home
    fds = []
    for i in range(50):
        kind = i % 4
        if kind == 0:
            factor = i + 1
            code, out = warm_run(client, numbers_spec("warm_sum", SCALE), mark, {"factor": factor})
            assert code == 0, out
            assert states(out) == {"make": "success", "scale": "success", "total": "success"}, out
            total = read_table(data_folder(out) / "total" / "table")
            assert total["s"].tolist() == [factor * sum(range(1, 11))], out
        elif kind == 1:
            code, out = warm_run(client, numbers_spec("warm_fails", FAIL), mark, {"factor": i})
            assert code == 1, out
            assert states(out) == {"make": "success", "scale": "failed", "total": "upstream_failed"}, out
            assert f"ValueError: boom {i}" in out
        elif kind == 2:
            code, out = warm_run(client, SKIP_SPEC, mark)
            assert code == 0, out
            assert states(out) == {"closed": "skipped", "after": "skipped"}, out
        else:
            code, out = warm_run(client, {**RANDOM_SPEC, "nodes": [
                {"id": "draw", "component": "random_numbers@1.0.0", "params": {"seed": i}}]}, mark)
            assert code == 0, out
            np.random.seed(i)  # an independent computation of the same draw
            assert read_table(data_folder(out) / "draw" / "table")["x"].tolist() == np.random.rand(5).tolist()
        fds.append(settled_fds(client))
    # One sample wobbles by a few fds (a socket or pipe being closed as it is counted), so the highest count
    # of the last twelve runs is held to the highest of twelve early ones: a leak of one fd per run would
    # add about 35 by the end; the wobble adds none.
    assert max(fds[-12:]) <= max(fds[4:16]) + 2, f"the runner's open fds grew: {fds}"
    assert client.status()["runs_done"] >= 50
    assert marked_processes(mark) == {}


def test_numpy_random_numbers_differ_between_warm_runs_unless_seeded(runner_home, mark):
    home, client = runner_home
    draws = []
    for params in ({}, {}, {"seed": 7}, {"seed": 7}):
        spec = {**RANDOM_SPEC, "nodes": [{"id": "draw", "component": "random_numbers@1.0.0", "params": params}]}
        code, out = warm_run(client, spec, mark)
        assert code == 0, out
        draws.append(read_table(data_folder(out) / "draw" / "table"))
    assert draws[0]["pid"][0] != draws[1]["pid"][0]  # two node processes...
    assert draws[0]["x"].tolist() != draws[1]["x"].tolist()  # ...that do not share the zygote's RNG state
    assert draws[2]["x"].tolist() == draws[3]["x"].tolist()


def test_stop_of_a_warm_job_ends_its_node_group_and_the_next_job_runs(runner_home, mark, tmp_path):
    home, client = runner_home
    spec = {"id": "warm_stop", "nodes": [python_node("hang", HANG), python_node("after", ONE_ROW)],
            "edges": [{"from": "hang.table", "to": "after.tables"}]}
    jobs, result = [], {}

    def run() -> None:
        result["code"], result["out"] = warm_run(client, spec, mark, on_job=jobs.append)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert wait_until(lambda: any(c.startswith("sleep 1000") for c in marked_processes(mark).values()), 120)
        assert client.stop(jobs[0]) == "running"
    finally:
        thread.join(60)
    assert result["code"] == 128 + 15, result
    assert node_line(result["out"], "hang").split()[0] == "failed", result["out"]
    assert "stopped" in node_line(result["out"], "hang"), result["out"]
    assert wait_until(lambda: not marked_processes(mark), 10), marked_processes(mark)
    code, out = warm_run(client, numbers_spec("warm_after_stop", SCALE), mark, {"factor": 3})
    assert code == 0 and states(out)["total"] == "success", out


def test_a_node_timeout_through_the_zygote_kills_the_group(runner_home, mark):
    home, client = runner_home
    spec = {"id": "warm_timeout", "nodes": [python_node("hang", HANG, timeout_seconds=2)]}
    code, out = warm_run(client, spec, mark)
    assert code == 1, out
    line = node_line(out, "hang")
    assert "timed out after 2 s (execution_timeout)" in line, out
    assert marked_processes(mark) == {}, "processes of the timed-out node survived"
    log = Path(line.split("; log: ")[1]).read_text()
    assert "starting the node as a new process" not in log  # it really went through the zygote


def test_a_stopped_queued_job_leaves_the_queue(runner_home, mark):
    home, client = runner_home
    spec = {"id": "warm_queue", "nodes": [python_node("hang", HANG, timeout_seconds=3)]}
    first = threading.Thread(target=warm_run, args=(client, spec, mark))
    first.start()
    try:
        assert wait_until(lambda: client.status()["running"] is not None, 30)
        messages = client.run({"spec": numbers_spec("warm_queued", SCALE), "env": dict(os.environ)})
        job = next(messages)["job"]
        assert client.status()["queue"] == [job]
        assert client.stop(job) == "queued"
        rest = list(messages)
        assert rest[-1]["end"]["exit"] == 128 + 15 and "while queued" in rest[0]["err"]
    finally:
        first.join(120)
    assert client.status()["queue"] == []


def test_a_stale_pid_file_is_detected_and_replaced(tmp_path):
    home = tmp_path / "home"
    info_path(home).parent.mkdir(parents=True)
    dead = dead_pid()
    info_path(home).write_text(json.dumps({"pid": dead, "started": time.time(), "socket": str(socket_path(home))}))
    socket_path(home).write_text("")
    assert RunnerClient.connect(home) is None
    status = subprocess.run([str(JIMU), "runner", "status"], capture_output=True, text=True,
                            env={**os.environ, "JIMU_HOME": str(home)}, timeout=60)
    assert status.returncode == 1
    assert f"removed the stale files of pid {dead}" in status.stdout, status.stdout
    assert not info_path(home).exists() and not socket_path(home).exists()
    assert remove_stale_files(home) is None  # nothing left to remove


def test_ctrl_c_of_a_warm_jimu_run_stops_its_job_as_in_a_cold_run(runner_home, mark, tmp_path):
    home, client = runner_home
    pipeline = tmp_path / "warm_interrupt.json"
    pipeline.write_text(json.dumps({"id": "warm_interrupt", "nodes": [python_node("hang", HANG)]}))
    proc = subprocess.Popen([str(JIMU), "run", str(pipeline)], env=jimu_env(home, mark),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_until(lambda: any(c.startswith("sleep 1000") for c in marked_processes(mark).values())
                          or proc.poll() is not None, 120)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 128 + signal.SIGINT, out
    assert out.startswith("jimu: using the warm runner"), out
    assert node_line(out, "hang").split()[0] == "failed" and "stopped by SIGINT" in out, out
    assert wait_until(lambda: not marked_processes(mark), 10), marked_processes(mark)
    assert wait_until(lambda: client.status()["running"] is None, 30)


def test_execute_jobs_are_waited_for_with_their_exit_code(runner_home):
    """What the editor's WarmExecutor relies on: `execute` answers at once, `wait` when the run ended."""
    from jimu.run.records import create_run, read_state
    from jimu.run.runner_protocol import RunnerError

    home, client = runner_home
    fails = "def transform(tables, params):\n    raise ValueError('no')\n"
    codes = {}
    for name, code in (("waited_ok", ONE_ROW), ("waited_failing", fails)):
        folder = create_run({"id": name, "nodes": [python_node("only", code)], "edges": []}, {}, root=home / "runs")
        job = client.execute(folder)
        assert read_state(folder)["state"] in ("queued", "running")  # execute did not wait
        codes[name] = (client.wait(job), read_state(folder)["state"])
        assert client.wait(job) == codes[name][0]  # a job that ended is still known
    assert codes == {"waited_ok": (0, "success"), "waited_failing": (1, "failed")}
    with pytest.raises(RunnerError, match="no job"):
        client.wait("not-a-job")


def test_the_logical_date_reaches_a_warm_run(runner_home, mark, tmp_path):
    from tests.run.test_run_values import SALES, daily_pipeline, expected_for

    home, client = runner_home
    SALES.to_csv(tmp_path / "sales.csv", index=False)
    spec_file = tmp_path / "daily.json"
    spec_file.write_text(json.dumps(daily_pipeline(tmp_path / "sales.csv", f"{tmp_path}/out/{{ds}}.csv")))
    warm = subprocess.run([str(JIMU), "run", str(spec_file), "--logical-date", "2026-11-30"], capture_output=True,
                          text=True, env=jimu_env(home, mark), timeout=600)
    assert warm.returncode == 0, warm.stdout + warm.stderr
    assert warm.stdout.splitlines()[0].startswith(f"jimu: using the warm runner (pid {client.pid}"), warm.stdout
    written = pd.read_csv(tmp_path / "out" / "2026-11-30.csv")
    assert written[["region", "total"]].to_dict("list") == expected_for("2026-11-30").to_dict("list")
