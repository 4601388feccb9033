// "/questions/{id}": one question of any kind, with its neighbours in the topic.

import { api, topics as allTopics } from "../api.js";
import { h, kindChip, difficulty } from "../dom.js";
import { mountQuestion, unavailableChip } from "../question.js";
import { askCard } from "../ask.js";
import { questionStates, stateMark } from "./topic.js";

export async function render(view, [questionId], query) {
  const variant = query.get("variant");
  const suffix = variant && /^\d+$/.test(variant) ? `?variant=${variant}` : "";
  const question = await api(`/questions/${encodeURIComponent(questionId)}${suffix}`);
  if (question.variant != null && !suffix) {
    // Keep the drawn numbers on reload and when the link is shared.
    history.replaceState(null, "", `/questions/${question.id}?variant=${question.variant}${window.location.hash}`);
  }
  const [siblings, topicList, states] = await Promise.all([
    api(`/questions?topic=${encodeURIComponent(question.topic)}&limit=500`).then((p) => p.data),
    allTopics().catch(() => []),
    questionStates(question.topic),
  ]);
  const topicTitle = topicList.find((t) => t.id === question.topic)?.title || question.topic;
  const index = siblings.findIndex((q) => q.id === question.id);
  const next = siblings[index + 1];
  const prev = siblings[index - 1];

  const body = h("div", { class: "question" });
  const nextBox = h("div", { class: "actions" },
    prev ? h("a", { class: "btn", href: `/questions/${prev.id}`, rel: "prev" }, "← Previous") : null,
    next ? h("a", { class: "btn", href: `/questions/${next.id}`, rel: "next" }, "Next question →")
      : h("a", { class: "btn", href: `/topics/${question.topic}` }, "Back to the topic"),
    question.variant != null ? h("a", { class: "btn", href: `/questions/${question.id}` }, "New numbers") : null);
  const article = h("article", {},
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "Topics"), " / ", h("a", { href: `/topics/${question.topic}` }, topicTitle)),
    h("h1", {}, question.title),
    h("div", { class: "row" }, kindChip(question.kind), difficulty(question.difficulty), unavailableChip(question),
      question.variant != null ? h("span", { class: "chip", title: "The numbers are drawn for you; the link keeps this draw" }, `variant ${question.variant}`) : null),
    body, nextBox);
  await mountQuestion(body, question);

  const ask = await askCard(question.topic, topicTitle);
  const aside = h("aside", { "aria-label": "More in this topic" },
    h("nav", { class: "card toc", "aria-label": `Questions in ${topicTitle}` },
      h("h2", { class: "small" }, h("a", { href: `/topics/${question.topic}` }, topicTitle)),
      h("ul", {}, siblings.map((q) => h("li", { class: "row", style: "flex-wrap:nowrap;gap:0.3rem" },
        stateMark(states.get(q.id)),
        q.id === question.id ? h("strong", { "aria-current": "page" }, q.title) : h("a", { href: `/questions/${q.id}` }, q.title), unavailableChip(q))))),
    ask);
  view.append(h("div", { class: "with-aside" }, article, aside));
  return question.title;
}
