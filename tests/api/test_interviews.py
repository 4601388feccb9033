"""The mock interview as a conversation: probes on weak or wrong answers, none on strong ones,
"I don't know", the clock, ownership, the debrief, reviews, export and deletion."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from content import ContentSet
from engine.kinds.open import OpenQuestion

PASSWORD = "correct-horse-1"
TOPICS = ["huber", "mse"]


def sign_up(client: TestClient, username: str = "ada") -> dict[str, str]:
    client.post("/api/v1/users", json={"username": username, "password": PASSWORD})
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def start(client: TestClient, me: dict[str, str], level: str = "senior") -> dict[str, Any]:
    reply = client.post(
        "/api/v1/me/interviews", json={"topics": TOPICS, "level": level}, headers=me
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def say(
    client: TestClient, me: dict[str, str], interview: dict[str, Any], **body: Any
) -> dict[str, Any]:
    reply = client.post(f"/api/v1/me/interviews/{interview['id']}/answers", json=body, headers=me)
    assert reply.status_code == 200, reply.text
    return reply.json()


def open_question(content: ContentSet, turn: dict[str, Any]) -> OpenQuestion:
    question = content.questions[turn["question_id"]]
    assert isinstance(question, OpenQuestion)
    return question


def test_the_first_turn_is_the_topics_probing_question(
    client: TestClient, shipped_content: ContentSet
) -> None:
    interview = start(client, sign_up(client))
    turn = interview["turn"]
    assert turn["kind"] == "question" and turn["question"]["kind"] == "open"
    assert turn["question_id"] == shipped_content.topics["huber"].questions[0].id
    assert (
        interview["level"] == "senior" and 0 < interview["time_left_s"] <= interview["minutes"] * 60
    )
    assert interview["transcript"][0]["answer"] is None and interview["report"] is None


def test_a_weak_answer_gets_the_authored_follow_up_and_a_strong_one_none(
    client: TestClient, shipped_content: ContentSet
) -> None:
    me = sign_up(client)
    interview = start(client, me)
    question = open_question(shipped_content, interview["turn"])
    weak = say(client, me, interview, answer=question.ideas[0].claim)  # one idea of several
    assert "model_answer" not in weak["verdict"]  # the model answer waits for the debrief
    probe = weak["next"]
    assert probe["kind"] == "follow-up" and probe["reason"] == "missing"
    idea = next(i for i in question.ideas if i.id == probe["about"])
    assert probe["prompt"]["text"] == idea.follow_up
    after = say(client, me, interview, answer=idea.claim)  # the probe answered well
    assert after["verdict"]["status"] == "correct"
    while after["next"]["kind"] == "follow-up":  # at most two probes on one question
        after = say(client, me, interview, answer="I really am not sure about that one.")
    nxt = after["next"]
    assert nxt["kind"] == "question" and nxt["question_id"] != question.id
    strong = say(client, me, interview, answer=open_question(shipped_content, nxt).model_answer)
    assert strong["verdict"]["status"] == "correct"
    assert strong["next"]["kind"] == "question"  # a strong answer moves on without a probe
    probes = [t for t in client.get(f"/api/v1/me/interviews/{interview['id']}", headers=me).json()["transcript"]
              if t["kind"] == "follow-up"]  # fmt: skip
    assert 1 <= len(probes) <= 2 and all(p["question_id"] == question.id for p in probes)


def test_a_contradiction_is_challenged_first(
    client: TestClient, shipped_content: ContentSet
) -> None:
    me = sign_up(client)
    interview = start(client, me)
    question = open_question(shipped_content, interview["turn"])
    wrong = next(m for m in question.misconceptions if m.about)
    reply = say(client, me, interview, answer=wrong.claim)
    probe = reply["next"]
    assert probe["kind"] == "follow-up", reply
    assert probe["reason"] in ("contradicted", "missing")
    if probe["reason"] == "contradicted":
        assert probe["prompt"]["text"].startswith("Are you sure?")


def test_i_dont_know_is_recorded_and_gets_a_simpler_probe(
    client: TestClient, shipped_content: ContentSet
) -> None:
    me = sign_up(client)
    interview = start(client, me)
    question = open_question(shipped_content, interview["turn"])
    reply = say(client, me, interview, answer="I don't know")
    assert reply["verdict"]["feedback"][0]["code"] == "dont-know"
    probe = reply["next"]
    first_required = next(i for i in question.ideas if i.required)
    assert probe["reason"] == "dont-know" and probe["about"] == first_required.id
    assert first_required.follow_up in probe["prompt"]["text"]
    flagged = say(client, me, interview, answer="", dont_know=True)  # the button, on the probe
    assert flagged["verdict"]["status"] == "incorrect" and flagged["next"]["kind"] == "question"


def test_the_debrief_quotes_the_candidate_and_fills_the_review_queue(
    client: TestClient, shipped_content: ContentSet
) -> None:
    me = sign_up(client)
    interview = start(client, me, level="junior")
    question = open_question(shipped_content, interview["turn"])
    said = question.ideas[0].claim
    say(client, me, interview, answer=said)
    finished = client.post(f"/api/v1/me/interviews/{interview['id']}/finish", headers=me).json()
    report = finished["report"]
    assert finished["turn"]["kind"] == "end" and finished["time_left_s"] == 0
    assert report["level"] == "junior"
    assert report["recommendation"] in ("hire", "lean hire", "lean no-hire", "no-hire")
    assert any(e["quote"] and e["quote"] in said for e in report["evidence"])  # own words
    assert any(e["kind"] == "gap" for e in report["evidence"])
    first = report["questions"][0]
    assert first["model_answer"] == question.model_answer
    assert question.id in report["study"]
    assert all(t["verdict"] is not None for t in finished["transcript"] if t["answered_at"])
    cards = client.get("/api/v1/me/export", headers=me).json()["review_cards"]
    assert question.id in {c["question_id"] for c in cards}
    again = client.post(f"/api/v1/me/interviews/{interview['id']}/answers", json={"answer": "x"},
                        headers=me)  # fmt: skip
    assert again.status_code == 409


def test_another_learner_gets_404(client: TestClient) -> None:
    interview = start(client, sign_up(client, "alice"))
    bob = sign_up(client, "bob")
    base = f"/api/v1/me/interviews/{interview['id']}"
    assert client.get(base, headers=bob).status_code == 404
    assert client.post(f"{base}/answers", json={"answer": "x"}, headers=bob).status_code == 404
    assert client.post(f"{base}/finish", headers=bob).status_code == 404
    assert client.get("/api/v1/me/interviews", headers=bob).json()["count"] == 0


def test_transcripts_are_exported_and_deleted_with_the_account(client: TestClient) -> None:
    me = sign_up(client)
    interview = start(client, me)
    say(client, me, interview, answer="Huber switches from squared to linear at delta.")
    turns = client.get("/api/v1/me/export", headers=me).json()["interview_turns"]
    assert [t["seq"] for t in turns][:2] == [0, 1]
    assert turns[0]["answer"] == "Huber switches from squared to linear at delta."
    assert client.request(
        "DELETE", "/api/v1/me", headers=me, json={"password": PASSWORD}
    ).status_code in (200, 204)
    assert client.get("/api/v1/me", headers=me).status_code == 401


def test_unknown_topics_and_levels_are_refused(client: TestClient) -> None:
    me = sign_up(client)
    assert (
        client.post("/api/v1/me/interviews", json={"topics": ["nope"]}, headers=me).status_code
        == 404
    )
    bad = client.post("/api/v1/me/interviews", json={"level": "intern"}, headers=me)
    assert bad.status_code == 422


@pytest.mark.parametrize("level", ["junior", "senior", "staff"])
def test_levels_plan_different_interviews(client: TestClient, level: str) -> None:
    interview = start(client, sign_up(client, f"u{level}"), level=level)
    kinds = [q["kind"] for q in interview["questions"]]
    opens = kinds.count("open")
    assert len(kinds) == {"junior": 4, "senior": 5, "staff": 5}[level]
    assert opens == {"junior": 2, "senior": 3, "staff": 4}[level]


def test_probe_me_without_an_account(client: TestClient, shipped_content: ContentSet) -> None:
    question = shipped_content.topics["huber"].questions[0]
    assert isinstance(question, OpenQuestion)
    reply = client.post(
        f"/api/v1/questions/{question.id}/probe", json={"answer": question.ideas[0].claim}
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    follow = body["follow_up"]
    assert body["verdict"]["status"] != "correct" and follow["kind"] == "follow-up"
    idea = next(i for i in question.ideas if i.id == follow["about"])
    answered = client.post(
        f"/api/v1/questions/{question.id}/probe/{idea.id}", json={"answer": idea.claim}
    )
    assert answered.json()["status"] == "correct"
    strong = client.post(
        f"/api/v1/questions/{question.id}/probe", json={"answer": question.model_answer}
    )
    assert strong.json()["follow_up"] is None if "follow_up" in strong.json() else True
    choice = next(q for q in shipped_content.questions.values() if q.kind == "choice")
    assert (
        client.post(f"/api/v1/questions/{choice.id}/probe", json={"answer": "a"}).status_code == 404
    )


def test_an_answer_sent_twice_with_its_turn_is_answered_once(
    client: TestClient, shipped_content: ContentSet
) -> None:
    me = sign_up(client)
    interview = start(client, me)
    turn = interview["turn"]
    answer = open_question(shipped_content, turn).ideas[0].claim
    first = say(client, me, interview, answer=answer, seq=turn["seq"])
    again = say(client, me, interview, answer=answer, seq=turn["seq"])  # the reply was lost
    assert again == first
    transcript = client.get(f"/api/v1/me/interviews/{interview['id']}", headers=me).json()[
        "transcript"
    ]
    assert [t["answer"] for t in transcript].count(answer) == 1  # the next turn still waits
    assert transcript[-1]["seq"] == first["next"]["seq"] and transcript[-1]["answer"] is None
    attempts = client.get("/api/v1/me/attempts", headers=me).json()
    assert attempts["count"] == 1, attempts

    url = f"/api/v1/me/interviews/{interview['id']}/answers"
    other = client.post(url, json={"answer": "Something else.", "seq": turn["seq"]}, headers=me)
    assert other.status_code == 409 and other.json()["type"].endswith("interview-turn-mismatch")
    assert f"turn {first['next']['seq']} is waiting" in other.json()["detail"]
    ahead = client.post(url, json={"answer": answer, "seq": 99}, headers=me)
    assert ahead.status_code == 409, ahead.text
    # without a seq an answer goes to the waiting turn, as before
    assert say(client, me, interview, answer="I am not sure.")["verdict"]
