"""The shipped content covers both seed documents and meets the counts of the content issue."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient

from content import ContentSet
from content.loader import seed_sections


def test_every_seed_section_is_the_source_of_a_module(shipped_content: ContentSet) -> None:
    covered = {src for module in shipped_content.topics.values() for src in module.sources}
    missing = sorted(set(seed_sections()) - covered)
    assert not missing, f"no module lists these seed sections: {missing}"
    assert len(seed_sections()) == 22


def test_shared_ideas_list_both_documents(shipped_content: ContentSet) -> None:
    for roadmap, linear in [
        ("roadmap/1.2", "linear/mse"),
        ("roadmap/1.3", "linear/log-loss"),
        ("roadmap/1.4", "linear/categorical-cross-entropy"),
    ]:
        assert any({roadmap, linear} <= set(m.sources) for m in shipped_content.topics.values()), (
            f"no module lists both {roadmap} and {linear}"
        )


def test_module_depth(shipped_content: ContentSet) -> None:
    assert len(shipped_content.topics) >= 20
    for module in shipped_content.topics.values():
        assert len(module.learning_steps) >= 3, module.id
        assert len(module.insights) >= 1, module.id
        assert module.formulas, module.id
        kinds = Counter(q.kind for q in module.questions)
        assert kinds["open"] >= 3, module.id
        assert kinds["choice"] + kinds["numeric"] >= 2, module.id


def test_question_counts(shipped_content: ContentSet) -> None:
    kinds = Counter(q.kind for q in shipped_content.questions.values())
    assert sum(kinds.values()) >= 150
    assert kinds["open"] >= 44
    assert kinds["expression"] + kinds["derivation"] >= 20
    assert kinds["code"] >= 30


def test_choice_options_and_numeric_answers_are_explained(shipped_content: ContentSet) -> None:
    for question in shipped_content.questions.values():
        if question.kind == "choice":
            assert all(o.explanation.strip() for o in question.options), question.id
        if question.kind == "numeric":
            assert question.explanation.strip(), question.id


def test_prerequisites_start_somewhere(shipped_content: ContentSet) -> None:
    roots = [m.id for m in shipped_content.topics.values() if not m.prerequisites]
    assert roots and len(roots) < len(shipped_content.topics) / 2


def test_api_counts(client: TestClient) -> None:
    topics = client.get("/api/v1/topics").json()
    assert topics["count"] >= 20
    assert {s["id"] for t in topics["data"] for s in t["sources"]} == set(seed_sections())
    questions = client.get("/api/v1/questions", params={"limit": 1}).json()
    assert questions["count"] >= 150
    assert (
        client.get("/api/v1/questions", params={"kind": "open", "limit": 1}).json()["count"] >= 44
    )
