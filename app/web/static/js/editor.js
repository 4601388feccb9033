// The code editor. A textarea where Tab indents comes first (it works at once and everywhere);
// it is then replaced by CodeMirror 6 — Python highlighting, line numbers, bracket matching —
// from the bundle that build_web.py makes when Descent is installed. Where that bundle was not
// built (no Node.js at install time), the textarea stays, with a one-line notice.
// In both, Esc then Tab leaves the editor, so keyboard users are never trapped.

import { assets } from "./assets.js";

const INDENT = "    ";

function insert(textarea, text) {
  textarea.focus();
  // execCommand keeps the browser's undo history; setRangeText is the fallback.
  if (!document.execCommand || !document.execCommand("insertText", false, text)) {
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

function lineStart(value, pos) {
  return value.lastIndexOf("\n", pos - 1) + 1;
}

function reindent(textarea, dedent) {
  const { value, selectionStart, selectionEnd } = textarea;
  const start = lineStart(value, selectionStart);
  const endLine = value.indexOf("\n", selectionEnd - (selectionEnd > selectionStart && value[selectionEnd - 1] === "\n" ? 1 : 0));
  const end = endLine === -1 ? value.length : endLine;
  const lines = value.slice(start, end).split("\n");
  const changed = lines.map((line) => (dedent ? line.replace(/^ {1,4}/, "") : INDENT + line)).join("\n");
  textarea.setSelectionRange(start, end);
  insert(textarea, changed);
  textarea.setSelectionRange(start, start + changed.length);
}

/** Tab / Shift+Tab / Enter that keeps the indentation, on a plain textarea. */
export function makeEditor(textarea) {
  let escaped = false;
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { escaped = true; return; }
    if (event.key === "Tab") {
      if (escaped) { escaped = false; return; }  // let focus move on
      event.preventDefault();
      const multiline = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd).includes("\n");
      if (event.shiftKey || multiline) reindent(textarea, event.shiftKey);
      else insert(textarea, INDENT);
      return;
    }
    escaped = false;
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      const { value, selectionStart } = textarea;
      const line = value.slice(lineStart(value, selectionStart), selectionStart);
      const indent = line.match(/^\s*/)[0] + (/:\s*$/.test(line) ? INDENT : "");
      event.preventDefault();
      insert(textarea, `\n${indent}`);
    }
  });
}

let bundle;

function loadBundle(url) {
  bundle ??= import(url).catch((err) => {
    bundle = undefined;
    throw err;
  });
  return bundle;
}

/**
 * Make `textarea` (already in the page, labelled by the element `label`) a code editor.
 * Returns {value, focus(), ready}: `ready` resolves to "codemirror" or "textarea" once the
 * upgrade is done or given up; `notice(text)` is called when the plain text box stays.
 */
export function codeEditor(textarea, { label, onChange = () => {}, notice = () => {} }) {
  makeEditor(textarea);
  textarea.addEventListener("input", () => onChange(textarea.value));
  let cm = null;
  const editor = {
    get value() { return cm ? cm.value : textarea.value; },
    set value(text) {
      if (cm) cm.value = text;
      else textarea.value = text;
    },
    focus() { (cm || textarea).focus(); },
    get kind() { return cm ? "codemirror" : "textarea"; },
  };
  editor.ready = (async () => {
    const { editor: url, editor_missing: missing } = await assets();
    if (!url) {
      notice(missing);
      return "textarea";
    }
    let module;
    try {
      module = await loadBundle(url);
    } catch (err) {
      console.warn("the code editor did not load; keeping the text box", err);
      notice("The code editor did not load: a plain text box is used.");
      return "textarea";
    }
    if (!textarea.isConnected) return "textarea";
    const focused = document.activeElement === textarea;
    const host = document.createElement("div");
    host.className = "code-editor";
    host.style.setProperty("--editor-min", `${Math.max(textarea.offsetHeight - 20, 160)}px`);
    if (!label.id) label.id = `${textarea.id}-label`;
    const attributes = { "aria-labelledby": label.id };
    const described = textarea.getAttribute("aria-describedby");
    if (described) attributes["aria-describedby"] = described;
    cm = module.createEditor(host, { doc: textarea.value, onChange, attributes });
    textarea.replaceWith(host);
    label.addEventListener("click", () => cm.focus());
    if (focused) cm.focus();
    return "codemirror";
  })();
  return editor;
}
