"""In a pod, only Jimu's runtime decides whether a task is skipped or failed without retries.

The compiled JimuPodOperator's container command and arguments run the real entry point here
(the component folder stands in for the image's /opt/jimu/component); its exit code then goes
into a real kubernetes V1Pod, through the operator's own cleanup(), which is where
KubernetesPodOperator turns a finished pod into the task's outcome.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubernetes.client import models as k8s

from jimu.catalog import ComponentCatalog
from jimu.compile import compile_pipeline
from jimu.compile.profile import BUILTIN_PROFILES
from jimu.operators.pod import JimuPodOperator
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.validate import validate_pipeline
from tests.compile.expect import load_dagbag
from tests.compile.test_pods import render_pod

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "components"
EXIT_WITH = FIXTURES / "exit_with"
ENDINGS = ["return", "skip", "fatal", "ctx_fail", "exception", "sys_exit", "system_exit", "os_exit", "signal"]
CODES = st.one_of(st.sampled_from([0, 1, FATAL_EXIT_CODE, SKIP_EXIT_CODE]), st.integers(0, 255))


def finished_pod(exit_code: int, name: str = "base") -> k8s.V1Pod:
    """A pod as the API server reports it once its container has terminated."""
    terminated = k8s.V1ContainerStateTerminated(exit_code=exit_code, reason="Completed" if exit_code == 0 else "Error")
    status = k8s.V1ContainerStatus(
        name=name, image="jimu/exit_with:1.0.0", image_id="", ready=False, restart_count=0,
        state=k8s.V1ContainerState(terminated=terminated),
    )
    return k8s.V1Pod(
        metadata=k8s.V1ObjectMeta(name="exit-test-ender-abc", namespace="jimu"),
        spec=k8s.V1PodSpec(containers=[k8s.V1Container(name=name)]),
        status=k8s.V1PodStatus(phase="Succeeded" if exit_code == 0 else "Failed", container_statuses=[status]),
    )


class NoApiServer:
    """Stands in for the Kubernetes API (there is none here): reads return the pod, writes are recorded."""

    def __init__(self):
        self.calls: list[str] = []

    def read_pod(self, pod):
        return pod

    def delete_pod(self, pod):
        self.calls.append(f"delete {pod.metadata.name}")

    def patch_namespaced_pod(self, name, namespace, body):
        self.calls.append(f"patch {name}")


def cleanup(task: JimuPodOperator, pod: k8s.V1Pod) -> NoApiServer:
    """KubernetesPodOperator's own cleanup() on a finished pod, its API client replaced."""
    api = NoApiServer()
    task.__dict__.update(pod_manager=api, client=api)  # the operator's cached_property slots
    try:
        task.cleanup(pod=pod, remote_pod=pod)
    finally:
        assert f"delete {pod.metadata.name}" in api.calls  # on_finish_action="delete_pod" still runs
    return api


def outcome(task: JimuPodOperator, exit_code: int) -> str:
    """What Airflow makes of the pod: success, skipped, failed (retried) or failed without retry."""
    try:
        cleanup(task, finished_pod(exit_code))
    except AirflowSkipException:
        return "skipped"
    except AirflowFailException:
        return "failed, not retried"
    except AirflowException:
        return "failed"
    return "success"


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    """A one-node pipeline of exit_with, compiled with the kubernetes profile and loaded by Airflow."""
    folder = tmp_path_factory.mktemp("pod-exit")
    os.environ.setdefault("JIMU_HOME", str(folder / "home"))
    catalog = ComponentCatalog.from_dirs([FIXTURES])
    raw = {
        "id": "exit_test",
        "params": {"how": {"type": "string", "default": "return"}, "code": {"type": "integer", "default": 0}},
        "defaults": {"retries": 3},
        "nodes": [{"id": "ender", "component": "exit_with@1.0.0",
                   "params": {"how": {"$param": "how"}, "code": {"$param": "code"}}}],
    }
    report = validate_pipeline(raw, catalog)
    assert report.ok, report.issues
    path = folder / "exit_test.py"
    # The kubernetes profile with a local storage base: this machine has no S3.
    profile = BUILTIN_PROFILES["kubernetes"].model_copy(update={"storage_base": str(folder / "data")})
    path.write_text(compile_pipeline(report.spec, catalog, profile), encoding="utf-8")
    bag = load_dagbag(path)
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags["exit_test"]


def run_pod_command(dag, how: str, code) -> int:
    """The pod's container command and arguments, run by this machine's Python on the component folder."""
    task, pod = render_pod(dag, "ender", how=how, code=code)
    container = pod.spec.containers[0]
    assert container.command[0] == "python"
    env = {**os.environ, **{item.name: item.value for item in container.env}, "JIMU_COMPONENT_DIR": str(EXIT_WITH)}
    proc = subprocess.run([sys.executable, *container.command[1:], *container.args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert "jimu: node 'ender' (exit_with@1.0.0)" in proc.stderr, proc.stderr
    return proc.returncode


def test_the_compiled_task_is_a_jimu_pod_operator_with_both_codes(dag):
    task = dag.get_task("ender")
    assert type(task) is JimuPodOperator
    assert list(task.skip_on_exit_code) == [SKIP_EXIT_CODE] and task.fatal_exit_code == FATAL_EXIT_CODE
    assert task.retries == 3


@pytest.mark.parametrize(
    ("how", "code", "expected"),
    [
        ("return", 0, "success"),
        ("skip", 0, "skipped"),
        ("fatal", 0, "failed, not retried"),
        ("ctx_fail", 0, "failed, not retried"),
        ("exception", 0, "failed"),
        ("signal", int(signal.SIGTERM), "failed"),
    ],
)
def test_endings_through_the_pod_command_and_cleanup(dag, how, code, expected):
    exit_code = run_pod_command(dag, how, code)
    assert outcome(dag.get_task("ender"), exit_code) == expected


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=st.sampled_from(["sys_exit", "system_exit", "os_exit"]), code=CODES)
def test_a_stray_exit_code_in_a_pod_fails_and_is_retried(dag, how, code):
    exit_code = run_pod_command(dag, how, code)
    assert exit_code == 1
    assert outcome(dag.get_task("ender"), exit_code) == "failed"


@pytest.mark.parametrize("exit_code", range(256))
def test_cleanup_maps_every_exit_code(dag, exit_code):
    """Whatever ended the container: 98 fails without retry, 99 skips, 0 succeeds, the rest fail."""
    expected = {0: "success", SKIP_EXIT_CODE: "skipped", FATAL_EXIT_CODE: "failed, not retried"}
    assert outcome(dag.get_task("ender"), exit_code) == expected.get(exit_code, "failed")


def test_the_fatal_failure_names_the_node(dag):
    pod = finished_pod(FATAL_EXIT_CODE)
    with pytest.raises(AirflowFailException, match="node 'ender' failed with exit code 98: its component says"):
        cleanup(dag.get_task("ender"), pod)


def test_other_containers_exit_codes_do_not_count(dag):
    """Only the base container's exit code is Jimu's: a sidecar's 98 is a plain failure."""
    task = dag.get_task("ender")
    pod = finished_pod(FATAL_EXIT_CODE, name="sidecar")
    with pytest.raises(AirflowException) as raised:
        cleanup(task, pod)
    assert not isinstance(raised.value, AirflowFailException | AirflowSkipException)


def test_the_pod_arguments_carry_no_marker_the_user_could_forge(dag):
    """The skip and fatal decisions are in the exit code only, which the entry's supervisor owns."""
    _, pod = render_pod(dag, "ender")
    args = pod.spec.containers[0].args
    assert args[0::2] == ["--invocation", "--run-id", "--params", "--run-values"]
    assert json.loads(args[1])["node"] == "ender"
