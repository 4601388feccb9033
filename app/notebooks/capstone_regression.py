"""Capstone 1: MSE, MAE and Huber on noisy data with outliers."""

from __future__ import annotations

from nbformat import NotebookNode

from app.notebooks.cells import code, md

DATA = '''
DATA = dict(seed=0, n=100, noise=0.5, outlier_fraction=0.1)  # the server regenerates these data


def make_data(seed=0, n=100, noise=0.5, outlier_fraction=0.1):
    """y = 2x + 1 + noise for x in [0, 10]; a share of the targets at x > 5 shifted by about
    −15 (outliers where they have the most leverage). Returns x, y and the outlier mask."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    y = 2.0 * x + 1.0 + noise * rng.normal(size=n)
    upper = np.flatnonzero(x > 5)
    k = min(len(upper), round(outlier_fraction * n))
    outlier = np.zeros(n, dtype=bool)
    outlier[rng.choice(upper, size=k, replace=False)] = True
    y = y + outlier * -15.0 * (1 + 0.3 * rng.random(n))
    return x, y, outlier


x, y, outlier = make_data(**DATA)
X = np.column_stack([x, np.ones_like(x)])  # design matrix: slope, then intercept
plt.figure(figsize=(6.5, 3.5))
plt.scatter(x[~outlier], y[~outlier], s=12, c="grey", label="data")
plt.scatter(x[outlier], y[outlier], s=30, c="black", marker="x", label="outliers")
plt.plot([0, 10], [1, 21], "k:", label="true line y = 2x + 1")
plt.xlabel("x"); plt.ylabel("y"); plt.legend(); plt.show()
'''

LOSSES_STARTER = """
def mse(y_true, y_pred):
    ...


def mae(y_true, y_pred):
    ...


def huber(y_true, y_pred, delta=1.0):
    ...
"""

LOSSES_SOLUTION = """
def mse(y_true, y_pred):
    return float(np.mean((y_true - y_pred) ** 2))


def mae(y_true, y_pred):
    return float(np.mean(np.abs(y_true - y_pred)))


def huber(y_true, y_pred, delta=1.0):
    r = np.abs(y_true - y_pred)
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))
"""

GRADIENTS_STARTER = """
def mse_gradient(X, y, beta):
    ...


def mae_gradient(X, y, beta):
    ...


def huber_gradient(X, y, beta, delta=1.0):
    ...
"""

GRADIENTS_SOLUTION = """
def mse_gradient(X, y, beta):
    return -2.0 / len(y) * X.T @ (y - X @ beta)


def mae_gradient(X, y, beta):
    return -X.T @ np.sign(y - X @ beta) / len(y)


def huber_gradient(X, y, beta, delta=1.0):
    return -X.T @ np.clip(y - X @ beta, -delta, delta) / len(y)
"""

FIT = '''
def fit(gradient, dim=2, steps=2000, lr=0.3):
    """Adam from zero with a cosine-annealed rate: the rate falling to 0 lets even MAE's
    subgradient settle. `gradient(w)` returns the gradient at w."""
    w, m, v = np.zeros(dim), np.zeros(dim), np.zeros(dim)
    for t in range(steps):
        g = gradient(w)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        rate = lr * 0.5 * (1 + np.cos(np.pi * t / steps))
        w = w - rate * (m / (1 - 0.9 ** (t + 1))) / (np.sqrt(v / (1 - 0.999 ** (t + 1))) + 1e-8)
    return w
'''

FITS = """
DELTA = 1.0
fits = {}
for name, gradient in {"MSE": mse_gradient, "MAE": mae_gradient, "Huber": huber_gradient}.items():
    if implemented(gradient):
        options = {"delta": DELTA} if name == "Huber" else {}
        slope, intercept = fit(lambda w: gradient(X, y, w, **options))
        fits[name] = {"slope": slope, "intercept": intercept}
compare("capstone-regression", "fits", data=DATA, delta=DELTA, fits=fits)
"""

FITS_PLOT = """
if fits:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    left.scatter(x, y, s=10, c=np.where(outlier, "black", "lightgrey"))
    xs = np.array([0.0, 10.0])
    left.plot(xs, 2 * xs + 1, "k:", label="true line")
    for name, f in fits.items():
        left.plot(xs, f["slope"] * xs + f["intercept"], label=f"{name}: slope {f['slope']:.2f}")
        right.hist(y - (f["slope"] * x + f["intercept"]), bins=40, range=(-25, 5), histtype="step", label=name)
    left.legend(); left.set_title("fitted lines"); right.set_title("residuals y − ŷ"); right.legend()
    plt.show()
else:
    print("No fits yet: write the gradients above, then run the fitting cell.")
"""

SWEEP = """
deltas = np.geomspace(0.05, 50, 12)
if implemented(huber_gradient):
    slopes = [fit(lambda w, d=d: huber_gradient(X, y, w, d))[0] for d in deltas]
else:
    slopes = [None] * len(deltas)
compare("capstone-regression", "delta-sweep", data=DATA, deltas=deltas, slopes=slopes)
"""

SWEEP_PLOT = """
if slopes[0] is not None:
    plt.figure(figsize=(6.5, 3.5))
    plt.semilogx(deltas, slopes, "o-", label="Huber slope")
    for name in ("MSE", "MAE"):
        if name in fits:
            plt.axhline(fits[name]["slope"], ls="--", c="grey")
            plt.text(deltas[0], fits[name]["slope"], f" {name}", va="bottom")
    plt.axhline(2.0, c="black", ls=":", label="true slope")
    plt.xlabel("δ"); plt.ylabel("fitted slope"); plt.legend(); plt.show()
"""

QUESTIONS = [
    "Which fit tilts toward the outliers, and why does squared error let ten points outweigh ninety?",
    "Huber's δ is measured in the units of y. What would happen to your Huber fit if y were in"
    " centimetres instead of metres, with δ unchanged?",
    "The outliers here are errors. When would large residuals be signal you must not"
    " down-weight, and which loss would you pick then?",
]


def cells(*, solutions: bool) -> list[NotebookNode]:
    return [
        md(
            "## The data\n\nThe same generator and seed as the `regression-losses` demo: the server"
            " regenerates these data from `DATA` and compares your numbers with the reference fits on"
            " them. Ten targets at large x are shifted far below the line."
        ),
        code(DATA),
        md(
            "## 1. The losses\n\nMean squared error, mean absolute error and Huber with threshold δ"
            " (½r² inside |r| ≤ δ, δ(|r| − ½δ) outside), each returning a float."
        ),
        code(LOSSES_SOLUTION if solutions else LOSSES_STARTER),
        code('check("code-mse", mse)'),
        code('check("code-mae", mae)'),
        code('check("code-huber", huber)'),
        md(
            "## 2. Their gradients\n\nWith respect to `beta = (slope, intercept)`, for the mean loss"
            " of the predictions `X @ beta`. MSE's is checked on its own; MAE's and Huber's are"
            " checked through the fits they produce."
        ),
        code(GRADIENTS_SOLUTION if solutions else GRADIENTS_STARTER),
        code('check("code-mse-gradient", mse_gradient)'),
        md(
            "## 3. Fit a line under each loss\n\nThe optimizer is given (Adam with a cosine-annealed"
            " rate). The check compares each fitted line with the exact minimiser of its loss on the"
            " same data, and says which fit the outliers moved."
        ),
        code(FIT),
        code(FITS),
        code(FITS_PLOT),
        md(
            "## 4. Sweep δ\n\nFit Huber for twelve thresholds from 0.05 to 50. Small δ should behave like"
            " MAE, large δ like MSE."
        ),
        code(SWEEP),
        code(SWEEP_PLOT),
    ]


ASKED = ("choosing-a-loss-regression-capstone", "huber-choose-delta")
