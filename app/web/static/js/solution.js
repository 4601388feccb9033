// A worked solution: steps of maths (MathML from the server) and prose, reference code, notes.

import { h, rich } from "./dom.js";

export function solutionBlock(solution) {
  const steps = (solution.steps || []).map((step) => h("li", {},
    step.text ? rich(step.text.html, "div") : null,
    step.mathml ? h("div", { class: "math-display", html: step.mathml }) : null));
  return h("section", { class: "solution", "aria-label": "Worked solution" },
    h("h3", {}, "Worked solution"),
    steps.length ? h("ol", { class: "solution-steps" }, steps) : null,
    solution.code ? h("pre", { class: "code-block" }, h("code", {}, solution.code)) : null,
    rich(solution.notes.html, "div", { class: "solution-notes" }));
}
