import collections
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.services.test_search_index_engine import service  # noqa

pytestmark = pytest.mark.django_db

def test_time():
    service("warm")
    with CaptureQueriesContext(connection) as q:
        service("x", lived=("peer-led",))
    c = collections.Counter(x["sql"][:70] for x in q.captured_queries)
    print(len(q))
    for k, v in c.most_common(25): print(v, k)
