// Plotly, loaded on first use from the server (the installed plotly package's plotly.min.js).

let loading;

export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/plotly.min.js";
    script.async = true;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => { loading = undefined; reject(new Error("could not load the chart library")); };
    document.head.append(script);
  });
  return loading;
}

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
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
  return out;
}

const charts = new Set();

/** Draw a Plotly figure ({data, layout}) into an element, following theme changes. */
export async function drawFigure(el, figure, { label } = {}) {
  const Plotly = await loadPlotly();
  const layout = figure.layout || {};
  await Plotly.react(el, figure.data || [], themed(layout), { responsive: true, displaylogo: false });
  if (label) el.dataset.label = label;
  charts.add({ el, layout });
}

window.addEventListener("descent:theme", () => {
  if (!window.Plotly) return;
  for (const chart of [...charts]) {
    if (!chart.el.isConnected) { charts.delete(chart); continue; }
    window.Plotly.relayout(chart.el, themed(chart.layout));
  }
});
