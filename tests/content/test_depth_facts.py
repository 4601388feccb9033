"""The numbers the depth questions (content/modules/depth/*.yaml) state, computed independently.

Every test reads what the content says (a numeric question's answer and tolerance, a formula
question's target, checks and known mistakes, or a number found right after its subject in a
text) and compares it with NumPy, the repository's reference implementations and, where it is
installed, PyTorch. A wrong number in the content therefore fails a test; nothing here compares
a constant with a constant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from content import ContentSet
from engine.expr import VarSpec, parse
from engine.expr.evaluate import Env, evaluate
from engine.expr.front import parse_definitions
from engine.expr.names import canonical_name
from engine.kinds import grade
from engine.reference.gradients import numerical_gradient, softmax_ce_gradient
from engine.reference.losses import label_smoothing, softmax
from engine.reference.optimizers import adam_step
from engine.reference.training import clip_grad_norm

RNG = np.random.default_rng(20)
F16 = np.finfo(np.float16)
LATE = 10**9  # a step count at which Adam's bias correction is 1 to machine precision

# the questions, by file
EPS_OPEN = "adaptive-optimizers-epsilon-depth"
EPS_ROOT = "adaptive-optimizers-epsilon-inside-root"
EPS_FP16 = "adaptive-optimizers-epsilon-float16"
EPS_LARGE = "adaptive-optimizers-large-epsilon-momentum"
MP_OPEN = "loss-curves-mixed-precision-loss-scaling"
MP_SCALE = "loss-curves-loss-scale-power"
MP_SPACING = "loss-curves-fp16-spacing"
MP_DYNAMIC = "loss-curves-dynamic-loss-scaling"
SPIKE_OPEN = "loss-curves-large-model-spikes"
SPIKE_STALE = "loss-curves-stale-second-moment"
SPIKE_BETA2 = "loss-curves-spike-beta2"
CLIP_OPEN = "early-stopping-clipping-under-adam"
CLIP_SPIKE = "early-stopping-clipping-adam-spike-step"
CLIP_AFTER = "early-stopping-clipping-adam-after-spike"
CLIP_SCALE = "early-stopping-clipping-adam-constant-scale"
BATCH_OPEN = "lr-schedules-batch-scaling-rules"
BATCH_GOYAL = "lr-schedules-linear-scaling-goyal"
BATCH_SQRT = "lr-schedules-sqrt-scaling-adam"
NOISE_OPEN = "categorical-cross-entropy-label-noise"
NOISE_GCE = "categorical-cross-entropy-gce-gradient"
NOISE_MAE = "categorical-cross-entropy-mae-symmetric-sum"


# -- reading numbers out of the content ---------------------------------------------------------

# 65,536 | 0.1 | 1e-8 | 6.1 \times 10^{-5} | 2^{-24} | 2^-14 | 0.999^{100}
NUM = (
    r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
    r"(?:\s*\\times\s*10\^\{?-?\d+\}?|\^\{?-?\d+(?:\.\d+)?\}?)?"
)
NUMBER = re.compile(NUM)
PARTS = re.compile(
    r"(?P<mant>[\d,.]+(?:e[-+]?\d+)?)"
    r"(?:\s*\\times\s*10\^\{?(?P<exp>-?\d+)\}?|\^\{?(?P<pow>-?\d+(?:\.\d+)?)\}?)?"
)
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
WORDS = {"five": 5, "seven": 7, "eight": 8, "ten": 10}


def number(text: str) -> float:
    """The value of one number as the content writes it."""
    m = PARTS.fullmatch(text.strip())
    assert m, f"not a number: {text!r}"
    mantissa = float(m["mant"].replace(",", ""))
    if m["exp"]:
        return mantissa * 10.0 ** int(m["exp"])
    if m["pow"]:
        return float(mantissa ** float(m["pow"]))
    return mantissa


def normalise(text: str) -> str:
    """Unicode minus and superscript powers (2⁻¹⁰, 2¹⁶) written the way NUM reads them."""
    text = text.replace("−", "-")
    return re.sub(
        r"(\d)([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", lambda m: f"{m[1]}^{{{m[2].translate(SUPERSCRIPTS)}}}", text
    )


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from strings(value)


def all_text(content: ContentSet, qid: str) -> str:
    """Every text of a question (prompt, hints, model answer, ideas and their paraphrases,
    misconceptions, options, explanation, solution, references, checks) in one string."""
    return normalise(" | ".join(strings(content.questions[qid].model_dump())))


def stated(text: str, subject: str, reach: int = 40) -> list[float]:
    """The first number after each occurrence of ``subject`` (a regex) in ``text``."""
    text = normalise(text)
    found = []
    for s in re.finditer(subject, text):
        m = NUMBER.search(text, s.end())
        assert m and m.start() - s.end() <= reach, (
            f"no number right after {subject!r}: {text[s.end() : s.end() + reach]!r}"
        )
        found.append(number(m.group()))
    assert found, f"the content no longer says {subject!r}"
    return found


def says(text: str, subject: str, true: float, rel: float) -> None:
    """Every number stated right after ``subject`` is ``true`` within ``rel``."""
    values = stated(text, subject)
    assert all(math.isclose(v, true, rel_tol=rel, abs_tol=0.0) for v in values), (
        f"after {subject!r} the content says {values}; computed: {true:.8g}"
    )


def captured(text: str, pattern: str) -> tuple[float, ...]:
    """The numbers in the groups of the first match of ``pattern`` (groups made of ``NUM``)."""
    m = re.search(pattern.replace("NUM", NUM), normalise(text))
    assert m, f"the content no longer says {pattern!r}"
    return tuple(number(g) for g in m.groups())


def question(content: ContentSet, qid: str) -> Any:
    return content.questions[qid]


def option(q: Any, oid: str) -> Any:
    return next(o for o in q.options if o.id == oid)


def accepts(q: Any, answer: str) -> bool:
    return bool(grade(q, answer).correct)


def assert_numeric_answer(q: Any, computed: float, wrong: dict[str, float]) -> None:
    """The question's answer is ``computed`` within its own tolerance, the grader accepts the
    computed value, and it rejects each computed wrong alternative."""
    tol = q.tolerance
    allowed = max(tol.abs, tol.rel * abs(computed))
    assert abs(q.answer - computed) <= allowed, f"{q.id}: answer {q.answer}, computed {computed}"
    assert accepts(q, repr(float(computed))), f"{q.id}: the grader rejects {computed!r}"
    for why, value in wrong.items():
        assert not accepts(q, repr(float(value))), (
            f"{q.id}: the tolerance accepts {why} ({value!r})"
        )


def value_of(where: Any, text: str, **values: float) -> float:
    """A formula evaluated at ``values`` with the repository's expression engine: one of
    question ``where``'s (its target, a check, a mistake, a solution line), with its variables
    and definitions, or, for ``where=None``, a formula in the names of ``values``."""
    if where is None:
        variables, definitions = {k: VarSpec() for k in values}, {}
    else:
        variables = {k: VarSpec(tuple(v.shape), v.domain) for k, v in where.variables.items()}
        definitions = parse_definitions(list(where.definitions.items()), variables=variables)
    node = parse(text, variables=variables, definitions=definitions).node
    env = Env({canonical_name(k): np.full((1, 1, 1), v) for k, v in values.items()}, {}, 1)
    return float(evaluate(node, env)[0, 0, 0])


def to_bfloat16(x: Any) -> np.ndarray:
    """Round float32 values to bfloat16 (the top 16 bits, round to nearest even)."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return rounded.astype(np.uint32).view(np.float32)


def bfloat16_spacing_at_one() -> float:
    k = next(k for k in range(1, 30) if to_bfloat16(1.0 + 2.0**-k) == 1.0)
    return 2.0 ** -(k - 1)


def every_float16() -> np.ndarray:
    """All positive finite float16 values."""
    return np.arange(1, 0x7C00, dtype=np.uint16).view(np.float16)


def sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-z))


def adam_late(g: float, m: float, v: float, beta1: float, beta2: float) -> tuple[float, ...]:
    """One step of the reference Adam late in training (bias correction 1, ε = 0), lr = 1:
    returns (step, m, v)."""
    w, m_new, v_new = adam_step(
        np.zeros(1), np.array([g]), np.array([m]), np.array([v]), LATE, 1.0, beta1, beta2, 0.0
    )
    return float(-w[0]), float(m_new[0]), float(v_new[0])


# -- float16 and bfloat16 ---------------------------------------------------------------------

FLOAT16_STATED = [
    (MP_OPEN, r"largest value is", float(F16.max), 0.0),
    (MP_OPEN, r"smallest positive normal number about", float(F16.smallest_normal), 0.01),
    (MP_OPEN, r"smallest positive subnormal about", float(F16.smallest_subnormal), 0.01),
    (MP_OPEN, r"binary16: max", float(F16.max), 0.0),
    (MP_OPEN, r"smallest normal", float(F16.smallest_normal), 1e-12),
    (MP_OPEN, r"smallest normal 2\^-14 ≈", float(F16.smallest_normal), 0.01),
    (MP_OPEN, r"smallest subnormal", float(F16.smallest_subnormal), 1e-12),
    (MP_OPEN, r"smallest subnormal 2\^-24 ≈", float(F16.smallest_subnormal), 0.001),
    (MP_OPEN, r"min subnormal ≈", float(F16.smallest_subnormal), 0.001),
    (MP_OPEN, r"min normal ≈", float(F16.smallest_normal), 0.01),
    (MP_OPEN, r"smallest positive value is about", float(F16.smallest_subnormal), 0.01),
    (MP_SCALE, r"smallest\s+positive normal number", float(F16.smallest_normal), 1e-12),
    (MP_SCALE, r"smallest\s+positive normal number \$2\^\{-14\} \\approx", float(F16.smallest_normal), 0.01),
    (EPS_OPEN, r"smallest positive float16 number is about", float(F16.smallest_subnormal), 0.01),
    (EPS_OPEN, r"smallest positive subnormal is", float(F16.smallest_subnormal), 1e-12),
    (EPS_OPEN, r"smallest positive subnormal is 2\^-24 ≈", float(F16.smallest_subnormal), 0.001),
    (EPS_OPEN, r"smallest positive half-precision number is about", float(F16.smallest_subnormal), 0.01),
    (EPS_OPEN, r"fp16 smallest positive ≈", float(F16.smallest_subnormal), 0.001),
    (EPS_FP16, r"smallest positive float16 number is", float(F16.smallest_subnormal), 1e-12),
    (EPS_FP16, r"smallest positive float16 number is \$2\^\{-24\} \\approx", float(F16.smallest_subnormal), 0.001),
    (EPS_FP16, r"smallest positive number is about", float(F16.smallest_subnormal), 0.01),
    (EPS_FP16, r"and its largest", float(F16.max), 0.0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("qid", "subject", "true", "rel"),
    FLOAT16_STATED,
    ids=[f"{row[0]}:{row[1][:30]}" for row in FLOAT16_STATED],
)
def test_float16_limits_are_stated_as_numpy_reports_them(
    shipped_content: ContentSet, qid: str, subject: str, true: float, rel: float
) -> None:
    says(all_text(shipped_content, qid), subject, true, rel)


BITS = [  # (question, a regex whose group is the number of bits, format, which field)
    (MP_OPEN, r"Float16 has only (\w+) exponent bits", "float16", "exponent"),
    (MP_OPEN, r"fp16: (\d+) exponent bits", "float16", "exponent"),
    (MP_OPEN, r"fp16 has only (\d+) exponent bits", "float16", "exponent"),
    (MP_OPEN, r"Bfloat16 keeps float32's (\w+) exponent bits", "bfloat16", "exponent"),
    (MP_OPEN, r"bf16: (\d+) exponent bits", "bfloat16", "exponent"),
    (MP_OPEN, r"bf16: \d+ exponent bits \(same range as fp32\), (\d+) mantissa bits", "bfloat16", "mantissa"),
    (MP_OPEN, r"it has only (\w+) mantissa bits", "bfloat16", "mantissa"),
    (MP_OPEN, r"bf16 has the same (\d+) exponent bits as fp32", "bfloat16", "exponent"),
    (MP_OPEN, r"float16's (\w+)", "float16", "exponent"),
    (MP_SPACING, r"Float16 has (\d+) explicit mantissa bits", "float16", "mantissa"),
    (EPS_FP16, r"keeps float32's (\d+) exponent bits", "bfloat16", "exponent"),
    (EPS_FP16, r"Float16 has (\d+), so", "float16", "exponent"),
]  # fmt: skip


def format_bits(fmt: str, field: str) -> int:
    if fmt == "float16":
        return int(F16.nexp if field == "exponent" else F16.nmant)
    mantissa = -round(math.log2(bfloat16_spacing_at_one()))  # 7, from rounding float32 values
    return 16 - 1 - mantissa if field == "exponent" else mantissa  # 1 sign bit


@pytest.mark.parametrize(("qid", "pattern", "fmt", "field"), BITS, ids=[b[1][:40] for b in BITS])
def test_the_bit_counts_are_right(
    shipped_content: ContentSet, qid: str, pattern: str, fmt: str, field: str
) -> None:
    found = re.findall(pattern, all_text(shipped_content, qid))
    assert found, f"the content no longer says {pattern!r}"
    for word in found:
        bits = WORDS[word] if word in WORDS else int(word)
        assert bits == format_bits(fmt, field), f"{pattern!r} says {word}"


def test_bfloat16_has_float32s_exponent_range_and_a_spacing_of_2_to_the_minus_7(
    shipped_content: ContentSet,
) -> None:
    """Emulated by rounding float32 to its top 16 bits: small gradients survive (no loss
    scaling needed), and the spacing at 1 is the value the spacing question's check calls the
    bfloat16 spacing."""
    assert format_bits("bfloat16", "exponent") == np.finfo(np.float32).nexp
    for tiny in (1e-9, 1e-20, 1e-37):
        assert to_bfloat16(tiny) != 0 and np.float16(tiny) == 0
    (note,) = [c for c in question(shipped_content, MP_SPACING).checks if "bfloat16" in c.note]
    assert number(note.answer) == bfloat16_spacing_at_one() and not note.correct


def test_torch_agrees_on_the_float_formats(shipped_content: ContentSet) -> None:
    torch = pytest.importorskip("torch")
    half, brain = torch.finfo(torch.float16), torch.finfo(torch.bfloat16)
    text = all_text(shipped_content, MP_OPEN)
    says(text, r"largest value is", half.max, 0.0)
    says(text, r"smallest positive normal number about", half.smallest_normal, 0.01)
    subnormal = torch.nextafter(
        torch.zeros(1, dtype=torch.float16), torch.ones(1, dtype=torch.float16)
    )
    says(text, r"smallest positive subnormal about", float(subnormal), 0.01)
    (note,) = [c for c in question(shipped_content, MP_SPACING).checks if "bfloat16" in c.note]
    assert number(note.answer) == brain.eps == bfloat16_spacing_at_one()
    assert brain.max == pytest.approx(float(np.finfo(np.float32).max), rel=0.01)  # same range


def test_what_rounds_to_zero_in_float16(shipped_content: ContentSet) -> None:
    """The `np.float16(...)` expressions the texts quote, evaluated."""
    fp16 = all_text(shipped_content, EPS_FP16)
    (tiny,) = captured(fp16, r"`np\.float16\((NUM)\)` is `0\.0`")
    assert np.float16(tiny) == 0
    a, b = captured(fp16, r"so is `np\.float16\((NUM)\) \* np\.float16\((NUM)\)`")
    assert np.float16(a) * np.float16(b) == 0
    says(fp16, r"Its squared gradient \(about", a * b, 1e-9)
    hint = " ".join(question(shipped_content, EPS_OPEN).hints)
    (tiny,) = captured(hint, r"`np\.float16\((NUM)\)`")
    assert np.float16(tiny) == 0
    model = question(shipped_content, EPS_OPEN).model_answer
    (value,) = captured(model, r"in float16 the value\s+\$(NUM)\$ rounds to zero")
    assert np.float16(value) == 0


def test_squares_of_gradients_below_the_stated_size_underflow(shipped_content: ContentSet) -> None:
    """Exhaustively over float16: the largest gradient whose square is 0 is 2^-12.5 ≈ 1.726e-4."""
    g = every_float16()
    with np.errstate(over="ignore"):
        squares = g * g
    threshold = float(g[squares == 0].max())
    assert threshold == pytest.approx(2**-12.5, rel=1e-3)
    assert squares[g > threshold].min() > 0  # every larger gradient keeps a non-zero square
    says(
        question(shipped_content, EPS_OPEN).model_answer,
        r"square of any gradient smaller than about",
        threshold,
        0.02,
    )


def test_adam_in_float16_divides_by_zero(shipped_content: ContentSet) -> None:
    """The float16 choice question, run: with the state and ε in float16, a coordinate whose
    gradients are about 1e-4 gets a zero denominator and an infinite update."""
    q = question(shipped_content, EPS_FP16)
    (g,) = captured(q.prompt, r"gradients are all about \$(NUM)\$ in size")
    (eps,) = captured(q.prompt, r"\\epsilon = (NUM)\$ in float16")
    f = np.float16
    m, v, g16, eps16 = f(0), f(0), f(g), f(eps)
    firsts = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(1, 11):
            m = f(0.9) * m + f(0.1) * g16
            v = f(0.999) * v + f(0.001) * (g16 * g16)
            firsts.append(float(m))
            m_hat, v_hat = m / f(1 - 0.9**t), v / f(1 - 0.999**t)
            update = m_hat / (np.sqrt(v_hat) + eps16)
            assert v == 0 and eps16 == 0 and m_hat > 0 and not np.isfinite(update)
    (right,) = [o for o in q.options if o.correct]
    assert re.search(r"round to zero.*infinite or NaN", right.text)
    says(right.explanation, r"The first moment, about", firsts[0], 0.01)  # on the first step
    with np.errstate(divide="ignore"):  # in float32 the same step is finite, about 1
        m32, v32 = 0.1 * np.float32(g), 0.001 * np.float32(g) ** 2
        step32 = (m32 / 0.1) / (np.sqrt(v32 / np.float32(0.001)) + np.float32(eps))
    assert step32 == pytest.approx(1.0, rel=1e-3)


# -- float16 spacing, master weights, loss scaling --------------------------------------------


def test_the_float16_spacing_at_one(shipped_content: ContentSet) -> None:
    q = question(shipped_content, MP_SPACING)
    spacing = float(np.spacing(np.float16(1)))
    assert spacing == 2.0 ** -int(F16.nmant)
    wrong = {"the smallest positive float16": float(F16.smallest_subnormal)}
    wrong["the bfloat16 spacing"] = bfloat16_spacing_at_one()
    assert_numeric_answer(q, spacing, wrong)
    says(q.explanation, r"spacing just above 1 is \$2\^\{-10\} =", spacing, 0.0)
    says(q.explanation, r"spacing just above 1 is \$", spacing, 0.0)
    says(q.explanation, r"smaller than half of that, about", spacing / 2, 0.01)
    (small,) = captured(q.explanation, r"`np\.float16\(1\) \+\s*np\.float16\((NUM)\)` is exactly 1")
    assert np.float16(1) + np.float16(small) == 1
    lr, grad = captured(q.explanation, r"learning rate of \$(NUM)\$ times a gradient of (NUM)")
    assert lr * grad < spacing / 2 and np.float16(1) + np.float16(lr * grad) == 1
    assert np.float32(1) + np.float32(lr * grad) > 1  # the float32 master copy keeps it
    open_text = all_text(shipped_content, MP_OPEN)
    says(open_text, r"spacing between float16\s+numbers near 1 is about", spacing, 0.05)
    says(open_text, r"half the fp16 spacing \(", spacing, 0.0)
    says(open_text, r"gap between float16 numbers is about", spacing, 0.05)
    for added in stated(open_text, r"adding (?:an update of )?") + stated(
        open_text, r"add an update of \$"
    ):
        assert np.float16(1) + np.float16(added) == 1, added


def test_the_loss_scale(shipped_content: ContentSet) -> None:
    q = question(shipped_content, MP_SCALE)
    (g,) = captured(q.prompt, r"gradients in a float16 run are about \$(NUM)\$")
    normal = float(F16.smallest_normal)
    ratio = normal / g
    scale = 2.0 ** math.ceil(math.log2(ratio))
    assert g * scale >= normal > g * scale / 2
    assert np.float16(g * scale) >= F16.smallest_normal > np.float16(g * scale / 2)
    assert_numeric_answer(q, scale, {"half the scale": scale / 2, "the raw ratio": ratio})
    says(q.explanation, r"10\^\{-9\} \\approx", ratio, 1e-4)
    says(q.explanation, r"next power of two is \$2\^\{16\} =", scale, 0.0)
    says(q.explanation, r"next power of two is \$", scale, 0.0)
    (tiny,) = captured(q.explanation, r"`np\.float16\((NUM)\)` is 0")
    assert np.float16(tiny) == 0
    a, b, shown = captured(q.explanation, r"`np\.float16\((NUM) \* (NUM)\)` is about \$(NUM)\$")
    assert float(np.float16(a * b)) == pytest.approx(shown, rel=1e-3)
    assert b == scale


def test_power_of_two_scales_add_no_rounding_error(shipped_content: ContentSet) -> None:
    """The loss-scale notes: multiplying and dividing by a power of two is exact, by another
    factor (the raw ratio 61035.16) it is not."""
    q = question(shipped_content, MP_SCALE)
    assert re.search(
        r"Powers of two are used because multiplying and dividing by them is exact",
        q.solution.notes,
    )
    x = RNG.uniform(-1.0, 1.0, 10_000).astype(np.float32)
    scale = np.float32(q.answer)
    assert np.array_equal((x * scale) / scale, x)
    other = np.float32(float(F16.smallest_normal) / 1e-9)
    assert not np.array_equal((x * other) / other, x)


def test_torch_grad_scaler_defaults_and_behaviour(shipped_content: ContentSet) -> None:
    """torch.amp.GradScaler's real defaults and what it does: skip the step and multiply the
    scale by the backoff factor on inf, grow it after the stated number of clean steps."""
    torch = pytest.importorskip("torch")
    import inspect

    defaults = {
        name: p.default for name, p in inspect.signature(torch.amp.GradScaler).parameters.items()
    }
    scale_q = question(shipped_content, MP_SCALE)
    (initial,) = captured(scale_q.explanation, r"(NUM)\$ is also PyTorch's default initial scale")
    assert defaults["init_scale"] == initial == scale_q.answer
    start, steps = captured(
        all_text(shipped_content, MP_OPEN), r"GradScaler: (NUM) start, (NUM) steps"
    )
    assert (defaults["init_scale"], defaults["growth_interval"]) == (start, steps)
    dyn = question(shipped_content, MP_DYNAMIC)
    right = option(dyn, "a")
    assert right.correct and "halves it by default" in right.text
    assert defaults["backoff_factor"] == 0.5
    (interval,) = captured(
        right.explanation, r"\((NUM) by default in PyTorch\) the\s+scale is doubled"
    )
    assert defaults["growth_interval"] == interval and defaults["growth_factor"] == 2.0

    weight = torch.nn.Parameter(torch.ones(3))
    sgd = torch.optim.SGD([weight], lr=0.1)
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.get_scale() == initial
    sgd.zero_grad()
    scaler.scale(weight.sum() * float("inf")).backward()
    scaler.step(sgd)
    scaler.update()
    assert torch.equal(weight.detach(), torch.ones(3))  # the step was skipped
    assert scaler.get_scale() == initial / 2  # and the scale halved
    clean = 0
    while scaler.get_scale() == initial / 2 and clean <= 2 * interval:
        sgd.zero_grad()
        scaler.scale((weight**2).sum() * 1e-3).backward()
        scaler.step(sgd)
        scaler.update()
        clean += 1
    assert clean == interval and scaler.get_scale() == initial  # doubled after that many


# -- Adam's epsilon ---------------------------------------------------------------------------


def test_epsilon_inside_the_root_is_its_square_root_outside(shipped_content: ContentSet) -> None:
    q = question(shipped_content, EPS_ROOT)
    (eps_a,) = captured(q.prompt, r"\\epsilon_A = (NUM)\$")
    v_hat = 0.0
    eps_b = float(np.sqrt(v_hat + eps_a)) - np.sqrt(v_hat)  # B's denominator is √v̂ + ε_B
    assert_numeric_answer(q, eps_b, {"ε_A itself": eps_a, "ε_A squared": eps_a**2})
    says(q.explanation, r"denominator is \$\\sqrt\{10\^\{-8\}\} =", eps_b, 1e-9)
    assert "ten thousand times larger" in q.explanation and eps_b / eps_a == pytest.approx(1e4)
    inside, outside = captured(q.solution.steps[0].math, r"\\sqrt\{0 \+ (NUM)\} = (NUM)")
    assert np.sqrt(inside) == pytest.approx(outside)
    text = all_text(shipped_content, EPS_OPEN)
    for pattern in (
        r"\$(NUM)\$ inside the root acts like\s+\$(NUM)\$ outside",
        r"so (NUM) acts like (NUM)",
        r"a value of (NUM) acts like (NUM)",
        r"so (NUM) inside ≈ (NUM) outside",
    ):
        inside, outside = captured(text, pattern)
        assert np.sqrt(inside) == pytest.approx(outside, rel=1e-9), pattern


def test_keras_epsilon_hat_acts_as_a_larger_epsilon_early(shipped_content: ContentSet) -> None:
    """The Keras form the content writes out, lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and
    θ −= lr_t·m/(√v + ε̂), is PyTorch's Adam with ε = ε̂/√(1−β₂ᵗ)."""
    text = all_text(shipped_content, EPS_OPEN)
    assert "lr_t = lr·√(1-β₂ᵗ)/(1-β₁ᵗ), θ -= lr_t·m/(√v + ε̂)" in text
    assert "the effective ε is ε̂/√(1-β₂ᵗ)" in text
    lr, b1, b2, eps_hat = 1e-3, 0.9, 0.999, 1e-7
    grads = RNG.normal(scale=1e-5, size=(50, 4))
    w_keras, m, v = np.zeros(4), np.zeros(4), np.zeros(4)
    w_torch, mt, vt = np.zeros(4), np.zeros(4), np.zeros(4)
    w_same_eps, ms, vs = np.zeros(4), np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, 1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w_keras = w_keras - lr_t * m / (np.sqrt(v) + eps_hat)
        effective = eps_hat / np.sqrt(1 - b2**t)
        w_torch, mt, vt = adam_step(w_torch, g, mt, vt, t, lr, b1, b2, effective)
        w_same_eps, ms, vs = adam_step(w_same_eps, g, ms, vs, t, lr, b1, b2, eps_hat)
        assert np.allclose(w_keras, w_torch, rtol=1e-10, atol=0)
        assert effective > eps_hat  # "acts larger", most in the first steps
    assert not np.allclose(w_keras, w_same_eps, rtol=1e-3)  # the same number does not transfer


def test_a_large_epsilon_gives_momentum_sgd(shipped_content: ContentSet) -> None:
    """Run the moving average and the heavy-ball buffer on the same gradients: m_t = (1 − β₁)b_t,
    so α = η(1 − β₁)/ε. The question's target and its correct checks evaluate to that α; its
    known mistakes do not. The reference Adam with ε ≫ √v̂ takes the step η·m̂/ε."""
    q = question(shipped_content, EPS_LARGE)
    eta, beta1, eps = 3e-3, 0.85, 0.5
    m = b = 0.0
    for g in RNG.normal(size=200):
        m, b = beta1 * m + (1 - beta1) * g, beta1 * b + g
    alpha = eta * m / (eps * b)  # the rate that makes α·b_t equal to η·m_t/ε
    values = {"eta": eta, "beta1": beta1, "epsilon": eps}
    assert value_of(q, q.expected, **values) == pytest.approx(alpha, rel=1e-9)
    for check in q.checks:
        assert (value_of(q, check.answer, **values) == pytest.approx(alpha)) == check.correct
    for mistake in q.mistakes:
        assert value_of(q, mistake.answer, **values) != pytest.approx(alpha, rel=1e-3)

    w0, g = np.zeros(3), np.array([0.3, -1.0, 2.0])
    m_prev, v_prev = RNG.normal(size=3), RNG.uniform(0.1, 1.0, 3)
    w, m1, _ = adam_step(w0, g, m_prev, v_prev, LATE, eta, beta1, 0.999, 1e4)
    assert np.allclose(w0 - w, eta * m1 / 1e4, rtol=1e-3)  # ≈ η·m̂/ε, the same rate everywhere


def test_raising_epsilon_shrinks_small_gradient_steps_by_orders_of_magnitude(
    shipped_content: ContentSet,
) -> None:
    q = question(shipped_content, EPS_LARGE)
    small, large = captured(
        q.solution.notes, r"raising \$\\epsilon\$ from \$(NUM)\$ to, say, \$(NUM)\$"
    )
    g = np.full(1, 1e-6)  # a coordinate with small gradients
    step_small = -adam_step(np.zeros(1), g, np.zeros(1), np.zeros(1), 1, 1.0, eps=small)[0][0]
    step_large = -adam_step(np.zeros(1), g, np.zeros(1), np.zeros(1), 1, 1.0, eps=large)[0][0]
    assert step_small / step_large > 100  # "orders of magnitude"
    big = np.full(1, 10.0)  # a coordinate with large gradients barely notices
    ratio = (
        adam_step(np.zeros(1), big, np.zeros(1), np.zeros(1), 1, 1.0, eps=small)[0][0]
        / adam_step(np.zeros(1), big, np.zeros(1), np.zeros(1), 1, 1.0, eps=large)[0][0]
    )
    assert ratio == pytest.approx(1.0, rel=1e-3)


# -- Adam after a gradient spike --------------------------------------------------------------


def betas(q: Any) -> tuple[float, ...]:
    return captured(q.prompt, r"\\beta_1 = (NUM)\$, \$\\beta_2 = (NUM)\$")


def test_the_step_on_a_gradient_spike(shipped_content: ContentSet) -> None:
    q = question(shipped_content, CLIP_SPIKE)
    beta1, beta2 = betas(q)
    (spike,) = captured(q.prompt, r"gives a gradient of\s+(NUM)\.")
    step, m, v = adam_late(spike, 1.0, 1.0, beta1, beta2)
    assert_numeric_answer(q, step, {"the SGD step": spike, "m alone": m})
    says(q.explanation, r"\$m = [^$]*=", m, 1e-12)
    says(q.explanation, r"\$v = [^$]*=", v, 1e-12)
    says(q.explanation, r"step is \$[^$]*\\approx", step, 0.005)
    says(q.solution.steps[-1].math, r"\\approx", step, 0.001)
    (factor,) = captured(q.prompt, r"step (NUM) times its usual size")
    assert factor == spike  # SGD's step is proportional to the gradient


def test_the_steps_after_a_gradient_spike(shipped_content: ContentSet) -> None:
    q = question(shipped_content, CLIP_AFTER)
    beta1, beta2 = betas(q)
    spike_q = question(shipped_content, CLIP_SPIKE)
    (spike,) = captured(spike_q.prompt, r"gives a gradient of\s+(NUM)\.")
    _, m, v = adam_late(spike, 1.0, 1.0, beta1, beta2)
    (k_stated,) = captured(q.prompt, r"on the (NUM)th step after the spike")
    k = int(k_stated)
    steps, ms, vs = [], [m], [v]
    for _ in range(5000):
        step, m, v = adam_late(1.0, m, v, beta1, beta2)
        steps.append(step)
        ms.append(m)
        vs.append(v)
    assert_numeric_answer(
        q, steps[k - 1], {"the normal step": 1.0, "1/√(1+spike)": 1 / math.sqrt(1 + spike)}
    )
    text = all_text(shipped_content, CLIP_AFTER)
    says(text, r"m_\{100\} \\approx", ms[k], 1e-4)
    says(text, r"v_\{100\} \\approx", vs[k], 1e-4)
    says(text, r"\{\\sqrt\{v_\{100\}\}\} \\approx", steps[k - 1], 0.002)
    says(q.explanation, r"\$m \\approx", ms[k], 1e-4)
    says(
        q.explanation, r"\\approx 10\.047\$, so the step is\s+\$[^$]*\\approx", steps[k - 1], 0.002
    )
    says(text, r"0\.999\^\{100\} \\approx", beta2**k, 0.001)
    # the closed forms m_k = 1 + 9.9·0.9^k, v_k = 1 + 9.999·0.999^k against the recursion
    cm, rm, cv, rv = captured(
        q.explanation, r"m_k - 1 = (NUM) \\cdot (NUM)\^k\$ and \$v_k - 1 = (NUM) \\cdot (NUM)\^k"
    )
    kk = np.arange(len(ms))
    assert np.allclose(np.array(ms) - 1, cm * rm**kk) and np.allclose(np.array(vs) - 1, cv * rv**kk)
    # the excess in v halves every ln 2 / −ln 0.999 steps
    (half_life,) = captured(
        q.explanation, r"halves\s+only every \$\\ln 2 / -\\ln 0\.999 \\approx (NUM)\$"
    )
    first_half = next(i for i, x in enumerate(vs) if x - 1 <= (vs[0] - 1) / 2)
    assert half_life == pytest.approx(math.log(2) / -math.log(beta2), abs=0.5)
    assert first_half == round(half_life)
    assert steps[k - 1] < 1 / 3 and "under a third" in q.explanation
    assert re.search(
        r"Clipping the spike to 1 would have\s+kept every one of these steps at", q.explanation
    )
    (clipped,), _ = clip_grad_norm([np.array([spike])], 1.0)
    step, m, v = adam_late(float(clipped[0]), 1.0, 1.0, beta1, beta2)
    for _ in range(k):
        assert step == pytest.approx(1.0, rel=1e-6)
        step, m, v = adam_late(1.0, m, v, beta1, beta2)


def test_how_long_a_spike_lives_in_the_moments(shipped_content: ContentSet) -> None:
    """The open question's "a few dozen steps" in m and "hundreds to thousands" in v."""
    text = all_text(shipped_content, CLIP_OPEN)
    assert re.search(r"first moment in the spike's direction for a few dozen steps", text)
    assert re.search(r"memory lasts for hundreds to thousands of steps", text)
    beta1, beta2 = 0.9, 0.999
    (beta2_stated,) = captured(text, r"with \$\\beta_2 = (NUM)\$ that memory")
    assert beta2_stated == beta2
    _, m, v = adam_late(100.0, 1.0, 1.0, beta1, beta2)
    m_lasts = v_lasts = 0
    while abs(m - 1) > 0.01:  # the spike still moves m by more than 1 % of the usual gradient
        m = beta1 * m + (1 - beta1)
        m_lasts += 1
    step = 0.0
    while step < 0.9:  # the steps are shrunk by more than 10 %
        step, _, v = adam_late(1.0, 1.0, v, beta1, beta2)
        v_lasts += 1
    assert 24 <= m_lasts < 100 and 100 <= v_lasts < 10_000, (m_lasts, v_lasts)


def test_a_gradient_waking_up_under_a_stale_second_moment(shipped_content: ContentSet) -> None:
    q = question(shipped_content, SPIKE_STALE)
    beta1, beta2 = betas(q)
    steps = {abs(adam_late(g, 0.0, 0.0, beta1, beta2)[0]) for g in (1e-3, -0.5, 7.0)}
    assert max(steps) == pytest.approx(min(steps), rel=1e-12)  # g cancels
    step = steps.pop()
    (low_beta2,) = captured(q.explanation, r"With \$\\beta_2 = (NUM)\$ the")
    step_low = adam_late(1.0, 0.0, 0.0, beta1, low_beta2)[0]
    assert_numeric_answer(q, step, {"a normal step": 1.0, f"β₂ = {low_beta2}": step_low})
    says(q.explanation, r"step\s+is \$0\.1 / \\sqrt\{0\.001\} \\approx", step, 0.002)
    says(q.explanation, r"same\s+step is \$0\.1 / \\sqrt\{0\.05\} \\approx", step_low, 0.01)
    says(q.solution.steps[-1].math, r"\\approx", step, 0.001)
    (note,) = [c for c in q.checks if "0.95" in c.note]
    assert number(note.answer) == pytest.approx(step_low, rel=0.001) and not note.correct

    spike_q = question(shipped_content, SPIKE_BETA2)
    right = option(spike_q, "a")
    assert right.correct
    memories = re.findall(rf"({NUM}) for ({NUM})", normalise(right.explanation))
    assert len(memories) == 2
    for memory, beta in memories:
        assert number(memory) == pytest.approx(1 / (1 - number(beta)), rel=1e-9)
    pairs = re.findall(
        rf"about \$({NUM})\\,\\eta\$ (?:in the extreme case )?with ({NUM})", right.explanation
    )
    assert len(pairs) == 2
    for shown, beta in pairs:
        true = adam_late(1.0, 0.0, 0.0, beta1, number(beta))[0]
        assert number(shown) == pytest.approx(true, rel=0.01), (shown, beta)


def test_rescaling_every_gradient_leaves_adams_steps_unchanged(shipped_content: ContentSet) -> None:
    q = question(shipped_content, CLIP_SCALE)
    (factor,) = captured(q.prompt, r"multiply every gradient of the whole run by\s+(NUM)")
    # gradients of order 1, so that after the rescaling √v̂ (about 0.01) still dwarfs ε = 1e-8
    grads = RNG.choice([-1.0, 1.0], size=(300, 5)) * RNG.uniform(0.5, 2.0, size=(300, 5))
    runs = []
    for scale in (1.0, factor):
        w, m, v = np.zeros(5), np.zeros(5), np.zeros(5)
        steps = []
        for t, g in enumerate(grads, 1):
            w_new, m, v = adam_step(w, scale * g, m, v, t, lr=1e-3)
            steps.append(w - w_new)
            w = w_new
        runs.append(np.array(steps))
    assert np.allclose(runs[0], runs[1], rtol=1e-5, atol=0)  # every single step
    (right,) = [o for o in q.options if o.correct]
    assert right.text == "They are essentially unchanged."
    v_factor, root_factor = captured(
        option(q, "c").explanation,
        r"shrinks by \$(NUM)\$, but its square root shrinks by \$(NUM)\$",
    )
    assert v_factor == pytest.approx(factor**2) and root_factor == pytest.approx(factor)
    says(right.explanation, r"\\sqrt\{0\.01\^2\} =", math.sqrt(factor**2), 1e-12)


def test_torch_adam_agrees_on_the_spike_steps(shipped_content: ContentSet) -> None:
    """torch.optim.Adam with its state set to m = v = 1 late in training, then the spike."""
    torch = pytest.importorskip("torch")
    spike_q, after_q = question(shipped_content, CLIP_SPIKE), question(shipped_content, CLIP_AFTER)
    beta1, beta2 = betas(spike_q)
    (spike,) = captured(spike_q.prompt, r"gives a gradient of\s+(NUM)\.")
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([w], lr=1.0, betas=(beta1, beta2), eps=0.0)
    w.grad = torch.ones(1, dtype=torch.float64)
    adam.step()
    state = adam.state[w]
    state["step"].fill_(1e7)
    state["exp_avg"].fill_(1.0)
    state["exp_avg_sq"].fill_(1.0)
    steps = []
    for g in [spike] + [1.0] * 100:
        before = w.detach().clone()
        w.grad = torch.full((1,), g, dtype=torch.float64)
        adam.step()
        steps.append(float(before - w.detach()))
    assert steps[0] == pytest.approx(spike_q.answer, rel=spike_q.tolerance.rel)
    assert steps[100] == pytest.approx(after_q.answer, rel=after_q.tolerance.rel)


# -- batch size and learning rate -------------------------------------------------------------


def test_the_linear_scaling_rule(shipped_content: ContentSet) -> None:
    q = question(shipped_content, BATCH_GOYAL)
    lr, base = captured(q.prompt, r"reference learning rate of (NUM) for a\s+batch of (NUM) images")
    (batch,) = captured(q.prompt, r"for a batch of (NUM) \(reached")
    k = batch / base
    sqrt_rule = lr * math.sqrt(k)
    assert_numeric_answer(q, lr * k, {"the square-root rule": sqrt_rule, "no scaling": lr})
    says(q.explanation, r"batch grows by \$8192 / 256 =", k, 0.0)
    says(q.explanation, r"\$0\.1 \\times 32 =", lr * k, 1e-12)
    (note,) = [c for c in q.checks if "square-root" in c.note]
    assert number(note.answer) == pytest.approx(sqrt_rule, rel=0.001) and not note.correct
    says(all_text(shipped_content, BATCH_OPEN), r"batches of", batch, 0.0)


def test_the_square_root_rule_for_adam(shipped_content: ContentSet) -> None:
    q = question(shipped_content, BATCH_SQRT)
    base, lr = captured(q.prompt, r"tuned at a batch of (NUM) with learning rate\s+\$(NUM)\$")
    (batch,) = captured(q.prompt, r"You move to a batch of (NUM)\.")
    k = batch / base
    linear = lr * k
    assert_numeric_answer(q, lr * math.sqrt(k), {"the linear rule": linear, "no scaling": lr})
    says(q.explanation, r"batch grows by \$4096 / 256 =", k, 0.0)
    says(q.explanation, r"\\sqrt\{16\} =", math.sqrt(k), 0.0)
    says(q.explanation, r"linear rule\s+would give \$", linear, 1e-9)
    says(q.solution.notes, r"linear answer\s+\(\$", linear, 1e-9)
    (mistake,) = [c for c in q.checks if c.note == "the linear rule"]
    assert number(mistake.answer) == pytest.approx(linear) and not mistake.correct
    open_text = all_text(shipped_content, BATCH_OPEN)
    (times,) = captured(open_text, r"a batch (NUM) times larger")
    bigger, faster = captured(open_text, r"(NUM) times the batch gives (NUM) times the rate")
    assert times == bigger and faster == math.sqrt(bigger)
    assert re.search(r"a sixteen-fold batch usually means a four-fold learning rate", open_text)


def test_the_linear_rule_holds_while_the_gradient_barely_changes() -> None:
    """k SGD steps with rate η on k batches against one step with rate kη on their union, on a
    least-squares problem: close for a small η, apart for a large one."""
    X, y = RNG.normal(size=(64, 3)), RNG.normal(size=64)
    batches = np.split(np.arange(64), 16)
    w0 = RNG.normal(size=3)

    def grad(w: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return 2 * X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)

    for lr, close in ((1e-4, True), (5e-2, False)):
        w = w0.copy()
        for idx in batches:
            w = w - lr * grad(w, idx)
        big = w0 - len(batches) * lr * grad(w0, np.arange(64))
        gap = np.linalg.norm(w - big) / np.linalg.norm(big - w0)
        assert (gap < 0.01) == close and (gap > 0.1) != close, gap


# -- label noise ------------------------------------------------------------------------------


def test_mae_sums_to_a_constant_over_all_labels(shipped_content: ContentSet) -> None:
    q = question(shipped_content, NOISE_MAE)
    (classes,) = captured(q.prompt, r"With \$K = (NUM)\$ classes")
    K = int(classes)
    eye = np.eye(K)
    probabilities = [softmax(RNG.normal(scale=s, size=K)) for s in (0.1, 1.0, 5.0)]
    probabilities += [RNG.dirichlet(np.full(K, 0.3)), eye[3]]
    sums = {round(float(np.abs(eye - p).sum()), 12) for p in probabilities}
    assert len(sums) == 1
    total = sums.pop()
    assert_numeric_answer(q, total, {"2K": 2.0 * K, "K − 1": K - 1.0})
    says(q.solution.steps[-1].math, r"2\(10 - 1\) =", total, 1e-12)
    ce_sums = {float(-np.log(p[p > 0]).sum()) for p in probabilities[:4]}
    assert len(ce_sums) == 4  # cross-entropy's sum depends on p


def test_mae_is_bounded_and_cross_entropy_is_not(shipped_content: ContentSet) -> None:
    text = all_text(shipped_content, NOISE_OPEN)
    (bound,) = captured(text, r"bounded by (NUM) per example")
    (bound_2,) = captured(text, r"is bounded by (NUM) and satisfies")
    K = 10
    eye = np.eye(K)
    p = RNG.dirichlet(np.full(K, 0.2), size=2000)
    mae = np.abs(eye[0] - p).sum(axis=1)
    worst = float(np.abs(eye[0] - eye[1]).sum())  # all mass on a wrong class
    assert mae.max() <= worst + 1e-12 and worst == bound == bound_2
    (p_y,) = captured(
        " ".join(question(shipped_content, NOISE_OPEN).hints),
        r"probability (NUM) on the given label",
    )
    ce = -math.log(p_y)
    assert ce == pytest.approx(6.907755, rel=1e-6) and ce > bound  # log(1000)
    assert -math.log(1e-12) > 10 * bound  # and without limit as p_y → 0
    # label smoothing keeps −log p_y with a positive weight: still unbounded
    assert re.search(r"still grows without bound|still unbounded", text)
    targets = label_smoothing(eye[0], 0.1)
    losses = [
        float(-(targets * np.log(np.r_[q_, np.full(K - 1, (1 - q_) / (K - 1))])).sum())
        for q_ in (1e-3, 1e-6, 1e-12)
    ]
    assert losses[0] < losses[1] < losses[2] and losses[2] > 20


def test_uniform_noise_below_the_stated_rate_keeps_the_symmetric_loss_minimiser(
    shipped_content: ContentSet,
) -> None:
    """Under uniform noise of rate η the expected MAE is (1 − ηK/(K−1))·MAE + a constant: the
    minimiser is kept exactly when η is below the threshold the content states, (K−1)/K."""
    K = 10
    eye = np.eye(K)
    for qid, field in ((NOISE_OPEN, "model_answer"), (NOISE_MAE, "solution")):
        text = normalise(str(getattr(question(shipped_content, qid), field)))
        m = re.search(r"noise\s+rates? below \$([^$]+)\$", text)
        assert m, qid
        threshold = value_of(None, m[1], K=K)
        assert threshold == pytest.approx((K - 1) / K)
        ps = RNG.dirichlet(np.ones(K), size=50)
        clean = np.abs(eye[0] - ps).sum(axis=1)
        for eta, sign in ((threshold - 0.05, 1), (threshold + 0.05, -1)):
            noisy_label = np.full(K, eta / (K - 1))
            noisy_label[0] = 1 - eta
            noisy = np.array([noisy_label @ np.abs(eye - p).sum(axis=1) for p in ps])
            slope = np.polyfit(clean, noisy, 1)[0]
            assert np.sign(slope) == sign and slope == pytest.approx(1 - eta * K / (K - 1))


def test_the_gce_gradient(shipped_content: ContentSet) -> None:
    """Finite differences of the question's own loss against its target, checks, mistakes and
    solution; the limits q → 0 (cross-entropy) and q = 1 (MAE / 2)."""
    q = question(shipped_content, NOISE_GCE)
    loss = q.derivative_of
    for z, qq in ((-3.0, 0.3), (0.4, 0.7), (2.5, 0.05)):
        h = 1e-6
        fd = (value_of(q, loss, z=z + h, q=qq) - value_of(q, loss, z=z - h, q=qq)) / (2 * h)
        p = sigmoid(z)
        assert fd == pytest.approx(-(p**qq) * (1 - p), rel=1e-6)  # −p^q (1 − p)
        assert fd == pytest.approx(p**qq * -(1 - p), rel=1e-6)  # p^q × CE's −(1 − p)
        for check in q.checks:
            assert (
                value_of(q, check.answer, z=z, q=qq) == pytest.approx(fd, rel=1e-6)
            ) == check.correct
        for mistake in q.mistakes:
            assert value_of(q, mistake.answer, z=z, q=qq) != pytest.approx(fd, rel=1e-3)
        assert value_of(q, q.solution.steps[-1].math, z=z, q=qq) == pytest.approx(fd, rel=1e-6)
        ce = -math.log(p)
        assert value_of(q, loss, z=z, q=1e-8) == pytest.approx(ce, rel=1e-6)  # q → 0: CE
        mae = abs(1 - p) + abs(0 - (1 - p))  # ‖e_y − (p, 1 − p)‖₁
        assert value_of(q, loss, z=z, q=1.0) == pytest.approx(mae / 2)  # q = 1: MAE / 2
    assert (
        "equals MAE up to a constant factor at $q = 1$"
        in question(shipped_content, NOISE_OPEN).model_answer
    )


def test_the_gce_weight_is_the_same_with_a_softmax() -> None:
    """∂L_q/∂z = p_y^q · (p − e_y) = p_y^q × the cross-entropy gradient, over K = 5 classes, and
    MAE's gradient is 2 p_y × CE's: hard examples get little gradient."""
    K, y = 5, 2
    onehot = np.eye(K)[y]
    for qq in (0.2, 0.7, 1.0):
        z = RNG.normal(size=K) * 2
        gce = numerical_gradient(lambda z, qq=qq: (1 - softmax(z)[y] ** qq) / qq, z.copy())
        p_y = softmax(z)[y]
        assert np.allclose(gce, p_y**qq * softmax_ce_gradient(onehot, z), atol=1e-8)
    z = np.zeros(K)
    z[y] = -8.0  # the model finds the label very unlikely (a probable label error)
    mae = numerical_gradient(lambda z: np.abs(onehot - softmax(z)).sum(), z.copy())
    ce = softmax_ce_gradient(onehot, z)
    assert np.allclose(mae, 2 * softmax(z)[y] * ce, atol=1e-8)
    assert np.linalg.norm(mae) < 1e-3 < 0.9 < np.linalg.norm(ce)
