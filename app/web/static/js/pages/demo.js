// "/demos/{id}": the demo lab — a form from the params schema, Run, the chart and the summary.

import { api, demos as allDemos, topics as allTopics } from "../api.js";
import { h, clear, errorBox, announce } from "../dom.js";
import { schemaForm } from "../form.js";
import { drawFigure } from "../plot.js";
import { customKey } from "../kinds/code.js";
import { notebooks, notebookSection } from "./topic.js";

function fmt(v) {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
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
      return h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, keys.map((k) => h("th", { scope: "col" }, humanize(k))))),
        h("tbody", {}, value.map((row) => h("tr", {}, keys.map((k) => h("td", {}, Array.isArray(row[k]) ? row[k].map(fmt).join(", ") : fmt(row[k]))))))));
    }
    return h("ol", {}, value.map((v) => h("li", {}, summaryView(v, depth + 1))));
  }
  return h("dl", {}, Object.entries(value).map(([k, v]) => [h("dt", {}, humanize(k)), h("dd", {}, depth > 3 ? JSON.stringify(v) : summaryView(v, depth + 1))]));
}

export async function render(view, [demoId], query) {
  const [list, topicList, notebookList] = await Promise.all([allDemos(), allTopics().catch(() => []), notebooks()]);
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
      h("button", { type: "button", class: "btn-link", onclick: () => { custom = null; customBox.replaceChildren(); } }, "Remove my code")));
  } else if (exercise) {
    customBox.append(h("p", { class: "notice warn" }, `No code for ${exercise} in this tab: run it on its exercise page first.`));
  }

  const chart = h("div", { class: "chart", id: "demo-chart" });
  const status = h("div", { "aria-live": "polite" });
  const summary = h("section", { class: "card summary-box", "aria-labelledby": "summary-h", hidden: true },
    h("h2", { id: "summary-h", class: "small" }, "What this run shows"), h("div", { id: "demo-summary" }));
  const runButton = h("button", { type: "submit", class: "btn btn-primary" }, "Run");
  const formEl = h("form", { class: "card", "aria-label": "Parameters" },
    h("h2", { class: "small" }, "Parameters"), form.el,
    h("div", { class: "actions" }, runButton,
      h("button", { type: "button", class: "btn", onclick: () => { form.write({}); formEl.requestSubmit(); } }, "Defaults")));

  async function run() {
    const values = form.read();
    const params = { ...values };
    if (custom) params.custom = custom;
    runButton.disabled = true;
    runButton.textContent = "Running…";
    chart.classList.add("running");
    clear(status);
    form.markErrors([]);
    try {
      const result = await api(`/demos/${encodeURIComponent(demo.id)}`, { method: "POST", body: params });
      const q = form.toQuery(values);
      if (custom) q.set("custom", custom.exercise);
      const search = q.toString();
      history.replaceState(null, "", `/demos/${demo.id}${search ? `?${search}` : ""}`);
      await drawFigure(chart, result.figure, { label: demo.title });
      summary.hidden = false;
      summary.querySelector("#demo-summary").replaceChildren(summaryView(result.summary || {}));
      announce("Run finished; the chart is updated.");
    } catch (err) {
      status.append(errorBox(err));
      form.markErrors(err.problem?.errors);
    } finally {
      runButton.disabled = false;
      runButton.textContent = "Run";
      chart.classList.remove("running");
    }
  }
  formEl.addEventListener("submit", (event) => { event.preventDefault(); run(); });

  view.append(
    h("p", { class: "crumbs" }, h("a", { href: "/demos" }, "Demo lab"), " / ", demo.title),
    h("h1", {}, demo.title),
    demo.description ? h("p", { class: "lede" }, demo.description) : null,
    (demo.topics || []).length ? h("p", { class: "small muted" }, "Study it in ",
      demo.topics.map((t, i) => [i ? ", " : "", h("a", { href: `/topics/${t}` }, titles.get(t) || t)])) : null,
    customBox,
    h("div", { class: "lab" }, formEl,
      h("div", {}, status, h("figure", { style: "margin:0" }, chart, h("figcaption", { class: "visually-hidden" }, `${demo.title} chart`)), summary)),
    h("div", {}, notebookSection(notebookList.filter((n) => n.demos.includes(demo.id)))));
  run();
  return demo.title;
}
