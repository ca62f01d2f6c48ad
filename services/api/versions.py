"""Optimistic locking for API writes: `ETag` on a record's GET, `If-Match` on its writes.

A record's ETag is a hash of its JSON representation as `GET` shows it (not of the response
bytes, so the renderer's indentation does not matter). A PATCH, PUT, DELETE or archive with
`If-Match` is checked against the record as it is now, locked for the rest of the write
(`select_for_update`, in one transaction): if it changed since the client read it, the
answer is 412 Precondition Failed and nothing is written. `If-Match` is optional: without
it, a write applies to the record as it is (the last write wins), as before."""

import hashlib

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.viewsets import GenericViewSet


def representation_etag(data) -> str:
    return '"' + hashlib.sha256(JSONRenderer().render(data)).hexdigest()[:32] + '"'


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, current_etag: str) -> None:
        super().__init__(
            {
                "detail": "This record has changed since you read it, so nothing was "
                "changed. GET it again, apply your change to what it is now, and send the "
                "new ETag in If-Match.",
                "etag": current_etag,
            }
        )
        self.current_etag = current_etag


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


class IfMatchMixin(GenericViewSet):
    """For DRF viewsets over one model: `representation(instance)` is the record as `GET`
    shows it. Adds `ETag` to a record's GET and to write responses, and checks `If-Match`."""

    def representation(self, instance) -> dict:
        return self.get_serializer(instance).data

    def get_etag(self, response):
        if self.action == "retrieve":
            return representation_etag(response.data)
        return super().get_etag(response)

    def locked_object(self):
        """The record, locked until the write's transaction ends, after checking If-Match."""
        instance = self.get_object()
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
        instance = self.get_object()  # read again under the lock: the latest saved state
        header = self.request.headers.get("If-Match")
        if header is not None and "*" not in _tags(header):
            current = representation_etag(self.representation(instance))
            if current not in _tags(header):
                raise PreconditionFailed(current)
        return instance

    def _with_new_etag(self, response):
        if response.status_code < 300 and self.action != "destroy":
            response["ETag"] = representation_etag(self.representation(self.get_object()))
        return response

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            self.locked_object()
            response = super().update(request, *args, **kwargs)
        return self._with_new_etag(response)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.locked_object()
            return super().destroy(request, *args, **kwargs)
