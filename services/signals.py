"""Cache invalidation only: vocabulary and area edits clear the cached registry; edits to
services, their places and areas clear the cached remote (national/online) groups."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from services.search import forget_remote_groups
from services.vocabulary_loader import clear_registry


def connect() -> None:
    from services.models import VOCABULARIES, Area

    for model in (*VOCABULARIES, Area):
        post_save.connect(clear_registry, sender=model, dispatch_uid=f"registry-{model.__name__}")
        post_delete.connect(
            clear_registry, sender=model, dispatch_uid=f"registry-del-{model.__name__}"
        )
    from services.models import Service, ServiceAtLocation

    for model in (Service, ServiceAtLocation):
        post_save.connect(
            forget_remote_groups, sender=model, dispatch_uid=f"remote-{model.__name__}"
        )
        post_delete.connect(
            forget_remote_groups, sender=model, dispatch_uid=f"remote-del-{model.__name__}"
        )
    m2m_changed.connect(
        forget_remote_groups, sender=Service.areas.through, dispatch_uid="remote-areas"
    )
    m2m_changed.connect(
        forget_remote_groups, sender=Service.locations.through, dispatch_uid="remote-locations"
    )
