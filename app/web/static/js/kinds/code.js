// Code exercise: a code editor with the starter code → Run → a table of cases, each with what
// the learner's code printed.

import { customKey, features } from "../api.js";
import { h, uid } from "../dom.js";
import { codeEditor } from "../editor.js";

const DEMO_EXERCISES = new Set(["sgd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step", "adamw_step"]);
const DEMO_ID = "optimizer-paths";
/** At most this much of each printed stream is shown (the server bounds what it sends, too). */
export const SHOWN_OUTPUT_CHARS = 4000;

export { customKey };

function draftKey(question) {
  return `descent.draft.${question.id}`;
}

function num(x) {
  return x === null || x === undefined ? "" : Number(x).toPrecision(3);
}

/**
 * One printed stream as a labelled block; null when nothing was printed. `serverCut` is the
 * server's word that it kept only the start of the stream; the page shows at most
 * SHOWN_OUTPUT_CHARS of it either way, and says when the learner sees less than was printed.
 */
function stream(name, text, serverCut) {
  if (typeof text !== "string" || !text) return null;
  const shown = text.length > SHOWN_OUTPUT_CHARS ? text.slice(0, SHOWN_OUTPUT_CHARS) : text;
  const note = serverCut || shown.length < text.length
    ? h("p", { class: "small muted output-cut" }, `Cut: your code printed more; only the first ${shown.length.toLocaleString("en")} characters are shown.`)
    : null;
  return h("div", { class: `output ${name}` },
    h("span", { class: "output-name" }, name === "stdout" ? "Printed (stdout)" : "Errors and warnings (stderr)"),
    h("pre", {}, shown), note);
}

/** What a case (or the loading of the module) printed; null when it printed nothing. Each
 * stream may carry its own flag (stdout_truncated, stderr_truncated) or share output_truncated. */
export function printed(source) {
  const parts = [
    stream("stdout", source.stdout, source.stdout_truncated ?? source.output_truncated),
    stream("stderr", source.stderr, source.stderr_truncated ?? source.output_truncated),
  ].filter(Boolean);
  return parts.length ? h("div", { class: "printed" }, parts) : null;
}

function caseTable(cases) {
  const passed = cases.filter((c) => c.passed).length;
  const hiddenPrinted = cases.some((c) => !c.visible && c.output_hidden);
  return h("div", {},
    h("h3", {}, `Cases: ${passed} of ${cases.length} passed`),
    h("div", { class: "table-wrap" }, h("table", { class: "cases" },
      h("caption", { class: "visually-hidden" }, "Results of each test case"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Case"), h("th", { scope: "col" }, "Input"),
        h("th", { scope: "col" }, "Result"), h("th", { scope: "col" }, "Message"), h("th", { scope: "col" }, "Max error"))),
      h("tbody", {}, cases.map((c) => {
        const output = printed(c);
        return [
          h("tr", { class: `${c.passed ? "pass" : "fail"}${output ? " has-output" : ""}` },
            h("th", { scope: "row" }, c.name),
            h("td", { "data-label": "Input" }, c.visible ? (c.call ? h("code", {}, c.call) : "visible") : h("span", { class: "muted" }, "hidden")),
            h("td", { class: c.passed ? "pass" : "fail", "data-label": "Result" }, c.passed ? "✓ passed" : "✗ failed"),
            h("td", { "data-label": "Message" }, c.message || "", c.expected != null && !c.passed ? h("div", { class: "small" }, "expected ", h("code", {}, String(c.expected))) : null),
            h("td", { class: "small", "data-label": "Max error" }, c.max_abs_error != null ? `abs ${num(c.max_abs_error)}` : "", c.max_rel_error != null ? h("br") : null,
              c.max_rel_error != null ? `rel ${num(c.max_rel_error)}` : "")),
          output ? h("tr", { class: "case-output" }, h("td", { colspan: "5" }, output)) : null,
        ];
      })))),
    hiddenPrinted ? h("p", { class: "small muted" }, "What hidden cases print is not shown: it would give their inputs away.") : null);
}

export const submitLabel = "Run";
export const busyLabel = "Running…";
export const scroll = false;  // the case table is long: keep the editor in view

export function create(question) {
  const spec = question.input;
  const id = uid("code");
  const saved = sessionStorage.getItem(draftKey(question));
  const save = (text) => sessionStorage.setItem(draftKey(question), text);
  const textarea = h("textarea", {
    id, name: "answer", class: "code", spellcheck: "false", autocapitalize: "off", autocomplete: "off",
    rows: String(Math.max(12, spec.starter.split("\n").length + 4)), "aria-describedby": `${id}-keys`,
    value: saved || spec.starter,
  });
  const label = h("label", { for: id, id: `${id}-label` }, "Your code");
  const notice = h("span", { class: "editor-notice", role: "status", hidden: true });
  const editor = codeEditor(textarea, {
    label, onChange: save, notice: (text) => { notice.textContent = text; notice.hidden = false; },
  });
  const reset = h("button", {
    type: "button", class: "btn", onclick: () => {
      editor.value = spec.starter;
      sessionStorage.removeItem(draftKey(question));
      editor.focus();
    },
  }, "Reset to starter");
  const exercise = spec.exercise || spec.function;
  const demoLink = h("a", { class: "btn", href: `/demos/${DEMO_ID}?custom=${encodeURIComponent(exercise)}`, hidden: true,
    onclick: () => sessionStorage.setItem(customKey(exercise), editor.value) }, "Run in the demo");
  if (DEMO_EXERCISES.has(exercise)) features().then((f) => { demoLink.hidden = !f.demos; });
  const printsNote = h("span", { class: "muted", hidden: true }, "What your code prints is shown with each visible case.");
  features().then((f) => { printsNote.hidden = !f.printedOutput; });
  const examples = spec.examples.length ? h("div", {},
    h("h3", {}, "Examples"),
    h("pre", {}, spec.examples.map((e) => `>>> ${e.call}\n${e.result}`).join("\n"))) : null;
  const wrap = h("div", { class: "editor-wrap" }, textarea,
    h("div", { class: "editor-bar", id: `${id}-keys` },
      h("span", {}, h("kbd", { class: "kbd" }, "Tab"), " indents, ", h("kbd", { class: "kbd" }, "Shift+Tab"), " dedents"),
      h("span", {}, h("kbd", { class: "kbd" }, "Esc"), " then ", h("kbd", { class: "kbd" }, "Tab"), " leaves the editor"),
      notice));
  editor.ready.then((kind) => { wrap.dataset.editor = kind; });
  return {
    el: h("div", {},
      h("p", {}, "Define ", h("code", { class: "signature" }, spec.signature),
        spec.runtime === "torch" ? " (PyTorch is available as " : " (NumPy is available as ",
        h("code", {}, spec.runtime === "torch" ? "torch" : "np"), "). ", printsNote),
      spec.available === false ? h("p", { class: "notice warn", role: "status" }, `Unavailable on this server: ${spec.unavailable_reason}`) : null,
      examples,
      h("div", { class: "field" }, label, wrap)),
    extraActions: [reset, demoLink],
    focus: () => editor.focus(),
    editor,
    answer() {
      const code = editor.value;
      if (!code.trim()) { editor.focus(); return null; }
      return code;
    },
    async verdict(v) {
      sessionStorage.setItem(customKey(exercise), editor.value);
      const loading = printed(v);  // printed while the module loaded, before any case ran
      const table = v.cases && v.cases.length ? caseTable(v.cases) : null;
      if (!loading && !table) return null;
      return h("div", {}, loading ? h("div", {}, h("h3", {}, "Printed while loading your code"), loading) : null, table);
    },
  };
}
