"""What may leave the museum: the one place that decides which fields are public.

Every public output (portal pages, public APIs, open exports) reads records through
`public_record()`. Each field of each published model is classified here as public or
private; a test fails when a model gains a field that is in neither list, so nothing
becomes public by accident. Private, always: storage locations, insurance values, prices,
personal data of donors and lenders, internal notes.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class PublicationRule:
    model_label: str
    public: frozenset[str]
    private: frozenset[str]

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


def rule(model_label: str, *, public: str, private: str) -> PublicationRule:
    return PublicationRule(model_label, frozenset(public.split()), frozenset(private.split()))


RULES = {
    r.model_label: r
    for r in (
        rule(
            "collections.Work",
            public="""
                id inventory_number joconde_ref title appellation creation_date creation_year_from
                creation_year_to creation_date_approximate dimensions_note state description
                inscriptions_note subject_details subject_date creation_place_details
                historical_geography use_details use_date discovery discovery_details history
                former_owners former_attributions bibliography exhibition_history comments
                cataloguers acquisition_mode acquisition_date acquisition_year ownership owner
                assigned_museum credit_line copyright_notice copyright_status updated_at
                other_numbers makers domains denominations materials techniques periods styles
                schools genesis subjects subject_sources places uses dimensions inscriptions
                links media library_references archive_units
            """,
            private="""
                acquisition_source acquisition_price acquisition_currency insurance_value
                insurance_value_date internal_notes imported_records in_joconde is_public
                is_deleted deletion_reason
                deleted_at created_at inventory_sort_key inventory_year latest_revision _revisions
                inventory_entry deposit_entries normal_location current_location movements
                condition_checks treatments loan_lines exhibition_lines recolement_records
                documentary_files oai_record
            """,
        ),
        rule(
            "collections.Person",
            public="""
                id kind name surname forenames birth_date birth_year birth_place death_date
                death_year death_place nationality biography wikidata_id ulan_id bnf_ark idref_id
                other_names bibliographic_authorships archives_created archive_units
            """,
            private="""
                address email phone private_notes source_ref merged_into merged_at created_at updated_at
                sort_name works_supplied merged_duplicates works_made deposits loans treatments
                documentary_files
            """,
        ),
        rule(
            "collections.CartelImage",
            public="id title file width height credit rights rights_holder",
            private="""
                is_public collection tags focal_point_x focal_point_y focal_point_width
                focal_point_height uploaded_by_user created_at file_size file_hash
                description renditions work_links tagged_items index_entries archive_units
            """,
        ),
        rule(
            "collections.CartelDocument",
            public="id title file credit rights rights_holder",
            private="""
                is_public collection tags uploaded_by_user created_at file_size file_hash
                work_links tagged_items index_entries documentary_files
            """,
        ),
        # Documentation: the library and archives are public, their internal notes, the
        # original records and where copies are shelved are not; documentary files stay inside.
        rule(
            "documentation.BibliographicRecord",
            public="""
                id record_id record_type title subtitle responsibility edition publisher
                publication_place publication_date publication_year extent series isbn issn notes
                subjects languages authors items work_references
            """,
            private="source_format internal_notes raw created_at updated_at",
        ),
        rule(
            "documentation.BibliographicAuthor",
            public="id record person role sort_order",
            private="",
        ),
        rule(
            "documentation.LibraryItem",
            public="id record call_number copy_number status",
            private="barcode location notes",
        ),
        rule(
            "documentation.WorkReference",
            public="id record work pages figure catalogue_number note",
            private="",
        ),
        rule(
            "documentation.DocumentaryFile",
            public="",
            private="""
                id code title kind location contents date_range works people documents
                internal_notes created_at updated_at
            """,
        ),
        rule(
            "documentation.ArchiveUnit",
            public="""
                id reference_code title level parent children dates year_from year_to extent
                creator creator_name scope_and_content access_conditions item_kind images works
                people
            """,
            private="internal_notes path depth created_at updated_at",
        ),
    )
}


def public_record(instance: models.Model) -> dict:
    """The public fields of one record, as plain values (relations as primary keys)."""
    rule_ = RULES[instance._meta.label]
    record = {}
    for field in instance._meta.concrete_fields:
        if field.name in rule_.public:
            record[field.name] = field.value_from_object(instance)
    return record


def classified_fields(model: type[models.Model]) -> set[str]:
    """Every field name a model has (columns and relations), for the completeness test."""
    return {
        field.name
        for field in model._meta.get_fields()
        if not (field.auto_created and not field.is_relation) and not field.name.endswith("_ptr")
    } | {"id"}


# The portal's catalogue page lives at /collections/ for good: a work's page address,
# /collections/<REF>/, is its permanent link (the page refuses another slug).
CATALOGUE_SLUG = "collections"


def work_path(ref: str) -> str:
    """A work's page on the portal: its permanent link, /collections/<REF>/."""
    return f"/{CATALOGUE_SLUG}/{ref}/"


def public_work_url(work) -> str:
    """The permanent public address of a work's page (its REF never changes)."""
    from django.conf import settings

    return settings.CARTEL_PUBLIC_URL + work_path(work.joconde_ref)
