"""Celery entry points of the marketplace: take ids, call a service, return."""

from celery import shared_task

from marketplace import reminders
from marketplace.services import fit_alerts, matching_runs, saved_search_alerts


@shared_task(name="marketplace.tasks.matching_run_execute", acks_late=True)
def matching_run_execute(run_id: int) -> str | None:
    """Execute a queued matching run (queue "matching"); safe to deliver twice."""
    run = matching_runs.matching_run_execute(run_id=run_id)
    return None if run is None else run.status


@shared_task(name="marketplace.tasks.approval_reminders_send")
def approval_reminders_send() -> int:
    """Daily (beat): remind who must approve matches pending over two working days."""
    return reminders.approval_reminders_send()


@shared_task(name="marketplace.tasks.engagement_starting_notify")
def engagement_starting_notify() -> int:
    """Daily (beat): tell both sides of accepted engagements starting within three days."""
    return reminders.engagement_starting_notify()


@shared_task(name="marketplace.tasks.unfilled_needs_notify")
def unfilled_needs_notify() -> int:
    """Daily (beat): tell managers of open needs that reached their start date unfilled."""
    return reminders.unfilled_needs_notify()


@shared_task(name="marketplace.tasks.saved_searches_check", acks_late=True)
def saved_searches_check(kind: str, item_id: int) -> int:
    """After a specialist or need changed: alert the saved searches it now fits."""
    return saved_search_alerts.saved_searches_check(kind=kind, item_id=item_id)


@shared_task(name="marketplace.tasks.saved_search_baseline", acks_late=True)
def saved_search_baseline(search_id: int) -> int:
    """After a search was saved: record what fits it already (no alert for those)."""
    return saved_search_alerts.saved_search_baseline(search_id=search_id)


@shared_task(name="marketplace.tasks.need_fit_alert_send", acks_late=True)
def need_fit_alert_send(need_id: int) -> int:
    """After a need was published: tell the opted-in specialists on its shortlist."""
    return fit_alerts.need_fit_alert_send(need_id=need_id)
