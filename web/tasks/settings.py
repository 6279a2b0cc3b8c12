"""The background work's configuration: the broker, mail and digest recipients, read from the
app's config (test overrides) and then the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from celery.schedules import crontab
from flask import Flask

from store.private import private_folder
from web.partitions import every_partition
from web.tasks.broker import SCHEDULER, TRANSPORT
from web.tasks.mail import SmtpSettings

# A broker in files under instance/broker/: no server to install or run.
EMBEDDED_BROKER = "filesystem://localhost//"
DISPATCH_EVERY = timedelta(seconds=10)
CLOCK_EVERY = timedelta(minutes=1)
NAMES = (
    "CELERY_BROKER_URL",
    "CELERY_QUEUE",
    "SMTP_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "SMTP_STARTTLS",
    "SMTP_FROM",
    "DIGEST_EMAILS",
    "DIGEST_HOUR",
    "CELERY_DATA_FOLDER",
    "DISPATCH_EVERY_SECONDS",
    "CLOCK_EVERY_SECONDS",
)


@dataclass(frozen=True)
class TaskSettings:
    """Where tasks travel, where mail goes, and who gets the daily digest."""

    broker_url: str
    data_folder: str
    queue: str = "celery"
    dispatch_every: timedelta = DISPATCH_EVERY
    clock_every: timedelta = CLOCK_EVERY
    smtp: SmtpSettings | None = None
    digest_recipients: dict[str, str] = field(default_factory=dict)
    digest_hour: int = 8
    partitions: tuple[str, ...] = ()  # beyond the default one (COMMUNITY_PARTITIONS)

    @classmethod
    def from_app(cls, app: Flask) -> TaskSettings:
        """CELERY_BROKER_URL, else REDIS_URL, else a broker in files under CELERY_DATA_FOLDER
        (the instance folder) /broker/, where beat keeps its schedule too; CELERY_QUEUE names
        the queue (several deployments may share one Redis)."""
        settings = app.config["NEEDS_SETTINGS"]
        config = {n: str(app.config.get(n) or os.environ.get(n) or "") or None for n in NAMES}
        return cls(
            broker_url=config["CELERY_BROKER_URL"] or settings.redis_url or EMBEDDED_BROKER,
            data_folder=config["CELERY_DATA_FOLDER"] or settings.instance_path,
            queue=config["CELERY_QUEUE"] or "celery",
            dispatch_every=_seconds(config["DISPATCH_EVERY_SECONDS"], DISPATCH_EVERY),
            clock_every=_seconds(config["CLOCK_EVERY_SECONDS"], CLOCK_EVERY),
            smtp=SmtpSettings.from_config(config),
            digest_recipients=_pairs(config["DIGEST_EMAILS"] or ""),
            digest_hour=int(config["DIGEST_HOUR"] or 8),
            partitions=every_partition(settings)[1:],
        )

    def _in_every_partition(self, schedule: dict[str, Any]) -> dict[str, Any]:
        """The schedule for the default partition, and for each other one its own entries that
        run there (the task's `partition` argument, web/tasks/__init__.py)."""
        return schedule | {
            f"{name}@{partition}": {**entry, "kwargs": {"partition": partition}}
            for partition in self.partitions
            for name, entry in schedule.items()
        }

    @property
    def broker_folder(self) -> Path:
        return Path(self.data_folder) / "broker"

    def broker_shown(self) -> str:
        """The broker's address without its password."""
        if self.broker_url.startswith("filesystem://"):
            return f"filesystem://{self.broker_folder}"
        url = urlparse(self.broker_url)
        if url.password:
            netloc = url.netloc.replace(f":{url.password}@", ":***@")
            return urlunparse(url._replace(netloc=netloc))
        return self.broker_url

    def celery_config(self) -> dict[str, Any]:
        """Celery's settings: JSON only, no results kept, the beat schedule."""
        config: dict[str, Any] = {
            "broker_url": self.broker_url,
            "broker_connection_retry_on_startup": True,
            "task_default_queue": self.queue,
            "task_serializer": "json",
            "result_serializer": "json",
            "accept_content": ["json"],
            "task_ignore_result": True,
            "task_acks_late": True,
            "worker_prefetch_multiplier": 1,
            "timezone": "Asia/Shanghai",
            "enable_utc": True,
            "beat_schedule_filename": str(Path(self.data_folder) / "celerybeat-schedule"),
            "beat_scheduler": SCHEDULER,  # its file private
            "beat_schedule": {
                "dispatch-deliveries": {
                    "task": "needs.dispatch_deliveries",
                    "schedule": self.dispatch_every,
                    "options": {"expires": self.dispatch_every.total_seconds()},
                },
                "check-referral-clocks": {
                    "task": "needs.check_referral_clocks",
                    "schedule": self.clock_every,
                    "options": {"expires": self.clock_every.total_seconds()},
                },
                "daily-digest": {
                    "task": "needs.send_digests",
                    "schedule": crontab(hour=self.digest_hour, minute=0),
                },
                "duty-asks": {
                    "task": "duties.fall_due",
                    "schedule": crontab(minute=1),
                },
                "daily-seal": {
                    "task": "needs.seal_log",
                    "schedule": crontab(hour=0, minute=5),
                },
            },
        }
        config["beat_schedule"] = self._in_every_partition(config["beat_schedule"])
        if self.broker_url.startswith("filesystem://"):
            queue = self.broker_folder / "queue"
            processed = self.broker_folder / "processed"
            config["broker_transport"] = TRANSPORT  # kombu's, its messages private
            config["broker_transport_options"] = {
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "processed_folder": str(processed),
                "store_processed": False,
                "control_folder": str(self.broker_folder / "control"),
            }
        return config

    def make_folders(self) -> None:
        """The data folder, and the filesystem broker's folders, must exist before anyone
        sends, listens or keeps a schedule; each made mode 700."""
        private_folder(self.data_folder)
        if self.broker_url.startswith("filesystem://"):
            for name in ("queue", "processed", "control"):
                private_folder(self.broker_folder / name)


def _seconds(value: str | None, default: timedelta) -> timedelta:
    return timedelta(seconds=float(value)) if value else default


def _pairs(text: str) -> dict[str, str]:
    """'leader3=a@example.org, leader5=b@example.org' as a mapping."""
    pairs = {}
    for item in text.split(","):
        name, _, address = item.partition("=")
        if name.strip() and address.strip():
            pairs[name.strip()] = address.strip()
    return pairs
