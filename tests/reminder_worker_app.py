"""The project's Celery app for worker subprocesses started by tests and benchmarks, with its
default queue taken from B12_TASK_DEFAULT_QUEUE.

The dispatcher enqueues deliveries with ``deliver_notifications.delay`` (the default queue) and
settings.py has no variable for that queue; a worker started with
``celery -A tests.reminder_worker_app worker --queues <name>`` and this variable set to the same
name sends those deliveries to itself, so no other worker on the same Redis ever takes them.
"""

import os

from config.celery_app import app

_queue = os.environ.get("B12_TASK_DEFAULT_QUEUE")
if _queue:
    app.conf.task_default_queue = _queue

__all__ = ["app"]
