"""GET /notebooks, GET /notebooks/{id}.ipynb and the capstones' checks."""

from __future__ import annotations

from typing import Any

import nbformat
import numpy as np
import pytest
from fastapi.testclient import TestClient

from engine.capstones import classification, landscapes, regression

API = "/api/v1/notebooks"


def post(client: TestClient, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = client.post(f"{API}/{path}", json=body)
    assert response.status_code == status, response.text
    return response.json()


def test_the_list_names_every_notebook_with_its_download(client: TestClient) -> None:
    page = client.get(API).json()
    assert page["count"] == len(page["data"]) > 3
    first = page["data"][0]
    assert first["id"] == "capstone-regression" and first["kind"] == "capstone"
    assert first["checks"] == ["fits", "delta-sweep"] and "regression-losses" in first["demos"]
    assert first["download"] == f"{API}/capstone-regression.ipynb"
    mse = next(n for n in page["data"] if n["id"] == "mse")
    assert mse["kind"] == "topic" and "code-mse" in mse["questions"]


def test_a_notebook_downloads_as_an_ipynb_attachment(client: TestClient) -> None:
    response = client.get(f"{API}/huber.ipynb")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ipynb+json")
    assert response.headers["content-disposition"] == 'attachment; filename="huber.ipynb"'
    nb = nbformat.reads(response.text, 4)
    nbformat.validate(nb)
    assert nb.metadata["descent"]["notebook"] == "huber"
    assert "torch-huber-function" not in client.get(f"{API}/huber.ipynb?torch=false").text


@pytest.mark.parametrize("path", ["nope.ipynb", "loss-curves.ipynb", "mse.json"])
def test_unknown_notebooks_are_404_problems(client: TestClient, path: str) -> None:
    response = client.get(f"{API}/{path}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_reference_fits_pass_and_a_wrong_one_is_named(client: TestClient) -> None:
    refs = regression.reference_fits(regression.make_data())
    fits = {k: {"slope": v[0], "intercept": v[1]} for k, v in refs.items()}
    good = post(client, "capstone-regression/checks/fits", {"fits": fits})
    assert good["passed"] and good["score"] == 1 and len(good["items"]) == 3
    assert any("outliers" in c for c in good["comments"])
    wrong = post(
        client, "capstone-regression/checks/fits", {"fits": {**fits, "Huber": fits["MSE"]}}
    )
    huber = wrong["items"][2]
    assert not wrong["passed"] and not huber["passed"] and "clipped" in huber["message"]
    assert huber["yours"]["slope"] == pytest.approx(refs["MSE"][0])
    assert huber["reference"]["slope"] == pytest.approx(refs["Huber"][0])


def test_a_diverged_fit_is_null_and_reported(client: TestClient) -> None:
    body = {"fits": {"MSE": {"slope": None, "intercept": None}}}
    item = post(client, "capstone-regression/checks/fits", body)["items"][0]
    assert not item["passed"] and "diverge" in item["message"]


def test_the_classification_checks_know_the_two_behaviours(client: TestClient) -> None:
    data = {ds: classification.make_data(ds) for ds in classification.DATASETS}
    checkpoints = [10, 100, 1000, 2000]
    runs = {
        loss: {ds: classification.gd_run(loss, data[ds], 0.5, checkpoints) for ds in data}
        for loss in ("logistic", "hinge")
    }
    norms = {loss: {ds: r[0].tolist() for ds, r in v.items()} for loss, v in runs.items()}
    result = post(
        client,
        "capstone-classification/checks/weight-growth",
        {"checkpoints": checkpoints, "norms": norms},
    )
    assert result["passed"], result
    frozen = {**norms, "logistic": {**norms["logistic"], "separable": [1.0, 2.0, 3.0, 3.0]}}
    bad = post(
        client,
        "capstone-classification/checks/weight-growth",
        {"checkpoints": checkpoints, "norms": frozen},
    )
    names = {i["name"]: i["passed"] for i in bad["items"]}
    assert names["logistic weights on separable data keep growing"] is False
    grads = {loss: {ds: r[1].tolist() for ds, r in v.items()} for loss, v in runs.items()}
    assert post(
        client,
        "capstone-landscapes/checks/training-gradients",
        {"checkpoints": checkpoints, "norms": grads},
    )["passed"]


def test_boundaries_and_landscapes_pass_with_the_reference(client: TestClient) -> None:
    data = {ds: classification.make_data(ds) for ds in classification.DATASETS}
    weights = {loss: {ds: classification.reference_boundaries(data[ds], 1e-3, 500)[loss].tolist() for ds in data}
               for loss in classification.FIT_LOSSES}  # fmt: skip
    assert post(client, "capstone-classification/checks/boundaries", {"weights": weights})["passed"]
    d = regression.make_data()
    slopes, intercepts = np.linspace(0.5, 2.5, 21), np.linspace(-1, 4, 11)
    surfaces = {k: landscapes.surface(k, d, slopes, intercepts).tolist() for k in regression.LOSSES}
    body = {"slopes": slopes.tolist(), "intercepts": intercepts.tolist(), "surfaces": surfaces}
    assert post(client, "capstone-landscapes/checks/surfaces", body)["passed"]
    summed = {**surfaces, "MSE": (np.array(surfaces["MSE"]) * 100).tolist()}
    item = post(client, "capstone-landscapes/checks/surfaces", {**body, "surfaces": summed})[
        "items"
    ][0]
    assert "use the mean, not the sum" in item["message"]
    offsets = [0.1, 1.0, 10.0]
    norms = {k: landscapes.gradient_norms(k, d, offsets).tolist() for k in regression.LOSSES}
    assert post(
        client, "capstone-landscapes/checks/gradient-norms", {"offsets": offsets, "norms": norms}
    )["passed"]


@pytest.mark.parametrize(
    ("path", "body", "code", "says"),
    [
        ("capstone-regression/checks/fits", {}, "invalid-request", "body.fits: Field required"),
        ("capstone-regression/checks/fits", {"fits": {"OLS": {"slope": 1, "intercept": 2}}}, "invalid-request", "fits.OLS"),
        ("capstone-regression/checks/delta-sweep", {"deltas": [1, 2], "slopes": [1]}, "invalid-request", "2 deltas but 1 slopes"),
        ("capstone-regression/checks/fits", {"fits": {}, "data": {"n": 10**6}}, "invalid-request", "data.n"),
        ("capstone-classification/checks/weight-growth", {"checkpoints": [5, 3], "norms": {}}, "invalid-check-input", "increasing"),
        ("capstone-classification/checks/weight-growth",
         {"checkpoints": [1, 2], "norms": {"hinge": {"separable": [1.0]}}}, "invalid-check-input", "expected 2 values, got 1"),
        ("capstone-landscapes/checks/surfaces",
         {"slopes": [1, 2], "intercepts": [1, 2, 3], "surfaces": {"MSE": [[1, 2]]}}, "invalid-check-input", "expected 3 rows"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_problem(
    client: TestClient, path: str, body: dict[str, Any], code: str, says: str
) -> None:
    response = client.post(f"{API}/{path}", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == f"/problems/{code}" and says in problem["detail"], problem


def test_unknown_checks_list_the_ones_there_are(client: TestClient) -> None:
    problem = post(client, "capstone-regression/checks/nope", {}, status=404)
    assert "fits, delta-sweep" in problem["detail"]
    assert "has no checks" in post(client, "mse/checks/fits", {}, status=404)["detail"]


def test_openapi_documents_each_check_with_its_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    fits = paths[f"{API}/capstone-regression/checks/fits"]["post"]
    assert fits["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "RegressionFitsCheck"
    )
    assert "422" in fits["responses"] and f"{API}/{{notebook_id}}.ipynb" in paths


def test_a_diverging_reference_run_is_reported_not_a_crash(client: TestClient) -> None:
    body = {"lr": 10, "checkpoints": [1, 500], "norms": {"logistic": {"separable": [1.0, None]}}}
    result = post(client, "capstone-classification/checks/weight-growth", body)
    assert not result["passed"]
    huge = {"slopes": [1e300, 2e300], "intercepts": [0, 1], "surfaces": {"MSE": [[1, 2], [3, 4]]}}
    item = post(client, "capstone-landscapes/checks/surfaces", huge)["items"][0]
    assert not item["passed"] and None in item["reference"].values()
