// "Ask Descent": passages of the study material that answer a learner's doubt.

import { api, features } from "./api.js";
import { h, clear, errorBox, uid, announce, kindChip } from "./dom.js";

const MAX_QUESTION = 500;

function promptText(prompt) {
  if (prompt && typeof prompt === "object") return prompt.html ? h("span", { html: prompt.html }) : prompt.text;
  return prompt || "";
}

/** The answer list for one query (passages, practice questions, demos). */
export function renderAnswer(result) {
  const answers = result.answers || [];
  const questions = result.questions || [];
  const demoList = result.demos || [];
  if (!answers.length && !questions.length && !demoList.length) {
    return h("p", { class: "muted" }, result.hint || "Nothing in the material matches that yet. Try other words, e.g. “why does Adam need bias correction?”.");
  }
  return h("div", { class: "ask-results" },
    answers.map((a) => h("article", { class: "answer" },
      h("h4", {}, h("a", { href: `/topics/${encodeURIComponent(a.topic)}${a.anchor ? `#${encodeURIComponent(a.anchor)}` : ""}` }, a.title || a.topic)),
      a.html ? h("div", { html: a.html }) : h("p", {}, a.text || ""))),
    questions.length ? h("div", {},
      h("h4", {}, "Practise it"),
      h("ul", {}, questions.map((q) => h("li", {}, h("a", { href: `/questions/${encodeURIComponent(q.id)}` }, q.title || promptText(q.prompt) || q.id), " ", q.kind ? kindChip(q.kind) : null)))) : null,
    demoList.length ? h("div", {},
      h("h4", {}, "See it run"),
      h("ul", {}, demoList.map((d) => h("li", {}, h("a", { href: `/demos/${encodeURIComponent(d.id)}` }, d.title || d.id))))) : null,
  );
}

async function ask(question, topic, output) {
  clear(output).append(h("p", { class: "muted" }, "Looking through the material…"));
  try {
    const body = { question: question.slice(0, MAX_QUESTION) };
    if (topic) body.topic = topic;
    const result = await api("/ask", { method: "POST", body });
    clear(output).append(renderAnswer(result));
    announce(`${(result.answers || []).length} passages found`);
  } catch (err) {
    clear(output).append(errorBox(err));
  }
}

/** The header's global Ask box and its drop-down results panel. */
export function mountHeaderAsk(form, panel) {
  form.hidden = false;
  const input = form.querySelector("input");
  const close = () => { panel.hidden = true; };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    panel.hidden = false;
    const output = h("div", { role: "region", "aria-label": "Ask Descent results", "aria-live": "polite" });
    clear(panel).append(
      h("div", { class: "spread" },
        h("h2", { class: "small" }, `Ask Descent: “${question}”`),
        h("button", { type: "button", class: "btn btn-small", onclick: close }, "Close")),
      output);
    ask(question, null, output);
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { close(); input.focus(); }
  });
  window.addEventListener("popstate", close);
  document.addEventListener("click", (event) => {
    if (!panel.hidden && event.target.closest("#ask-panel a")) close();
  });
}

/** A card with an Ask box for one topic (topic and question pages); null without the API. */
export async function askCard(topic, title) {
  if (!(await features()).ask) return null;
  const id = uid("ask");
  const output = h("div", { "aria-live": "polite" });
  const input = h("input", { id, type: "search", name: "question", placeholder: "e.g. why is the gradient constant?", maxlength: String(MAX_QUESTION), autocomplete: "off" });
  const form = h("form", {
    onsubmit: (event) => {
      event.preventDefault();
      if (input.value.trim()) ask(input.value.trim(), topic, output);
    },
  }, input, h("button", { type: "submit", class: "btn btn-small" }, "Ask"));
  return h("section", { class: "card ask-box", "aria-labelledby": `${id}-h` },
    h("h2", { id: `${id}-h`, class: "small" }, "Ask Descent"),
    h("label", { for: id, class: "muted small" }, title ? `A doubt about ${title}?` : "Any doubt?"),
    form, output);
}
