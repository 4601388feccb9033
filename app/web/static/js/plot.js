// Charts: Plotly, loaded on first use, and the server's figures laid out for the space they get.
//
// Plotly comes from the server at fingerprinted URLs (compressed, cached by the browser for
// good; see assets.js): the cartesian bundle (2-D trace types, a third of the size, built from
// npm when Descent is installed) where the figure needs nothing else, the full plotly.min.js of
// the installed plotly package otherwise (3-D surfaces) or where the build did not run.
//
// The server's figures are grids of panels (their axes' domains) sized for a wide screen. Here
// the grid is recomputed in pixels for the width of the chart: every panel title gets room above
// its panel, every axis its tick labels and title below it, the legend sits under the last
// axis title, and below STACK_BELOW_PX the columns become one column of full-width panels.

import { assets } from "./assets.js";

const CARTESIAN = new Set(["bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
  "image", "pie", "scatter", "scatterternary", "violin"]);
const STACK_BELOW_PX = 640;
const PANEL_TITLE_PX = 30;
const TICKS_PX = 24;
const AXIS_TITLE_PX = 30;
const ROW_GAP_PX = 14;
const LEGEND_ROW_PX = 22;

const bundles = new Map();  // "cartesian" | "full" → Promise of that Plotly
let queue = Promise.resolve();  // one script at a time, so that each leaves its own window.Plotly

function loadScript(url) {
  const load = queue.then(() => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error("could not load the chart library"));
    document.head.append(script);
  }));
  queue = load.catch(() => {});
  return load;
}

function needsFull(figure) {
  return Boolean(figure) && ((figure.data || []).some((t) => !CARTESIAN.has(t.type || "scatter"))
    || Object.keys(figure.layout || {}).some((k) => /^(scene|geo|mapbox|map|polar|ternary)\d*$/.test(k)));
}

/**
 * The Plotly that can draw `figure` (the cartesian bundle when it can and was built). Pages call
 * it early, without a figure, so that it loads while their data is fetched.
 */
export async function loadPlotly(figure) {
  const urls = await assets();
  const kind = urls.plotly_cartesian && !needsFull(figure) ? "cartesian" : "full";
  if (!bundles.has(kind)) {
    const url = kind === "cartesian" ? urls.plotly_cartesian : urls.plotly;
    bundles.set(kind, loadScript(url).catch((err) => { bundles.delete(kind); throw err; }));
  }
  return bundles.get(kind);
}

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const near = (a, b) => Math.abs(a - b) < 1e-6;
const hasTitle = (axis) => Boolean(axis?.title && (typeof axis.title === "string" ? axis.title : axis.title.text));

/** The panels of a grid figure: each x axis with a domain and the y axis it anchors. */
function panelsOf(layout) {
  const panels = [];
  for (const key of Object.keys(layout)) {
    const m = key.match(/^xaxis(\d*)$/);
    if (!m) continue;
    const x = layout[key];
    const y = layout[`yaxis${m[1]}`];
    if (!Array.isArray(x?.domain) || !Array.isArray(y?.domain) || x.overlaying || y.overlaying) return null;
    panels.push({ n: m[1], x, y, xd: [...x.domain], yd: [...y.domain] });
  }
  return panels.length >= 2 ? panels : null;
}

/**
 * The layout with its panels placed for `width` pixels (a copy; figures without a grid of
 * domains come back unchanged but for the legend).
 */
export function fitLayout(layout, width) {
  const out = { ...layout, margin: { ...(layout.margin || {}) } };
  const panels = panelsOf(layout);
  const legend = out.legend && out.legend.orientation === "h" && (out.legend.y ?? 1) < 0;
  const traces = out._traceNames || [];
  delete out._traceNames;
  if (!panels) {
    if (legend) out.legend = { ...out.legend, y: -0.18, yanchor: "top" };
    return out;
  }
  const tops = [...new Set(panels.map((p) => p.yd[1]))].sort((a, b) => b - a);
  const lefts = [...new Set(panels.map((p) => p.xd[0]))].sort((a, b) => a - b);
  const stacked = width < STACK_BELOW_PX && lefts.length > 1;
  const titles = (out.annotations || []).map((a) => ({ ...a }));
  for (const p of panels) {
    p.title = titles.find((a) => a.xref === "paper" && a.yref === "paper" && a.showarrow === false
      && near(a.x, (p.xd[0] + p.xd[1]) / 2) && near(a.y, p.yd[1]));
    p.scene = Object.keys(layout).find((k) => /^scene\d*$/.test(k) && near(layout[k].domain?.x?.[0] ?? -1, p.xd[0])
      && near(layout[k].domain?.y?.[1] ?? -1, p.yd[1]));
  }
  const byPlace = (a, b) => tops.indexOf(a.yd[1]) - tops.indexOf(b.yd[1]) || a.xd[0] - b.xd[0];
  const ordered = [...panels].sort(byPlace);
  const rows = stacked ? ordered.map((p) => [p]) : tops.map((top) => ordered.filter((p) => p.yd[1] === top));

  const margin = { l: 56, r: 20, t: 48, b: 48, ...out.margin };
  const mainTitle = typeof out.title === "string" ? out.title : out.title?.text;
  margin.t = mainTitle ? 44 : 10;
  const plotHeight = Math.max(200, (layout.height || 450) - (layout.margin?.t ?? 80) - (layout.margin?.b ?? 50));
  const shapes = rows.map((row) => {
    const share = Math.max(...row.map((p) => p.yd[1] - p.yd[0]));
    const height = stacked ? Math.min(320, Math.max(210, width * 0.62)) : Math.max(160, share * plotHeight);
    return {
      row,
      above: row.some((p) => p.title) ? PANEL_TITLE_PX : 6,
      height,
      below: (row.some((p) => p.x.visible !== false && p.x.showticklabels !== false) ? TICKS_PX : 4)
        + (row.some((p) => hasTitle(p.x) && p.x.visible !== false) ? AXIS_TITLE_PX : 0),
    };
  });
  const total = shapes.reduce((sum, r) => sum + r.above + r.height + r.below, 0) + ROW_GAP_PX * (shapes.length - 1);
  let y = 0;
  for (const r of shapes) {
    const top = 1 - (y + r.above) / total;
    const bottom = 1 - (y + r.above + r.height) / total;
    for (const p of r.row) {
      const xd = stacked ? [0, 1] : p.xd;
      const suffix = p.n;
      out[`xaxis${suffix}`] = { ...p.x, domain: xd, automargin: false };
      out[`yaxis${suffix}`] = { ...p.y, domain: [bottom, top] };
      if (p.title) Object.assign(p.title, { x: (xd[0] + xd[1]) / 2, y: top, yshift: 4 });
      if (p.scene) out[p.scene] = { ...layout[p.scene], domain: { x: xd, y: [bottom, top] } };
    }
    y += r.above + r.height + r.below + ROW_GAP_PX;
  }
  if (titles.length) out.annotations = titles;
  let legendPx = 0;
  if (legend) {
    // Rows of the horizontal legend: about 7 px a character plus the symbol, wrapped at the width.
    const items = traces.length ? traces : ["item"];
    let rowsNeeded = 1;
    let used = 0;
    for (const name of items) {
      const w = 46 + 7 * String(name).length;
      if (used + w > width - 20 && used > 0) { rowsNeeded += 1; used = 0; }
      used += w;
    }
    legendPx = rowsNeeded * LEGEND_ROW_PX + 8;
    out.legend = { ...out.legend, x: 0, xanchor: "left", y: 0, yanchor: "top" };
  }
  margin.b = legendPx + 6;
  out.margin = margin;
  out.height = Math.round(margin.t + total + margin.b);
  return out;
}

/** Layout overrides that make any figure follow the page's colour scheme. */
function themed(layout = {}) {
  const text = css("--text");
  const grid = css("--border");
  const axis = (ax = {}) => ({ gridcolor: grid, zerolinecolor: grid, linecolor: grid, ...ax, color: text });
  const out = {
    ...layout,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: css("--font") || "system-ui", ...(layout.font || {}), color: text },
    margin: { l: 56, r: 20, t: 48, b: 48, ...(layout.margin || {}) },
    autosize: true,
  };
  delete out.width;
  for (const key of Object.keys(out)) {
    if (/^[xy]axis\d*$/.test(key)) out[key] = axis(out[key]);
  }
  if (!Object.keys(out).some((k) => /^xaxis/.test(k))) out.xaxis = axis();
  if (!Object.keys(out).some((k) => /^yaxis/.test(k))) out.yaxis = axis();
  if (out.legend) out.legend = { ...out.legend, font: { ...(out.legend.font || {}), color: text } };
  if (out.title && typeof out.title === "object") out.title = { ...out.title, font: { ...(out.title.font || {}), color: text } };
  if (Array.isArray(out.annotations)) out.annotations = out.annotations.map((a) => ({ ...a, font: { ...(a.font || {}), color: text } }));
  return out;
}

const charts = new Map();  // element → {figure, plotly, width}

/** The figure's layout for the element's width; the element takes the layout's height, which
 * Plotly's automatic sizing then keeps (it measures the element). */
function layoutFor(el, figure) {
  const names = [...new Set((figure.data || []).filter((t) => t.showlegend !== false && t.name).map((t) => t.name))];
  const width = el.clientWidth || el.getBoundingClientRect().width || 600;
  const layout = themed(fitLayout({ ...(figure.layout || {}), _traceNames: names }, width));
  if (layout.height) el.style.height = `${layout.height}px`;
  return layout;
}

/** Draw a Plotly figure ({data, layout}) into an element, following theme and width changes. */
export async function drawFigure(el, figure, { label } = {}) {
  const Plotly = await loadPlotly(figure);
  const previous = charts.get(el);
  if (previous && previous.plotly !== Plotly) previous.plotly.purge(el);
  await Plotly.react(el, figure.data || [], layoutFor(el, figure), { responsive: true, displaylogo: false });
  if (label) el.dataset.label = label;
  charts.set(el, { figure, plotly: Plotly, width: el.clientWidth });
}

function redrawAll({ onlyResized = false } = {}) {
  for (const [el, chart] of [...charts]) {
    if (!el.isConnected) { charts.delete(el); continue; }
    if (onlyResized && Math.abs(el.clientWidth - chart.width) < 40 && (el.clientWidth < STACK_BELOW_PX) === (chart.width < STACK_BELOW_PX)) continue;
    chart.width = el.clientWidth;
    chart.plotly.relayout(el, layoutFor(el, chart.figure));
  }
}

window.addEventListener("descent:theme", () => redrawAll());
let resizing;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => redrawAll({ onlyResized: true }), 150);
});
