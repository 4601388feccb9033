"""Questions: prompts, expected input and hints (never answers)."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator

from app import schemas as s
from app.api.deps import CatalogDep, OptionalUser, QuestionDep, SessionDep, SettingsDep
from app.api.responses import problems
from app.ops.ratelimit import GradingLimit, client_address
from app.services import attempts, probes, solutions

router = APIRouter(prefix="/questions", tags=["questions"])
JSON = "application/json"
MAX_LIMIT = 500


@router.get("", response_model=s.Page[s.QuestionSummary])
async def list_questions(
    request: Request,
    catalog: CatalogDep,
    topic: Annotated[str | None, Query(max_length=80, description="Only this topic")] = None,
    kind: Annotated[s.Kind | None, Query(description="Only this kind")] = None,
    available: Annotated[
        bool | None,
        Query(
            description="true: only questions this server can grade; false: only those it"
            " cannot (each says what to install)"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """List questions, optionally of one topic and kind, or only those this server can (or
    cannot) grade, a page at a time."""
    if topic is not None:
        catalog.topic(topic)  # a 404 problem for an unknown topic
    # Pre-serialized summaries (checked against QuestionSummary when the cache was built).
    raw = request.app.state.json_cache.questions(
        topic=topic, kind=kind, available=available, limit=limit, offset=offset
    )
    return Response(raw, media_type=JSON)


@router.get("/{question_id}", response_model=s.QuestionRead)
async def get_question(
    request: Request,
    catalog: CatalogDep,
    question: QuestionDep,
    variant: Annotated[
        int | None, Query(ge=0, le=2**31, description="Randomised questions: which draw")
    ] = None,
) -> Response:
    """Return a question's prompt and the shape of the answer it expects."""
    raw = request.app.state.json_cache.question.get(question.id)
    if raw is None:  # randomised: drawn per request
        raw = catalog.question(question.id, variant).model_dump_json().encode()
    return Response(raw, media_type=JSON)


@router.get("/{question_id}/hints/{n}", response_model=s.HintRead)
def get_hint(
    catalog: CatalogDep,
    question: QuestionDep,
    n: Annotated[int, Path(ge=1, le=100, description="1-based hint number")],
    variant: Annotated[int | None, Query(ge=0, le=2**31)] = None,
) -> s.HintRead:
    """Return the n-th hint of a question (1-based)."""
    return catalog.hint(question.id, n, variant)


IdempotencyKey = Annotated[
    str | None,
    AfterValidator(lambda v: v if v is None else attempts.idempotency_key(v)),
    Header(
        alias="Idempotency-Key",
        description=(
            "One key per submission (e.g. a random UUID), 1 to 80 visible ASCII characters."
            " Sending the same key again returns the first verdict (with"
            " `Idempotent-Replayed: true`) and stores nothing new; the same key with a"
            " different body is a 422. Signed-in keys are kept with the attempt; anonymous"
            " ones are remembered for 10 minutes by the server process that graded them."
        ),
    ),
]


@router.post(
    "/{question_id}/attempts",
    response_model=s.VerdictRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses={
        **problems(429, 501, 503),
        200: {
            "headers": {
                attempts.REPLAYED_HEADER: {
                    "description": "`true` when this is the stored verdict of an earlier"
                    " request with the same Idempotency-Key",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            }
        },
    },
)
def create_attempt(
    request: Request,
    response: Response,
    catalog: CatalogDep,
    question: QuestionDep,
    submission: s.AttemptCreate,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> s.VerdictBase:
    """Grade an answer (stored when signed in); the verdict reveals the model answer or
    explanations. An `Idempotency-Key` makes a repeated request harmless."""
    client = (
        f"user:{user.id}"
        if user is not None
        else f"ip:{client_address(request.scope, settings.trust_proxy)}"
    )

    def grade_it() -> s.VerdictBase:
        return attempts.attempt(
            question=question,
            submission=submission,
            timeout=settings.grading_timeout_s,
            client=client,
        )

    if user is not None:
        outcome = attempts.submit_stored(
            session=session,
            user_id=user.id,
            question=question,
            topic_id=catalog.content.question_topic[question.id],
            submission=submission,
            key=idempotency_key,
            grade_it=grade_it,
        )
    elif idempotency_key is not None:
        outcome = request.app.state.replays.submit(
            client=client,
            key=idempotency_key,
            question=question,
            submission=submission,
            grade_it=grade_it,
            wait=settings.grading_timeout_s,
        )
    else:
        outcome = attempts.Outcome(grade_it())
    if outcome.replayed:
        response.headers[attempts.REPLAYED_HEADER] = "true"
    return outcome.verdict


@router.post(
    "/{question_id}/give-up",
    response_model=s.GiveUpRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(404, 429),
)
def give_up(
    catalog: CatalogDep, question: QuestionDep, user: OptionalUser, session: SessionDep
) -> s.GiveUpRead:
    """Show the worked solution; when signed in this counts as a failed attempt (reviewed
    again soon)."""
    return solutions.give_up(
        session=session,
        question=question,
        topic_id=catalog.content.question_topic[question.id],
        user_id=user.id if user is not None else None,
    )


@router.post(
    "/{question_id}/probe",
    response_model=s.ProbeRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(404, 422, 429),
)
def probe(question: QuestionDep, body: s.ProbeAnswer, settings: SettingsDep) -> s.ProbeRead:
    """ "Probe me" (no account needed): grade an answer to an open question and get the
    follow-up an interviewer would ask about its weakest idea, if any."""
    return probes.first(question=question, body=body, timeout=settings.grading_timeout_s)


@router.post(
    "/{question_id}/probe/{idea_id}",
    response_model=s.VerdictRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(404, 422, 429),
)
def answer_probe(
    question: QuestionDep,
    idea_id: Annotated[str, Path(max_length=40, description="The idea the follow-up probes")],
    body: s.ProbeAnswer,
    settings: SettingsDep,
) -> s.VerdictBase:
    """Grade the answer to a follow-up against the one idea it probes."""
    return probes.follow_up(
        question=question, idea_id=idea_id, body=body, timeout=settings.grading_timeout_s
    )
