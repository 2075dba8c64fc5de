"""Load the Joconde vocabularies (SMF lexicons, OpenTheso th294) into ConceptScheme/Concept."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...services.vocabularies import SCHEMES, VocabularyLoadError, load_scheme, relink_terms


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked for, in the language active then
        return _(
            "Load or update the Joconde controlled vocabularies (SMF lexicons of May 2014 and "
            "the OpenTheso DOMN list). Safe to run again: only what changed is written."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "demo" / "data" / "vocabularies",
            help=_("Folder holding thesaurus-smf-2014/ and thesaurus-opentheso/."),
        )
        parser.add_argument(
            "--only",
            default="",
            help=_("Comma-separated scheme codes to load (default: all): %(codes)s.")
            % {"codes": ", ".join(SCHEMES)},
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=_("Treat warnings (indentation jumps, merged duplicates, …) as errors."),
        )

    def handle(self, *args, data_dir, only, strict, verbosity, **options):
        codes = self._codes(only)
        started = time.perf_counter()
        self.stdout.write(
            ngettext(
                "Loading %(count)s vocabulary from %(dir)s",
                "Loading %(count)s vocabularies from %(dir)s",
                len(codes),
            )
            % {"count": len(codes), "dir": data_dir}
        )
        results, failures = [], {}
        for code in codes:
            spec = SCHEMES[code]
            heading = f"{code:<8} {Path(spec.filename).name:<28} "
            try:
                result = load_scheme(code, data_dir / spec.filename, strict=strict)
            except (VocabularyLoadError, DatabaseError) as error:
                # The scheme's transaction was rolled back: go on with the others.
                failures[code] = str(error)
                self.stdout.write(
                    heading
                    + self.style.ERROR(_("FAILED, nothing written: %(error)s") % {"error": error})
                )
                continue
            results.append(result)
            if verbosity:
                self._report(heading, result, verbosity)

        linked = relink_terms()
        created = sum(result.created for result in results)
        updated = sum(result.updated for result in results)
        unchanged = sum(result.unchanged for result in results)
        missing = sum(len(result.missing) for result in results)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            _(
                "Total: %(total)s concepts in %(schemes)s schemes: %(created)s created, "
                "%(updated)s updated, %(unchanged)s unchanged, %(missing)s missing, "
                "in %(seconds).1f s."
            )
            % {
                "total": created + updated + unchanged,
                "schemes": len(results),
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "missing": missing,
                "seconds": elapsed,
            }
        )
        if results and not any(result.changed for result in results):
            self.stdout.write(_("Nothing changed: the vocabularies were already up to date."))
        self.stdout.write(_("Work terms newly linked to a concept: %(count)s.") % {"count": linked})
        if failures:
            raise CommandError(
                _(
                    "%(failed)s of %(count)s vocabularies could not be loaded and were left as "
                    "they were (%(codes)s). Correct the files, then run the command again, e.g. "
                    "with --only %(codes_arg)s.\n%(details)s"
                )
                % {
                    "failed": len(failures),
                    "count": len(codes),
                    "codes": ", ".join(failures),
                    "codes_arg": ",".join(failures),
                    "details": "\n".join(f"{code}: {error}" for code, error in failures.items()),
                }
            )

    def _codes(self, only: str) -> list[str]:
        if not only.strip():
            return list(SCHEMES)
        wanted = [code.strip().upper() for code in only.split(",") if code.strip()]
        unknown = [code for code in wanted if code not in SCHEMES]
        if unknown:
            raise CommandError(
                _("Unknown scheme code(s): %(unknown)s. Known codes: %(codes)s.")
                % {"unknown": ", ".join(unknown), "codes": ", ".join(SCHEMES)}
            )
        return [code for code in SCHEMES if code in wanted]  # the load order, whatever was typed

    def _report(self, heading, result, verbosity):
        if result.changed:
            line = _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(missing)s missing"
            )
        else:
            line = _("nothing to change (%(unchanged)s unchanged, %(missing)s missing)")
        line = line % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "missing": len(result.missing),
        }
        self.stdout.write(
            heading
            + line
            + _(" — %(seconds).2f s, %(rate)s concepts/s")
            % {"seconds": result.seconds, "rate": f"{result.rate:.0f}"}
        )
        if result.relabelled_terms:
            self.stdout.write(
                "    "
                + ngettext(
                    "%(count)s work term took the new label.",
                    "%(count)s work terms took the new labels.",
                    result.relabelled_terms,
                )
                % {"count": result.relabelled_terms}
            )
        if result.missing:
            shown = result.missing if verbosity > 1 else result.missing[:5]
            more = "" if len(shown) == len(result.missing) else " …"
            self.stdout.write(
                "    "
                + self.style.WARNING(
                    _("No longer in the file, kept (works may use them): %(labels)s")
                    % {"labels": "; ".join(shown) + more}
                )
            )
        if result.warnings:
            if verbosity > 1:
                for warning in result.warnings:
                    self.stdout.write("    " + self.style.WARNING(warning))
            else:
                self.stdout.write(
                    "    "
                    + self.style.WARNING(
                        ngettext(
                            "%(count)s warning: the file was read as the warning describes "
                            "(list it with -v 2).",
                            "%(count)s warnings: the file was read as the warnings describe "
                            "(list them with -v 2).",
                            len(result.warnings),
                        )
                        % {"count": len(result.warnings)}
                    )
                )
