"""The demo lab: the facts each demo must show, as assertions on its data."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from engine.demos import DEMOS, InvalidParams, UnknownDemo, render, run_demo, validate_params
from engine.demos.lr_range import CHECK_STEPS, N, make_data, step

DEMO_IDS = sorted(DEMOS)
ISSUE_IDS = {
    "optimizer-paths", "momentum", "batch-size", "lr-schedules", "lr-range-test",
    "regression-losses", "classification-losses", "loss-curves", "loss-landscape",
    "regularization", "gradient-clipping", "loss-shapes", "loss-surface",
}  # fmt: skip


def test_every_demo_of_the_issues_is_registered() -> None:
    assert set(DEMOS) == ISSUE_IDS


@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_defaults_run_deterministically_with_a_valid_figure(demo_id: str) -> None:
    first, second = render(demo_id), render(demo_id)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["data"] and first["summary"]
    go.Figure(run_demo(demo_id).figure.to_dict())  # Plotly's validators accept every trace
    assert "template" not in first["figure"]["layout"]
    json.dumps(first, allow_nan=False)  # plain JSON: diverging runs give null, not NaN


@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_params_have_defaults_and_bounds(demo_id: str) -> None:
    schema = DEMOS[demo_id].params_schema()
    assert schema["properties"]
    assert all("default" in prop for prop in schema["properties"].values())


@pytest.mark.parametrize(
    ("demo_id", "params", "message"),
    [
        ("optimizer-paths", {"steps": 10001}, "steps must be ≤ 10000"),
        (
            "optimizer-paths",
            {"optimizers": [{"name": "gd", "lr": 0}]},
            "optimizers[0].lr must be > 0",
        ),
        ("momentum", {"kappa": 0.5}, "kappa must be ≥ 1"),
        ("loss-curves", {"scenario": "melting"}, "scenario: Input should be"),
        ("loss-shapes", {"colour": "red"}, "unknown parameter colour"),
    ],
)
def test_out_of_bounds_params_name_the_bound(demo_id: str, params: dict, message: str) -> None:
    with pytest.raises(InvalidParams) as info:
        validate_params(demo_id, params)
    assert message in str(info.value)


def test_unknown_demo() -> None:
    with pytest.raises(UnknownDemo, match="known demos: batch-size"):
        run_demo("nope")


# -- optimizers ---------------------------------------------------------------------------------


def _gd_on_quadratic(kappa: float, lr: float) -> dict:
    params = {"objective": "quadratic", "condition": kappa, "steps": 200,
              "optimizers": [{"name": "gd", "lr": lr}]}  # fmt: skip
    return run_demo("optimizer-paths", params).summary


@pytest.mark.parametrize("kappa", [4.0, 10.0, 50.0])
def test_gd_on_a_quadratic_diverges_above_2_over_L_and_converges_below(kappa: float) -> None:
    stable = _gd_on_quadratic(kappa, 0.95 * 2 / kappa)
    unstable = _gd_on_quadratic(kappa, 1.05 * 2 / kappa)
    assert stable["gd_stable_below"] == pytest.approx(2 / kappa)
    assert stable["runs"][0]["final_loss"] < 1e-4
    start_loss = 0.5 * (4.0**2 + kappa * 1.5**2)
    run = unstable["runs"][0]
    assert run["diverged_at"] is not None or run["final_loss"] > start_loss


def test_momentum_beats_gd_on_an_ill_conditioned_quadratic_at_tuned_rates() -> None:
    s = run_demo("momentum", {"kappa": 100, "steps": 3000}).summary
    steps = s["steps_to_tolerance"]
    assert steps["momentum"] is not None and steps["gd"] is not None
    assert steps["momentum"] * 3 < steps["gd"]
    assert s["rate"] == pytest.approx(s["optimal_rate"], rel=1e-6)
    assert s["rate"] < s["gd_rate"]


def test_momentum_rate_theory_matches_the_measured_rate() -> None:
    d = run_demo("momentum", {"kappa": 20, "lr": 1.0, "steps": 300}).data
    ok = (d["rate_theory"] < 0.98) & (d["rate_theory"] > 0.5)
    np.testing.assert_allclose(d["rate_empirical"][ok], d["rate_theory"][ok], rtol=0.05)


def test_adam_reaches_the_rosenbrock_valley_at_its_default_rate() -> None:
    params = {
        "objective": "rosenbrock",
        "optimizers": [{"name": "adam", "lr": 1e-3}],
        "steps": 1500,
    }
    out = run_demo("optimizer-paths", params)
    path, steps = out.data["runs"][0]["path"], out.data["steps"]
    in_valley = np.abs(path[:, 1] - path[:, 0] ** 2) < 0.05
    assert in_valley.any() and steps[np.argmax(in_valley)] <= 1000


def test_tuned_optimizers_get_their_best_rate_and_adam_beats_gd_on_rosenbrock() -> None:
    runs = {r["optimizer"]: r for r in run_demo("optimizer-paths").summary["runs"]}
    assert all(r["tuned"] for r in runs.values())
    assert runs["adam"]["final_loss"] < runs["gd"]["final_loss"]


@pytest.mark.parametrize("objective", ["beale", "saddle", "himmelblau", "rastrigin"])
def test_every_objective_runs_all_seven_optimizers(objective: str) -> None:
    names = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
    params = {"objective": objective, "optimizers": [{"name": n} for n in names], "steps": 100,
              "schedule": "warmup-cosine", "warmup": 10, "clip": "norm", "weight_decay": 0.01}  # fmt: skip
    runs = run_demo("optimizer-paths", params).summary["runs"]
    assert [r["optimizer"] for r in runs] == names
    assert all(r["diverged_at"] is None for r in runs)


# -- losses ---------------------------------------------------------------------------------------


def test_huber_slope_error_is_below_mse_with_ten_percent_outliers() -> None:
    s = run_demo("regression-losses", {"outlier_fraction": 0.1}).summary
    fits = {f["loss"]: f for f in s["fits"]}
    assert fits["Huber"]["slope_error"] < 0.5 * fits["MSE"]["slope_error"]
    assert s["mse_fit_matches_least_squares"]


def test_hinge_has_a_larger_minimum_margin_than_squared_error_on_separable_data() -> None:
    fits = {f["loss"]: f for f in run_demo("classification-losses").summary["fits"]}
    assert fits["hinge"]["train_accuracy"] == 1.0
    assert fits["hinge"]["min_margin"] > fits["squared"]["min_margin"]


def test_loss_shapes_huber_is_half_mse_inside_delta_and_linear_outside() -> None:
    d = run_demo("loss-shapes", {"delta": 0.8}).data
    r, huber, mse = d["residual"], d["regression"]["huber"], d["regression"]["mse"]
    inside = np.abs(r) <= 0.8
    np.testing.assert_allclose(huber["loss"][inside], mse["loss"][inside] / 2)
    np.testing.assert_allclose(np.abs(huber["grad"][~inside]), 0.8)  # constant slope δ
    np.testing.assert_allclose(np.abs(d["regression"]["mae"]["grad"][r != 0]), 1.0)


def test_loss_shapes_hinge_is_zero_for_margins_of_at_least_one() -> None:
    d = run_demo("loss-shapes").data
    hinge = d["margin_losses"]["hinge"]
    assert np.all(hinge["loss"][d["margin"] >= 1] == 0) and np.all(
        hinge["loss"][d["margin"] < 1] > 0
    )


def test_log_loss_gradient_grows_like_minus_one_over_p_and_is_finite_when_clipped() -> None:
    out = run_demo("loss-shapes", {"eps": 1e-7})
    p, curves = out.data["p"], out.data["log_loss"]
    small = p < 1e-3
    np.testing.assert_allclose(curves["y=1, unclipped"]["grad"][small] * p[small], -1.0, rtol=1e-2)
    clipped = curves["y=1, clipped"]
    assert np.all(np.isfinite(clipped["grad"])) and np.all(np.isfinite(clipped["loss"]))
    assert clipped["loss"].max() <= -np.log(1e-7)
    assert out.summary["log_loss_gradient_at_p_0.001_y_1"] == pytest.approx(-1000)


@pytest.mark.parametrize("outliers", [False, True])
def test_loss_surface_minimum_matches_the_least_squares_fit(outliers: bool) -> None:
    s = run_demo("loss-surface", {"outliers": outliers, "steps": 300}).summary
    assert np.allclose(s["grid_minimum"], s["least_squares"], atol=s["grid_step"])
    assert np.allclose(s["gd_final"], s["least_squares"], atol=1e-3)
    assert s["mse_convex"]
    if outliers:
        assert not np.allclose(s["least_squares"], s["least_squares_without_outliers"], atol=0.1)


# -- training dynamics -------------------------------------------------------------------------------


def test_lr_range_test_suggests_a_rate_inside_the_stable_region() -> None:
    s = run_demo("lr-range-test").summary
    lr = s["suggested_lr"]
    assert s["suggested_is_stable"] and lr <= s["largest_stable_rate"]
    X, Y = make_data(0)  # an independent constant-rate run at the suggestion
    W, first = np.zeros((X.shape[1], Y.shape[1])), None
    for t in range(CHECK_STEPS):
        W, loss = step(W, X[t * 7 % N : t * 7 % N + 32], Y[t * 7 % N : t * 7 % N + 32], lr)
        first = loss if first is None else first
    assert np.isfinite(loss) and loss < 0.6 * first


def test_early_stopping_picks_the_validation_minimum() -> None:
    out = run_demo("loss-curves", {"scenario": "overfitting", "patience": 15})
    val, es = out.data["val_loss"], out.data["early_stopping"]
    assert es["best_epoch"] == int(np.argmin(val)) + 1
    assert es["stop_epoch"] == es["best_epoch"] + 15
    assert out.data["train_loss"][-1] < 0.1 < val[-1] - val.min()


@pytest.mark.parametrize(
    "scenario", ["lr-too-high", "bad-init", "exploding", "plateau", "no-warmup"]
)
def test_loss_curve_scenarios_show_their_signature(scenario: str) -> None:
    out = run_demo("loss-curves", {"scenario": scenario})
    s, d = out.summary, out.data
    if scenario == "lr-too-high":
        assert np.nanmax(d["train_loss"]) > 50 * s["initial_loss"]
    elif scenario == "bad-init":
        assert abs(s["final_train_loss"] - s["log_classes"]) < 0.01
        assert s["first_to_last_layer_grad_ratio"] < 1e-3
    elif scenario == "exploding":
        assert s["diverged_at_epoch"] is not None and s["max_grad_norm"] > 1e10
    elif scenario == "plateau":
        assert s["lr_drops"] and d["lr"][-1] < d["lr"][0]
    else:
        assert np.max(d["train_loss"][:5]) > 5 * s["initial_loss"]


def test_loss_curves_have_weight_histograms_and_per_layer_gradient_norms() -> None:
    d = run_demo("loss-curves", {"scenario": "healthy"}).data
    hist = d["weight_histograms"]
    assert len(hist["layers"]) == 3 == len(d["grad_norms"])
    for layer in hist["layers"]:
        assert layer["counts"].shape == (len(hist["epochs"]), len(layer["edges"]) - 1)
        assert layer["counts"].sum(axis=1).min() > 0


def test_gradient_clipping_keeps_the_steps_bounded() -> None:
    s = run_demo("gradient-clipping", {"lr": 0.05, "clip_norm": 1.0}).summary
    runs = {r["mode"]: r for r in s["runs"]}
    assert runs["none"]["diverged_at"] is not None
    assert runs["norm"]["diverged_at"] is None and runs["norm"]["max_step"] <= 0.05 + 1e-12
    assert runs["value"]["diverged_at"] is None and runs["value"]["final_loss"] < 1e-3


def test_batch_size_noise_shrinks_with_the_batch() -> None:
    runs = {r["batch_size"]: r for r in run_demo("batch-size").summary["runs"]}
    assert runs[256]["full_batch"] and runs[256]["final_loss_spread"] < 1e-12
    assert runs[1]["final_loss_spread"] > runs[32]["final_loss_spread"]


def test_schedules_follow_the_reference_curves() -> None:
    d = run_demo("lr-schedules", {"steps": 100, "lr": 0.1, "warmup": 10}).data
    curves = dict(zip(d["schedules"], d["lr"], strict=True))
    assert curves["constant"].tolist() == [0.1] * 100
    assert curves["warmup-cosine"][0] == 0 and curves["warmup-cosine"][10] == pytest.approx(0.1)
    assert curves["cosine"][-1] < 1e-3


def test_sam_avoids_the_sharp_minimum() -> None:
    s = run_demo("loss-landscape").summary
    assert s["sam"]["sharp_fraction"] < s["sgd"]["sharp_fraction"]
    assert s["sam"]["mean_sharpness"] < s["sgd"]["mean_sharpness"]
    assert s["sharp_minimum"]["sharpness"] > s["flat_minimum"]["sharpness"]


@pytest.mark.parametrize(
    "experiment", ["weight-decay", "adamw", "dropout", "label-smoothing", "mixup"]
)
def test_regularization_experiments(experiment: str) -> None:
    s = run_demo("regularization", {"experiment": experiment}).summary
    if experiment == "weight-decay":
        assert s["best_val_loss"] < s["val_loss_unregularized"]
    elif experiment == "dropout":
        assert s["dropout 0.5"]["final_gap"] < s["dropout 0"]["final_gap"]
    elif experiment == "label-smoothing":
        assert s["ε = 0.2"]["mean_confidence"] < s["ε = 0"]["mean_confidence"]
    elif experiment == "mixup":
        assert s["mixup"]["weight_norm"] < s["plain"]["weight_norm"]


@pytest.mark.slow
@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_maximum_params_run(demo_id: str) -> None:
    from tests.bench.demo_bench import MAXIMA

    for params in MAXIMA[demo_id]:
        json.dumps(render(demo_id, params), allow_nan=False)


# -- run with my code ---------------------------------------------------------------------------------

ADAM = """
import numpy as np
def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    {correction}
    return w - lr * m / (np.sqrt(v) + eps), m, v
"""
BIAS = "m, v = m / (1 - beta1 ** t), v / (1 - beta2 ** t); return w - lr * m / (np.sqrt(v) + eps), beta1 * 0 + m * (1 - beta1 ** t), v * (1 - beta2 ** t)"


def _custom(code: str, objective: str = "quadratic", exercise: str = "adam_step") -> dict:
    from engine.sandbox import default_sandbox

    if not default_sandbox().start().enabled:
        pytest.skip("code execution is disabled on this machine")
    optimizer = {"adam_step": "adam", "momentum_step": "momentum"}[exercise]
    params = {"objective": objective, "optimizers": [{"name": optimizer, "lr": 0.01}],
              "steps": 100, "custom": {"exercise": exercise, "code": code}}  # fmt: skip
    out = run_demo("optimizer-paths", params)
    return {
        "summary": out.summary["custom"],
        "data": out.data["custom"],
        "reference": out.data["runs"][0],
    }


def test_custom_adam_runs_in_the_sandbox_next_to_the_reference() -> None:
    out = _custom(ADAM.format(correction=BIAS))
    assert out["summary"]["matches_reference"] and out["summary"]["first_deviating_step"] is None
    np.testing.assert_allclose(out["data"]["path"], out["reference"]["path"], atol=1e-9)


def test_custom_adam_without_bias_correction_is_named_and_drawn() -> None:
    out = _custom(ADAM.format(correction="pass"))
    assert not out["summary"]["matches_reference"] and out["summary"]["first_deviating_step"] == 1
    assert any("bias correction" in f for f in out["summary"]["feedback"])
    assert out["data"]["path"].shape == out["reference"]["path"].shape


def test_custom_code_that_does_not_parse_reports_the_error() -> None:
    out = _custom("def adam_step(:\n    pass")
    assert out["data"]["path"] is None and "syntax error" in out["summary"]["feedback"][0]


@pytest.mark.parametrize("objective", ["rosenbrock", "beale", "saddle", "himmelblau", "rastrigin"])
def test_custom_code_runs_on_every_test_surface(objective: str) -> None:
    out = _custom(ADAM.format(correction=BIAS), objective)
    assert out["summary"]["matches_reference"], out["summary"]
    np.testing.assert_allclose(out["data"]["path"], out["reference"]["path"], atol=1e-9)
    assert np.isfinite(out["data"]["loss"]).all()


MOMENTUM_WRONG_SIGN = """
def momentum_step(w, grad, velocity, lr=0.01, beta=0.9):
    velocity = beta * velocity + grad
    return w + lr * velocity, velocity
"""


def test_custom_code_that_climbs_a_surface_parts_from_the_reference_at_step_one() -> None:
    out = _custom(MOMENTUM_WRONG_SIGN, "himmelblau", "momentum_step")
    assert not out["summary"]["matches_reference"]
    assert out["summary"]["first_deviating_step"] == 1


def test_custom_code_needs_a_known_exercise() -> None:
    with pytest.raises(InvalidParams):
        validate_params("optimizer-paths", {"custom": {"exercise": "lbfgs_step", "code": "x = 1"}})


@pytest.mark.parametrize("module", ["engine.demos.core", "engine.demos.serialize"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), extraglobs={"np": np})
    assert result.attempted > 0 and result.failed == 0


def test_gd_and_adam_rows_share_calls_without_changing_a_bit() -> None:
    from engine.demos.objectives import objective
    from engine.demos.runner import run_rows
    from engine.reference import optimizers as opt

    o = objective("rosenbrock")
    paths = run_rows(
        o.grad, [("gd", np.array([1e-3])), ("adam", np.array([0.01]))], np.array(o.start), 50
    )
    w_gd = w = np.array(o.start)
    m = v = np.zeros(2)
    for t in range(1, 51):
        w_gd = opt.sgd_step(w_gd, o.grad(w_gd), 1e-3)
        w, m, v = opt.adam_step(w, o.grad(w), m, v, t, 0.01)
    assert np.array_equal(paths[-1, 0], w_gd) and np.array_equal(paths[-1, 1], w)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_backpropagation_matches_finite_differences(activation: str) -> None:
    from engine.demos import mlp
    from engine.reference.gradients import numerical_gradient

    rng = np.random.default_rng(3)
    X, Y = mlp.spirals(20, 3, 0.1, rng)
    params = mlp.init([2, 5, 4, 3], rng)
    _, grads = mlp.backward(params, mlp.forward(params, X, activation), Y, activation)
    for i, (W, _) in enumerate(params):

        def loss(Wi: np.ndarray, i: int = i) -> float:
            changed = [(Wi, b) if j == i else (Wj, b) for j, (Wj, b) in enumerate(params)]
            return mlp.loss(changed, X, Y, activation)

        np.testing.assert_allclose(grads[i][0], numerical_gradient(loss, W), atol=1e-7)


def test_optimizer_paths_draw_the_first_optimizers_on_top_each_with_its_own_line() -> None:
    """GD and momentum often share a track with later optimizers: they are drawn last (on top),
    every path has its own dash and marker, and the legend keeps the optimizers' order."""
    traces = render("optimizer-paths")["figure"]["data"]
    paths = [t for t in traces if t.get("showlegend") and t["mode"] == "lines+markers"]
    labels = [r["label"] for r in run_demo("optimizer-paths").summary["runs"]]
    drawn = [t["name"].split(" (lr=")[0] for t in paths]
    assert drawn == labels[::-1] and drawn[-1] == "GD"  # drawn in reverse: the first on top
    ranked = sorted(paths, key=lambda t: t["legendrank"])
    assert [t["name"].split(" (lr=")[0] for t in ranked] == labels
    assert len({t["line"]["dash"] for t in paths}) == len(paths)
    assert len({t["marker"]["symbol"] for t in paths}) == len(paths)


@pytest.mark.parametrize("objective", ["beale", "rosenbrock"])
def test_custom_code_verdict_and_deviation_agree_at_the_page_defaults(objective: str) -> None:
    """The page's defaults (every optimizer, its own rate): a right Adam "matches" and no step
    deviates; a wrong one does not match and a step is named; the tolerance is said."""
    from engine.sandbox import default_sandbox

    if not default_sandbox().start().enabled:
        pytest.skip("code execution is disabled on this machine")
    for code, right in [
        (ADAM.format(correction=BIAS), True),
        (ADAM.format(correction="pass"), False),
    ]:
        params = {"objective": objective, "custom": {"exercise": "adam_step", "code": code}}
        summary = run_demo("optimizer-paths", params).summary["custom"]
        assert summary["matches_reference"] is right, summary
        assert (summary["first_deviating_step"] is None) is right, summary
        assert "reference" in summary["tolerance"]
