// "/interview": a timed mock interview — a mix of questions, then a report.

import { api, auth, topics as allTopics } from "../api.js";
import { h, clear, errorBox, kindChip, pct, uid } from "../dom.js";
import { mountQuestion } from "../question.js";
import { signInPrompt } from "./reviews.js";

function clock(ms) {
  const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
  return `${ms < 0 ? "−" : ""}${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function report(interview, titles) {
  const r = interview.report || {};
  return h("section", { class: "card", "aria-labelledby": `report-${interview.id}` },
    h("h2", { id: `report-${interview.id}` }, `Report: ${pct(r.score)}`),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Question", "Kind", "Score", "Concepts missed"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, (r.questions || []).map((q) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `/questions/${q.question}` }, interview.questions.find((x) => x.id === q.question)?.title || q.question)),
        h("td", {}, kindChip(q.kind)), h("td", {}, q.answered ? pct(q.score) : "unanswered"),
        h("td", {}, (q.concepts_missed || []).join("; ") || "—")))))),
    (r.study || []).length ? h("p", {}, "Study next: ", r.study.map((t, i) => [i ? ", " : "", h("a", { href: `/topics/${t}` }, titles.get(t) || t)])) : h("p", {}, "Solid across these topics."));
}

async function runInterview(view, interview, titles) {
  clear(view);
  const deadline = new Date(interview.created_at).getTime() + interview.minutes * 60_000;
  const timer = h("span", { class: "timer", role: "timer", "aria-live": "off" });
  const tick = () => {
    const left = deadline - Date.now();
    timer.textContent = clock(left);
    timer.classList.toggle("late", left < 0);
    if (!timer.isConnected) clearInterval(interval);
  };
  const interval = setInterval(tick, 1000);
  tick();
  const answered = new Set(interview.answered);
  const stage = h("div");
  const nav = h("div", { class: "steps-nav", role: "group", "aria-label": "Questions" });
  const finish = h("button", { type: "button", class: "btn btn-primary", onclick: async () => {
    finish.disabled = true;
    try {
      const done = await api(`/me/interviews/${interview.id}/finish`, { method: "POST" });
      clearInterval(interval);
      clear(view).append(h("h1", {}, "Mock interview finished"), report(done, titles),
        h("p", {}, h("a", { class: "btn", href: "/interview" }, "Another interview")));
    } catch (err) {
      stage.append(errorBox(err));
      finish.disabled = false;
    }
  } }, "Finish and see the report");

  async function show(i) {
    const summary = interview.questions[i];
    nav.querySelectorAll("button").forEach((b, k) => {
      if (k === i) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    });
    const question = await api(`/questions/${encodeURIComponent(summary.id)}`);
    const body = h("div");
    clear(stage).append(h("div", { class: "spread" }, h("h2", {}, `${i + 1}. ${question.title}`), kindChip(question.kind)), body,
      h("div", { class: "actions" }, i + 1 < interview.questions.length ? h("button", { type: "button", class: "btn", onclick: () => show(i + 1) }, "Next question →") : null));
    await mountQuestion(body, question, {
      submit: (payload) => api(`/me/interviews/${interview.id}/answers`, { method: "POST", body: { ...payload, question: question.id } }),
      onVerdict: () => { answered.add(question.id); nav.children[i].classList.add("done"); },
    });
  }

  interview.questions.forEach((q, i) => nav.append(h("button", { type: "button", class: `btn btn-small${answered.has(q.id) ? " done" : ""}`, onclick: () => show(i), "aria-label": `Question ${i + 1}: ${q.title}` }, String(i + 1))));
  view.append(
    h("div", { class: "spread" }, h("h1", {}, "Mock interview"), h("span", {}, "Time left ", timer)),
    h("p", { class: "muted" }, `${interview.questions.length} questions on ${interview.topics.map((t) => titles.get(t) || t).join(", ")}. Answer as you would aloud; finish whenever you like.`),
    h("div", { class: "spread" }, nav, finish), stage);
  await show(0);
}

export async function render(view) {
  view.append(h("h1", {}, "Mock interview"));
  if (!auth.signedIn) {
    view.append(h("p", { class: "lede" }, "A timed mix of open, numeric, formula and code questions on the topics you choose (or your weakest), ending with a report of what to study."), signInPrompt("take a mock interview"));
    return "Interview";
  }
  const [topicList, past] = await Promise.all([allTopics(), api("/me/interviews")]);
  const titles = new Map(topicList.map((t) => [t.id, t.title]));
  const open = past.data.find((i) => !i.finished_at);
  const id = uid("minutes");
  const boxes = topicList.map((t) => h("label", {}, h("input", { type: "checkbox", value: t.id }), t.title));
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card" },
    h("h2", {}, "Start an interview"),
    h("fieldset", {}, h("legend", {}, "Topics (none ticked: your weakest and next ones)"), h("div", { class: "checks" }, boxes)),
    h("div", { class: "field" }, h("label", { for: id }, "Length"),
      h("select", { id, name: "minutes", style: "max-width:12rem" }, [15, 30, 45, 60].map((m) => h("option", { value: String(m), selected: m === 30 }, `${m} minutes`)))),
    status, h("button", { type: "submit", class: "btn btn-primary" }, "Start"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const topics = boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    try {
      const interview = await api("/me/interviews", { method: "POST", body: { topics: topics.length ? topics : null, minutes: Number(form.minutes.value) } });
      await runInterview(view, interview, titles);
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  });
  view.append(
    h("p", { class: "lede" }, "A timed mix of questions, like the real thing. Your answers are graded and stored; the report names the concepts you missed."),
    open ? h("p", { class: "notice" }, "You have an unfinished interview. ", h("button", { type: "button", class: "btn btn-small", onclick: () => runInterview(view, open, titles) }, "Resume it")) : null,
    form,
    past.data.filter((i) => i.finished_at).length ? h("section", {}, h("h2", {}, "Past interviews"),
      past.data.filter((i) => i.finished_at).slice(0, 5).map((i) => report(i, titles))) : null);
  return "Interview";
}
