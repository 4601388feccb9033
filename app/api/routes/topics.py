"""Topic modules: the study material."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app import schemas as s
from app.api.deps import CatalogDep

router = APIRouter(prefix="/topics", tags=["topics"])
JSON = "application/json"


@router.get("", response_model=s.Page[s.TopicSummary])
async def list_topics(request: Request) -> Response:
    """List every topic module with its sources, prerequisites and question counts."""
    return Response(request.app.state.json_cache.topics, media_type=JSON)


@router.get("/{topic_id}", response_model=s.TopicRead)
async def get_topic(
    request: Request, catalog: CatalogDep, topic_id: Annotated[str, Path(max_length=80)]
) -> Response:
    """Return one study module, rendered, with summaries of its questions."""
    raw = request.app.state.json_cache.topic.get(topic_id)
    if raw is None:
        catalog.topic(topic_id)  # raises the 404 problem
    return Response(raw, media_type=JSON)
