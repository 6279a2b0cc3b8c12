"""`flask --app web keys …`: rotate the key that encrypts the stores (the key store's
backup and restore join this group from web/cli/erasure.py)."""

from __future__ import annotations

import time
from typing import Any

import click
from flask.cli import AppGroup

from web.bootstrap import services

keys = AppGroup(
    "keys",
    help="Keys: re-encrypt the stores under a new CIPHER_KEY; back up and restore the key store.",
)


@keys.command("rotate-cipher")
@click.option("--batch", default=500, show_default=True, help="Rows per transaction.")
def rotate_cipher(batch: int) -> None:
    """Re-encrypt every stored event, snapshot and remembered answer under CIPHER_KEY, reading
    old rows with CIPHER_KEYS_PREVIOUS; safe to run again after a crash."""
    from web.operations.rotation import RotationError
    from web.operations.rotation import rotate_cipher as rotate

    started = time.perf_counter()
    try:
        counts: dict[str, Any] = rotate(
            services(), lambda line: click.echo(f"  … {line}", err=True), batch
        )
    except RotationError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(v for k, v in counts.items() if k != "household digests")
    click.echo(
        f"rotated: {rows} rows re-encrypted under the current CIPHER_KEY, "
        f"{counts.get('household digests', 0)} household digests moved, "
        f"in {time.perf_counter() - started:.1f} s"
    )
