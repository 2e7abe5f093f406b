"""Celery entry points (queue `notifications`) and the hand-off of deliveries to them.

The tasks load ids and call the delivery code; `deliveries_enqueue` is how everything else
(the services after commit, the sweep, a large fan-out) hands deliveries over. All are
safe to run twice: a delivery is claimed before it is sent.
"""

import logging
from collections.abc import Iterable

from celery import shared_task

from notifications import delivery
from notifications.models import Channel

logger = logging.getLogger(__name__)

# Up to this many batches are published straight from the committing process.
FAN_OUT_INLINE_BATCHES = 8


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    return delivery.deliveries_send(delivery_ids=list(delivery_ids), retry_later=_retry_later)


@shared_task(name="notifications.tasks.fan_out", ignore_result=True)
def fan_out(deliveries: list[list]) -> None:
    deliveries_enqueue([(pk, channel) for pk, channel in deliveries], in_worker=True)


@shared_task(name="notifications.tasks.sweep", ignore_result=True)
def sweep() -> int:
    """Hand out again what is still due; returns how many."""
    due = delivery.deliveries_sweep()
    deliveries_enqueue(due, in_worker=True)
    return len(due)


@shared_task(name="notifications.tasks.digest", ignore_result=True)
def digest() -> int:
    """Send the daily digests; returns how many."""
    digests = delivery.digests_send()
    deliveries_enqueue([(pk, Channel.EMAIL) for pk in digests])
    return len(digests)


def _retry_later(delivery_id: int, seconds: float) -> None:
    try:
        deliver.apply_async(([delivery_id],), countdown=seconds)
    except Exception:
        logger.warning("Could not schedule retry of %s; the sweep will", delivery_id)


def deliveries_enqueue(deliveries: Iterable[tuple[int, str]], *, in_worker: bool = False) -> None:
    """Hand deliveries to the workers; called after commit, never fails its caller.

    A large fan-out is handed over as one task that a worker splits into batches, so the
    request that raised the event does not publish hundreds of messages. If the broker is
    unreachable the rows simply stay pending and the sweep sends them.
    """
    deliveries = list(deliveries)
    in_app, outside = [], []
    for delivery_id, channel in deliveries:
        (in_app if channel == Channel.IN_APP else outside).append(delivery_id)
    batches = _chunks(in_app, int(delivery.setting("IN_APP_BATCH_SIZE", 500)))
    # One task, one claim and one SMTP session per hundred messages; the lease is renewed
    # while they go out, so a slow mail server does not let another worker take them.
    batches += _chunks(outside, int(delivery.setting("BATCH_SIZE", 100)))
    try:
        if len(batches) > FAN_OUT_INLINE_BATCHES and not in_worker:
            fan_out.delay([[pk, str(channel)] for pk, channel in deliveries])
            return
        for batch in batches:
            deliver.delay(batch)
    except Exception:
        logger.warning(
            "Broker unreachable; %d deliveries wait for the sweep", len(deliveries), exc_info=True
        )


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
