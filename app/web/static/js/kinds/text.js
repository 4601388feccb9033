// Any kind without an input module of its own: one text box; the verdict's feedback says the rest.

import { h, uid } from "../dom.js";

export function create() {
  const id = uid("answer");
  const textarea = h("textarea", { id, name: "answer", rows: "5", required: true });
  const help = h("p", { id: `${id}-help`, class: "small muted" }, "Type your answer.");
  return {
    el: h("div", { class: "field" }, h("label", { for: id }, "Your answer"), textarea, help),
    focus: () => textarea.focus(),
    answer() {
      if (!textarea.value.trim()) {
        help.textContent = "Write an answer first.";
        textarea.focus();
        return null;
      }
      return textarea.value;
    },
    async verdict() {
      return null;
    },
  };
}
