"""Database guard: a work's inventory number and Joconde REF are never rewritten.

The model refuses the change with an explanation; these triggers refuse it for every other
path too (QuerySet.update(), raw SQL, another program writing to the database).
"""

from django.db import migrations

MESSAGE = (
    "Cartel: inventory numbers and Joconde REFs are never rewritten (arrete du 25 mai 2004). "
    "Record the right number as another number of the work instead."
)

SQLITE = [
    f"""
    CREATE TRIGGER collections_work_immutable_ids
    BEFORE UPDATE OF inventory_number, joconde_ref ON collections_work
    FOR EACH ROW
    WHEN NEW.inventory_number IS NOT OLD.inventory_number
      OR (OLD.joconde_ref <> '' AND NEW.joconde_ref IS NOT OLD.joconde_ref)
    BEGIN
      SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS collections_work_immutable_ids;"]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION collections_work_immutable_ids() RETURNS trigger AS $$
    BEGIN
      IF NEW.inventory_number IS DISTINCT FROM OLD.inventory_number
         OR (OLD.joconde_ref <> '' AND NEW.joconde_ref IS DISTINCT FROM OLD.joconde_ref) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER collections_work_immutable_ids
    BEFORE UPDATE OF inventory_number, joconde_ref ON collections_work
    FOR EACH ROW EXECUTE FUNCTION collections_work_immutable_ids();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS collections_work_immutable_ids ON collections_work;",
    "DROP FUNCTION IF EXISTS collections_work_immutable_ids();",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("collections", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
