"""Keep the labelled rows and refuse a label that does not suit the model, in plain words."""

from __future__ import annotations

import pandas as pd
from pandas.api import types

from jimu.runtime import FatalError

TASKS = ("classification", "regression")
SHOWN = 3  # example values quoted in a message


def is_number(series: pd.Series) -> bool:
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series)


def examples(values) -> str:
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in list(values)[:SHOWN])
    return shown + (", ..." if len(values) > SHOWN else "")


def check_params(params: dict, frame: pd.DataFrame) -> tuple[str, str, int]:
    label, task, limit = params.get("label"), params.get("task", "classification"), params.get("max_classes", 20)
    if task not in TASKS:
        raise FatalError(f"param 'task': {task!r} is not one of {', '.join(TASKS)}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 2:
        raise FatalError(f"param 'max_classes': {limit!r} is not a whole number of at least 2; use e.g. 20")
    if label not in frame.columns:
        raise FatalError(f"param 'label': the data has no column {label!r}; choose one of its columns: "
                         f"{', '.join(map(str, frame.columns))}")
    return label, task, limit


def classification_problem(labels: pd.Series, limit: int) -> str | None:
    """Why `labels` (no missing values) cannot be a classifier's label; None when they can."""
    name = labels.name
    counts = labels.value_counts(sort=False)
    if len(counts) < 2:
        return (f"column {name!r} has the same value ({examples(counts.index)}) in every row, so there is nothing to "
                "tell apart; choose a column whose rows fall into at least two categories (such as yes/no)")
    if is_number(labels) and (len(counts) > limit or not (labels == labels.round()).all()):
        return (f"column {name!r} holds {len(counts)} different numbers ({examples(sorted(counts.index))}): an amount "
                "to predict, not a few categories; choose a column of categories (such as yes/no) as the label, or "
                "predict this number with a regression template")
    if len(counts) > limit:
        return (f"column {name!r} has {len(counts)} different values ({examples(sorted(counts.index, key=str))}), "
                f"more than {limit} categories; choose a column with a few categories (such as yes/no) as the label")
    rare = counts[counts < 2]
    if len(rare):
        return (f"column {name!r} has the value {examples(rare.index)} in one row only; a model needs at least two "
                "rows of each category (one to learn from, one to test on): add rows, correct that value, or "
                "choose another column as the label")
    return None


def regression_problem(labels: pd.Series) -> str | None:
    """Why `labels` (no missing values) cannot be a regressor's label; None when they can."""
    name = labels.name
    if not is_number(labels):
        return (f"column {name!r} holds {'yes/no values' if types.is_bool_dtype(labels) else 'text'} "
                f"({examples(labels.drop_duplicates())}), not numbers; choose a column of numbers to predict, "
                "or predict these categories with a classification template")
    if labels.nunique() < 2:
        return (f"column {name!r} has the same number ({examples(labels.drop_duplicates())}) in every row, so there "
                "is nothing to predict; choose a column whose numbers vary")
    return None


def run(ctx) -> None:
    frame = ctx.read_table("table")
    label, task, limit = check_params(ctx.params, frame)
    missing = frame[label].isna()
    if missing.all():
        raise FatalError(f"param 'label': column {label!r} is empty in every row; choose a column that has values")
    labelled = frame[~missing].reset_index(drop=True)
    labels = labelled[label]
    problem = classification_problem(labels, limit) if task == "classification" else regression_problem(labels)
    if problem:
        raise FatalError(f"param 'label': {problem}")
    if missing.any():
        ctx.warn(f"left out {int(missing.sum())} of {len(frame)} rows without a value in {label!r}")
    ctx.log(f"{len(labelled)} labelled rows; {label!r} " + (
        f"has {labels.nunique()} classes" if task == "classification" else f"ranges {labels.min()} .. {labels.max()}"))
    ctx.write_table("table", labelled)
