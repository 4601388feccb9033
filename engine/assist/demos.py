"""Pick the demos that show what a question is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from engine.assist.analyze import terms
from engine.assist.index import Result

MAX_DEMOS = 2
WORD_WEIGHT = 0.5  # a demo's own words matter, but less than the topics it belongs to
MIN_DEMO_SCORE = 0.5
ANSWERED_BONUS = 0.25  # the demo's own description is among the answers (titled as the demo)
DEMO = "demo"  # the kind of a passage that describes a demo


@dataclass(frozen=True, slots=True)
class DemoRef:
    """A demo as the assistant sees it: its id, title, the topics it illustrates, its blurb."""

    id: str
    title: str
    topics: tuple[str, ...] = ()
    description: str = ""


@lru_cache(maxsize=1024)
def _words_of(title: str, description: str) -> frozenset[str]:
    return frozenset(terms(f"{title} {description}"))


def _topic_weights(result: Result) -> dict[str, float]:
    """Each topic's best answer score, relative to the best answer overall."""
    best: dict[str, float] = {}
    for hit in result.answers:
        best[hit.passage.topic] = max(best.get(hit.passage.topic, 0.0), hit.score)
    top = max(best.values(), default=0.0)
    return {topic: score / top for topic, score in best.items()} if top > 0 else {}


def rank_demos(
    demos: Iterable[DemoRef], result: Result, *, limit: int = MAX_DEMOS
) -> list[DemoRef]:
    """The demos of the topics the answers come from, best first, favouring demos that share
    the question's words.

    >>> from engine.assist.index import Hit, Passage
    >>> hit = Hit(Passage("momentum", "step", "step-1", "Step 1", "Velocity."), 0.9)
    >>> r = Result(answers=[hit], terms=("momentum",))
    >>> [d.id for d in rank_demos([DemoRef("paths", "Optimizer paths", ("adam",)),
    ...                            DemoRef("momentum", "Momentum", ("momentum",))], r)]
    ['momentum']
    """
    weight = _topic_weights(result)
    query = set(result.terms)
    answered = {h.passage.title for h in result.answers if h.passage.kind == DEMO}
    ranked = []
    for demo in demos:
        topic_score = max((weight.get(t, 0.0) for t in demo.topics), default=0.0)
        own = _words_of(demo.title, demo.description)
        overlap = len(query.intersection(own)) / len(query) if query else 0.0
        score = topic_score + WORD_WEIGHT * overlap + ANSWERED_BONUS * (demo.title in answered)
        if topic_score > 0 and score >= MIN_DEMO_SCORE:
            ranked.append((-score, demo.id, demo))
    return [demo for *_, demo in sorted(ranked)[:limit]]
