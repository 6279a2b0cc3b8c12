"""Configuration from the environment (Heroku style), with the production safety checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kernel.community import DEMO_COMMUNITY, Community, community_from_dict, community_id
from partners.webhooks import WebhookPolicy
from store.cipher import split_keys
from store.purging import PURGE_SECONDS
from store.statements import check_public_key

CIPHER_TOPIC = "store.cipher:RotatingCipher"
MIN_SECRET_LENGTH = 32
# Optional tuning read from the environment into Settings.extra.
TUNING: tuple[str, ...] = (
    "TOKEN_TTL_HOURS",
    "PASSWORD_TIME_COST",
    "PASSWORD_MEMORY_KIB",
    "PASSWORD_PARALLELISM",
    "PDF_FONT",
    "ERASURE_PURGE_SECONDS",
)
# The three fives' rules, e.g. DUTY_VISIT_DAYS="hospitalised=1" and DUTY_ASK_DAYS="unemployed=14".
TUNING += ("DUTY_VISIT_DAYS", "DUTY_ASK_DAYS")
# Where people open the pages a notice links to, e.g. PUBLIC_URL="https://needs.example.cn".
TUNING += ("PUBLIC_URL",)
# The share of households whose consent lets a project apply, e.g. "2/3" (100 % when unset).
TUNING += ("PROJECT_CONSENT_THRESHOLD",)
# The one partition an operator command works in, e.g. NEEDS_PARTITION="street_a".
TUNING += ("NEEDS_PARTITION",)


class ConfigurationError(RuntimeError):
    """The service must not start with this configuration."""


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to build the service."""

    env: str
    database_url: str
    instance_path: str
    secret_key: str
    cipher_key: str | None
    communities: tuple[Community, ...]
    postgres_pool_size: int = 2
    postgres_max_overflow: int = 2
    cache_size: int = 1000
    redis_url: str | None = None
    signing_key: str | None = None
    cipher_keys_previous: tuple[str, ...] = ()
    signing_keys_retired: tuple[str, ...] = ()
    webhook_allow_private: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)
    # COMMUNITY_PARTITIONS: community id -> the partition that stores it (web/partitions.py);
    # communities not named stay in the default one. `partition` is the one these settings
    # build ("" the default).
    partitions: Mapping[str, str] = field(default_factory=dict)
    partition: str = ""

    @property
    def store(self) -> str:
        """'sqlite' or 'postgres'."""
        return (
            "postgres"
            if self.database_url.startswith(("postgres://", "postgresql://"))
            else "sqlite"
        )

    @property
    def webhook_policy(self) -> WebhookPolicy:
        """Where partners' webhooks may point: never into the server's own network unless
        WEBHOOK_ALLOW_PRIVATE=1, and over https only in production (unless that is set)."""
        return WebhookPolicy(
            allow_private=self.webhook_allow_private,
            require_https=self.env == "production" and not self.webhook_allow_private,
        )

    @property
    def address_key(self) -> bytes:
        """The key for household address digests, derived from CIPHER_KEY so it needs no
        secret of its own and is the same in every process. Without CIPHER_KEY nothing is
        protected at rest anyway, so a fixed development key is used."""
        return _address_key(self.cipher_key)

    @property
    def previous_address_keys(self) -> tuple[bytes, ...]:
        """The address keys of CIPHER_KEYS_PREVIOUS: households found under them until
        `keys rotate-cipher` has moved their digests to the current key."""
        return tuple(_address_key(key) for key in self.cipher_keys_previous)

    @property
    def key_encryption_key(self) -> bytes:
        """The key that wraps every household key (never stored), derived from CIPHER_KEY."""
        return key_encryption_key(self.cipher_key)

    @property
    def previous_key_encryption_keys(self) -> tuple[bytes, ...]:
        """The wrapping keys of CIPHER_KEYS_PREVIOUS, read until `keys rotate-cipher` re-wraps."""
        return tuple(key_encryption_key(key) for key in self.cipher_keys_previous)

    @property
    def purge_seconds(self) -> float:
        """How long an erasure waits for another reader of a deleted copy before it says it
        could not finish yet (ERASURE_PURGE_SECONDS)."""
        return float(self.extra.get("ERASURE_PURGE_SECONDS", PURGE_SECONDS))

    def sqlite_path(self, purpose: str) -> str:
        """The SQLite file for one application ('needs', 'partners', 'views')."""
        url = urlparse(self.database_url)
        main = Path(unquote(url.path[1:] if url.path.startswith("//") else url.path))
        if not main.is_absolute():
            main = Path(self.instance_path) / main
        if purpose == "needs":
            return str(main)
        return str(main.with_name(f"{main.stem}-{purpose}{main.suffix or '.sqlite'}"))

    def postgres_params(self) -> dict[str, str]:
        url = urlparse(self.database_url)
        return {
            "dbname": url.path.lstrip("/"),
            "host": url.hostname or "127.0.0.1",
            "port": str(url.port or 5432),
            "user": unquote(url.username or ""),
            "password": unquote(url.password or ""),
        }


def _address_key(cipher_key: str | None) -> bytes:
    base = (cipher_key or "development: no CIPHER_KEY set").encode()
    return hmac.new(base, b"household-address-digest", hashlib.sha256).digest()


def channel_key(cipher_key: str | None) -> bytes:
    """HKDF over CIPHER_KEY: the key that seals channels' secrets (robot URLs, signing keys)."""
    base = (cipher_key or "development: no CIPHER_KEY set").encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"channel-secrets")
    return hkdf.derive(base)


def key_encryption_key(cipher_key: str | None) -> bytes:
    """HKDF over CIPHER_KEY; without one (development) over a fixed string, like address_key."""
    base = (cipher_key or "development: no CIPHER_KEY set").encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"household-key-wrap")
    return hkdf.derive(base)


def load_settings(
    instance_path: str,
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read settings from the environment (and test overrides), refusing unsafe production ones."""
    source: dict[str, object] = dict(environ if environ is not None else os.environ)
    source.update(overrides or {})
    env = str(source.get("NEEDS_ENV", "development"))
    secret = str(source.get("SECRET_KEY") or "")
    cipher = str(source.get("CIPHER_KEY") or "") or None
    if env == "production":
        _check_production(secret, cipher, source)
    retired = split_keys(str(source.get("SIGNING_KEYS_RETIRED") or ""))
    _check_retired(retired)
    if source.get("CIPHER_KEYS_PREVIOUS") and not cipher:
        raise ConfigurationError("CIPHER_KEYS_PREVIOUS is set but CIPHER_KEY is not")
    if not secret:
        # Development only: a throwaway key (sessions end when the process does).
        secret = secrets.token_urlsafe(32)
    default_url = f"sqlite:///{Path(instance_path) / 'needs.sqlite'}"
    communities = _communities(source.get("COMMUNITY_FILE"))
    partitions = _partitions(str(source.get("COMMUNITY_PARTITIONS") or ""), communities)
    chosen = str(source.get("NEEDS_PARTITION") or "")
    if chosen and chosen not in partitions.values():
        named = ", ".join(sorted(set(partitions.values()))) or "none"
        raise ConfigurationError(
            f"NEEDS_PARTITION={chosen!r} is not a partition of COMMUNITY_PARTITIONS ({named})"
        )
    return Settings(
        env=env,
        database_url=str(source.get("DATABASE_URL") or default_url),
        instance_path=instance_path,
        secret_key=secret,
        cipher_key=cipher,
        communities=communities,
        postgres_pool_size=int(str(source.get("POSTGRES_POOL_SIZE", 2))),
        postgres_max_overflow=int(str(source.get("POSTGRES_MAX_OVERFLOW", 2))),
        cache_size=int(str(source.get("AGGREGATE_CACHE_SIZE", 1000))),
        redis_url=str(source.get("REDIS_URL") or "") or None,
        signing_key=str(source.get("SIGNING_KEY") or "") or None,
        cipher_keys_previous=split_keys(str(source.get("CIPHER_KEYS_PREVIOUS") or "")),
        signing_keys_retired=retired,
        webhook_allow_private=str(source.get("WEBHOOK_ALLOW_PRIVATE") or "") == "1",
        extra={k: str(source[k]) for k in TUNING if source.get(k) not in (None, "")},
        partitions=partitions,
    )


def _check_production(secret: str, cipher: str | None, source: Mapping[str, object]) -> None:
    problems = []
    if len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            f"SECRET_KEY must be set to a random value of {MIN_SECRET_LENGTH}+ characters"
        )
    if not cipher:
        problems.append("CIPHER_KEY must be set (residents' personal data is encrypted at rest)")
    if source.get("DEMO_PASSWORD"):
        problems.append("DEMO_PASSWORD is set: demo accounts are refused in production")
    if problems:
        raise ConfigurationError("refusing to start in production: " + "; ".join(problems))


def _check_retired(retired: tuple[str, ...]) -> None:
    for key in retired:
        try:
            check_public_key(key)
        except ValueError as error:
            raise ConfigurationError(f"SIGNING_KEYS_RETIRED: {error}") from None


def _communities(path: object) -> tuple[Community, ...]:
    if not path:
        return (DEMO_COMMUNITY,)
    data = json.loads(Path(str(path)).read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    return tuple(community_from_dict(item) for item in items)


# A partition's name is a PostgreSQL schema and a folder name: a plain lower-case identifier.
PARTITION_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _partitions(text: str, communities: tuple[Community, ...]) -> dict[str, str]:
    """COMMUNITY_PARTITIONS="community=partition,other=partition2" (a community by its id or
    its slug) as a map by id, every community known and every partition a plain identifier."""
    known = {c.id: c.name for c in communities}
    found: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        named, equals, partition = (side.strip() for side in item.partition("="))
        where = f"COMMUNITY_PARTITIONS: {item!r}"
        if not equals or not named or not partition:
            raise ConfigurationError(f"{where} is not community=partition")
        community = named if named in known else community_id(named)
        if community not in known:
            listed = ", ".join(f"{id_} ({name})" for id_, name in known.items())
            raise ConfigurationError(
                f"{where} names the community {named!r}, which is neither the id nor the slug "
                f"of a community of the community file (it lists {listed})"
            )
        if community in found:
            raise ConfigurationError(f"{where}: the community {community!r} is named twice")
        if not PARTITION_NAME.fullmatch(partition) or partition.startswith("pg_"):
            raise ConfigurationError(
                f"{where}: the partition {partition!r} must be a lower-case identifier "
                "(a letter, then letters, digits or _, at most 63; not starting pg_)"
            )
        if partition == "public":
            raise ConfigurationError(f"{where}: 'public' is the default partition's schema")
        found[community] = partition
    return found
