// Derivation: several lines, each previewed live; after checking each is marked ✓ or ✗ and
// the first wrong line is highlighted.

import { renderTexts } from "../api.js";
import { h, uid } from "../dom.js";
import { livePreview, variableList } from "../preview.js";

export const submitLabel = "Check lines";

export function create(question) {
  const spec = question.input;
  const base = uid("line");
  const list = h("ol", { class: "lines" });
  const status = h("p", { class: "small muted", "aria-live": "polite" });
  let rows = [];

  function renumber() {
    rows.forEach((row, i) => {
      row.no.textContent = `${i + 1}.`;
      row.label.textContent = `Line ${i + 1}`;
      row.remove.setAttribute("aria-label", `Remove line ${i + 1}`);
      row.remove.hidden = rows.length <= 1;
    });
  }

  function addLine(after = null, text = "") {
    const id = `${base}-${Math.random().toString(36).slice(2, 8)}`;
    const input = h("input", { id, type: "text", class: "formula-input", autocomplete: "off", spellcheck: "false", autocapitalize: "off", value: text });
    const label = h("label", { for: id, class: "visually-hidden" });
    const row = {
      input, label, no: h("span", { class: "no", "aria-hidden": "true" }),
      mark: h("span", { class: "mark", "aria-live": "polite" }),
      feedback: h("div", { class: "line-feedback" }),
      remove: h("button", { type: "button", class: "btn btn-small", onclick: () => removeLine(row) }, "✕"),
    };
    row.preview = livePreview(input, spec);
    row.li = h("li", { class: "line" }, row.no, h("div", {}, label, input), h("div", { class: "row" }, row.mark, row.remove), row.preview.el, row.feedback);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        addLine(row).input.focus();
      } else if (event.key === "Backspace" && !input.value && rows.length > 1) {
        event.preventDefault();
        const i = rows.indexOf(row);
        removeLine(row);
        rows[Math.max(0, i - 1)].input.focus();
      }
    });
    const index = after ? rows.indexOf(after) + 1 : rows.length;
    rows.splice(index, 0, row);
    list.insertBefore(row.li, rows[index + 1]?.li || null);
    renumber();
    return row;
  }

  function removeLine(row) {
    if (rows.length <= 1) return;
    rows = rows.filter((r) => r !== row);
    row.li.remove();
    renumber();
  }

  for (let i = 0; i < Math.max(2, spec.min_lines || 2); i += 1) addLine();
  const addButton = h("button", { type: "button", class: "btn", onclick: () => addLine().input.focus() }, "Add line");
  let submitted = [];

  return {
    el: h("div", {},
      h("p", { class: "small muted" }, "One expression per line, each equal to the one before (the last one is your result). ",
        h("kbd", { class: "kbd" }, "Enter"), " adds a line."),
      variableList(spec.variables), list, status),
    extraActions: addButton,
    focus: () => rows[0]?.input.focus(),
    answer() {
      submitted = rows.filter((r) => r.input.value.trim());
      if (submitted.length < (spec.min_lines || 1)) {
        status.textContent = `Write at least ${spec.min_lines || 1} lines.`;
        rows.find((r) => !r.input.value.trim())?.input.focus();
        return null;
      }
      status.textContent = "";
      return submitted.map((r) => r.input.value);
    },
    async verdict(v) {
      for (const row of rows) {
        row.li.classList.remove("ok", "bad", "first-wrong");
        row.mark.textContent = "";
        row.feedback.replaceChildren();
        row.li.removeAttribute("aria-label");
      }
      await Promise.all(submitted.map((r) => r.preview.refresh()));
      const steps = v.steps || [];
      const messages = steps.map((s) => {
        const shown = (s.feedback || []).filter((f) => f.code !== "equivalent");
        const named = shown.filter((f) => f.code !== "not-equivalent");
        return (named.length ? named : shown).map((f) => f.message).join(" ");
      });
      const html = await renderTexts(messages);
      let firstWrong = true;
      steps.forEach((step, i) => {
        const row = submitted[(step.line || i + 1) - 1];
        if (!row) return;
        const ok = step.status === "correct";
        row.li.classList.add(ok ? "ok" : "bad");
        row.mark.replaceChildren(h("span", { "aria-hidden": "true" }, ok ? "✓" : "✗"), h("span", { class: "visually-hidden" }, ok ? "correct" : "wrong"));
        if (!ok && firstWrong) {
          row.li.classList.add("first-wrong");
          row.li.setAttribute("aria-label", `Line ${i + 1}: the first wrong line`);
          firstWrong = false;
        }
        if (!ok && html[i]) row.feedback.innerHTML = html[i];
      });
      return null;
    },
  };
}
