"""The exercise catalogue (NumPy, and PyTorch in ``torch_*``); importing this package
registers every exercise."""

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
    torch_losses,
    torch_optim,
    torch_training,
    trainers,
    training,
)
