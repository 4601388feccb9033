// "/interview": a mock interview as a conversation — questions, probes on the weakest idea,
// "I don't know", a visible clock — and a debrief tied to the candidate's own words.

import { api, auth, refreshDue, renderTexts, topics as allTopics } from "../api.js";
import { h, clear, errorBox, kindChip, pct, rich, uid, announce } from "../dom.js";
import { loadKind } from "../question.js";
import { signInPrompt } from "./reviews.js";

const LEVELS = {
  junior: "Junior: four questions, one probe each",
  senior: "Senior: five questions, up to two probes, variants of right answers",
  staff: "Staff: five mostly probing questions, a higher bar",
};
const BAND = { hire: "Hire", "lean hire": "Lean hire", "lean no-hire": "Lean no-hire", "no-hire": "No hire" };
const WHEN = { first: "said unprompted", probe: "after a probe", never: "never" };
const EVIDENCE = { strength: "Strength", "needed-probe": "Needed a probe", gap: "Gap", wrong: "Wrong", "dont-know": "Did not know" };

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function shown(answer) {
  if (Array.isArray(answer)) return h("pre", { class: "code-block" }, answer.join("\n"));
  if (typeof answer === "string" && answer.includes("\n")) return h("pre", { class: "code-block" }, answer);
  return h("p", {}, answer == null ? "" : String(answer));
}

function interviewerSays(prompt, note) {
  return h("li", { class: "bubble interviewer" }, h("span", { class: "who" }, "Interviewer"),
    note ? h("p", { class: "small muted" }, note) : null, rich(prompt.html));
}

function candidateSays(answer, dontKnow) {
  return h("li", { class: "bubble candidate" }, h("span", { class: "who" }, "You"),
    dontKnow ? h("p", { class: "muted" }, "I don't know.") : shown(answer));
}

const NOTE = { missing: "Follow-up", contradicted: "Challenge", "dont-know": "A smaller step", variant: "Next step" };

async function debrief(interview, titles) {
  const r = interview.report || {};
  const models = await renderTexts((r.questions || []).map((q) => q.model_answer || ""));
  return h("section", { class: "card debrief", "aria-labelledby": `debrief-${interview.id}` },
    h("h2", { id: `debrief-${interview.id}` }, `Debrief: ${BAND[r.recommendation] || r.recommendation}`),
    h("p", {}, `Score ${pct(r.score)} against the ${r.level} bar of ${pct(r.bar)}.`),
    h("h3", {}, "Why"),
    h("ul", { class: "evidence" }, (r.evidence || []).map((e) => h("li", { class: `evidence-${e.kind}` },
      h("strong", {}, `${EVIDENCE[e.kind] || e.kind}: `), e.text,
      e.quote ? [" — you said ", h("q", {}, Array.isArray(e.quote) ? e.quote.join(" ") : String(e.quote))] : null))),
    (r.questions || []).map((q, i) => h("details", { class: "debrief-question" },
      h("summary", {}, kindChip(q.kind), " ", h("a", { href: `/questions/${q.question}` }, q.question), ` — ${pct(q.score)}`),
      q.ideas.length ? h("ul", {}, q.ideas.map((d) => h("li", { class: `when-${d.when}` },
        `${d.label}${d.required ? "" : " (extra)"}: ${WHEN[d.when]}`, d.quote ? [" — ", h("q", {}, d.quote)] : null))) : null,
      q.misconceptions.length ? h("ul", {}, q.misconceptions.map((m) => h("li", { class: "misconception" }, h("q", {}, m.quote), " — ", m.correction))) : null,
      q.model_answer ? h("div", {}, h("h4", {}, "Model answer"), h("div", { class: "model-answer", html: models[i] })) : null)),
    (r.study || []).length ? h("p", {}, "Study next: ", r.study.map((qid, i) => [i ? ", " : "", h("a", { href: `/questions/${qid}` }, qid)]),
      ". They are in your ", h("a", { href: "/reviews" }, "review queue"), ".") : h("p", {}, "Solid across these topics."));
}

async function composer(turn, send) {
  const question = turn.question || { id: turn.question_id, kind: "open", input: { type: "text" }, hint_count: 0 };
  const kind = await loadKind(turn.question ? question.kind : "open");
  const input = kind.create(question);
  let hintsUsed = 0;
  const hints = h("div", { class: "hints", "aria-live": "polite" });
  const sendButton = h("button", { type: "submit", class: "btn btn-primary" }, "Send");
  const dontKnow = h("button", { type: "button", class: "btn" }, "I don't know");
  const hintButton = question.hint_count ? h("button", { type: "button", class: "btn", title: "Each hint costs points" }, "Hint (costs points)") : null;
  const form = h("form", { class: "composer", novalidate: true }, input.el,
    h("div", { class: "actions" }, sendButton, dontKnow, hintButton));
  const busy = (on) => { [sendButton, dontKnow, hintButton].forEach((b) => { if (b) b.disabled = on; }); };
  hintButton?.addEventListener("click", async () => {
    hintsUsed += 1;
    const hint = await api(`/questions/${encodeURIComponent(question.id)}/hints/${hintsUsed}`);
    hints.append(h("p", { class: "hint" }, h("strong", {}, `Hint ${hintsUsed}. `), rich(hint.hint.html, "span")));
    if (hintsUsed >= question.hint_count) hintButton.hidden = true;
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sendButton.disabled) return;  // one request per action
    const answer = input.answer();
    if (answer === null) return;
    busy(true);
    await send({ answer, hints_used: hintsUsed }, () => busy(false));
  });
  dontKnow.addEventListener("click", async () => {
    busy(true);
    await send({ answer: "", dont_know: true, hints_used: hintsUsed }, () => busy(false));
  });
  return { el: h("li", { class: "bubble candidate composing" }, h("span", { class: "who" }, "You"), form, hints), focus: () => input.focus?.() };
}

async function conversation(view, interview, titles) {
  clear(view);
  let left = interview.time_left_s;
  const timer = h("span", { class: "timer", role: "timer", "aria-label": "Time left" }, clock(left));
  const interval = setInterval(() => {
    left -= 1;
    timer.textContent = clock(left);
    timer.classList.toggle("late", left <= 0);
    if (!timer.isConnected) clearInterval(interval);
  }, 1000);
  const log = h("ol", { class: "chat", "aria-live": "polite", "aria-label": "Interview" });
  const status = h("div", { "aria-live": "polite" });
  const end = async (done) => {
    clearInterval(interval);
    view.querySelector(".finish")?.remove();
    view.append(await debrief(done, titles));
    refreshDue();
  };
  const finish = h("button", { type: "button", class: "btn finish", onclick: async () => {
    finish.disabled = true;
    try {
      log.querySelector(".composing")?.remove();
      await end(await api(`/me/interviews/${interview.id}/finish`, { method: "POST" }));
    } catch (err) { status.replaceChildren(errorBox(err)); finish.disabled = false; }
  } }, "End the interview");
  for (const entry of interview.transcript) {
    log.append(interviewerSays(entry.prompt, NOTE[entry.reason]));
    if (entry.answered_at) log.append(candidateSays(entry.answer, entry.dont_know));
  }
  async function ask(turn, fresh) {
    if (turn.kind === "end") {
      await end(await api(`/me/interviews/${interview.id}`));
      return;
    }
    if (fresh) log.append(interviewerSays(turn.prompt, NOTE[turn.reason]));
    const box = await composer(turn, async (payload, done) => {
      try {
        // the turn's seq makes a resent request (a lost reply) return the first reply
        const body = turn.seq === undefined || turn.seq === null ? payload : { ...payload, seq: turn.seq };
        const reply = await api(`/me/interviews/${interview.id}/answers`, { method: "POST", body });
        box.el.replaceWith(candidateSays(payload.answer, payload.dont_know));
        left = reply.time_left_s;
        if (!turn.question || turn.question.kind === "open") announce("Answer sent.");
        else announce(`Answer sent: ${reply.verdict.status}.`);
        await ask(reply.next, true);
      } catch (err) {
        status.replaceChildren(errorBox(err));
        done();
      }
    });
    log.append(box.el);
    box.focus();
  }
  view.append(
    h("div", { class: "spread" }, h("h1", {}, "Mock interview"), h("span", {}, "Time left ", timer)),
    h("p", { class: "muted" }, `${LEVELS[interview.level] || interview.level}. Topics: ${interview.topics.map((t) => titles.get(t) || t).join(", ")}. Answer as you would aloud; the model answers come in the debrief.`),
    log, status, interview.finished_at ? null : finish);
  if (interview.finished_at) await end(interview);
  else await ask(interview.turn, false);
}

export async function render(view) {
  view.append(h("h1", {}, "Mock interview"));
  if (!auth.signedIn) {
    view.append(h("p", { class: "lede" }, "A conversation with an interviewer: a question, a probe on whatever you left out or got wrong, the next question, and a frank debrief. Anonymous practice: “Probe me” on any open question."), signInPrompt("take a mock interview"));
    return "Interview";
  }
  const [topicList, past] = await Promise.all([allTopics(), api("/me/interviews")]);
  const titles = new Map(topicList.map((t) => [t.id, t.title]));
  const open = past.data.find((i) => !i.finished_at);
  const levelId = uid("level");
  const boxes = topicList.map((t) => h("label", {}, h("input", { type: "checkbox", value: t.id }), t.title));
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card" },
    h("h2", {}, "Start an interview"),
    h("fieldset", {}, h("legend", {}, "Topics (none ticked: your weakest and next ones)"), h("div", { class: "checks" }, boxes)),
    h("div", { class: "field" }, h("label", { for: levelId }, "Level"),
      h("select", { id: levelId, name: "level" }, Object.entries(LEVELS).map(([value, text]) => h("option", { value, selected: value === "senior" }, text)))),
    status, h("button", { type: "submit", class: "btn btn-primary" }, "Start"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const topics = boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    form.querySelector("[type=submit]").disabled = true;
    try {
      const interview = await api("/me/interviews", { method: "POST", body: { topics: topics.length ? topics : null, level: form.level.value } });
      await conversation(view, interview, titles);
    } catch (err) {
      status.replaceChildren(errorBox(err));
      form.querySelector("[type=submit]").disabled = false;
    }
  });
  const finished = past.data.filter((i) => i.finished_at);
  view.append(
    h("p", { class: "lede" }, "Like the real thing: the interviewer listens, probes the weakest point of your answer, moves on when you are solid, and ends with a debrief quoting your own words. Missed points go to your review queue."),
    open ? h("p", { class: "notice" }, "You have an unfinished interview. ", h("button", { type: "button", class: "btn btn-small", onclick: () => conversation(view, open, titles) }, "Resume it")) : null,
    form,
    finished.length ? h("section", {}, h("h2", {}, "Past interviews"),
      await Promise.all(finished.slice(0, 3).map((i) => debrief(i, titles)))) : null);
  return "Interview";
}
