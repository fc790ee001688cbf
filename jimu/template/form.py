"""A template's form: values checked against its fields, with messages in plain words.

People who write no code read these, so a message names the field by its title ("Minimum
accuracy must be between 0 and 1"), never by a JSON path or a JSON Schema keyword.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from jimu.template.spec import FieldText

MESSAGES = {
    "en": {
        "between": "{title} must be between {low} and {high}",
        "minimum": "{title} must be at least {limit}",
        "maximum": "{title} must be at most {limit}",
        "exclusiveMinimum": "{title} must be more than {limit}",
        "exclusiveMaximum": "{title} must be less than {limit}",
        "enum": "{title} must be one of: {choices}",
        "empty": "{title} must not be empty",
        "minLength": "{title} must have at least {limit} characters",
        "maxLength": "{title} must have at most {limit} characters",
        "pattern": "{title} is not in the expected form",
        "minItems": "{title} must have at least {limit} items",
        "maxItems": "{title} must have at most {limit} items",
        "unknown": "{title} is not a field of this template; its fields are: {choices}",
        "other": "{title}: {detail}",
        "not": "{title} must be {kind}, not {text}",
        "dataset": "{title}: pick one of the uploaded datasets, or upload a file",
        "column": "{title} must be a column of {dataset}: {choices}",
        "integer": "a whole number", "number": "a number", "string": "text", "boolean": "yes or no",
        "array": "a list", "object": "a set of named values", "null": "empty",
    },
    "zh": {
        "between": "{title}必须在 {low} 到 {high} 之间",
        "minimum": "{title}不能小于 {limit}",
        "maximum": "{title}不能大于 {limit}",
        "exclusiveMinimum": "{title}必须大于 {limit}",
        "exclusiveMaximum": "{title}必须小于 {limit}",
        "enum": "{title}必须是以下之一：{choices}",
        "empty": "{title}不能为空",
        "minLength": "{title}至少要有 {limit} 个字符",
        "maxLength": "{title}最多只能有 {limit} 个字符",
        "pattern": "{title}的格式不对",
        "minItems": "{title}至少要有 {limit} 项",
        "maxItems": "{title}最多只能有 {limit} 项",
        "unknown": "{title}不是这个模板的字段；可填的字段有：{choices}",
        "other": "{title}：{detail}",
        "not": "{title}必须是{kind}，而不是 {text}",
        "dataset": "{title}：请选择一个已上传的数据集，或上传文件",
        "column": "{title}必须是{dataset}中的一列：{choices}",
        "integer": "整数", "number": "数字", "string": "文本", "boolean": "是或否",
        "array": "列表", "object": "一组命名的值", "null": "空值",
    },
}
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "1", "on", "是"}, {"false", "no", "0", "off", "否"}


@dataclass(frozen=True)
class FormProblem:
    field: str
    message: str


def field_title(name: str, schema: dict[str, Any], texts: dict[str, FieldText] | None = None, lang: str = "en") -> str:
    """The words a form shows for a field: its title in `lang`, else in English, else its name."""
    own = (texts or {}).get(name)
    if lang == "zh" and own is not None and own.title:
        return own.title
    return str(schema.get("title") or name.replace("_", " ").capitalize())


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _message(title: str, schema: dict, error, lang: str) -> str:
    words = MESSAGES[lang]
    keyword = error.validator
    if keyword in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        return words["between"].format(title=title, low=_number(schema["minimum"]), high=_number(schema["maximum"]))
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return words[keyword].format(title=title, limit=_number(error.validator_value))
    if keyword == "enum":
        return words["enum"].format(title=title, choices=", ".join(map(str, error.validator_value)))
    if keyword == "minLength" and error.validator_value == 1:
        return words["empty"].format(title=title)
    if keyword in ("minLength", "maxLength", "minItems", "maxItems"):
        return words[keyword].format(title=title, limit=error.validator_value)
    if keyword == "pattern":
        return words["pattern"].format(title=title)
    if keyword == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        kind = " / ".join(words.get(k, k) for k in kinds)
        return words["not"].format(title=title, kind=kind, text=json.dumps(error.instance, ensure_ascii=False))
    return words["other"].format(title=title, detail=error.message)


# A field with "format": "dataset" takes the URI of an uploaded dataset; one with "format": "column"
# names a column of the dataset in the field its "x-jimu-dataset" names.
DATASET_FORMAT, COLUMN_FORMAT, DATASET_OF_COLUMN = "dataset", "column", "x-jimu-dataset"


def check_values(form: dict[str, dict[str, Any]], values: dict[str, Any],
                 texts: dict[str, FieldText] | None = None, lang: str = "en",
                 dataset_columns: Callable[[str], list[str] | None] | None = None) -> list[FormProblem]:
    """Every problem with `values` (field name -> value), one plain sentence each; [] when all is well.

    `dataset_columns(uri)` gives the columns of an uploaded dataset, None when there is no such
    dataset; without it, dataset and column fields are checked as plain text.
    """
    problems = []
    for name in values:
        if name not in form:
            choices = ", ".join(f"{field_title(n, form[n], texts, lang)} ({n})" for n in sorted(form))
            problems.append(FormProblem(name, MESSAGES[lang]["unknown"].format(title=name, choices=choices or "-")))
    for name, value in values.items():
        schema = form.get(name)
        if schema is None:
            continue
        title = field_title(name, schema, texts, lang)
        rules = {k: v for k, v in schema.items() if k not in ("default", "title", "description")}
        for error in sorted(Draft202012Validator(rules).iter_errors(value), key=lambda e: (e.validator != "type", str(e.validator))):
            problems.append(FormProblem(name, _message(title, rules, error, lang)))
            break  # one sentence per field: the first thing to fix
        else:
            if dataset_columns is not None:
                problems += _dataset_problems(name, title, schema, form, {**_defaults(form), **values}, texts, lang,
                                              dataset_columns)
    if dataset_columns is not None:
        # A field left at its default still depends on the data: a column default the chosen
        # dataset lacks would otherwise pass here and fail deep inside the run.
        for name, schema in form.items():
            if name not in values and schema.get("format") in (DATASET_FORMAT, COLUMN_FORMAT):
                problems += _dataset_problems(name, field_title(name, schema, texts, lang), schema, form,
                                              {**_defaults(form), **values}, texts, lang, dataset_columns)
    return problems


def _defaults(form: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {name: schema.get("default") for name, schema in form.items()}


def _dataset_problems(name, title, schema, form, values, texts, lang, dataset_columns) -> list[FormProblem]:
    words = MESSAGES[lang]
    if schema.get("format") == DATASET_FORMAT and dataset_columns(values[name]) is None:
        return [FormProblem(name, words["dataset"].format(title=title))]
    source = schema.get(DATASET_OF_COLUMN)
    if schema.get("format") != COLUMN_FORMAT or source not in form:
        return []
    columns = dataset_columns(values.get(source))
    if columns is None or values[name] in columns:
        return []  # no dataset chosen yet: that field has its own problem
    dataset = field_title(source, form[source], texts, lang)
    return [FormProblem(name, words["column"].format(title=title, dataset=dataset, choices=", ".join(columns)))]


def parse_text_value(schema: dict[str, Any], text: str) -> Any:
    """A `--set name=TEXT` value as the field's type; text that does not parse stays text (check_values says why)."""
    kind = schema.get("type")
    if kind == "string":
        return text
    if kind == "boolean":
        lowered = text.strip().lower()
        return True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else text
    if kind in ("integer", "number"):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if kind == "integer" and number.is_integer() and "." not in text else number
    try:
        return json.loads(text)
    except ValueError:
        return text
