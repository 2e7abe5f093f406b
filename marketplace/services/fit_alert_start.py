"""Queueing the "a need that fits you" alert when a need is published.

The alert itself runs in a Celery task (`marketplace.tasks` →
`marketplace.services.fit_alerts`); queueing and running live in two modules so that this
one imports the tasks and the tasks import that one.
"""

from django.db import transaction

from marketplace import tasks
from marketplace.models import Need


def need_fit_alert_later(*, need: Need) -> None:
    """Once the publishing transaction commits, alert the fitting specialists in a task."""
    need_id = need.pk
    transaction.on_commit(lambda: tasks.need_fit_alert_send.delay(need_id), robust=True)
