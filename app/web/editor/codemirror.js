// The source of the code editor's bundle: CodeMirror 6 set up for Python exercises.
// build_web.py bundles this file with esbuild into app/web/static/build/codemirror.js when the
// Python package is built or installed; app/web/static/js/editor.js loads the bundle, and falls
// back to a plain text box where it was not built.

import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import {
  EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars,
  keymap, lineNumbers,
} from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

/**
 * An editor in `parent`. Options: doc (the text), onChange(text), attributes (added to the
 * editable element: aria-labelledby, aria-describedby, id …). Ctrl/Cmd+Enter is left to the
 * page (the answer form submits on it); inside the editor it does nothing else.
 */
export function createEditor(parent, { doc = "", onChange = () => {}, attributes = {} } = {}) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(classHighlighter),  // tok-* classes, coloured by app.css in both schemes
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        python(),
        keymap.of([
          { key: "Mod-Enter", run: () => true },  // submitting is the form's job: no blank line
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          indentWithTab,  // Tab indents; Esc then Tab moves the focus on
        ]),
        EditorView.contentAttributes.of({ spellcheck: "false", autocapitalize: "off", autocorrect: "off", ...attributes }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    get value() { return view.state.doc.toString(); },
    set value(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus() { view.focus(); },
    destroy() { view.destroy(); },
  };
}
