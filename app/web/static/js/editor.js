// A plain textarea made into a small code editor: Tab indents, Shift+Tab dedents, Enter keeps
// the indentation; Esc then Tab leaves the editor (so keyboard users are never trapped).

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
