// Open question: free text → covered and missing concepts, the model answer.

import { renderTexts } from "../api.js";
import { h, uid } from "../dom.js";

export const submitLabel = "Submit answer";
export const shownInline = ["covered", "missing"];  // listed with the ideas below
export const selfRated = true;  // the learner rates their own recall

export function create(question) {
  const id = uid("answer");
  const textarea = h("textarea", {
    id, name: "answer", rows: "7", required: true, "aria-describedby": `${id}-help`,
    placeholder: "Answer as you would in the interview: the mechanism, the trade-off, what you would do.",
  });
  const help = h("p", { id: `${id}-help`, class: "small muted" }, "Graded on the key ideas an interviewer listens for; wording is up to you.");
  return {
    el: h("div", { class: "field" }, h("label", { for: id }, "Your answer"), textarea, help),
    focus: () => textarea.focus(),
    answer() {
      if (!textarea.value.trim()) {
        textarea.setAttribute("aria-invalid", "true");
        help.textContent = "Write an answer first.";
        textarea.focus();
        return null;
      }
      textarea.removeAttribute("aria-invalid");
      return textarea.value;
    },
    async verdict(v) {
      if (!v.model_answer && !v.covered) return null;
      const [model] = await renderTexts([v.model_answer || ""]);
      const list = (items, cls, title, empty) => h("div", { class: cls },
        h("h3", {}, title),
        items.length ? h("ul", {}, items.map((c) => h("li", {}, c))) : h("p", { class: "muted small" }, empty));
      return h("div", {},
        h("div", { class: "concepts" },
          list(v.covered || [], "covered", `Covered (${(v.covered || []).length})`, "None of the key ideas yet."),
          list(v.missing || [], "missing", `Missing (${(v.missing || []).length})`, "Nothing missing.")),
        v.model_answer ? h("div", {}, h("h3", {}, "Model answer"), h("div", { class: "model-answer", html: model })) : null);
    },
  };
}
