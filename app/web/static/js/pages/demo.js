// "/demos/{id}": the demo lab — a form from the params schema, the chart and the summary; the demo
// re-runs as the parameters change (debounced; a newer run cancels the one in flight).

import { api, demos as allDemos, topics as allTopics } from "../api.js";
import { h, clear, errorBox, announce, plainWords } from "../dom.js";
import { schemaForm } from "../form.js";
import { drawFigure, loadPlotly } from "../plot.js";
import { customKey } from "../api.js";

function fmt(v) {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return plainWords(v);
}

function humanize(key) {
  return key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** A summary dict as nested definition lists (numbers rounded, lists joined). */
export function summaryView(value, depth = 0) {
  if (value === null || typeof value !== "object") return h("span", {}, fmt(value));
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) return h("span", {}, value.map(fmt).join(", "));
    const primitive = (x) => x === null || typeof x !== "object";
    const cell = (x) => primitive(x) || (Array.isArray(x) && x.length <= 4 && x.every(primitive));
    const flat = (v) => v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every(cell);
    if (value.every(flat)) {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v)))];
      // On a phone the table becomes one card per row, each cell labelled with its column.
      return h("div", { class: "table-wrap" }, h("table", { class: "cards" },
        h("thead", {}, h("tr", {}, keys.map((k) => h("th", { scope: "col" }, humanize(k))))),
        h("tbody", {}, value.map((row) => h("tr", {}, keys.map((k) => h("td", { "data-label": humanize(k) },
          Array.isArray(row[k]) ? row[k].map(fmt).join(", ") : fmt(row[k]))))))));
    }
    return h("ol", {}, value.map((v) => h("li", {}, summaryView(v, depth + 1))));
  }
  return h("dl", {}, Object.entries(value).map(([k, v]) => [h("dt", {}, humanize(k)), h("dd", {}, depth > 3 ? JSON.stringify(v) : summaryView(v, depth + 1))]));
}

const LIVE_DELAY_MS = 150;  // a pause this long after a change re-runs the demo

export async function render(view, [demoId], query) {
  // The capstone notebooks come from the topic page's module (a longer chain of imports): they
  // are added when they arrive, without holding up the first run.
  const notebooksSection = import("./topic.js").then(async ({ notebooks, notebookSection }) => [notebooks(), notebookSection]);
  const [list, topicList] = await Promise.all([allDemos(), allTopics().catch(() => [])]);
  const demo = list.find((d) => d.id === demoId);
  if (!demo) {
    const err = new Error(`No demo “${demoId}”.`);
    err.status = 404;
    throw err;
  }
  const titles = new Map(topicList.map((t) => [t.id, t.title]));
  const hasCustom = Boolean(demo.params?.properties?.custom);
  const form = schemaForm(demo.params || {}, { skip: ["custom"] });
  form.write(form.fromQuery(query));

  let custom = null;
  const exercise = query.get("custom");
  const code = exercise ? sessionStorage.getItem(customKey(exercise)) : null;
  const customBox = h("div");
  if (hasCustom && exercise && code) {
    custom = { exercise, code };
    customBox.append(h("p", { class: "notice" }, `Your ${exercise} runs next to the reference (in the sandbox, on the objective chosen below). `,
      h("button", { type: "button", class: "btn-link", onclick: () => { custom = null; customBox.replaceChildren(); schedule(); } }, "Remove my code")));
  } else if (exercise) {
    customBox.append(h("p", { class: "notice warn" }, `No code for ${exercise} in this tab: run it on its exercise page first.`));
  }

  const chart = h("div", { class: "chart", id: "demo-chart", dataset: { runs: "0" } });
  const status = h("div", { "aria-live": "polite" });
  const summary = h("section", { class: "card summary-box", "aria-labelledby": "summary-h", hidden: true },
    h("h2", { id: "summary-h", class: "small" }, "What this run shows"), h("div", { id: "demo-summary" }));
  const runButton = h("button", { type: "submit", class: "btn btn-primary" }, "Run");
  const liveNote = h("p", { class: "small muted", id: "live-note" }, "The chart follows the parameters as you change them.");
  const formEl = h("form", { class: "card", "aria-label": "Parameters", "aria-describedby": "live-note" },
    h("h2", { class: "small" }, "Parameters"), liveNote, form.el,
    h("div", { class: "actions" }, runButton,
      h("button", { type: "button", class: "btn", onclick: () => { form.write({}); run(); } }, "Defaults")));

  // One run at a time: a newer run aborts the one in flight, and only the newest is drawn.
  let controller = null;
  let latest = 0;
  let timer = null;
  let changedAt = null;  // when the first change not yet drawn was made

  function schedule() {
    changedAt ??= performance.now();
    clearTimeout(timer);
    timer = setTimeout(run, LIVE_DELAY_MS);
  }

  async function run() {
    clearTimeout(timer);
    const mine = ++latest;
    controller?.abort();
    controller = new AbortController();
    const values = form.read();
    const params = { ...values };
    if (custom) params.custom = custom;
    const since = changedAt;
    const sent = performance.now();
    runButton.disabled = true;
    chart.classList.add("running");
    chart.setAttribute("aria-busy", "true");
    try {
      const pending = api(`/demos/${encodeURIComponent(demo.id)}`, { method: "POST", body: params, signal: controller.signal });
      // The chart library (its bytes preloaded by main.js) runs while the server computes the demo.
      setTimeout(() => loadPlotly().catch(() => {}), 0);
      const result = await pending;
      if (mine !== latest) return;
      const q = form.toQuery(values);
      if (custom) q.set("custom", custom.exercise);
      const search = q.toString();
      history.replaceState(null, "", `/demos/${demo.id}${search ? `?${search}` : ""}`);
      await drawFigure(chart, result.figure, { label: demo.title });
      if (mine !== latest) return;
      clear(status);
      form.markErrors([]);
      summary.hidden = false;
      summary.querySelector("#demo-summary").replaceChildren(summaryView(result.summary || {}));
      const drawn = performance.now();
      const runs = Number(chart.dataset.runs) + 1;
      chart.dataset.runs = String(runs);
      if (runs === 1) performance.mark("descent:first-chart");
      else if (since !== null) performance.measure("descent:rerun", { start: since, end: drawn });
      performance.measure("descent:run", { start: sent, end: drawn });
      if (since === changedAt) changedAt = null;
      announce("The chart is updated.");
    } catch (err) {
      if (err.name === "AbortError" || mine !== latest) return;
      clear(status).append(errorBox(err));
      form.markErrors(err.problem?.errors);
      if (err.status === 429) {  // too many runs in a row: the newest parameters run in a second
        status.append(h("p", { class: "small muted" }, "Running again in a second."));
        timer = setTimeout(run, 1000);
      }
    } finally {
      if (mine === latest) {
        runButton.disabled = false;
        chart.classList.remove("running");
        chart.removeAttribute("aria-busy");
      }
    }
  }
  formEl.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  formEl.addEventListener("input", schedule);
  formEl.addEventListener("change", schedule);

  const notebookBox = h("div", {});
  view.append(
    h("p", { class: "crumbs" }, h("a", { href: "/demos" }, "Demo lab"), " / ", demo.title),
    h("h1", {}, demo.title),
    demo.description ? h("p", { class: "lede" }, demo.description) : null,
    (demo.topics || []).length ? h("p", { class: "small muted" }, "Study it in ",
      demo.topics.map((t, i) => [i ? ", " : "", h("a", { href: `/topics/${t}` }, titles.get(t) || t)])) : null,
    customBox,
    h("div", { class: "lab" }, formEl,
      h("div", { class: "lab-output" }, status, h("figure", { style: "margin:0" }, chart, h("figcaption", { class: "visually-hidden" }, `${demo.title} chart`)), summary)),
    notebookBox);
  run();
  notebooksSection.then(async ([pending, section]) => {
    const shown = section((await pending).filter((n) => n.demos.includes(demo.id)));
    if (shown) notebookBox.replaceChildren(shown);
  }).catch(() => {});
  return demo.title;
}
