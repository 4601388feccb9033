"""The demo lab: seeded, bounded NumPy experiments over the reference implementations, each with
plain data, a summary of what it shows and a Plotly figure.

Public API: :data:`DEMOS`, :func:`get_demo`, :func:`validate_params`, :func:`run_demo`,
:func:`render` (JSON-ready output) and the errors :class:`UnknownDemo` and
:class:`InvalidParams`. Demos register themselves on import (see :func:`register`).
"""

from __future__ import annotations

from typing import Any

from engine.demos import (  # noqa: F401  (each module registers its demo)
    batch_size,
    classification_losses,
    gradient_clipping,
    loss_curves,
    loss_landscape,
    loss_shapes,
    loss_surface,
    lr_range,
    lr_schedules,
    momentum,
    optimizer_paths,
    regression_losses,
    regularization,
)
from engine.demos.core import (
    DEMOS,
    Demo,
    DemoRun,
    InvalidParams,
    Params,
    Result,
    UnknownDemo,
    get_demo,
    register,
    run_demo,
    validate_params,
)
from engine.demos.serialize import figure_to_plain, to_plain


def render(demo_id: str, params: Any = None) -> dict[str, Any]:
    """Run a demo and return ``{demo, params, data, summary, figure}`` as plain JSON values."""
    out = run_demo(demo_id, params)
    return {
        "demo": demo_id,
        "params": out.params.model_dump(mode="json"),
        "data": to_plain(out.data),
        "summary": to_plain(out.summary),
        "figure": figure_to_plain(out.figure),
    }


__all__ = [
    "DEMOS",
    "Demo",
    "DemoRun",
    "InvalidParams",
    "Params",
    "Result",
    "UnknownDemo",
    "figure_to_plain",
    "get_demo",
    "register",
    "render",
    "run_demo",
    "to_plain",
    "validate_params",
]
