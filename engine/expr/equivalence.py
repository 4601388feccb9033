"""Numeric equivalence of an answer with a target, at random points that respect domains.

Both sides are evaluated on batches of samples (several sizes for every dimension name); the
target is either written out or the derivative of a loss (central differences with Richardson
extrapolation for arrays, mpmath for scalars). Scalar identities that float64 cannot settle are
confirmed in 40-digit arithmetic.

The pieces: :mod:`engine.expr.derivative` (what the target is), :mod:`engine.expr.rounds`
(the sampled points), :mod:`engine.expr.comparison` (float64) and
:mod:`engine.expr.precise_check` (40 digits); :class:`Target` puts them together.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import numpy as np

from engine.expr import ast as A
from engine.expr import precise
from engine.expr.batch import Batch
from engine.expr.comparison import Comparison, compare_floats
from engine.expr.derivative import DerivativeOf, Expected, TargetError, TargetFormula, gradient
from engine.expr.errors import EvalError
from engine.expr.evaluate import evaluate
from engine.expr.front import Parsed, VarSpec
from engine.expr.precise_check import has_float_literal, settle, worth_precise
from engine.expr.rounds import Round, Sampler, with_scalars
from engine.expr.shapes import Shape, describe, from_declared
from engine.expr.symbolic import prove_equal

__all__ = ["Comparison", "Round", "Target", "TargetError", "gradient"]


class Target:
    """A target (expression or derivative of a loss) with its values at sampled points."""

    def __init__(
        self,
        variables: Mapping[str, VarSpec],
        *,
        expected: Parsed | None = None,
        loss: Parsed | None = None,
        wrt: str | None = None,
        seed: int = 0,
    ) -> None:
        source = expected if loss is None else loss
        if source is None or (expected is not None and loss is not None):
            raise TargetError("give either an expected expression or derivative_of with wrt")
        self.variables = dict(variables)
        for name in source.names:
            if name not in self.variables and not any(name in v.shape for v in variables.values()):
                self.variables[name] = VarSpec()
        self.formula: TargetFormula = (
            Expected(source) if loss is None else DerivativeOf.checked(loss, wrt, self.variables)
        )
        sampler = Sampler(self.variables, self.formula.values)
        self.dims = sampler.dims
        self.shape: Shape = (
            source.shape
            if isinstance(self.formula, Expected)
            else from_declared(self.variables[self.formula.wrt].shape)
        )
        self.scalar_only = not self.dims and precise.supported(source.node)
        # Declared variables are a contract: the answer must be defined wherever the target is.
        # With nothing declared, a name has no known domain, so sides are compared where both
        # are defined (as random-point graders do), unless the answer is rarely defined at all.
        self.strict_domain = bool(variables)
        self.rounds = sampler.draw(np.random.default_rng(seed), scalar=self.scalar_only)
        self.absorbed = sampler.absorbed  # did evaluating the target lose a term to rounding?

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.variables)

    @property
    def expected(self) -> Parsed | None:
        """The target written out (None for a derivative target)."""
        return self.formula.parsed if isinstance(self.formula, Expected) else None

    @property
    def loss(self) -> Parsed | None:
        """The loss of a derivative target (None for a written target)."""
        return self.formula.loss if isinstance(self.formula, DerivativeOf) else None

    @property
    def wrt(self) -> str | None:
        """The variable a derivative target differentiates by."""
        return self.formula.wrt if isinstance(self.formula, DerivativeOf) else None

    def values(self, node: A.Node, watch: list[bool] | None = None) -> list[Batch]:
        """Values of ``node`` in every round; ``watch`` collects whether rounding lost a term."""
        if watch is None:
            return [evaluate(node, r.env()) for r in self.rounds]
        out = []
        for r in self.rounds:
            env = r.env(absorbed=False)
            out.append(evaluate(node, env))
            watch.append(bool(env.absorbed))
        return out

    def view_for(self, answer: Parsed) -> Target:
        """This target as seen by one answer: names the target does not use (possible only when
        nothing was declared) are real scalars, drawn from the name so every answer sees the
        same values. The shared, cached target is never modified."""
        known = set(self.rounds[0].values) if self.rounds else set()
        extra = sorted(answer.names - known - set(self.dims))
        if not extra:
            return self
        view = copy.copy(self)
        view.rounds = with_scalars(self.rounds, extra)
        return view

    def compare(self, answer: Parsed) -> Comparison:
        if answer.shape != self.shape:
            return Comparison(
                False,
                "shape",
                f"your expression is {describe(answer.shape)}; expected {describe(self.shape)}",
            )
        absorbed: list[bool] = []
        try:
            values = self.values(answer.node, absorbed if self.scalar_only else None)
        except EvalError as exc:
            return Comparison(False, "differ", f"your expression cannot be evaluated: {exc}")
        result = compare_floats(
            self.rounds,
            values,
            answer.node,
            self.formula.values,
            rtol=self.formula.rtol,
            strict_domain=self.strict_domain,
        )
        result.details["absorbed"] = self.absorbed or any(absorbed)
        if result.equal and self._proved(answer):
            result.symbolic = True
            return result
        if (
            self.scalar_only
            and precise.supported(answer.node)
            and worth_precise(result, self.formula.source.node, answer.node)
        ):
            result = self._settle(answer, result) or result
        return result

    def _proved(self, answer: Parsed) -> bool:
        """Is the answer symbolically equal to a written target?"""
        formula = self.formula
        return isinstance(formula, Expected) and prove_equal(answer.node, formula.parsed.node)

    def _settle(self, answer: Parsed, result: Comparison) -> Comparison | None:
        """The comparison in 40 digits; None when it cannot be settled that way."""
        return settle(
            self.rounds,
            answer.node,
            result,
            self.formula.precise_value,
            float_literals=has_float_literal(self.formula.source.node, answer.node),
            strict_domain=self.strict_domain,
        )
