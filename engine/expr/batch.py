"""The values numeric evaluation works on, shared by the operators and the functions.

Every value is an array of shape ``(K, rows, cols)``: K samples of a scalar ``(K, 1, 1)``,
column vector ``(K, n, 1)`` or matrix ``(K, n, p)``, or the identity matrix, whose size is only
known once it meets a matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.arrays import BoolArray, FloatArray

Batch = FloatArray
Mask = BoolArray


@dataclass
class Eye:
    """The identity matrix times a scalar, sized when it meets a matrix."""

    scale: Batch


Value = Batch | Eye
