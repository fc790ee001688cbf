"""The exit codes of `python -m jimu.runtime.entry`, and what each tells Airflow.

This module imports nothing: generated DAG files and operators read it while Airflow parses them.
Only the entry's supervising process chooses its exit code (the component runs in a forked
child), so user code that calls `sys.exit(99)` or `os._exit(98)` fails its node instead of
skipping downstream nodes or switching retries off.
"""

SUCCESS_EXIT_CODE = 0
# Any failure that a retry may cure (an exception in the component, a crash, a kill).
FAILED_EXIT_CODE = 1
# The component raised jimu.runtime.FatalError (or called ctx.fail): the task fails, not retried.
FATAL_EXIT_CODE = 98
# The component called ctx.skip_downstream: the task and its downstream tasks are skipped.
# Pods map it through KubernetesPodOperator(skip_on_exit_code=...), local runs through
# AirflowSkipException.
SKIP_EXIT_CODE = 99
