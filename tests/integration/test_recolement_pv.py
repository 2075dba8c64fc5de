"""The official report (procès-verbal) of a récolement campaign: the demo's campaign brought to
its end, printed by `manage.py recolement_pv` and read back with pypdf."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from exporters.recolement_pv import ANNEXES, TITLE, PvCounts, count_lines
from museum_collections.models import RecolementCampaign, RecolementPlan, Work
from museum_collections.services import recolement
from museum_collections.services.demo_recolement import CAMPAIGN_TITLE, PLAN_TITLE

pytestmark = pytest.mark.django_db

MUSEUM = {"NAME": "Musée départemental Maurice Denis", "CITY": "Saint-Germain-en-Laye"}
LABELS = [label for _group, label, _figure in count_lines(PvCounts(*[0] * 17))]


@pytest.fixture(autouse=True)
def museum(settings, museofile, tmp_path):
    settings.CARTEL_MUSEUM = {**settings.CARTEL_MUSEUM, **MUSEUM}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign():
    """The demo's campaign, at its end: the conflict decided, one work destroyed, one
    inventoried twice, the rest marked not seen."""
    output = StringIO()
    call_command("load_demo", "--skip-vocabularies", "--limit", "20", stdout=output)
    assert "Récolement: campaign “Réserve des arts graphiques (démonstration)”" in (
        output.getvalue()
    )
    registrar = get_user_model().objects.get(username="registrar")
    campaign = RecolementCampaign.objects.get(title=CAMPAIGN_TITLE)
    conflict = campaign.records.get(has_conflict=True)
    recolement.resolve_conflict(
        conflict, conflict.observations.get(applied=False), registrar
    )  # tablette-2 was right: missing
    left = list(
        recolement.expected_works(campaign)
        .exclude(pk__in=campaign.records.filter(work__isnull=False).values("work"))
        .order_by("inventory_sort_key")[:2]
    )
    for key, work, data in (
        ("destroyed", left[0], {"presence": "destroyed", "notes": "Détruit par l'eau en 1999."}),
        (
            "twice",
            left[1],
            {"presence": "seen", "marked_on_object": True, "inventoried_twice": True},
        ),
    ):
        recolement.record_observation(
            campaign, key=key, work=work, data=data, agent=registrar, device="back office"
        )
    recolement.mark_rest_not_seen(campaign, registrar)
    return campaign


def numbers(campaign, **filters) -> set[str]:
    return set(
        campaign.records.filter(work__isnull=False, **filters).values_list(
            "work__inventory_number", flat=True
        )
    )


def print_pv(tmp_path, campaign, capsys):
    output = tmp_path / "pv.pdf"
    call_command("recolement_pv", "--campaign", str(campaign.pk), "--output", str(output))
    texts = [page.extract_text() for page in PdfReader(output).pages]
    return output, texts, capsys.readouterr().out


def test_the_report_gives_the_campaign_and_its_counts(campaign, tmp_path, capsys):
    output, texts, summary = print_pv(tmp_path, campaign, capsys)
    joined = " ".join(" ".join(texts).split())
    for expected in (
        TITLE,
        MUSEUM["NAME"],
        "Muséofile M5062",
        CAMPAIGN_TITLE,
        PLAN_TITLE,
        "Musée départemental › Réserves › Réserve des arts graphiques",
        "saisie sur deux tablettes hors connexion",
        "Anne Martin (régisseuse)",
        "Le responsable scientifique des collections",
        "Le chef d'établissement",
        "Fait à Saint-Germain-en-Laye",
    ):
        assert expected in joined, expected
    records = campaign.records.all()
    seen = records.filter(presence="seen")
    figures = {
        "Biens vus": seen.count(),
        "Biens non vus": records.filter(presence="not_seen").count(),
        "Biens manquants": 2,
        "Biens détruits": 1,
        "Biens non inventoriés": 1,
        "Biens inventoriés plusieurs fois": 1,
        "Biens non marqués": 2,  # the demo's unmarked work and the object found
        "Biens exposés": 0,
        "Bon": seen.filter(condition="good").count(),
        "Moyen": 1,
        "Mauvais": 1,
        "Péril": 0,
        "Total des biens récolés": records.count(),
    }
    assert figures["Total des biens récolés"] == 36  # 35 works expected + 1 found
    assert figures["Biens non vus"] == 11  # 1 in the demo, the 10 left marked at the end
    printed = printed_figures(joined)
    for label, figure in figures.items():
        assert printed[label] == figure, label
    assert printed["Biens marqués"] + printed["Biens non marqués"] == figures["Biens vus"]
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {total}" in text
        assert f"{TITLE} — {CAMPAIGN_TITLE}" in " ".join(text.split())
    assert (
        f"Récolement “{CAMPAIGN_TITLE}”: 36 records ({figures['Biens vus']} seen, 11 not seen, "
        f"2 missing, 1 destroyed), {total} pages → {output}" in summary
    )


def printed_figures(joined: str) -> dict[str, int]:
    """The figures as printed: each label of the counts table followed by its number."""
    figures = {}
    for label in LABELS:
        found = re.search(rf"(?<![\w']){re.escape(label)} (\d+)", joined)
        assert found, label
        figures[label] = int(found.group(1))
    return figures


def test_each_annexed_list_holds_exactly_its_works(campaign, tmp_path, capsys):
    _output, texts, _summary = print_pv(tmp_path, campaign, capsys)
    joined = " ".join(" ".join(texts).split())
    annexes = joined[joined.index("Listes annexées") :]
    titles = [f"Annexe {n} — {title}" for n, (_key, title) in enumerate(ANNEXES, start=1)]
    positions = [annexes.index(title) for title in titles]
    assert positions == sorted(positions)
    sections = {
        key: annexes[start:end]
        for (key, _title), start, end in zip(
            ANNEXES, positions, [*positions[1:], len(annexes)], strict=True
        )
    }
    known = set(Work.objects.values_list("inventory_number", flat=True))

    def listed(section: str) -> set[str]:
        return {token for token in section.split() if token in known}

    assert listed(sections["not_seen"]) == numbers(campaign, presence="not_seen")
    assert len(numbers(campaign, presence="not_seen")) == 11
    assert listed(sections["missing"]) == numbers(campaign, presence="missing")
    assert len(numbers(campaign, presence="missing")) == 2
    assert listed(sections["destroyed"]) == numbers(campaign, presence="destroyed")
    assert "Détruit par l'eau en 1999." in sections["destroyed"]
    assert listed(sections["inventoried_twice"]) == numbers(campaign, inventoried_twice=True)
    assert listed(sections["not_inventoried"]) == set()
    assert "Feuille volante sans numéro" in sections["not_inventoried"]
    assert "Suites à donner : à inventorier" in sections["not_inventoried"]
    assert "Suites à donner : à rechercher" in sections["missing"]
    assert "Annexe 3 — Biens détruits (1)" in annexes


def test_an_empty_list_says_neant_and_a_bad_campaign_is_refused(tmp_path, capsys):
    plan = RecolementPlan.objects.create(title="Plan", first_year=2026, last_year=2035)
    empty = RecolementCampaign.objects.create(
        plan=plan, title="Rien encore", start_date="2026-01-05"
    )
    _output, texts, summary = print_pv(tmp_path, empty, capsys)
    joined = " ".join(" ".join(texts).split())
    assert joined.count("Néant") == 6  # the five lists and the comments
    assert "Total des biens récolés 0" in joined and "0 records" in summary
    with pytest.raises(CommandError, match="No récolement campaign has the id 999"):
        call_command("recolement_pv", "--campaign", "999", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match=r"\.pdf"):
        call_command(
            "recolement_pv", "--campaign", str(empty.pk), "--output", str(tmp_path / "x.txt")
        )
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.txt").exists()


def test_the_demo_campaign_is_under_way_with_its_anomalies_and_loads_once():
    def load():
        call_command("load_demo", "--skip-vocabularies", "--limit", "20", stdout=StringIO())

    load()
    campaign = RecolementCampaign.objects.get(title=CAMPAIGN_TITLE, plan__title=PLAN_TITLE)
    assert campaign.status == "in_progress"
    assert [location.code for location in campaign.locations.all()] == ["R2"]
    figures = recolement.progress(campaign)
    assert (figures.expected, figures.done, figures.conflicts) == (35, 23, 1)
    records = campaign.records.all()
    assert records.filter(presence="missing").count() == 1
    assert records.filter(presence="not_seen").count() == 1
    assert records.filter(follow_ups=["to_restore"], condition="poor").count() == 1
    assert records.filter(work__isnull=True).count() == 1
    conflict = records.get(has_conflict=True)
    assert sorted(conflict.observations.values_list("device", "applied")) == [
        ("tablette-1", True),
        ("tablette-2", False),
    ]
    assert {o.agent.username for o in campaign.observations.select_related("agent")} == {
        "registrar"
    }
    before = (RecolementCampaign.objects.count(), campaign.observations.count(), records.count())
    load()
    assert before == (
        RecolementCampaign.objects.count(),
        campaign.observations.count(),
        records.count(),
    )
