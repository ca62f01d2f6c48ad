"""Cache invalidation only: vocabulary and area edits clear the cached registry."""

from django.db.models.signals import post_delete, post_save

from services.vocabulary_loader import clear_registry


def connect() -> None:
    from services.models import VOCABULARIES, Area

    for model in (*VOCABULARIES, Area):
        post_save.connect(clear_registry, sender=model, dispatch_uid=f"registry-{model.__name__}")
        post_delete.connect(
            clear_registry, sender=model, dispatch_uid=f"registry-del-{model.__name__}"
        )
