"""Read interview shorthand as words: arrows, symbols and the abbreviations candidates type.

"LR ↓ → loss ↑ w/o warmup" and "lowering the learning rate leads to the loss increasing without
warmup" make the same claim; both the matcher's model and its lexical evidence read words.
"""

from __future__ import annotations

import re
from functools import lru_cache

# fmt: off
SYMBOLS = {
    "→": " leads to ", "⇒": " so ", "⟹": " so ", "->": " leads to ", "=>": " so ",
    "↑": " increases ", "↓": " decreases ", "≈": " approximately ", "~": " approximately ",
    "∝": " proportional to ", "≫": " much larger than ", "≪": " much smaller than ",
    "≤": " at most ", "≥": " at least ", "≠": " differs from ", "∀": " for every ",
    "∞": " infinity ", "×": " times ", "·": " times ", "÷": " divided by ", "&": " and ",
    "√": " square root ", "∇": " gradient ", "∂": " derivative ", "Σ": " sum ", "∑": " sum ",
    "‖": " norm ", "±": " plus or minus ", "↔": " equivalent to ", "∴": " so ",
    "+": " plus ", "−": " minus ", " - ": " minus ",
}
ABBREVIATIONS = {
    "w/o": "without", "w/": "with", "b/c": "because", "bc": "because", "cuz": "because",
    "wrt": "with respect to", "e.g.": "for example", "i.e.": "that is", "approx": "approximately",
    "lr": "learning rate", "lrs": "learning rates", "grad": "gradient", "grads": "gradients",
    "param": "parameter", "params": "parameters", "coord": "coordinate", "coords": "coordinates",
    "prob": "probability", "probs": "probabilities", "pred": "prediction", "preds": "predictions",
    "init": "initialisation", "reg": "regularisation", "val": "validation", "acc": "accuracy",
    "opt": "optimiser", "optim": "optimiser", "dir": "direction", "dims": "dimensions",
    "dim": "dimension", "ex": "example", "exs": "examples", "hist": "histogram",
    "hists": "histograms", "svs": "support vectors", "sv": "support vector", "wd": "weight decay",
    "bn": "batch norm", "bs": "batch size", "nll": "negative log likelihood", "mle": "maximum likelihood",
    "ce": "cross entropy", "kd": "knowledge distillation", "ls": "label smoothing",
    "ema": "moving average", "emas": "moving averages", "avg": "average", "min": "minimum",
    "max": "maximum", "mins": "minima", "eval": "evaluation", "fwd": "forward", "bwd": "backward",
    "iter": "iteration", "iters": "iterations", "w.r.t.": "with respect to", "vs": "versus",
    "approx.": "approximately", "const": "constant", "var": "variance", "std": "standard deviation",
    "sgn": "sign", "nn": "neural network", "nns": "neural networks", "dl": "deep learning",
}
# fmt: on
_SYMBOL = re.compile("|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True)))
_ABBREVIATION = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w/])",
    re.IGNORECASE,
)


@lru_cache(maxsize=2048)
def expand(text: str) -> str:
    """``text`` with symbols and shorthand spelled out (for comparison only, never shown).

    >>> expand("LR ↓ w/o warmup ⇒ loss ↑")
    'learning rate  decreases  without warmup  so  loss  increases '
    """
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1).lower()], text)
    return _SYMBOL.sub(lambda m: SYMBOLS[m.group(0)], text)
