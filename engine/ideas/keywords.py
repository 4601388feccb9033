"""Tell a bare list of terms from an answer written in sentences.

A list names things; a sentence says something about them. So a list has many short items
(cut by commas, slashes, bars, semicolons, bullets or line breaks, or just runs of terms), and
hardly any of the small words that hold a claim together: verbs of being and doing, articles,
prepositions, connectives, or arrows standing in for them.
"""

from __future__ import annotations

import re

from engine.textnorm import fold

# The glue of a claim: auxiliaries and common verbs, articles, prepositions and connectives.
# fmt: off
GLUE = frozenset(["a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "it", "its", "it's", "this", "that", "these", "those", "there", "they", "them", "he", "she", "we", "you", "i", "my", "our", "your", "their", "his", "her", "has", "have", "had", "having", "do", "does", "did", "doing", "can", "could", "will", "would", "should", "may", "might", "must", "shall", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "than", "then", "so", "because", "since", "if", "when", "whenever", "while", "whereas", "although", "though", "but", "and", "or", "as", "which", "who", "whose", "what", "where", "why", "how", "not", "no", "never", "only", "also", "just", "too", "very", "more", "less", "most", "least", "much", "many", "each", "every", "all", "any", "some", "such", "both", "either", "neither", "nor", "per", "via", "makes", "make", "made", "gets", "get", "got", "gives", "give", "gave", "keeps", "keep", "kept", "takes", "take", "took", "goes", "go", "went", "becomes", "become", "became", "stays", "stay", "tends", "tend", "pushes", "push", "pulls", "pull", "lets", "let", "uses", "use", "used", "helps", "help", "causes", "cause", "leads", "lead", "grows", "grow", "shrinks", "shrink", "stops", "stop", "moves", "move", "turns", "turn", "puts", "put", "adds", "add", "divides", "divide", "multiplies", "changes", "change", "needs", "need", "works", "work", "happens", "happen", "depends", "depend", "matters", "matter", "ends", "end", "starts", "start", "behaves", "behave", "acts", "act", "prevents", "prevent", "avoids", "avoid", "keeps"])
# fmt: on
_RELATION = re.compile(r"[→⇒⟹↦=≈∝<>≤≥]|->|=>")
_ITEM_BREAK = re.compile(r"[,;/|·•\n]+|\s{2,}|\s[-–—]\s")
_WORD = re.compile(r"[a-z][a-z'-]*")
# a sentence end (not a decimal point, nor the dot of "et al.", "etc.", "e.g." or "w.r.t.") or a
# heading's colon
_SENTENCE = re.compile(r"(?<!\d)(?<!\bal)(?<!\betc)(?<!\bvs)(?<!\bcf)(?<![.\s]\w)[.!?](?=\s|$)|:\s")
MIN_SECTION_WORDS = 3
MIN_ITEMS = 5
MAX_ITEM_WORDS = 4  # a term of art runs to four words ("binary cross entropy loss")
# Of the words: a sentence is roughly a third glue; a term may hold one ("sum of squares").
MAX_GLUE_SHARE = 0.2
MIN_SHORT_SHARE = 0.75  # of the items that are no longer than a term
# Terse answers state relations in symbols (→, =, ∝); a list may quote a formula or two.
MAX_RELATIONS_PER_ITEM = 1 / 3


def is_keyword_list(answer: str) -> bool:
    """Whether ``answer`` is a list of terms rather than a claim in sentences.

    >>> is_keyword_list("huber, mae, median, residual, gradient, quadratic, outlier, delta")
    True
    >>> is_keyword_list("Huber is quadratic near zero, so small residuals get shrinking steps.")
    False
    >>> is_keyword_list("huber mae median residual gradient quadratic outlier robust delta")
    True
    >>> is_keyword_list("Step: g = ∇L(w); ε = ρ g/‖g‖, ascent. Cost: 2 passes/step, ≈ 2× compute.")
    False
    >>> is_keyword_list("mixup, soft labels, same lambda, Beta(alpha, alpha), Zhang et al. 2018, per batch")
    True
    """
    text = fold(answer)
    words = _WORD.findall(text)
    if len(words) < MIN_ITEMS:
        return False
    # notes in sections ("Objective: … → flat regions. Step: g = ∇L(w); …") are written
    # claims, however terse: a list of terms does not run to sentences or headed parts
    parts = _SENTENCE.split(text)
    if sum(len(_WORD.findall(part)) >= MIN_SECTION_WORDS for part in parts) >= 2:
        return False
    glue = sum(w in GLUE for w in words)
    if glue / len(words) > MAX_GLUE_SHARE:
        return False
    items = [i for i in _ITEM_BREAK.split(text) if _WORD.search(i)]
    relations = len(_RELATION.findall(answer))
    if len(items) >= MIN_ITEMS and relations <= len(items) * MAX_RELATIONS_PER_ITEM:
        short = sum(len(_WORD.findall(i)) <= MAX_ITEM_WORDS for i in items)
        if short / len(items) >= MIN_SHORT_SHARE:
            return True
    # one run of terms with nothing between them (arrows and equals signs would be glue)
    return glue == 0 and relations <= 1
