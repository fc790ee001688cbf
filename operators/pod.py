"""JimuPodOperator: a KubernetesPodOperator that also knows Jimu's "fail, do not retry" exit code."""

from __future__ import annotations

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from jimu.runtime.exit_codes import FATAL_EXIT_CODE


class JimuPodOperator(KubernetesPodOperator):
    """Runs one pipeline node in a pod; exit code `fatal_exit_code` fails the task without retries.

    KubernetesPodOperator turns `skip_on_exit_code` into a skipped task but has no such option
    for "retrying will not help": every other failure is retried. Its cleanup() is where both
    the sync and the deferrable paths read the pod's final state, so the mapping lives there.
    """

    def __init__(self, *, fatal_exit_code: int | None = FATAL_EXIT_CODE, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fatal_exit_code = fatal_exit_code

    def cleanup(self, pod, remote_pod, xcom_result=None, context=None) -> None:
        try:
            super().cleanup(pod, remote_pod, xcom_result=xcom_result, context=context)
        except AirflowSkipException:
            raise
        except AirflowException as exc:
            code = base_container_exit_code(remote_pod, self.base_container_name)
            if self.fatal_exit_code is None or code != self.fatal_exit_code:
                raise
            raise AirflowFailException(
                f"node {self.task_id!r} failed with exit code {code}: its component says retrying will "
                f"not help (bad params or bad data), so it is not retried; its log says why.\n{exc}"
            ) from exc


def base_container_exit_code(remote_pod, container_name: str) -> int | None:
    """The exit code of the pod's `container_name` container, once it has terminated."""
    status = getattr(remote_pod, "status", None)
    for container in (status and status.container_statuses) or []:
        if container.name == container_name and container.state and container.state.terminated:
            return container.state.terminated.exit_code
    return None
