// One question, any kind: prompt, answer input, hints one at a time, verdict and self-rating.

import { api, auth, refreshDue, idempotencyKey, ApiError } from "./api.js";
import { h, rich, clear, errorBox, announce, relative } from "./dom.js";
import { feedbackList, verdictHead } from "./verdict.js";
import { solutionBlock } from "./solution.js";

// Each kind's input lives in ./kinds/<kind>.js (create, and optionally submitLabel, busyLabel,
// shownInline: feedback codes it shows next to the answer, selfRated, scroll); a kind without
// one gets the plain text box of ./kinds/text.js.
export async function loadKind(name) {
  if (/^[a-z][a-z-]*$/.test(name)) {
    try {
      return await import(`./kinds/${name}.js`);
    } catch (err) {
      console.warn(`no input module for kind ${name}; using a text box`, err);
    }
  }
  return import("./kinds/text.js");
}

function attemptsPath(question) {
  return `/questions/${encodeURIComponent(question.id)}/attempts`;
}

/** The default submission: graded, and stored at once when signed in (never lost); its key
 * makes a repeat of the same request harmless. */
function defaultSubmit(question) {
  return (payload, key) => api(attemptsPath(question), { method: "POST", body: payload, headers: { "Idempotency-Key": key } });
}

/** A mark for a question this server cannot grade, saying what to install; null otherwise. */
export function unavailableChip(question) {
  if (question.available !== false) return null;
  return h("span", { class: "chip unavailable", title: question.unavailable_reason || "" },
    "Unavailable here", h("span", { class: "visually-hidden" }, `: ${question.unavailable_reason || ""}`));
}

/** The self-rating of a stored open answer schedules its next review. */
async function saveRating(question, rating) {
  const review = await api(`/me/reviews/${encodeURIComponent(question.id)}`, { method: "POST", body: { rating } });
  return `Next review ${relative(review.due)}.`;
}

/** The self-rating buttons after an open answer; rating schedules the next review. The
 * verdict suggests one (marked), the learner decides. */
function ratings(question, ctx, suggested) {
  const status = h("p", { class: "small muted", "aria-live": "polite" });
  const buttons = ["again", "hard", "good", "easy"].map((rating) => h("button", {
    type: "button", class: "btn", "aria-pressed": "false",
    onclick: async (event) => {
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === event.currentTarget)));
      if (!auth.signedIn) {
        status.replaceChildren("Noted. ", h("a", { href: `/login?next=/questions/${question.id}` }, "Sign in"), " to have Descent schedule this question for review.");
        return;
      }
      buttons.forEach((b) => { b.disabled = true; });
      try {
        status.textContent = `Rated “${rating}”. ${await saveRating(question, rating)}`;
        refreshDue();
      } catch (err) {
        status.replaceChildren(errorBox(err));
        buttons.forEach((b) => { b.disabled = false; });
      }
    },
  }, rating[0].toUpperCase() + rating.slice(1)));
  buttons.forEach((b, i) => {
    if (["again", "hard", "good", "easy"][i] === suggested) {
      b.classList.add("suggested");
      b.title = "Suggested from the verdict";
    }
  });
  return h("section", { class: "rating", "aria-labelledby": `rate-${question.id}` },
    h("h3", { id: `rate-${question.id}` }, "How well did you know it?"),
    h("p", { class: "small muted" }, "Compare with the model answer and rate yourself honestly: it decides when you see this again.",
      suggested ? ` The verdict suggests “${suggested[0].toUpperCase()}${suggested.slice(1)}”.` : ""),
    h("div", { class: "ratings", role: "group", "aria-label": "Self-rating" }, buttons),
    status);
}

/** "Show solution": the worked solution, at the price of a failed attempt (rated Again). */
function giveUpButton(question, box) {
  if (!question.has_solution) return null;
  const button = h("button", { type: "button", class: "btn" }, "Show solution");
  button.addEventListener("click", async () => {
    const note = auth.signedIn ? " It counts as a failed attempt and the question comes back for review soon." : "";
    if (!window.confirm(`Show the worked solution?${note}`)) return;
    button.disabled = true;
    try {
      const reply = await api(`/questions/${encodeURIComponent(question.id)}/give-up`, { method: "POST", body: {} });
      clear(box).append(solutionBlock(reply.solution));
      button.hidden = true;
      if (auth.signedIn) refreshDue();
    } catch (err) {
      box.append(errorBox(err));
      button.disabled = false;
    }
  });
  return button;
}

function hintsBlock(question, ctx) {
  const list = h("div", { class: "hints", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "btn" });
  const label = () => {
    button.textContent = ctx.hintsUsed ? `Another hint (${ctx.hintsUsed + 1} of ${question.hint_count})` : `Show a hint (1 of ${question.hint_count})`;
    button.hidden = ctx.hintsUsed >= question.hint_count;
  };
  button.addEventListener("click", async () => {
    const n = ctx.hintsUsed + 1;
    const variant = question.variant != null ? `?variant=${question.variant}` : "";
    try {
      button.disabled = true;
      const hint = await api(`/questions/${encodeURIComponent(question.id)}/hints/${n}${variant}`);
      ctx.hintsUsed = n;
      list.append(h("div", { class: "hint" }, h("strong", {}, `Hint ${n}. `), rich(hint.hint.html, "span")));
    } catch (err) {
      list.append(errorBox(err));
    } finally {
      button.disabled = false;
      label();
    }
  });
  label();
  return { list, button: question.hint_count ? button : null };
}

/**
 * Mount a question into `container`.
 * options.submit(payload) → verdict (default: POST /questions/{id}/attempts);
 * options.onVerdict(verdict) is called after each graded submission.
 */
export async function mountQuestion(container, question, options = {}) {
  const kind = await loadKind(question.kind);
  const ctx = { hintsUsed: 0, started: performance.now(), pending: null };
  const submit = options.submit || defaultSubmit(question);
  const input = kind.create(question);
  const verdictBox = h("div", { class: "verdict-slot", "aria-live": "polite" });
  const hints = hintsBlock(question, ctx);
  const solutionBox = h("div", { class: "solution-slot", "aria-live": "polite" });
  const giveUp = giveUpButton(question, solutionBox);
  const idleLabel = kind.submitLabel || "Check answer";
  const submitButton = h("button", { type: "submit", class: "btn btn-primary" }, idleLabel);
  let inFlight = false;  // one request per action (Enter in a box and Ctrl+Enter both submit)
  const form = h("form", { class: "answer-form", novalidate: true },
    h("div", { class: "answer-area" }, input.el),
    h("div", { class: "actions" }, submitButton, hints.button, giveUp, input.extraActions || null,
      h("span", { class: "small muted" }, h("kbd", { class: "kbd" }, "Ctrl"), "+", h("kbd", { class: "kbd" }, "Enter"), " to submit")));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (inFlight) return;
    const answer = input.answer();
    if (answer === null) return;  // the input explained what is missing
    const payload = {
      answer,
      hints_used: ctx.hintsUsed,
      time_taken_ms: Math.round(performance.now() - ctx.started),
    };
    if (question.variant != null) payload.variant = question.variant;
    inFlight = true;
    submitButton.disabled = true;
    submitButton.textContent = kind.busyLabel || "Checking…";
    clear(verdictBox);
    try {
      const verdict = await submit(payload, idempotencyKey());
      await showVerdict(verdictBox, question, kind, verdict, input, options.submit ? null : ctx);
      options.onVerdict?.(verdict);
      if (auth.signedIn) refreshDue();
    } catch (err) {
      verdictBox.append(errorBox(err));
      if (err instanceof ApiError && err.status === 503) verdictBox.append(h("p", { class: "small muted" }, "Try again in a moment."));
    } finally {
      inFlight = false;
      submitButton.disabled = false;
      submitButton.textContent = idleLabel;
    }
  });
  container.append(
    rich(question.prompt.html, "div", { class: "prompt prose" }),
    form, hints.list, solutionBox, verdictBox);
  return { focus: () => input.focus?.() };
}

async function showVerdict(box, question, kind, verdict, input, ctx) {
  const details = await input.verdict(verdict);
  const feedback = await feedbackList(verdict.feedback || [], { skip: kind.shownInline || [] });
  const panel = h("section", { class: `verdict ${verdict.status}`, tabindex: "-1", "aria-label": "Result" },
    verdictHead(verdict), feedback, details || null,
    verdict.solution ? solutionBlock(verdict.solution) : null,
    kind.selfRated && ctx && verdict.status !== "invalid" ? ratings(question, ctx, verdict.suggested_rating) : null);
  clear(box).append(panel);
  announce(`${panel.querySelector(".verdict-status").textContent}.`);
  if (kind.scroll !== false) panel.scrollIntoView({ block: "nearest" });
}
