"""Array types shared by the engine's NumPy code (annotations only)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
# A hyper-parameter (rate, β, ε…) that is one number, or one per row as an array that
# broadcasts against the rows (the demos run many rows at once).
FloatOrArray = float | FloatArray
