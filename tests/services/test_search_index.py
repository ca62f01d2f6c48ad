import pytest
from django.db import connection

from services.search.filterset import ServiceFilterSet
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_keyword_search_can_use_the_gin_index_on_postgresql():
    ServiceFactory(name="Wednesday walking group")
    filterset = ServiceFilterSet({"q": "walking"})
    assert filterset.is_valid()
    sql, params = filterset.qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # With so few rows PostgreSQL would rightly read the table; forbid that to see
        # whether the index matches the query's expression at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "service_search_document" in plan
    assert [service.name for service in filterset.qs] == ["Wednesday walking group"]
