import uuid

from django.db import models


class SearchIndexState(models.Model):
    """A single row whose token changes with every edit that can change search results.

    Each server process keeps an in-memory search index (`services.search_index`) and
    compares its token with this one before answering a search: a different token means
    the directory changed (in any process) and the index is rebuilt. A random token rather
    than a counter, so a rolled-back edit can never make an old index look current."""

    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "search index state"

    def __str__(self) -> str:
        return f"Search index {self.token}"
