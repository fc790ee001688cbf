"""Alert text: every fact on its own line, in English and Chinese; names and errors stay data."""

from __future__ import annotations

from jimu.notify.message import Alert, alert_text, error_tail, run_link

FAILED = Alert(
    event="failure", pipeline="daily_sales", dag_id="daily_sales.local", run_id="scheduled__2026-11-29T00:00:00+00:00",
    node="clean", try_number=2, error="Traceback ...\n  line 1\nValueError: {{ bad }} $(rm -rf /)",
    airflow_url="https://airflow.example.com/",
)


def test_english_failure_names_pipeline_run_node_error_and_link():
    assert alert_text(FAILED, "en") == (
        "[Jimu] Pipeline 'daily_sales' Node 'clean' failed\n"
        "\n"
        "Pipeline: daily_sales\n"
        "Run: scheduled__2026-11-29T00:00:00+00:00\n"
        "Node: clean (try: 2)\n"
        "Error (last lines):\n"
        "Traceback ...\n"
        "  line 1\n"
        "ValueError: {{ bad }} $(rm -rf /)\n"
        "Airflow: https://airflow.example.com/dags/daily_sales.local/runs/"
        "scheduled__2026-11-29T00%3A00%3A00%2B00%3A00/tasks/clean\n"
    )


def test_chinese_failure():
    text = alert_text(FAILED, "zh")
    assert text.splitlines()[:5] == [
        "[Jimu] 流水线 'daily_sales' 节点 'clean' 失败",
        "",
        "流水线：daily_sales",
        "运行：scheduled__2026-11-29T00:00:00+00:00",
        "节点：clean (尝试次数：2)",
    ]
    assert "错误（最后几行）：\n" in text and text.endswith("/tasks/clean\n")


def test_run_success_has_no_node_error_or_link_without_a_base_url():
    alert = Alert(event="success", pipeline="p", dag_id="p", run_id="manual__1")
    assert alert_text(alert, "en") == "[Jimu] Pipeline 'p' succeeded\n\nPipeline: p\nRun: manual__1\n"
    assert run_link(alert) is None


def test_error_tail_keeps_the_last_lines():
    error = "\n".join(f"line {i}" for i in range(100)) + "\n\n"
    assert error_tail(error, 3) == "line 97\nline 98\nline 99"


def test_a_run_deadline_names_the_run_and_how_long_it_may_take():
    alert = Alert(event="deadline", pipeline="daily_sales", dag_id="daily_sales", run_id="scheduled__1",
                  airflow_url="https://airflow.example.com", overdue_seconds=5400)
    assert alert_text(alert, "en") == (
        "[Jimu] Pipeline 'daily_sales' is running longer than it should\n\nPipeline: daily_sales\n"
        "Run: scheduled__1\nStill running after 5400 s\n"
        "Airflow: https://airflow.example.com/dags/daily_sales/runs/scheduled__1\n"
    )
    assert alert_text(alert, "zh").splitlines()[:5] == [
        "[Jimu] 流水线 'daily_sales' 运行超时", "", "流水线：daily_sales", "运行：scheduled__1", "已运行超过 5400 秒",
    ]
