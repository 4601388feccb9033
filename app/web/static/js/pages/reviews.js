// "/reviews": the due queue, worked through one question at a time.

import { api, auth } from "../api.js";
import { h, clear, kindChip, relative, pct } from "../dom.js";
import { mountQuestion, unavailableChip } from "../question.js";

function signInPrompt(what) {
  return h("div", { class: "notice" }, h("p", {}, `Sign in to ${what}.`),
    h("a", { class: "btn btn-primary", href: `/login?next=${encodeURIComponent(window.location.pathname)}` }, "Sign in or create an account"));
}

export async function render(view) {
  view.append(h("h1", {}, "Reviews"));
  if (!auth.signedIn) {
    view.append(h("p", { class: "lede" }, "Descent schedules every question you answer for review with FSRS, just before you would forget it."), signInPrompt("get spaced reviews"));
    return "Reviews";
  }
  const page = await api("/me/reviews/due?limit=100");
  const queue = page.data;
  if (!queue.length) {
    view.append(h("p", { class: "lede" }, "Nothing is due right now. Questions come back here when it is time to recall them."),
      h("a", { class: "btn btn-primary", href: "/" }, "Study a topic"));
    return "Reviews";
  }
  const stage = h("div", { class: "review-stage" });
  const list = h("ol", { class: "qlist", "aria-label": "Due questions" }, queue.map((c, i) => h("li", { dataset: { question: c.question } },
    h("span", { class: "state" }, String(i + 1)),
    h("a", { href: `/questions/${c.question}` }, c.title), kindChip(c.kind), unavailableChip(c),
    h("span", { class: "small muted" }, `due ${relative(c.due)} · recall ${pct(c.retrievability)}`))));
  let position = 0;

  async function show(i) {
    position = i;
    clear(stage);
    if (i >= queue.length) {
      stage.append(h("div", { class: "notice" }, h("p", {}, "Queue done — well recalled or not, each card is rescheduled."),
        h("a", { class: "btn", href: "/progress" }, "See your progress")));
      stage.focus();
      return;
    }
    const card = queue[i];
    const question = await api(`/questions/${encodeURIComponent(card.question)}`);
    const next = h("button", { type: "button", class: "btn", onclick: () => show(position + 1) }, i + 1 < queue.length ? "Next review →" : "Finish");
    const body = h("div");
    stage.append(
      h("div", { class: "spread" }, h("h2", {}, `${i + 1} of ${queue.length}: ${question.title}`), kindChip(question.kind)),
      body, h("div", { class: "actions" }, next));
    await mountQuestion(body, question, { onVerdict: () => next.classList.add("btn-primary") });
    list.querySelectorAll("li").forEach((li, k) => li.classList.toggle("current", k === i));
  }

  view.append(
    h("p", { class: "lede" }, `${page.count} question${page.count === 1 ? "" : "s"} due. Answer from memory; the verdict reschedules each one.`),
    h("div", { class: "with-aside" }, stage, h("aside", { "aria-label": "Queue" }, h("div", { class: "card" }, h("h2", { class: "small" }, "Queue"), list))));
  await show(0);
  return "Reviews";
}

export { signInPrompt };
