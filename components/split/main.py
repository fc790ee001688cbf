"""Split a table into `train` and `test` with scikit-learn's train_test_split."""

from __future__ import annotations

from sklearn.model_selection import train_test_split


def check_params(params: dict, columns) -> tuple[float, int, str | None]:
    fraction = params.get("test_fraction", 0.2)
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction < 1:
        raise ValueError(f"param 'test_fraction': {fraction!r} is not a number between 0 and 1; use e.g. 0.2")
    seed = params.get("seed", 42)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"param 'seed': {seed!r} is not an integer; use e.g. 42")
    stratify_by = params.get("stratify_by") or None
    if stratify_by is not None and stratify_by not in columns:
        raise ValueError(
            f"param 'stratify_by': the input table has no column {stratify_by!r} "
            f"(columns: {', '.join(map(str, columns))}); name one of them or leave stratify_by out"
        )
    return float(fraction), seed, stratify_by


def run(ctx) -> None:
    frame = ctx.read_table("table")
    fraction, seed, stratify_by = check_params(ctx.params, frame.columns)
    if len(frame) < 2:
        raise ValueError(f"the input table has {len(frame)} row(s); a split needs at least 2")
    labels = None
    if stratify_by is not None:
        labels = frame[stratify_by]
        if labels.isna().any():
            raise ValueError(
                f"param 'stratify_by': column {stratify_by!r} has {int(labels.isna().sum())} missing value(s); "
                "impute or filter them first, or stratify by another column"
            )
    try:
        train, test = train_test_split(frame, test_size=fraction, random_state=seed, stratify=labels)
    except ValueError as exc:
        param = "stratify_by" if stratify_by is not None else "test_fraction"
        hint = (
            "stratify by a column with at least 2 rows per value and no more values than test rows"
            if param == "stratify_by" else "choose a test_fraction that leaves rows on both sides"
        )
        raise ValueError(f"param {param!r}: cannot split {len(frame)} rows: {exc}; {hint}") from exc
    ctx.log(f"split {len(frame)} rows into {len(train)} train and {len(test)} test rows (seed {seed})")
    ctx.write_table("train", train.reset_index(drop=True))
    ctx.write_table("test", test.reset_index(drop=True))
