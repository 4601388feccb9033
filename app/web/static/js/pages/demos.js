// "/demos": every demo of the lab, with the topics it illustrates.

import { demos as allDemos, topics as allTopics } from "../api.js";
import { h } from "../dom.js";

export async function render(view) {
  const [list, topicList] = await Promise.all([allDemos(), allTopics().catch(() => [])]);
  const titles = new Map(topicList.map((t) => [t.id, t.title]));
  view.append(
    h("h1", {}, "Demo lab"),
    h("p", { class: "lede" }, "Run the optimisers, schedules and losses yourself. Every run is seeded, so a link reproduces the same chart; change a parameter and run again."),
    list.length ? h("div", { class: "grid", role: "list" }, list.map((d) => h("article", { class: "card topic-card", role: "listitem" },
      h("h3", {}, h("a", { href: `/demos/${d.id}` }, d.title)),
      d.description ? h("p", { class: "summary" }, d.description) : null,
      (d.topics || []).length ? h("p", { class: "after" }, "Topics: ", d.topics.map((t) => titles.get(t) || t).join(", ")) : null)))
      : h("p", { class: "notice" }, "This server has no demos yet."));
  return "Demo lab";
}
