"""Choose the open-answer matcher's thresholds on the development set (never the held-out one).

``python -m tests.bench.ideas_tune`` prints the best settings found by a grid search and how
they judge each answer type; the chosen values go into ``engine.ideas.matcher.TUNING`` by hand.

The objective is what a fair interviewer cares about, weighted by how much each error hurts a
learner: an excellent answer called incorrect costs most, a wrong or negated answer called
correct nearly as much; an excellent answer called partial, or a partial answer misjudged, less.
(The weights reflect issue 14's targets: excellent ≥ 80 % correct and ≤ 5 % incorrect, wrong and
negated ≤ 10 % correct.)
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import replace

from content import PACKAGED_CONTENT_DIR, load_content
from engine.ideas import is_keyword_list, judge
from engine.ideas.matcher import TUNING, decide, score
from engine.kinds.open import rubric_of
from tests.bench.ideas_bench import answers

COST = {
    "excellent": {"correct": 0, "partial": 1.5, "incorrect": 4},
    "excellent-terse": {"correct": 0, "partial": 1.5, "incorrect": 4},
    "partial": {"correct": 1.5, "partial": 0, "incorrect": 1},
    "wrong": {"correct": 4, "partial": 0.3, "incorrect": 0},
    "negated": {"correct": 4, "partial": 0.3, "incorrect": 0},
    "off-topic": {"correct": 4, "partial": 1, "incorrect": 0},
}
GRID = {
    "cover": (0.4, 0.42, 0.44, 0.46, 0.48),
    "contradict": (0.6, 0.65, 0.7, 0.75),
    "assert_": (0.6, 0.65, 0.7, 0.75),
    "margin": (0.05, 0.1),
    "rival": (-0.05, 0.0, 0.05),
    "min_terms": (2, 3),
}
BLENDS = (0.4, 0.5, 0.6)


def main() -> None:
    content = load_content(PACKAGED_CONTENT_DIR)
    cases = [c for c in answers("dev") if c[1] in COST and not is_keyword_list(c[2])]
    best: tuple[float, object, Counter[tuple[str, str]]] | None = None
    for blend in BLENDS:
        tuning = replace(TUNING, blend=blend, floor=0.25)
        scored = []
        for qid, kind, text in cases:
            question = content.questions[qid]
            rubric = rubric_of(question)
            scored.append((kind, rubric, question.pass_score, score(text, rubric, tuning)))
        for values in itertools.product(*GRID.values()):
            trial = replace(tuning, **dict(zip(GRID, values, strict=True)))
            table: Counter[tuple[str, str]] = Counter()
            cost = 0.0
            for kind, rubric, pass_score, units in scored:
                status = judge(rubric, decide(units, rubric, trial), pass_score).status
                table[kind, status] += 1
                cost += COST[kind][status]
            if best is None or cost < best[0]:
                best = (cost, trial, table)
    assert best is not None
    cost, trial, table = best
    print(f"best cost {cost:.1f} with {trial}")
    rows: dict[str, dict[str, int]] = defaultdict(dict)
    for (kind, status), n in table.items():
        rows[kind][status] = n
    for kind in COST:
        n = sum(rows[kind].values())
        print(
            kind,
            {s: f"{rows[kind].get(s, 0) / n:.0%}" for s in ("correct", "partial", "incorrect")},
        )


if __name__ == "__main__":
    main()
