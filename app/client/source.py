"""The source of a notebook function, with what it needs from the notebook around it.

The server runs a submission in an empty sandbox that sees nothing of the notebook: no imports,
no helper functions, no constants. So the source sent is the function's own definition plus,
found by following the names it reads as globals: the import lines of the modules and library
functions it uses, the definitions of notebook helpers it calls (followed in turn), and the
values of plain constants. Anything else (an array, a model) cannot be sent and is reported.
"""

from __future__ import annotations

import ast
import builtins
import dis
import inspect
import linecache
import sys
import textwrap
import types
from dataclasses import dataclass, field
from typing import Any

PLAIN = (bool, int, float, complex, str, bytes, type(None))


class SourceUnavailable(ValueError):
    """The object's source cannot be found (a lambda, a built-in, a function made by exec)."""


@dataclass
class Collected:
    """What :func:`collect` found: the source to send and the globals it could not include."""

    source: str
    skipped: dict[str, str] = field(default_factory=dict)  # name -> type of the value


def _code_names(code: types.CodeType) -> list[str]:
    """Names a code object (and every function nested in it) reads as globals."""
    names = [
        i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    ]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _code_names(const)
    return names


def _class_source(cls: type) -> str:
    """A class's source; for a class defined in a notebook cell (whose module has no file),
    found from one of its methods' cells."""
    try:
        return inspect.getsource(cls)
    except (OSError, TypeError):
        pass
    for member in vars(cls).values():
        func = getattr(member, "__func__", member)
        code = getattr(func, "__code__", None)
        if code is None:
            continue
        lines = linecache.getlines(code.co_filename)
        for start in range(code.co_firstlineno - 1, -1, -1):
            if lines[start].lstrip().startswith(f"class {cls.__name__}"):
                while start > 0 and lines[start - 1].lstrip().startswith("@"):
                    start -= 1
                return "".join(inspect.getblock(lines[start:]))
    raise SourceUnavailable(f"the source of class {cls.__name__} cannot be found")


def definition(obj: Any) -> str:
    """The dedented source of a function or class defined with ``def`` or ``class``."""
    if inspect.isclass(obj):
        source = _class_source(obj)
    else:
        if getattr(obj, "__name__", "") == "<lambda>":
            raise SourceUnavailable("a lambda cannot be sent: define the function with def")
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError) as exc:
            raise SourceUnavailable(f"the source of {obj!r} cannot be found ({exc})") from None
    return textwrap.dedent(source)


def _names(obj: Any, source: str) -> list[str]:
    if not inspect.isclass(obj):
        return _code_names(obj.__code__)
    names = [n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)]
    for member in vars(obj).values():
        func = getattr(member, "__func__", member)
        if isinstance(func, types.FunctionType):
            names += _code_names(func.__code__)
    return names


def _namespace(obj: Any) -> dict[str, Any]:
    if inspect.isclass(obj):
        for member in vars(obj).values():  # a method knows the namespace the class lives in
            func = getattr(member, "__func__", member)
            if isinstance(func, types.FunctionType):
                return func.__globals__
        module = sys.modules.get(obj.__module__)
        return vars(module) if module is not None else {}
    return getattr(obj, "__globals__", {})


def _import_line(name: str, value: Any) -> str | None:
    """``import numpy as np``, ``from torch import nn``, ``from numpy import exp``…"""
    if inspect.ismodule(value):
        full = value.__name__
        if full == name:
            return f"import {full}"
        parent, _, last = full.rpartition(".")
        return (
            f"from {parent} import {last}"
            if parent and last == name
            else f"import {full} as {name}"
        )
    qualname = getattr(value, "__name__", None)
    module = getattr(value, "__module__", None) or ""
    parts = module.split(".")
    for k in range(1, len(parts) + 1):  # the shortest parent module that exposes it
        candidate = sys.modules.get(".".join(parts[:k]))
        if qualname and candidate is not None and getattr(candidate, qualname, None) is value:
            alias = "" if name == qualname else f" as {name}"
            return f"from {candidate.__name__} import {qualname}{alias}"
    return None


def _constant(value: Any) -> bool:
    if isinstance(value, PLAIN):
        return True
    return isinstance(value, (tuple, frozenset)) and all(_constant(v) for v in value)


def collect(obj: Any) -> Collected:
    """The source of ``obj`` with the imports, helpers and constants it uses.

    Examples
    --------
    >>> import math
    >>> def area(r):
    ...     return math.pi * r**2
    >>> print(collect(area).source)
    import math
    <BLANKLINE>
    <BLANKLINE>
    def area(r):
        return math.pi * r**2
    <BLANKLINE>
    """
    home = getattr(obj, "__module__", None)
    imports: dict[str, None] = {}
    constants: dict[str, str] = {}
    definitions: list[str] = []
    skipped: dict[str, str] = {}
    seen: set[int] = set()

    def visit(item: Any) -> None:
        seen.add(id(item))
        source = definition(item)
        namespace = _namespace(item)
        for name in dict.fromkeys(_names(item, source)):
            if name not in namespace:
                continue  # a builtin, a local, or not defined yet
            value = namespace[name]
            if value is item or id(value) in seen or value is getattr(builtins, name, None):
                continue
            user_defined = getattr(value, "__module__", None) in (home, "__main__")
            if (inspect.isfunction(value) or inspect.isclass(value)) and user_defined:
                visit(value)
            elif _constant(value):
                constants[name] = f"{name} = {value!r}"
            elif (line := _import_line(name, value)) is not None:
                imports[line] = None
            else:
                skipped[name] = type(value).__name__
        definitions.append(source.rstrip() + "\n")

    visit(obj)
    head = "\n".join(imports)
    blocks = [b for b in (head, "\n".join(constants.values())) if b]
    parts = [*blocks, *definitions]  # helpers first: each was appended after what it uses
    return Collected("\n\n\n".join(p.rstrip("\n") for p in parts) + "\n", skipped)
