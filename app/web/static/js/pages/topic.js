// "/topics/{id}": the study page — learning steps, insights, formulas, demos and practice.

import { api, auth, demos as allDemos, topics as allTopics } from "../api.js";
import { h, rich, kindChip, difficulty } from "../dom.js";
import { askCard } from "../ask.js";
import { unavailableChip } from "../question.js";

const KIND_ORDER = ["open", "choice", "numeric", "expression", "derivation", "code"];

/** The learner's latest result per question ({id: "ok" | "part" | "bad"}). */
export async function questionStates(topic) {
  if (!auth.signedIn) return new Map();
  try {
    const page = await api(`/me/attempts?topic=${encodeURIComponent(topic)}&limit=500`);
    const states = new Map();
    for (const a of page.data) {  // newest first: keep the first seen
      if (states.has(a.question)) continue;
      states.set(a.question, a.correct ? "ok" : a.score > 0 ? "part" : "bad");
    }
    return states;
  } catch {
    return new Map();
  }
}

let notebooksPromise;

/** The server's Jupyter notebooks (GET /notebooks); none when it has no such endpoint. */
export function notebooks() {
  notebooksPromise ??= api("/notebooks").then((page) => page.data).catch(() => {
    notebooksPromise = undefined;
    return [];
  });
  return notebooksPromise;
}

/** Download buttons for notebooks, with a line on how to run them; null when there are none. */
export function notebookSection(list) {
  if (!list.length) return null;
  return h("section", { "aria-labelledby": "notebooks-h", id: "notebooks" },
    h("h2", { id: "notebooks-h" }, "Jupyter notebooks"),
    h("ul", { class: "chips" }, list.map((n) => h("li", { id: `notebook-${n.id}` },
      h("a", { class: "btn btn-small", href: n.download, download: `${n.id}.ipynb`, title: n.description },
        `Download ${n.kind === "capstone" ? n.title.replace(/^Capstone: /, "capstone: ") : "the exercises notebook"} (.ipynb)`)))),
    h("p", { class: "small muted" }, "Starters, check cells and plots; the checks need a running Descent (",
      h("code", {}, "descent serve"), ") and the client (", h("code", {}, 'pip install ".[notebook]"'), ")."));
}

export function stateMark(state) {
  const text = { ok: "✓", part: "◐", bad: "✗" }[state] || "";
  const label = { ok: "answered correctly", part: "partly right", bad: "not right yet" }[state] || "not attempted";
  return h("span", { class: `state ${state || ""}`, title: label }, h("span", { "aria-hidden": "true" }, text), h("span", { class: "visually-hidden" }, label));
}

function questionList(questions, states) {
  const sorted = [...questions].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.difficulty - b.difficulty);
  return h("ul", { class: "qlist" }, sorted.map((q) => h("li", { id: `question-${q.id}` },
    stateMark(states.get(q.id)),
    h("a", { href: `/questions/${q.id}` }, q.title),
    kindChip(q.kind), difficulty(q.difficulty), unavailableChip(q))));
}

export async function render(view, [topicId]) {
  const [topic, states, topicList, demoList, notebookList] = await Promise.all([
    api(`/topics/${encodeURIComponent(topicId)}`),
    questionStates(topicId),
    allTopics().catch(() => []),
    allDemos().catch(() => []),
    notebooks(),
  ]);
  const topicNotebooks = notebookList.filter((n) => n.id === topicId || (n.kind === "capstone" && n.topics.includes(topicId)));
  const titles = new Map(topicList.map((t) => [t.id, t.title]));
  const demoTitles = new Map(demoList.map((d) => [d.id, d.title]));
  const firstOpen = topic.questions.find((q) => !states.has(q.id)) || topic.questions[0];
  const done = topic.questions.filter((q) => states.get(q.id) === "ok").length;

  const article = h("article", { class: "prose-col" },
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "Topics"), " / ", topic.title),
    h("h1", {}, topic.title),
    rich(topic.summary.html, "div", { class: "lede", id: "summary" }),
    topic.prerequisites.length ? h("p", { class: "small muted" }, "Builds on ",
      topic.prerequisites.map((p, i) => [i ? ", " : "", h("a", { href: `/topics/${p}` }, titles.get(p) || p)])) : null,
    firstOpen ? h("div", { class: "actions" },
      h("a", { class: "btn btn-primary", href: `/questions/${firstOpen.id}` }, done ? "Continue practising" : "Start practising"),
      h("span", { class: "muted small" }, `${topic.questions.length} questions${auth.signedIn ? ` · ${done} answered correctly` : ""}`)) : null,
    h("section", { "aria-labelledby": "steps-h" },
      h("h2", { id: "steps-h" }, "Learning steps"),
      h("ol", { class: "steps" }, topic.learning_steps.map((s, i) => rich(s.html, "li", { id: `step-${i + 1}` })))),
    topic.insights.length ? h("section", { "aria-labelledby": "insights-h" },
      h("h2", { id: "insights-h" }, "Interview insights"),
      topic.insights.map((s, i) => h("div", { class: "insight", id: `insight-${i + 1}` },
        rich(s.html, "div"),
        s.references && s.references.length ? h("p", { class: "small muted references" }, "Sources: ", s.references.join("; ")) : null))) : null,
    topic.formulas.length ? h("section", { "aria-labelledby": "formulas-h" },
      h("h2", { id: "formulas-h" }, "Formulas"),
      h("div", { class: "grid" }, topic.formulas.map((f, i) => h("figure", { class: "card formula", id: `formula-${i + 1}`, style: "margin:0" },
        h("h3", {}, f.name),
        rich(f.mathml, "div", { class: "math-scroll", tabindex: "0", role: "group", "aria-label": f.name }),
        rich(f.caption.html, "figcaption", { class: "caption" }))))) : null,
    topic.demos.length ? h("section", { "aria-labelledby": "demos-h" },
      h("h2", { id: "demos-h" }, "See it run"),
      h("ul", { class: "chips" }, topic.demos.map((d) => h("li", { id: `demo-${d}` },
        demoTitles.size ? h("a", { class: "btn btn-small", href: `/demos/${d}` }, demoTitles.get(d) || d)
          : h("span", { class: "chip" }, d))))) : null,
    notebookSection(topicNotebooks),
    h("section", { "aria-labelledby": "practice-h", id: "practice" },
      h("h2", { id: "practice-h" }, "Practice"),
      questionList(topic.questions, states)),
    topic.sources.length ? h("p", { class: "small muted" }, "Covers the roadmap sections: ", topic.sources.map((s) => s.title).join(" · ")) : null,
  );

  const ask = await askCard(topic.id, topic.title);
  const aside = h("aside", { "aria-label": "On this page" },
    h("nav", { class: "card toc", "aria-label": "Sections" },
      h("h2", { class: "small" }, "On this page"),
      h("ul", {},
        h("li", {}, h("a", { href: "#steps-h" }, "Learning steps")),
        topic.insights.length ? h("li", {}, h("a", { href: "#insights-h" }, "Interview insights")) : null,
        topic.formulas.length ? h("li", {}, h("a", { href: "#formulas-h" }, "Formulas")) : null,
        topic.demos.length ? h("li", {}, h("a", { href: "#demos-h" }, "See it run")) : null,
        topicNotebooks.length ? h("li", {}, h("a", { href: "#notebooks-h" }, "Jupyter notebooks")) : null,
        h("li", {}, h("a", { href: "#practice-h" }, "Practice")))),
    ask);
  view.append(h("div", { class: "with-aside" }, article, aside));
  return topic.title;
}
