// Expression question: one formula with a live preview → verdict with the named mistake.

import { h, uid } from "../dom.js";
import { livePreview, variableList } from "../preview.js";

export const submitLabel = "Check";

export function create(question) {
  const spec = question.input;
  const id = uid("formula");
  const input = h("input", {
    id, name: "answer", type: "text", class: "formula-input", autocomplete: "off", spellcheck: "false",
    autocapitalize: "off", placeholder: "e.g. -2/n X^T (y - X beta)  or  -\\frac{2}{n} X^\\top (y - X\\beta)",
    "aria-describedby": `${id}-help`,
  });
  const help = h("p", { id: `${id}-help`, class: "small muted" }, "ASCII or LaTeX: ", h("code", {}, "X^T"), ", ", h("code", {}, "X.T @ v"), ", ", h("code", {}, "sigmoid(z) - y"), ", ", h("code", {}, "max(0, 1 - y*s)"), ", Greek spelled out (", h("code", {}, "beta"), ").");
  const preview = livePreview(input, spec);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); input.form?.requestSubmit(); }
  });
  return {
    el: h("div", { class: "field" }, h("label", { for: id }, "Your formula"), variableList(spec.variables), input, help, preview.el),
    focus: () => input.focus(),
    answer() {
      if (!input.value.trim()) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return null;
      }
      return input.value;
    },
    async verdict() {
      await preview.refresh();
      return null;
    },
  };
}
