// "/progress": mastery per topic, accuracy over time, streak and due reviews.

import { api, auth } from "../api.js";
import { h, pct } from "../dom.js";
import { drawFigure } from "../plot.js";
import { signInPrompt } from "./reviews.js";

function stat(num, label, href) {
  const body = [h("div", { class: "num" }, String(num)), h("div", { class: "lbl" }, label)];
  return href ? h("a", { class: "stat", href, style: "text-decoration:none;color:inherit" }, body) : h("div", { class: "stat" }, body);
}

/** The learner's calendar day of a timestamp (UTC when it carries no zone), as YYYY-MM-DD. */
function localDay(stamp) {
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(stamp) ? stamp : `${stamp}Z`);
  if (Number.isNaN(date.getTime())) return String(stamp).slice(0, 10);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Accuracy per day from the attempt history (oldest first). */
export function daily(attempts) {
  const days = new Map();
  for (const a of attempts) {
    if (a.status === "invalid" || a.status === "error") continue;
    const day = localDay(a.created_at);
    const d = days.get(day) || { n: 0, correct: 0 };
    d.n += 1;
    d.correct += a.correct ? 1 : 0;
    days.set(day, d);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const DAY_MS = 86_400_000;

/** A whole-number tick step giving at most about five ticks up to `max`. */
export function countStep(max) {
  const raw = Math.max(1, max / 5);
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw);
}

/** Answers per day (bars, a day wide whatever the number of days) and accuracy (line). */
export function accuracyFigure(per) {
  const days = per.map(([d]) => d);
  const counts = per.map(([, v]) => v.n);
  const time = (day) => new Date(`${day}T12:00:00`).getTime();
  const first = time(days[0]);
  const last = time(days[days.length - 1]);
  const span = Math.max(1, Math.round((last - first) / DAY_MS));
  const pad = Math.max(1, Math.ceil((7 - span) / 2), Math.round(span * 0.04));  // at least a week shown
  const maxCount = Math.max(...counts);
  const step = countStep(maxCount);
  return {
    data: [
      { type: "bar", name: "answers", x: days, y: counts, yaxis: "y2", width: DAY_MS * 0.7, opacity: 0.35,
        hovertemplate: "%{x|%b %-d, %Y}: %{y} answers<extra></extra>" },
      { type: "scatter", mode: span ? "lines+markers" : "markers", name: "accuracy", x: days,
        y: per.map(([, v]) => Math.round((100 * v.correct) / v.n)), marker: { size: 8 },
        hovertemplate: "%{x|%b %-d, %Y}: %{y} % correct<extra></extra>" },
    ],
    layout: {
      height: 320,
      margin: { l: 60, r: 64, t: 10, b: 40 },
      xaxis: { type: "date", range: [first - pad * DAY_MS, last + pad * DAY_MS], tickformat: "%b %-d",
        dtick: span <= 10 ? DAY_MS : undefined, hoverformat: "%b %-d, %Y" },
      yaxis: { range: [0, 105], title: { text: "accuracy (%)" }, dtick: 20, fixedrange: true },
      yaxis2: { overlaying: "y", side: "right", showgrid: false, title: { text: "answers" }, range: [0, Math.ceil((maxCount * 1.1) / step) * step],
        dtick: step, tick0: 0, tickformat: "d", automargin: true, fixedrange: true },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

/** Topic names short enough for a phone's bar chart (the full name stays in the hover); a
 * name whose short form another topic shares stays whole. */
function shortNames(titles, narrow) {
  const short = titles.map((t) => (narrow && t.length > 24 ? `${t.slice(0, 22).trimEnd()}…` : t));
  return short.map((s, i) => (short.indexOf(s) !== short.lastIndexOf(s) ? titles[i] : s));
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
  const narrow = masteryChart.clientWidth < 640;
  await drawFigure(masteryChart, {
    data: [{ type: "bar", orientation: "h", x: ordered.map((t) => Math.round(t.mastery * 100)), y: shortNames(ordered.map((t) => t.title), narrow),
      customdata: ordered.map((t) => t.title),
      marker: { color: ordered.map((t) => (t.mastery >= 0.8 ? "#22a35a" : t.mastery >= 0.5 ? "#d9a21b" : "#6d6ae8")) },
      hovertemplate: "%{customdata}: %{x} %<extra></extra>" }],
    layout: { height: Math.max(360, 26 * topics.length + 90), margin: { l: 10, r: 16, t: 10, b: 56 },
      xaxis: { range: [0, 100], title: { text: "mastery (%)" }, fixedrange: true }, yaxis: { automargin: true, fixedrange: true } },
  });
  if (per.length) await drawFigure(accuracyChart, accuracyFigure(per));
  return "Progress";
}
