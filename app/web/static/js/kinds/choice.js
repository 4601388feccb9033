// Choice question: radio buttons or checkboxes → each option marked with its explanation.

import { renderTexts } from "../api.js";
import { h, uid } from "../dom.js";

export const shownInline = ["wrong-option", "missed-option", "right-option"];  // on the options

export function create(question) {
  const { options, multiple } = question.input;
  const name = uid("choice");
  const items = options.map((o) => {
    const id = `${name}-${o.id}`;
    const input = h("input", { type: multiple ? "checkbox" : "radio", name, id, value: o.id });
    const explain = h("div", { class: "explain", "aria-live": "polite" });
    const li = h("li", { class: "option" }, input, h("label", { for: id, html: o.text.html }), explain);
    return { option: o, input, li, explain };
  });
  const legend = h("legend", {}, multiple ? "Choose every correct option" : "Choose one option");
  const status = h("p", { class: "small muted", "aria-live": "polite" });
  return {
    el: h("fieldset", { class: "choice" }, legend, h("ul", { class: "options" }, items.map((i) => i.li)), status),
    focus: () => items[0]?.input.focus(),
    answer() {
      const chosen = items.filter((i) => i.input.checked).map((i) => i.option.id);
      if (!chosen.length) {
        status.textContent = "Pick an option first.";
        items[0]?.input.focus();
        return null;
      }
      status.textContent = "";
      return chosen;
    },
    async verdict(v) {
      const results = new Map((v.options || []).map((r) => [r.id, r]));
      const html = await renderTexts(items.map((i) => results.get(i.option.id)?.explanation || ""));
      items.forEach((item, k) => {
        const result = results.get(item.option.id);
        item.li.classList.remove("is-correct", "is-wrong");
        if (!result) return;
        const chosen = item.input.checked;
        if (result.correct) item.li.classList.add("is-correct");
        else if (chosen) item.li.classList.add("is-wrong");
        const tag = result.correct ? (chosen ? "✓ Correct, and you chose it." : "✓ Correct — you missed this one.")
          : (chosen ? "✗ Not correct, you chose it." : "Not correct.");
        item.explain.replaceChildren(h("strong", { class: result.correct ? "status-correct" : chosen ? "status-incorrect" : "muted" }, tag), h("div", { html: html[k] }));
      });
      return h("p", { class: "muted small" }, "Each option now carries its explanation, above.");
    },
  };
}
