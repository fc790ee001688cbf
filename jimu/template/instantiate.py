"""A pipeline from a template and a person's answers to its form."""

from __future__ import annotations

import copy
import json
from typing import Any

from jimu.errors import JimuError
from jimu.refs import PIPELINE_ID
from jimu.template.folder import Template
from jimu.template.form import FormProblem, check_values
from jimu.template.scheduling import schedule_problems, with_schedule
from jimu.template.spec import PIPELINE_FILE


class FormError(JimuError):
    """Values given to a template's form are wrong; `problems` says which, in plain words."""

    def __init__(self, template: str, problems: list[FormProblem]):
        self.template, self.problems = template, problems
        super().__init__(f"{template}: " + "; ".join(p.message for p in problems))


def instantiate(template: Template, values: dict[str, Any], pipeline_id: str | None = None,
                lang: str = "en", dataset_columns=None, *, schedule: str | None = None,
                alert_email: str | None = None) -> dict[str, Any]:
    """The template's pipeline document with `values` as its params' defaults; FormError lists every bad value.

    The params stay params, so a run or Airflow's trigger form can still change them; everything
    else is the template's. `template` in the document records where it came from. `schedule` and
    `alert_email` schedule it as the gallery does (see jimu.template.scheduling).
    """
    problems = check_values(template.form, values, template.spec.form_zh, lang, dataset_columns)
    problems += schedule_problems(schedule, alert_email, lang)
    pipeline_id = pipeline_id or template.name
    if not PIPELINE_ID.accepts(pipeline_id):
        problems.append(FormProblem("id", f"pipeline id {pipeline_id!r} is not valid; {PIPELINE_ID.hint}"))
    if problems:
        raise FormError(template.ref, problems)
    data = json.loads((template.folder / PIPELINE_FILE).read_text(encoding="utf-8"))
    data.pop("$schema", None)
    # Where it came from, next to its id, where a reader of the file looks first.
    data = {"id": pipeline_id, "template": template.ref, **{k: v for k, v in data.items() if k != "id"}}
    for name, value in values.items():
        data["params"][name]["default"] = copy.deepcopy(value)
    return with_schedule(data, schedule, alert_email)
