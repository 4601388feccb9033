"""`descent notebook ID [-o FILE]` and `descent notebook --list`."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from app.cli import cli

runner = CliRunner()


def test_list_names_every_notebook() -> None:
    result = runner.invoke(cli, ["notebook", "--list"])
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.output.splitlines()]
    assert ids[:3] == ["capstone-regression", "capstone-classification", "capstone-landscapes"]
    assert "huber" in ids and "loss-curves" not in ids


def test_a_notebook_is_written_where_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.ipynb"
    result = runner.invoke(cli, ["notebook", "capstone-regression", "-o", str(out)])
    assert result.exit_code == 0 and "nbconvert --execute" in result.output
    nbformat.validate(nbformat.read(out, 4))
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["notebook", "mse", "--no-torch"]).exit_code == 0
    assert (tmp_path / "mse.ipynb").exists()
    printed = runner.invoke(cli, ["notebook", "mse", "-o", "-"])
    assert nbformat.reads(printed.output, 4).metadata["descent"]["notebook"] == "mse"


@pytest.mark.parametrize("args", [["notebook", "nope"], ["notebook"]])
def test_a_missing_or_unknown_id_is_an_error(args: list[str]) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
