"""Reconciling imported names with the authorities: identifiers, exact, accents; fuzzy only
proposed."""

import pytest

from museum_collections.models import Person
from museum_collections.services.reconcile import PersonReconciler, identifiers_of

pytestmark = pytest.mark.django_db


def test_identifiers_are_read_from_links_and_uris():
    assert identifiers_of(["https://www.idref.fr/02701225X", "x"]) == {"idref_id": "02701225X"}
    assert identifiers_of(["http://catalogue.bnf.fr/ark:/12148/cb11899757w"]) == {
        "bnf_ark": "ark:/12148/cb11899757w"
    }
    assert identifiers_of(["13520013"]) == {}  # a bare BnF record number is not an IdRef PPN


def test_an_identifier_wins_then_the_name_then_the_name_without_accents():
    denis = Person.objects.create(name="Maurice Denis", idref_id="027012255", birth_date="1870")
    menard = Person.objects.create(name="Jean-François Ménard")
    reconciler = PersonReconciler()
    assert reconciler.find("M. Denis", identifiers={"idref_id": "027012255"}).how == "identifier"
    assert reconciler.find("Maurice Denis").person == denis
    match = reconciler.find("jean francois menard")
    assert (match.person, match.how) == (menard, "accents")
    assert reconciler.find("Maurice Denis", dates="1901-1980").how == "new"  # another man


def test_a_close_name_is_only_proposed():
    serusier = Person.objects.create(name="Paul Sérusier")
    match = PersonReconciler().find("Paul Serrusier")
    assert match.person is None and match.how == "new" and match.candidates == [serusier]
