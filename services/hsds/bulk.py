"""Write a batch of imported records (`batch.Batch`) with bulk inserts and updates: a few
queries per model for the whole batch, rather than a few per row.

Each row is written as `save()` would write it (the batch has already stamped `updated_at`
and `first_published_at`), and each saved row gets the one history entry `save()` would
have given it, with its many-to-many relations, through django-simple-history's
`bulk_history_create` (same user and change reason as a save: none, from a command)."""

from django.db.models import Model

from services.models import Location, Organisation, Schedule, Service, ServiceAtLocation

from .batch import RELATIONS, Batch

# Parents before the rows that point at them.
ORDER: tuple[type[Model], ...] = (Organisation, Location, Service, ServiceAtLocation, Schedule)


def write(batch: Batch) -> None:
    children: tuple[type[Model], ...] = (ServiceAtLocation, Schedule)
    for model in children:
        gone = [pk for kind, pk in batch.deleted if kind is model]
        if gone:
            model._default_manager.filter(pk__in=gone).delete()  # "-" history, as before
    for model in ORDER:
        _rows(batch, model)
        for name in RELATIONS.get(model, []):
            _relation(batch, model, name)
    for model in ORDER:
        _history(batch, model)
    if batch.modified:
        services = [batch.rows[(Service, pk)] for pk in batch.modified]
        for service in services:
            service.updated_at = batch.modified[service.pk]
        Service.objects.bulk_update(services, ["updated_at"])
    relisted = [key[1] for key in batch.saved if key[0] is Organisation
                and key not in batch.created and batch.rows[key].is_active]  # fmt: skip
    if relisted:
        # Organisation.save() does this: listing an organisation publishes its services.
        Service.objects.filter(organisation_id__in=relisted).stamp_first_published()


def _rows(batch: Batch, model) -> None:
    created, updated, names = [], [], set()
    for key, changed in batch.saved.items():
        if key[0] is model:
            if key in batch.created:
                created.append(batch.rows[key])
            else:
                updated.append(batch.rows[key])
                names |= changed
    if created:
        model._default_manager.bulk_create(created)
    if updated:
        model._default_manager.bulk_update(updated, sorted(names - {"*"}))


def _through(model, name: str) -> tuple[type[Model], str, str]:
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source = through._meta.get_field(field.m2m_field_name()).attname
    target = through._meta.get_field(field.m2m_reverse_field_name()).attname
    return through, source, target


def _relation(batch: Batch, model, name: str) -> None:
    """Through rows removed and added, as `set()` would; the new rows' ids are kept for the
    history entries, which copy them."""
    keys = [key for key in batch.stored_relations if key[0] is model and key[2] == name]
    if not keys:
        return
    through, source, target = _through(model, name)
    stale = [row_id for key in keys for wanted, row_id in batch.stored_relations[key].items()
             if wanted not in batch.relations[key]]  # fmt: skip
    if stale:
        through._default_manager.filter(pk__in=stale).delete()
    new = [(key, wanted, through(**{source: key[1], target: wanted}))
           for key in keys for wanted, row_id in batch.relations[key].items()
           if row_id is None]  # fmt: skip
    through._default_manager.bulk_create([row for _, _, row in new])
    for key, wanted, row in new:
        batch.relations[key][wanted] = row.pk
    if any(row.pk is None for _, _, row in new):  # a database that returns no ids
        for key in keys:
            found = through._default_manager.filter(**{source: key[1]})
            batch.relations[key] = dict(found.values_list(target, "pk"))


def _history(batch: Batch, model) -> None:
    keys = [key for key in batch.history if key[0] is model]
    for update in (False, True):
        rows = [batch.rows[key] for key in keys if (key in batch.created) != update]
        if not rows:
            continue
        entries = model.history.bulk_history_create(rows, update=update, default_change_reason=None)
        if entries is None:
            return  # SIMPLE_HISTORY_ENABLED is off
        for name in RELATIONS.get(model, []):
            _relation_history(batch, model, name, list(zip(entries, rows, strict=True)))


def _relation_history(batch: Batch, model, name: str, entries: list) -> None:
    through, source, target = _through(model, name)
    history_model = getattr(model.history.model, name).model
    history_model._default_manager.bulk_create(
        [
            history_model(history=entry, id=row_id, **{source: row.pk, target: wanted})
            for entry, row in entries
            for wanted, row_id in batch.relations.get((model, row.pk, name), {}).items()
        ]
    )
