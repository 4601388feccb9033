"""The exercise catalogue; importing this package registers every exercise."""

from engine.judge.exercises import (  # noqa: F401
    adam,
    classification,
    gradients,
    margins,
    numerical,
    optimizers,
    regression,
    schedules,
    smoothing,
    trainers,
    training,
)
