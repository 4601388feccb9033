// Code exercise: a monospace editor with the starter code → Run → a table of cases.

import { features } from "../api.js";
import { h, uid } from "../dom.js";
import { makeEditor } from "../editor.js";

const DEMO_EXERCISES = new Set(["sgd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step", "adamw_step"]);
const DEMO_ID = "optimizer-paths";

export function customKey(exercise) {
  return `descent.custom.${exercise}`;
}

function draftKey(question) {
  return `descent.draft.${question.id}`;
}

function num(x) {
  return x === null || x === undefined ? "" : Number(x).toPrecision(3);
}

function caseTable(cases) {
  const passed = cases.filter((c) => c.passed).length;
  return h("div", {},
    h("h3", {}, `Cases: ${passed} of ${cases.length} passed`),
    h("div", { class: "table-wrap" }, h("table", { class: "cases" },
      h("caption", { class: "visually-hidden" }, "Results of each test case"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Case"), h("th", { scope: "col" }, "Input"),
        h("th", { scope: "col" }, "Result"), h("th", { scope: "col" }, "Message"), h("th", { scope: "col" }, "Max error"))),
      h("tbody", {}, cases.map((c) => h("tr", { class: c.passed ? "pass" : "fail" },
        h("th", { scope: "row" }, c.name),
        h("td", {}, c.visible ? (c.call ? h("code", {}, c.call) : "visible") : h("span", { class: "muted" }, "hidden")),
        h("td", { class: c.passed ? "pass" : "fail" }, c.passed ? "✓ passed" : "✗ failed"),
        h("td", {}, c.message || "", c.expected !== undefined && !c.passed ? h("div", { class: "small" }, "expected ", h("code", {}, String(c.expected))) : null),
        h("td", { class: "small" }, c.max_abs_error != null ? `abs ${num(c.max_abs_error)}` : "", c.max_rel_error != null ? h("br") : null,
          c.max_rel_error != null ? `rel ${num(c.max_rel_error)}` : "")))))));
}

export const submitLabel = "Run";
export const busyLabel = "Running…";
export const scroll = false;  // the case table is long: keep the editor in view

export function create(question) {
  const spec = question.input;
  const id = uid("code");
  const saved = sessionStorage.getItem(draftKey(question));
  const textarea = h("textarea", {
    id, name: "answer", class: "code", spellcheck: "false", autocapitalize: "off", autocomplete: "off",
    rows: String(Math.max(12, spec.starter.split("\n").length + 4)), "aria-describedby": `${id}-keys`,
    value: saved || spec.starter,
  });
  makeEditor(textarea);
  textarea.addEventListener("input", () => sessionStorage.setItem(draftKey(question), textarea.value));
  const reset = h("button", {
    type: "button", class: "btn", onclick: () => {
      textarea.value = spec.starter;
      sessionStorage.removeItem(draftKey(question));
      textarea.focus();
    },
  }, "Reset to starter");
  const exercise = spec.exercise || spec.function;
  const demoLink = h("a", { class: "btn", href: `/demos/${DEMO_ID}?custom=${encodeURIComponent(exercise)}`, hidden: true,
    onclick: () => sessionStorage.setItem(customKey(exercise), textarea.value) }, "Run in the demo");
  if (DEMO_EXERCISES.has(exercise)) features().then((f) => { demoLink.hidden = !f.demos; });
  const examples = spec.examples.length ? h("div", {},
    h("h3", {}, "Examples"),
    h("pre", {}, spec.examples.map((e) => `>>> ${e.call}\n${e.result}`).join("\n"))) : null;
  return {
    el: h("div", {},
      h("p", {}, "Define ", h("code", { class: "signature" }, spec.signature),
        spec.runtime === "torch" ? " (PyTorch is available as " : " (NumPy is available as ",
        h("code", {}, spec.runtime === "torch" ? "torch" : "np"), ")."),
      spec.available === false ? h("p", { class: "notice warn", role: "status" }, `Unavailable on this server: ${spec.unavailable_reason}`) : null,
      examples,
      h("div", { class: "field" },
        h("label", { for: id }, "Your code"),
        h("div", { class: "editor-wrap" }, textarea,
          h("div", { class: "editor-bar", id: `${id}-keys` },
            h("span", {}, h("kbd", { class: "kbd" }, "Tab"), " indents, ", h("kbd", { class: "kbd" }, "Shift+Tab"), " dedents"),
            h("span", {}, h("kbd", { class: "kbd" }, "Esc"), " then ", h("kbd", { class: "kbd" }, "Tab"), " leaves the editor"))))),
    extraActions: [reset, demoLink],
    focus: () => textarea.focus(),
    answer() {
      if (!textarea.value.trim()) { textarea.focus(); return null; }
      return textarea.value;
    },
    async verdict(v) {
      sessionStorage.setItem(customKey(exercise), textarea.value);
      return v.cases && v.cases.length ? caseTable(v.cases) : null;
    },
  };
}
