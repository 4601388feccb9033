"""YAML loading that remembers the line of every key and list item."""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (PyPI's wheels are): the same nodes, marks and
# data as the pure-Python one, about six times faster on the shipped content
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _index_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _index_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = (*path, i)
            lines[child] = item.start_mark.line + 1
            _index_lines(item, child, lines)


def _parse(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (None if node is None else loader.construct_document(node)), node
    finally:
        loader.dispose()


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and a map from key path to 1-based line."""
    try:
        data, node = _parse(text, _LOADER)
    except yaml.YAMLError as fast:
        error = fast
        if _LOADER is not yaml.SafeLoader:
            # the pure-Python parser names what it found ("found character '\t'"), libyaml
            # does not: read it again for the message (same line)
            try:
                _parse(text, yaml.SafeLoader)
            except yaml.YAMLError as slow:
                error = slow
        if isinstance(error, yaml.MarkedYAMLError):
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            raise YamlSyntaxError(line, f"YAML syntax: {error.problem or error}") from error
        raise YamlSyntaxError(1, f"YAML syntax: {error}") from error
    if node is None:
        return None, {}
    lines: dict[Path_, int] = {(): node.start_mark.line + 1}
    _index_lines(node, (), lines)
    return data, lines


def line_of(lines: dict[Path_, int], loc: Path_) -> tuple[int, Path_]:
    """Return the line of the deepest known prefix of ``loc`` and the path actually found.

    Items of ``loc`` that are not keys of the document (such as the discriminator tag pydantic
    inserts for a union member) are skipped.
    """
    found: Path_ = ()
    probe: Path_ = ()
    for item in loc:
        candidate = (*probe, item)
        if candidate in lines:
            probe = found = candidate
        elif any(key[: len(candidate)] == candidate for key in lines):
            probe = candidate
    return lines.get(found, 1), found
