// "/progress": mastery per topic, accuracy over time, streak and due reviews.

import { api, auth } from "../api.js";
import { h, pct } from "../dom.js";
import { drawFigure } from "../plot.js";
import { signInPrompt } from "./reviews.js";

function stat(num, label, href) {
  const body = [h("div", { class: "num" }, String(num)), h("div", { class: "lbl" }, label)];
  return href ? h("a", { class: "stat", href, style: "text-decoration:none;color:inherit" }, body) : h("div", { class: "stat" }, body);
}

/** Accuracy per day from the attempt history (oldest first). */
export function daily(attempts) {
  const days = new Map();
  for (const a of attempts) {
    if (a.status === "invalid" || a.status === "error") continue;
    const day = a.created_at.slice(0, 10);
    const d = days.get(day) || { n: 0, correct: 0 };
    d.n += 1;
    d.correct += a.correct ? 1 : 0;
    days.set(day, d);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export async function render(view) {
  view.append(h("h1", {}, "Your progress"));
  if (!auth.signedIn) {
    view.append(signInPrompt("see mastery per topic, your streak and your accuracy over time"));
    return "Progress";
  }
  const [progress, attempts] = await Promise.all([api("/me/progress"), api("/me/attempts?limit=500")]);
  const topics = progress.topics;
  const titles = new Map(topics.map((t) => [t.topic, t.title]));
  const mastered = topics.filter((t) => t.mastery >= 0.8).length;
  const per = daily(attempts.data);
  view.append(
    h("div", { class: "stats" },
      stat(`${progress.streak_days}`, `day streak`),
      stat(progress.due, "reviews due", "/reviews"),
      stat(progress.attempts, "answers"),
      stat(`${mastered}/${topics.length}`, "topics mastered")),
    h("div", { class: "row" },
      progress.next_topic ? h("a", { class: "btn btn-primary", href: `/topics/${progress.next_topic}` }, `Next: ${titles.get(progress.next_topic) || progress.next_topic}`) : null,
      progress.due ? h("a", { class: "btn", href: "/reviews" }, `Review ${progress.due} due`) : null,
      progress.weakest.length ? h("span", { class: "small muted" }, "Weakest: ", progress.weakest.map((t, i) => [i ? ", " : "", h("a", { href: `/topics/${t}` }, titles.get(t) || t)])) : null));

  const masteryChart = h("div", { class: "chart", id: "mastery-chart" });
  const accuracyChart = h("div", { class: "chart small", id: "accuracy-chart" });
  view.append(
    h("section", { "aria-labelledby": "mastery-h" }, h("h2", { id: "mastery-h" }, "Mastery per topic"),
      h("p", { class: "small muted" }, "Latest score on each question × how likely you still recall it, averaged over the topic."),
      h("figure", { style: "margin:0" }, masteryChart),
      h("details", {}, h("summary", {}, "Show as a table"), h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ["Topic", "Mastery", "Answered", "Accuracy", "Due"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, topics.map((t) => h("tr", {},
          h("th", { scope: "row" }, h("a", { href: `/topics/${t.topic}` }, t.title)), h("td", {}, pct(t.mastery)),
          h("td", {}, `${t.answered}/${t.questions}`), h("td", {}, t.accuracy == null ? "—" : pct(t.accuracy)), h("td", {}, String(t.due))))))))),
    h("section", { "aria-labelledby": "accuracy-h" }, h("h2", { id: "accuracy-h" }, "Accuracy over time"),
      per.length ? h("figure", { style: "margin:0" }, accuracyChart) : h("p", { class: "muted" }, "Answer a few questions to see your accuracy here.")));

  const ordered = [...topics].reverse();
  await drawFigure(masteryChart, {
    data: [{ type: "bar", orientation: "h", x: ordered.map((t) => Math.round(t.mastery * 100)), y: ordered.map((t) => t.title),
      marker: { color: ordered.map((t) => (t.mastery >= 0.8 ? "#22a35a" : t.mastery >= 0.5 ? "#d9a21b" : "#6d6ae8")) },
      hovertemplate: "%{y}: %{x} %<extra></extra>" }],
    layout: { height: Math.max(360, 26 * topics.length + 80), margin: { l: 250, t: 10 }, xaxis: { range: [0, 100], title: { text: "mastery (%)" } }, yaxis: { automargin: true } },
  });
  if (per.length) {
    await drawFigure(accuracyChart, {
      data: [
        { type: "bar", name: "answers", x: per.map(([d]) => d), y: per.map(([, v]) => v.n), yaxis: "y2", opacity: 0.35, hovertemplate: "%{x}: %{y} answers<extra></extra>" },
        { type: "scatter", mode: "lines+markers", name: "accuracy", x: per.map(([d]) => d), y: per.map(([, v]) => Math.round((100 * v.correct) / v.n)), hovertemplate: "%{x}: %{y} %<extra></extra>" },
      ],
      layout: { height: 320, margin: { t: 10 }, xaxis: { type: "category" }, yaxis: { range: [0, 105], title: { text: "accuracy (%)" } },
        yaxis2: { overlaying: "y", side: "right", showgrid: false, title: { text: "answers" } }, legend: { orientation: "h", y: -0.2 } },
    });
  }
  return "Progress";
}
