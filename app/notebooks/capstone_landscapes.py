"""Capstone 3: loss landscapes and gradient magnitudes across the first two capstones' cases."""

from __future__ import annotations

from nbformat import NotebookNode

from app.notebooks.capstone_classification import DATA as CLASSIFICATION_DATA
from app.notebooks.capstone_classification import SOLUTION as CLASSIFIER_SOLUTION
from app.notebooks.capstone_classification import STARTER as CLASSIFIER_STARTER
from app.notebooks.capstone_regression import DATA as REGRESSION_DATA
from app.notebooks.capstone_regression import (
    GRADIENTS_SOLUTION,
    GRADIENTS_STARTER,
    LOSSES_SOLUTION,
    LOSSES_STARTER,
)
from app.notebooks.cells import code, md

SURFACE_STARTER = '''
def surface(loss, x, y, slopes, intercepts):
    """Mean loss of every line on the grid: row i for intercepts[i], column j for slopes[j]."""
    ...
'''

SURFACE_SOLUTION = '''
def surface(loss, x, y, slopes, intercepts):
    """Mean loss of every line on the grid: row i for intercepts[i], column j for slopes[j]."""
    return np.array([[loss(y, s * x + b) for s in slopes] for b in intercepts])
'''

SURFACES = """
SLOPES, INTERCEPTS, DELTA = np.linspace(0.5, 2.5, 41), np.linspace(-1.0, 4.0, 41), 1.0
surfaces = {}
if implemented(surface, mse, mae, huber):
    for name, loss in {"MSE": mse, "MAE": mae, "Huber": lambda t, p: huber(t, p, DELTA)}.items():
        surfaces[name] = surface(loss, x, y, SLOPES, INTERCEPTS)
compare("capstone-landscapes", "surfaces", data=DATA, delta=DELTA, slopes=SLOPES, intercepts=INTERCEPTS, surfaces=surfaces)
"""

SURFACES_PLOT = """
if surfaces:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for ax, (name, values) in zip(axes, surfaces.items()):
        ax.contour(SLOPES, INTERCEPTS, np.log(values), 25, cmap="viridis")
        i, j = np.unravel_index(np.argmin(values), values.shape)
        ax.plot(SLOPES[j], INTERCEPTS[i], "r*", ms=12)
        ax.set_title(f"{name} (log scale)"); ax.set_xlabel("slope"); ax.set_ylabel("intercept")
    plt.show()
"""

NORMS = """
OFFSETS = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
w_ls = np.linalg.lstsq(X, y, rcond=None)[0]  # the least-squares line: MSE's minimum
gradient_norms = {}
for name, gradient in {"MSE": mse_gradient, "MAE": mae_gradient, "Huber": huber_gradient}.items():
    if implemented(gradient):
        gradient_norms[name] = [np.linalg.norm(gradient(X, y, w_ls + np.array([t, 0.0]))) for t in OFFSETS]
compare("capstone-landscapes", "gradient-norms", data=DATA, delta=DELTA, offsets=OFFSETS, norms=gradient_norms)
"""

NORMS_PLOT = """
if gradient_norms:
    plt.figure(figsize=(6.5, 4))
    for name, values in gradient_norms.items():
        plt.loglog(OFFSETS, values, "o-", label=name)
    plt.xlabel("distance t along the slope axis from the least-squares line"); plt.ylabel("‖∇L‖")
    plt.legend(); plt.show()
"""

TRAINING = """
LR, CHECKPOINTS = 0.5, [1, 10, 100, 1000, 10000]
ready = {"logistic": implemented(logistic_gradient), "hinge": implemented(hinge_gradient)}
training = {}
for dataset, (Xb, labels) in SETS.items():
    gradients = {"logistic": lambda w: logistic_gradient(Xb, (labels + 1) / 2, w),
                 "hinge": lambda w: hinge_gradient(Xb, labels, w)}
    for loss, gradient in gradients.items():
        if not ready[loss]:
            continue
        w, norms = np.zeros(3), []
        for step in range(1, CHECKPOINTS[-1] + 1):
            w = w - LR * gradient(w)
            if step in CHECKPOINTS:
                norms.append(np.linalg.norm(gradient(w)))
        training.setdefault(loss, {})[dataset] = norms
compare("capstone-landscapes", "training-gradients", data=CLASSES, lr=LR, checkpoints=CHECKPOINTS, norms=training)
"""

TRAINING_PLOT = """
if training:
    plt.figure(figsize=(6.5, 4))
    for loss, runs in training.items():
        for dataset, values in runs.items():
            shown = np.maximum(values, 1e-18)  # exact zeros drawn at the bottom of the log axis
            plt.loglog(CHECKPOINTS, shown, "o-" if dataset == "separable" else "s--", label=f"{loss}, {dataset}")
    plt.xlabel("gradient-descent steps"); plt.ylabel("‖∇L‖ (zero drawn as 1e-18)"); plt.legend(); plt.show()
"""

QUESTIONS = [
    "The MSE surface's contours are long thin ellipses. What does that do to gradient descent with"
    " one learning rate, and what would fix it (think of the features' scales)?",
    "MAE's gradient has the same size one step or a hundred steps from the minimum. What does that"
    " mean for a fixed learning rate near the bottom, and how do practitioners cope?",
    "Logistic regression on separable data has no minimum at finite weights. Which two changes"
    " to the objective or the training give it one?",
]


def cells(*, solutions: bool) -> list[NotebookNode]:
    classes = CLASSIFICATION_DATA.replace("DATA = dict(", "CLASSES = dict(").replace(
        "**DATA", "**CLASSES"
    )
    return [
        md(
            "## The data\n\nThe two earlier capstones' data sets, from the same seeded generators: a"
            " line with outliers, and two classification sets."
        ),
        code(REGRESSION_DATA),
        code(classes),
        md(
            "## 1. Loss surfaces\n\nThe mean loss of every line `y = slope·x + intercept` on a grid."
            " The check compares every grid point with the reference and names a constant factor"
            " (a sum for a mean, a missing ½) or a transposed grid."
        ),
        code(LOSSES_SOLUTION if solutions else LOSSES_STARTER),
        code('check("code-mse", mse)'),
        code('check("code-huber", huber)'),
        code(SURFACE_SOLUTION if solutions else SURFACE_STARTER),
        code(SURFACES),
        code(SURFACES_PLOT),
        md(
            "## 2. Gradient magnitudes away from the minimum\n\nThe gradient norm of each loss at"
            " the least-squares line moved by t along the slope axis. A quadratic's gradient grows"
            " with the distance; an absolute value's cannot."
        ),
        code(GRADIENTS_SOLUTION if solutions else GRADIENTS_STARTER),
        code('check("code-mse-gradient", mse_gradient)'),
        code(NORMS),
        code(NORMS_PLOT),
        md(
            "## 3. Gradient magnitudes during training\n\nPlain gradient descent (rate 0.5, from"
            " zero) on both classification sets: the gradient norm after 1, 10, …, 10,000 steps."
        ),
        code(CLASSIFIER_SOLUTION if solutions else CLASSIFIER_STARTER),
        code('check("code-logistic-gradient", logistic_gradient)'),
        code(TRAINING),
        code(TRAINING_PLOT),
    ]


ASKED = ("loss-landscapes-plotting", "mae-kink-handling")
