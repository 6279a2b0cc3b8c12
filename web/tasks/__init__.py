"""Background work with Celery, bound to the Flask app factory (Flask's "Celery" pattern): the
outbox that tells partners of their referrals, the referral clock, and the daily digest.

Tasks run inside the app context and build the services there, after any fork. Work is found by
following the event log and the store, never handed over by request handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from celery import Celery, Task
from flask import Flask, current_app

from web.bootstrap import services
from web.partitions import current_partition, working_in
from web.tasks.settings import TaskSettings

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

    from web.tasks.delivery import Notifier

__all__ = ["init_app", "notifier", "task_settings"]


def init_app(app: Flask) -> Celery:
    """Create the app's Celery application, its tasks running in the app's context."""
    settings = TaskSettings.from_app(app)

    class FlaskTask(Task[..., Any]):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # A task sent for a partition (COMMUNITY_PARTITIONS) works in it, else in the default.
            with app.app_context(), working_in(str(kwargs.pop("partition", "") or "")):
                return self.run(*args, **kwargs)

    celery_app: Celery = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.conf.update(settings.celery_config())
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    app.extensions["needs.task_settings"] = settings

    from web.tasks import duties, jobs  # noqa: F401 - registers the tasks

    return celery_app


def task_settings(app: Flask | None = None) -> TaskSettings:
    app = app or cast("LocalProxy[Flask]", current_app)._get_current_object()
    settings: TaskSettings = app.extensions["needs.task_settings"]
    return settings


def notifier(app: Flask | None = None) -> Notifier:
    """This process's notifier of the partition the work is in, built on first use (after
    any fork)."""
    from web.tasks.delivery import Notifier
    from web.tasks.mail import Mailer

    app = app or cast("LocalProxy[Flask]", current_app)._get_current_object()
    running = services(app)
    built: dict[str, Notifier] = app.extensions.setdefault("needs.notifier", {})
    partition = current_partition(running.settings)
    if partition not in built:
        smtp = task_settings(app).smtp
        built[partition] = Notifier(running, Mailer(smtp) if smtp else None)
    return built[partition]
