"""Remember the values a row had in the database, for models that refuse some changes."""

from django.db import models


class StoredValues(models.Model):
    """``self._stored`` holds the row as last read or saved ({attname: value}); empty when new."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored = dict(zip(field_names, values, strict=True))
        return instance

    def remember_stored(self) -> None:
        """Call after a save: what is in the object is now what is in the database."""
        self._stored = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
