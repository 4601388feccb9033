"""Topic modules: the study material."""

from typing import Annotated

from fastapi import APIRouter, Path

from app import schemas as s
from app.api.deps import CatalogDep

router = APIRouter(prefix="/topics", tags=["topics"])


@router.get("", response_model=s.Page[s.TopicSummary])
def list_topics(catalog: CatalogDep) -> s.Page[s.TopicSummary]:
    """List every topic module with its sources, prerequisites and question counts."""
    topics = catalog.topics()
    return s.Page(data=topics, count=len(topics))


@router.get("/{topic_id}", response_model=s.TopicRead)
def get_topic(catalog: CatalogDep, topic_id: Annotated[str, Path(max_length=80)]) -> s.TopicRead:
    """Return one study module, rendered, with summaries of its questions."""
    return catalog.topic(topic_id)
