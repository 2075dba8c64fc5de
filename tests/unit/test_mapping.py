"""importers.mapping: the shipped mappings on their real files, the TOML format and its checks."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from importers import mapping as mapping_module
from importers.mapping import Mapping, MappingError, load_mapping, parse_number, source_format
from importers.records import (
    DimensionRecord,
    MakerRecord,
    ObjectRecord,
    RejectedRecord,
    SourceFileError,
)

DATA = Path(__file__).resolve().parent.parent / "data"
MAPPINGS = Path(__file__).resolve().parents[2] / "importers" / "mappings"
BELL = DATA / "filemaker" / "fmpxmlresult_bell_gallery_subset-a_raw.xml"
CITATIONS = DATA / "filemaker" / "fmpdsoresult_isiscb_chunked_citation.xml"
TATE = DATA / "museum-open-data" / "edge-cases" / "tate_artwork_data_2013-10-10_truncated.csv"
MALFORMED = DATA / "malformed-objects"


def read_all(rules: Mapping, path):
    """Everything read before the end, and the SourceFileError that ended it (or None)."""
    items = []
    try:
        for item in rules.read(path):
            items.append(item)
    except SourceFileError as error:
        return items, error
    return items, None


def write_mapping(tmp_path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_mappings_are_these_three_and_load():
    assert sorted(p.name for p in MAPPINGS.glob("*.toml")) == [
        "bell_gallery.toml",
        "isiscb_citation.toml",
        "tate_artworks_csv.toml",
    ]
    for path in MAPPINGS.glob("*.toml"):
        assert isinstance(load_mapping(path), Mapping)


# --------------------------------------------------------------------------- Bell Gallery


@pytest.fixture(scope="module")
def bell():
    records, error = read_all(load_mapping(MAPPINGS / "bell_gallery.toml"), BELL)
    assert error is None
    return records


def test_bell_gallery_gives_46_works(bell):
    assert len(bell) == 46 and all(isinstance(r, ObjectRecord) for r in bell)
    assert len({r.inventory_number for r in bell}) == 46
    first = bell[0]
    assert (first.file, first.record_number, first.inventory_number) == (str(BELL), 1, "SC 1986.63")
    assert first.fields == {
        "title": "Split Chess Pieces",
        "creation_date": "1973",
        "credit_line": "Gift of Dr. and Mrs. Jack L. Solomon",
        "description": "Medium: Cast acrylic (multiple)\nSeries: To and for Rose Selavy",
    }
    assert first.terms == {"domains": ["sculpture"], "techniques": ["Acrylic"]}
    assert first.makers == [
        MakerRecord(
            name="Armand Fernandez",
            surname="Fernandez",
            forenames="Armand",
            birth_date="1928",
            nationality="American",
            note="alias: Arman",
        )
    ]
    assert first.numbers == [("2", "source", "Bell Gallery object_id")]
    assert first.links == [] and first.warnings == [] and first.legal_status == {}
    assert "is_public" not in first.fields  # --publish decides


def test_bell_raw_keeps_every_column_as_read(bell):
    first = bell[0]
    assert len(first.raw) == 37
    assert first.raw["ARTISTS::calc_artist_full_name"] == "Arman (Armand Fernandez)"
    assert first.raw["@RECORDID"] == "399"
    assert first.raw["image_height"] == ""  # <COL><DATA></DATA></COL>
    assert bell[4].raw["SERIES::series_name"] == ""  # <COL></COL>
    assert bell[18].raw["MEDIA_SUB::sub_media_name"] == ["Glass  ", "Dye transfer print"]


def test_bell_artists_are_zipped_across_the_related_columns(bell):
    cocteau = bell[18]
    assert cocteau.inventory_number == "SC 1966.6548"
    assert cocteau.makers == [
        MakerRecord(
            name="Jean Cocteau",
            surname="Cocteau",
            forenames="Jean",
            birth_date="1889",
            death_date="1963",
            nationality="French",
        ),
        MakerRecord(
            name="Egidio Constantini",
            surname="Constantini",
            forenames="Egidio",
            birth_date="1912",
            death_date="2007",
            nationality="Italian",
            role="executed by",
        ),
    ]
    assert cocteau.terms["techniques"] == ["Glass", "Dye transfer print"]  # spaces trimmed
    ernst = bell[19]
    assert [(m.name, m.birth_date, m.nationality) for m in ernst.makers] == [
        ("Max Ernst", "1891", "German"),
        ("G. Carli", "", ""),
    ]
    assert sum(len(r.makers) == 2 for r in bell) == 2
    assert all(len(r.makers) == 1 for r in bell if r not in (cocteau, ernst))


def test_bell_media_are_translated_to_joconde_domains(bell):
    domains = Counter(term for r in bell for term in r.terms["domains"])
    assert domains == {"sculpture": 39, "estampe": 3, "photographie": 2, "dessin": 1, "imprimé": 1}
    assert next(r for r in bell if r.inventory_number == "B 2013.1").terms["domains"] == ["imprimé"]


@pytest.mark.parametrize(
    "number, dimensions",
    [
        # 16 x 7 x 1.125 in
        ("SC 1986.63", [("height", "40.64"), ("width", "17.78"), ("depth", "2.86")]),
        # 8.75 x 2.1875 x 4.375 in: 22.225 rounds half up
        ("SC 1977.1167", [("height", "22.23"), ("width", "5.56"), ("depth", "11.11")]),
        # "23 1/2" x 16 x 1 in
        ("B 2013.1", [("height", "59.69"), ("width", "40.64"), ("depth", "2.54")]),
        ("SC 1966.6550", [("height", "57.15")]),  # 22.5 in, width and depth empty
        ("SC 1991.7.1", []),
    ],
)
def test_bell_inches_become_centimetres(bell, number, dimensions):
    record = next(r for r in bell if r.inventory_number == number)
    assert record.dimensions == [
        DimensionRecord(kind, Decimal(value), "cm") for kind, value in dimensions
    ]


def test_the_bell_mapping_on_broken_and_unsafe_exports():
    rules = load_mapping(MAPPINGS / "bell_gallery.toml")
    records, error = read_all(rules, MALFORMED / "bell_gallery_broken_row.xml")
    assert error is None and len(records) == 46
    (rejected,) = [r for r in records if isinstance(r, RejectedRecord)]
    assert (rejected.record_number, rejected.field) == (5, "")
    assert str(rejected) == (
        f"{MALFORMED / 'bell_gallery_broken_row.xml'}, record 5: 35 COL elements for 36 fields "
        "(RECORDID 403): the row is broken; export it again"
    )
    for name in ("filemaker_xxe.xml", "filemaker_entity_bomb.xml"):
        records, error = read_all(rules, MALFORMED / name)
        assert records == [] and "DOCTYPE" in error.reason
    records, error = read_all(rules, MALFORMED / "bell_gallery_cut.xml")
    assert len(records) == 21 and "not well-formed XML" in error.reason


# --------------------------------------------------------------------------- Tate


def test_the_tate_mapping_reads_2134_works_then_refuses_the_truncated_file():
    records, error = read_all(load_mapping(MAPPINGS / "tate_artworks_csv.toml"), TATE)
    assert len(records) == 2134 and all(isinstance(r, ObjectRecord) for r in records)
    assert error.reason == (
        "the file ends inside a quoted field at data row 2135 (line 2634), after data row "
        "2134: it is truncated; export it again"
    )
    first = records[0]
    assert first.inventory_number == "A00001"
    assert first.fields == {
        "title": "A Figure Bowing before a Seated Old Man with his Arm Outstretched in "
        "Benediction. Verso: Indecipherable Sketch",
        "credit_line": "Presented by Mrs John Richmond 1922",
        "dimensions_note": "support: 394 x 419 mm",
    }
    assert first.makers == [MakerRecord(name="Robert Blake", surname="Blake", forenames="Robert")]
    # width and height are swapped in Tate's data: "394 x 419" is height x width
    assert first.dimensions == [
        DimensionRecord("height", Decimal("394"), "mm"),
        DimensionRecord("width", Decimal("419"), "mm"),
    ]
    assert first.numbers == [("1035", "source", "Tate artwork id")]
    assert first.raw["thumbnailUrl"] == "http://www.tate.org.uk/art/images/work/A/A00/A00001_8.jpg"
    last = records[-1]
    assert last.fields["dimensions_note"] == "support: 821 x 600 mm\r\nframe: 889 x 668 x 38 mm"
    assert last.fields["credit_line"].startswith("ARTIST ROOMS\r\nAcquired jointly")
    gilbert = records[1907]
    assert gilbert.makers == [MakerRecord(name="Gilbert & George")]
    assert sum("inscriptions_note" in r.fields for r in records) == 176
    # words in the dimension columns keep their record, with a warning
    warned = [r for r in records if r.warnings]
    assert len(warned) == 32 and sum(len(r.warnings) for r in warned) == 48
    # "support, circular: 224 x 224 mm" came as width "circular:", height 224, depth 224:
    # the columns are shifted, so no dimension is taken from the row
    assert records[79].warnings == [
        ("width", "“circular:” is not a positive number: no dimension taken from this row")
    ]
    assert records[79].dimensions == []
    assert records[79].fields["dimensions_note"] == "support, circular: 224 x 224 mm"
    assert sum(not r.dimensions for r in records) == 1232


# --------------------------------------------------------------------------- IsisCB (DSO)


def test_the_isiscb_mapping_reads_the_dso_citations():
    records, error = read_all(load_mapping(MAPPINGS / "isiscb_citation.toml"), CITATIONS)
    assert error is None and len(records) == 22
    assert all(isinstance(r, ObjectRecord) for r in records)
    first = records[0]
    assert first.inventory_number == "CBB000111626"
    assert first.fields == {
        "title": "The Reveries of the Solitary Walker, Botanical Writings, and Letters to "
        "Franquières",
        "description": "Edition: Translated by Charles E. Butterworth, Alexandra Cook, and "
        "Terence E. Marshall\nSeries: The Collected Writings of Rousseau, 8\nLanguage: English",
        "comments": "Dataset: Isis Bibliography of the History of Science (Joy Harvey, ed.)\n"
        "Record history: Original source of data: joy\nCreated on: 7/15/2003\n"
        "Modified on: 5/12/2016 2:07:52 PM",
    }
    assert first.numbers == [("1", "other", "IsisCB FileMaker RECORDID")]
    assert Counter(r.terms["denominations"][0] for r in records) == {
        "livre": 12,
        "article": 8,
        "compte rendu": 2,
    }
    article = records[4]
    assert article.fields["description"].endswith("Volume: 34\nPages: 295--304\nLanguage: French")
    assert sum("internal_notes" in r.fields for r in records) == 10


def test_a_mapping_naming_columns_the_file_lacks_ends_the_file():
    rules = load_mapping(MAPPINGS / "isiscb_citation.toml")
    path = DATA / "filemaker" / "fmpdsoresult_isiscb_citation.xml"  # another layout
    records, error = read_all(rules, path)
    assert len(records) == 2  # read, then the whole file refused: the loader keeps none
    assert error.file == str(path)
    assert error.reason == (
        "the mapping isiscb_citation.toml names columns that the file does not have: "
        "@RECORDID, BookSeries, Dataset, PagesFreeText, RecordHistory, StaffNotes, "
        "VolumeFreeText; correct the mapping or export these columns"
    )


# --------------------------------------------------------------------------- local files

LOCAL = """
key = "numéro"
is_public = true

[source]
encoding = "cp1252"

[fields]
title = "titre"
description = { columns = ["domaine", "hauteur"], labels = ["Domaine"] }

[constants]
comments = "Inventaire 2026"
title = "Sans titre"

[terms.DOMN]
column = "domaine"
values = { VERRERIE = "verre" }

[terms.materiaux]
vocabulary = "materials"
column = "titre"
split = ["«", "»", " de la "]
values = { "Le Cœur" = "cœur", "forêt" = "" }

[makers]
name = "auteur"
note = { column = "domaine", label = "atelier" }

[[dimensions]]
column = "hauteur"
kind = "height"
unit = "cm"
part = "avec socle"

[[numbers]]
column = "numéro"
kind = "old"

[[links]]
column = "hauteur"
kind = "WWW"

[legal_status]
acquisition_mode = "domaine"
"""


def test_a_local_csv_through_every_kind_of_rule(tmp_path):
    rules = load_mapping(write_mapping(tmp_path, LOCAL))
    records, error = read_all(rules, MALFORMED / "inventaire_cp1252.csv")
    assert error is None
    first, second = records
    assert first.inventory_number == "2026.5.1"
    assert first.fields == {
        "title": "« Le Cœur » de la forêt",
        "description": "Domaine: verrerie\n12,5",
        "comments": "Inventaire 2026",
        "is_public": True,
    }
    assert first.terms == {"domains": ["verre"], "materials": ["cœur"]}
    assert first.makers == [MakerRecord(name="Émile Gallé", note="atelier: verrerie")]
    assert first.dimensions == [DimensionRecord("height", Decimal("12.5"), "cm", "avec socle")]
    assert first.numbers == [("2026.5.1", "old", "")]
    assert first.links == []
    assert first.warnings == [("hauteur", "“12,5” is not a web address: kept in the record only")]
    assert first.legal_status == {"acquisition_mode": "verrerie"}
    assert second.terms["materials"] == ["Vase à l'œuf"]
    assert second.dimensions == [DimensionRecord("height", Decimal("30"), "cm", "avec socle")]


def test_a_tsv_with_several_makers_in_one_cell(tmp_path):
    path = write_mapping(
        tmp_path,
        'key = "numéro"\n[fields]\ntitle = "titre"\ninscriptions_note = "inscriptions"\n'
        '[makers]\nname = "auteur"\nsplit = ";"\ninverted = true\n'
        '[[dimensions]]\ncolumn = "hauteur"\nkind = "height"\nunit = "cm"\n',
    )
    first, second = load_mapping(path).read(MALFORMED / "inventaire.tsv")
    assert first.fields["inscriptions_note"] == "signé en bas à droite :\r\nMarie Bracquemond"
    assert first.dimensions == [DimensionRecord("height", Decimal("38.5"), "cm")]
    assert second.fields["title"] == "Étude\tpour « L'Été »"
    assert second.makers == [
        MakerRecord(name="Marie Bracquemond", surname="Bracquemond", forenames="Marie"),
        MakerRecord(name="Félix Bracquemond", surname="Bracquemond", forenames="Félix"),
    ]
    assert second.dimensions == []  # empty: skipped


def test_an_xlsx_export_is_read_by_its_extension(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Numéro", "Titre", "Poids"])
    sheet.append(["2026.9.1", "Bol « à anses »", 1.25])
    sheet.append([None, "Sans numéro", 2])
    sheet.append(["2026.9.3", "Coupe", 0])
    path = tmp_path / "inventaire.xlsx"
    workbook.save(path)
    assert source_format(path) == "xlsx"
    rules = load_mapping(
        write_mapping(
            tmp_path,
            'key = "Numéro"\n[fields]\ntitle = "Titre"\n'
            '[[dimensions]]\ncolumn = "Poids"\nkind = "weight"\nunit = "kg"\n',
        )
    )
    good, no_number, zero = rules.read(path)
    assert good.fields == {"title": "Bol « à anses »"}
    assert good.dimensions == [DimensionRecord("weight", Decimal("1.25"), "kg")]
    assert no_number == RejectedRecord(str(path), 2, "", "Numéro", "no inventory number")
    assert zero == RejectedRecord(str(path), 3, "2026.9.3", "Poids", "“0” is not a positive number")


def test_a_bad_dimension_rejects_its_record_naming_the_column(tmp_path):
    rules = load_mapping(
        write_mapping(
            tmp_path,
            'key = "inv"\n[[dimensions]]\ncolumn = "largeur"\nkind = "width"\nunit = "mm"\n',
        )
    )
    data = tmp_path / "objets.csv"
    data.write_text(
        "inv;largeur\n1;1 250\n2;env. 30\n3;-4\n4;1,250.5\n5;\n",
        encoding="utf-8",
    )
    records = list(rules.read(data))
    assert records[0].dimensions == [DimensionRecord("width", Decimal("1250"), "mm")]
    assert [(r.record_number, r.key, r.field, r.reason) for r in records[1:4]] == [
        (2, "2", "largeur", "“env. 30” is not a positive number"),
        (3, "3", "largeur", "“-4” is not a positive number"),
        (4, "4", "largeur", "“1,250.5” is not a positive number"),
    ]
    assert records[4].dimensions == []
    assert str(records[1]) == f"{data}, record 2 (2), largeur: “env. 30” is not a positive number"


def test_a_filemaker_export_with_several_inventory_numbers_is_rejected(tmp_path):
    path = tmp_path / "export.fmp"  # no .xml: recognised by its root element
    path.write_text(
        '<FMPXMLRESULT xmlns="http://www.filemaker.com/fmpxmlresult"><METADATA>'
        '<FIELD NAME="inv"/></METADATA><RESULTSET>'
        "<ROW><COL><DATA>A</DATA><DATA>B</DATA></COL></ROW>"
        "<ROW><COL><DATA>C</DATA><DATA>C</DATA></COL></ROW>"
        "</RESULTSET></FMPXMLRESULT>",
        encoding="utf-8",
    )
    assert source_format(path) == "filemaker"
    rules = load_mapping(write_mapping(tmp_path, 'key = "inv"'))
    several, same = rules.read(path)
    assert several.reason == "several inventory numbers (A, B): keep one per record"
    assert same.inventory_number == "C"


@pytest.mark.parametrize(
    "value, number",
    [
        ("12,5", Decimal("12.5")),
        (" 12.50 ", Decimal("12.50")),
        ("1\u00a0250", Decimal("1250")),
        ("23 1/2", Decimal("23.5")),
        ("3/4", Decimal("0.75")),
        ("-3", Decimal("-3")),
        ("1,250.5", None),
        ("NaN", None),
        ("Infinity", None),
        ("1/0", None),
        ("env. 30", None),
        ("", None),
    ],
)
def test_parse_number(value, number):
    assert parse_number(value) == number


# --------------------------------------------------------------------------- bad mappings


@pytest.mark.parametrize(
    "text, key, hint",
    [
        ("key = ", "file", "not valid TOML"),
        ('title = "x"', "title", "unknown key; use key, is_public"),
        ('[source]\nformat = "csv"', "key", "name the column that holds the inventory number"),
        ('key = "inv"\nis_public = "oui"', "is_public", "must be true or false"),
        ('key = "inv"\n[source]\nformat = "xls"', "source.format", "csv, xlsx, filemaker"),
        ('key = "inv"\n[source]\nsheets = "A"', "source.sheets", "unknown key"),
        ('key = "inv"\n[source]\ndelimiter = ";;"', "source.delimiter", "one character"),
        ('key = "inv"\n[fields]\ninsurance_value = "prix"', "fields.insurance_value", "not a Work"),
        ('key = "inv"\n[fields]\nacquisition_price = "prix"', "fields.acquisition_price", "title"),
        ('key = "inv"\n[fields]\ntitle = 3', "fields.title", "give the column"),
        ('key = "inv"\n[fields]\ntitle = []', "fields.title", "give the column"),
        (
            'key = "inv"\n[fields]\ntitle = { columns = ["a"], labels = ["x", "y"] }',
            "fields.title",
            "at most one label per column",
        ),
        ('key = "inv"\n[constants]\nis_public = "x"', "constants.is_public", "not a Work"),
        ('key = "inv"\n[terms.colour]\ncolumn = "c"', "terms.colour", "not a controlled field"),
        (
            'key = "inv"\n[terms.x]\nvocabulary = "AUTR"\ncolumn = "c"',
            "terms.x",
            "DOMN, DENO, TECH",
        ),
        ('key = "inv"\n[terms.DOMN]\nsplit = ";"', "terms.DOMN", "give the column"),
        ('key = "inv"\n[terms.DOMN]\ncolumn = "c"\nsplit = ""', "terms.DOMN.split", "separator"),
        ('key = "inv"\n[terms.DOMN]\ncolumn = "c"\nsplit = [1]', "terms.DOMN.split", "separator"),
        ('key = "inv"\n[terms.DOMN]\ncolumn = "c"\nsep = ";"', "terms.DOMN.sep", "use column"),
        ('key = "inv"\n[terms.DOMN]\ncolumn = "c"\nvalues = { a = 1 }', "terms.DOMN.values", ""),
        ('key = "inv"\n[makers]\nbirth_date = "n"', "makers", "name or of the surname"),
        ('key = "inv"\n[makers]\nname = "n"\nalias = "a"', "makers.alias", "unknown key"),
        ('key = "inv"\n[makers]\nname = "n"\ninverted = 1', "makers.inverted", "true or false"),
        (
            'key = "inv"\n[[dimensions]]\ncolumn = "h"\nkind = "height"\nunit = "ft"',
            "dimensions 1",
            "the unit of a height is one of mm, cm, m, in",
        ),
        (
            'key = "inv"\n[[dimensions]]\ncolumn = "h"\nkind = "weight"\nunit = "cm"',
            "dimensions 1",
            "the unit of a weight is one of g, kg",
        ),
        (
            'key = "inv"\n[[dimensions]]\ncolumn = "h"\nkind = "hauteur"\nunit = "cm"',
            "dimensions 1",
            "kind must be one of",
        ),
        (
            'key = "inv"\n[[dimensions]]\nkind = "height"\nunit = "cm"',
            "dimensions 1",
            "give the column: a name",
        ),
        (
            'key = "inv"\n[[dimensions]]\ncolumn = "h"\nkind = "height"\nunit = "cm"\n'
            'invalid = "skip"',
            "dimensions 1",
            'invalid must be "reject"',
        ),
        ('key = "inv"\n[dimensions]\ncolumn = "h"', "dimensions", "[[dimensions]]"),
        ('key = "inv"\n[[numbers]]\ncolumn = "n"\nkind = "ancien"', "numbers 1", "old, other"),
        ('key = "inv"\n[[links]]\ncolumn = "u"\nkind = "URL"', "links 1", "WWW, LVID"),
        ('key = "inv"\n[legal_status]\nowner = "o"', "legal_status.owner", "statement"),
    ],
)
def test_a_bad_mapping_says_where_and_what_to_do(tmp_path, text, key, hint):
    path = write_mapping(tmp_path, text)
    with pytest.raises(MappingError) as error:
        load_mapping(path)
    assert error.value.file == str(path) and error.value.key == key
    assert str(error.value).startswith(f"{path}: [{key}] ")
    assert hint in error.value.message


def test_a_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match=r"\[file\] cannot be read"):
        load_mapping(tmp_path / "absent.toml")


def test_text_fields_are_work_fields_and_never_prices():
    assert "internal_notes" in mapping_module.TEXT_FIELDS
    for private in ("insurance_value", "acquisition_price", "acquisition_source", "is_public"):
        assert private not in mapping_module.TEXT_FIELDS
    assert mapping_module.VOCABULARIES["EPOQ"] == "styles"
    assert mapping_module.VOCABULARIES["LIEUX"] == "places"
