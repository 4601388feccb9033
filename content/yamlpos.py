"""YAML loading that remembers the line of every key and list item."""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and a map from key path to 1-based line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"YAML syntax: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"YAML syntax: {exc}") from exc
    finally:
        loader.dispose()
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
