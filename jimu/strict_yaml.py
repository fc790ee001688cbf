"""YAML for specs: safe, and a duplicate key is an error instead of "the last one wins".

`yaml.safe_load` keeps the last of two equal keys without a word, so a component.yaml with
`default: 1` twice publishes whichever came last. Kept free of pydantic: pods read component
specs with it too.
"""

from __future__ import annotations

from typing import Any

import yaml


class DuplicateKeyError(yaml.YAMLError):
    """A mapping in a YAML document names the same key twice."""

    def __init__(self, key: Any, path: str, first_line: int, second_line: int):
        self.key, self.path = key, path
        where = f"in {path}" if path else "at the top level"
        super().__init__(
            f"duplicate key {key!r} {where} (lines {first_line} and {second_line}); keep only one of them"
        )


class _Loader(yaml.SafeLoader):
    pass


def _child_path(path: str, key: Any) -> str:
    if isinstance(key, str) and key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def _check_node(loader: _Loader, node: yaml.Node, path: str, seen_nodes: set[int]) -> None:
    if id(node) in seen_nodes:  # aliases share nodes; an alias to an ancestor would loop
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                _check_node(loader, value_node, path, seen_nodes)
                continue
            key = loader.construct_object(key_node, deep=True)
            try:
                earlier = first.setdefault(key, key_node)
            except TypeError:  # an unhashable key; construction reports it properly
                continue
            if earlier is not key_node:
                raise DuplicateKeyError(key, path, earlier.start_mark.line + 1, key_node.start_mark.line + 1)
            _check_node(loader, value_node, _child_path(path, key), seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_node(loader, item, f"{path}[{index}]", seen_nodes)


def load_yaml(text: str) -> Any:
    """Parse one YAML document like yaml.safe_load, refusing duplicate keys (DuplicateKeyError)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_node(loader, node, "", set())
        return loader.construct_document(node)
    finally:
        loader.dispose()
