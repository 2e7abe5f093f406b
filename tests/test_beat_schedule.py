from django.conf import settings

from marketplace.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)


def test_beat_runs_the_sweep_and_the_daily_reminders():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "notifications.tasks.sweep",
        "notifications.tasks.digest",
        "marketplace.tasks.approval_reminders_send",
        "marketplace.tasks.engagement_starting_notify",
        "marketplace.tasks.unfilled_needs_notify",
    } <= scheduled
