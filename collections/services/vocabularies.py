"""Resolving free values against the vocabularies, one by one or in bulk; loading the lists."""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from importers import opentheso_csv, smf_lexicon

from ..models import TERM_RELATIONS, Concept, ConceptScheme, Inscription, WorkMaker
from ..models.vocabularies import best_match
from ..text import match_key

# Controlled labels outside the Work term models: (model, label field, concept field, scheme).
OTHER_CONTROLLED_LABELS = (
    (WorkMaker, "role", "role_concept", "AUTROLE"),
    (Inscription, "kind", "kind_concept", "INSC"),
)


class TermResolver:
    """ConceptQuerySet.resolve() for bulk loads: one query per scheme, then dictionary hits."""

    def __init__(self):
        self._schemes: dict[str, tuple[dict, dict]] = {}

    def resolve(self, scheme_code: str, label: str, branch: str = "") -> Concept | None:
        preferred, alternative = self._index(scheme_code)
        key = match_key(label)
        return best_match(label, preferred.get(key, ()), branch) or best_match(
            label, alternative.get(key, ()), branch
        )

    def _index(self, scheme_code: str) -> tuple[dict, dict]:
        if scheme_code not in self._schemes:
            preferred: dict[str, list[Concept]] = {}
            alternative: dict[str, list[Concept]] = {}
            for concept in Concept.objects.filter(scheme__code=scheme_code):
                preferred.setdefault(concept.pref_key, []).append(concept)
                for key in {match_key(label) for label in concept.alt_labels}:
                    alternative.setdefault(key, []).append(concept)
            self._schemes[scheme_code] = (preferred, alternative)
        return self._schemes[scheme_code]


def relink_terms() -> int:
    """Link terms typed outside the vocabulary to concepts added since; returns how many."""
    resolver = TermResolver()
    linked = 0
    with transaction.atomic():
        for term_model in {*TERM_RELATIONS.values()}:
            for term in term_model.objects.filter(concept__isnull=True).iterator():
                concept = resolver.resolve(term_model.scheme_code, term.label, term_model.branch)
                if concept is not None:
                    term_model.objects.filter(pk=term.pk).update(
                        concept=concept, label=concept.pref_label, label_key=concept.pref_key
                    )
                    linked += 1
        for model, label_field, concept_field, scheme in OTHER_CONTROLLED_LABELS:
            unlinked = model.objects.filter(**{f"{concept_field}__isnull": True}).exclude(
                **{label_field: ""}
            )
            for row in unlinked.iterator():
                concept = resolver.resolve(scheme, getattr(row, label_field))
                if concept is not None:
                    model.objects.filter(pk=row.pk).update(
                        **{concept_field: concept, label_field: concept.pref_label}
                    )
                    linked += 1
    return linked


# --- Loading the published vocabularies (SMF lexicons, OpenTheso exports) -------------------

ARK_BASE = "http://data.culture.fr/thesaurus/resource/ark:/67717/"
SMF_SOURCE = "Lexique SMF, mai 2014"
SMF_DIR = "thesaurus-smf-2014"
BATCH_SIZE = 1000


@dataclass(frozen=True)
class SchemeSpec:
    """One vocabulary to load: the Joconde field it serves, its file and its description."""

    code: str
    name: str
    filename: str  # relative to the data directory
    source: str = SMF_SOURCE
    ark: str = ""  # ARK id of the list (T51, T505, ...) when known

    @property
    def uri(self) -> str:
        return f"{ARK_BASE}{self.ark}" if self.ark else ""

    @property
    def format(self) -> str:
        return "opentheso" if self.filename.endswith(".csv") else "smf"


# In load order. DOMN comes from OpenTheso th294, the list Joconde checks today: every term and
# synonym of the 2014 lexdomn resolves in it (as a preferred or an alternative label), so
# lexdomn is not loaded; a second domain list would only offer outdated choices.
SCHEMES = {
    spec.code: spec
    for spec in (
        SchemeSpec(
            "DOMN",
            "Domaines",
            "thesaurus-opentheso/th294-DOMN-concepts.csv",
            source="OpenTheso th294",
            ark="T51",
        ),
        SchemeSpec("DENO", "Dénominations", f"{SMF_DIR}/lexdeno.txt", ark="T505"),
        SchemeSpec("TECH", "Matériaux et techniques", f"{SMF_DIR}/lextech.txt", ark="T516"),
        SchemeSpec("PERI", "Périodes (siècles, millénaires)", f"{SMF_DIR}/lexperi.txt", ark="T521"),
        SchemeSpec("EPOQ", "Époques, styles, mouvements", f"{SMF_DIR}/lexepoq.txt", ark="T93"),
        SchemeSpec("ECOL", "Écoles", f"{SMF_DIR}/lexecol.txt", ark="T517"),
        SchemeSpec("STAT", "Statut juridique", f"{SMF_DIR}/lexstat.txt"),
        SchemeSpec("UTIL", "Utilisations, destinations", f"{SMF_DIR}/lexutil.txt"),
        SchemeSpec("REPR", "Sujets représentés", f"{SMF_DIR}/lexrepr.txt", ark="T523"),
        SchemeSpec("SREP", "Sources de la représentation", f"{SMF_DIR}/lexsrep.txt"),
        SchemeSpec("INSC", "Types d'inscriptions", f"{SMF_DIR}/lexinsc.txt"),
        SchemeSpec("GENE", "Genèse (stades de création)", f"{SMF_DIR}/lexgene.txt", ark="T506"),
        SchemeSpec(
            "LIEUX",
            "Lieux de création, d'exécution et d'utilisation",
            f"{SMF_DIR}/lexlieux.txt",
            ark="T84",
        ),
        SchemeSpec(
            "DECV",
            "Découverte : méthodes de collecte, types de sites, lieux",
            f"{SMF_DIR}/lexdecv.txt",
        ),
        SchemeSpec("AUTR", "Auteurs, exécutants", f"{SMF_DIR}/lexautr.txt", ark="T513"),
        SchemeSpec("AUTROLE", "Rôles des auteurs et exécutants", f"{SMF_DIR}/lexautrole.txt"),
    )
}

# What went wrong and what to do, by problem code (the readers' codes, then the loader's).
_PROBLEMS = {
    "encoding": gettext_noop(
        "the text is not valid UTF-8 (%(detail)s). Save the file as UTF-8 and load it again."
    ),
    "orphan": gettext_noop(
        "the term “%(label)s” is indented (level %(level)s) but no term above it can be its "
        "broader term. Remove the indentation or restore the missing broader term."
    ),
    "empty_label": gettext_noop(
        "empty term in “%(text)s”. Each form between “=” must have text: remove the extra “=”."
    ),
    "brackets": gettext_noop(
        "unbalanced “<” or “>” in “%(text)s”. Write a form not to be used as <form>, alone on "
        "its line."
    ),
    "empty_use": gettext_noop(
        "the “EM” (use) reference in “%(text)s” has no target. Write “form/0<TAB>EM term”."
    ),
    "level_skip": gettext_noop(
        "the indentation jumps from level %(previous)s to level %(level)s at “%(label)s”; the "
        "term was placed under “%(parent)s”. Check the tabs at the start of the line."
    ),
    "misaligned": gettext_noop(
        "“%(label)s” (level %(level)s) is a sibling of “%(sibling)s” (level %(sibling_level)s) "
        "but not indented like it; it was placed under “%(parent)s”. Check the tabs."
    ),
    "trailing_text": gettext_noop(
        "text after a tab was ignored in “%(label)s”: “%(rest)s”. Remove it or join it to the term."
    ),
    "top_non_preferred": gettext_noop(
        "the form not to be used “%(label)s” has no term above it to lead to; it was ignored."
    ),
    "header": gettext_noop(
        "the header must name the columns %(expected)s separated by “;” (found: %(found)s). "
        "Export the concepts again from OpenTheso as CSV."
    ),
    "columns": gettext_noop(
        "%(found)s fields instead of %(expected)s. Check for a stray “;” in a label."
    ),
    "empty": gettext_noop("the concept has no %(column)s. Fill it in or remove the line."),
    "duplicate": gettext_noop(
        "the id “%(id)s” was already used on line %(first)s. Ids must be unique in the file."
    ),
    "duplicate_term": gettext_noop(
        "“%(label)s” appears again under the same broader term (first on line %(first)s); the "
        "two were merged into one concept."
    ),
    "use_target": gettext_noop(
        "“%(label)s” says to use “%(use)s”, which is not a term of the list. Correct the "
        "reference after EM, or add the term."
    ),
    "broader_missing": gettext_noop(
        "the broader concept “%(broader)s” of “%(label)s” is not in the file. Export the whole "
        "thesaurus, or empty broader_id."
    ),
    "cycle": gettext_noop(
        "“%(label)s” is its own broader concept through %(chain)s. Correct the broader_id column."
    ),
    "too_long": gettext_noop(
        "the label “%(label)s…” is longer than %(max)s characters. Shorten it in the file."
    ),
}


class VocabularyLoadError(Exception):
    """A vocabulary file that cannot be loaded; the message names the file, line and remedy."""


def describe_problem(source: str, line: int, code: str, params: dict) -> str:
    return _("%(file)s, line %(line)s: %(problem)s") % {
        "file": source,
        "line": line,
        "problem": _(_PROBLEMS[code]) % params,
    }


@dataclass
class SchemeLoadResult:
    code: str
    path: Path
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # labels no longer in the file, kept
    warnings: list[str] = field(default_factory=list)
    relabelled_terms: int = 0
    scheme_changed: bool = False
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.scheme_changed)

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


@dataclass
class _Item:
    """A concept as the file describes it."""

    external_id: str
    label: str
    alt_labels: list[str]
    broader: str | None  # external id
    line: int
    depth: int = 0
    branch_key: str = ""  # matching key of the top-level ancestor (see Concept.branch_key)


def load_scheme(code: str, path: str | Path, *, strict: bool = False) -> SchemeLoadResult:
    """Load one vocabulary file into the scheme `code` (a key of SCHEMES), in one transaction.

    Concepts are matched on (scheme, external_id): new ones are created, changed ones updated,
    the others left alone. Concepts no longer in the file are kept (works may use them) and
    listed in the result. Raises VocabularyLoadError, with nothing written, on a bad file;
    with `strict`, warnings count as errors.
    """
    started = time.perf_counter()
    spec = SCHEMES[code]
    path = Path(path)
    result = SchemeLoadResult(code=code, path=path)
    if not path.is_file():
        raise VocabularyLoadError(
            _("%(file)s: file not found. Check --data-dir, or leave the scheme out with --only.")
            % {"file": path}
        )
    if spec.format == "opentheso":
        items, description = _read_opentheso(path), ""
    else:
        items, description = _read_smf(path, result, strict)
    longest = Concept._meta.get_field("pref_label").max_length
    for item in items.values():
        if len(item.label) > longest:
            raise VocabularyLoadError(
                describe_problem(
                    path.name, item.line, "too_long", {"label": item.label[:60], "max": longest}
                )
            )
    with transaction.atomic():
        scheme, result.scheme_changed = _upsert_scheme(spec, description)
        _write_concepts(scheme, items, result)
    result.seconds = time.perf_counter() - started
    return result


def _upsert_scheme(spec: SchemeSpec, description: str) -> tuple[ConceptScheme, bool]:
    values = {"name": spec.name, "source": spec.source, "uri": spec.uri, "description": description}
    scheme = ConceptScheme.objects.filter(code=spec.code).first()
    if scheme is None:
        return ConceptScheme.objects.create(code=spec.code, **values), True
    if all(getattr(scheme, name) == value for name, value in values.items()):
        return scheme, False
    for name, value in values.items():
        setattr(scheme, name, value)
    scheme.save()
    return scheme, True


def smf_external_id(path: tuple[str, ...]) -> str:
    """Stable id of a lexicon term: a hash of its normalised path (broader terms, then itself).

    Case, accents and spacing do not count, so correcting them in a later edition updates the
    concept; renaming a term, or moving it, gives it (and its narrower terms) new ids.
    """
    return _smf_id("\n".join(match_key(label) for label in path))


def _smf_id(normalised_path: str) -> str:
    digest = hashlib.sha1(normalised_path.encode(), usedforsecurity=False).hexdigest()
    return f"smf:{digest[:20]}"


class _SmfPaths:
    """smf_external_id() for the paths of one file, each broader path normalised only once."""

    def __init__(self):
        self._normalised: dict[tuple[str, ...], str] = {}
        self._ids: dict[tuple[str, ...], str] = {}

    def normalised(self, path: tuple[str, ...]) -> str:
        key = self._normalised.get(path)
        if key is None:
            head = self.normalised(path[:-1]) + "\n" if len(path) > 1 else ""
            key = self._normalised[path] = head + match_key(path[-1])
        return key

    def id(self, path: tuple[str, ...]) -> str:
        """The id of the term at `path` (cached: used for broader terms)."""
        external_id = self._ids.get(path)
        if external_id is None:
            external_id = self._ids[path] = _smf_id(self.normalised(path))
        return external_id

    def child_id(self, path: tuple[str, ...], label: str) -> str:
        """The id of the term `label` under `path` (not cached: most terms have no children)."""
        head = self.normalised(path) + "\n" if path else ""
        return _smf_id(head + match_key(label))


def _read_smf(path: Path, result: SchemeLoadResult, strict: bool) -> tuple[dict[str, _Item], str]:
    items: dict[str, _Item] = {}
    avoided: list[smf_lexicon.LexiconEntry] = []
    notes: list[str] = []
    paths = _SmfPaths()
    try:
        for entry in smf_lexicon.iter_entries(
            smf_lexicon.read_lines(path), path.name, strict=strict, notes=notes
        ):
            result.warnings += [
                describe_problem(w.source, w.line, w.code, w.params) for w in entry.warnings
            ]
            if not entry.preferred:
                avoided.append(entry)
                continue
            external_id = paths.child_id(entry.path, entry.label)
            item = items.get(external_id)
            if item is None:
                items[external_id] = _Item(
                    external_id,
                    entry.label,
                    list(entry.alt_labels),
                    paths.id(entry.path) if entry.path else None,
                    entry.line,
                    depth=entry.depth,
                )
                continue
            # The same term twice under one broader term: one concept, every form kept.
            problem = describe_problem(
                path.name, entry.line, "duplicate_term", {"label": entry.label, "first": item.line}
            )
            if strict:
                raise VocabularyLoadError(problem)
            result.warnings.append(problem)
            _add_labels(item, (entry.label, *entry.alt_labels))
    except smf_lexicon.LexiconError as error:
        raise VocabularyLoadError(
            describe_problem(error.source, error.line, error.code, error.params)
        ) from error

    by_key: dict[str, list[_Item]] | None = None
    for entry in avoided:
        if entry.use is None:  # <form>: leads to the term above it
            target = items.get(paths.id(entry.path)) if entry.path else None
        else:  # form/0 EM term: the term is looked for among the siblings, then anywhere
            target = items.get(paths.child_id(entry.path, entry.use))
            if target is None:
                if by_key is None:
                    by_key = {}
                    for item in items.values():
                        by_key.setdefault(match_key(item.label), []).append(item)
                candidates = by_key.get(match_key(entry.use), [])
                target = candidates[0] if len(candidates) == 1 else None
            if target is None:
                raise VocabularyLoadError(
                    describe_problem(
                        path.name,
                        entry.line,
                        "use_target",
                        {"label": entry.label, "use": entry.use},
                    )
                )
        if target is not None:
            _add_labels(target, (entry.label, *entry.alt_labels))
    return items, "\n".join(notes)


def _read_opentheso(path: Path) -> dict[str, _Item]:
    items: dict[str, _Item] = {}
    try:
        for concept in opentheso_csv.iter_concepts(opentheso_csv.read_lines(path), path.name):
            items[concept.id] = _Item(
                concept.id,
                concept.pref_label,
                list(concept.alt_labels),
                concept.broader_id,
                concept.line,
            )
    except opentheso_csv.OpenthesoError as error:
        raise VocabularyLoadError(
            describe_problem(error.source, error.line, error.code, error.params)
        ) from error
    for item in items.values():
        chain, broader = [item.external_id], item.broader
        while broader is not None:
            parent = items.get(broader)
            if parent is None:
                raise VocabularyLoadError(
                    describe_problem(
                        path.name,
                        item.line,
                        "broader_missing",
                        {"broader": broader, "label": item.label},
                    )
                )
            if broader in chain:
                raise VocabularyLoadError(
                    describe_problem(
                        path.name,
                        item.line,
                        "cycle",
                        {"label": item.label, "chain": " → ".join([*chain, broader])},
                    )
                )
            chain.append(broader)
            broader = parent.broader
        item.depth = len(chain) - 1
    return items


def _add_labels(item: _Item, labels) -> None:
    known = {item.label, *item.alt_labels}
    item.alt_labels += [label for label in dict.fromkeys(labels) if label not in known]


def _set_branch_keys(items: dict[str, _Item]) -> None:
    for item in items.values():
        top = item
        while top.broader is not None:
            top = items[top.broader]
        item.branch_key = match_key(top.label)


def _write_concepts(scheme: ConceptScheme, items: dict[str, _Item], result) -> None:
    """Create, update or leave each concept; broader concepts are written before narrower ones."""
    _set_branch_keys(items)
    existing = {
        row[1]: row
        for row in Concept.objects.filter(scheme=scheme).values_list(
            "pk",
            "external_id",
            "pref_label",
            "alt_labels",
            "broader_id",
            "is_candidate",
            "branch_key",
        )
    }
    pk_of = {external_id: row[0] for external_id, row in existing.items()}

    by_depth: dict[int, list[_Item]] = {}
    for item in items.values():
        if item.external_id not in existing:
            by_depth.setdefault(item.depth, []).append(item)
    for depth in sorted(by_depth):
        for start in range(0, len(by_depth[depth]), BATCH_SIZE):
            batch = [
                _concept(scheme, item, pk_of)
                for item in by_depth[depth][start : start + BATCH_SIZE]
            ]
            Concept.objects.bulk_create(batch)
            if any(concept.pk is None for concept in batch):  # backends without RETURNING
                pk_of.update(
                    Concept.objects.filter(
                        scheme=scheme, external_id__in=[concept.external_id for concept in batch]
                    ).values_list("external_id", "pk")
                )
            else:
                pk_of.update((concept.external_id, concept.pk) for concept in batch)
            result.created += len(batch)

    changed, renamed = [], []
    for item in items.values():
        row = existing.get(item.external_id)
        if row is None:
            continue
        broader_pk = pk_of[item.broader] if item.broader else None
        if (row[2], row[3], row[4], row[6]) == (
            item.label,
            item.alt_labels,
            broader_pk,
            item.branch_key,
        ):
            result.unchanged += 1
        else:
            concept = _concept(scheme, item, pk_of)
            concept.pk = row[0]
            changed.append(concept)
            if row[2] != item.label:
                renamed.append(concept.pk)
    Concept.objects.bulk_update(
        changed,
        ["pref_label", "alt_labels", "broader", "pref_key", "alt_keys", "branch_key"],
        batch_size=BATCH_SIZE // 2,
    )
    result.updated = len(changed)
    result.relabelled_terms = relabel_terms(renamed)
    result.missing = sorted(
        row[2]
        for external_id, row in existing.items()
        if external_id not in items and not row[5] and not external_id.startswith("local:")
    )


def _concept(scheme: ConceptScheme, item: _Item, pk_of: dict[str, int]) -> Concept:
    concept = Concept(
        scheme_id=scheme.pk,
        external_id=item.external_id,
        pref_label=item.label,
        alt_labels=item.alt_labels,
        broader_id=pk_of[item.broader] if item.broader else None,
        branch_key=item.branch_key,
    )
    concept.compute_keys()
    return concept


def relabel_terms(concept_pks: list[int]) -> int:
    """Work terms linked to renamed concepts take the new preferred label (returns how many)."""
    if not concept_pks:
        return 0
    renamed = Concept.objects.filter(pk=OuterRef("concept_id"))
    count = 0
    for term_model in {*TERM_RELATIONS.values()}:
        count += term_model.objects.filter(concept_id__in=concept_pks).update(
            label=Subquery(renamed.values("pref_label")[:1]),
            label_key=Subquery(renamed.values("pref_key")[:1]),
        )
    for model, label_field, concept_field, _scheme in OTHER_CONTROLLED_LABELS:
        count += model.objects.filter(**{f"{concept_field}_id__in": concept_pks}).update(
            **{
                label_field: Subquery(
                    Concept.objects.filter(pk=OuterRef(f"{concept_field}_id")).values("pref_label")[
                        :1
                    ]
                )
            }
        )
    return count
