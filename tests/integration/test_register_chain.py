"""The hash chain: `manage.py verify_register` finds a row altered behind the application's back."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from museum_collections.models import InventoryEntry, Work
from museum_collections.services import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(make_user):
    registrar = make_user("Registrar")
    entries = []
    for number in ("2019.1.1", "2019.1.2", "2019.2.1", "2020.1.1"):
        work = Work.objects.create(inventory_number=number)
        draft = register.draft_entry_for(
            work, designation=f"Dessin {number}", acquisition_mode="achat"
        )
        entries.append(register.validate_entry(draft, registrar))
    return entries


def behind_the_back(sql, params):
    """What a database administrator could do: switch the guard off, write, switch it back on.

    DDL is transactional on SQLite and PostgreSQL, so the test's rollback restores the triggers.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
            cursor.execute("ALTER TABLE collections_inventoryentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE collections_inventoryentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER collections_inventoryentry_locked")
            cursor.execute("DROP TRIGGER collections_inventoryentry_undeletable")
            cursor.execute(sql, params)


def verify(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_register")
    return exit_info.value.code, capsys.readouterr()


def test_an_intact_register_verifies(chain, capsys):
    call_command("verify_register")
    out = capsys.readouterr().out
    assert "4 validated entries, chain intact" in out


def test_an_altered_column_is_named_with_its_entry(chain, capsys):
    behind_the_back(
        "UPDATE collections_inventoryentry SET price = 99999 WHERE id = %s", [chain[1].pk]
    )
    code, output = verify(capsys)
    assert code == 1
    assert "1 entries verified" in output.err and "n° 2 (2019.1.2" in output.err
    assert "altered" in output.err


def test_a_deleted_entry_breaks_the_chain(chain, capsys):
    behind_the_back("DELETE FROM collections_inventoryentry WHERE id = %s", [chain[2].pk])
    code, output = verify(capsys)
    assert code == 1 and "n° 3 is missing" in output.err


def test_deleting_the_last_entries_is_seen_from_the_register_head(chain, capsys):
    behind_the_back("DELETE FROM collections_inventoryentry WHERE id = %s", [chain[3].pk])
    code, output = verify(capsys)
    assert code == 1 and "ends at n° 3 but 4 entries were validated" in output.err


def test_a_rewritten_date_and_a_recomputed_hash_still_break_the_chain(chain, capsys):
    """Recomputing the altered row's own hash is not enough: the next entry points to the old one."""
    entry = InventoryEntry.objects.get(pk=chain[0].pk)
    entry.registration_date = datetime.date(2018, 12, 31)
    forged = register.chain_hash(entry.previous_hash, register.entry_payload(entry))
    behind_the_back(
        "UPDATE collections_inventoryentry SET registration_date = %s, entry_hash = %s "
        "WHERE id = %s",
        [entry.registration_date, forged, entry.pk],
    )
    code, output = verify(capsys)
    assert code == 1 and "n° 2 (2019.1.2" in output.err and "chain broken" in output.err
