"""The Wagtail back office for works and people: views, filters, permissions by role."""

import pytest
from django.urls import reverse

from museum_collections.models import (
    Concept,
    Person,
    PersonName,
    Work,
    WorkDomain,
    WorkMaker,
    WorkNumber,
)
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

ROLES = ["Registrar", "Curator", "Documentalist", "Photographer", "Researcher"]


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def empty_formsets(form_class) -> dict:
    data = {}
    for name in form_class.formsets:
        data.update(
            {
                f"{name}-TOTAL_FORMS": "0",
                f"{name}-INITIAL_FORMS": "0",
                f"{name}-MIN_NUM_FORMS": "0",
                f"{name}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def work_form_data(**fields) -> dict:
    form_class = Work.snippet_viewset.get_edit_handler().get_form_class()
    data = empty_formsets(form_class)
    data.update({"copyright_status": "unknown", "acquisition_currency": "EUR"})
    data.update(fields)
    return data


@pytest.fixture
def catalogue(vocabularies):
    denis = Person.objects.create(name="Maurice Denis", surname="Denis", forenames="Maurice")
    vuillard = Person.objects.create(
        name="Édouard Vuillard", surname="Vuillard", forenames="Édouard"
    )
    works = {}
    for number, title, date, maker, domain, public in [
        ("2019.1.1", "Le Mystère catholique", "1889", denis, "peinture", True),
        ("2019.1.2", "Les Muses", "1893", denis, "peinture", False),
        ("2019.1.10", "Étude de nu", "vers 1910", vuillard, "dessin", True),
        ("985.3.2", "Paysage", "XVIIIe siècle", None, "estampe", False),
    ]:
        work = Work.objects.create(
            inventory_number=number,
            title=title,
            creation_date=date,
            is_public=public,
            internal_notes=f"secret-{number}",
            acquisition_price=1234,
        )
        WorkDomain.objects.create(work=work, label=domain)
        if maker:
            WorkMaker.objects.create(work=work, person=maker, role="peintre")
        works[number] = work
    WorkNumber.objects.create(work=works["985.3.2"], number="INV 77", kind="old")
    return works


def listing(client, **params):
    response = client.get(url(Work, "list"), params)
    assert response.status_code == 200
    return [work.inventory_number for work in response.context["object_list"]]


def test_listing_is_ordered_by_inventory_number_and_hides_deleted_works(admin_client, catalogue):
    Work.objects.filter(inventory_number="2019.1.2").update(is_deleted=True)
    assert listing(admin_client) == ["985.3.2", "2019.1.1", "2019.1.10"]
    assert listing(admin_client, ordering="-inventory_sort_key") == [
        "2019.1.10",
        "2019.1.1",
        "985.3.2",
    ]
    assert listing(admin_client, is_deleted="true") == ["2019.1.2"]


def test_listing_filters_by_domain_maker_years_and_publication(admin_client, catalogue):
    dessin = Concept.objects.get(scheme__code="DOMN", pref_label="dessin")
    assert listing(admin_client, domain=dessin.pk) == ["2019.1.10"]
    assert listing(admin_client, maker="denis") == ["2019.1.1", "2019.1.2"]
    assert listing(admin_client, maker="Vuillard") == ["2019.1.10"]
    assert listing(admin_client, years_min=1890, years_max=1900) == ["2019.1.2"]
    assert listing(admin_client, years_max=1800) == ["985.3.2"]
    assert listing(admin_client, is_public="true") == ["2019.1.1", "2019.1.10"]
    assert listing(admin_client, is_public="false") == ["985.3.2", "2019.1.2"]


def test_listing_search_finds_numbers_old_numbers_titles_and_makers(admin_client, catalogue):
    assert listing(admin_client, q="INV 77") == ["985.3.2"]
    assert listing(admin_client, q="mystère") == ["2019.1.1"]
    assert listing(admin_client, q="vuillard") == ["2019.1.10"]
    assert listing(admin_client, q=catalogue["2019.1.2"].joconde_ref) == ["2019.1.2"]


def test_listing_flags_terms_outside_the_vocabularies(admin_client, catalogue):
    WorkDomain.objects.create(work=catalogue["2019.1.2"], label="peinture sur carton")
    assert listing(admin_client, outside_vocabulary="true") == ["2019.1.2"]


def test_listing_queries_do_not_grow_with_the_page(
    admin_client, catalogue, test_data, django_assert_max_num_queries
):
    from django.core.files.images import ImageFile

    from museum_collections.models import CartelImage, WorkMedia

    name = "progressive_zurbaran_agnus-dei.jpg"
    for n in range(40):
        work = Work.objects.create(inventory_number=f"2020.1.{n}", title=f"Œuvre {n}")
        WorkDomain.objects.create(work=work, label="peinture")
        WorkMaker.objects.create(work=work, person=Person.objects.first(), role="peintre")
        if n < 5:
            with open(test_data / "images" / name, "rb") as f:
                image = CartelImage.objects.create(title=name, file=ImageFile(f, name=name))
            WorkMedia.objects.create(work=work, image=image, is_primary=True)
    listing(admin_client)  # makes the thumbnails once
    with django_assert_max_num_queries(25):
        page = admin_client.get(url(Work, "list"))
    assert len(page.context["object_list"]) == Work.snippet_viewset.list_per_page == 25
    assert page.context["paginator"].count == 44
    # 2019.1.x and 2020.1.0-4 (with images) sort on the first page
    assert page.content.decode().count(f'<img alt="{name}"') == 5


def test_create_a_work_through_the_admin_allocates_its_ref(admin_client, vocabularies, museofile):
    data = work_form_data(
        inventory_number="2024.3.1",
        title="Portrait de Marthe",
        creation_date="1893",
        domains="Peinture",
        techniques="peinture à l'huile ; Toile",
    )
    response = admin_client.post(url(Work, "add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    work = Work.objects.get(inventory_number="2024.3.1")
    assert work.joconde_ref == "M5062000001"
    assert work.creation_year_from == 1893
    assert [(d.label, d.concept_id is not None) for d in work.domains.all()] == [("peinture", True)]
    assert work.latest_revision is not None  # revisions are kept for works


def test_controlled_fields_are_typed_as_in_joconde_and_flagged_when_outside(
    admin_client, catalogue
):
    work = catalogue["2019.1.1"]
    page = admin_client.get(url(Work, "edit", work.pk))
    assert page.context["form"]["domains"].value() == "peinture"
    kept = work.domains.get()
    data = work_form_data(
        title=work.title,
        creation_date="1889",
        domains="dessin ; Peinture ; peinture ; gravure sur bois debout",
    )
    assert admin_client.post(url(Work, "edit", work.pk), data).status_code == 302
    terms = list(
        work.domains.order_by("sort_order").values_list("label", "concept__pref_label", "pk")
    )
    assert [(label, concept) for label, concept, _pk in terms] == [
        ("dessin", "dessin"),
        ("peinture", "peinture"),
        ("gravure sur bois debout", None),
    ]
    assert terms[1][2] == kept.pk  # an unchanged term keeps its row
    page = admin_client.get(url(Work, "edit", work.pk))
    warnings = [str(m) for m in page.context["messages"]]
    assert any("gravure sur bois debout" in w for w in warnings)
    data["domains"] = ""
    assert admin_client.post(url(Work, "edit", work.pk), data).status_code == 302
    assert not work.domains.exists()


def test_a_term_run_on_without_separator_is_refused(admin_client, catalogue):
    work = catalogue["2019.1.1"]
    data = work_form_data(title=work.title, subjects="x" * 300)
    response = admin_client.post(url(Work, "edit", work.pk), data)
    assert response.status_code == 200
    assert "255" in str(response.context["form"].errors["subjects"])


def test_revisions_of_a_work_can_be_compared(admin_client, catalogue):
    work = catalogue["2019.1.1"]
    for title, domains in (("Premier titre", "peinture"), ("Second titre", "peinture ; dessin")):
        data = work_form_data(title=title, creation_date="1889", domains=domains)
        assert admin_client.post(url(Work, "edit", work.pk), data).status_code == 302
    first, second = work.revisions.order_by("created_at")
    compare = reverse(
        Work.snippet_viewset.get_url_name("revisions_compare"), args=(work.pk, first.pk, second.pk)
    )
    response = admin_client.get(compare)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Second titre" in body and "Premier titre" in body
    history = admin_client.get(url(Work, "history", work.pk))
    assert history.status_code == 200


def test_editing_keeps_the_inventory_number_whatever_is_posted(admin_client, catalogue):
    work = catalogue["2019.1.1"]
    response = admin_client.get(url(Work, "edit", work.pk))
    assert response.context["form"].fields["inventory_number"].disabled
    data = work_form_data(inventory_number="1999.9.9", title="Titre corrigé", creation_date="1889")
    response = admin_client.post(url(Work, "edit", work.pk), data)
    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.inventory_number, work.title) == ("2019.1.1", "Titre corrigé")


def test_nobody_deletes_a_work_not_even_a_superuser(admin_client, catalogue):
    work = catalogue["2019.1.1"]
    response = admin_client.post(url(Work, "delete", work.pk))
    assert response.status_code in (302, 403)
    assert Work.objects.filter(pk=work.pk).exists()
    page = admin_client.get(url(Work, "edit", work.pk)).content.decode()
    assert url(Work, "delete", work.pk) not in page


def test_marking_a_work_deleted_needs_a_reason(admin_client, catalogue):
    work = catalogue["2019.1.1"]
    data = work_form_data(title=work.title, creation_date="1889", is_deleted="on", is_public="on")
    response = admin_client.post(url(Work, "edit", work.pk), data)
    assert response.status_code == 200
    assert "deletion_reason" in response.context["form"].errors
    data["deletion_reason"] = "Inscrite deux fois (voir 2019.1.2)"
    assert admin_client.post(url(Work, "edit", work.pk), data).status_code == 302
    work.refresh_from_db()
    assert work.is_deleted and work.deleted_at is not None


@pytest.mark.parametrize(
    "role, can_add, can_edit, sees_private",
    [
        ("Registrar", True, True, True),
        ("Curator", True, True, True),
        ("Documentalist", False, True, False),
        ("Photographer", False, False, False),
        ("Researcher", False, False, False),
    ],
)
def test_roles_reach_what_their_job_needs(
    client, make_user, catalogue, role, can_add, can_edit, sees_private
):
    verified_login(client, make_user(role))
    work = catalogue["2019.1.1"]
    assert client.get(url(Work, "list")).status_code == 200
    assert (client.get(url(Work, "add")).status_code == 200) is can_add
    edit = client.get(url(Work, "edit", work.pk))
    assert (edit.status_code == 200) is can_edit
    if can_edit:
        assert ("acquisition_price" in edit.context["form"].fields) is sees_private
    inspect = client.get(url(Work, "inspect", work.pk))
    assert inspect.status_code == 200
    assert ("secret-2019.1.1" in inspect.content.decode()) is sees_private
    assert (
        Work.snippet_viewset.permission_policy.user_has_permission(_user(client), "delete") is False
    )


def _user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_a_documentalist_saving_a_work_keeps_the_prices_they_cannot_see(
    client, make_user, catalogue
):
    client.force_login(make_user("Documentalist"))
    work = catalogue["2019.1.1"]
    Work.objects.filter(pk=work.pk).update(is_deleted=True, deletion_reason="doublon")
    data = work_form_data(title="Titre revu", creation_date="1889")
    assert client.post(url(Work, "edit", work.pk), data).status_code == 302
    work.refresh_from_db()
    assert work.title == "Titre revu"
    assert work.acquisition_price == 1234
    assert (work.is_deleted, work.deletion_reason, work.is_public) == (True, "doublon", True)


def test_a_researcher_cannot_change_anything(client, make_user, catalogue):
    client.force_login(make_user("Researcher"))
    work = catalogue["2019.1.1"]
    response = client.post(url(Work, "edit", work.pk), work_form_data(title="Changé"))
    assert response.status_code != 200 or "form" not in response.context
    work.refresh_from_db()
    assert work.title == "Le Mystère catholique"
    assert client.get(url(Person, "add")).status_code != 200


def test_publish_bulk_action_needs_the_publish_permission(client, make_user, catalogue):
    work = catalogue["2019.1.2"]
    action = reverse("wagtail_bulk_action", args=("collections", "work", "publish_works"))
    client.force_login(make_user("Documentalist"))
    client.post(f"{action}?id={work.pk}")
    work.refresh_from_db()
    assert work.is_public is False
    client.force_login(make_user("Curator"))
    response = client.post(f"{action}?id={work.pk}")
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.is_public is True


def test_merge_bulk_action_merges_into_the_chosen_record(client, make_user, catalogue):
    denis = Person.objects.get(name="Maurice Denis")
    dup = Person.objects.create(name="Denis, Maurice")
    WorkMaker.objects.create(work=catalogue["985.3.2"], person=dup, role="graveur")
    client.force_login(make_user("Documentalist"))
    action = reverse("wagtail_bulk_action", args=("collections", "person", "merge_people"))
    query = f"?id={denis.pk}&id={dup.pk}"
    page = client.get(action + query)
    assert page.status_code == 200 and "Denis, Maurice" in page.content.decode()
    response = client.post(action + query, {"keep": denis.pk})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == denis
    assert catalogue["985.3.2"].makers.get().person == denis
    # The merged record's address now leads to the record kept.
    redirect = client.get(url(Person, "edit", dup.pk))
    assert redirect.status_code == 302 and redirect["Location"] == url(Person, "edit", denis.pk)


def test_person_listing_hides_merged_records_and_searches_other_names(admin_client):
    keep = Person.objects.create(name="Maurice Denis")
    Person.objects.create(name="M. Denis", merged_into=keep)
    PersonName.objects.create(person=keep, name="Le Nabi aux belles icônes")
    response = admin_client.get(url(Person, "list"))
    assert [p.name for p in response.context["object_list"]] == ["Maurice Denis"]
    response = admin_client.get(url(Person, "list"), {"q": "belles icônes"})
    assert [p.name for p in response.context["object_list"]] == ["Maurice Denis"]


def test_the_admin_speaks_french_first_and_english_too(client, make_user, catalogue):
    verified_login(client, make_user("Registrar"))
    french = client.get(url(Work, "list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Numéro d'inventaire" in french or "Numéro d&#x27;inventaire" in french
    english = client.get(url(Work, "list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inventory number" in english
