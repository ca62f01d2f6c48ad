"""Signal connections. The search index and the vocabulary registry follow the database's
change log (services/search/triggers.py), not model signals, so that writes which send no
signals (bulk_create, QuerySet.update, raw SQL, data migrations) count too. What is left
here: reading the vocabulary version once per request."""

from django.core.signals import request_started

from services.vocabulary_loader import new_request


def connect() -> None:
    request_started.connect(new_request, dispatch_uid="vocabulary-registry-request")
