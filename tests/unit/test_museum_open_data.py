"""Reading the demo's open data: real records of the MoMA, Tate and image files (no Django)."""

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from importers import museum_open_data as od
from importers import opentheso_csv, smf_lexicon
from museum_collections.text import match_key

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
OPEN_DATA = DATA / "museum-open-data"
VOCABULARIES = DATA / "vocabularies"


@pytest.fixture(scope="module")
def moma():
    return list(od.read_moma_objects(OPEN_DATA / od.MOMA_FILE))


@pytest.fixture(scope="module")
def moma_raw():
    return [json.loads(line) for line in (OPEN_DATA / od.MOMA_FILE).read_text().splitlines()]


@pytest.fixture(scope="module")
def tate():
    return {a.acno: a for a in od.read_tate_artworks(OPEN_DATA / od.TATE_ARTWORKS_DIR)}


@pytest.fixture(scope="module")
def tate_artists():
    return list(od.read_tate_artists(OPEN_DATA / od.TATE_ARTISTS_FILE))


def dims(parsed):
    return [(v.kind, v.value, v.unit, v.part) for v in parsed.values]


# --------------------------------------------------------------------------- MoMA


def test_the_first_moma_object_is_otto_wagners_bridge_drawing(moma):
    assert len(moma) == 2000 and not [m for m in moma if isinstance(m, od.BadRecord)]
    wagner = moma[0]
    assert (wagner.line, wagner.inventory_number, wagner.date) == (1, "885.1996", "1896")
    assert wagner.title.startswith("Ferdinandsbrücke Project, Vienna")
    assert wagner.date_acquired == "1996-04-09"
    assert wagner.url == "http://www.moma.org/collection/works/2"
    [artist] = wagner.artists
    assert (artist.source_ref, artist.name, artist.surname, artist.forenames) == (
        "moma-artist:6210",
        "Otto Wagner",
        "Wagner",
        "Otto",
    )
    assert (artist.nationality, artist.birth_date, artist.death_date) == (
        "Austrian",
        "1841",
        "1918",
    )


def test_moma_artist_ids_belong_to_the_first_artist_and_follow_the_name_elsewhere(moma, moma_raw):
    eames = [m for m in moma if m.artist_text == "Charles Eames, Ray Eames"]
    assert eames, "the sample has Charles and Ray Eames"
    charles, ray = eames[0].artists
    assert charles.source_ref == "moma-artist:1671"
    assert ray.source_ref == "moma-artist-name:ray-eames"
    assert (ray.birth_date, ray.death_date) == ("1912", "1988")
    # Most objects carry no ArtistID: the name of an artist seen with an id elsewhere gets it.
    without_id = [r for r in moma_raw if "ArtistID" not in r and r["Artist"] == "Charles Eames"]
    refs = {a.source_ref for m in moma if m.artist_text == "Charles Eames" for a in m.artists}
    assert refs == ({"moma-artist:1671"} if without_id else refs)


@pytest.mark.parametrize(
    "artist, bio, expected",
    [
        # a firm with its place: one maker, the place kept as a note
        (
            "Kensington, Inc., New Kensington, PA",
            "",
            [("Kensington, Inc.", "New Kensington, PA", "")],
        ),
        (
            "Daum Frères, Nancy, France",
            "(French, established 1875)",
            [("Daum Frères", "Nancy, France", "")],
        ),
        ("Henry Wessel, Jr.", "(American, born 1942)", [("Henry Wessel, Jr.", "", "1942")]),
        # one bio for three names: MoMA's bio describes the first constituent
        (
            "Marc Chagall, David Bergelson, Dvorye Chorol",
            "(French, born Belarus. 1887–1985)",
            [("Marc Chagall", "", "1887"), ("David Bergelson", "", ""), ("Dvorye Chorol", "", "")],
        ),
        # anonymous and collective credits are no makers
        ("Unknown photographer", "", []),
        ("Unknown photographer, Various Unknown Artists", "", []),
    ],
)
def test_moma_artist_fields_split_into_makers(moma_raw, artist, bio, expected):
    assert any(r["Artist"] == artist and r["ArtistBio"] == bio for r in moma_raw), "a real record"
    got = [(name, place, b.birth_date) for name, place, b in od.split_moma_artists(artist, bio)]
    assert got == expected


def test_several_bios_for_more_names_are_not_guessed(moma_raw):
    record = next(r for r in moma_raw if r["Artist"].startswith("Viktor Bart, Natalia Goncharova"))
    makers = od.split_moma_artists(record["Artist"], record["ArtistBio"])
    assert [name for name, _, _ in makers] == [
        "Viktor Bart",
        "Natalia Goncharova",
        "Mikhail Larionov",
        "Aleksandr Shevchenko",
        "Illarion Skuie",
    ]  # 'Anonymous Child' is no maker
    assert all(bio == od.Bio() for _, _, bio in makers)


@pytest.mark.parametrize(
    "group, expected",
    [
        ("Austrian, 1841–1918", od.Bio("Austrian", "1841", "1918")),
        ("American, born 1947", od.Bio("American", "1947")),
        (
            "French and Swiss, born Switzerland 1944",
            od.Bio("French and Swiss", "1944", "", "Switzerland"),
        ),
        ("German, born Russia. 1901–1995", od.Bio("German", "1901", "1995", "Russia")),
        (
            "French, born Germany (Alsace). 1886–1966",
            od.Bio("French", "1886", "1966", "Germany (Alsace)"),
        ),
        ("Croatian, born Yugoslavia, 1947", od.Bio("Croatian", "1947", "", "Yugoslavia")),
        ("Iraqi, born ca. 1945", od.Bio("Iraqi", "ca. 1945")),
        ("American,1924–2013", od.Bio("American", "1924", "2013")),
        ("1886–1917", od.Bio("", "1886", "1917")),
        ("Italian", od.Bio("Italian")),
        ("Nationality unknown", od.Bio()),
        ("Various", od.Bio()),
        ("founded 1989", od.Bio(organisation=True, note="founded 1989")),
        ("UK, est. 1960", od.Bio("UK", organisation=True, note="est. 1960")),
        ("Japanese, active 1963–64", od.Bio("Japanese", note="active 1963–64")),
    ],
)
def test_moma_bios(moma_raw, group, expected):
    groups = {g for r in moma_raw for g in od.bio_groups(r["ArtistBio"])}
    assert group in groups, "a real bio"
    assert od.parse_moma_bio(group) == expected


def test_nested_brackets_in_a_bio_stay_in_their_group():
    assert od.bio_groups("(French, born Germany (Alsace). 1886–1966) (Swiss)") == [
        "French, born Germany (Alsace). 1886–1966",
        "Swiss",
    ]


# --------------------------------------------------------------------------- Tate artists


def test_tate_artists_file_with_its_bom(tate_artists):
    assert len(tate_artists) == 3532
    first = tate_artists[0]
    assert first.source_ref == "tate-artist:10093"  # not "\ufeffid" trouble
    assert (first.name, first.surname, first.forenames) == (
        "Magdalena Abakanowicz",
        "Abakanowicz",
        "Magdalena",
    )
    assert (first.birth_date, first.birth_place) == ("1930", "Polska")
    by_ref = {a.source_ref: a for a in tate_artists}
    turner = by_ref["tate-artist:558"]
    assert (turner.name, turner.birth_date, turner.death_date, turner.death_place) == (
        "Joseph Mallord William Turner",
        "1775",
        "1851",
        "Chelsea, United Kingdom",
    )


@pytest.mark.parametrize(
    "raw, name, surname, forenames, kind",
    [
        ("Abbey, Edwin Austin", "Edwin Austin Abbey", "Abbey", "Edwin Austin", "person"),
        ("Holbein, Hans, the Younger", "Hans Holbein the Younger", "Holbein", "Hans", "person"),
        ("Barker, Thomas, of Bath", "Thomas Barker of Bath", "Barker", "Thomas", "person"),
        (
            "Millais, Sir John Everett, Bt",
            "Sir John Everett Millais, Bt",
            "Millais",
            "Sir John Everett",
            "person",
        ),
        (
            "Aylesford, Heneage Finch, Fourth Earl of",
            "Heneage Finch, Fourth Earl of Aylesford",
            "Aylesford",
            "Heneage Finch",
            "person",
        ),
        ("Gogh, Vincent van", "Vincent van Gogh", "Gogh", "Vincent van", "person"),
        ("Canaletto", "Canaletto", "Canaletto", "", "person"),
        ("Art & Language (Ian Burn)", "Art & Language (Ian Burn)", "", "", "organisation"),
        ("Gilbert & George", "Gilbert & George", "", "", "organisation"),
        ("Atlas Group", "Atlas Group", "", "", "organisation"),
        ("British School 18th century", "British School 18th century", "", "", "organisation"),
    ],
)
def test_tate_names(tate_artists, raw, name, surname, forenames, kind):
    matches = [a for a in tate_artists if a.name == name]
    assert matches, f"{raw!r} is a real row"
    artist = matches[0]
    assert (artist.surname, artist.forenames, artist.kind) == (surname, forenames, kind)


@pytest.mark.parametrize(
    "dates, expected",
    [
        ("1852–1911", ("1852", "1911", "")),
        ("1923 – 2013", ("1923", "2013", "")),
        ("c.1630–1665", ("c.1630", "1665", "")),
        ("?1626–1704", ("?1626", "1704", "")),
        ("1734 or 5–1786", ("1734 or 5", "1786", "")),
        ("1903–63", ("1903", "1963", "")),
        ("born 1930", ("1930", "", "")),
        ("died c.1860", ("", "c.1860", "")),
        ("active 1787–1808", ("", "", "Dates: active 1787–1808")),
        ("19th century", ("", "", "Dates: 19th century")),
    ],
)
def test_tate_life_dates_as_written(dates, expected):
    assert od.tate_life_dates(dates, "", "") == expected


# --------------------------------------------------------------------------- dimensions


@pytest.mark.parametrize(
    "text, expected, note",
    [
        (
            '19 1/8 x 66 1/2" (48.6 x 168.9 cm)',
            [("height", Decimal("48.6"), "cm", ""), ("width", Decimal("168.9"), "cm", "")],
            "",
        ),
        (
            'plate: 13 1/16 x 8 1/4" (33.2 x 20.9 cm); sheet: 22 7/16 x 15 1/16" (57 x 38.2 cm)',
            [
                ("height", Decimal("33.2"), "cm", "cuvette"),
                ("width", Decimal("20.9"), "cm", "cuvette"),
                ("height", Decimal("57"), "cm", "feuille"),
                ("width", Decimal("38.2"), "cm", "feuille"),
            ],
            "",
        ),
        (
            'irreg. composition  1 1/16 x 1 1/4" (2.7 x 3.1 cm)',
            [
                ("height", Decimal("2.7"), "cm", "composition irrégulière"),
                ("width", Decimal("3.1"), "cm", "composition irrégulière"),
            ],
            "",
        ),
        (
            '29 3/4 × 19 7/16" (75.6 × 49.4 cm)',
            [("height", Decimal("75.6"), "cm", ""), ("width", Decimal("49.4"), "cm", "")],
            "",
        ),
        (
            'composition: 35 5/8 x 24 15/16" (90.5 x 63.3cm); sheet: 41 1/2 x 29 11/16" (105.4 x 75.4cm)',
            [
                ("height", Decimal("90.5"), "cm", "composition"),
                ("width", Decimal("63.3"), "cm", "composition"),
                ("height", Decimal("105.4"), "cm", "feuille"),
                ("width", Decimal("75.4"), "cm", "feuille"),
            ],
            "",
        ),
        (
            '6 1/4 x 6 3/4 x 1 5/8" (15.9 x 17.2 x 4.2 cm)',
            [
                ("height", Decimal("15.9"), "cm", ""),
                ("width", Decimal("17.2"), "cm", ""),
                ("depth", Decimal("4.2"), "cm", ""),
            ],
            "",
        ),
        (
            'h. 20" (50.8 cm), diam. 28" (71.1 cm)',
            [("height", Decimal("50.8"), "cm", ""), ("diameter", Decimal("71.1"), "cm", "")],
            "",
        ),
        ("74 min.", [], "74 min."),
        (
            'page  6 15/16 x 6 15/16" (17 x 17.7 cm)\r\nPrints:  various dimensions.',
            [("height", Decimal("17"), "cm", "page"), ("width", Decimal("17.7"), "cm", "page")],
            "Prints: various dimensions.",
        ),
    ],
)
def test_moma_dimensions(moma_raw, text, expected, note):
    assert text in {r["Dimensions"] for r in moma_raw}, "a real dimension string"
    parsed = od.parse_moma_dimensions(text)
    assert dims(parsed) == expected
    assert parsed.note == note


def test_most_moma_dimensions_parse(moma):
    with_dimensions = [m for m in moma if m.dimensions]
    parsed = [od.parse_moma_dimensions(m.dimensions) for m in with_dimensions]
    complete = sum(1 for p in parsed if p.values and not p.unparsed)
    assert complete / len(with_dimensions) > 0.8


def test_tate_dimensions_follow_the_text_not_the_swapped_height_and_width_fields(tate):
    blake = tate["A00001"]
    assert blake.dimensions == "support: 394 x 419 mm"
    raw = json.loads((OPEN_DATA / od.TATE_ARTWORKS_DIR / blake.file).read_text())
    assert (raw["height"], raw["width"]) == ("419", "394")  # tategallery/collection#35
    assert dims(od.parse_tate_dimensions(blake.dimensions)) == [
        ("height", Decimal("394"), "mm", "support"),
        ("width", Decimal("419"), "mm", "support"),
    ]


@pytest.mark.parametrize(
    "acno, expected, note",
    [
        (
            "AR00333",
            [
                ("height", Decimal("738"), "mm", "support"),
                ("width", Decimal("509"), "mm", "support"),
                ("height", Decimal("807"), "mm", "avec cadre"),
                ("width", Decimal("575"), "mm", "avec cadre"),
                ("depth", Decimal("38"), "mm", "avec cadre"),
            ],
            "",
        ),
        (
            "P07648",
            [
                ("height", Decimal("173"), "mm", "image"),
                ("width", Decimal("270"), "mm", "image"),
                ("height", Decimal("280"), "mm", "support"),
                ("width", Decimal("385"), "mm", "support"),
            ],
            "",
        ),
        (
            "T06676",
            [
                ("height", Decimal("230"), "mm", ""),
                ("width", Decimal("455"), "mm", ""),
                ("depth", Decimal("189"), "mm", ""),
                ("weight", Decimal("11.1"), "kg", ""),
            ],
            "",
        ),
        ("T12043", [("height", Decimal("340"), "mm", ""), ("width", Decimal("240"), "mm", "")], ""),
        ("P09118", [], "unconfirmed: 502 x 698 mm"),
        ("T12509", [], "960 x 2080 x 800 mm (approx display dimensions)"),
    ],
)
def test_tate_dimensions(tate, acno, expected, note):
    parsed = od.parse_tate_dimensions(tate[acno].dimensions)
    assert dims(parsed) == expected
    assert parsed.note == note


# --------------------------------------------------------------------------- media


@pytest.mark.parametrize(
    "medium, techniques, materials",
    [
        ("Oil paint on canvas", ("peinture à l'huile",), ("toile",)),
        ("Oil on canvas", ("peinture à l'huile",), ("toile",)),
        ("Gelatin silver print", ("gélatino-bromure d'argent",), ()),
        ("Photograph, gelatin silver print on paper", ("gélatino-bromure d'argent",), ("papier",)),
        ("Albumen silver print", ("papier albuminé",), ()),
        ("Lithograph, printed in black", ("lithographie",), ()),
        ("Gelatin silver print, printed 1968", ("gélatino-bromure d'argent",), ()),
        ("Etching and aquatint on paper", ("eau-forte", "aquatinte"), ("papier",)),
        ("Pencil on tracing paper", ("mine de plomb",), ("papier calque",)),
        ("Graphite and watercolour on paper", ("graphite", "aquarelle"), ("papier",)),
        ("Pen and ink on paper", ("plume", "encre"), ("papier",)),
        ("Ink, watercolour and graphite on paper", ("encre", "aquarelle", "graphite"), ("papier",)),
        ("Wood engraving, printed in black", ("bois de bout",), ()),
        ("Screenprint", ("sérigraphie",), ()),
        ("Glass", (), ("verre",)),
        ("Offset lithograph", ("lithographie",), ()),
    ],
)
def test_media_mapped_to_tech_terms(moma, tate, medium, techniques, materials):
    media = {m.medium for m in moma} | {a.medium for a in tate.values()}
    assert medium in media, "a real medium"
    assert od.map_medium(medium) == od.MediumTerms(techniques, materials)


@pytest.mark.parametrize(
    "medium",
    [
        "Ink and cut-and-pasted painted pages on paper",  # collage: not understood completely
        "Video (color, sound)",
        "35mm film",
        "Poster",
        "Watercolour, ink, chalk and graphite on paper. Verso: graphite on paper",
        "Drypoint, with hand additions",
        "Oil paint on canvas on board",
        "Bronze",  # would resolve to the technique "bronzé"
        "",
    ],
)
def test_media_not_fully_understood_give_no_terms(medium):
    assert od.map_medium(medium) is None


def test_the_25_most_frequent_media_are_mapped_except_film_video_and_posters(moma, tate):
    counts = Counter(m.medium for m in [*moma, *tate.values()] if m.medium)
    top = [medium for medium, _ in counts.most_common(25)]
    unmapped = [medium for medium in top if od.map_medium(medium) is None]
    assert unmapped == ["Video (color, sound)", "35mm film", "Poster"]


# --------------------------------------------------------------------------- vocabularies


def _smf_labels(name):
    labels = set()
    path = VOCABULARIES / "thesaurus-smf-2014" / name
    for entry in smf_lexicon.iter_entries(smf_lexicon.read_lines(path), name):
        labels.update((entry.label, *entry.alt_labels))
    return labels


def test_every_french_term_the_mapping_uses_is_in_the_real_vocabularies(moma, tate):
    domains, denominations, roles = set(), set(), set()
    classified = [od.moma_classification(m.department, m.classification, m.medium) for m in moma]
    classified += [od.tate_classification(a.classification, a.medium) for a in tate.values()]
    rows = list(od.read_image_rows(DATA / "images" / od.IMAGES_FILE))
    classified += [od.image_classification(row) for row in rows]
    for c in classified:
        domains.update(c.domains)
        denominations.update(c.denominations)
        roles.update([c.role] if c.role else [])
    tech = {t for pair in od.MEDIUM_TERMS.values() for terms in pair for t in terms}
    tech |= set(od.SUPPORT_TERMS.values())
    for details in od.OWN_COLLECTION.values():
        tech |= {*details["materials"], *details["techniques"]}

    th294 = VOCABULARIES / "thesaurus-opentheso" / "th294-DOMN-concepts.csv"
    domn = {
        label
        for concept in opentheso_csv.iter_concepts(opentheso_csv.read_lines(th294))
        for label in (concept.pref_label, *concept.alt_labels)
    }
    assert domains - domn == set()
    assert denominations - _smf_labels("lexdeno.txt") == set()
    assert roles - _smf_labels("lexautrole.txt") == set()
    assert tech - _smf_labels("lextech.txt") == set()
    assert set(od.TATE_SUBJECTS.values()) - _smf_labels("lexrepr.txt") == set()
    periods = {p for details in od.OWN_COLLECTION.values() for p in details["periods"]}
    assert periods - _smf_labels("lexperi.txt") == set()
    assert {"peinture", "photographie", "estampe", "dessin", "architecture"} <= domains
    assert {
        "peintre",
        "photographe",
        "graveur",
        "lithographe",
        "dessinateur",
        "architecte",
    } <= roles


def test_tech_terms_resolve_to_a_material_or_a_technique_as_intended():
    """TECH holds materials and techniques; keys ignore accents and case, and the concept
    loaded first wins (broader terms first, then file order). A material must not land on
    a technique of the same spelling ("bronze" -> "bronzé"), nor the other way round."""
    path = VOCABULARIES / "thesaurus-smf-2014" / "lextech.txt"
    first: dict[str, tuple] = {}
    alternative: dict[str, tuple] = {}
    for entry in smf_lexicon.iter_entries(smf_lexicon.read_lines(path), "lextech.txt"):
        if not entry.preferred:
            continue
        top = entry.path[0] if entry.path else entry.label
        rank = (entry.depth, entry.line, entry.label, top)
        key = match_key(entry.label)
        first[key] = min(first.get(key, rank), rank)
        for alt in entry.alt_labels:
            alternative[match_key(alt)] = min(alternative.get(match_key(alt), rank), rank)

    def branch(label):
        _depth, _line, _label, top = first.get(match_key(label)) or alternative[match_key(label)]
        return top.split()[0]

    materials = {m for _, ms in od.MEDIUM_TERMS.values() for m in ms}
    materials |= set(od.SUPPORT_TERMS.values())
    techniques = {t for ts, _ in od.MEDIUM_TERMS.values() for t in ts}
    assert {m: branch(m) for m in materials if branch(m) != "matériau"} == {}
    assert {t: branch(t) for t in techniques if branch(t) != "technique"} == {}


@pytest.mark.parametrize(
    "department, classification, medium, expected",
    [
        (
            "Photography",
            "Photograph",
            "Gelatin silver print",
            od.Classification(("photographie",), ("tirage photographique",), "photographe"),
        ),
        (
            "Prints & Illustrated Books",
            "Print",
            "Lithograph",
            od.Classification(("estampe",), (), "lithographe"),
        ),
        (
            "Prints & Illustrated Books",
            "Print",
            "Etching",
            od.Classification(("estampe",), (), "graveur"),
        ),
        (
            "Painting & Sculpture",
            "Painting",
            "Oil on canvas",
            od.Classification(("peinture",), ("tableau",), "peintre"),
        ),
        (
            "Architecture & Design",
            "A&D Architectural Drawing",
            "Graphite on paper",
            od.Classification(("architecture", "dessin"), (), "architecte"),
        ),
        (
            "Architecture & Design",
            "A&D Graphic Design",
            "Poster",
            od.Classification(("design", "imprimé"), ("affiche",), "affichiste"),
        ),
    ],
)
def test_moma_departments_and_classifications(moma, department, classification, medium, expected):
    assert any(
        (m.department, m.classification, m.medium) == (department, classification, medium)
        for m in moma
    )
    assert od.moma_classification(department, classification, medium) == expected


def test_tate_record_with_subjects(tate):
    warhol = tate["AR00333"]
    assert (warhol.title, warhol.date_text, warhol.acquisition_year) == (
        "Andy Warhol",
        "1982",
        "2009",
    )
    assert warhol.credit_line.startswith("ARTIST ROOMS Acquired jointly")  # CRLF made a space
    [contributor] = warhol.contributors
    assert (contributor.person.source_ref, contributor.person.name, contributor.role) == (
        "tate-artist:2121",
        "Andy Warhol",
        "artist",
    )
    assert od.tate_classification(warhol.classification, warhol.medium) == od.Classification(
        ("estampe",), (), "lithographe"
    )
    assert od.map_tate_subjects(warhol.subjects) == ("homme", "autoportrait", "téléphone")
    assert tate["A00001"].date_text == ""  # 'date not known' is no date
    after = tate["T04596"].contributors[0]
    assert (after.role, after.person.name) == ("after", "Joseph Mallord William Turner")


# --------------------------------------------------------------------------- images


def test_image_rows():
    rows = list(od.read_image_rows(DATA / "images" / od.IMAGES_FILE))
    assert len(rows) == 83 and [r.number for r in rows] == list(range(1, 84))
    denis = next(r for r in rows if r.file == "denis_le-mystere-catholique.jpg")
    assert (denis.number, denis.title, denis.artist, denis.date) == (
        69,
        "Le Mystère catholique",
        "Maurice Denis",
        "1889",
    )
    assert (denis.rights, denis.author_death_year) == ("public_domain", 1943)
    gauguin = next(r for r in rows if r.file == "gauguin_mahana-no-atua.jpg")
    assert (gauguin.rights, gauguin.accession_number) == ("cc0", "1926.198")
    assert sum(1 for r in rows if r.accession_number) == 7
    assert {r.rights for r in rows} == {"public_domain", "cc0"}
    melencolia = next(r for r in rows if r.file == "durer_melencolia-i.jpg")
    assert od.image_classification(melencolia) == od.Classification(("estampe",), (), "graveur")


@pytest.mark.parametrize(
    "name, surname, forenames",
    [
        ("Otto Wagner", "Wagner", "Otto"),
        ("Vincent van Gogh", "van Gogh", "Vincent"),
        ("Hans Holbein the Younger", "Holbein", "Hans"),
        ("Ludwig Mies van der Rohe", "van der Rohe", "Ludwig Mies"),
        ("Jean-Auguste-Dominique Ingres", "Ingres", "Jean-Auguste-Dominique"),
        ("Élisabeth Louise Vigée Le Brun", "Vigée Le Brun", "Élisabeth Louise"),
        ("Caravaggio", "Caravaggio", ""),
    ],
)
def test_display_names_split(name, surname, forenames):
    assert od.split_display_name(name) == (surname, forenames)


def test_a_broken_json_line_is_reported_with_its_line_number(tmp_path):
    path = tmp_path / od.MOMA_FILE
    lines = (OPEN_DATA / od.MOMA_FILE).read_text().splitlines()[:3]
    path.write_text("\n".join([lines[0], '{"Title": "cut', lines[2]]) + "\n")
    records = list(od.read_moma_objects(path))
    assert [type(r).__name__ for r in records] == ["MomaObject", "BadRecord", "MomaObject"]
    assert (records[1].record, records[1].field) == ("line 2", "(JSON)")
    assert od.MOMA_FILE in str(records[1])
