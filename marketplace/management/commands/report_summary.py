"""Write the summary report for a period as one self-contained HTML file.

    manage.py report_summary --from 2027-01-01 --to 2027-12-31 [--agency slug] \
        --output report.html

Runs with a coordinator's view of the data (every agency), since it is run by an
operator for agency heads; `--agency` adds that agency's detail.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from accounts.models import Agency, Role, User
from marketplace.reports.document import render_report_document
from marketplace.reports.query import MAX_PERIOD_DAYS
from marketplace.selectors.reports import ReportPeriod, report_summary


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Write the summary report for a period as a self-contained HTML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--agency", help="slug of the agency whose detail to include")
        parser.add_argument("--output", required=True, help="path of the HTML file to write")
        parser.add_argument("--language", default="sv", choices=["sv", "en"])

    def handle(self, *args, **options) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--to must not be before --from.")
        if (end - start).days > MAX_PERIOD_DAYS:
            raise CommandError("The period may be at most ten years.")
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(slug=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency has the slug {options['agency']!r}.")
        # An unsaved coordinator: the report's permission rules, without a real account.
        reader = User(role=Role.COORDINATOR, name="report_summary")
        report = report_summary(
            user=reader, period=ReportPeriod(start=start, end=end), agency=agency
        )
        with translation.override(options["language"]):
            html = render_report_document(report)
        output = Path(options["output"])
        output.write_text(html, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(html):,} characters)."))
