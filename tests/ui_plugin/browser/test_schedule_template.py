"""Schedule from the gallery: a preset's next run times, a refused address, and a DAG file in the dags folder."""

from __future__ import annotations

import datetime

from croniter import croniter
from playwright.sync_api import expect


def croniter_times(cron: str, after: str, count: int = 5) -> list[datetime.datetime]:
    """The run times an independent croniter gives after the instant the editor counted from."""
    times = croniter(cron, datetime.datetime.fromisoformat(after))
    return [times.get_next(datetime.datetime) for _ in range(count)]


def loaded_dag(path, dag_id: str):
    """The DAG as Airflow's own loader reads the file."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}
    return bag.dags[dag_id]


def as_instants(texts: list[str]) -> list[datetime.datetime]:
    return [datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) for text in texts]


def test_schedule_daily_sales_daily(editor, editor_config):
    cards = editor.page.request.get(f"{editor.url}api/templates").json()
    daily = next(c for c in cards if c["name"] == "daily_sales")
    gallery, schedule = editor.templates, editor.schedule
    gallery.open_gallery()
    gallery.choose(daily["name"])
    expect(gallery.form).to_be_visible()
    pipeline_id = gallery.pipeline_id.input_value()
    schedule.open()
    expect(schedule.root).to_be_visible()
    expect(schedule.preset).to_be_focused()

    # A cron expression that is none gets the reason in words; no run times are shown.
    schedule.preset.select_option("cron")
    schedule.cron.fill("61 * * * *")
    expect(schedule.problem).to_be_visible()
    expect(schedule.next).to_be_hidden()
    editor.shot("bad-cron")

    schedule.preset.select_option("@daily")
    expect(schedule.next.locator("li")).to_have_count(5)
    after, shown = schedule.next_times()
    assert as_instants(shown) == croniter_times("0 0 * * *", after)
    # Each time is shown in the browser's clock with UTC beside it.
    first = as_instants(shown)[0]
    expect(schedule.next.locator("li").first).to_contain_text(first.strftime("%Y-%m-%d %H:%M UTC"))
    expect(schedule.profile).to_have_value("local")
    editor.shot("daily")

    # A wrong address is refused on its field, and nothing is saved or deployed.
    schedule.email.fill("not an address")
    schedule.confirm()
    expect(schedule.email_problem).to_contain_text("not an email address")
    assert not (editor_config.workspace / f"{pipeline_id}.json").exists()
    editor.shot("bad-email")

    schedule.email.fill("analyst@example.com")
    schedule.confirm()
    expect(schedule.done).to_be_visible()
    dag_id = f"{pipeline_id}.local"
    expect(schedule.dag_id).to_have_text(dag_id)
    dag_file = editor_config.dags_folder / f"{dag_id}.py"
    expect(schedule.file).to_have_text(str(dag_file.resolve()))
    editor.shot("scheduled")
    dag = loaded_dag(dag_file, dag_id)
    assert dag.schedule == "@daily" and dag.is_paused_upon_creation is False
    assert ["analyst@example.com"] in [a.to for a in dag.default_args["on_failure_callback"]]


def test_run_times_are_shown_in_the_users_clock(browser, editor_url, editor_workspace, tmp_path):
    from tests.browser import VIEWPORT
    from tests.ui_plugin.browser.pages.editor import EditorPage

    context = browser.new_context(viewport=VIEWPORT, timezone_id="Asia/Shanghai", locale="en-GB")
    try:
        editor = EditorPage(context.new_page(), editor_url, tmp_path / "shots")
        editor.goto()
        editor.templates.open_gallery()
        editor.templates.choose("daily_sales")
        editor.schedule.open()
        expect(editor.schedule.next.locator("li")).to_have_count(5)
        _, shown = editor.schedule.next_times()
        first = editor.schedule.next.locator("li").first
        # Midnight UTC is 08:00 in Shanghai (UTC+8, no daylight saving), with the UTC time beside it.
        midnight = as_instants(shown)[0]
        expect(first).to_contain_text("08:00")
        expect(first).to_contain_text(f"{midnight:%Y-%m-%d} 00:00 UTC")
        editor.shot("shanghai")
    finally:
        context.close()
