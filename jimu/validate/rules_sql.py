"""Rules about SQL params: they parse in their dialect and name only what exists."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.tokens import TokenType

from jimu.errors import Issue
from jimu.refs import param_reference
from jimu.runtime.run_values import RUN_VALUE_NAMES, not_bindable
from jimu.validate.context import RuleContext

DEFAULT_DIALECT = "duckdb"
# Component param schemas mark SQL with "format": "sql"; this keyword names the input whose
# upstream node ids are the table names the query may read.
TABLES_INPUT_KEY = "x-jimu-tables-input"


def sql_params(schema: dict) -> list[tuple[str, dict]]:
    props = schema.get("properties", {})
    return [(k, v) for k, v in props.items() if isinstance(v, dict) and v.get("format") == "sql"]


def check_sql(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None or ctx.node_index.get(node.id) != i:
            continue
        for key, prop in sql_params(comp.spec.params):
            sql = node.params.get(key)
            if not isinstance(sql, str):
                continue  # missing or wrong type is reported by the param rules
            dialect = _dialect(ctx, node, comp)
            if dialect is None:
                continue  # a wrong type or unknown param reference is reported by the param rules
            path = ctx.node_path(i, "params", key)
            tables_input = prop.get(TABLES_INPUT_KEY)
            # Upstream tables are all such a query may read (DuckDB runs it with external access off).
            local = isinstance(tables_input, str)
            allowed = ctx.upstream_of(node.id, tables_input) if local else None
            yield from check_query(ctx, node.id, path, sql, dialect, allowed, local)


def _dialect(ctx, node, comp) -> str | None:
    """The dialect a node's SQL is written in, through a pipeline param's default; None if unknown."""
    value = node.params.get("dialect")
    ref = param_reference(value)
    if ref is not None:
        value = ctx.spec.params.get(ref, {}).get("default")
        if value is None:
            return None
    if value is None or value == "":
        value = comp.spec.param_defaults().get("dialect", DEFAULT_DIALECT)
    return value if isinstance(value, str) else None


def check_query(ctx, node_id, path, sql, dialect, allowed_tables, local=False) -> Iterator[Issue]:
    """One query: it parses, is a single SELECT, binds known params and reads what it may.

    allowed_tables: the upstream node ids it may read (None: unknown, not checked); local: the
    query runs in DuckDB over upstream tables only, so files, URLs and table functions are refused.
    """
    found = query_analysis(sql, dialect)
    if found.problem is not None:
        on_dialect = found.problem.code == "unknown-sql-dialect"
        yield replace(found.problem, path=path.rsplit(".", 1)[0] + ".dialect" if on_dialect else path, node=node_id)
        return
    if local and found.outside:
        yield Issue(
            "sql-reads-outside", path,
            f"SQL reads {', '.join(found.outside)}: a query here reads only its upstream tables (DuckDB runs it "
            "with file and network access off)",
            "load the data with a load_table node, connect it to this node's tables input and read it by "
            "that node's id",
            node_id,
        )
    yield from _check_names(ctx, node_id, path, found, allowed_tables)


@dataclass(frozen=True)
class QueryAnalysis:
    """What one query text says in one dialect, apart from the pipeline around it.

    problem: the issue (its path and node filled in by the caller) when the text is no single
    SELECT; else the params it binds, the tables it names (CTEs excepted) and what it reads outside.
    """

    problem: Issue | None = None
    params: frozenset[str] = frozenset()
    tables: frozenset[str] = frozenset()
    outside: tuple[str, ...] = ()


# Re-validation after an edit (the editor calls it on every change) must not re-parse the
# unchanged queries of a large pipeline: parsing is most of validation's time. The result
# depends only on the text and the dialect (sqlglot is fixed for the process). Bounded in
# entries and in the length of a query kept, so a long-running editor fed hostile bodies holds
# at most ~32 MB of query text; longer queries are rare and parsed every time.
ANALYSIS_CACHE_SIZE = 2048
MAX_CACHED_QUERY_CHARS = 16_384


def query_analysis(sql: str, dialect: str) -> QueryAnalysis:
    if len(sql) > MAX_CACHED_QUERY_CHARS:
        return analyse_query.__wrapped__(sql, dialect)
    return analyse_query(sql, dialect)


@functools.lru_cache(maxsize=ANALYSIS_CACHE_SIZE)
def analyse_query(sql: str, dialect: str) -> QueryAnalysis:
    """Parse one query and keep what the rules need; cached by (sql, dialect)."""
    try:
        sql_dialect = sqlglot.Dialect.get_or_raise(dialect)
    except ValueError:
        return QueryAnalysis(problem=Issue(
            "unknown-sql-dialect", "", f"SQL dialect {dialect!r} is unknown",
            "use a sqlglot dialect such as duckdb, postgres, mysql, bigquery, spark, hive",
        ))
    try:
        statements = sqlglot.parse(sql, read=dialect)
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        line, column = _error_start(first)
        return QueryAnalysis(problem=Issue(
            "sql-syntax", "",
            f"SQL does not parse as {dialect} at line {first.get('line', '?')}, "
            f"col {first.get('col', '?')}: {first.get('description', str(exc))}",
            f"fix the SQL near {first.get('highlight', '')!r}",
            line=line, column=column,
        ))
    except SqlglotError as exc:  # e.g. TokenError: an unclosed quote or comment
        return QueryAnalysis(problem=Issue(
            "sql-syntax", "", f"SQL does not parse as {dialect}: {exc.__cause__ or exc}",
            "look for an unclosed quote, comment or identifier",
        ))
    if len(statements) == 1 and isinstance(statements[0], exp.Query):  # the usual case: no tokens needed
        starts = [None]
    else:
        starts = _statement_starts(sql, sql_dialect)
        starts += [None] * (len(statements) - len(starts))
    found = [(s, start) for s, start in zip(statements, starts, strict=False) if s is not None]
    for statement, start in found:
        if not _is_statement(statement, start):
            # sqlglot reads "FOO bar" as an expression: no statement starts with a name or a value.
            line, col = _line_col(sql, start.start) if start else (None, None)
            return QueryAnalysis(problem=Issue(
                "sql-syntax", "",
                f"SQL does not parse as {dialect} at line {line or '?'}, col {col or '?'}: "
                f"{(start.text if start else sql.strip()[:20])!r} does not start a statement",
                "start the query with SELECT (or WITH ... SELECT)",
                line=line, column=col,
            ))
    if len(found) != 1 or not isinstance(found[0][0], exp.Query):
        kinds = [_statement_kind(s) for s, _ in found]
        if not kinds:
            what = "no statement"
        elif len(kinds) == 1:
            what = f"{_article(kinds[0])} {kinds[0]} statement"
        else:
            what = f"{len(kinds)} statements ({', '.join(kinds)})"
        return QueryAnalysis(problem=Issue(
            "sql-not-a-query", "", f"expected one SELECT query, found {what}",
            "write a single SELECT (WITH ... SELECT is fine); its result is the node's output",
        ))
    query = found[0][0]
    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    named = {
        t.name for t in query.find_all(exp.Table)
        if t.name and isinstance(t.this, exp.Identifier) and not FILE_LIKE.search(t.name)
    }
    return QueryAnalysis(
        params=frozenset(_referenced_params(query)),
        tables=frozenset(named - ctes),
        outside=tuple(_outside_reads(query)),
    )


# Table functions that read nothing outside the query.
PURE_TABLE_FUNCTIONS = (exp.GenerateSeries, exp.Unnest, exp.ExplodingGenerateSeries)
# Functions that read files, URLs, other databases or the environment (DuckDB and its extensions).
OUTSIDE_FUNCTIONS = frozenset({
    "glob", "getenv", "sniff_csv", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
    "parquet_kv_metadata", "parquet_bloom_probe", "iceberg_metadata", "iceberg_snapshots", "st_read",
    "sqlite_attach", "postgres_attach", "mysql_attach", "postgres_query", "mysql_query", "http_get",
    "http_post", "load_aws_credentials", "duckdb_secrets", "json_execute_serialized_sql", "query_table",
    "query",
})
FILE_LIKE = re.compile(r"[./\\:*?~]")


def _outside_reads(query: exp.Expression) -> Iterator[str]:
    """What a query reads beyond its upstream tables: files, URLs, table functions."""
    seen, table_functions = [], set()
    for node in query.find_all(exp.Table, exp.Func):
        if isinstance(node, exp.Table):
            target = node.this
            if isinstance(target, exp.Identifier) and FILE_LIKE.search(target.name):
                what = f"the file or URL {target.name!r}"
            elif isinstance(target, exp.Func) and not isinstance(target, PURE_TABLE_FUNCTIONS):
                table_functions.add(id(target))
                what = f"the table function {_call_text(target)}"
            else:
                continue
        else:
            name = _function_name(node)
            if id(node) in table_functions or not (
                name in OUTSIDE_FUNCTIONS or name.startswith("read_") or name.endswith("_scan")
            ):
                continue
            what = _call_text(node)
        if what not in seen:
            seen.append(what)
    return iter(seen)


def _function_name(func: exp.Func) -> str:
    if isinstance(func, exp.Anonymous):
        return str(func.this).lower()
    return func.sql_name().lower()


def _call_text(func: exp.Func) -> str:
    """read_csv('x.csv'), naming the first path-like argument when there is one."""
    name = _function_name(func)
    literal = next((lit.this for lit in func.find_all(exp.Literal) if lit.is_string), None)
    return f"{name}({literal!r})" if literal is not None else f"{name}(...)"


def _statement_starts(sql: str, dialect) -> list:
    """The first token of each statement sqlglot.parse returns (None for an empty one)."""
    try:
        tokens = dialect.tokenize(sql)
    except SqlglotError:
        return []
    starts, current = [], None
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            starts.append(current)
            current = None
        elif current is None:
            current = token
    if current is not None or not starts:
        starts.append(current)
    return starts


_NOT_A_STATEMENT_START = frozenset({
    TokenType.VAR, TokenType.IDENTIFIER, TokenType.NUMBER, TokenType.STRING, TokenType.NATIONAL_STRING,
    TokenType.PARAMETER, TokenType.PLACEHOLDER, TokenType.STAR, TokenType.DASH, TokenType.PLUS,
})


def _is_statement(statement: exp.Expression, start) -> bool:
    if isinstance(statement, exp.Query | exp.Command):
        return True
    return start is None or start.token_type not in _NOT_A_STATEMENT_START


def _statement_kind(statement: exp.Expression) -> str:
    if isinstance(statement, exp.Command):
        return str(statement.this).upper()
    if isinstance(statement, exp.Query):
        return "SELECT"
    return statement.key.upper()


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _error_start(error: dict) -> tuple[int | None, int | None]:
    """Line and column where a sqlglot parse error's token starts (its `col` is where it ends)."""
    line, end, token = error.get("line"), error.get("col"), error.get("highlight") or ""
    if not isinstance(line, int) or not isinstance(end, int) or line < 1:
        return None, None
    if "\n" in token:  # a token over several lines: its last line is all sqlglot counts
        return line, 1
    return line, max(1, end - len(token) + 1)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _check_names(ctx, node_id, path, found: QueryAnalysis, allowed_tables) -> Iterator[Issue]:
    for name in sorted(found.params):
        if name not in ctx.spec.params and not_bindable(name):
            yield Issue(
                "run-value-not-bindable", path, f"SQL uses :{name}, but {not_bindable(name)}",
                "bind one value instead, e.g. :ds or :run_id", node_id,
            )
        elif name == "" or (name not in ctx.spec.params and name not in RUN_VALUE_NAMES):
            yield Issue(
                "unknown-pipeline-param", path,
                f"SQL uses parameter {':' + name if name else '?'} but the pipeline has no such param "
                "and the run no such value",
                "name a pipeline param as :name (defined: "
                f"{', '.join(sorted(ctx.spec.params)) or 'none'}) or a run value "
                f"({', '.join(':' + value for value in RUN_VALUE_NAMES)})",
                node_id,
            )
    if allowed_tables is None:
        return
    for table in sorted(found.tables):
        if table not in allowed_tables:
            yield Issue(
                "unknown-sql-table", path,
                f"SQL reads table {table!r}, which is no upstream node of this one",
                "tables are the ids of the nodes connected to this input "
                f"(connected: {', '.join(allowed_tables) or 'none'}); connect {table!r} or fix the name",
                node_id,
            )


def _referenced_params(query: exp.Expression) -> set[str]:
    names = set()
    for node in query.find_all(exp.Placeholder, exp.Parameter):
        names.add(node.name if isinstance(node, exp.Placeholder) else node.this.name)
    return names
