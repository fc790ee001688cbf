"""What a component's `run(ctx)` receives: its params and helpers to read and write ports."""

from __future__ import annotations

import sys
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

import pyarrow as pa

from jimu.runtime import storage
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.runtime.run_values import make_run_values

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["FATAL_EXIT_CODE", "SKIP_EXIT_CODE", "ComponentContext", "FatalError", "SkipDownstream"]


class SkipDownstream(Exception):
    """Raised by ctx.skip_downstream: this node is skipped and so is everything after it."""


class FatalError(Exception):
    """Retrying will not help (bad params, bad data, a query that cannot bind): fail without retries.

    Raise it (or call ctx.fail) with a message naming the param or column and the fix.
    """


class ComponentContext:
    """The resolved invocation document, with typed helpers over its URIs."""

    def __init__(self, invocation: dict[str, Any]):
        self.invocation = invocation
        self.params: dict[str, Any] = invocation["params"]
        self.pipeline_params: dict[str, Any] = invocation["pipeline_params"]
        self.node: str = invocation["node"]
        self.run_id: str = invocation["run_id"]
        # The run's values (ds, logical_date, data_interval_start, ...): read-only, see jimu.runtime.run_values.
        self.run: MappingProxyType = MappingProxyType(dict(invocation.get("run") or make_run_values(run_id=self.run_id)))
        self.rows_written: dict[str, int] = {}
        self.exports: list[str] = []
        self.metrics_written: dict[str, dict[str, float]] = {}
        self.charts_written: dict[str, list[str]] = {}
        self.warnings: list[str] = []

    def input_uri(self, port: str) -> str | None:
        value = self.invocation["inputs"].get(port)
        if isinstance(value, dict):
            raise TypeError(f"input {port!r} takes several tables: use input_uris()")
        return value

    def input_uris(self, port: str) -> dict[str, str]:
        """Upstream node id -> URI, for an input that takes several edges."""
        value = self.invocation["inputs"].get(port, {})
        return value if isinstance(value, dict) else {port: value}

    def output_uri(self, port: str) -> str:
        try:
            return self.invocation["outputs"][port]
        except KeyError:
            raise KeyError(f"node {self.node!r} has no output port {port!r}") from None

    def read_arrow(self, port: str) -> pa.Table:
        uri = self.input_uri(port)
        if uri is None:
            raise KeyError(f"input {port!r} of node {self.node!r} is not connected")
        return storage.read_table(uri)

    def read_table(self, port: str) -> pd.DataFrame:
        return self.read_arrow(port).to_pandas()

    def read_tables(self, port: str) -> dict[str, pd.DataFrame]:
        return {name: storage.read_table(uri).to_pandas() for name, uri in self.input_uris(port).items()}

    def write_table(self, port: str, table: pa.Table | pd.DataFrame) -> int:
        if not isinstance(table, pa.Table):
            table = pa.Table.from_pandas(table, preserve_index=False)
        rows = storage.write_table(self.output_uri(port), table)
        self.rows_written[port] = rows
        return rows

    def write_metrics(self, port: str, metrics: dict[str, Any]) -> None:
        storage.write_json(self.output_uri(port), storage.METRICS_FILE, metrics)
        # The scalar ones travel in the run result too, so `jimu run` can show them.
        self.metrics_written[port] = {
            k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
        }

    def write_chart(self, port: str, name: str, spec: dict[str, Any]) -> None:
        """Store a Vega-Lite chart next to the port's table or metrics (see jimu.runtime.charts)."""
        from jimu.runtime.charts import clear_charts, write_chart

        if port not in self.charts_written:  # this attempt's first chart on the port: drop an earlier attempt's
            clear_charts(self.output_uri(port))
        write_chart(self.output_uri(port), name, spec)
        self.charts_written.setdefault(port, []).append(name)

    def write_model(self, port: str, estimator: Any, card: dict[str, Any]) -> None:
        """Save a fitted scikit-learn estimator (skops, not pickle) with its card."""
        from jimu.runtime.models import write_model

        write_model(self.output_uri(port), estimator, card)

    def read_model(self, port: str) -> tuple[Any, dict[str, Any]]:
        """The estimator on an input port and its card; untrusted types are refused."""
        from jimu.runtime.models import read_model

        uri = self.input_uri(port)
        if uri is None:
            raise KeyError(f"input {port!r} of node {self.node!r} is not connected")
        return read_model(uri)

    def read_metrics(self, port: str) -> dict[str, Any]:
        uri = self.input_uri(port)
        if uri is None:
            raise KeyError(f"input {port!r} of node {self.node!r} is not connected")
        return storage.read_json(uri, storage.METRICS_FILE)

    def record_export(self, uri: str) -> None:
        """Note a file written outside the node's ports, so runs can say where it is."""
        self.exports.append(uri)

    def skip_downstream(self, reason: str) -> NoReturn:
        """Stop here: this node and its downstream nodes are skipped, not failed."""
        raise SkipDownstream(reason)

    def fail(self, reason: str) -> NoReturn:
        """Stop here: this node fails and is not retried (raises FatalError)."""
        raise FatalError(reason)

    def warn(self, message: str) -> None:
        """Log a warning and add it to the node's result: `jimu run` shows it on the node's line."""
        self.warnings.append(message)
        self.log(f"warning: {message}")

    def log(self, message: str) -> None:
        print(f"[{self.node}] {message}", file=sys.stderr, flush=True)
