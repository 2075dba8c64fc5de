"""Helpers shared by the register tests."""

from museum_collections.models import InventoryEntry, Work
from museum_collections.services import register


def make_entry(number="2019.1.1", **columns) -> InventoryEntry:
    """A work and its draft inventory entry, with the columns validation requires."""
    work = Work.objects.create(inventory_number=number, title=f"Œuvre {number}")
    values = {"designation": f"Tableau : Œuvre {number}", "acquisition_mode": "don"} | columns
    return register.draft_entry_for(work, **values)
