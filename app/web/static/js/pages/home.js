// "/": the topic map, modules in prerequisite order with mastery when signed in.

import { api, auth, topics as allTopics } from "../api.js";
import { h, rich, kindChip, pct } from "../dom.js";

const LEVEL_NAMES = ["Start here", "Foundations", "Core losses and optimisers", "Going further", "Advanced", "Capstone"];

/** Depth of each topic in the prerequisite graph (0 = no prerequisites). */
export function depths(list) {
  const byId = new Map(list.map((t) => [t.id, t]));
  const memo = new Map();
  const depth = (id, seen = new Set()) => {
    if (memo.has(id)) return memo.get(id);
    if (seen.has(id) || !byId.has(id)) return 0;
    seen.add(id);
    const prereqs = byId.get(id).prerequisites || [];
    const d = prereqs.length ? 1 + Math.max(...prereqs.map((p) => depth(p, seen))) : 0;
    memo.set(id, d);
    return d;
  };
  list.forEach((t) => depth(t.id));
  return memo;
}

function topicCard(topic, titles, progress, nextTopic) {
  const mine = progress ? progress.get(topic.id) : null;
  const counts = Object.entries(topic.question_counts || {}).filter(([, n]) => n > 0);
  const after = (topic.prerequisites || []).map((p) => titles.get(p) || p);
  return h("article", { class: `card topic-card${topic.id === nextTopic ? " next" : ""}` },
    topic.id === nextTopic ? h("span", { class: "chip", style: "align-self:flex-start" }, "Next up for you") : null,
    h("h3", {}, h("a", { href: `/topics/${topic.id}` }, topic.title)),
    rich(topic.summary.html, "div", { class: "summary" }),
    h("ul", { class: "chips", "aria-label": "Questions by kind" },
      counts.map(([kind, n]) => h("li", {}, kindChip(kind, n)))),
    after.length ? h("p", { class: "after" }, "After: ", after.join(", ")) : null,
    mine ? h("div", {},
      h("div", { class: "spread small" }, h("span", { class: "muted" }, "Mastery"), h("span", {}, pct(mine.mastery))),
      h("div", { class: "meter", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.round(mine.mastery * 100)), "aria-label": `Mastery of ${topic.title}` },
        h("span", { style: `width:${Math.round(mine.mastery * 100)}%` }))) : null,
  );
}

export async function render(view) {
  const [list, progress] = await Promise.all([
    allTopics(),
    auth.signedIn ? api("/me/progress").catch(() => null) : Promise.resolve(null),
  ]);
  const titles = new Map(list.map((t) => [t.id, t.title]));
  const mastery = progress ? new Map(progress.topics.map((t) => [t.topic, t])) : null;
  const levels = depths(list);
  const byLevel = new Map();
  for (const topic of list) {
    const d = levels.get(topic.id) || 0;
    if (!byLevel.has(d)) byLevel.set(d, []);
    byLevel.get(d).push(topic);
  }
  const questionCount = list.reduce((n, t) => n + t.question_count, 0);
  view.append(
    h("section", { class: "hero" },
      h("h1", {}, "Loss functions and optimisation, interview-ready"),
      h("p", { class: "lede" }, `${list.length} topics and ${questionCount} questions: study a topic, answer what an interviewer would ask next, derive gradients, implement losses in NumPy and come back when reviews are due.`),
      progress ? summaryRow(progress, titles) : h("p", { class: "notice" },
        "You are practising anonymously: answers are graded but not kept. ",
        h("a", { href: "/login?next=/" }, "Sign in or create an account"), " to track mastery and get spaced reviews.")),
  );
  for (const d of [...byLevel.keys()].sort((a, b) => a - b)) {
    const id = `level-${d}`;
    view.append(
      h("div", { class: "level" }, h("h2", { id }, LEVEL_NAMES[d] || `Level ${d + 1}`),
        h("span", { class: "muted small" }, d === 0 ? "no prerequisites" : `builds on level ${d}`)),
      h("div", { class: "grid", role: "list", "aria-labelledby": id },
        byLevel.get(d).map((t) => {
          const card = topicCard(t, titles, mastery, progress?.next_topic);
          card.setAttribute("role", "listitem");
          return card;
        })),
    );
  }
  return "Topics";
}

function summaryRow(progress, titles) {
  const next = progress.next_topic;
  return h("div", { class: "row" },
    h("span", { class: "chip" }, `Streak: ${progress.streak_days} day${progress.streak_days === 1 ? "" : "s"}`),
    progress.due ? h("a", { class: "btn btn-small btn-primary", href: "/reviews" }, `${progress.due} review${progress.due === 1 ? "" : "s"} due`) : h("span", { class: "chip" }, "No reviews due"),
    next ? h("a", { class: "btn btn-small", href: `/topics/${next}` }, `Continue with ${titles.get(next) || next}`) : null,
    h("a", { class: "btn btn-small", href: "/progress" }, "Your progress"));
}
