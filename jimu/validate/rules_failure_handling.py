"""Retry, backoff, pool and queue settings that Airflow would take but not honour as written."""

from __future__ import annotations

from collections.abc import Iterator

from jimu.errors import Issue
from jimu.refs import POOL_NAME, QUEUE_NAME
from jimu.spec import Defaults, NodeSpec
from jimu.validate.context import RuleContext

NAMES = (("pool", POOL_NAME), ("queue", QUEUE_NAME))


def check_failure_handling(ctx: RuleContext) -> Iterator[Issue]:
    defaults = ctx.spec.defaults
    yield from _retry_problems(defaults, "$.defaults", None, defaults)
    yield from _name_problems(defaults, "$.defaults", None)
    for i, node in enumerate(ctx.spec.nodes):
        path = ctx.node_path(i)
        yield from _retry_problems(node, path, node, defaults)
        yield from _name_problems(node, path, node.id)


BACKOFF_SETTINGS = ("max_retry_delay_seconds", "retry_delay_seconds", "retry_exponential_backoff")


def _retry_problems(owner: Defaults | NodeSpec, path: str, node: NodeSpec | None, defaults: Defaults):
    """Backoff settings Airflow would ignore, with a node's own values over the defaults.

    A node is checked only when it sets one of them itself: otherwise the defaults' report covers it.
    The issue points at the field the owner wrote, the maximum delay first. A node that turns the
    backoff off under a default maximum delay is fine: the maximum simply does not apply to it.
    """
    written = [s for s in BACKOFF_SETTINGS if getattr(owner, s) is not None] if node else list(BACKOFF_SETTINGS)
    if not written:
        return
    node_id = node.id if node else None
    backoff, max_delay, delay = (
        node.effective(s, defaults) if node else getattr(defaults, s)
        for s in ("retry_exponential_backoff", "max_retry_delay_seconds", "retry_delay_seconds")
    )
    if 0 < backoff < 1 and "retry_exponential_backoff" in written:
        yield Issue(
            "backoff-below-one", f"{path}.retry_exponential_backoff",
            f"retry_exponential_backoff {backoff} would make each retry wait less than the one before",
            "use 2 to double the delay after each try, or 0 for a constant delay", node_id,
        )
    if max_delay is None:
        return
    where = f"{path}.{written[0]}"
    if backoff in (0, 1):
        if "max_retry_delay_seconds" not in written:
            return
        yield Issue(
            "max-retry-delay-without-backoff", where,
            f"max_retry_delay_seconds {max_delay} has no effect: Airflow caps only a backed-off delay "
            "and retry_exponential_backoff is off",
            "set retry_exponential_backoff (e.g. 2) or remove max_retry_delay_seconds", node_id,
        )
    elif max_delay < delay:
        yield Issue(
            "max-retry-delay-below-delay", where,
            f"max_retry_delay_seconds {max_delay} is below retry_delay_seconds {delay}: every retry "
            "would wait the maximum, so the backoff never shows",
            f"raise max_retry_delay_seconds to at least {delay}, or lower retry_delay_seconds", node_id,
        )


def _name_problems(owner: Defaults | NodeSpec, path: str, node_id: str | None) -> Iterator[Issue]:
    for setting, grammar in NAMES:
        name = getattr(owner, setting)
        if name is not None and not grammar.accepts(name):
            yield Issue(
                f"bad-{setting}-name", f"{path}.{setting}",
                f"{setting} {name!r} is not a valid {grammar.what}", grammar.hint, node_id,
            )
