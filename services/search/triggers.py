"""Database triggers that write `SearchChange` rows for every change a search can see.

Triggers rather than model signals, so that every write path counts: `save()`,
`bulk_create`, `QuerySet.update`, cascaded deletes, raw SQL, data migrations and history
reverts. Written from the models' metadata (table and column names), for PostgreSQL and
SQLite; migrations call `install(apps, schema_editor)` with their historical models.

What is watched (`WATCHED` below is the list the tests check against the index):
- the service row, and each of its relations the index reads (terms, places, covered areas):
  the service is named;
- a location moving (latitude or longitude): every service there is named;
- an organisation renamed or (de)listed: all of its services are named;
- vocabularies and areas: a row with no service (the vocabulary changed).
"""

from django.core.exceptions import ImproperlyConfigured

from services.vocabulary_loader import VOCABULARY_RELATIONS

SERVICE_RELATIONS = (*VOCABULARY_RELATIONS, "areas", "locations")
VOCABULARY_MODELS = (
    "ServiceType",
    "AccessRoute",
    "LivedExperienceInvolvement",
    "Audience",
    "DeliveryMode",
    "Language",
    "AccessibilityFeature",
    "Area",
)
PREFIX = "rd_search"


def _tables(apps) -> dict:
    """{table: service id column} for the rows naming one service, plus the rest."""
    service = apps.get_model("services", "Service")
    rows = {service._meta.db_table: service._meta.pk.column}
    for relation in SERVICE_RELATIONS:
        field = service._meta.get_field(relation)
        through = field.remote_field.through._meta
        rows[through.db_table] = through.get_field(field.m2m_field_name()).column
    return rows


def _fanouts(apps, differs: str) -> list[tuple[str, str, str]]:
    """Changes that name several services: (table, when the row's change matters — with
    `differs` the SQL for "is distinct from" — and the SELECT of the services it names)."""
    location = apps.get_model("services", "Location")._meta
    located = apps.get_model("services", "ServiceAtLocation")._meta
    organisation = apps.get_model("services", "Organisation")._meta
    service = apps.get_model("services", "Service")._meta

    def changed(*names: str) -> str:
        return " OR ".join(f"OLD.{name} {differs} NEW.{name}" for name in names)

    lat, lon = location.get_field("latitude").column, location.get_field("longitude").column
    name, active = organisation.get_field("name").column, organisation.get_field("is_active").column
    return [
        (
            location.db_table,
            changed(lat, lon),
            f"SELECT {located.get_field('service').column} FROM {located.db_table} "
            f"WHERE {located.get_field('location').column} = NEW.{location.pk.column}",
        ),
        (
            organisation.db_table,
            changed(name, active),
            f"SELECT {service.pk.column} FROM {service.db_table} "
            f"WHERE {service.get_field('organisation').column} = NEW.{organisation.pk.column}",
        ),
    ]


def _change_table(apps) -> str:
    return apps.get_model("services", "SearchChange")._meta.db_table


def _postgresql(apps) -> list[str]:
    changes = _change_table(apps)
    stamp = "pg_current_xact_id()::text::bigint, now()"
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_row() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          col text := TG_ARGV[0];
          old_id text;
          new_id text;
        BEGIN
          IF TG_OP <> 'INSERT' THEN old_id := to_jsonb(OLD) ->> col; END IF;
          IF TG_OP <> 'DELETE' THEN new_id := to_jsonb(NEW) ->> col; END IF;
          IF old_id IS NOT NULL THEN
            INSERT INTO {changes} (service_id, xid, created_at) VALUES (old_id::uuid, {stamp});
          END IF;
          IF new_id IS NOT NULL AND new_id IS DISTINCT FROM old_id THEN
            INSERT INTO {changes} (service_id, xid, created_at) VALUES (new_id::uuid, {stamp});
          END IF;
          RETURN NULL;
        END $$""",
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO {changes} (service_id, xid, created_at) VALUES (NULL, {stamp});
          RETURN NULL;
        END $$""",
    ]
    for table, column in _tables(apps).items():
        statements.append(
            f"CREATE TRIGGER {PREFIX}_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PREFIX}_row('{column}')"
        )
    for table, when, services in _fanouts(apps, "IS DISTINCT FROM"):
        statements += [
            f"""
            CREATE OR REPLACE FUNCTION {PREFIX}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO {changes} (service_id, xid, created_at)
                SELECT ids.*, {stamp} FROM ({services}) ids;
              RETURN NULL;
            END $$""",
            f"CREATE TRIGGER {PREFIX}_{table} AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION {PREFIX}_{table}()",
        ]
    for name in VOCABULARY_MODELS:
        table = apps.get_model("services", name)._meta.db_table
        statements.append(
            f"CREATE TRIGGER {PREFIX}_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_vocabulary()"
        )
    return statements


def _sqlite(apps) -> list[str]:
    changes = _change_table(apps)
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    insert = f"INSERT INTO {changes} (service_id, xid, created_at)"
    statements = []
    for table, column in _tables(apps).items():
        statements += [
            f"CREATE TRIGGER {PREFIX}_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"{insert} VALUES (NEW.{column}, NULL, {now}); END",
            f"CREATE TRIGGER {PREFIX}_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{insert} VALUES (OLD.{column}, NULL, {now}); END",
            f"CREATE TRIGGER {PREFIX}_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"{insert} VALUES (OLD.{column}, NULL, {now}); "
            f"{insert} SELECT NEW.{column}, NULL, {now} WHERE NEW.{column} IS NOT OLD.{column}; "
            "END",
        ]
    for table, when, services in _fanouts(apps, "IS NOT"):
        statements.append(
            f"CREATE TRIGGER {PREFIX}_{table}_update AFTER UPDATE ON {table} WHEN {when} BEGIN "
            f"{insert} SELECT ids.*, NULL, {now} FROM ({services}) ids; END"
        )
    for name in VOCABULARY_MODELS:
        table = apps.get_model("services", name)._meta.db_table
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {PREFIX}_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {insert} VALUES (NULL, NULL, {now}); END"
            )
    return statements


def statements(apps, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _postgresql(apps)
    if vendor == "sqlite":
        return _sqlite(apps)
    raise ImproperlyConfigured(
        f"The search change log has triggers for PostgreSQL and SQLite only, not {vendor}."
    )


def install(apps, schema_editor) -> None:
    for statement in statements(apps, schema_editor.connection.vendor):
        schema_editor.execute(statement)


def remove(apps, schema_editor) -> None:
    """Drop every trigger (and, on PostgreSQL, function) this module installed, as the
    database lists them."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname LIKE %s",
                [f"{PREFIX}_%"],
            )
            for name, table in cursor.fetchall():
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE %s", [f"{PREFIX}_%"])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{PREFIX}_%"],
            )
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
