"""Cache invalidation only: vocabulary and area edits clear the cached registry; edits to
services, their places and areas clear the cached remote (national/online) groups; and every
edit a search reads gives the in-memory search index a new token (`search_index.changed`),
so each process rebuilds it before its next search."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from services.search import live as search_index
from services.search.sql import forget_remote_groups
from services.vocabulary_loader import VOCABULARY_RELATIONS, clear_registry

M2M_CHANGES = {"post_add", "post_remove", "post_clear"}


def _remote_groups_changed(**kwargs) -> None:
    search_index.run_or_defer(forget_remote_groups)


def _index_changed_by_relation(action: str, **kwargs) -> None:
    if action in M2M_CHANGES:
        search_index.changed()


def connect() -> None:
    from services.models import VOCABULARIES, Area, Location, Organisation

    for model in (*VOCABULARIES, Area):
        post_save.connect(clear_registry, sender=model, dispatch_uid=f"registry-{model.__name__}")
        post_delete.connect(
            clear_registry, sender=model, dispatch_uid=f"registry-del-{model.__name__}"
        )
    from services.models import Service, ServiceAtLocation

    for model in (Service, ServiceAtLocation):
        post_save.connect(
            _remote_groups_changed, sender=model, dispatch_uid=f"remote-{model.__name__}"
        )
        post_delete.connect(
            _remote_groups_changed, sender=model, dispatch_uid=f"remote-del-{model.__name__}"
        )
    m2m_changed.connect(
        _remote_groups_changed, sender=Service.areas.through, dispatch_uid="remote-areas"
    )
    m2m_changed.connect(
        _remote_groups_changed,
        sender=Service.locations.through,
        dispatch_uid="remote-locations",
    )

    for model in (Service, ServiceAtLocation, Location, Organisation, Area, *VOCABULARIES):
        for signal, kind in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                search_index.changed,
                sender=model,
                dispatch_uid=f"search-index-{kind}-{model.__name__}",
            )
    for relation in (*VOCABULARY_RELATIONS, "areas", "locations"):
        through = Service._meta.get_field(relation).remote_field.through
        m2m_changed.connect(
            _index_changed_by_relation,
            sender=through,
            dispatch_uid=f"search-index-m2m-{relation}",
        )
