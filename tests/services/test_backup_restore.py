"""The backup and restore steps in the README ("Running in production"), tested: `pg_dump` of
the database, `pg_restore` into an empty database, and the listings, their history and the
referrals are all there. PostgreSQL only: it uses the test database's server."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from engagement.models import Referral
from services.models import Service
from tests.engagement.conftest import make_link_worker, make_referral
from tests.factories import ServiceAtLocationFactory, ServiceFactory
from tests.reference_data import seed_reference_data

PG_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="backups are pg_dump/pg_restore: PostgreSQL only"
    ),
    pytest.mark.skipif(
        not (PG_BIN / "pg_restore").exists(), reason=f"pg_dump and pg_restore not in {PG_BIN}"
    ),
    # The dump is taken by another process, so the data must be committed. (No serialized
    # rollback: after another transactional test's flush it clashes with the content types.)
    pytest.mark.django_db(transaction=True),
]


def _server() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    return args, {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}


def _run(program: str, *args: str) -> None:
    server, env = _server()
    done = subprocess.run([str(PG_BIN / program), *server, *args], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


def _rows(database: str, sql: str, params: tuple = ()) -> list[tuple]:
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                         user=db["USER"], password=db["PASSWORD"] or None, dbname=database,
                         connect_timeout=5) as restored:  # fmt: skip
        return restored.execute(sql, params).fetchall()


def test_a_dump_restores_into_an_empty_database_with_listings_history_and_referrals(tmp_path):
    seed_reference_data()  # an earlier transactional test may have emptied the tables
    service = ServiceFactory(name="Paisley Peer Support", accepts_referrals=True,
                             referral_email="referrals@example.org")  # fmt: skip
    ServiceAtLocationFactory(service=service)
    service.summary = "Changed after it was listed."
    service.save()
    referral = make_referral(service=service, referrer=make_link_worker())
    dump = tmp_path / "directory.dump"
    restored = f"{connection.settings_dict['NAME']}_restored"

    _run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
         connection.settings_dict["NAME"])  # fmt: skip
    _run("dropdb", "--if-exists", restored)
    _run("createdb", restored)
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))
        source = connection.settings_dict["NAME"]
        services = Service._meta.db_table
        history = Service.history.model._meta.db_table
        referrals = Referral._meta.db_table
        listing = f"SELECT name, summary FROM {services} WHERE id = %s"
        assert _rows(restored, listing, (service.pk,)) == [
            ("Paisley Peer Support", "Changed after it was listed.")
        ]
        changes = f"SELECT history_type, name, summary FROM {history} WHERE id = %s ORDER BY 1, 3"
        kept = _rows(restored, changes, (service.pk,))
        assert kept == _rows(source, changes, (service.pk,))
        assert ("~", "Paisley Peer Support", "Changed after it was listed.") in kept
        assert kept[0][0] == "+"
        assert _rows(restored, f"SELECT id, first_name, contact_detail FROM {referrals}") == [
            (referral.pk, "Morag", "07700 900123")
        ]
        for table in ("django_migrations", "auth_user", "services_location"):
            count = f"SELECT count(*) FROM {table}"
            assert _rows(restored, count) == _rows(source, count)
    finally:
        _run("dropdb", "--if-exists", restored)
