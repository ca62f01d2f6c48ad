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

SERVICE_RELATIONS = (
    "types",
    "access_routes",
    "lived_experience",
    "audiences",
    "delivery_modes",
    "languages",
    "areas",
    "locations",
)
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


def _location(apps) -> tuple[str, str, str, str, str, str]:
    location = apps.get_model("services", "Location")._meta
    located = apps.get_model("services", "ServiceAtLocation")._meta
    return (
        location.db_table,
        location.pk.column,
        location.get_field("latitude").column,
        location.get_field("longitude").column,
        located.db_table,
        located.get_field("location").column,
    )


def _organisation(apps) -> tuple[str, str, str, str, str]:
    organisation = apps.get_model("services", "Organisation")._meta
    service = apps.get_model("services", "Service")._meta
    return (
        organisation.db_table,
        organisation.pk.column,
        service.db_table,
        service.get_field("organisation").column,
        service.pk.column,
    )


def _change_table(apps) -> str:
    return apps.get_model("services", "SearchChange")._meta.db_table


def _located_service_column(apps) -> str:
    located = apps.get_model("services", "ServiceAtLocation")._meta
    return located.get_field("service").column


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
    location, pk, lat, lon, located, located_location = _location(apps)
    located_service = _located_service_column(apps)
    statements += [
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_location() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO {changes} (service_id, xid, created_at)
            SELECT {located_service}, {stamp} FROM {located} WHERE {located_location} = NEW.{pk};
          RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {PREFIX}_{location} AFTER UPDATE ON {location} FOR EACH ROW "
        f"WHEN (OLD.{lat} IS DISTINCT FROM NEW.{lat} OR OLD.{lon} IS DISTINCT FROM NEW.{lon}) "
        f"EXECUTE FUNCTION {PREFIX}_location()",
    ]
    organisation, org_pk, service, service_org, service_pk = _organisation(apps)
    statements += [
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO {changes} (service_id, xid, created_at)
            SELECT {service_pk}, {stamp} FROM {service} WHERE {service_org} = NEW.{org_pk};
          RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {PREFIX}_{organisation} AFTER UPDATE ON {organisation} FOR EACH ROW "
        "WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.is_active IS DISTINCT FROM NEW.is_active) "
        f"EXECUTE FUNCTION {PREFIX}_organisation()",
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
    location, pk, lat, lon, located, located_location = _location(apps)
    located_service = _located_service_column(apps)
    statements.append(
        f"CREATE TRIGGER {PREFIX}_{location}_update AFTER UPDATE ON {location} "
        f"WHEN OLD.{lat} IS NOT NEW.{lat} OR OLD.{lon} IS NOT NEW.{lon} BEGIN "
        f"{insert} SELECT {located_service}, NULL, {now} FROM {located} "
        f"WHERE {located_location} = NEW.{pk}; END"
    )
    organisation, org_pk, service, service_org, service_pk = _organisation(apps)
    statements.append(
        f"CREATE TRIGGER {PREFIX}_{organisation}_update AFTER UPDATE ON {organisation} "
        "WHEN OLD.name IS NOT NEW.name OR OLD.is_active IS NOT NEW.is_active BEGIN "
        f"{insert} SELECT {service_pk}, NULL, {now} FROM {service} "
        f"WHERE {service_org} = NEW.{org_pk}; END"
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
    raise NotImplementedError(f"No search-change triggers for {vendor}.")


def install(apps, schema_editor) -> None:
    for statement in statements(apps, schema_editor.connection.vendor):
        schema_editor.execute(statement)


def remove(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in statements(apps, vendor):
        if not statement.lstrip().startswith("CREATE TRIGGER"):
            continue
        parts = statement.split()
        name = parts[2]
        if vendor == "postgresql":
            table = parts[parts.index("ON") + 1]
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
