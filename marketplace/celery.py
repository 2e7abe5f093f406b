import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="marketplace.ping")
def ping() -> str:
    """A no-op task: the floor for worker benchmarks and the broker round-trip check."""
    return "pong"
