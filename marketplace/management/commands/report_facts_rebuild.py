"""Recompute the reports' facts and tallies from needs, matches and engagements.

    manage.py report_facts_rebuild

For data written without the services (bulk loads, repairs); the services keep the facts
up to date on their own. Run it while nothing else writes needs, matches or engagements.
"""

from django.core.management.base import BaseCommand

from marketplace.reports.facts import report_facts_rebuild


class Command(BaseCommand):
    help = "Recompute the reports' facts and tallies from the source tables."

    def handle(self, *args, **options) -> None:
        counts = report_facts_rebuild()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count:,} rows")
