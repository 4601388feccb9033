"""A plotting cell for each NumPy exercise, drawn with the learner's own function.

Each recipe is a sentence that says what the figure shows and the code that draws it; the code
runs only once the function has a body (``implemented``), so a notebook of starters runs from
top to bottom without an error. The data come from the notebook's seeded generators.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    caption: str
    code: str


LOSS_OF_CONSTANT = """
X, y = make_regression()
c = np.linspace(y.min(), y.max(), 301)
loss = [{f}(y, np.full_like(y, v)) for v in c]
plt.figure(figsize=(6.5, 3.5))
plt.plot(c, loss, label="{f}(y, c)")
plt.axvline(np.mean(y), ls="--", c="grey", label="mean of y")
plt.axvline(np.median(y), ls=":", c="black", label="median of y")
plt.xlabel("constant prediction c"); plt.ylabel("loss"); plt.legend(); plt.title("{f} of a constant prediction")
plt.show()
print(f"best constant {{c[int(np.argmin(loss))]:.3f}}; mean {{np.mean(y):.3f}}, median {{np.median(y):.3f}}")
"""

CONSTANT_CAPTION = (
    "Which constant prediction does `{f}` prefer on the seeded data with outliers? The mean"
    " minimises squared error, the median absolute error; a robust loss lands near the median."
)

OPTIMIZER = """
X, y = make_regression(outliers=0.0)
X = X / np.array([5.0, 1.0])  # a milder condition number, so every optimizer gets somewhere
grad = lambda w: 2 / len(y) * X.T @ (X @ w - y)
loss = lambda w: np.mean((X @ w - y) ** 2)
w = np.array([-2.0, 8.0]){init}
path = [w]
for t in range(1, 201):
    {step}
    path.append(w)
path = np.array(path)
a, b = np.meshgrid(np.linspace(-4, 14, 121), np.linspace(-4, 10, 121))
surface = np.mean((a[..., None] * X[:, 0] + b[..., None] * X[:, 1] - y) ** 2, axis=-1)
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.contour(a, b, np.log(surface), 30, cmap="viridis")
left.plot(path[:, 0], path[:, 1], ".-", c="red", ms=3)
left.set_xlabel("w₀ (slope, scaled x)"); left.set_ylabel("w₁ (intercept)"); left.set_title("{f} on the MSE surface")
right.semilogy([loss(p) for p in path]); right.set_xlabel("step"); right.set_ylabel("MSE")
plt.show()
print(f"after 200 steps: w = {{np.round(path[-1], 3)}}; least squares: {{np.round(np.linalg.lstsq(X, y, rcond=None)[0], 3)}}")
"""

OPTIMIZER_CAPTION = (
    "Your `{f}` minimising the MSE of a line on the seeded data (no outliers), 200 steps from"
    " the same start: the path over the loss surface's contours and the loss per step."
)

STEPS = {
    "sgd_step": ("", "w = sgd_step(w, grad(w), 0.05)"),
    "momentum_step": ("; v = np.zeros(2)", "w, v = momentum_step(w, grad(w), v, 0.02)"),
    "nesterov_step": ("; v = np.zeros(2)", "w, v = nesterov_step(w, grad, v, 0.02)"),
    "adagrad_step": ("; acc = np.zeros(2)", "w, acc = adagrad_step(w, grad(w), acc, 2.0)"),
    "rmsprop_step": ("; sq = np.zeros(2)", "w, sq = rmsprop_step(w, grad(w), sq, 0.1)"),
    "adam_step": ("; m = v = np.zeros(2)", "w, m, v = adam_step(w, grad(w), m, v, t, lr=0.3)"),
    "adamw_step": (
        "; m = v = np.zeros(2)",
        "w, m, v = adamw_step(w, grad(w), m, v, t, lr=0.3, weight_decay=0.05)",
    ),
}

SCHEDULES = {
    "step_decay": "step_decay(s, 0.1, drop=0.5, every=20)",
    "exponential_decay": "exponential_decay(s, 0.1, 0.97)",
    "cosine_annealing": "cosine_annealing(s, 100, 0.1, min_lr=0.001)",
    "warmup_cosine": "warmup_cosine(s, 10, 100, 0.1)",
    "triangular_clr": "triangular_clr(s, 0.001, 0.1, 10)",
}

SCHEDULE = """
steps = np.arange(100)
rates = [{call} for s in steps]
X, y = make_regression(outliers=0.0)
X = X / np.array([5.0, 1.0])
w, losses = np.zeros(2), []
for rate in rates:  # gradient descent on the MSE of a line, at each step's rate
    w = w - rate * 2 / len(y) * X.T @ (X @ w - y)
    losses.append(np.mean((X @ w - y) ** 2))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.plot(steps, rates); left.set_xlabel("step"); left.set_ylabel("learning rate"); left.set_title("{f}")
right.semilogy(steps, losses); right.set_xlabel("step"); right.set_ylabel("MSE"); right.set_title("gradient descent at these rates")
plt.show()
"""

RECIPES: dict[str, Recipe] = {
    **{
        f: Recipe(CONSTANT_CAPTION.format(f=f), LOSS_OF_CONSTANT.format(f=f))
        for f in ("mse", "mae", "rmse", "huber")
    },
    **{
        f: Recipe(OPTIMIZER_CAPTION.format(f=f), OPTIMIZER.format(f=f, init=i, step=s))
        for f, (i, s) in STEPS.items()
    },
    **{
        f: Recipe(
            f"The rate `{f}` gives over 100 steps, and plain gradient descent run at those rates.",
            SCHEDULE.format(f=f, call=call),
        )
        for f, call in SCHEDULES.items()
    },
    "mse_gradient": Recipe(
        "Gradient descent with your `mse_gradient` on the seeded data: the loss per step, and the"
        " fitted coefficients beside the least-squares solution.",
        """
        X, y = make_regression()
        beta, losses = np.zeros(2), []
        for _ in range(3000):
            beta = beta - 0.02 * mse_gradient(X, y, beta)
            losses.append(np.mean((y - X @ beta) ** 2))
        plt.figure(figsize=(6.5, 3.5)); plt.semilogy(losses); plt.xlabel("step"); plt.ylabel("MSE")
        plt.title("gradient descent with your mse_gradient"); plt.show()
        print("yours:", np.round(beta, 4), " least squares:", np.round(np.linalg.lstsq(X, y, rcond=None)[0], 4))
        """,
    ),
    "ridge_gradient": Recipe(
        "The ridge path: gradient descent with your `ridge_gradient` for several λ, beside the"
        " closed form (XᵀX/n + λI)⁻¹Xᵀy/n. Larger λ shrinks the coefficients toward zero.",
        """
        X, y = make_regression(outliers=0.0)
        lams = np.logspace(-3, 2, 12)
        curvature = np.linalg.eigvalsh(2 * X.T @ X / len(y))[-1]
        fitted, exact = [], []
        for lam in lams:
            beta, rate = np.zeros(2), 1 / (curvature + 2 * lam)  # 1/L: stable for every λ
            for _ in range(4000):
                beta = beta - rate * ridge_gradient(X, y, beta, lam)
            fitted.append(beta)
            exact.append(np.linalg.solve(X.T @ X / len(y) + lam * np.eye(2), X.T @ y / len(y)))
        fitted, exact = np.array(fitted), np.array(exact)
        plt.figure(figsize=(6.5, 3.5))
        for k, name in enumerate(["slope", "intercept"]):
            plt.semilogx(lams, fitted[:, k], "o", label=f"{name} (yours)")
            plt.semilogx(lams, exact[:, k], "-", c="grey")
        plt.xlabel("λ"); plt.ylabel("coefficient"); plt.legend(); plt.title("ridge coefficients against λ"); plt.show()
        """,
    ),
    "logistic_gradient": Recipe(
        "Logistic regression trained with your `logistic_gradient` on the seeded classes: the"
        " log loss per step and the decision boundary.",
        """
        X, y = make_classification()
        beta, losses = np.zeros(3), []
        for _ in range(500):
            beta = beta - 0.5 * logistic_gradient(X, y, beta)
            z = X @ beta
            losses.append(np.mean(np.logaddexp(0, z) - y * z))
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        left.plot(losses); left.set_xlabel("step"); left.set_ylabel("log loss")
        right.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=12)
        xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)
        right.plot(xs, -(beta[0] * xs + beta[2]) / beta[1], c="black"); right.set_title("decision boundary")
        right.set_ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5); plt.show()
        """,
    ),
    "linear_regression_gd": Recipe(
        "Your `linear_regression_gd` on the seeded data (no outliers), beside least squares.",
        """
        X, y = make_regression(outliers=0.0)
        beta = linear_regression_gd(X, y, 0.02, 3000)
        plt.figure(figsize=(6.5, 3.5)); plt.scatter(X[:, 0], y, s=10, c="grey")
        xs = np.linspace(0, 10, 2)
        plt.plot(xs, beta[0] * xs + beta[1], label="linear_regression_gd")
        ls = np.linalg.lstsq(X, y, rcond=None)[0]
        plt.plot(xs, ls[0] * xs + ls[1], "--", label="least squares"); plt.legend(); plt.show()
        print("yours:", np.round(beta, 4), " least squares:", np.round(ls, 4))
        """,
    ),
    "logistic_regression_gd": Recipe(
        "Your `logistic_regression_gd` on the seeded classes, and the boundary it finds.",
        """
        X, y = make_classification(overlap=True)
        beta = logistic_regression_gd(X, y, 0.5, 500)
        plt.figure(figsize=(5.5, 4)); plt.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=12)
        xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)
        plt.plot(xs, -(beta[0] * xs + beta[2]) / beta[1], c="black")
        plt.ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5); plt.title("logistic regression boundary"); plt.show()
        print("accuracy:", np.mean((X @ beta > 0) == (y == 1)))
        """,
    ),
    "numerical_gradient": Recipe(
        "The error of your `numerical_gradient` of the MSE against the exact gradient, as the"
        " step h shrinks: truncation error falls like h², rounding error grows like 1/h.",
        """
        X, y = make_regression()
        beta = np.array([1.0, 0.5])
        exact = 2 / len(y) * X.T @ (X @ beta - y)
        hs = np.logspace(-12, -1, 23)
        errors = [np.max(np.abs(numerical_gradient(lambda b: np.mean((X @ b - y) ** 2), beta, h) - exact)) for h in hs]
        plt.figure(figsize=(6.5, 3.5)); plt.loglog(hs, errors, "o-"); plt.xlabel("h"); plt.ylabel("max error")
        plt.title("central differences: error against step size"); plt.show()
        """,
    ),
    "binary_cross_entropy": Recipe(
        "`binary_cross_entropy` of one prediction p, for each label: the loss explodes as a"
        " confident prediction turns out wrong.",
        """
        p = np.linspace(0.001, 0.999, 400)
        plt.figure(figsize=(6.5, 3.5))
        for label in (1.0, 0.0):
            plt.plot(p, [binary_cross_entropy(np.array([label]), np.array([q])) for q in p], label=f"y = {label:g}")
        plt.xlabel("predicted probability p"); plt.ylabel("loss"); plt.legend(); plt.show()
        """,
    ),
    "bce_with_logits": Recipe(
        "`bce_with_logits` for label 1 over a wide range of logits; a stable version stays"
        " finite (and linear) far out.",
        """
        z = np.linspace(-30, 30, 601)
        loss = [bce_with_logits(np.array([1.0]), np.array([v])) for v in z]
        plt.figure(figsize=(6.5, 3.5)); plt.plot(z, loss); plt.xlabel("logit z"); plt.ylabel("loss (y = 1)"); plt.show()
        print("at z = -1000:", bce_with_logits(np.array([1.0]), np.array([-1000.0])), "(should be 1000)")
        """,
    ),
    "focal_loss": Recipe(
        "`focal_loss` for label 1 against p for several γ: larger γ silences easy, confident examples.",
        """
        p = np.linspace(0.01, 0.99, 200)
        plt.figure(figsize=(6.5, 3.5))
        for gamma in (0.0, 1.0, 2.0, 5.0):
            plt.plot(p, [focal_loss(np.array([1.0]), np.array([q]), gamma=gamma, alpha=1.0) for q in p], label=f"γ = {gamma:g}")
        plt.xlabel("p (true class)"); plt.ylabel("loss"); plt.legend(); plt.show()
        """,
    ),
    "hinge": Recipe(
        "`hinge` for label +1 against the score, beside the logistic loss: exactly zero once the margin reaches 1.",
        """
        s = np.linspace(-3, 3, 301)
        plt.figure(figsize=(6.5, 3.5))
        plt.plot(s, [hinge(np.array([1.0]), np.array([v])) for v in s], label="hinge (yours)")
        plt.plot(s, np.logaddexp(0, -s), "--", label="logistic")
        plt.xlabel("score f(x) for y = +1"); plt.ylabel("loss"); plt.legend(); plt.show()
        """,
    ),
    "multiclass_hinge": Recipe(
        "`multiclass_hinge` as the true class's score moves past a rival's: zero once it leads by the margin.",
        """
        gap = np.linspace(-3, 3, 301)
        loss = [multiclass_hinge(np.array([0]), np.array([[g, 0.0, -5.0]])) for g in gap]
        plt.figure(figsize=(6.5, 3.5)); plt.plot(gap, loss); plt.xlabel("true score − best rival score"); plt.ylabel("loss"); plt.show()
        """,
    ),
    "softmax": Recipe(
        "`softmax` of the logits (2, 1, 0) divided by a temperature: low temperatures approach"
        " a one-hot argmax, high ones the uniform distribution.",
        """
        temperatures = np.logspace(-1.5, 1.5, 60)
        probs = np.array([softmax(np.array([2.0, 1.0, 0.0]) / T) for T in temperatures])
        plt.figure(figsize=(6.5, 3.5))
        for k in range(3):
            plt.semilogx(temperatures, probs[:, k], label=f"class {k}")
        plt.xlabel("temperature"); plt.ylabel("probability"); plt.legend(); plt.show()
        """,
    ),
    "categorical_cross_entropy": Recipe(
        "`categorical_cross_entropy` as the true class's logit rises (three classes, the others at 0).",
        """
        z = np.linspace(-6, 6, 241)
        loss = [categorical_cross_entropy(np.array([[1.0, 0.0, 0.0]]), np.array([[v, 0.0, 0.0]])) for v in z]
        plt.figure(figsize=(6.5, 3.5)); plt.plot(z, loss); plt.xlabel("logit of the true class"); plt.ylabel("loss"); plt.show()
        """,
    ),
    "softmax_ce_gradient": Recipe(
        "Softmax regression on three seeded clusters, trained with your `softmax_ce_gradient`"
        " (chained through the logits): the loss per step.",
        """
        rng = np.random.default_rng(SEED)
        labels = rng.integers(0, 3, 300)
        centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
        X = np.column_stack([centres[labels] + rng.normal(size=(300, 2)), np.ones(300)])
        Y = np.eye(3)[labels]
        W, losses = np.zeros((3, 3)), []
        for _ in range(300):
            logits = X @ W
            W = W - 0.5 * X.T @ softmax_ce_gradient(Y, logits)
            shifted = logits - logits.max(axis=1, keepdims=True)
            losses.append(np.mean(np.log(np.exp(shifted).sum(axis=1)) - (Y * shifted).sum(axis=1)))
        plt.figure(figsize=(6.5, 3.5)); plt.plot(losses); plt.xlabel("step"); plt.ylabel("cross-entropy"); plt.show()
        print("training accuracy:", np.mean(np.argmax(X @ W, axis=1) == labels))
        """,
    ),
    "label_smoothing": Recipe(
        "Targets from your `label_smoothing` for several ε (four classes, true class 1).",
        """
        target = np.array([0.0, 1.0, 0.0, 0.0])
        plt.figure(figsize=(6.5, 3.5))
        for k, eps in enumerate((0.0, 0.1, 0.3)):
            plt.bar(np.arange(4) + 0.25 * k, label_smoothing(target, eps), width=0.25, label=f"ε = {eps:g}")
        plt.xticks(np.arange(4) + 0.25, ["class 0", "class 1", "class 2", "class 3"]); plt.legend(); plt.show()
        """,
    ),
    "mixup": Recipe(
        "Mixup of random pairs from the seeded classes with λ drawn from Beta(0.4, 0.4): mixed"
        " inputs lie on segments between pairs, coloured by their soft label.",
        """
        X, y = make_classification(overlap=True)
        rng = np.random.default_rng(SEED)
        mixed, soft = [], []
        for i, j in rng.integers(0, len(y), (200, 2)):
            x, t = mixup(X[i, :2], np.array([1 - y[i], y[i]]), X[j, :2], np.array([1 - y[j], y[j]]), rng.beta(0.4, 0.4))
            mixed.append(x); soft.append(t[1])
        mixed = np.array(mixed)
        plt.figure(figsize=(5.5, 4)); plt.scatter(mixed[:, 0], mixed[:, 1], c=soft, cmap="coolwarm", s=12)
        plt.colorbar(label="soft label of class 1"); plt.show()
        """,
    ),
    "dropout": Recipe(
        "Your `dropout` on a vector of ones (p = 0.3): in training the kept units are scaled by"
        " 1/(1 − p) so the mean stays 1; at evaluation it is the identity.",
        """
        x = np.ones(100_000)
        out = dropout(x, 0.3, training=True, rng=np.random.default_rng(SEED))
        plt.figure(figsize=(6.5, 3.5)); plt.hist(out, bins=30); plt.xlabel("output value"); plt.ylabel("count"); plt.show()
        print(f"kept {np.mean(out != 0):.3f} (expected 0.7), mean {out.mean():.3f} (expected 1);",
              "evaluation is the identity:", np.array_equal(dropout(x, 0.3, training=False), x))
        """,
    ),
    "clip_grad_norm": Recipe(
        "Heavy-tailed gradient samples before and after your `clip_grad_norm` (max norm 1): the"
        " direction is kept, only long gradients shrink.",
        """
        rng = np.random.default_rng(SEED)
        raw = rng.standard_t(2, size=(300, 2))
        clipped = np.array([np.concatenate(clip_grad_norm([g[:1], g[1:]], 1.0)[0]) for g in raw])
        plt.figure(figsize=(5, 5)); plt.scatter(raw[:, 0], raw[:, 1], s=8, c="grey", label="raw")
        plt.scatter(clipped[:, 0], clipped[:, 1], s=8, label="clipped"); plt.xlim(-4, 4); plt.ylim(-4, 4); plt.legend(); plt.show()
        """,
    ),
    "clip_grad_value": Recipe(
        "The same samples through your `clip_grad_value` (clip value 1): each coordinate is cut"
        " on its own, so long gradients also change direction.",
        """
        rng = np.random.default_rng(SEED)
        raw = rng.standard_t(2, size=(300, 2))
        clipped = np.array([clip_grad_value(g, 1.0) for g in raw])
        plt.figure(figsize=(5, 5)); plt.scatter(raw[:, 0], raw[:, 1], s=8, c="grey", label="raw")
        plt.scatter(clipped[:, 0], clipped[:, 1], s=8, label="clipped"); plt.xlim(-4, 4); plt.ylim(-4, 4); plt.legend(); plt.show()
        """,
    ),
    "early_stopping": Recipe(
        "A seeded validation curve that overfits, and where your `early_stopping` (patience 5) stops.",
        """
        rng = np.random.default_rng(SEED)
        epochs = np.arange(60)
        val = 1 / (1 + 0.2 * epochs) + 0.004 * epochs + 0.01 * rng.normal(size=60)
        stop, best = early_stopping(list(val), 5)
        plt.figure(figsize=(6.5, 3.5)); plt.plot(epochs, val, label="validation loss")
        plt.axvline(best, c="green", ls="--", label=f"best epoch {best}"); plt.axvline(stop, c="red", ls=":", label=f"stop at {stop}")
        plt.xlabel("epoch"); plt.legend(); plt.show()
        """,
    ),
    "sam_perturbation": Recipe(
        "Your `sam_perturbation` (ρ = 0.5) at points of the MSE surface of a line: SAM evaluates"
        " the gradient at the tip of each arrow, uphill by ρ.",
        """
        X, y = make_regression(outliers=0.0)
        X = X / np.array([5.0, 1.0])
        a, b = np.meshgrid(np.linspace(-4, 14, 121), np.linspace(-4, 10, 121))
        surface = np.mean((a[..., None] * X[:, 0] + b[..., None] * X[:, 1] - y) ** 2, axis=-1)
        plt.figure(figsize=(6, 4.5)); plt.contour(a, b, np.log(surface), 25, cmap="viridis")
        for w in np.random.default_rng(SEED).uniform([-2, -2], [12, 8], (12, 2)):
            e = sam_perturbation(2 / len(y) * X.T @ (X @ w - y), rho=0.5)
            plt.arrow(w[0], w[1], e[0], e[1], head_width=0.2, color="red")
        plt.xlabel("w₀"); plt.ylabel("w₁"); plt.title("SAM perturbations"); plt.show()
        """,
    ),
}
