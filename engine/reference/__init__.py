"""Reference NumPy implementations: the single source of truth for losses, gradients, optimizer
steps, learning-rate schedules and training utilities.

Code exercises are judged against these functions, and demos and derivations reuse them. Every
function takes and returns NumPy arrays (or floats), never mutates its inputs and is numerically
stable where the exercise demands it.
"""

from engine.reference import (
    backprop,
    batched,
    elementwise,
    gradients,
    linear,
    losses,
    optimizers,
    schedules,
    tiny_models,
    training,
)

__all__ = [
    "backprop",
    "batched",
    "elementwise",
    "gradients",
    "linear",
    "losses",
    "optimizers",
    "schedules",
    "tiny_models",
    "training",
]
