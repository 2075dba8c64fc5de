"""Database guard: a validated register entry never changes, except its open columns.

The models refuse such a change with an explanation; these triggers refuse it on every other
path too (QuerySet.update() with a crafted queryset, raw SQL, another program writing to the
database). A removal from the inventory can be neither changed nor deleted.

On SQLite the trigger names the frozen columns one by one; a later migration that adds a column
to a register must recreate the trigger (tests/integration/test_register_lock.py checks it). On
PostgreSQL the trigger compares the whole row minus the open columns, so new columns are frozen
without a new trigger.
"""

from django.db import migrations

MESSAGE = (
    "Cartel: this register entry is validated and unalterable (arrete du 25 mai 2004); "
    "only its observations may change. Write the correction in the observations."
)
UNDELETABLE = (
    "Cartel: a validated register entry is never deleted. Record its removal (radiation) "
    "with the reference of the decision instead."
)
REMOVAL = "Cartel: a removal from the inventory register is never changed nor deleted."

OPEN_COLUMNS = {
    "inventoryentry": ["observations", "updated_at", "inventory_sort_key"],
    "depositentry": [
        "observations",
        "updated_at",
        "deposit_sort_key",
        "convention_reference",
        "convention_start",
        "convention_end",
        "is_sub_deposit",
        "sub_deposit_place",
        "end_deed",
        "ended_on",
    ],
}


def sqlite_statements(apps):
    statements = []
    for model_name, open_columns in OPEN_COLUMNS.items():
        model = apps.get_model("collections", model_name)
        table = model._meta.db_table
        changed = "\n        OR ".join(
            f'NEW."{f.column}" IS NOT OLD."{f.column}"'
            for f in model._meta.concrete_fields
            if f.column not in open_columns
        )
        statements += [
            f"""
            CREATE TRIGGER {table}_locked BEFORE UPDATE ON {table} FOR EACH ROW
            WHEN OLD.status = 'validated' AND (
                {changed}
            )
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
            """,
            f"""
            CREATE TRIGGER {table}_undeletable BEFORE DELETE ON {table} FOR EACH ROW
            WHEN OLD.status = 'validated'
            BEGIN SELECT RAISE(ABORT, '{UNDELETABLE}'); END;
            """,
        ]
    for event in ("UPDATE", "DELETE"):
        statements.append(
            f"""
            CREATE TRIGGER collections_inventoryremoval_no_{event.lower()}
            BEFORE {event} ON collections_inventoryremoval FOR EACH ROW
            BEGIN SELECT RAISE(ABORT, '{REMOVAL}'); END;
            """
        )
    return statements


def postgresql_statements(apps):
    statements = []
    for model_name, open_columns in OPEN_COLUMNS.items():
        table = apps.get_model("collections", model_name)._meta.db_table
        keep_open = "ARRAY[" + ", ".join(f"'{c}'" for c in open_columns) + "]"
        statements += [
            f"""
            CREATE OR REPLACE FUNCTION {table}_locked() RETURNS trigger AS $$
            BEGIN
              IF OLD.status <> 'validated' THEN
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
              END IF;
              IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{UNDELETABLE}' USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              IF (to_jsonb(NEW) - {keep_open}::text[])
                 IS DISTINCT FROM (to_jsonb(OLD) - {keep_open}::text[]) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            """,
            f"""
            CREATE TRIGGER {table}_locked BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_locked();
            """,
        ]
    statements += [
        f"""
        CREATE OR REPLACE FUNCTION collections_inventoryremoval_frozen() RETURNS trigger AS $$
        BEGIN
          RAISE EXCEPTION '{REMOVAL}' USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql;
        """,
        """
        CREATE TRIGGER collections_inventoryremoval_frozen
        BEFORE UPDATE OR DELETE ON collections_inventoryremoval
        FOR EACH ROW EXECUTE FUNCTION collections_inventoryremoval_frozen();
        """,
    ]
    return statements


def sqlite_reverse(apps):
    names = [f"collections_{m}_{kind}" for m in OPEN_COLUMNS for kind in ("locked", "undeletable")]
    names += ["collections_inventoryremoval_no_update", "collections_inventoryremoval_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def postgresql_reverse(apps):
    statements = []
    for model_name in OPEN_COLUMNS:
        table = f"collections_{model_name}"
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_locked ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_locked();",
        ]
    return statements + [
        "DROP TRIGGER IF EXISTS collections_inventoryremoval_frozen "
        "ON collections_inventoryremoval;",
        "DROP FUNCTION IF EXISTS collections_inventoryremoval_frozen();",
    ]


def run(builders):
    def apply(apps, schema_editor):
        builder = builders.get(schema_editor.connection.vendor)
        for statement in builder(apps) if builder else []:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("collections", "0003_registers")]

    operations = [
        migrations.RunPython(
            run({"sqlite": sqlite_statements, "postgresql": postgresql_statements}),
            run({"sqlite": sqlite_reverse, "postgresql": postgresql_reverse}),
        )
    ]
