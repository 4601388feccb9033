"""Capstone 2: logistic, hinge and squared error on separable and overlapping data."""

from __future__ import annotations

from nbformat import NotebookNode

from app.notebooks.cells import code, md

DATA = '''
DATA = dict(seed=0, n=200, far_fraction=0.2)  # the server regenerates both data sets from these


def make_data(dataset, seed=0, n=200, far_fraction=0.2):
    """Two Gaussian classes in 2-D with labels ±1, well apart ("separable") or not
    ("overlapping"); a share of class +1 is placed far out on its correct side."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    centre, spread = (2.0, 0.5) if dataset == "separable" else (0.8, 1.0)
    X = np.column_stack([y * centre, np.zeros(n)]) + spread * rng.normal(size=(n, 2))
    if dataset == "separable":
        X[:, 0] = np.where(y > 0, np.maximum(X[:, 0], 0.6), np.minimum(X[:, 0], -0.6))
    far = (y > 0) & (rng.random(n) < far_fraction)
    X[far] += np.array([6.0, 5.0])
    return np.column_stack([X, np.ones(n)]), y  # a column of ones for the bias


SETS = {name: make_data(name, **DATA) for name in ("separable", "overlapping")}
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, (name, (Xb, labels)) in zip(axes, SETS.items()):
    ax.scatter(Xb[:, 0], Xb[:, 1], c=labels, cmap="coolwarm", s=10)
    ax.set_title(f"{name} data")
plt.show()
'''

STARTER = '''
def logistic_gradient(X, y, beta):
    """Gradient of the mean log loss; labels y in {0, 1}."""
    ...


def hinge_gradient(X, y, beta, lam=0.0):
    """Subgradient of mean(max(0, 1 − y·Xβ)) + ½λ‖β‖²; labels y in {−1, +1}."""
    ...


def mse_gradient(X, y, beta):
    """Gradient of mean((y − Xβ)²): squared error on the ±1 labels."""
    ...
'''

SOLUTION = '''
def logistic_gradient(X, y, beta):
    """Gradient of the mean log loss; labels y in {0, 1}."""
    z = X @ beta
    return X.T @ (np.exp(-np.logaddexp(0, -z)) - y) / len(y)


def hinge_gradient(X, y, beta, lam=0.0):
    """Subgradient of mean(max(0, 1 − y·Xβ)) + ½λ‖β‖²; labels y in {−1, +1}."""
    inside = y * (X @ beta) < 1
    return -X.T @ (y * inside) / len(y) + lam * beta


def mse_gradient(X, y, beta):
    """Gradient of mean((y − Xβ)²): squared error on the ±1 labels."""
    return -2.0 / len(y) * X.T @ (y - X @ beta)
'''

GD = '''
LR, CHECKPOINTS = 0.5, [1, 10, 100, 1000, 10000]


def gd(gradient, lr=LR, checkpoints=CHECKPOINTS):
    """Plain gradient descent from zero; ‖(w1, w2)‖ and ‖∇L‖ after each checkpoint's steps."""
    w, norms, grads = np.zeros(3), [], []
    for step in range(1, max(checkpoints) + 1):
        w = w - lr * gradient(w)
        if step in checkpoints:
            norms.append(np.linalg.norm(w[:2]))
            grads.append(np.linalg.norm(gradient(w)))
    return norms, grads


def classifier_gradients(Xb, y):
    """The two losses' gradients as functions of w alone (log loss takes 0/1 labels)."""
    return {
        "logistic": lambda w: logistic_gradient(Xb, (y + 1) / 2, w),
        "hinge": lambda w: hinge_gradient(Xb, y, w),
    }
'''

GROWTH = """
ready = {"logistic": implemented(logistic_gradient), "hinge": implemented(hinge_gradient)}
norms, gradient_norms = {}, {}
for dataset, (Xb, y) in SETS.items():
    for loss, gradient in classifier_gradients(Xb, y).items():
        if ready[loss]:
            norms.setdefault(loss, {})[dataset], gradient_norms.setdefault(loss, {})[dataset] = gd(gradient)
compare("capstone-classification", "weight-growth", data=DATA, lr=LR, checkpoints=CHECKPOINTS, norms=norms)
"""

GROWTH_PLOT = """
if norms:
    plt.figure(figsize=(6.5, 4))
    for loss, runs in norms.items():
        for dataset, values in runs.items():
            plt.semilogx(CHECKPOINTS, values, "o-" if dataset == "separable" else "s--", label=f"{loss}, {dataset}")
    plt.xlabel("gradient-descent steps"); plt.ylabel("‖w‖"); plt.legend(); plt.show()
"""

FIT = '''
def fit(gradient, dim=3, steps=500, lr=0.1):
    """Adam from zero with a cosine-annealed rate (the classification-losses demo's optimizer)."""
    w, m, v = np.zeros(dim), np.zeros(dim), np.zeros(dim)
    for t in range(steps):
        g = gradient(w)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        rate = lr * 0.5 * (1 + np.cos(np.pi * t / steps))
        w = w - rate * (m / (1 - 0.9 ** (t + 1))) / (np.sqrt(v / (1 - 0.999 ** (t + 1))) + 1e-8)
    return w


ready = {loss: implemented(f) for loss, f in
         (("logistic", logistic_gradient), ("hinge", hinge_gradient), ("squared", mse_gradient))}
weights = {}
for dataset, (Xb, y) in SETS.items():
    gradients = {
        "logistic": lambda w: logistic_gradient(Xb, (y + 1) / 2, w),
        "hinge": lambda w: hinge_gradient(Xb, y, w, lam=1e-3),
        "squared": lambda w: mse_gradient(Xb, y, w),
    }
    for loss, gradient in gradients.items():
        if ready[loss]:
            weights.setdefault(loss, {})[dataset] = fit(gradient)
compare("capstone-classification", "boundaries", data=DATA, weights=weights)
'''

BOUNDARY_PLOT = """
if weights:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, (dataset, (Xb, y)) in zip(axes, SETS.items()):
        ax.scatter(Xb[:, 0], Xb[:, 1], c=y, cmap="coolwarm", s=10)
        xs = np.array([Xb[:, 0].min(), Xb[:, 0].max()])
        for loss, runs in weights.items():
            w1, w2, b = runs[dataset]
            ax.plot(xs, -(w1 * xs + b) / w2, label=loss)
        ax.set_ylim(Xb[:, 1].min() - 1, Xb[:, 1].max() + 1); ax.set_title(f"{dataset} data"); ax.legend()
    plt.show()
"""

QUESTIONS = [
    "On separable data, why does plain gradient descent never stop growing the logistic weights,"
    " and what does the boundary's direction do meanwhile?",
    "Why does the squared error's boundary move toward the far, correctly classified points while"
    " the hinge's does not? Point at the loss-versus-margin curves.",
    "You need calibrated probabilities for a downstream decision. Which of the three would you"
    " train, and how would you stop its weights from growing on separable data?",
]


def cells(*, solutions: bool) -> list[NotebookNode]:
    return [
        md(
            "## The data\n\nThe `classification-losses` demo's generator: two classes that a line"
            " separates, and two that overlap. In both, a fifth of class +1 sits far out on its"
            " correct side, which squared error will mind and the others will not."
        ),
        code(DATA),
        md(
            "## 1. The gradients\n\nFor a linear score `X @ beta` with a bias column. Log loss uses"
            " labels 0/1 (as the `code-logistic-gradient` exercise), the hinge ±1, squared error the"
            " ±1 labels as regression targets."
        ),
        code(SOLUTION if solutions else STARTER),
        code('check("code-logistic-gradient", logistic_gradient)'),
        code('check("code-mse-gradient", mse_gradient)'),
        md(
            "## 2. Plain gradient descent: where do the weights go?\n\nNo regularisation, a fixed"
            " rate, from zero. The check compares ‖w‖ at each checkpoint with the reference run, and"
            " checks the two behaviours: logistic weights on separable data still growing at step"
            " 10,000, the hinge's stopped."
        ),
        code(GD),
        code(GROWTH),
        code(GROWTH_PLOT),
        md(
            "## 3. Where does each loss put the boundary?\n\nAdam with a cosine-annealed rate, 500"
            " steps, a little L2 on the hinge (a linear SVM). The check compares each boundary with"
            " the reference and reports its smallest margin and its accuracy on fresh data."
        ),
        code(FIT),
        code(BOUNDARY_PLOT),
    ]


ASKED = ("choosing-a-loss-classification-capstone", "binary-cross-entropy-separable")
