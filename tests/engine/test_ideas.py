"""The open-answer matcher on a hand-made rubric: what it credits, what it refuses, what it quotes.

These tests pin behaviour (paraphrase credited, negation and reversal refused, keyword lists
named), not the thresholds; the thresholds are chosen on the development set by
``python -m tests.bench.ideas_tune`` and measured by ``python -m tests.bench.ideas_bench``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.ideas import IdeaSpec, MisconceptionSpec, Rubric, grade_ideas, is_keyword_list
from engine.ideas.polarity import agreement
from engine.ideas.segment import clauses

HUBER = Rubric(
    ideas=(
        IdeaSpec(
            "large",
            "The large-delta limit",
            (
                "With a large delta Huber behaves like squared error, so outliers pull the fit hard.",
                "Making delta big turns the loss into least squares, and extreme points drag the fit.",
            ),
            follow_up="What does Huber become as delta grows without bound?",
        ),
        IdeaSpec(
            "small",
            "The small-delta limit",
            (
                "With a small delta Huber behaves like absolute error, which is robust to outliers.",
                "A tiny threshold makes the loss act like MAE and caps how much an outlier counts.",
            ),
            follow_up="What does Huber approach as delta shrinks to zero?",
        ),
    ),
    misconceptions=(
        MisconceptionSpec(
            ("A larger delta makes the Huber fit more robust to outliers.",),
            "It is the reverse: a larger delta lets outliers pull harder.",
            about="large",
        ),
    ),
)


def test_a_paraphrase_in_other_words_is_correct_and_quoted() -> None:
    answer = (
        "If you make delta big it is basically least squares, so extreme points drag the fit a "
        "lot. With a tiny delta it acts like MAE, so an outlier only counts so much."
    )
    result = grade_ideas(answer, HUBER)
    assert result.status == "correct", [(o.status, o.quote) for o in result.ideas]
    for outcome in result.ideas:
        assert outcome.quote and answer[outcome.start : outcome.end] == outcome.quote


def test_half_an_answer_is_partial() -> None:
    result = grade_ideas("With a small delta Huber acts like absolute error and is robust.", HUBER)
    assert result.status == "partial"
    assert [o.status for o in result.ideas] == ["missing", "covered"]


@pytest.mark.parametrize(
    "answer",
    [
        "With a large delta Huber does not behave like squared error at all, and with a small "
        "delta it is not like absolute error either.",
        "Huber never turns into squared error for a big delta, nor into MAE for a tiny one.",
        # two denials in one clause do not cancel
        "With a large delta Huber does not behave like squared error and does not let outliers "
        "pull the fit. With a small delta it does not act like MAE and is not robust.",
    ],
)
def test_negated_answers_are_not_correct(answer: str) -> None:
    assert grade_ideas(answer, HUBER).status != "correct"


def test_a_reversed_answer_is_not_correct() -> None:
    answer = (
        "With a small delta Huber behaves like squared error, and with a large delta it behaves "
        "like absolute error."
    )
    assert grade_ideas(answer, HUBER).status != "correct"


def test_a_misconception_is_named_with_its_correction() -> None:
    answer = "A larger delta makes the Huber fit more robust to outliers."
    result = grade_ideas(answer, HUBER)
    assert result.status == "incorrect"
    assert [m.misconception.correction for m in result.misconceptions] == [
        HUBER.misconceptions[0].correction
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "huber, delta, mse, mae, median, outliers, robust, quadratic, linear",
        "huber mae median residual gradient quadratic outlier robust delta",
        "Huber\nδ\nsquared error\nabsolute error\noutliers\nrobustness",
        # a citation's dot is not a sentence's end
        "huber loss, delta threshold, Huber et al. 1964, robust statistics, M-estimator, outliers",
    ],
)
def test_keyword_lists_are_named_and_never_correct(answer: str) -> None:
    assert is_keyword_list(answer)
    result = grade_ideas(answer, HUBER)
    assert result.keyword_list and result.status == "incorrect"


@pytest.mark.parametrize(
    "answer",
    [
        "Big δ → basically MSE, outliers drag the fit. Tiny δ → MAE-like, robust to outliers.",
        "Huber is squared error for small residuals and absolute error for large ones, so it is "
        "robust while still smooth near zero.",
    ],
)
def test_answers_in_sentences_are_not_keyword_lists(answer: str) -> None:
    assert not is_keyword_list(answer)


def test_off_topic_and_empty_answers_earn_nothing() -> None:
    assert grade_ideas("Adam keeps moving averages of the gradient.", HUBER).status == "incorrect"
    empty = grade_ideas("   ", HUBER)
    assert empty.empty and empty.status == "incorrect"


@pytest.mark.parametrize(
    ("claim", "said", "way"),
    [
        ("SGD noise favours flat minima", "noise pushes SGD toward flat minima", 1),
        ("SGD noise favours flat minima", "SGD noise does not favour flat minima", -1),
        ("SGD noise favours flat minima", "SGD noise favours sharp minima", -1),
        # an unrelated negation elsewhere in the text: cannot tell (the matcher cuts it off)
        ("SGD noise favours flat minima", "it doesn't pick one at random; noise favours flat minima", 0),
        ("SGD noise favours flat minima", "noise favours flat minima, it doesn't pick at random", 0),
        ("Focal loss down-weights easy examples", "focal loss does not down-weight easy examples", -1),
        ("Focal loss down-weights easy examples", "focal loss does not really help the easy examples", 0),
        ("Lasso has corners on the axes", "the L2 ball has corners on the axes", 1),
        ("The L1 diamond has corners on the axes", "the L2 ball has corners on the axes", -1),
        ("MSE is non-convex here, whereas log loss is convex", "log loss is convex", 1),
        # two denials of the claim do not cancel each other
        ("SGD noise acts as a regulariser that favours flat minima",
         "SGD noise does not act as a regulariser and does not favour flat minima", -1),
        ("An outlier does not move the median", "moving an outlier does change the median", -1),
        ("An outlier does not move the median", "an outlier does not move it and does not shift the median", 1),
        # "fails" denies what it fails to do, not the words after it
        ("The linear rule fails past the critical batch size", "past some critical batch size the trick fails", 1),
        ("Adam fails to converge here", "Adam converges here", -1),
        # "without it" denies the thing "it" stands for, not the words after it
        ("np.exp(1000) = inf in float64", "Without it exp(1000) overflows to infinity", 1),
        ("np.exp(1000) = inf in float64", "Without any exp(1000) there is no overflow", -1),
        # a temporal difference is a thing, not the opposite of "the same"
        ("DQN's clipping of the temporal-difference error corresponds to a Huber loss",
         "DQN's clipping of the TD error is the same thing as a Huber loss", 1),
    ],
)  # fmt: skip
def test_polarity(claim: str, said: str, way: int) -> None:
    assert agreement(claim, said) == way


def test_clauses_keep_their_place_in_the_answer() -> None:
    answer = "Big delta acts like MSE, whereas small delta acts like MAE. δ ≈ 1.345σ works."
    parts = clauses(answer)
    assert [answer[c.start : c.end] for c in parts] == [c.text for c in parts]
    assert [c.text for c in parts][:2] == ["Big delta acts like MSE", "small delta acts like MAE"]


def test_the_model_loads_and_grades_with_the_network_blocked(tmp_path: Path) -> None:
    """Fresh interpreter, no network (connect and name lookup raise), an empty home (no cache):
    the embedding model still loads from the installed package and grades."""
    script = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network access is blocked in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from engine.ideas import model
embedder = model.embedder()
assert type(embedder).__name__ == "WordLlamaEmbedder", type(embedder)
from engine.ideas import IdeaSpec, Rubric, grade_ideas
rubric = Rubric((IdeaSpec("i", "limit", ("With a large delta Huber behaves like squared error.",
                                          "A big threshold turns Huber into least squares.")),))
print(grade_ideas("For a big delta Huber is basically least squares.", rubric).status)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE"))}
    env |= {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "correct"
    assert not (tmp_path / ".cache").exists()  # nothing downloaded or cached


CLIPPING_IDEAS = (
    IdeaSpec(
        "norm-direction",
        "Norm clipping and the direction",
        (
            "Clipping by norm keeps the direction of the gradient and only shortens it.",
            "After the whole vector is rescaled it points the same way as before.",
        ),
        follow_up="Does the clipped gradient point the same way?",
    ),
    IdeaSpec(
        "value-direction",
        "Value clipping and the direction",
        (
            "Clipping by value can change the direction, since only the large entries are cut.",
            "Clamping entries one at a time bends the update away from where it pointed.",
        ),
        follow_up="Take (0.1, 10) and a limit of 1: same direction after value clipping?",
    ),
)
CLIPPING_MISCONCEPTIONS = (
    MisconceptionSpec(
        ("Clipping by value keeps the direction of the gradient.",),
        "Value clipping cuts only some entries, so the direction can change.",
        about="value-direction",
    ),
)


def test_a_rubric_contrast_refuses_an_answer_that_swaps_the_two_things() -> None:
    swapped = (
        "Clipping by value keeps the direction of the gradient and only shortens it, while "
        "clipping by norm can change the direction because only the large entries are cut."
    )
    right = (
        "Clipping by norm only shortens the gradient, so it keeps pointing the same way, "
        "while clipping by value cuts just the large entries and can change the direction."
    )
    plain = Rubric(CLIPPING_IDEAS, CLIPPING_MISCONCEPTIONS)
    contrasted = Rubric(CLIPPING_IDEAS, CLIPPING_MISCONCEPTIONS, (("norm", "value"),))
    assert grade_ideas(right, contrasted).status == "correct"
    # without the contrast the two halves share every word but one with the ideas
    assert grade_ideas(swapped, plain).status == "correct"
    assert grade_ideas(swapped, contrasted).status != "correct"


FLAT = Rubric(
    (
        IdeaSpec(
            "sgd-flat",
            "Where SGD settles",
            (
                "The gradient noise of SGD pushes it into flat minima.",
                "SGD's noisy steps settle in wide, flat basins.",
            ),
            follow_up="What kind of minimum does SGD's noise favour?",
        ),
        IdeaSpec(
            "adam-sharp",
            "Where Adam settles",
            (
                "Adam tends to converge to sharp minima.",
                "Adam's scaled steps often end in narrow, sharp basins.",
            ),
            follow_up="And Adam?",
        ),
    ),
    (
        MisconceptionSpec(
            ("Adam finds flatter minima than SGD.",),
            "It is usually the reverse: SGD's noise favours flat minima.",
            about="sgd-flat",
        ),
    ),
)


def test_a_clause_that_refers_back_keeps_its_subject() -> None:
    # "which pushes it into flat minima" is said of Adam, not of SGD
    swapped = (
        "Adam has noisy adaptive steps, which pushes it into flat minima. "
        "SGD converges to sharp minima."
    )
    result = grade_ideas(swapped, FLAT)
    assert result.status != "correct"
    assert [o.status for o in result.ideas if o.idea.id == "sgd-flat"] != ["covered"]
    right = "SGD has noisy steps, which pushes it into flat minima. Adam converges to sharp minima."
    assert grade_ideas(right, FLAT).status == "correct"


def test_a_clause_resumed_after_a_parenthesis_keeps_its_subject() -> None:
    swapped = "Adam (with its scaled, noisy steps) settles into flat minima. SGD converges to sharp minima."
    right = "SGD (with its noisy steps) settles into flat minima. Adam converges to sharp minima."
    assert grade_ideas(swapped, FLAT).status != "correct"
    assert grade_ideas(right, FLAT).status == "correct"


GRADIENT = Rubric(
    (
        IdeaSpec(
            "p-minus-y",
            "The gradient",
            (
                "The gradient with respect to each logit is its predicted probability minus its label.",
                "∂L/∂z_k = p_k − y_k for every class k",
            ),
            follow_up="What is the derivative with respect to one logit?",
        ),
        IdeaSpec(
            "ridge",
            "The closed form",
            (
                "Ridge adds lambda times the identity to X transpose X before inverting it.",
                "β = (XᵀX + λI)⁻¹Xᵀy",
            ),
            follow_up="What does the penalty change in the normal equations?",
        ),
    ),
    (
        MisconceptionSpec(
            ("Each logit's gradient is the label minus the probability.", "∂L/∂z_k = y_k − p_k"),
            "It is the probability minus the label; the label minus the probability is its negative.",
            about="p-minus-y",
        ),
    ),
)


@pytest.mark.parametrize(
    "answer",
    [
        "Differentiating the loss gives p − y for each logit. The ridge solution is (XᵀX + λI)⁻¹Xᵀy.",
        "The derivative is p_k - y_k for class k, and ridge gives $(X^\\top X + \\lambda I)^{-1} X^\\top y$.",
    ],
)
def test_a_formula_written_right_is_credited(answer: str) -> None:
    result = grade_ideas(answer, GRADIENT)
    assert result.status == "correct", [(o.status, o.quote) for o in result.ideas]
    assert not result.misconceptions


def test_a_formula_with_its_terms_swapped_is_not_credited() -> None:
    # the same words and symbols as the right answer: only the formulas tell them apart
    flipped = "Differentiating the loss gives y − p for each logit. The ridge solution is (XᵀX + λI)⁻¹Xᵀy."
    result = grade_ideas(flipped, GRADIENT)
    assert result.status == "incorrect"
    assert [m.quote for m in result.misconceptions] == [
        "Differentiating the loss gives y − p for each logit"
    ]
    wrong_sign = "Differentiating the loss gives p − y for each logit. The ridge solution is (XᵀX − λI)⁻¹Xᵀy."
    result = grade_ideas(wrong_sign, GRADIENT)
    assert result.status != "correct"
    assert [o.status for o in result.ideas if o.idea.id == "ridge"] == ["missing"]


def test_formula_relations() -> None:
    from engine.ideas.formulas import relation

    # the same up to a positive factor, with indices and Unicode subscripts dropped
    assert relation("P(yᵢ | xᵢ) = pᵢ^yᵢ (1 − pᵢ)^(1 − yᵢ)", "it is p^y (1 - p)^(1 - y)") == "same"
    assert relation("the update is 2(p − y)", "it is p_k − y_k") == "same"
    # the roles of p and y swapped in the exponents: same parts, different formula
    assert relation("p^y (1 − p)^(1 − y)", "p^(1 − y) (1 − p)^y") == "differs"
    assert relation("noise ∝ η/B", "noise ∝ B/η") == "differs"
    # another quantity over the same variables is no evidence either way
    assert relation("(1 − p^q)/q", "its gradient is CE's times p^q") is None
    assert relation("L = 0.5·r²/β for |r| < β", "beyond it the loss is |r| − β/2") is None
    # a wrong part inside a longer formula: epsilon under the root or added after it
    assert relation("PyTorch: √(v̂ + ε)", "the step is η·m̂/(√v̂ + ε)") == "differs"
    # … but a right part does not make a wrong whole right
    assert relation("y_LS = (1 − ε)·y + ε/K", "the target (1 + ε) y − ε/K") == "differs"
    # a comparison, a single variable, or prose is not compared
    assert relation("p − y", "as long as p < y") is None
    assert relation("1 − β", "1 + β") is None
    assert relation("p − y", "the gradient is large") is None


def test_a_formula_cut_out_of_its_sentence_asserts_nothing() -> None:
    rubric = Rubric(
        (
            IdeaSpec(
                "placement",
                "Where epsilon goes",
                (
                    "PyTorch adds epsilon after the square root of the second moment.",
                    "PyTorch: step = η·m̂/(√v̂ + ε)",
                ),
            ),
        ),
        (
            MisconceptionSpec(
                (
                    "Putting epsilon inside the root makes it act like a smaller constant than outside.",
                    "For the same ε, √(v̂ + ε) has a lower floor than √v̂ + ε.",
                ),
                "Under the root the floor is √ε, much larger than ε.",
                about="placement",
            ),
        ),
    )
    # the bracket cuts "√v̂ + ε" out as a clause of its own, close to the wrong claim's words
    answer = (
        "In PyTorch epsilon is added outside the square root (√v̂ + ε), so 1e-8 is a tiny floor."
    )
    result = grade_ideas(answer, rubric)
    assert not result.misconceptions
    assert result.status == "correct"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # a call's or a formula's brackets hold part of the formula: no clause ends inside
        (
            "At z = -1000, sigmoid(z) rounds to 0, so -np.log(sigmoid(z)) is infinite.",
            ["At z = -1000, sigmoid(z) rounds to 0", "np.log(sigmoid(z)) is infinite"],
        ),
        (
            "The likelihood is p^y (1 - p)^(1 - y) per label.",
            ["The likelihood is p^y (1 - p)^(1 - y) per label"],
        ),
        # a remark in brackets is still a clause of its own
        (
            "Ridge (the L2 penalty) shrinks every weight.",
            ["Ridge", "the L2 penalty", "shrinks every weight"],
        ),
        # a spaced hyphen between operands is a minus, between words a dash
        ("The gradient is p_k - y_k for class k.", ["The gradient is p_k - y_k for class k"]),
        ("Huber - a robust loss - is smooth.", ["Huber", "a robust loss", "is smooth"]),
    ],
)
def test_formulas_are_not_cut_into_clauses(answer: str, expected: list[str]) -> None:
    assert [c.text for c in clauses(answer)] == expected


def test_a_hostile_answer_full_of_formulas_reads_a_bounded_number_of_them() -> None:
    from engine.constants import MAX_ANSWER_CHARS
    from engine.ideas.formulas import MAX_FORMULAS, formulas

    sentence = " ".join(f"p - {i}*y + q_{i}," for i in range(5000))[:MAX_ANSWER_CHARS]
    read = formulas(sentence, inner=True)
    assert 0 < len(read) <= MAX_FORMULAS
    # repeated, one formula is one
    assert len(formulas("p - y, p - y, p_k - y_k and p - y")) == 1
