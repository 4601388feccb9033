// The live "interpreted as" preview of a formula (debounced POST /parse), errors at the position.

import { api } from "./api.js";
import { h, debounce } from "./dom.js";

const DELAY_MS = 250;

/** The text with the character at `position` marked (or a caret at the end). */
function pointAt(text, position) {
  if (position === null || position === undefined || position < 0) return null;
  const before = text.slice(0, position);
  const at = text.slice(position, position + 1);
  const after = text.slice(position + 1);
  return h("pre", { class: "at", "aria-label": `error at character ${position + 1}` },
    before, h("mark", {}, at || " "), after);
}

/** Variables the answer may use, as chips ("X: n×p", "y: n, binary"). */
export function variableList(variables) {
  const names = Object.entries(variables || {});
  if (!names.length) return null;
  return h("p", { class: "vars muted" }, "Variables: ",
    names.map(([name, v], i) => [i ? ", " : "", h("code", {}, name + (v.shape.length ? `: ${v.shape.join("×")}` : ": scalar") + (v.domain && v.domain !== "real" ? `, ${v.domain}` : ""))]));
}

/** Attach a live preview to an input; returns {el, refresh}. */
export function livePreview(input, spec, { label = "Interpreted as" } = {}) {
  const el = h("div", { class: "preview", "aria-live": "polite", id: `${input.id}-preview` });
  let controller;
  const show = (...children) => el.replaceChildren(...children.filter((c) => c !== null && c !== undefined));
  const placeholder = () => {
    el.classList.remove("error");
    show(h("span", { class: "label" }, label), h("span", { class: "muted small" }, "your formula appears here as you type"));
  };
  const run = async () => {
    const text = input.value;
    controller?.abort();
    if (!text.trim()) { placeholder(); input.removeAttribute("aria-invalid"); return; }
    controller = new AbortController();
    try {
      const result = await api("/parse", {
        method: "POST", signal: controller.signal,
        body: {
          text, syntax: spec.syntax || "auto", variables: spec.variables || {},
          definitions: spec.definitions || {},  // names the prompt defines ("let p = σ(z)")
        },
      });
      if (result.ok) {
        el.classList.remove("error");
        input.removeAttribute("aria-invalid");
        show(h("span", { class: "label" }, label), h("span", { class: "mathml", html: result.interpreted_as.mathml }));
      } else {
        el.classList.add("error");
        input.setAttribute("aria-invalid", "true");
        show(h("span", { class: "label" }, "Cannot read"), h("span", { class: "parse-error" }, result.error.message),
          pointAt(text, result.error.position));
      }
    } catch (err) {
      if (err.name !== "AbortError") show(h("span", { class: "muted small" }, err.message));
    }
  };
  const delayed = debounce(run, DELAY_MS);
  input.addEventListener("input", delayed);
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), el.id].filter(Boolean).join(" "));
  placeholder();
  return { el, refresh: run };
}
