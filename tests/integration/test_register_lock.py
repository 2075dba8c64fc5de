"""The inventory register is unalterable once validated: the model, bulk updates and the
database itself refuse every change but the observations (the admin path is in test_register_admin).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from museum_collections.models import (
    DepositEntry,
    InventoryEntry,
    InventoryRemoval,
    Person,
    ProtectedRecordError,
    RegisterHead,
    Work,
)
from museum_collections.services import register

from .registers import make_entry

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def registrar(make_user):
    return make_user("Registrar", first_name="Anne", last_name="Martin")


@pytest.fixture
def validated(registrar):
    entry = make_entry(
        materials="huile ; toile", price=Decimal("1500"), acquisition_source="Dominique Denis"
    )
    return register.validate_entry(entry, registrar)


def test_validation_gives_the_entry_its_place_its_date_and_its_hash(validated, registrar):
    assert validated.is_validated and validated.sequence == 1
    assert validated.validated_by_name == "Anne Martin"
    assert validated.registration_date == datetime.date.today()
    assert len(validated.entry_hash) == 64 and validated.previous_hash == ""
    second = register.validate_entry(make_entry("2019.1.2"), registrar)
    assert second.sequence == 2 and second.previous_hash == validated.entry_hash
    assert RegisterHead.objects.get(register="inventory").last_hash == second.entry_hash


def test_the_model_refuses_a_change_and_says_what_to_do(validated):
    entry = InventoryEntry.objects.get(pk=validated.pk)
    entry.materials = "huile sur bois"
    with pytest.raises(ProtectedRecordError) as error:
        entry.save()
    assert "materials" in str(error.value) and "observations" in str(error.value)
    assert InventoryEntry.objects.get(pk=validated.pk).materials == "huile ; toile"


def test_the_model_refuses_to_delete_a_validated_entry(validated):
    with pytest.raises(ProtectedRecordError, match="removal"):
        InventoryEntry.objects.get(pk=validated.pk).delete()
    with pytest.raises(ProtectedRecordError, match="removal"):
        InventoryEntry.objects.filter(pk=validated.pk).delete()
    assert InventoryEntry.objects.filter(pk=validated.pk).exists()


def test_observations_change_and_the_chain_still_holds(validated):
    entry = InventoryEntry.objects.get(pk=validated.pk)
    entry.observations = "Numéro repeint en 2024 sur le châssis."
    entry.save()
    assert InventoryEntry.objects.filter(pk=entry.pk).update(observations="Vu en 2025") == 1
    assert InventoryEntry.objects.get(pk=entry.pk).observations == "Vu en 2025"
    assert all(report.ok for report in register.verify_registers())


@pytest.mark.parametrize(
    "column, value",
    [
        ("designation", "Autre chose"),
        ("price", Decimal("1")),
        ("status", "draft"),
        ("registration_date", datetime.date(2000, 1, 1)),
    ],
)
def test_bulk_updates_are_refused(validated, column, value):
    with pytest.raises(ProtectedRecordError, match="observations"):
        InventoryEntry.objects.filter(pk=validated.pk).update(**{column: value})
    entry = InventoryEntry.objects.get(pk=validated.pk)
    entry.__dict__[column] = value
    with pytest.raises(ProtectedRecordError):
        InventoryEntry.objects.bulk_update([entry], [column])


def test_drafts_stay_editable_in_bulk_and_one_by_one(registrar):
    draft = make_entry()
    assert InventoryEntry.objects.filter(pk=draft.pk).update(designation="Dessin") == 1
    draft.refresh_from_db()
    draft.materials = "papier"
    draft.save()
    draft.delete()
    assert not InventoryEntry.objects.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE collections_inventoryentry SET designation = 'Faux' WHERE id = %s",
        "UPDATE collections_inventoryentry SET inventory_number = '2019.9.9' WHERE id = %s",
        "UPDATE collections_inventoryentry SET price = 1 WHERE id = %s",
        "UPDATE collections_inventoryentry SET status = 'draft' WHERE id = %s",
        "UPDATE collections_inventoryentry SET entry_hash = '' , status = 'draft' WHERE id = %s",
        "DELETE FROM collections_inventoryentry WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_sql(validated, sql):
    with pytest.raises(IntegrityError, match="Cartel"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [validated.pk])
    assert InventoryEntry.objects.get(pk=validated.pk).designation == validated.designation


def test_the_database_lets_raw_sql_change_observations_only(validated):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE collections_inventoryentry SET observations = 'ok' WHERE id = %s",
            [validated.pk],
        )
    assert InventoryEntry.objects.get(pk=validated.pk).observations == "ok"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite trigger lists columns")
def test_the_sqlite_trigger_freezes_every_column_but_the_open_ones():
    for model in (InventoryEntry, DepositEntry):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"{table}_locked"],
            )
            (sql,) = cursor.fetchone()
        for column in model.locked_fields():
            assert f'NEW."{column}" IS NOT OLD."{column}"' in sql, (table, column)
        for name in model.MUTABLE_FIELDS:
            assert f'"{name}"' not in sql


def test_a_validated_number_is_never_reused_even_after_removal(validated, registrar):
    register.remove_entry(
        validated,
        case="undue_entry",
        decision_reference="PV 2024-3",
        decision_date=datetime.date(2024, 3, 1),
        user=registrar,
    )
    Work.objects.filter(pk=validated.work_id).update(is_deleted=True, deletion_reason="Radié")
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.create(inventory_number="2019.1.1")
    other = Work.objects.create(inventory_number="2019.1.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryEntry.objects.filter(
            pk=register.draft_entry_for(other, designation="x", acquisition_mode="don").pk
        ).update(inventory_number="2019.1.1")


def test_validation_refuses_an_incomplete_entry_or_a_malformed_number(registrar):
    entry = make_entry("2019-1-3")
    assert entry.legacy_numbering  # a number from before the annex-2 form is kept as is
    fresh = make_entry("2019.01.4")
    InventoryEntry.objects.filter(pk=fresh.pk).update(legacy_numbering=False, designation="")
    with pytest.raises(Exception) as error:
        register.validate_entry(fresh, registrar)
    assert "year.acquisition.item" in str(error.value) and "designation" in str(error.value)
    assert InventoryEntry.objects.get(pk=fresh.pk).status == "draft"


def test_removal_keeps_the_entry_and_is_itself_frozen(validated, registrar):
    removal = register.remove_entry(
        validated,
        case=InventoryRemoval.Case.DESTRUCTION,
        decision_reference="Délibération du conseil départemental n° 2024-17",
        decision_date=datetime.date(2024, 3, 1),
        user=registrar,
    )
    entry = InventoryEntry.objects.get(pk=validated.pk)
    assert entry.removal_or_none == removal and entry.is_validated
    assert all(report.ok for report in register.verify_registers())
    with pytest.raises(ProtectedRecordError):
        register.remove_entry(
            entry, case="undue_entry", decision_reference="x", decision_date=datetime.date.today()
        )
    removal.note = "changed"
    with pytest.raises(ProtectedRecordError):
        removal.save()
    with pytest.raises(ProtectedRecordError):
        removal.delete()
    for sql in (
        "UPDATE collections_inventoryremoval SET case = 'undue_entry' WHERE id = %s",
        "DELETE FROM collections_inventoryremoval WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="Cartel"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("case", '"case"'), [removal.pk])
    assert InventoryRemoval.objects.count() == 1


def test_only_the_five_legal_cases_of_removal_are_accepted(validated):
    assert len(InventoryRemoval.Case.choices) == 5
    with pytest.raises(Exception, match="case"):
        register.remove_entry(
            validated, case="lost", decision_reference="x", decision_date=datetime.date.today()
        )
    draft = make_entry("2019.1.9")
    with pytest.raises(ProtectedRecordError, match="draft"):
        register.remove_entry(
            draft, case="destruction", decision_reference="x", decision_date=datetime.date.today()
        )


def test_deposits_lock_their_facts_but_not_the_life_of_the_deposit(registrar):
    fnac = Person.objects.create(name="Centre national des arts plastiques", kind="organisation")
    work = Work.objects.create(inventory_number="D.2005.3.1")
    deposit = DepositEntry.objects.create(
        work=work,
        deposit_number="D.2005.3.1",
        depositor=fnac,
        depositor_number="FNAC PFH-6020",
        deposit_deed="Arrêté du 3 mai 2005",
        taken_in_charge_on=datetime.date(2005, 6, 1),
        designation="Tableau : Paysage",
        convention_end=datetime.date(2015, 6, 1),
    )
    deposit = register.validate_entry(deposit, registrar)
    assert deposit.depositor_name == "Centre national des arts plastiques"
    deposit.convention_end = datetime.date(2025, 6, 1)
    deposit.observations = "Convention renouvelée"
    deposit.save()
    assert DepositEntry.objects.filter(pk=deposit.pk).update(is_sub_deposit=True) == 1
    with pytest.raises(ProtectedRecordError, match="depositor"):
        DepositEntry.objects.filter(pk=deposit.pk).update(depositor_number="FNAC 1")
    with pytest.raises(IntegrityError, match="Cartel"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE collections_depositentry SET deposit_deed = 'x' WHERE id = %s",
                [deposit.pk],
            )
    assert all(report.ok for report in register.verify_registers())
