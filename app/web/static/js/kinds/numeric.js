// Numeric question: a number → the expected value and its explanation.

import { h, uid } from "../dom.js";

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function create() {
  const id = uid("number");
  const input = h("input", { id, name: "answer", type: "text", inputmode: "decimal", autocomplete: "off", "aria-describedby": `${id}-help`, style: "max-width:16rem" });
  const help = h("p", { id: `${id}-help`, class: "small muted" }, "A number, e.g. 0.25, -3 or 1e-3; fractions are fine as decimals.");
  return {
    el: h("div", { class: "field" }, h("label", { for: id }, "Your answer"), input, help),
    focus: () => input.focus(),
    answer() {
      const text = input.value.trim().replace(/\u2212/g, "-");
      if (!NUMBER.test(text)) {
        input.setAttribute("aria-invalid", "true");
        help.textContent = text ? `“${text}” is not a number: write it like 0.25, -3 or 1e-3.` : "Type a number first.";
        input.focus();
        return null;
      }
      input.removeAttribute("aria-invalid");
      help.textContent = "A number, e.g. 0.25, -3 or 1e-3; fractions are fine as decimals.";
      return text;
    },
    async verdict(v) {
      if (v.answer === undefined || v.answer === null) return null;
      return h("p", {}, h("strong", {}, "Expected: "), h("code", {}, String(+v.answer.toPrecision(10))));
    },
  };
}
