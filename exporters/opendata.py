"""Open data: the published works as CSV or JSON Lines, public fields only, under the Licence
Ouverte / Etalab 2.0 (stated in every record and in the CSV's first column).

Plain Python: records are dicts built by `museum_collections.services.opendata`; this module
only writes them, streaming, through a temporary file renamed when complete.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable

LICENCE = "Licence Ouverte / Etalab 2.0 — https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def export(records: Iterable[dict], path, fmt: str, columns: list[str]) -> int:
    from .register_edition import atomic_output

    count = 0
    with (
        atomic_output(path) as temporary,
        open(temporary, "w", encoding="utf-8", newline="") as out,
    ):
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=["licence", *columns], quoting=csv.QUOTE_ALL)
            writer.writeheader()
        for record in records:
            record = {"licence": LICENCE, **record}
            if fmt == "csv":
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
