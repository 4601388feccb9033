// The common part of a verdict: status, score and named feedback with rendered maths.

import { renderTexts } from "./api.js";
import { h } from "./dom.js";

export const STATUS_TEXT = {
  correct: "Correct",
  partial: "Partly right",
  incorrect: "Not yet",
  invalid: "Can't read that answer",
  error: "Could not grade",
};
const STATUS_ICON = { correct: "✓", partial: "◐", incorrect: "✗", invalid: "!", error: "!" };

/** Names of the feedback codes: a mistake the learner can look up. */
const NAMES = {
  sign: "Wrong sign",
  "wrong-sign": "Wrong sign",
  factor: "Off by a constant factor",
  transpose: "Missing or extra transpose",
  "chain-rule": "Chain rule stopped early",
  "branches-swapped": "Piecewise branches swapped",
  shape: "Shape mismatch",
  "known-mistake": "Common mistake",
  "not-equivalent": "Not equivalent",
  equivalent: "Equivalent",
  "first-wrong-line": "First wrong line",
  syntax: "Cannot read the formula",
  covered: "Covered",
  missing: "Missing",
  "wrong-value": "Wrong value",
  correct: "Right value",
  explanation: "Why",
  "too-few-lines": "Too few lines",
  empty: "Empty answer",
};
const GOOD = new Set(["equivalent", "covered", "correct", "right-option"]);
const MISTAKE = new Set(["sign", "wrong-sign", "factor", "transpose", "chain-rule", "branches-swapped", "shape", "known-mistake", "first-wrong-line", "wrong-value"]);

export function feedbackName(code) {
  if (NAMES[code]) return NAMES[code];
  if (code.startsWith("mistake-")) return code.slice(8).replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
  return code.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** A list of {code, message} feedback, the maths in each message rendered. */
export async function feedbackList(items, { skip = [] } = {}) {
  const shown = items.filter((f) => !skip.includes(f.code));
  if (!shown.length) return null;
  const html = await renderTexts(shown.map((f) => f.message));
  return h("ul", { class: "feedback" }, shown.map((f, i) => {
    const mistake = MISTAKE.has(f.code) || f.code.startsWith("mistake-");
    return h("li", { class: mistake ? "mistake" : GOOD.has(f.code) ? "good" : "", dataset: { code: f.code } },
      h("span", { class: "fb-name" }, feedbackName(f.code)),
      h("div", { html: html[i] }));
  }));
}

export function verdictHead(verdict) {
  const score = verdict.status === "partial" || verdict.kind === "open" || verdict.kind === "code"
    ? h("span", { class: "chip" }, `score ${Math.round(verdict.score * 100)} %`) : null;
  return h("div", { class: "verdict-head" },
    h("span", { class: `status-${verdict.status}`, "aria-hidden": "true" }, STATUS_ICON[verdict.status] || ""),
    h("span", { class: `status-${verdict.status} verdict-status` }, STATUS_TEXT[verdict.status] || verdict.status),
    score);
}
