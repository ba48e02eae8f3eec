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

    def represent_str(self, data: str) -> yaml.ScalarNode:
        # NEL and the Unicode line/paragraph separators survive only as escapes; in any other
        # style a reader folds them into line breaks.
        if any(ch in data for ch in "\x85\u2028\u2029"):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


SafeQuotingDumper.add_representer(str, SafeQuotingDumper.represent_str)


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
    located.data = _convert(node, (), located, constructor, ())
    return located


MERGE_TAG = "tag:yaml.org,2002:merge"


def _scalar(node: yaml.Node, constructor: yaml.SafeLoader) -> object:
    """A scalar's value; a value YAML cannot build (a 30 February, an unknown tag) becomes a
    located problem instead of an exception."""
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        line, col = _mark(node)
        if isinstance(exc, yaml.constructor.ConstructorError) and exc.problem:
            reason = exc.problem.split(" for ")[0].strip()
            if "could not determine a constructor" in exc.problem:
                reason = f"unknown tag {node.tag}"
        elif node.tag == "tag:yaml.org,2002:timestamp":
            reason = "not a real date"
        else:
            reason = str(exc).split("\n")[0]
        raise YamlSyntaxError(f"cannot read the value {node.value!r}: {reason}", line, col) from exc


def _mapping(
    node: yaml.MappingNode, path: Path, out: Located, constructor: yaml.SafeLoader, stack: tuple[int, ...]
) -> dict[object, object]:
    merged: dict[object, object] = {}
    explicit: dict[object, object] = {}
    for key_node, value_node in node.value:
        if key_node.tag == MERGE_TAG:
            # `<<: *base` (or a list of them): keys written here win over merged ones, and
            # among merged mappings the first listed wins, as YAML specifies.
            value = _convert(value_node, path, out, constructor, stack)
            for m in value if isinstance(value, list) else [value]:
                if not isinstance(m, dict):
                    line, col = _mark(value_node)
                    raise YamlSyntaxError("a merge (<<) needs a mapping or a list of mappings", line, col)
                for k, v in m.items():
                    merged.setdefault(k, v)
            continue
        key = _scalar(key_node, constructor) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        key_str = key if isinstance(key, str | int) else str(key)
        child = (*path, key_str)
        if key_str in explicit:
            out.duplicate_keys.append((child, _mark(key_node)))
        out.key_positions[child] = _mark(key_node)
        out.positions[child] = _mark(value_node)
        explicit[key_str] = _convert(value_node, child, out, constructor, stack)
    return {**merged, **explicit}


def _convert(node: yaml.Node, path: Path, out: Located, constructor: yaml.SafeLoader, stack: tuple[int, ...]) -> object:
    if id(node) in stack:
        line, col = _mark(node)
        raise YamlSyntaxError("an alias refers to the block that contains it (an endless loop)", line, col)
    stack = (*stack, id(node))
    out.positions.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, path, out, constructor, stack)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.positions[child] = _mark(item)
            items.append(_convert(item, child, out, constructor, stack))
        return items
    return _scalar(node, constructor)
