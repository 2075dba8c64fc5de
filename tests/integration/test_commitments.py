"""What a work is promised to: loans, exhibitions and treatments clash over inclusive dates; the
loan workflow refuses illegal steps and clashes, and moves the works on departure and return."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from museum_collections.models import (
    ConservationTreatment,
    CurrentLocation,
    Exhibition,
    ExhibitionVenue,
    ExhibitionWork,
    Loan,
    LoanObject,
    Location,
    Movement,
    Person,
    Work,
)
from museum_collections.services.commitments import (
    clashes,
    exhibition_clashes,
    treatment_clashes,
)
from museum_collections.services.loans import advance_loan, loan_clashes
from museum_collections.services.movements import move

pytestmark = pytest.mark.django_db

Status = Loan.Status


def day(n: int) -> datetime.date:
    return datetime.date(2026, 3, 1) + datetime.timedelta(days=n - 1)


def at(n: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day(n), datetime.time(12)))


@pytest.fixture
def partner():
    return Person.objects.create(name="Musée des Beaux-Arts de Rennes", kind="organisation")


@pytest.fixture
def store():
    site = Location.objects.create(code="MD", name="Musée", kind=Location.Kind.SITE)
    return Location.objects.create(
        code="RES1", name="Réserve 1", kind=Location.Kind.ROOM, parent=site
    )


@pytest.fixture
def gallery(store):
    return Location.objects.create(
        code="S1", name="Salle 1", kind=Location.Kind.ROOM, parent=store.parent
    )


@pytest.fixture
def works(store):
    made = []
    for number in (1, 2):
        work = Work.objects.create(
            inventory_number=f"2019.1.{number}", title=f"Étude {number}", normal_location=store
        )
        move(work, store, reason=Movement.Reason.STORAGE, moved_at=at(1) - datetime.timedelta(1))
        made.append(work)
    return made


@pytest.fixture
def work(works):
    return works[0]


def make_loan(partner, works, start, end, *, direction="out", status=None, exhibition=None):
    loan = Loan.objects.create(
        direction=direction,
        partner=partner,
        purpose="exhibition",
        start_date=day(start),
        end_date=day(end),
        exhibition=exhibition,
    )
    for work in works:
        LoanObject.objects.create(loan=loan, work=work)
    if status:
        Loan.objects.filter(pk=loan.pk).update(status=status)
        loan.status = status
    return loan


def make_exhibition(works, start, end, *, status="planned", loan=None):
    show = Exhibition.objects.create(title="Les Nabis", status=status)
    ExhibitionVenue.objects.create(
        exhibition=show, venue="Musée départemental", start_date=day(start), end_date=day(end)
    )
    for work in works:
        ExhibitionWork.objects.create(exhibition=show, work=work, loan=loan)
    show.refresh_dates()
    return show


def make_treatment(work, start, end, *, status="planned"):
    return ConservationTreatment.objects.create(
        work=work, start_date=day(start), end_date=day(end), status=status, purpose="cleaning"
    )


def commit(kind, partner, work, start, end, status=None):
    """An existing commitment of ``kind`` for ``work`` over [start, end]; returns its pk."""
    if kind == "loan":
        return make_loan(partner, [work], start, end, status=status).pk
    if kind == "exhibition":
        return make_exhibition([work], start, end, status=status or "planned").pk
    return make_treatment(work, start, end, status=status or "planned").pk


PAIRS = [
    ("loan", "loan"),
    ("loan", "exhibition"),
    ("exhibition", "loan"),
    ("exhibition", "treatment"),
    ("treatment", "exhibition"),
    ("loan", "treatment"),
    ("treatment", "loan"),
    ("exhibition", "exhibition"),
]


@pytest.mark.parametrize(("existing", "new"), PAIRS)
@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [
        (10, 20, True),  # the existing one ends on the 10th, the new one starts on the 10th
        (11, 20, False),  # ... starts on the 11th
        (5, 6, True),  # inside
        (1, 30, True),  # around
        (20, 25, False),  # after
    ],
)
def test_overlapping_dates_clash_edges_included(partner, work, existing, new, start, end, clash):
    pk = commit(existing, partner, work, 3, 10)
    found = clashes(new, None, [work.pk], day(start), day(end))
    if clash:
        assert [(c.kind, c.pk) for c in found[work.pk]] == [(existing, pk)]
    else:
        assert found == {}


@pytest.mark.parametrize("kind", ["loan", "exhibition", "treatment"])
def test_the_day_before_does_not_clash(partner, work, kind):
    commit(kind, partner, work, 10, 20)
    assert clashes("loan", None, [work.pk], day(1), day(9)) == {}
    assert list(clashes("loan", None, [work.pk], day(1), day(10))) == [work.pk]


def test_other_works_and_the_commitment_itself_do_not_clash(partner, works):
    loan = make_loan(partner, [works[0]], 1, 10)
    assert clashes("loan", None, [works[1].pk], day(1), day(10)) == {}
    assert clashes("loan", loan.pk, [works[0].pk], day(1), day(10)) == {}
    assert loan_clashes(loan) == []


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("loan", Status.REFUSED),
        ("loan", Status.CANCELLED),
        ("loan", Status.RETURNED),
        ("exhibition", Exhibition.Status.CANCELLED),
        ("exhibition", Exhibition.Status.CLOSED),
        ("treatment", ConservationTreatment.Status.DONE),
        ("treatment", ConservationTreatment.Status.PROPOSED),
        ("treatment", ConservationTreatment.Status.CANCELLED),
    ],
)
def test_finished_or_abandoned_commitments_do_not_count(partner, work, kind, status):
    commit(kind, partner, work, 1, 10, status=status)
    assert clashes("loan", None, [work.pk], day(1), day(10)) == {}


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("loan", Status.APPROVED),
        ("loan", Status.AGREEMENT_SIGNED),
        ("loan", Status.DEPARTED),
        ("exhibition", Exhibition.Status.CONFIRMED),
        ("exhibition", Exhibition.Status.OPEN),
        ("treatment", ConservationTreatment.Status.IN_PROGRESS),
    ],
)
def test_active_commitments_count(partner, work, kind, status):
    commit(kind, partner, work, 1, 10, status=status)
    assert list(clashes("treatment", None, [work.pk], day(1), day(10))) == [work.pk]


def test_a_loan_in_and_the_exhibition_it_serves_are_one_commitment(partner):
    borrowed = Work.objects.create(inventory_number="D.2026.1.1", title="Prêtée")
    show = make_exhibition([], 10, 20)
    loan = make_loan(partner, [borrowed], 5, 25, direction="in", exhibition=show)
    ExhibitionWork.objects.create(exhibition=show, work=borrowed, loan=loan)
    assert exhibition_clashes(show) == []
    assert loan_clashes(loan) == []
    assert (
        clashes("exhibition", show.pk, [borrowed.pk], day(10), day(20), exhibition_id=show.pk) == {}
    )

    other_show = make_exhibition([borrowed], 15, 18)  # not the show the loan is made for
    assert [c.pk for c in clashes("loan", loan.pk, [borrowed.pk], day(5), day(25))[borrowed.pk]]
    messages = loan_clashes(loan)
    assert len(messages) == 1 and "Les Nabis" in messages[0] and "D.2026.1.1" in messages[0]
    assert exhibition_clashes(other_show)  # the loan in, and the first show
    loan_out = make_loan(partner, [borrowed], 1, 2, direction="out")
    assert clashes("loan", loan_out.pk, [borrowed.pk], day(1), day(2), exhibition_id=None) == {}


def test_treatment_clashes_name_the_other_commitment(partner, work):
    loan = make_loan(partner, [work], 1, 10, status=Status.APPROVED)
    treatment = make_treatment(work, 10, 12)
    [message] = treatment_clashes(treatment)
    assert work.inventory_number in message and loan.number in message
    assert "01/03/2026 – 10/03/2026" in message


# The loan workflow -------------------------------------------------------------------------


def test_illegal_transitions_are_refused_with_the_next_steps(partner, works):
    loan = make_loan(partner, works, 1, 10)
    with pytest.raises(ValidationError) as error:
        advance_loan(loan, Status.DEPARTED)
    assert error.value.messages == [
        "A loan requested cannot become works away (out) or received (in). "
        "Next steps: approved, refused, cancelled."
    ]
    with pytest.raises(ValidationError, match="cannot become lost"):
        advance_loan(loan, "lost")
    Loan.objects.filter(pk=loan.pk).update(status=Status.RETURNED)
    with pytest.raises(ValidationError, match="Next steps: —"):
        advance_loan(loan, Status.CANCELLED)


def test_approving_a_loan_whose_works_clash_is_refused(partner, works):
    first = make_loan(partner, [works[0]], 1, 10, status=Status.APPROVED)
    second = make_loan(partner, works, 10, 12)
    with pytest.raises(ValidationError) as error:
        advance_loan(second, Status.APPROVED)
    [message] = error.value.messages
    assert works[0].inventory_number in message and first.number in message
    second.refresh_from_db()
    assert second.status == Status.REQUESTED
    advance_loan(second, Status.REFUSED)
    assert Loan.objects.get(pk=second.pk).status == Status.REFUSED


def test_a_loan_out_moves_its_works_away_and_back_to_their_normal_location(
    partner, works, store, make_user
):
    user = make_user("Registrar")
    loan = make_loan(partner, works, 1, 10)
    assert advance_loan(loan, Status.APPROVED, user=user) == []
    advance_loan(loan, Status.AGREEMENT_SIGNED, user=user)
    departures = advance_loan(loan, Status.DEPARTED, user=user, at=at(1))
    loan.refresh_from_db()
    away = loan.outside_location
    assert away.kind == Location.Kind.EXTERNAL and partner.name in away.name
    assert {m.work_id for m in departures} == {w.pk for w in works}
    for movement in departures:
        assert (movement.reason, movement.loan, movement.to_location) == ("loan", loan, away)
        assert movement.from_location == store and movement.moved_by == user
    assert {c.location for c in CurrentLocation.objects.filter(work__in=works)} == {away}
    assert loan.status == Status.DEPARTED and loan.status_changed_at == at(1)

    returns = advance_loan(loan, Status.RETURNED, user=user, at=at(10))
    assert [(m.from_location, m.to_location, m.loan) for m in returns] == [(away, store, loan)] * 2
    assert {c.location for c in CurrentLocation.objects.filter(work__in=works)} == {store}
    assert Movement.objects.filter(loan=loan, reason="loan").count() == 4


def test_a_loan_out_may_come_back_elsewhere_and_must_when_a_work_has_no_home(
    partner, works, gallery
):
    Work.objects.filter(pk=works[1].pk).update(normal_location=None)
    loan = make_loan(partner, works, 1, 10, status=Status.AGREEMENT_SIGNED)
    advance_loan(loan, Status.DEPARTED, at=at(1))
    with pytest.raises(ValidationError) as error:
        advance_loan(loan, Status.RETURNED, at=at(10))
    assert "no normal location" in error.value.messages[0]
    assert works[1].inventory_number in error.value.messages[0]
    assert works[0].inventory_number not in error.value.messages[0]
    assert Loan.objects.get(pk=loan.pk).status == Status.DEPARTED
    assert Movement.objects.filter(loan=loan).count() == 2  # nothing written

    advance_loan(loan, Status.RETURNED, at=at(10), location=gallery)
    assert {c.location for c in CurrentLocation.objects.filter(work__in=works)} == {gallery}


def test_a_loan_in_arrives_where_it_is_told_and_goes_back_to_the_lender(partner, gallery):
    borrowed = [
        Work.objects.create(inventory_number=f"D.2026.1.{n}", title="Prêtée") for n in (1, 2)
    ]
    loan = make_loan(partner, borrowed, 1, 10, direction="in", status=Status.AGREEMENT_SIGNED)
    with pytest.raises(ValidationError, match="Say where the borrowed works are put"):
        advance_loan(loan, Status.DEPARTED, at=at(1))
    assert not Movement.objects.filter(loan=loan).exists()

    arrivals = advance_loan(loan, Status.DEPARTED, at=at(1), location=gallery)
    assert [(m.to_location, m.reason, m.loan) for m in arrivals] == [(gallery, "loan", loan)] * 2
    assert {c.location for c in CurrentLocation.objects.filter(work__in=borrowed)} == {gallery}

    returns = advance_loan(loan, Status.RETURNED, at=at(10))
    loan.refresh_from_db()
    lender = loan.outside_location
    assert lender.kind == Location.Kind.EXTERNAL
    assert [(m.from_location, m.to_location) for m in returns] == [(gallery, lender)] * 2
    assert {c.location for c in CurrentLocation.objects.filter(work__in=borrowed)} == {lender}


def test_a_loan_without_works_cannot_leave(partner):
    loan = make_loan(partner, [], 1, 10, status=Status.AGREEMENT_SIGNED)
    with pytest.raises(ValidationError, match="no works"):
        advance_loan(loan, Status.DEPARTED)
