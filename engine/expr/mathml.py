"""Print an expression tree directly as presentation MathML (no LaTeX round trip)."""

from __future__ import annotations

from html import escape

from engine.expr import ast as A
from engine.expr.printer import PREC, Wrap, prec

_GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Delta": "Δ",
    "Sigma": "Σ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Phi": "Φ",
    "Omega": "Ω",
    "Gamma": "Γ",
    "Pi": "Π",
    "Psi": "Ψ",
}
_CMP = {"<": "&lt;", ">": "&gt;", "<=": "≤", ">=": "≥", "==": "=", "!=": "≠"}
_FUNC_NAMES = {"sigmoid": "σ", "asin": "arcsin", "acos": "arccos", "atan": "arctan"}


def _mi(name: str) -> str:
    base, _, sub = name.partition("_")
    accent = ""
    for suffix, mark in (("hat", "^"), ("bar", "¯"), ("tilde", "~")):
        if base.endswith(suffix) and len(base) > len(suffix):
            base, accent = base[: -len(suffix)], mark
            break
    shown = _GREEK.get(base, base)
    variant = ' mathvariant="normal"' if len(shown) > 1 else ""
    node = f"<mi{variant}>{escape(shown)}</mi>"
    if accent:
        node = f'<mover accent="true">{node}<mo>{accent}</mo></mover>'
    if sub:
        node = f"<msub>{node}<mi>{escape(_GREEK.get(sub, sub))}</mi></msub>"
    return node


def _fence(inner: str) -> str:
    return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"


def _node(node: A.Node) -> str:
    def wrap(child: A.Node, minimum: int) -> str:
        inner = _node(child)
        return _fence(inner) if prec(child) < minimum else inner

    match node:
        case A.Num(text=text):
            return f"<mn>{escape(text)}</mn>"
        case A.Const(name="pi"):
            return "<mi>π</mi>"
        case A.Const(name=name):
            return f"<mi>{name}</mi>"
        case A.Name(name=name):
            return _mi(name)
        case A.Identity():
            return "<mi>I</mi>"
        case A.TrueCond():
            return "<mtext>otherwise</mtext>"
        case A.Neg(arg=arg):
            return f"<mrow><mo>−</mo>{wrap(arg, PREC['neg'])}</mrow>"
        case A.Bin(op="/", left=left, right=right):
            return f"<mfrac><mrow>{_node(left)}</mrow><mrow>{_node(right)}</mrow></mfrac>"
        case A.Bin(op="^", left=left, right=right):
            return (
                f"<msup><mrow>{wrap(left, PREC['post'])}</mrow><mrow>{_node(right)}</mrow></msup>"
            )
        case A.Bin(op=op, left=left, right=right):
            p = PREC[op]
            symbol = {"+": "+", "-": "−", "*": "·", "@": "", "jux": ""}[op]
            joiner = f"<mo>{symbol}</mo>" if symbol else "<mo>&#x2062;</mo>"
            right_min = p + 1 if op == "-" else p
            return f"<mrow>{wrap(left, p)}{joiner}{wrap(right, right_min)}</mrow>"
        case A.Transpose(arg=arg):
            return f"<msup><mrow>{wrap(arg, PREC['post'])}</mrow><mi>⊤</mi></msup>"
        case A.Call():
            return _call(node, wrap)
        case A.Cmp(op=op, left=left, right=right):
            return f"<mrow>{wrap(left, 5)}<mo>{_CMP[op]}</mo>{wrap(right, 5)}</mrow>"
        case A.Logic(op="not", args=(arg,)):
            return f"<mrow><mo>¬</mo>{wrap(arg, PREC['not'])}</mrow>"
        case A.Logic(op=op, args=args):
            joiner = f"<mtext> {op} </mtext>"
            return "<mrow>" + joiner.join(wrap(a, PREC[op] + 1) for a in args) + "</mrow>"
        case A.Entry(arg=arg, indices=indices):
            sub = "".join(f"<mi>{escape(i)}</mi>" for i in indices)
            return f"<msub><mrow>{wrap(arg, PREC['atom'])}</mrow><mrow>{sub}</mrow></msub>"
        case A.IndexSum(op="vector", index=index, upper=upper, body=body):
            under = (
                f"<mrow><mi>{escape(index)}</mi><mo>=</mo><mn>1</mn><mo>…</mo>{_node(upper)}</mrow>"
            )
            return f"<msub><mrow><mo>[</mo>{_node(body)}<mo>]</mo></mrow>{under}</msub>"
        case A.IndexSum(op=op, index=index, lower=lower, upper=upper, body=body):
            sign = "∑" if op == "sum" else "∏"
            under = f"<mrow><mi>{escape(index)}</mi><mo>=</mo>{_node(lower)}</mrow>"
            return (
                f"<mrow><munderover><mo>{sign}</mo>{under}<mrow>{_node(upper)}</mrow></munderover>"
                f"{wrap(body, PREC['*'])}</mrow>"
            )
        case A.Piecewise(pieces=pieces):
            rows = "".join(
                f"<mtr><mtd>{_node(v)}</mtd><mtd>{_node(c)}</mtd></mtr>" for v, c in pieces
            )
            return f'<mrow><mo>{{</mo><mtable columnalign="left left">{rows}</mtable></mrow>'
    raise TypeError(f"cannot print {node!r}")


def _call(node: A.Call, wrap: Wrap) -> str:
    func, args = node.func, node.args

    def inner() -> str:  # rendered only where used: each argument is rendered once
        return "<mo>,</mo>".join(_node(a) for a in args)

    match func:
        case "sqrt":
            return f"<msqrt>{inner()}</msqrt>"
        case "root":
            return f"<mroot><mrow>{_node(args[0])}</mrow><mrow>{_node(args[1])}</mrow></mroot>"
        case "abs":
            return f"<mrow><mo>|</mo>{inner()}<mo>|</mo></mrow>"
        case "norm":
            return f"<mrow><mo>‖</mo>{inner()}<mo>‖</mo></mrow>"
        case "factorial":
            return f"<mrow>{wrap(args[0], PREC['post'])}<mo>!</mo></mrow>"
        case "exp":
            return f"<msup><mi>e</mi><mrow>{inner()}</mrow></msup>"
        case "log" if len(args) == 2:
            return (
                f"<mrow><msub><mi>log</mi><mrow>{_node(args[1])}</mrow></msub>"
                f"{_fence(_node(args[0]))}</mrow>"
            )
        case "sum":
            return f"<mrow><mo>∑</mo>{_fence(inner())}</mrow>"
        case "indicator":
            return (
                f'<mrow><mn mathvariant="double-struck">1</mn><mo>[</mo>{inner()}<mo>]</mo></mrow>'
            )
    name = _FUNC_NAMES.get(func, func)
    variant = ' mathvariant="normal"' if len(name) > 1 else ""
    return f"<mrow><mi{variant}>{name}</mi><mo>&#x2061;</mo>{_fence(inner())}</mrow>"


def to_mathml(node: A.Node, *, display: bool = False) -> str:
    """Return a ``<math>`` element for ``node``.

    >>> to_mathml(A.Bin("^", A.Name("x"), A.Num(2, "2")))[:52]
    '<math xmlns="http://www.w3.org/1998/Math/MathML" dis'
    """
    mode = "block" if display else "inline"
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{mode}">{_node(node)}</math>'


def equation_mathml(nodes: list[A.Node]) -> str:
    """A ``<math>`` element for the sides of an equation, joined by ``=``."""
    inner = "<mo>=</mo>".join(f"<mrow>{_node(n)}</mrow>" for n in nodes)
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">{inner}</math>'
