"""The catalogue page, at /collections/ under the home page (the works' permanent links)."""

from django.db import migrations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet, 4 per level


def next_child_path(Page, parent) -> str:
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = last.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-4:], 36) + 1 if last else 1
    step = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        step = DIGITS[digit] + step
    return parent.path + step


def create_catalogue_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("portal.HomePage")
    CataloguePage = apps.get_model("portal.CataloguePage")
    home = HomePage.objects.filter(depth=2).first()
    if home is None or CataloguePage.objects.exists():
        return
    page_type, _ = ContentType.objects.get_or_create(model="cataloguepage", app_label="portal")
    path = next_child_path(Page, home)
    home.numchild += 1
    home.save(update_fields=["numchild"])
    CataloguePage.objects.create(
        title="Collections",
        draft_title="Collections",
        slug="collections",
        content_type=page_type,
        path=path,
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}collections/",
        locale_id=home.locale_id,
        show_in_menus=True,
    )


def remove_catalogue_page(apps, schema_editor):
    apps.get_model("portal.CataloguePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_portal_pages")]

    operations = [migrations.RunPython(create_catalogue_page, remove_catalogue_page)]
