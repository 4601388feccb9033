"""What a submission may not even mention: checked on its syntax tree before it runs.

The judge asks for code written with public APIs. Reaching past them — private (underscore)
attributes and modules of torch, NumPy or anything else, the import machinery, reflection that
turns strings into attributes or walks frames and closures — is how a submission would reach a
native shortcut (``torch._C._nn.cross_entropy_loss``) or switch off a check that lives in its
own process, so it is refused outright, with the line. A method may use private attributes of
its own object (``self._step``) and of classes the submission defines. In the PyTorch runtime,
whose forbidden-operation traps live in the worker, the modules that read or patch a process
from inside (``gc``, ``inspect``, ``ctypes``) are refused too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

# Harmless special names; every other dunder (``__dict__``, ``__globals__``, ``__self__``,
# ``__subclasses__``, ``__getattribute__``…) is reflection.
DUNDERS = frozenset(
    [
        "__init__",
        "__new__",
        "__name__",
        "__qualname__",
        "__doc__",
        "__module__",
        "__class__",
        "__len__",
        "__call__",
        "__getitem__",
        "__setitem__",
        "__contains__",
        "__iter__",
        "__next__",
        "__enter__",
        "__exit__",
        "__repr__",
        "__str__",
        "__eq__",
        "__ne__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__hash__",
        "__bool__",
        "__float__",
        "__int__",
        "__index__",
        "__array__",
        "__version__",
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__floordiv__",
        "__mod__",
        "__pow__",
        "__rpow__",
        "__matmul__",
        "__neg__",
        "__pos__",
        "__abs__",
        "__annotations__",
        "__file__",
        "__future__",
        "__post_init__",
        "__slots__",
        "__all__",
    ]
)
# Public names that lead into frames, code objects and the import system.
REFLECTION = frozenset(
    [
        "f_back",
        "f_locals",
        "f_globals",
        "f_builtins",
        "f_code",
        "f_trace",
        "tb_frame",
        "tb_next",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "ag_code",
        "co_code",
        "co_consts",
        "co_names",
        "CodeType",
        "FunctionType",
        "meta_path",
        "path_hooks",
        "path_importer_cache",
        "settrace",
        "setprofile",
        "addaudithook",
        "importlib",
        "builtins",
        "sys",
        "library",
    ]
)
# Documented public names that happen to start with an underscore.
PUBLIC_UNDERSCORE = frozenset(
    ["_exit", "_replace", "_asdict", "_fields", "_field_defaults", "_make"]
)
SYS_ONLY = frozenset({"modules"})  # refused on the sys module (``model.modules()`` is fine)
REFUSED_BUILTINS = frozenset(
    [
        "__import__",
        "eval",
        "exec",
        "compile",
        "globals",
        "locals",
        "vars",
        "breakpoint",
        "__builtins__",
        "__loader__",
        "__spec__",
        "reload",
    ]
)
ATTRIBUTE_FUNCTIONS = frozenset(
    ["getattr", "setattr", "delattr", "hasattr", "attrgetter", "methodcaller"]
)
REFUSED_MODULES = frozenset(
    [
        "importlib",
        "imp",
        "builtins",
        "runpy",
        "pkgutil",
        "zipimport",
        "marshal",
        "pickle",
        "copyreg",
        "shelve",
        "dill",
        "cloudpickle",
        "descent_sandbox",
        "torch.library",
        "sys.modules",
    ]
)
TORCH_REFUSED_MODULES = frozenset(["gc", "inspect", "ctypes"])


@dataclass(frozen=True)
class Refusal:
    """Why a submission is refused, and where."""

    line: int | None
    message: str

    def text(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def _private(name: str) -> bool:
    return name.startswith("_") and name not in DUNDERS and name not in PUBLIC_UNDERSCORE


def _refused_module(name: str, runtime: str) -> str | None:
    parts = name.split(".")
    if any(_private(p) for p in parts):
        return f"`{name}` is a private module — use public APIs"
    refused = REFUSED_MODULES | (TORCH_REFUSED_MODULES if runtime == "torch" else frozenset())
    for i in range(len(parts)):
        if ".".join(parts[: i + 1]) in refused:
            return f"`{name}` is not available to submissions"
    return None


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    a = fn.args
    every = [*a.posonlyargs, *a.args, *a.kwonlyargs, *([a.vararg] if a.vararg else [])]
    return {x.arg for x in every + ([a.kwarg] if a.kwarg else [])}


def _stored(node: ast.AST) -> set[str]:
    """Names bound anywhere inside ``node`` other than by its own parameters."""
    bound: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            bound.add(sub.id)
        elif isinstance(sub, ast.alias):
            bound.add((sub.asname or sub.name).split(".")[0])
        elif isinstance(sub, ast.Global | ast.Nonlocal):
            bound.update(sub.names)
    return bound


class _Scope:
    """What private attributes a name may reach: the classes the submission defines (and never
    rebinds), and — inside a method — its first parameter (``self``, ``cls``, ``ctx``) unless
    the method rebinds it or a nested function shadows it."""

    def __init__(self, tree: ast.Module) -> None:
        defined: set[str] = set()
        self.sys_names: set[str] = set()
        stored: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                stored.add(node.id)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    stored.add((alias.asname or alias.name).split(".")[0])
                    if alias.name == "sys":
                        self.sys_names.add(alias.asname or "sys")
            elif isinstance(node, ast.ImportFrom):
                stored.update(alias.asname or alias.name for alias in node.names)
        self.classes = defined - stored
        self.owners: frozenset[str] = frozenset()

    def enter(
        self, node: ast.AST, parent: ast.AST | None, owners: frozenset[str]
    ) -> frozenset[str]:
        """The owner names valid inside ``node``."""
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if isinstance(parent, ast.ClassDef) and node.args.args:
                first = node.args.args[0].arg
                return frozenset() if first in _stored(node) else frozenset({first})
            return owners - _params(node)
        if isinstance(node, ast.Lambda):
            return owners - _params(node)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            return owners - _stored(node)
        return owners

    def owns(self, base: ast.expr) -> bool:
        return isinstance(base, ast.Name) and (base.id in self.owners or base.id in self.classes)


def _attribute(name: str, base: ast.expr | None, scope: _Scope) -> str | None:
    if name in SYS_ONLY and isinstance(base, ast.Name) and base.id in scope.sys_names:
        return f"`sys.{name}` reaches into the interpreter's modules"
    if name in REFLECTION:
        return f"`.{name}` is not available to submissions: it reaches past the public API"
    if name.startswith("__") and name.endswith("__") and name not in DUNDERS:
        return f"`{name}` is reflection — use public APIs"
    if _private(name) and not (base is not None and scope.owns(base)):
        return f"`{name}` is a private attribute — use public APIs"
    return None


def _check_call(call: ast.Call, scope: _Scope) -> str | None:
    """``getattr(obj, "name")`` and its kin: the names must be constants, and public unless
    ``obj`` is the method's own object."""
    func = call.func
    kind = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if kind == "attrgetter":
        base, names = None, call.args
    elif kind == "methodcaller":
        base, names = None, call.args[:1]
    else:
        base, names = (call.args[0] if call.args else None), call.args[1:2]
    if not names:
        return f"`{kind}` needs a constant attribute name"
    for arg in names:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            if base is not None and scope.owns(base):
                continue  # its own attributes, by any name
            return f"`{kind}` with a computed attribute name — write the attribute out"
        for name in arg.value.split(".") if kind == "attrgetter" else [arg.value]:
            problem = _attribute(name, base, scope)
            if problem:
                return problem
    return None


def _walk(tree: ast.AST, scope: _Scope) -> Iterator[tuple[ast.AST, ast.AST | None]]:
    """Every node with its parent, without recursion (hostile trees can be deep); while a node
    is yielded, ``scope.owners`` holds the owner names valid at it."""
    stack: list[tuple[ast.AST, ast.AST | None, frozenset[str]]] = [(tree, None, frozenset())]
    while stack:
        node, parent, owners = stack.pop()
        scope.owners = owners
        yield node, parent
        inner = scope.enter(node, parent, owners)
        stack.extend((child, node, inner) for child in ast.iter_child_nodes(node))


def _node_problem(node: ast.AST, parent: ast.AST | None, scope: _Scope, runtime: str) -> str | None:
    if isinstance(node, ast.Import):
        return next((p for a in node.names if (p := _refused_module(a.name, runtime))), None)
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        problem = _refused_module(module, runtime) if node.level == 0 else None
        if problem or module == "__future__":
            return problem
        for alias in node.names:
            if alias.name != "*":
                full = f"{module}.{alias.name}" if module else alias.name
                problem = _refused_module(full, runtime) or _attribute(alias.name, None, scope)
                if problem:
                    return problem
        return None
    if isinstance(node, ast.Attribute):
        return _attribute(node.attr, node.value, scope)
    if isinstance(node, ast.Name):
        dunder = node.id.startswith("__") and node.id.endswith("__")
        if node.id in REFUSED_BUILTINS or (dunder and node.id not in DUNDERS):
            return f"`{node.id}` is not available to submissions"
        if node.id in ATTRIBUTE_FUNCTIONS and not (
            isinstance(parent, ast.Call) and parent.func is node
        ):
            return f"`{node.id}` may only be called directly, with a constant name"
        return None
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in ATTRIBUTE_FUNCTIONS:
            return _check_call(node, scope)
    return None


def refusal(source: str, runtime: str = "numpy") -> Refusal | None:
    """Why ``source`` is refused before it runs, or None; a syntax error is not a refusal
    (the caller reports it) and yields None.

    >>> refusal("import torch\\nf = torch._C._nn.cross_entropy_loss\\n", "torch").text()
    'line 2: `_C` is a private attribute — use public APIs'
    >>> refusal("class A:\\n    def f(self):\\n        return self._x\\n") is None
    True
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    scope = _Scope(tree)
    found: list[tuple[int, int, str]] = []  # line, where the name ends, the problem
    for node, parent in _walk(tree, scope):
        problem = _node_problem(node, parent, scope, runtime)
        if problem:
            found.append((getattr(node, "lineno", 0), getattr(node, "end_col_offset", 0), problem))
    if not found:
        return None
    line, _, message = min(found)  # the first, reading the source
    return Refusal(line or None, message)
