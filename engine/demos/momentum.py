"""``momentum``: heavy-ball momentum on a quadratic with condition number κ.

The objective is ``½(x²/κ + y²)`` (curvatures μ = 1/κ and L = 1). The reference momentum is the
exponential-average form ``v ← βv + (1 − β)g, w ← w − lr·v``, i.e. heavy ball with step
``lr·(1 − β)``; its per-eigenvalue iteration matrix has determinant β, so complex eigenvalues
(oscillation) shrink at rate √β.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.runner import Hyper, run_rows

TOLERANCE = 1e-6  # "converged": distance below this fraction of the start's
START = np.array([1.0, 1.0])
BETAS = np.linspace(0.0, 0.995, 200)


class MomentumParams(Params):
    kappa: float = Field(50.0, ge=1, le=10000, description="Condition number L/μ")
    lr: float | None = Field(None, gt=0, le=100, description="null = the optimal rate for κ")
    beta: float | None = Field(None, ge=0, le=0.999, description="null = the optimal β for κ")
    steps: int = Field(150, ge=1, le=20000)


def optimal(kappa: float) -> tuple[float, float]:
    """Polyak's optimal heavy ball in the averaged form: ``(lr, β)``."""
    root = np.sqrt(kappa)
    beta = ((root - 1) / (root + 1)) ** 2
    step = 4.0 / (1.0 + 1.0 / root) ** 2  # 4/(√L + √μ)² with L = 1
    return float(step / (1.0 - beta)) if beta < 1 else step, float(beta)


def spectral_rate(lr: float, beta: np.ndarray, curvatures: tuple[float, ...]) -> np.ndarray:
    """Worst |eigenvalue| of the iteration matrix over the curvatures (the asymptotic rate)."""
    worst = np.zeros_like(beta)
    for lam in curvatures:
        trace = 1.0 - lr * (1.0 - beta) * lam + beta
        disc = np.sqrt((trace * trace - 4.0 * beta).astype(complex))
        worst = np.maximum(worst, np.maximum(abs((trace + disc) / 2), abs((trace - disc) / 2)))
    return worst


def _steps_to(dist: np.ndarray) -> int | None:
    hit = dist <= TOLERANCE * dist[0]
    return int(np.argmax(hit)) if hit.any() else None


def run(p: MomentumParams) -> Result:
    mu, L = 1.0 / p.kappa, 1.0
    opt_lr, opt_beta = optimal(p.kappa)
    lr = p.lr if p.lr is not None else opt_lr
    beta = p.beta if p.beta is not None else opt_beta
    gd_lr = 2.0 / (L + mu)

    def grad(w: np.ndarray) -> np.ndarray:
        out: np.ndarray = w * np.array([mu, L])
        return out

    mom = run_rows(grad, [("momentum", np.array([lr]))], START, p.steps, hyper=Hyper(beta=beta))[
        :, 0
    ]
    gd = run_rows(grad, [("gd", np.array([gd_lr]))], START, p.steps)[:, 0]
    sweep_steps = min(p.steps, 300)
    sweep = run_rows(
        grad,
        [("momentum", np.full(BETAS.size, lr))],
        START,
        sweep_steps,
        hyper=Hyper(beta=BETAS[:, None]),
    )[-1]
    with np.errstate(all="ignore"):
        empirical = (np.linalg.norm(sweep, axis=1) / np.linalg.norm(START)) ** (1.0 / sweep_steps)
    theory = spectral_rate(lr, BETAS, (mu, L))
    d_mom, d_gd = np.linalg.norm(mom, axis=1), np.linalg.norm(gd, axis=1)
    chosen_rate = float(spectral_rate(lr, np.array([beta]), (mu, L))[0])
    gd_rate = (p.kappa - 1) / (p.kappa + 1)
    keep = plot.thin(p.steps + 1)
    data = {
        "steps": keep, "momentum": mom[keep], "gd": gd[keep],
        "betas": BETAS, "rate_theory": theory, "rate_empirical": empirical,
    }  # fmt: skip
    sign_flips = int(np.sum(np.diff(np.sign(mom[:, 1][np.isfinite(mom[:, 1])])) != 0))
    summary: dict[str, Any] = {
        "kappa": p.kappa, "lr": lr, "beta": beta,
        "optimal_lr": opt_lr, "optimal_beta": opt_beta,
        "rate": chosen_rate, "optimal_rate": (np.sqrt(p.kappa) - 1) / (np.sqrt(p.kappa) + 1),
        "gd_lr": gd_lr, "gd_rate": gd_rate,
        "steps_to_tolerance": {"momentum": _steps_to(d_mom), "gd": _steps_to(d_gd)},
        "tolerance": TOLERANCE,
        "oscillations": sign_flips,
        "overshoot": float(max(0.0, -np.nanmin(mom[:, 0]))),
        "diverges": bool(chosen_rate >= 1.0),
        "rule": "heavy-ball rate = max |eigenvalue| of [[1 − lr(1−β)λ, −lr·β], [(1−β)λ, β]] over λ ∈ {μ, L}",
    }  # fmt: skip
    return Result(data, summary)


def figure(p: MomentumParams, r: Result) -> Any:
    d, s = r.data, r.summary
    fig = plot.grid(2, 2, ["iterates on ½(x²/κ + y²)", "distance to the optimum",
                           "convergence rate vs β (at this lr)", "coordinates per step"])  # fmt: skip
    xs, ys = np.linspace(-1.2, 1.2, 80), np.linspace(-1.2, 1.2, 80)
    X, Y = np.meshgrid(xs, ys)
    fig.add_trace(dict(type="contour", x=xs, y=ys, z=0.5 * (X * X / p.kappa + Y * Y),
                       colorscale="Greys", showscale=False, ncontours=20, hoverinfo="skip"), row=1, col=1)  # fmt: skip
    mom_name = f"momentum (lr={s['lr']:.3g}, β={s['beta']:.3g})"
    gd_name = f"GD at its best rate (lr={s['gd_lr']:.3g})"
    for k, (key, name) in enumerate((("momentum", mom_name), ("gd", gd_name))):
        path = d[key]
        plot.line(
            fig,
            path[:, 0],
            path[:, 1],
            name,
            color=plot.colour(k),
            mode="lines+markers",
            marker={"size": 3},
        )
        plot.line(
            fig,
            d["steps"],
            np.linalg.norm(path, axis=1),
            name,
            row=1,
            col=2,
            color=plot.colour(k),
            legend=False,
        )
        plot.line(
            fig,
            d["steps"],
            path[:, 0],
            f"{name}: x",
            row=2,
            col=2,
            color=plot.colour(k),
            legend=False,
        )
        plot.line(
            fig,
            d["steps"],
            path[:, 1],
            f"{name}: y",
            row=2,
            col=2,
            color=plot.colour(k),
            dash="dot",
            legend=False,
        )
    plot.line(fig, d["betas"], d["rate_theory"], "rate (theory)", row=2, col=1, color="black")
    plot.line(
        fig,
        d["betas"],
        d["rate_empirical"],
        "rate (measured)",
        row=2,
        col=1,
        color=plot.colour(2),
        mode="markers",
        marker={"size": 4},
    )
    plot.marker(
        fig, s["beta"], s["rate"], "chosen β", row=2, col=1, color=plot.colour(0), symbol="diamond"
    )
    plot.axes(fig, 1, 2, "step", "‖w − w*‖", log_y=True)
    plot.axes(fig, 2, 1, "β", "rate per step")
    plot.axes(fig, 2, 2, "step", "coordinate")
    return plot.finish(fig, f"Momentum on a quadratic, κ = {p.kappa:g}", height=760)


register(
    id="momentum",
    title="Momentum on an ill-conditioned quadratic",
    topics=("momentum", "gradient-descent"),
    params=MomentumParams,
    figure=figure,
    description="Step size and β → iterates, convergence rate vs β, oscillation and overshoot.",
)(run)
