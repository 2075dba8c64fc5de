"""`manage.py load_vocabularies`: the real Joconde lists into ConceptScheme/Concept.

The 16 real files are loaded once for the module (about 70,000 concepts); each test runs in
its own transaction on top of them, so what a test changes is rolled back.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.utils import translation

from museum_collections.models import Concept, ConceptScheme, Work, WorkDomain
from museum_collections.models.vocabularies import ConceptQuerySet
from museum_collections.services.vocabularies import (
    SCHEMES,
    VocabularyLoadError,
    load_scheme,
    smf_external_id,
)
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

DATA_DIR = Path(__file__).resolve().parents[2] / "demo" / "data" / "vocabularies"

# Concepts per scheme, counted outside the code under test: non-blank lines from the first
# term on (`tail -n +FIRST lexX.txt | grep -c '\S'`), minus the EM line of lexstat (a form of
# another term), minus the terms repeated under the same broader term (merged; for lexautr,
# `sed 's/ *=.*//' | iconv -t ascii//TRANSLIT | tr A-Z a-z | sort | uniq -d` gives 40
# repeats), and for DOMN the rows of th294 (`tail -n +2 | grep -c .`).
EXPECTED_COUNTS = {
    "DOMN": 152,
    "DENO": 5233 - 13,  # canape/canapé, 5 x "daniel 1", cordiforme, courbe/courbé, modèle n°8,
    # type a/A, b/B, c/C, d/D
    "TECH": 3066,
    "PERI": 343,
    "EPOQ": 812,
    "ECOL": 447,
    "STAT": 89 - 1,  # line 53: "…à titre gratuit/0<TAB>EM transfert de propriété de l'Etat"
    "UTIL": 1242 - 1,  # A l'Hérissé / A l'Hérisse
    "REPR": 15652 - 3,  # plumier, Fontaine-Chaâlis/Châalis, Vieux-Moulin
    "SREP": 1762 - 1,  # Philostrate
    "INSC": 260,
    "GENE": 145,
    "LIEUX": 3310 - 1,  # Groenland / Groënland
    "DECV": 2683,
    "AUTR": 32379 - 40,
    "AUTROLE": 231,
}
TOTAL = sum(EXPECTED_COUNTS.values())  # 67,746


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """Load every vocabulary once for the module; the command's output is returned.

    The load happens in a transaction that stays open for the module (each test's own
    transaction nests in it) and is rolled back at the end: deleting 70,000 committed
    concepts would cost more than loading them.
    """
    with django_db_blocker.unblock(), transaction.atomic(), translation.override("en"):
        out = StringIO()
        call_command("load_vocabularies", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        assert not Concept.objects.exists()


def run(*args) -> str:
    out = StringIO()
    call_command("load_vocabularies", *args, stdout=out)
    return out.getvalue()


def concept(code: str, label: str, **filters) -> Concept:
    return Concept.objects.get(scheme__code=code, pref_label=label, **filters)


def lineage(item: Concept) -> list[str]:
    labels = []
    while item is not None:
        labels.append(item.pref_label)
        item = item.broader
    return labels


def data_dir_with(tmp_path: Path, changes: dict[str, callable]) -> Path:
    """A data folder holding the files of `changes`, each rewritten by its function."""
    for code, change in changes.items():
        source = DATA_DIR / SCHEMES[code].filename
        target = tmp_path / SCHEMES[code].filename
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text or change is _same, f"the change to {code} did nothing"
        target.write_text(changed, encoding="utf-8")
    return tmp_path


def _same(text):
    return text


def replace(old, new):
    def change(text):
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return change


# --- The first load ----------------------------------------------------------------------------


def test_every_scheme_has_the_concepts_of_its_file(first_run):
    counts = dict(
        Concept.objects.values_list("scheme__code")
        .annotate(n=Count("pk"))
        .values_list("scheme__code", "n")
    )
    assert counts == EXPECTED_COUNTS
    assert TOTAL == 67746
    assert not ConceptScheme.objects.filter(code__in=["DOMN2014", "DOMN_2014"]).exists()


def test_first_run_reports_each_scheme_and_the_totals(first_run):
    lines = first_run.splitlines()
    assert lines[0].startswith("Loading 16 vocabularies from ")
    stat = next(line for line in lines if line.startswith("STAT "))
    assert "lexstat.txt" in stat
    assert "88 created, 0 updated, 0 unchanged, 0 missing" in stat
    assert re.search(r"\d+\.\d\d s, \d+ concepts/s$", stat)
    autr = lines.index(next(line for line in lines if line.startswith("AUTR ")))
    assert "32339 created" in lines[autr]
    assert "40 warnings" in lines[autr + 1]  # the merged repeats
    assert (
        f"Total: {TOTAL} concepts in 16 schemes: {TOTAL} created, 0 updated, 0 unchanged, "
        "0 missing, in "
    ) in first_run
    assert "Work terms newly linked to a concept: 0." in first_run


def test_schemes_are_described(first_run):
    domn = ConceptScheme.objects.get(code="DOMN")
    assert (domn.name, domn.source, domn.uri) == (
        "Domaines",
        "OpenTheso th294",
        "http://data.culture.fr/thesaurus/resource/ark:/67717/T51",
    )
    deno = ConceptScheme.objects.get(code="DENO")
    assert (deno.source, deno.uri) == (
        "Lexique SMF, mai 2014",
        "http://data.culture.fr/thesaurus/resource/ark:/67717/T505",
    )
    assert ConceptScheme.objects.get(code="STAT").uri == ""
    assert "Mise à jour mars 2012" in ConceptScheme.objects.get(code="LIEUX").description
    assert set(ConceptScheme.objects.values_list("code", flat=True)) == set(EXPECTED_COUNTS)


def test_broader_concepts_follow_the_indentation(first_run):
    assert lineage(concept("STAT", "achat après commande")) == [
        "achat après commande",
        "achat",
        "mode d'acquisition",
        "statut juridique",
    ]
    # a "  - " bullet (lexepoq) and a level jump (lexdeno line 4613)
    assert lineage(concept("EPOQ", "Kamose"))[:3] == [
        "Kamose",
        "XVIIe dynastie",
        "reconquête thébaine",
    ]
    assert lineage(concept("DENO", "croix de Guerre")) == [
        "croix de Guerre",
        "ordre étranger",
        "affixe d'ordre",
        "affixe",
    ]
    # th294: broader ids
    mineralogy = concept("DOMN", "minéralogie")
    assert mineralogy.external_id == "T51-166"
    assert lineage(mineralogy) == [
        "minéralogie",
        "géologie",
        "sciences naturelles",
        "domaine disciplinaire",
    ]
    assert concept("DOMN", "domaine disciplinaire").broader is None
    assert Concept.objects.filter(scheme__code="REPR", broader=None).count() == 23


def test_external_ids_are_derived_from_the_path(first_run):
    kamose = concept("EPOQ", "Kamose")
    assert re.fullmatch(r"smf:[0-9a-f]{20}", kamose.external_id)
    assert kamose.external_id == smf_external_id((*lineage(kamose)[::-1],))
    assert kamose.external_id == smf_external_id(
        (
            "Époque",
            "EGYPTE",
            "2e période intermédiaire",
            "reconquête thébaine",
            "XVIIe dynastie",
            "kamose",
        )
    )  # case and accents do not count


def test_homonyms_under_different_broader_terms_stay_apart(first_run):
    mars = Concept.objects.filter(scheme__code="REPR", pref_label="mars")
    assert sorted(item.broader.pref_label for item in mars) == ["mois", "planète"]
    # the same term twice under one broader term becomes one concept keeping both forms
    canape = concept("DENO", "canape")
    assert canape.alt_labels == ["canapé"]
    cousin = concept("AUTR", "COUSIN Jean")
    assert "COUSIN le Fils" in cousin.alt_labels


def test_alternative_labels_from_equal_signs_and_employer_lines(first_run):
    assert concept("LIEUX", "Basse-Egypte").alt_labels == ["Basse Egypte", "Lower Egypt"]
    transfer = concept("STAT", "transfert de propriété de l'Etat")
    assert transfer.alt_labels == ["transfert", "transfert de propriété de l'Etat à titre gratuit"]
    assert not Concept.objects.filter(
        scheme__code="STAT", pref_label="transfert de propriété de l'Etat à titre gratuit"
    ).exists()
    assert concept("DOMN", "médiéval").alt_labels == [
        "Moyen Age",
        "Moyen-Age",
        "moyen âge",
        "moyen-âge",
    ]


def test_resolve_preferred_and_alternative_labels_ignoring_accents_and_case(first_run):
    resolve = Concept.objects.resolve
    assert resolve("DOMN", "Peinture").external_id == "T51-42"
    assert resolve("DOMN", "epigraphie").pref_label == "épigraphie"
    assert resolve("DOMN", "MOYEN AGE").pref_label == "médiéval"
    assert resolve("DOMN", "hippiqua").pref_label == "éperonnerie"  # the 2014 label
    assert resolve("LIEUX", "alexandria").pref_label == "Alexandrie"
    assert resolve("STAT", "Transfert de propriete de l'Etat a titre gratuit").pref_label == (
        "transfert de propriété de l'Etat"
    )
    assert resolve("STAT", "œuvre disparue").pref_label == "œuvre disparue"
    assert resolve("STAT", "oeuvre disparue").pref_label == "œuvre disparue"
    assert resolve("AUTROLE", "PEINTRE").pref_label == "peintre"
    assert resolve("TECH", "peinture à l'huile") is not None
    assert resolve("DENO", "pas un terme du lexique") is None


def test_acquisition_modes_and_ownership_branches_for_the_work_form(first_run):
    modes = set(
        Concept.objects.in_branch("STAT", "mode d'acquisition").values_list("pref_label", flat=True)
    )
    assert {
        "achat",
        "don",
        "donation",
        "legs",
        "dation",
        "échange",
        "saisie",
        "cession",
        "achat en vente publique",
        "mode d'acquisition inconnu",
    } <= modes
    assert len(modes) == 40  # lexstat lines 14-54, less the EM line
    owners = set(
        Concept.objects.in_branch("STAT", "statut de la propriété").values_list(
            "pref_label", flat=True
        )
    )
    assert len(owners) == 18  # lexstat lines 65-82
    assert {
        "propriété publique",
        "propriété de l'Etat",
        "propriété de la commune",
        "propriété du département",
        "propriété privée",
    } <= owners
    assert not modes & owners


# --- Running again ---------------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_says_so(first_run):
    columns = (
        "pk",
        "scheme__code",
        "external_id",
        "pref_label",
        "alt_labels",
        "pref_key",
        "alt_keys",
        "broader_id",
    )
    before = set(map(str, Concept.objects.values_list(*columns)))
    output = run()
    assert set(map(str, Concept.objects.values_list(*columns))) == before
    assert output.count("nothing to change") == 16
    assert "created" not in output.split("Total:")[0]
    assert f"0 created, 0 updated, {TOTAL} unchanged, 0 missing" in output
    assert "Nothing changed: the vocabularies were already up to date." in output


def test_changed_labels_alt_labels_and_broader_are_updated(first_run, tmp_path):
    dation = concept("STAT", "dation")
    work = Work.objects.create(inventory_number="2019.1.1")
    domain = WorkDomain.objects.create(work=work, label="peinture")
    assert domain.concept.external_id == "T51-42"
    data_dir = data_dir_with(
        tmp_path,
        {
            "STAT": lambda text: (
                text.replace("\t\tdation\n", "\t\tDation\n")  # same key: updated in place
                .replace(
                    "\t protection = protection MH \n",
                    "\t protection = protection MH = monument historique\n",
                )
                .replace("\t\t\tsaisie royale\n", "\t\t\tsaisie par ordre du roi\n")  # renamed
            ),
            "DOMN": lambda text: text.replace(
                "T51-42;peinture;;T51-1", "T51-42;Peinture;;T51-1"
            ).replace("T51-62;balnéaire;;T51-46", "T51-62;balnéaire;;T51-61"),  # moved
        },
    )
    output = run("--data-dir", str(data_dir), "--only", "stat,DOMN")

    assert re.search(r"DOMN .* 0 created, 2 updated, 150 unchanged, 0 missing", output)
    assert re.search(r"STAT .* 1 created, 2 updated, 85 unchanged, 1 missing", output)
    assert "No longer in the file, kept (works may use them): saisie royale" in output
    dation.refresh_from_db()
    assert dation.pref_label == "Dation"
    assert Concept.objects.resolve("STAT", "monument historique").pref_label == "protection"
    assert concept("STAT", "saisie royale")  # kept
    assert concept("STAT", "saisie par ordre du roi").broader.pref_label == "saisie"
    assert concept("DOMN", "balnéaire").broader.pref_label == "jeux - jouets"
    domain.refresh_from_db()
    assert (domain.label, domain.concept.pref_label) == ("Peinture", "Peinture")
    assert "1 work term took the new label." in output

    again = run("--data-dir", str(data_dir), "--only", "STAT,DOMN")
    assert again.count("nothing to change") == 2
    assert "STAT" in again and "1 missing" in again


# --- Errors ----------------------------------------------------------------------------------


def test_a_malformed_file_rolls_back_its_scheme_only_and_fails_at_the_end(first_run, tmp_path):
    data_dir = data_dir_with(
        tmp_path,
        {
            "STAT": replace("\t\tdation\n", "\t\tDation\n"),
            "GENE": lambda text: text.replace(
                "\t commande\n", "\t Commande\n"
            ).replace(  # would be an update, line 8
                "\t pochade\n", "\t pochade = \n"
            ),  # line 70: an empty form
        },
    )
    with pytest.raises(CommandError) as error:
        run("--data-dir", str(data_dir), "--only", "GENE,STAT")
    message = str(error.value)
    assert "1 of 2 vocabularies could not be loaded" in message
    assert "(GENE)" in message and "--only GENE" in message
    assert "lexgene.txt, line 70: empty term in “pochade =”" in message
    assert error.value.returncode == 1
    assert concept("GENE", "commande")  # nothing written for GENE
    assert concept("STAT", "Dation")  # STAT went through


def test_a_database_error_while_writing_rolls_the_scheme_back(first_run, tmp_path, monkeypatch):
    data_dir = data_dir_with(
        tmp_path,
        {
            "STAT": lambda text: text.replace("\t\tdation\n", "\t\tDation\n\t\tpréemption\n"),
        },
    )

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ConceptQuerySet, "bulk_update", fail)  # after the new concept is created
    out = StringIO()
    with pytest.raises(CommandError, match="STAT: disk full"):
        call_command("load_vocabularies", "--data-dir", str(data_dir), "--only", "STAT", stdout=out)
    assert "FAILED, nothing written: disk full" in out.getvalue()
    assert not Concept.objects.filter(scheme__code="STAT", pref_label="préemption").exists()
    assert concept("STAT", "dation")


def test_forms_not_to_be_used_lead_to_their_term(first_run, tmp_path):
    path = tmp_path / "lexgene.txt"
    path.write_text(
        "Liste des stades de création\n\nMise à jour mai 2014\n\n"
        "contexte de création\n"
        "\t<circonstance de création>\n"
        "\t\tcommande publique\n"
        "\tcommande\n"
        "\t\tcommande d'État/0\tEM commande\n",
        encoding="utf-8",
    )
    result = load_scheme("GENE", path)
    assert (result.created, result.updated, result.unchanged) == (1, 2, 0)
    assert len(result.missing) == 145 - 2
    context = concept("GENE", "contexte de création")
    assert context.alt_labels == ["circonstance de création"]
    assert concept("GENE", "commande publique").broader == context
    assert Concept.objects.resolve("GENE", "Commande d'Etat").pref_label == "commande"

    path.write_text(
        "contexte de création\n\tcommande\n\t\tcommande d'État/0\tEM commandes\n", encoding="utf-8"
    )
    with pytest.raises(
        VocabularyLoadError,
        match=(
            "lexgene.txt, line 3: “commande d'État” says to use “commandes”, which is not a term"
        ),
    ):
        load_scheme("GENE", path)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            "T1;a;;\nT2;b;;T9\n",
            "th.csv, line 3: the broader concept “T9” of “b” is not in the file",
        ),
        (
            "T1;a;;T2\nT2;b;;T1\n",
            "th.csv, line 2: “a” is its own broader concept through T1 → T2 → T1",
        ),
        ("T1;a;;\nT1;b;;\n", "th.csv, line 3: the id “T1” was already used on line 2"),
    ],
)
def test_opentheso_file_errors(first_run, tmp_path, rows, problem):
    path = tmp_path / "th.csv"
    path.write_text("id;prefLabel;altLabels;broader_id\n" + rows, encoding="utf-8")
    with pytest.raises(VocabularyLoadError) as error:
        load_scheme("DOMN", path)
    assert str(error.value).startswith(problem)
    assert Concept.objects.filter(scheme__code="DOMN").count() == 152


def test_strict_mode_refuses_the_level_jumps_of_the_real_files(first_run):
    with pytest.raises(CommandError) as error:
        run("--only", "PERI", "--strict")
    assert "lexperi.txt, line 204: the indentation jumps from level 0 to level 2" in str(
        error.value
    )


def test_unknown_codes_and_missing_files(first_run, tmp_path):
    with pytest.raises(CommandError, match="Unknown scheme code.*: DOMN2014"):
        run("--only", "DENO,DOMN2014")
    with pytest.raises(CommandError) as error:
        run("--data-dir", str(tmp_path), "--only", "INSC")
    assert "lexinsc.txt: file not found. Check --data-dir" in str(error.value)


# --- Terms typed before the vocabulary was there ------------------------------------------------


def test_terms_typed_before_the_vocabulary_are_linked_after_loading(first_run):
    Concept.objects.filter(scheme__code="DOMN").delete()
    work = Work.objects.create(inventory_number="2019.1.1")
    painting = WorkDomain.objects.create(work=work, label="peinture")
    middle_ages = WorkDomain.objects.create(work=work, label="Moyen-Age")
    unknown = WorkDomain.objects.create(work=work, label="pas un domaine")
    assert painting.concept is None
    assert len(work.vocabulary_warnings()) == 3

    output = run("--only", "DOMN")

    assert "DOMN     th294-DOMN-concepts.csv      152 created" in output
    assert "Work terms newly linked to a concept: 2." in output
    painting.refresh_from_db()
    middle_ages.refresh_from_db()
    unknown.refresh_from_db()
    assert painting.concept.external_id == "T51-42"
    assert (middle_ages.label, middle_ages.concept.external_id) == ("médiéval", "T51-81")
    assert unknown.concept is None


def test_materials_and_techniques_resolve_in_their_own_branch():
    """TECH has the material “bronze” and the technique “bronzé”: one key, two concepts."""
    from museum_collections.models import WorkMaterial, WorkTechnique

    call_command("load_vocabularies", "--only", "TECH", data_dir=DATA_DIR, stdout=StringIO())
    work = Work.objects.create(inventory_number="2019.1.1")
    material = WorkMaterial.objects.create(work=work, label="Bronze")
    technique = WorkTechnique.objects.create(work=work, label="bronzé")
    assert (material.label, material.concept.branch_key) == (
        "bronze",
        "materiau d'origine minerale",
    )
    assert technique.label == "bronzé" and technique.concept.branch_key.startswith("technique")


def test_suggestions_while_typing_come_from_the_vocabulary(client, django_user_model):
    call_command("load_vocabularies", "--only", "DENO,TECH", data_dir=DATA_DIR, stdout=StringIO())
    user = django_user_model.objects.create_user("reg", password="pw")
    from museum_collections.roles import role_group

    user.groups.add(role_group("Registrar"))
    suggest = "/admin/collections/terms/"
    assert client.get(suggest, {"scheme": "DENO", "q": "tableau"}).status_code == 302  # login first
    verified_login(client, user)
    results = client.get(suggest, {"scheme": "DENO", "q": "Tablea"}).json()["results"]
    assert results[0] == "tableau" and all(label.startswith("tablea") for label in results)
    # an alternative label leads to its preferred one, accents and case ignored
    assert client.get(suggest, {"scheme": "DENO", "q": "CANAPÉ"}).json()["results"] == ["canape"]
    material = client.get(suggest, {"scheme": "TECH", "q": "bronz", "branch": "matériau"})
    technique = client.get(suggest, {"scheme": "TECH", "q": "bronz", "branch": "technique"})
    assert material.json()["results"][0] == "bronze"
    assert technique.json()["results"][0] == "bronzé"
    assert client.get(suggest, {"scheme": "DENO", "q": "t"}).json()["results"] == []
