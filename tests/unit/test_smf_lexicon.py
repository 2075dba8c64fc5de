"""The SMF lexicon reader (pure Python): real lines of the May 2014 files, then broken input.

A few tests at the end cover the OpenTheso CSV reader, the other format of the vocabularies.
"""

from pathlib import Path

import pytest

from importers import opentheso_csv
from importers.smf_lexicon import LexiconError, iter_entries, read_lines

VOCABULARIES = Path(__file__).resolve().parents[2] / "demo" / "data" / "vocabularies"
SMF = VOCABULARIES / "thesaurus-smf-2014"
TH294 = VOCABULARIES / "thesaurus-opentheso" / "th294-DOMN-concepts.csv"


def parse(text: str, **options):
    return list(iter_entries(text.splitlines(keepends=True), "test.txt", **options))


def labels(entries):
    return [(entry.label, entry.path) for entry in entries]


# --- Header ------------------------------------------------------------------------------


def test_header_lines_and_explanatory_notes_are_not_terms():
    # lexdomn.txt, lines 1-19
    text = (
        "Liste des domaines\n\nMise à jour mai 2014\n\n\n"
        "Les termes entre <>, et en gras, ne sont pas à utiliser\n\n"
        "Important : le champ domaine peut tout à fait être multivalué\n"
        "Ex : orfèvrerie ; médiéval\n"
        "Ex : métrologie – instruments de mesure ; médecine – hygiène - santé\n\n\n"
        "I. domaine par support de conservation\n"
        "\tart mobilier\n"
        "\tart pariétal\n"
    )
    notes = []
    entries = list(iter_entries(text.splitlines(), "lexdomn.txt", notes=notes))
    assert labels(entries) == [
        ("domaine par support de conservation", ()),
        ("art mobilier", ("domaine par support de conservation",)),
        ("art pariétal", ("domaine par support de conservation",)),
    ]
    assert entries[0].flags == {"heading"} and entries[0].line == 13
    assert notes[:3] == [
        "Liste des domaines",
        "Mise à jour mai 2014",
        "Les termes entre <>, et en gras, ne sont pas à utiliser",
    ]
    assert len(notes) == 6


def test_a_note_paragraph_continues_without_a_colon_and_the_list_starts_after_it():
    # lexautr.txt, lines 1-8: the 5th line has no colon but follows a note.
    text = (
        "Liste des auteurs\n\nMise à jour mai 2014\n"
        "Liste de tous les intervenants : auteurs ou exécutants (fabricants), ou commanditaires\n"
        "Un intervenant peut être une personne physique, un groupe de personnes physiques, etc\n"
        "\nA A\nA B\n"
    )
    assert labels(parse(text)) == [("A A", ()), ("A B", ())]


def test_subtitle_in_parentheses_and_a_leading_blank_line():
    # lexperi.txt lines 1-7, lexstat.txt lines 1-6
    assert labels(
        parse(
            "Liste des datations en siècle ou millénaire\n"
            "(périodes de création, d'exécution et d'utilisation)\n\n"
            "Mise à jour mai 2014\n\n\n35e millénaire av JC\n"
        )
    ) == [("35e millénaire av JC", ())]
    assert (
        parse(
            "\nListe des termes autorisés du statut juridique de l'objet\n\n"
            "Mise à jour mai 2014\n\nstatut juridique\n"
        )[0].line
        == 6
    )


# --- Indentation -------------------------------------------------------------------------


def test_levels_count_tabs_and_ignore_spaces_mixed_with_them():
    # lexrepr.txt, lines 8-12 (" thèmes" then "\t \t" ...), lexgene.txt "\t bon à tirer"
    entries = parse(
        " thèmes\n"
        "\tgenre de la représentation\n"
        "\t \tgenre iconographique\n"
        "\t \t \treprésentation humaine\n"
        "\t \t \t \tles figures\n"
        "\t bon à tirer\n"
    )
    assert [entry.depth for entry in entries] == [0, 1, 2, 3, 4, 1]
    assert entries[4].path == (
        "thèmes",
        "genre de la représentation",
        "genre iconographique",
        "représentation humaine",
    )
    assert entries[-1].path == ("thèmes",)


def test_blank_lines_do_not_close_a_branch():
    # lexstat.txt, lines 75-78
    entries = parse(
        "statut juridique\n\tpropriété publique\n\t\tpropriété du territoire\n\n"
        "mode de dépôt - affectation - attribution\n\n\n\t affectation = affecté \n"
    )
    assert labels(entries)[-1] == ("affectation", ("mode de dépôt - affectation - attribution",))
    assert entries[-1].alt_labels == ("affecté",)


def test_dash_bullets_are_one_level_below_the_tabs_in_front_of_them():
    entries = parse(
        # lexepoq.txt, lines 129-133
        "époque\n\tEgypte\n\t\t2e période intermédiaire\n"
        "\t\t\treconquête thébaine\n\t\t\t\tXVIIe dynastie = XVIIe dyn\n"
        "\t\t\t\t  - Kamose\n"
        "\t\t\t\t  - Sekhemre Oupmaat Antef l&apos;ainé\n"
        "\t\t\tépoque hyksos\n"
    )
    assert entries[5].label == "Kamose"
    assert entries[5].path[-1] == "XVIIe dynastie" and entries[5].depth == 5
    assert entries[6].label == "Sekhemre Oupmaat Antef l'ainé"  # entity decoded
    assert entries[7].path == ("époque", "Egypte", "2e période intermédiaire")


def test_bullet_before_the_tabs_and_double_dash():
    # lexsrep.txt, lines 319-323: "-   \t\tAppolodore" is an author (level 3)
    entries = parse(
        "auteur titre\n\toeuvre antique\n\t\toeuvre grecque antique\n"
        "\t\t \tAppien\n\t\t \t\tHistoire romaine d'Appien\n"
        "-   \t\tAppolodore\n\t\t \t\tBibliothèque\n"
    )
    assert labels(entries)[-2:] == [
        ("Appolodore", ("auteur titre", "oeuvre antique", "oeuvre grecque antique")),
        (
            "Bibliothèque",
            ("auteur titre", "oeuvre antique", "oeuvre grecque antique", "Appolodore"),
        ),
    ]
    # lexrepr.txt, lines 970-973: a label never starts with a hyphen
    entries = parse("la nature\n\tle temps\n\t\tmois\n\t\t\tles douze mois\n\t\t  - -janv\n")
    assert labels(entries)[-1] == ("janv", ("la nature", "le temps", "mois"))


def test_a_level_jump_is_read_as_an_outline_and_reported():
    # lexdeno.txt, lines 4612-4615 and 4658
    text = (
        "affixe\n"
        "\taffixe d'ordre\n"
        "\t\t\tordre étranger\n"
        "\t\t\t\tcroix de Guerre\n"
        "\t\t\tordre français\n"
        "\t\taffixe de typologie\n"
        "\t\t\tacv 134\n"
    )
    entries = parse(text)
    assert labels(entries)[1:] == [
        ("affixe d'ordre", ("affixe",)),
        ("ordre étranger", ("affixe", "affixe d'ordre")),
        ("croix de Guerre", ("affixe", "affixe d'ordre", "ordre étranger")),
        ("ordre français", ("affixe", "affixe d'ordre")),
        ("affixe de typologie", ("affixe", "affixe d'ordre")),
        ("acv 134", ("affixe", "affixe d'ordre", "affixe de typologie")),
    ]
    warnings = [warning for entry in entries for warning in entry.warnings]
    assert [(w.line, w.code) for w in warnings] == [(3, "level_skip"), (6, "misaligned")]
    assert "line 3" in str(warnings[0]) and "from level 1 to level 3" in str(warnings[0])

    with pytest.raises(LexiconError) as error:
        parse(text, strict=True)
    assert (error.value.line, error.value.code) == (3, "level_skip")


# --- Forms ---------------------------------------------------------------------------------


def test_equal_signs_give_the_preferred_label_then_alternative_labels():
    # lexlieux.txt line 9, lexrepr.txt with trailing space, lexdomn.txt double space
    entries = parse(
        "Afrique\n\tBasse-Egypte = Basse Egypte  = Lower Egypt\n"
        "\ten trompe-l'oeil = trompe l'oeil  = en trompe l'oeil \n"
        "\tAfrique sub-saharienne =  Afrique noire\n"
        "\tEgypte = Misr = Egypte = Misr\n"
    )
    assert [(entry.label, entry.alt_labels) for entry in entries[1:]] == [
        ("Basse-Egypte", ("Basse Egypte", "Lower Egypt")),
        ("en trompe-l'oeil", ("trompe l'oeil", "en trompe l'oeil")),
        ("Afrique sub-saharienne", ("Afrique noire",)),
        ("Egypte", ("Misr",)),  # repeated forms are dropped
    ]
    assert all(entry.warnings == () for entry in entries)


def test_employer_line_is_a_non_preferred_form_of_another_term():
    # lexstat.txt, lines 51-54
    entries = parse(
        "statut juridique\n\t mode d'acquisition\n"
        "\t\ttransfert de propriété de l'Etat = transfert  = "
        "transfert de propriété de l'Etat à titre gratuit \n"
        "\t\ttransfert de propriété de l'Etat à titre gratuit/0\t"
        "EM transfert de propriété de l'Etat \n"
        "\t\téchange\n"
    )
    em = entries[3]
    assert (em.label, em.preferred, em.use) == (
        "transfert de propriété de l'Etat à titre gratuit",
        False,
        "transfert de propriété de l'Etat",
    )
    assert em.path == ("statut juridique", "mode d'acquisition") and em.flags == {"use"}
    assert entries[2].alt_labels == (
        "transfert",
        "transfert de propriété de l'Etat à titre gratuit",
    )
    assert entries[4].path == ("statut juridique", "mode d'acquisition")


def test_bracketed_form_is_not_preferred_and_transparent_for_its_children():
    entries = parse("arts\n\t<arts graphiques>\n\t\tdessin\n\tpeinture\n")
    assert (entries[1].label, entries[1].preferred, entries[1].use) == (
        "arts graphiques",
        False,
        None,
    )
    assert entries[1].flags == {"avoid"}
    assert labels(entries)[2:] == [("dessin", ("arts",)), ("peinture", ("arts",))]
    assert entries[2].warnings == ()  # the bracketed line still counts as a level


def test_roman_numerals_sort_prefixes_stray_quotes_and_trailing_columns():
    entries = parse(
        "IV domaine disciplinaire\n"  # lexdomn.txt line 139
        "01 oeuvre reproduite\n"  # lexgene.txt line 131
        '"; ROUBION-CARTERET Marie"\n'  # lexautr.txt line 26851
        "C A B\n"  # lexautr.txt line 4734: capitals are initials, not a numeral
        "\tDy 5\t\t\t  -1\n"  # lexdeno.txt line 4721
        "01-juin\n"  # lexautr.txt line 16130: kept as written
    )
    assert [(entry.label, entry.flags) for entry in entries] == [
        ("domaine disciplinaire", {"heading"}),
        ("oeuvre reproduite", {"prefix"}),
        ("ROUBION-CARTERET Marie", frozenset()),
        ("C A B", frozenset()),
        ("Dy 5", frozenset()),
        ("01-juin", frozenset()),
    ]
    assert [w.code for w in entries[4].warnings] == ["trailing_text"]
    assert entries[4].warnings[0].params["rest"] == "-1"


def test_question_mark_affix_is_a_term():
    # lexperi.txt, lines 348-349
    assert labels(parse("affixe\n\t?\n")) == [("affixe", ()), ("?", ("affixe",))]


# --- Errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("\tpeinture\n", 1, "orphan"),
        ("Liste des domaines\n\n\t\tpeinture\n", 3, "orphan"),
        ("peinture\n\thuile = \n", 2, "empty_label"),
        ("peinture\n\t= huile\n", 2, "empty_label"),
        ("peinture\n\thuile =  = toile\n", 2, "empty_label"),
        ("peinture\n\t<huile\n", 2, "brackets"),
        ("peinture\n\t<huile> = toile\n", 2, "brackets"),
        ("peinture\n\t<>\n", 2, "empty_label"),
        ("peinture\n\thuile/0\tEM \n", 2, "empty_use"),
    ],
)
def test_malformed_lines_raise_with_the_line_number(text, line, code):
    with pytest.raises(LexiconError) as error:
        parse(text)
    assert (error.value.source, error.value.line, error.value.code) == ("test.txt", line, code)
    assert str(error.value).startswith(f"test.txt, line {line}: ")


def test_invalid_utf8_is_reported_with_its_line():
    lines = [b"statut juridique\n", b"\tdon\n", "\tlegs \xe0 vie\n".encode("latin-1")]
    with pytest.raises(LexiconError) as error:
        list(iter_entries(lines, "lexstat.txt"))
    assert (error.value.line, error.value.code) == (3, "encoding")
    assert "UTF-8" in str(error.value)


def test_entries_are_streamed():
    def lines():
        yield "peinture\n"
        yield "\thuile\n"
        raise AssertionError("read too far")

    entries = iter_entries(lines())
    assert next(entries).label == "peinture"
    assert next(entries).label == "huile"


def test_bytes_with_bom_and_crlf():
    lines = ["\ufeffListe des rôles\r\n".encode(), b"\r\n", "rôle\r\n".encode(), b"\tpeintre\r\n"]
    assert labels(iter_entries(lines)) == [("rôle", ()), ("peintre", ("rôle",))]


# --- The real files ----------------------------------------------------------------------------

# term lines = non-blank lines from the first term on: `tail -n +FIRST lexX.txt | grep -c '\S'`
REAL_FILES = {
    "lexautr.txt": (7, 32379),
    "lexautrole.txt": (6, 231),
    "lexdecv.txt": (7, 2683),
    "lexdeno.txt": (6, 5233),
    "lexdomn.txt": (17, 142),
    "lexecol.txt": (6, 447),
    "lexepoq.txt": (5, 812),
    "lexgene.txt": (6, 145),
    "lexinsc.txt": (5, 260),
    "lexlieux.txt": (6, 3310),
    "lexperi.txt": (7, 343),
    "lexrepr.txt": (8, 15652),
    "lexsrep.txt": (5, 1762),
    "lexstat.txt": (6, 89),
    "lextech.txt": (6, 3066),
    "lexutil.txt": (6, 1242),
}
REAL_WARNINGS = {
    "lexdeno.txt": [(4613, "level_skip"), (4658, "misaligned")]
    + [(line, "trailing_text") for line in (4686, 4716, 4721, 4771, 4779, 4782, 4919, 4922, 4926)],
    "lexperi.txt": [(204, "level_skip"), (267, "misaligned")],
    "lexrepr.txt": [(13004, "level_skip"), (13005, "misaligned")],
}


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_every_line_of_the_real_files_is_read(name):
    first_line, count = REAL_FILES[name]
    entries = list(iter_entries(read_lines(SMF / name), name))
    assert len(entries) == count
    assert entries[0].line == first_line and entries[0].depth == 0
    warnings = [(w.line, w.code) for entry in entries for w in entry.warnings]
    assert warnings == REAL_WARNINGS.get(name, [])
    assert all(entry.label and not entry.label.startswith(("-", " ")) for entry in entries)
    non_preferred = [entry.line for entry in entries if not entry.preferred]
    assert non_preferred == ([53] if name == "lexstat.txt" else [])
    headings = [entry.label for entry in entries if "heading" in entry.flags]
    assert len(headings) == (4 if name == "lexdomn.txt" else 0)


# --- OpenTheso CSV -----------------------------------------------------------------------------


def test_opentheso_export_splits_alternative_labels_on_pipes():
    concepts = list(opentheso_csv.iter_concepts(opentheso_csv.read_lines(TH294), "th294"))
    assert len(concepts) == 152  # `tail -n +2 th294-DOMN-concepts.csv | grep -c .`
    by_id = {concept.id: concept for concept in concepts}
    assert by_id["T51-81"].alt_labels == ("Moyen Age", "Moyen-Age", "moyen âge", "moyen-âge")
    assert by_id["T51-81"].broader_id == "T51-76" and by_id["T51-81"].line == 109
    assert by_id["T51-1"].broader_id is None and by_id["T51-1"].alt_labels == ()


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("id,prefLabel,altLabels,broader_id\n", 1, "header"),
        ("id;prefLabel;altLabels;broader_id\nT1;a;;\nT1;b;;\n", 3, "duplicate"),
        ("id;prefLabel;altLabels;broader_id\nT1;a;;;\n", 2, "columns"),
        ("id;prefLabel;altLabels;broader_id\nT1;;;\n", 2, "empty"),
    ],
)
def test_opentheso_malformed(text, line, code):
    with pytest.raises(opentheso_csv.OpenthesoError) as error:
        list(opentheso_csv.iter_concepts(text.splitlines(keepends=True), "th.csv"))
    assert (error.value.line, error.value.code) == (line, code)
