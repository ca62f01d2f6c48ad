from django.db import models


class SearchChange(models.Model):
    """One row per change a search can see, written by database triggers (migration 0013):
    a service saved, created or deleted in any way (`save()`, `bulk_create`,
    `QuerySet.update`, raw SQL, a data migration, a history revert); its terms, places or
    covered areas changed; one of its locations moved; its organisation renamed or
    (de)listed. Changes to vocabularies and areas are rows with no service.

    Each server process keeps an in-memory search index (`services.search.index`) and reads
    the rows after its own position before each search (`services.search.live`), applying
    them to its index: only the services named are read again. Rows older than
    `SEARCH_CHANGES_KEPT_MINUTES` are deleted by `prune_search_changes` (a scheduled job).
    """

    service_id = models.UUIDField(null=True, blank=True, db_index=True)
    # PostgreSQL: the id of the writing transaction (pg_current_xact_id), so readers can tell
    # which rows may still appear below their position (transactions commit out of order).
    xid = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "search change"

    def __str__(self) -> str:
        return f"Search change {self.pk}"
