"""Every error Jimu raises on purpose derives from JimuError."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class JimuError(Exception):
    """The rules of a pipeline, a component or a run have been violated by the user."""


@dataclass(frozen=True)
class Issue:
    """One problem found in a spec: what, where (JSON path, node) and how to fix it."""

    code: str
    path: str
    message: str
    hint: str
    node: str | None = None
    severity: str = "error"
    # Where in a param's text (SQL) the problem is: 1-based line and column, when known.
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"node '{self.node}': " if self.node else ""
        return f"{self.path}: {where}{self.message} (fix: {self.hint})"

    def to_dict(self) -> dict:
        """The fields `jimu validate --json` prints (line and column stay in the message there)."""
        found = asdict(self)
        del found["line"], found["column"]
        return found


class SpecError(JimuError):
    """A pipeline or component spec has problems; `issues` lists every one of them."""

    def __init__(self, source: str, issues: list[Issue]):
        self.source = source
        self.issues = list(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"{source}: {len(self.issues)} problem(s):\n{lines}")


class ComponentError(JimuError):
    """A component cannot be found or loaded."""


class RunError(JimuError):
    """A local run failed; the message names the node and shows the tail of its log."""
