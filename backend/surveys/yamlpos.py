"""Load YAML while remembering where every value stands, for `file:line:column` messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

Path = tuple[str | int, ...]


@dataclass
class Located:
    """Plain Python data plus a map from each value's path to its 1-based (line, column)."""

    data: object
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Position of each mapping key, for "unknown key" messages.
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path, tuple[int, int]]] = field(default_factory=list)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class CoreSchemaLoader(yaml.SafeLoader):
    """YAML 1.2 core-schema scalars instead of YAML 1.1's surprises: only true/false are
    booleans (so `yes`, `no`, `on` stay text: they are common option codes) and numbers
    have no underscores or base-60 forms (so `1000_4999` stays the code it looks like)."""


CoreSchemaLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # YAML 1.1's constructor reads a leading 0 as octal ("08" fails); the core schema is base 10.
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


CoreSchemaLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)


class SafeQuotingDumper(yaml.SafeDumper):
    """Quotes any string that YAML 1.1 *or* the core schema would read as something else, so
    files we write read back the same with our loader and with other YAML tools."""


SafeQuotingDumper.yaml_implicit_resolvers = {
    first: list(yaml.SafeDumper.yaml_implicit_resolvers.get(first, []))
    + [
        r
        for r in CoreSchemaLoader.yaml_implicit_resolvers.get(first, [])
        if r not in yaml.SafeDumper.yaml_implicit_resolvers.get(first, [])
    ]
    for first in set(yaml.SafeDumper.yaml_implicit_resolvers) | set(CoreSchemaLoader.yaml_implicit_resolvers)
}


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_located(text: str) -> Located:
    """Parse one YAML document; raise YamlSyntaxError with a position on bad syntax."""
    try:
        node = yaml.compose(text, Loader=CoreSchemaLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise YamlSyntaxError(f"YAML syntax error: {problem}", line, col) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - errors without marks are rare
        raise YamlSyntaxError(f"YAML syntax error: {exc}", 1, 1) from exc
    located = Located(data=None)
    if node is None:
        located.positions[()] = (1, 1)
        return located
    constructor = CoreSchemaLoader("")
    located.data = _convert(node, (), located, constructor)
    return located


def _convert(node: yaml.Node, path: Path, out: Located, constructor: yaml.SafeLoader) -> object:
    out.positions.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        result: dict[object, object] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if key == "<<":  # merge key: flatten the merged mapping(s) in
                merged = _convert(value_node, path, out, constructor)
                for m in merged if isinstance(merged, list) else [merged]:
                    if isinstance(m, dict):
                        for k, v in m.items():
                            result.setdefault(k, v)
                continue
            key_str = key if isinstance(key, str | int) else str(key)
            child = (*path, key_str)
            if key_str in result:
                out.duplicate_keys.append((child, _mark(key_node)))
            out.key_positions[child] = _mark(key_node)
            out.positions[child] = _mark(value_node)
            result[key_str] = _convert(value_node, child, out, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.positions[child] = _mark(item)
            items.append(_convert(item, child, out, constructor))
        return items
    return constructor.construct_object(node, deep=True)
