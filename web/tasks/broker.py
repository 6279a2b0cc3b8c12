"""The embedded broker's and beat's files, private to the service's user whatever the umask:
kombu's filesystem transport with each message written mode 600 (its folders are made 700 by
TaskSettings.make_folders), and beat's schedule opened mode 600."""

from __future__ import annotations

import dbm
import os
import shelve
import uuid
from collections.abc import MutableMapping
from time import monotonic
from typing import Any, cast

from celery.beat import PersistentScheduler
from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from store.private import FILE_MODE, tighten_file

TRANSPORT = f"{__name__}:PrivateTransport"
SCHEDULER = f"{__name__}:PrivateScheduler"


class PrivateChannel(filesystem.Channel):
    """kombu's filesystem channel, its files private."""

    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]  # as kombu-stubs declare it
        """Put the message on the queue as kombu does (its file named as kombu's own `_get`
        finds it), the file created mode 600 instead of by the umask."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except OSError as error:
            raise ChannelError(f"Cannot add file {path!r} to directory") from error
        with os.fdopen(fd, "wb", buffering=0) as message:
            os.fchmod(fd, FILE_MODE)
            filesystem.lock(message, filesystem.LOCK_EX)  # type: ignore[attr-defined]
            try:
                message.write(str_to_bytes(dumps(payload)))
            finally:
                filesystem.unlock(message)

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str | None, queue: str) -> None:
        super()._queue_bind(exchange, routing_key, pattern, queue)
        for table in self.control_folder.glob("*.exchange"):  # which queues an exchange feeds
            tighten_file(table)


class PrivateTransport(filesystem.Transport):
    Channel = PrivateChannel


class PrivateScheduler(PersistentScheduler):
    """Beat's schedule (when each task last ran) in files of mode 600: celery opens it with
    shelve's default mode, which the umask decides."""

    def _open_schedule(self) -> Any:
        schedule = str(vars(self)["schedule_filename"])
        for suffix in self.known_suffixes:  # made by an earlier version, perhaps open to all
            tighten_file(f"{schedule}{suffix}")
        opened = dbm.open(schedule, "c", FILE_MODE)  # noqa: SIM115 - the shelf closes it
        return shelve.Shelf(cast("MutableMapping[bytes, bytes]", opened), writeback=True)
