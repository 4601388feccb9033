"""Which way a piece of text points: negations in it, and the domain's antonyms.

Sentence embeddings barely see "not", and "up-weights" sits next to "down-weights": two texts
about the same thing in opposite directions look alike. So the direction is read separately: a
clause agrees with a rubric sentence when the negations in both, plus the antonym swaps between
them, add up to an even number.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

from engine.ideas.segment import clauses
from engine.textnorm import fold, stem

# Words that deny what follows them. ("Unlike", "instead", "rather" contrast two things; they do
# not deny the claim, so they are not here.) "Less" and "fewer" deny the "more": "less robust"
# says what "not robust" says, and the opposite of "more robust".
# fmt: off
NEGATORS = frozenset(["not", "no", "never", "neither", "nor", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "neednt", "none", "nothing", "nobody", "non", "nowhere", "less", "fewer", "barely", "hardly", "scarcely", "fail", "fails", "failed", "failing", "differ", "differs", "differed", "rather_than", "instead_of"])
# fmt: on
# Two-word cues, joined before reading: "rather than the loss at w" denies "the loss at w".
_JOINED = re.compile(r"\b(rather|instead)\s+(than|of)\b")
# "stops improving" says "is not improving"; "early stopping" is a name and denies nothing.
# "Stops being quadratic" describes a change of regime, not a denial.
_STOPS = re.compile(r"\b(?:stops|stopped|ceases|ceased)\s+(?=(?!being\b|having\b)\w+ing\b)")
# Words of one direction that the antonym table knows under another name.
DIRECTION_SYNONYMS = {
    "big": "large", "bigger": "larger", "huge": "large", "tiny": "small", "little": "small",
    "broad": "wide", "broader": "wider", "steep": "sharp", "quick": "fast", "quicker": "faster",
    # a difference is a thing ("temporal-difference error", "finite differences"), not the
    # opposite of "the same" that "different" is
    "difference": "gap", "differences": "gaps",
}  # fmt: skip
# "not only", "no matter", "not just" do not deny anything.
_NOT_NEGATING = re.compile(
    r"\b(?:not\s+(?:only|just|merely)|no\s+matter|nothing\s+but|more\s+or\s+less)\b"
)
_WORD = re.compile(r"[a-z0-9_]+|[,;:.!?()]")
_PUNCTUATION = frozenset(",;:.!?()")

# Pairs of words that point opposite ways in this subject. Written as people type them; each
# word is stemmed, so "increases", "increasing" and "increase" are one.
# fmt: off
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"), ("increase", "reduce"), ("raise", "lower"), ("grow", "shrink"),
    ("rise", "fall"), ("up", "down"), ("upweight", "downweight"), ("amplify", "dampen"),
    ("amplify", "suppress"), ("larger", "smaller"), ("large", "small"), ("big", "small"),
    ("bigger", "smaller"), ("high", "low"), ("higher", "lower"), ("most", "least"),
    ("many", "few"), ("fast", "slow"), ("ascent", "descent"), ("uphill", "downhill"),
    ("plus", "minus"), ("highest", "lowest"), ("worst", "best"), ("maximise", "minimise"),
    ("faster", "slower"), ("quickly", "slowly"), ("sharp", "flat"), ("sharper", "flatter"),
    ("wide", "narrow"), ("wider", "narrower"), ("robust", "sensitive"), ("stable", "unstable"),
    ("inside", "outside"), ("before", "after"), ("overfit", "underfit"),
    ("overfitting", "underfitting"), ("above", "below"), ("overestimate", "underestimate"),
    ("overconfident", "underconfident"), ("maximize", "minimize"), ("maximum", "minimum"),
    ("max", "min"), ("positive", "negative"), ("strong", "weak"), ("stronger", "weaker"),
    ("easy", "hard"), ("easier", "harder"), ("early", "late"), ("earlier", "later"),
    ("long", "short"), ("longer", "shorter"), ("explode", "vanish"), ("add", "subtract"),
    ("multiply", "divide"), ("always", "never"), ("all", "none"), ("convex", "concave"),
    ("mean", "median"), ("first", "last"), ("train", "test"), ("training", "evaluation"),
    ("underestimates", "overestimates"), ("cheap", "expensive"), ("constant", "varying"),
    ("bounded", "unbounded"), ("biased", "unbiased"), ("same", "different"),
    ("improve", "worsen"), ("better", "worse"), ("help", "hurt"), ("helps", "hurts"),
    ("include", "exclude"), ("zero", "nonzero"), ("convex", "nonconvex"),
    ("sparse", "dense"), ("smooth", "jagged"), ("continuous", "discontinuous"),
    ("differentiable", "nondifferentiable"), ("calibrated", "miscalibrated"),
    ("underconfidence", "overconfidence"), ("ignore", "emphasize"), ("row", "column"),
    # things of one kind that a confused answer swaps for each other
    ("zero", "positive"), ("independent", "dependent"), ("decoupled", "coupled"),
    ("independent", "coupled"),
    # things of one kind that a confused answer swaps for each other
    ("l1", "l2"), ("lasso", "ridge"), ("mse", "mae"), ("squared", "absolute"), ("sgd", "adam"),
    ("numerator", "denominator"), ("underfitting", "overfitting"), ("bias", "variance"),
)
# The last group: named things, where "A is more robust than B" and "B is the robust one" say
# opposite things although both name B (see ``subject_swaps``).
KINDS: tuple[tuple[str, str], ...] = ANTONYMS[-8:]
# fmt: on


def _stems(pair: tuple[str, str]) -> tuple[str, str]:
    return stem(pair[0]), stem(pair[1])


# One orientation per pair: ("overfit", "underfit") and ("underfitting", "overfitting") are one
# pair, and counting it twice would cancel the swap it should find.
_PAIRS = tuple(sorted({tuple(sorted(_stems(p))) for p in ANTONYMS if _stems(p)[0] != _stems(p)[1]}))
_PAIR_SET = frozenset(_PAIRS)
_PAIRS_WITH: dict[str, tuple[int, ...]] = {}  # stem -> the indices of the pairs it is a side of
for _k, _pair in enumerate(_PAIRS):
    for _side in _pair:
        _PAIRS_WITH[_side] = (*_PAIRS_WITH.get(_side, ()), _k)
# The plain words of the table, for reading "flatter" as "flat".
_DIRECTION_WORDS = frozenset(w for pair in ANTONYMS for w in pair)


SCOPE = 5  # a negation reaches this many words ahead, within its clause
# Words between a negation and what it denies: auxiliaries, articles, adverbs of degree.
_SKIP = frozenset(
    [
        "be",
        "is",
        "are",
        "was",
        "were",
        "been",
        "being",
        "get",
        "gets",
        "got",
        "getting",
        "become",
        "becomes",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "a",
        "an",
        "the",
        "to",
        "that",
        "this",
        "it",
        "its",
        "really",
        "actually",
        "always",
        "necessarily",
        "very",
        "too",
        "much",
        "any",
        "as",
        "so",
        "even",
        "quite",
        "entirely",
        "completely",
        "fully",
        "just",
        "simply",
        "at",
        "all",
        "same",
        "necessary",
        "needed",
        "going",
    ]
)
# "never form p and compute from logits": "and" starts a new claim; "not X or Y" denies both.
_SCOPE_END = frozenset(
    [
        "and",
        "but",
        "however",
        "because",
        "since",
        "so",
        "although",
        "though",
        "while",
        "whereas",
        "which",
    ]
)


@lru_cache(maxsize=2048)
def words(text: str) -> tuple[str, ...]:
    """Folded words, with "not only" and the like taken out."""
    text = _STOPS.sub("not ", _JOINED.sub(r"\1_\2", _NOT_NEGATING.sub(" ", fold(text))))
    found = _WORD.findall(text)
    return tuple(_base(DIRECTION_SYNONYMS.get(w, w)) for w in found)  # punctuation kept


def _base(word: str) -> str:
    """A comparative or superlative of a direction word read as the word itself ("flattest",
    "sharper", "bigger" → "flat", "sharp", "big"): "the sharpest point" and "a sharp minimum"
    point the same way, and the opposite way to "flat"."""
    for suffix in ("est", "er"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            root = word[: -len(suffix)]
            for candidate in (root, root + "e", root[:-1], root[:-1] + "y"):
                if candidate in _DIRECTION_WORDS and candidate != word:
                    return candidate
    return word


@lru_cache(maxsize=2048)
def stems_of(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text) if w not in NEGATORS and w not in _PUNCTUATION)


class _Everything(frozenset[str]):
    """Every stem: a negation counts whatever it governs."""

    def __contains__(self, item: object) -> bool:
        return True


ALL: frozenset[str] = _Everything()


_FAIL = frozenset(["fail", "fails", "failed", "failing"])
_PRONOUNS = frozenset(["it", "them", "this", "that", "these", "those", "one"])


@lru_cache(maxsize=1024)
def _negators_at(text: str) -> tuple[int, ...]:
    """Where the negations of ``text`` are (the "nor" of "neither … nor" is not another)."""
    ws = words(text)
    return tuple(
        i
        for i, word in enumerate(ws)
        if word in NEGATORS
        and not (word == "nor" and "neither" in ws[:i])
        # "fails to converge" denies converging; "the rule fails past 8k" denies nothing after it
        and not (word in _FAIL and ws[i + 1 : i + 2] != ("to",))
    )


def negations(
    text: str,
    about: frozenset[str],
    *,
    head_only: bool = True,
    ignore: frozenset[str] = frozenset(),
) -> int:
    """The negations in ``text`` that deny one of the stems ``about``. Read narrowly
    (``head_only``), a negation denies the first word after it that is not an auxiliary or an
    adverb ("does not really get smaller" denies "smaller"); read broadly, any word of its
    scope. "Neither … nor" is one negation.

    >>> negations("it does not really favour flat minima", frozenset({"favour", "flat"}))
    1
    >>> negations("it does not pick one at random, and it favours flat minima", frozenset({"favour"}))
    0
    >>> negations("it does not decompose into a sum", frozenset({"sum"}), head_only=False)
    1
    """
    ws = words(text)
    count = 0
    for i in _negators_at(text):
        word = ws[i]
        if word in ignore:
            continue
        if word == "without" and ws[i + 1 : i + 2] and ws[i + 1] in _PRONOUNS:
            continue  # "without it, exp(1000) overflows": it denies the thing it stands for
        for ahead in ws[i + 1 : i + 1 + SCOPE]:
            if ahead in _SCOPE_END or ahead in _PUNCTUATION:
                break
            if ahead in _SKIP or ahead in NEGATORS:
                continue
            if stem(ahead) in about:
                count += 1
                break
            if head_only:
                break
    return count


Pairs = tuple[tuple[str, str], ...]  # stemmed pairs of opposite or easily swapped words


def contrast_stems(contrasts: Sequence[tuple[str, str]]) -> Pairs:
    """A rubric's own contrasts ("norm" and "value" clipping), stemmed like the table."""
    return tuple(sorted({tuple(sorted(_stems(p))) for p in contrasts}))  # type: ignore[misc]


def swaps(claim: frozenset[str], other: frozenset[str], extra: Pairs = ()) -> int:
    """Antonym pairs on which the two texts take opposite sides (one word in each, not both)."""
    count = 0
    # only the table's pairs with a side in ``claim`` can count
    table = {k for word in claim for k in _PAIRS_WITH.get(word, ())}
    for a, b in itertools.chain(
        (_PAIRS[k] for k in table), (p for p in extra if p not in _PAIR_SET)
    ):
        if (a in claim and b not in claim and b in other and a not in other) or (
            b in claim and a not in claim and a in other and b not in other
        ):
            count += 1
    return count


# A rubric sentence is cut finer than an answer: "MSE gives the mean and MAE the median" holds
# two claims, and a learner's clause speaks to one of them.
_CONJUNCTION = re.compile(r"\s+and\s+|\s*[,;]\s+")


@lru_cache(maxsize=2048)
def _parts(claim: str) -> tuple[str, ...]:
    return tuple(p for c in clauses(claim) for p in _CONJUNCTION.split(c.text) if p.strip())


def _aligned(claim: str, other: frozenset[str]) -> str:
    """The part of ``claim`` that ``other`` speaks to ("A is non-convex, whereas B is convex"
    holds two claims of opposite sign: the learner's clause answers one of them)."""
    parts = _parts(claim)
    if len(parts) < 2:
        return claim
    return max(parts, key=lambda part: len(stems_of(part) & other))


Agreement = int  # 1: same direction, -1: opposite, 0: cannot tell

_KIND_STEMS = tuple(_stems(p) for p in KINDS)
_KIND_WORDS = frozenset(w for pair in _KIND_STEMS for w in pair)
# Words after which a named thing is the one compared against, not the subject.
_AGAINST = frozenset(["unlike", "than", "compared", "versus", "vs", "over", "whereas", "while",
                      "against", "with", "to", "not", "instead_of", "rather_than"])  # fmt: skip


def _subject(ws: Sequence[str], pair: tuple[str, str]) -> str | None:
    """The first of the pair named in ``ws`` that is not the thing compared against."""
    for i, w in enumerate(ws):
        s = stem(w)
        if s in pair:
            if i and ws[i - 1] in _AGAINST:
                return None
            return s
    return None


@lru_cache(maxsize=1024)
def _all_stems(text: str) -> frozenset[str]:
    """Every word's stem, negators and punctuation included (cf. :func:`stems_of`)."""
    return frozenset(stem(w) for w in words(text))


def subject_swaps(claim: str, other: str, extra: Pairs = ()) -> int:
    """Named pairs whose roles the texts exchange: a text compares the two ("MSE is more robust
    than MAE") and the other puts the other one first ("MAE is the robust one", "MAE is more
    robust than MSE"). ``swaps`` cannot see this: both texts name MAE.

    >>> subject_swaps("MSE is more robust to outliers than MAE", "MAE is the robust one")
    1
    >>> subject_swaps("MAE is more robust to outliers than MSE", "MAE is the robust one")
    0
    >>> subject_swaps("Unlike MSE, MAE is robust", "MAE is the robust one")
    0
    >>> subject_swaps("MAE is more robust than MSE", "MSE is more robust than MAE")
    1
    """
    said = (_all_stems(claim), _all_stems(other))
    if not extra and not (said[0] & _KIND_WORDS and said[1] & _KIND_WORDS):
        return 0  # no pair is named in both
    count = 0
    texts = (words(claim), words(other))
    for pair in _KIND_STEMS + extra:
        named = [s.intersection(pair) for s in said]
        if not all(named) or len(named[0]) + len(named[1]) < 3:
            continue
        compared = [len(n) == 2 and "than" in ws for n, ws in zip(named, texts, strict=True)]
        if not any(compared):  # "MSE for X, MAE for Y" names both without comparing them
            continue
        subjects = [
            _subject(ws, pair) if len(n) == 2 else next(iter(n))
            for n, ws in zip(named, texts, strict=True)
        ]
        if None not in subjects and subjects[0] != subjects[1]:
            count += 1
    return count


def kind_pairs() -> Pairs:
    """The table's pairs of named things (stemmed)."""
    return _KIND_STEMS


def named(ws: Sequence[str], pair: tuple[str, str]) -> str | None:
    """The word of ``ws`` that names one side of ``pair`` as the subject, when it names exactly
    one side and not as the thing compared against."""
    found = {stem(w) for w in ws} & set(pair)
    if len(found) != 1:
        return None
    subject = _subject(ws, pair)
    return next((w for w in ws if stem(w) == subject), None) if subject else None


# "less noise" and "fewer steps" compare; they deny nothing outside their scope.
_COMPARATIVES = frozenset(["less", "fewer"])


def _denials(text: str) -> int:
    """Negations in ``text`` that deny something ("others are not" denies nothing), comparatives
    aside."""
    return negations(text, ALL, ignore=_COMPARATIVES)


_OPPOSITE: dict[str, frozenset[str]] = {}
for _a, _b in _PAIRS:
    _OPPOSITE[_a] = _OPPOSITE.get(_a, frozenset()) | {_b}
    _OPPOSITE[_b] = _OPPOSITE.get(_b, frozenset()) | {_a}


def _with_anchor(mine: frozenset[str], anchor: str, contrasts: Pairs = ()) -> frozenset[str]:
    """``mine`` plus the direction words of the idea's own claim: a paraphrase that says "as
    delta grows" still speaks of a large delta, and a clause about a small one opposes it. So
    with the rubric's contrasts: "direction preserved, only shorter" is still about norm
    clipping when its claim is."""
    if not anchor:
        return mine
    theirs = stems_of(anchor)
    extra = {word for word in theirs if word in _OPPOSITE and not (_OPPOSITE[word] & mine)}
    for pair in contrasts:
        side = theirs & set(pair)
        if len(side) == 1 and not mine & set(pair):
            extra |= side
    return mine | extra


def agreement(claim: str, other: str, anchor: str = "", contrasts: Pairs = ()) -> Agreement:
    """Whether ``other`` points the same way as ``claim`` (both about the same thing): 1 when
    it does, -1 when it points the other way, 0 when the two readings of its negations (what a
    negation governs: one word, or its whole scope) disagree, or it swaps more than one pair of
    opposites. ``contrasts`` are the rubric's own pairs of things a confused answer swaps
    (stemmed, see :func:`contrast_stems`).

    >>> agreement("A larger delta makes Huber less robust", "Huber with a big delta is not robust")
    1
    >>> agreement("A larger delta makes Huber less robust", "With a smaller delta Huber is less robust")
    -1
    >>> agreement("Adam converges faster", "Adam does not converge faster")
    -1
    >>> agreement("MSE is non-convex here, whereas log loss is convex", "log loss is convex")
    1
    >>> agreement("CE equals entropy plus KL", "CE does not decompose into entropy plus KL")
    0
    """
    theirs = stems_of(other)
    part = _aligned(claim, theirs)
    found = _agreement(part, other, theirs, anchor, contrasts)
    if part != claim:
        whole = _agreement(claim, other, theirs, anchor, contrasts)
        if found == 0:
            # the part alone leaves it open ("…, as long as the gradient barely changes over
            # those k steps" speaks to more than its first part): read the whole sentence
            return whole
        if found == -1 and whole == 1:
            return 0  # the learner may be answering the rest of the sentence
    return found


def _agreement(
    claim: str, other: str, theirs: frozenset[str], anchor: str, contrasts: Pairs = ()
) -> Agreement:
    mine = stems_of(claim)
    shared = mine & theirs
    flips = swaps(_with_anchor(mine, anchor, contrasts), theirs, contrasts) + subject_swaps(
        claim, other, contrasts
    )
    if flips > 1:  # "small delta → absolute error" against "large delta → squared error":
        return 0  # two swaps are another claim more often than the same one said backwards
    # A text denies the shared words or it does not: "does not act as a regulariser and does
    # not favour flat minima" denies twice, and two denials do not cancel.
    narrow = (_denies(claim, shared) + _denies(other, shared) + flips) % 2
    broad = (
        _denies(claim, shared, head_only=False) + _denies(other, shared, head_only=False) + flips
    ) % 2
    if narrow != broad:
        return 0
    if narrow:
        return -1
    # Same direction on the shared words; but a negation of something else in the learner's
    # text ("focal loss does not down-weight easy examples" against a paraphrase that shares
    # "easy examples" and not "down-weight") may still deny it: agree only if those pair up.
    # The rubric's own negations count only where they deny what the learner speaks of ("…
    # without diverging" does not deny an answer that never mentions diverging).
    elsewhere = min(_denials(other), 1) - _denies(other, shared, head_only=False)
    return 1 if elsewhere % 2 == 0 else 0


def _denies(text: str, about: frozenset[str], *, head_only: bool = True) -> int:
    return min(negations(text, about, head_only=head_only), 1)


def agrees(claim: str, other: str) -> bool:
    """Whether ``other`` surely points the same way as ``claim``."""
    return agreement(claim, other) == 1


def direction_words(texts: Sequence[str]) -> frozenset[str]:
    """Every stem of the antonym table that occurs in ``texts`` (to see what a rubric can flip)."""
    found: set[str] = set()
    for text in texts:
        found |= stems_of(text)
    return frozenset(s for pair in _PAIRS for s in pair if s in found)
