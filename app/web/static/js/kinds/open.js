// Open question: free text → covered and missing concepts, the model answer.

import { api, renderTexts } from "../api.js";
import { h, uid, rich, errorBox } from "../dom.js";

export const submitLabel = "Submit answer";
export const shownInline = ["covered", "missing", "contradicted", "misconception"];  // below
export const selfRated = true;  // the learner rates their own recall

const SIGN = { covered: "✓", missing: "✗", contradicted: "⚠" };

function ideaItem(idea) {
  const head = h("strong", {}, idea.label, idea.required ? "" : " (extra)");
  let body = null;
  if (idea.status === "covered") body = [" — ", h("q", {}, idea.quote)];
  else if (idea.status === "contradicted") body = [" — you said ", h("q", {}, idea.quote), ". ", idea.correction];
  else if (idea.hint) body = [" — ", h("span", { class: "muted" }, `ask yourself: ${idea.hint}`)];
  return h("li", { class: `idea ${idea.status}` }, h("span", { class: "sign", "aria-hidden": "true" }, SIGN[idea.status] || ""),
    h("span", { class: "visually-hidden" }, `${idea.status}: `), head, body);
}

/** "Probe me": the follow-up an interviewer would ask about this answer, and its verdict. */
function probeBlock(questionId, answer) {
  const box = h("section", { class: "probe", "aria-live": "polite" });
  const start = h("button", { type: "button", class: "btn" }, "Probe me");
  start.addEventListener("click", async () => {
    start.disabled = true;
    try {
      const reply = await api(`/questions/${encodeURIComponent(questionId)}/probe`, { method: "POST", body: { answer } });
      const follow = reply.follow_up;
      if (!follow) {
        box.replaceChildren(h("p", {}, "Nothing to probe: an interviewer would move on."));
        return;
      }
      const id = uid("probe");
      const text = h("textarea", { id, rows: "3" });
      const send = h("button", { type: "submit", class: "btn btn-primary" }, "Answer the follow-up");
      const result = h("div", { "aria-live": "polite" });
      const form = h("form", { class: "composer" }, h("label", { for: id }, "Your answer"), text, h("div", { class: "actions" }, send), result);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!text.value.trim() || send.disabled) return;
        send.disabled = true;
        try {
          const v = await api(`/questions/${encodeURIComponent(questionId)}/probe/${encodeURIComponent(follow.about)}`, { method: "POST", body: { answer: text.value } });
          const idea = (v.ideas || [])[0] || {};
          result.replaceChildren(h("p", { class: `status-${v.status}` },
            v.status === "correct" ? "That is it: " : "Not yet: ",
            idea.status === "contradicted" ? idea.correction : idea.label || ""));
        } catch (err) {
          result.replaceChildren(errorBox(err));
          send.disabled = false;
        }
      });
      box.replaceChildren(h("div", { class: "bubble interviewer" }, h("span", { class: "who" }, "Interviewer"), rich(follow.prompt.html)), form);
      text.focus();
    } catch (err) {
      box.append(errorBox(err));
      start.disabled = false;
    }
  });
  box.append(h("p", { class: "small muted" }, "Practise the follow-up an interviewer would ask next."), start);
  return box;
}

/** The learner's answer with the clauses that covered, denied or erred marked in place. */
function highlighted(text, marks) {
  const rank = { misconception: 3, contradicted: 2, covered: 1 };
  const owner = new Array(text.length).fill(null);
  for (const m of marks) {
    for (let i = Math.max(0, m.start); i < Math.min(text.length, m.end); i++) {
      if (!owner[i] || rank[m.cls] > rank[owner[i].cls]) owner[i] = m;
    }
  }
  const out = [];
  let i = 0;
  while (i < text.length) {
    const m = owner[i];
    let j = i;
    while (j < text.length && owner[j] === m) j++;
    const piece = text.slice(i, j);
    out.push(m ? h("mark", { class: m.cls, title: m.title }, piece) : piece);
    i = j;
  }
  return h("p", { class: "answer-marked" }, out);
}

export function create(question) {
  let submitted = "";  // the text the verdict quotes (positions refer to it)
  const id = uid("answer");
  const textarea = h("textarea", {
    id, name: "answer", rows: "7", required: true, "aria-describedby": `${id}-help`,
    placeholder: "Answer as you would in the interview: the mechanism, the trade-off, what you would do.",
  });
  const help = h("p", { id: `${id}-help`, class: "small muted" }, "Graded on the key ideas an interviewer listens for; wording is up to you.");
  return {
    el: h("div", { class: "field" }, h("label", { for: id }, "Your answer"), textarea, help),
    focus: () => textarea.focus(),
    answer() {
      if (!textarea.value.trim()) {
        textarea.setAttribute("aria-invalid", "true");
        help.textContent = "Write an answer first.";
        textarea.focus();
        return null;
      }
      textarea.removeAttribute("aria-invalid");
      submitted = textarea.value;
      return submitted;
    },
    async verdict(v) {
      if (!v.model_answer && !v.ideas) return null;
      const [model] = await renderTexts([v.model_answer || ""]);
      const ideas = v.ideas || [];
      const marks = [
        ...ideas.filter((i) => i.quote != null && i.start != null).map((i) => ({ start: i.start, end: i.end, cls: i.status, title: i.label })),
        ...(v.misconceptions || []).map((m) => ({ start: m.start, end: m.end, cls: "misconception", title: m.correction })),
      ];
      const count = (status) => ideas.filter((i) => i.status === status).length;
      return h("div", { class: "ideas-verdict" },
        marks.length ? h("div", {}, h("h3", {}, "Your answer"), highlighted(submitted, marks)) : null,
        h("div", { class: "ideas" },
          h("h3", {}, `Ideas: ${count("covered")} covered, ${count("missing")} missing${count("contradicted") ? `, ${count("contradicted")} contradicted` : ""}`),
          h("ul", {}, ideas.map(ideaItem))),
        (v.misconceptions || []).length ? h("div", { class: "ideas" },
          h("h3", {}, "Not so"),
          h("ul", {}, v.misconceptions.map((m) => h("li", { class: "misconception" },
            h("q", {}, m.quote), " — ", m.correction)))) : null,
        v.question && submitted && !v.keyword_list ? probeBlock(v.question, submitted) : null,
        v.model_answer ? h("div", {}, h("h3", {}, "Model answer"), h("div", { class: "model-answer", html: model }),
          (v.references || []).length ? h("p", { class: "small muted references" }, "Sources: ", v.references.join("; ")) : null) : null);
    },
  };
}
