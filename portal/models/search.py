"""The SQL catalogue search's tables (`portal.search.sql`): one entry per published work, its
facet values, and, created by migration for each database, the full-text index: an FTS5 table
on SQLite, a tsvector column with a GIN index on PostgreSQL."""

from django.db import models


class CatalogueEntry(models.Model):
    ref = models.CharField(max_length=20, unique=True)
    inventory_number = models.CharField(max_length=100)
    inventory_key = models.CharField(max_length=100, db_index=True)  # lookup.normalise()
    title = models.TextField()
    sort_title = models.CharField(max_length=255, db_index=True)
    makers = models.JSONField(default=list)
    date = models.CharField(max_length=255, blank=True)
    year_from = models.SmallIntegerField(null=True, db_index=True)
    year_to = models.SmallIntegerField(null=True)
    body = models.TextField(blank=True)
    image_id = models.IntegerField(null=True)
    sort_inventory = models.CharField(max_length=255, db_index=True)

    class Meta:
        verbose_name = "catalogue search entry"

    def __str__(self):
        return f"{self.ref} {self.title}"


class CatalogueFacet(models.Model):
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value"], name="catalogue_facet_value_idx"),
            # counting the facets of a set of results reads this index alone
            models.Index(fields=["entry", "facet", "value"], name="catalogue_facet_entry_idx"),
        ]

    def __str__(self):
        return f"{self.facet}: {self.value}"
