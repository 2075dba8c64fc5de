"""Public portal pages: the home page (root of the public site), the catalogue (search, work
and maker pages, by routes) and the editorial pages (thematic tours, exhibitions)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

from museum_collections.publication import CATALOGUE_SLUG


class WorkRefBlock(blocks.CharBlock):
    """The Joconde REF of a published work (11 characters)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=11, min_length=11, **kwargs)

    def clean(self, value):
        from museum_collections.models import Work

        value = super().clean(value).strip().upper()
        if not Work.objects.public().filter(joconde_ref=value).exists():
            raise ValidationError(_("No published work has the REF %(ref)s.") % {"ref": value})
        return value


class WorksBlock(blocks.StructBlock):
    """A few works chosen by REF, shown as cards linking to their pages."""

    heading = blocks.CharBlock(label=_("heading"), required=False)
    refs = blocks.ListBlock(WorkRefBlock(label=_("REF")), label=_("works"))

    class Meta:
        icon = "image"
        label = _("works")
        template = "portal/blocks/works.html"

    def get_context(self, value, parent_context=None):
        from museum_collections.models import Work

        context = super().get_context(value, parent_context)
        found = {
            w.joconde_ref: w
            for w in Work.objects.public()
            .filter(joconde_ref__in=list(value["refs"]))
            .prefetch_related("makers__person", "denominations")
        }
        context["works"] = [found[ref] for ref in value["refs"] if ref in found]
        return context


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("image with caption")
        template = "portal/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("quote")
        template = "portal/blocks/quote.html"


class StoryBlock(blocks.StreamBlock):
    """The body of the editorial pages."""

    text = blocks.RichTextBlock(
        label=_("text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    image = CaptionedImageBlock()
    works = WorksBlock()
    quote = QuoteBlock()


class HomePage(Page):
    introduction = RichTextField(_("introduction"), blank=True)
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from museum_collections.models import Work

        context = super().get_context(request, *args, **kwargs)
        context["published_works"] = Work.objects.public().count()
        context["tours"] = TourPage.objects.child_of(self).live().public()
        context["exhibitions"] = ExhibitionPage.objects.child_of(self).live().public()
        return context


class EditorialPage(Page):
    """What tours and exhibitions share: an introduction, a lead image and a body."""

    introduction = models.TextField(_("introduction"), blank=True)
    lead_image = models.ForeignKey(
        "collections.CartelImage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead image"),
    )
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
    ]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []

    class Meta:
        abstract = True


class TourPage(EditorialPage):
    """A thematic tour through the collections."""

    class Meta:
        verbose_name = _("thematic tour")
        verbose_name_plural = _("thematic tours")


class ExhibitionPage(EditorialPage):
    """An exhibition, current, past or to come."""

    start_date = models.DateField(_("opens"), null=True, blank=True)
    end_date = models.DateField(_("closes"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)

    content_panels = [
        *EditorialPage.content_panels[:2],
        MultiFieldPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("venue")],
            heading=_("dates and venue"),
        ),
        *EditorialPage.content_panels[2:],
    ]

    class Meta:
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")


class PortalSection(RoutablePageMixin, Page):
    """A section of the portal served by routes (the catalogue, the library, the archives):
    one page under the home page, with an introduction its editors write."""

    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        abstract = True


class CataloguePage(PortalSection):
    """The catalogue of the collections, at /collections/: the search page, each published
    work at /collections/<REF>/ (its permanent link) and each maker's page."""

    class Meta:
        verbose_name = _("catalogue")

    def clean(self):
        super().clean()
        if self.slug != CATALOGUE_SLUG:
            raise ValidationError(
                {
                    "slug": _(
                        "The catalogue's address gives every work its permanent link "
                        "(/%(slug)s/<REF>/): its slug must stay “%(slug)s”."
                    )
                    % {"slug": CATALOGUE_SLUG}
                }
            )

    @path("", name="search")
    def search(self, request):
        from portal import views

        return views.search(request, self)

    @path("makers/<int:pk>/", name="maker")
    def maker(self, request, pk):
        from portal import views

        return views.maker(request, self, pk)

    @path("<str:ref>/", name="work")
    def work(self, request, ref):
        from portal import views

        return views.work(request, self, ref)
