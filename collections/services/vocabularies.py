"""Resolving free values against the vocabularies, one by one or in bulk."""

from django.db import transaction

from ..models import TERM_RELATIONS, Concept, Inscription, WorkMaker
from ..text import match_key


class TermResolver:
    """In-memory lookups for bulk loads: one query per scheme, then dictionary hits."""

    def __init__(self):
        self._schemes: dict[str, dict[str, Concept]] = {}

    def resolve(self, scheme_code: str, label: str) -> Concept | None:
        return self._index(scheme_code).get(match_key(label))

    def _index(self, scheme_code: str) -> dict[str, Concept]:
        if scheme_code not in self._schemes:
            index: dict[str, Concept] = {}
            concepts = Concept.objects.filter(scheme__code=scheme_code).order_by("-pk")
            for concept in concepts:  # lowest pk wins, as in ConceptQuerySet.resolve
                for label in concept.alt_labels:
                    index[match_key(label)] = concept
            for concept in concepts:
                index[concept.pref_key] = concept
            self._schemes[scheme_code] = index
        return self._schemes[scheme_code]


def relink_terms() -> int:
    """Link terms typed outside the vocabulary to concepts added since; returns how many."""
    resolver = TermResolver()
    linked = 0
    with transaction.atomic():
        for term_model in {*TERM_RELATIONS.values()}:
            for term in term_model.objects.filter(concept__isnull=True).iterator():
                concept = resolver.resolve(term_model.scheme_code, term.label)
                if concept is not None:
                    term_model.objects.filter(pk=term.pk).update(
                        concept=concept, label=concept.pref_label, label_key=concept.pref_key
                    )
                    linked += 1
        for model, label_field, concept_field, scheme in (
            (WorkMaker, "role", "role_concept", "AUTROLE"),
            (Inscription, "kind", "kind_concept", "INSC"),
        ):
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
