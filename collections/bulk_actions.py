"""Bulk actions of the catalogue listings: publish or withdraw works, merge people."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .models import Person, ProtectedRecordError, Work
from .services.people import merge_people
from .services.works import set_publication


class PublishWorksBulkAction(SnippetBulkAction):
    display_name = _("Publish")
    action_type = "publish_works"
    aria_label = _("Publish the selected works on the portal")
    template_name = "collections/bulk_actions/confirm_publication.html"
    action_priority = 20
    models = [Work]
    public = True

    def check_perm(self, obj):
        return self.request.user.has_perm("collections.publish_work")

    def get_execution_context(self):
        return {"public": self.public, "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, public=True, user=None, **kwargs):
        return set_publication(objects, public=public, user=user), 0

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "public": self.public}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d work published.", "%(count)d works published.", num_parent_objects
        ) % {"count": num_parent_objects}


class UnpublishWorksBulkAction(PublishWorksBulkAction):
    display_name = _("Withdraw from the portal")
    action_type = "unpublish_works"
    aria_label = _("Withdraw the selected works from the portal")
    action_priority = 21
    public = False

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d work withdrawn from the portal.",
            "%(count)d works withdrawn from the portal.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=_("Record to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("The others are merged into it: their links, names and identifiers follow."),
    )


class MergePeopleBulkAction(SnippetBulkAction):
    display_name = _("Merge")
    action_type = "merge_people"
    aria_label = _("Merge the selected duplicate records")
    template_name = "collections/bulk_actions/confirm_merge.html"
    action_priority = 20
    models = [Person]
    form_class = MergeForm

    def check_perm(self, obj):
        return self.request.user.has_perm("collections.merge_person") and not obj.merged_into_id

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        people = self.get_actionable_objects()[0]
        form.fields["keep"].choices = [(person.pk, str(person)) for person in people]
        if people:
            form.fields["keep"].initial = people[0].pk
        return form

    def form_valid(self, form):
        if len(self.get_actionable_objects()[0]) < 2:
            form.add_error(None, _("Select at least two records to merge."))
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        except ProtectedRecordError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)

    def get_execution_context(self):
        return {"keep_pk": self.cleaned_form.cleaned_data["keep"], "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, keep_pk=None, user=None, **kwargs):
        keep = next(person for person in objects if person.pk == keep_pk)
        duplicates = [person for person in objects if person.pk != keep_pk]
        report = merge_people(keep=keep, duplicates=duplicates, user=user)
        return len(report.merged), report.links_moved

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d record merged; %(links)d links moved.",
            "%(count)d records merged; %(links)d links moved.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "links": num_child_objects}
