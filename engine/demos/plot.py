"""A light figure builder for the demos: subplot grids, lines, markers, reference lines.

Figures are assembled as plain Plotly JSON and wrapped in a ``plotly.graph_objects.Figure`` at
the end without re-validation: validating every trace costs ~40 ms a figure, as much as a whole
demo's computation. The tests validate each demo's figure once with Plotly's own validators.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from engine.demos.serialize import round_significant, to_plain

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
)  # fmt: skip
MAX_POINTS = 1000


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spaced samples of ``n``, keeping the last."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def _spans(n: int, gap: float, weights: list[float] | None) -> list[tuple[float, float]]:
    w = np.asarray(weights if weights else [1.0] * n, dtype=float)
    sizes = (1.0 - gap * (n - 1)) * w / w.sum()
    starts = np.concatenate([[0.0], np.cumsum(sizes + gap)[:-1]])
    return [(float(a), float(a + s)) for a, s in zip(starts, sizes, strict=True)]


def _finite_range(values: list[Any]) -> tuple[float, float] | None:
    flat = [np.asarray(v, dtype=float).ravel() for v in values if v is not None]
    arr = np.concatenate(flat) if flat else np.array([])
    arr = arr[np.isfinite(arr)]
    return (float(arr.min()), float(arr.max())) if arr.size else None


class Grid:
    """Panels in ``rows × cols``; panel (1, 1) is top left."""

    def __init__(self, rows: int, cols: int, titles: list[str], **kw: Any) -> None:
        self.rows, self.cols = rows, cols
        self.data: list[dict[str, Any]] = []  # the traces
        self.layout: dict[str, Any] = {"annotations": []}
        xs = _spans(cols, kw.get("horizontal_spacing", 0.1), kw.get("column_widths"))
        ys = _spans(rows, kw.get("vertical_spacing", 0.14), kw.get("row_heights"))[::-1]
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                i = self._index(r, c)
                x, y = xs[c - 1], ys[r - 1]
                self.layout[f"xaxis{i}"] = {"domain": list(x), "anchor": f"y{i}"}
                self.layout[f"yaxis{i}"] = {"domain": list(y), "anchor": f"x{i}"}
                if i <= len(titles) and titles[i - 1]:
                    self.layout["annotations"].append({
                        "text": titles[i - 1], "x": (x[0] + x[1]) / 2, "y": y[1], "xref": "paper",
                        "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                        "showarrow": False, "font": {"size": 13},
                    })  # fmt: skip

    def _index(self, row: int, col: int) -> int:
        return (row - 1) * self.cols + col

    def _ref(self, row: int, col: int) -> tuple[str, str]:
        i = self._index(row, col)
        return ("x", "y") if i == 1 else (f"x{i}", f"y{i}")

    def add_trace(self, trace: dict[str, Any], row: int = 1, col: int = 1) -> None:
        x, y = self._ref(row, col)
        self.data.append({**trace, "xaxis": x, "yaxis": y})

    def add_scene_trace(self, trace: dict[str, Any], row: int, col: int, **scene: Any) -> None:
        """A 3-D trace (surface) in the panel's place; the panel's 2-D axes are hidden."""
        i = self._index(row, col)
        x, y = self.layout[f"xaxis{i}"], self.layout[f"yaxis{i}"]
        x["visible"] = y["visible"] = False
        name = "scene" if i == 1 else f"scene{i}"
        self.layout[name] = {"domain": {"x": x["domain"], "y": y["domain"]}, **scene}
        self.data.append({**trace, "scene": name})

    def _panel(self, row: int, col: int, axis: str) -> list[Any]:
        ref = self._ref(row, col)[0 if axis == "x" else 1]
        return [
            t.get(axis) for t in self.data if t.get(f"{axis}axis") == ref and t["type"] == "scatter"
        ]

    def add_hline(self, y: float, row: int = 1, col: int = 1, **kw: Any) -> None:
        span = _finite_range(self._panel(row, col, "x")) or (0.0, 1.0)
        self._guide(list(span), [y, y], row, col, kw)

    def add_vline(self, x: float, row: int = 1, col: int = 1, **kw: Any) -> None:
        span = _finite_range(self._panel(row, col, "y")) or (0.0, 1.0)
        self._guide([x, x], list(span), row, col, kw)

    def _guide(
        self, x: list[float], y: list[float], row: int, col: int, kw: dict[str, Any]
    ) -> None:
        text = kw.get("annotation_text")
        self.add_trace({
            "type": "scatter", "x": x, "y": y, "mode": "lines+text" if text else "lines",
            "text": ["", text] if text else None, "textposition": "top left",
            "line": {"dash": kw.get("line_dash", "dot"), "color": kw.get("line_color", "black"), "width": 1},
            "showlegend": False, "hoverinfo": "skip",
        }, row, col)  # fmt: skip

    def update_xaxes(self, row: int = 1, col: int = 1, **kw: Any) -> None:
        self.layout[f"xaxis{self._index(row, col)}"].update(kw)

    def update_yaxes(self, row: int = 1, col: int = 1, **kw: Any) -> None:
        self.layout[f"yaxis{self._index(row, col)}"].update(kw)


def grid(rows: int, cols: int, titles: list[str], **kw: Any) -> Grid:
    return Grid(rows, cols, titles, **kw)


def line(fig: Grid, x: Any, y: Any, name: str, *, row: int = 1, col: int = 1,
         color: str | None = None, dash: str | None = None, legend: bool = True,
         mode: str = "lines", group: str | None = None, **kw: Any) -> None:  # fmt: skip
    style = {
        k: v
        for k, v in {"color": color, "dash": dash, "shape": kw.pop("line_shape", None)}.items()
        if v
    }
    trace = {"type": "scatter", "x": x, "y": y, "name": name, "mode": mode, "line": style,
             "showlegend": legend, "legendgroup": group or name, **kw}  # fmt: skip
    fig.add_trace(trace, row, col)


def marker(fig: Grid, x: Any, y: Any, name: str, *, row: int = 1, col: int = 1,
           color: str = "black", symbol: str = "x", size: int = 10, legend: bool = True,
           **kw: Any) -> None:  # fmt: skip
    trace = {"type": "scatter", "x": np.atleast_1d(x), "y": np.atleast_1d(y), "name": name,
             "mode": "markers", "marker": {"color": color, "symbol": symbol, "size": size},
             "showlegend": legend, **kw}  # fmt: skip
    fig.add_trace(trace, row, col)


def axes(fig: Grid, row: int, col: int, x: str = "", y: str = "", **kw: Any) -> None:
    """Title one panel's axes; ``log_x``/``log_y`` make them logarithmic."""
    log_x, log_y = kw.pop("log_x", False), kw.pop("log_y", False)
    fig.update_xaxes(row, col, title={"text": x}, **({"type": "log"} if log_x else {}))
    fig.update_yaxes(row, col, title={"text": y}, **({"type": "log"} if log_y else {}), **kw)


def finish(fig: Grid, title: str, height: int = 640) -> go.Figure:
    """The finished ``plotly.graph_objects.Figure`` (data already plain JSON)."""
    layout = {
        **fig.layout,
        "title": {"text": title},
        "height": height,
        "margin": {"l": 60, "r": 30, "t": 80, "b": 50},
        "legend": {"orientation": "h", "y": -0.12},
        "hovermode": "closest",
    }
    data = [{k: _compact(v) for k, v in trace.items()} for trace in fig.data]
    return go.Figure({"data": data, "layout": to_plain(layout)}, _validate=False)


def _compact(value: Any) -> Any:
    """Float arrays rounded and kept as arrays (Plotly copies arrays cheaply, lists slowly)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return round_significant(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "b":
        return value.astype(np.int8)
    return value
