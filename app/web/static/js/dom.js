// A tiny element builder and helpers; server `html` fields are the only markup inserted raw.

/**
 * Build an element: h("a", {href: "/", class: "x", onclick: fn}, "text", child, [more]).
 * `html` sets trusted server markup (MathML); everything else is text or attributes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "html") { el.innerHTML = value; scrollBlockMath(el); }
    else if (key === "text") el.textContent = value;
    else if (key === "value") el.value = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

const LONG_INLINE_MATH = 28;  // characters of text: an inline formula that may not fit a phone

/** Each display formula in server markup, and each long inline one, goes in a box of its own
 * that scrolls sideways when the formula is wider than the page (MathML does not break lines). */
function scrollBlockMath(el) {
  for (const math of el.querySelectorAll("math")) {
    if (math.parentElement?.classList.contains("math-scroll")) continue;
    const block = math.getAttribute("display") === "block";
    if (!block && (math.textContent || "").length < LONG_INLINE_MATH) continue;
    const box = document.createElement(block ? "div" : "span");
    box.className = block ? "math-scroll" : "math-scroll inline";
    if (block) box.tabIndex = 0;  // a scrolling box must be reachable from the keyboard
    math.replaceWith(box);
    box.append(math);
  }
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Server-rendered HTML (text with MathML) in a wrapper element. */
export function rich(html, tag = "div", attrs = {}) {
  return h(tag, { ...attrs, html: html || "" });
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Tell screen-reader users about a change that happened without a page load. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  setTimeout(() => { region.textContent = message; }, 30);
}

/** API wording made plain for the page: the schema says what `null` means ("lr null = …",
 * "null = …"); on the page a field is simply left empty. */
export function plainWords(text) {
  return String(text)
    .replace(/\b([A-Za-z_][\w.]*) null = /g, (_, name) => `with ${name} left empty: `)
    .replace(/\(null = /g, "(when left empty: ")
    .replace(/\bnull = /g, "when left empty: ")
    .replace(/\bnull tunes it\b/g, "left empty, it is tuned")
    .replace(/\bnull\b/g, "empty");
}

let ids = 0;
export function uid(prefix = "id") {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A problem from the API shown in a box (with the location of each invalid field). */
export function errorBox(err) {
  const problem = err && err.problem ? err.problem : {};
  const items = (problem.errors || []).map((e) => h("li", {}, `${(e.loc || []).filter((p) => p !== "body").join(".")}: ${e.msg}`));
  return h("div", { class: "error-box", role: "alert" },
    h("strong", {}, problem.title || "Something went wrong"), " ",
    problem.detail || (err && err.message) || "",
    items.length ? h("ul", {}, items) : null);
}

export const KIND_LABELS = {
  open: "Open", choice: "Choice", numeric: "Numeric", expression: "Formula",
  derivation: "Derivation", code: "Code",
};

export function kindChip(kind, count) {
  return h("span", { class: `chip kind-${kind}` }, KIND_LABELS[kind] || kind,
    count === undefined ? null : h("span", { class: "count" }, String(count)));
}

export function difficulty(n) {
  const level = Math.max(1, Math.min(3, n || 1));
  return h("span", { class: "dots", title: `Difficulty ${level} of 3`, "aria-label": `Difficulty ${level} of 3` },
    "●".repeat(level) + "○".repeat(3 - level));
}

export function pct(x) {
  return `${Math.round((x || 0) * 100)} %`;
}

/** "in 3 days", "2 hours ago" for a date relative to now. */
export function relative(date) {
  const seconds = (new Date(date).getTime() - Date.now()) / 1000;
  const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const fmt = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return fmt.format(Math.round(seconds / size), unit);
  }
  return fmt.format(Math.round(seconds), "second");
}
