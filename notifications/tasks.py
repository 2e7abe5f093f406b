"""Celery entry points (queue `notifications`): each loads ids and calls the delivery code.

All are safe to run twice: a delivery is claimed before it is sent.
"""

from celery import shared_task

from notifications import delivery


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    return delivery.deliveries_send(delivery_ids=list(delivery_ids))


@shared_task(name="notifications.tasks.fan_out", ignore_result=True)
def fan_out(deliveries: list[list]) -> None:
    delivery.deliveries_enqueue([(pk, channel) for pk, channel in deliveries], in_worker=True)


@shared_task(name="notifications.tasks.sweep", ignore_result=True)
def sweep() -> int:
    return delivery.deliveries_sweep()


@shared_task(name="notifications.tasks.digest", ignore_result=True)
def digest() -> int:
    return delivery.digests_send()
