"""Creating shared lists is rate limited per client address (SHARED_LISTS_PER_HOUR): each
share makes a database row, so a script could otherwise fill the table."""

import pytest

from engagement.models import SharedShortlist
from tests.factories import ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.cache]


def test_sharing_a_list_is_refused_kindly_over_the_hourly_limit(client, settings):
    settings.SHARED_LISTS_PER_HOUR = 2
    service = ServiceFactory()
    client.post("/my-list/add/", {"service": str(service.pk)})

    first, second, third = (client.post("/my-list/share/") for _ in range(3))
    page = client.get(third["Location"]).content.decode()

    assert first["Location"].startswith("/lists/")
    assert second["Location"].startswith("/lists/")
    assert third["Location"] == "/my-list/"
    assert "Too many lists have been shared from here. Try again later." in page
    assert SharedShortlist.objects.count() == 2


def test_another_address_can_still_share(client, settings):
    settings.SHARED_LISTS_PER_HOUR = 1
    service = ServiceFactory()
    client.post("/my-list/add/", {"service": str(service.pk)})
    client.post("/my-list/share/")

    other = client.post("/my-list/share/", REMOTE_ADDR="198.51.100.4")

    assert other["Location"].startswith("/lists/")
