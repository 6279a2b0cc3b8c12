"""The entry point of the worker and beat processes:
`celery -A web.worker:celery_app worker` (or `beat`).

The Flask app is created here, at import, but the services (connections to the store) are built
in each worker process after the fork and dropped, never shared, across it."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init, worker_process_shutdown

from web import create_app, services
from web.bootstrap import close_services
from web.tasks import task_settings
from web.tasks.timing import TaskClock

flask_app = create_app({"CLOCK": TaskClock()})
celery_app = flask_app.extensions["celery"]
task_settings(flask_app).make_folders()


@worker_process_init.connect
def build_services_after_fork(**_: Any) -> None:
    """A forked child starts without the parent's services (their connections stay with the
    parent, unclosed) and builds its own."""
    flask_app.extensions.pop("needs.services", None)
    flask_app.extensions.pop("needs.partitions", None)
    flask_app.extensions.pop("needs.notifier", None)
    services(flask_app)


@worker_process_shutdown.connect
def close_services_at_shutdown(**_: Any) -> None:
    close_services(flask_app)
