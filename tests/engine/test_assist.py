"""Ask Descent's engine: how text becomes terms, and how the index ranks and hides passages."""

from __future__ import annotations

import pytest

from engine.assist import DEMO, AssistIndex, DemoRef, Hit, Passage, Result, rank_demos, terms
from engine.assist.index import MAX_ANSWERS, MIN_RELATIVE, PAGE_BOOST


def concepts(text: str) -> set[str]:
    return {t for t in terms(text) if t.startswith("~")}


# Every spelling of a symbol meets the others at one term.
@pytest.mark.parametrize(
    ("spellings", "term"),
    [
        (["β1", "β₁", r"$\beta_1$", "beta1", "beta_1", r"\beta_{1}", "beta 1"], "beta1"),
        (["β2", r"$\beta_2^t$", "beta2"], "beta2"),
        (["ε", "ϵ", r"$\epsilon$", "epsilon"], "epsilon"),
        (["λ", r"$\lambda$", "lambda"], "lambda"),
        (["δ", r"\delta", "delta"], "delta"),
        (["η", r"$\eta$", "eta"], "eta"),
        (["σ(z)", r"$\sigma(z)$", "sigma"], "sigma"),
    ],
)
def test_symbols_fold_to_one_term(spellings: list[str], term: str) -> None:
    for spelling in spellings:
        assert term in terms(spelling), f"{spelling!r} -> {terms(spelling)}"


# Synonyms learners use meet at one concept term; unrelated phrases do not.
@pytest.mark.parametrize(
    ("phrases", "concept"),
    [
        (["weight decay", "L2 regularisation", "L2 regularization", "l2 penalty"], "~wd"),
        (["log loss", "binary cross-entropy", "BCE", "logistic loss"], "~bce"),
        (["learning rate", "lr", "step size", "η", "learning-rate"], "~lr"),
        (["SGD", "stochastic gradient descent"], "~sgd"),
        (["eps", "epsilon", "ε", r"\epsilon"], "~epsilon"),
        (["MSE", "mean squared error", "squared error", "least squares"], "~mse"),
        (["MAE", "mean absolute error", "L1 loss"], "~mae"),
        (["smooth L1", "Huber", "pseudo-Huber"], "~huber"),
        (["mini-batch", "minibatch", "batch size"], "~minibatch"),
        (["warmup", "warm-up", "warm up"], "~warmup"),
        (["slope", "derivative", "gradient", r"$\nabla L$"], "~gradient"),
        (["outliers", "robust to anomalies"], "~outlier"),
    ],
)
def test_synonyms_share_a_concept(phrases: list[str], concept: str) -> None:
    for phrase in phrases:
        assert concept in concepts(phrase), f"{phrase!r} -> {terms(phrase)}"


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        ("decay of the schedule", "~wd"),  # "decay" alone is not weight decay
        ("cross-entropy over many classes", "~bce"),  # general cross-entropy is not binary
        ("absolute value", "~mae"),
        ("weight", "~wd"),
    ],
)
def test_unrelated_words_do_not_trigger_a_concept(phrase: str, concept: str) -> None:
    assert concept not in concepts(phrase), terms(phrase)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a formula is indexed by its words: ^2 is "squared", \sqrt is "square root"
        (r"$$\sqrt{\hat{v}_t} + \epsilon$$", {"squar", "root", "epsilon"}, {"hat", "sqrt"}),
        (r"$(y - \hat{y})^2$", {"squar", "~quadratic"}, {"hat", "y"}),
        (r"$\frac{1}{n} \sum_i \lvert r_i \rvert$", {"sum"}, {"frac", "lvert", "rvert"}),
        # fillers and question words carry no topic
        ("why does it do that exactly?", set(), {"why", "doe", "exact", "that"}),
        # values drawn per variant are placeholders, not words
        ("with lr = [[lr]] and t = [[step]]", {"lr"}, {"step"}),
    ],
)
def test_text_to_terms(text: str, present: set[str], absent: set[str]) -> None:
    got = set(terms(text))
    assert present <= got, f"missing {present - got} in {sorted(got)}"
    assert not absent & got, f"unexpected {absent & got} in {sorted(got)}"


def P(topic: str, n: int, text: str, **kw: object) -> Passage:
    return Passage(topic, str(kw.pop("kind", "step")), f"step-{n}", f"Step {n}", text, **kw)  # type: ignore[arg-type]


@pytest.fixture
def index() -> AssistIndex:
    return AssistIndex(
        [
            P("mae", 1, "The gradient of the absolute error is the sign of the residual."),
            P("mae", 2, "The median minimises the sum of absolute deviations."),
            P("mse", 1, "Squared error punishes outliers; its gradient grows with the residual."),
            P("adam", 1, "Epsilon keeps Adam's denominator away from zero."),
            P("adam", 2, "Bias correction divides the moments by one minus beta to the t."),
            P("wd", 1, "Weight decay shrinks weights; with SGD it equals an L2 penalty."),
            P("mae", 3, "Why is the gradient constant?", kind="question", question="mae-q"),
            P(
                "mae",
                4,
                "The sign does not depend on the size of the residual, so the gradient "
                "magnitude is constant.",
                kind="answer",
                question="mae-q",
                private=True,
            ),
        ]
    )


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what does eps do in adam", "adam"),
        ("difference between the l2 penalty and weight decay", "wd"),
        ("which constant minimises the absolute loss", "mae"),
        ("why does MSE hate outliers", "mse"),
        ("why debias the moment estimates with β", "adam"),
    ],
)
def test_ranks_the_right_topic_first(index: AssistIndex, question: str, topic: str) -> None:
    assert index.search(question).answers[0].passage.topic == topic


def test_a_wrong_topic_is_not_first(index: AssistIndex) -> None:
    # the checker can fail: "absolute" questions do not land on Adam's passages
    assert index.search("absolute error gradient").answers[0].passage.topic != "adam"


@pytest.mark.parametrize("question", ["", "   ", "???", "asdf qwerty zxcv", "why is it so?"])
def test_nonsense_or_empty_gives_an_empty_result(index: AssistIndex, question: str) -> None:
    result = index.search(question)
    assert result.empty and result.terms == ()


def test_questions_are_kept_apart_from_answers(index: AssistIndex) -> None:
    result = index.search("why is the gradient constant")
    assert [h.passage.question for h in result.questions] == ["mae-q"]
    assert all(h.passage.kind != "question" for h in result.answers)


def test_private_answer_only_for_who_attempted_it(index: AssistIndex) -> None:
    question = "why is the gradient magnitude constant"
    anonymous = index.search(question)
    assert all(not h.passage.private for h in anonymous.answers)
    assert all(not h.passage.private for h in index.search(question, unlocked={"other-q"}).answers)
    unlocked = index.search(question, unlocked={"mae-q"})
    assert any(h.passage.private and h.passage.question == "mae-q" for h in unlocked.answers)


def test_page_topic_breaks_ties(index: AssistIndex) -> None:
    question = "gradient of the residual"
    assert index.search(question, topic="mse").answers[0].passage.topic == "mse"
    assert index.search(question, topic="mae").answers[0].passage.topic == "mae"
    boosted = index.search(question, topic="mse").answers[0].score
    assert boosted <= PAGE_BOOST


def test_scores_are_ranked_bounded_and_cut_below_the_floor(index: AssistIndex) -> None:
    answers = index.search("gradient residual outliers absolute").answers
    scores = [h.score for h in answers]
    assert scores == sorted(scores, reverse=True)
    assert 0 < len(answers) <= MAX_ANSWERS
    assert all(0 < s <= 1 and s >= MIN_RELATIVE * scores[0] for s in scores)


def test_an_index_needs_passages() -> None:
    with pytest.raises(ValueError, match="at least one passage"):
        AssistIndex([])


def hits(*topics: str) -> list[Hit]:
    return [
        Hit(Passage(t, "step", f"step-{i}", "Step", "text"), 1.0 - i / 10)
        for i, t in enumerate(topics)
    ]


def test_demos_follow_the_answers_topics_and_the_words() -> None:
    demos = [
        DemoRef("paths", "Optimizer paths", ("adam", "momentum")),
        DemoRef("regression", "Regression losses", ("mse", "mae"), "MSE, MAE and Huber fits"),
        DemoRef("curves", "Loss curves", ("loss-curves", "dropout")),
        DemoRef("mae-only", "Absolute error", ("mae",)),
    ]
    about_mae = Result(answers=hits("mae", "mse"), terms=("huber",))
    assert [d.id for d in rank_demos(demos, about_mae)] == ["regression", "mae-only"]
    by_words = Result(answers=hits("dropout"), terms=("loss", "curv"))
    assert [d.id for d in rank_demos(demos, by_words)] == ["curves"]
    # a demo whose words match but whose topics gave no answer is not offered
    off_topic = Result(answers=hits("dropout"), terms=("optim", "path"))
    assert "paths" not in [d.id for d in rank_demos(demos, off_topic)]
    assert rank_demos(demos, Result()) == []


def test_a_demo_whose_description_answered_comes_first() -> None:
    demos = [DemoRef("a-surface", "Loss surface", ("mse",)), DemoRef("fits", "Fits", ("mse",))]
    shown = Hit(Passage("mse", DEMO, "demo-fits", "Fits", "MSE fits."), 1.0)
    assert [d.id for d in rank_demos(demos, Result(answers=hits("mse")))] == ["a-surface", "fits"]
    assert [d.id for d in rank_demos(demos, Result(answers=[shown]))] == ["fits", "a-surface"]
