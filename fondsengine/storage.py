"""Where uploaded files live: a folder of the instance, or an S3-compatible bucket shared by many web nodes.

Both implement the same small interface. A file is first *staged* (written under a staging name),
then *published* when the transaction that records it commits, or *discarded* when it rolls back
(`fondsengine.files` binds these steps to the session). Names are random and chosen by the engine
(`<32 hex digits>.<suffix>`), never taken from a request.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fondsengine.errors import FondsError

if TYPE_CHECKING:
    from fondsengine.config import Settings

STAGING = ".staging"
NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")


class StorageError(FondsError):
    """The file store cannot be reached or refuses an operation (German message for the operator)."""


class StoredFileMissing(StorageError):
    """A file the database refers to is not in the store."""


def check_name(name: str) -> str:
    """A stored name as the engine makes them; anything else (paths, dots) is refused."""
    if not NAME.fullmatch(name or ""):
        raise ValueError("invalid stored name")
    return name


class Storage(Protocol):
    """The operations the engine needs from a file store."""

    label: str

    def stage(self, name: str, content: bytes, mimetype: str) -> None: ...
    def publish(self, name: str) -> None: ...
    def discard(self, name: str) -> None: ...
    def read(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def names(self) -> list[str]: ...
    def staged_names(self) -> list[str]: ...
    def check(self) -> None: ...


@dataclass
class FileStorage:
    """Files in a folder on the local disk (one office, one server)."""

    root: Path
    label: str = field(init=False)

    def __post_init__(self) -> None:
        self.label = f"Ordner {self.root}"

    def path(self, name: str) -> Path:
        return self.root / check_name(name)

    def stage(self, name: str, content: bytes, mimetype: str) -> None:
        staging = self.root / STAGING
        staging.mkdir(parents=True, exist_ok=True)
        with open(staging / check_name(name), "xb") as fh:
            fh.write(content)

    def publish(self, name: str) -> None:
        os.replace(self.root / STAGING / check_name(name), self.path(name))

    def discard(self, name: str) -> None:
        (self.root / STAGING / check_name(name)).unlink(missing_ok=True)

    def read(self, name: str) -> bytes:
        try:
            return self.path(name).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(f"Die Datei {name} fehlt im {self.label}.") from None

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file() and NAME.fullmatch(p.name))

    def staged_names(self) -> list[str]:
        staging = self.root / STAGING
        return sorted(p.name for p in staging.iterdir() if p.is_file()) if staging.is_dir() else []

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Der {self.label} ist nicht beschreibbar: {exc.strerror}") from None
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"Der {self.label} ist nicht beschreibbar.")


@dataclass
class S3Storage:
    """Objects in a bucket of an S3-compatible store (MinIO, Ceph, a cloud provider): shared by every node."""

    client: Any  # a boto3 S3 client
    bucket: str
    prefix: str = ""
    label: str = field(init=False)

    def __post_init__(self) -> None:
        self.label = f"Bucket {self.bucket}"

    def _key(self, name: str) -> str:
        return f"{self.prefix}{check_name(name)}"

    def _staging_key(self, name: str) -> str:
        return f"{self.prefix}{STAGING}/{check_name(name)}"

    def _call(self, what: str, fn: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"NoSuchKey", "404", "NotFound"}:
                raise StoredFileMissing(f"Die Datei fehlt im {self.label} ({what}).") from None
            raise StorageError(f"Der Dateispeicher ({self.label}) lehnt „{what}“ ab: {code}") from None
        except BotoCoreError as exc:
            raise StorageError(f"Der Dateispeicher ({self.label}) ist nicht erreichbar: {exc}") from None

    def stage(self, name: str, content: bytes, mimetype: str) -> None:
        self._call(
            "Ablegen",
            self.client.put_object,
            Bucket=self.bucket,
            Key=self._staging_key(name),
            Body=content,
            ContentType=mimetype,
        )

    def publish(self, name: str) -> None:
        source = {"Bucket": self.bucket, "Key": self._staging_key(name)}
        self._call("Übernehmen", self.client.copy_object, Bucket=self.bucket, Key=self._key(name), CopySource=source)
        self._call("Aufräumen", self.client.delete_object, Bucket=self.bucket, Key=self._staging_key(name))

    def discard(self, name: str) -> None:
        self._call("Verwerfen", self.client.delete_object, Bucket=self.bucket, Key=self._staging_key(name))

    def read(self, name: str) -> bytes:
        answer = self._call("Lesen", self.client.get_object, Bucket=self.bucket, Key=self._key(name))
        return bytes(answer["Body"].read())

    def delete(self, name: str) -> None:
        self._call("Löschen", self.client.delete_object, Bucket=self.bucket, Key=self._key(name))

    def _list(self, prefix: str) -> list[str]:
        found: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("Auflisten", self.client.list_objects_v2, **kwargs)
            for item in page.get("Contents", []):
                rest = str(item["Key"])[len(prefix) :]
                if NAME.fullmatch(rest):
                    found.append(rest)
            if not page.get("IsTruncated"):
                return sorted(found)
            token = page.get("NextContinuationToken")

    def names(self) -> list[str]:
        return self._list(self.prefix)

    def staged_names(self) -> list[str]:
        return self._list(f"{self.prefix}{STAGING}/")

    def check(self) -> None:
        self._call("Prüfen", self.client.head_bucket, Bucket=self.bucket)


def storage_for(settings: Settings) -> Storage:
    """The configured file store: `storage_backend = "file"` (default) or `"s3"`."""
    if settings.storage_backend == "file":
        return FileStorage(settings.effective_upload_dir)
    if settings.storage_backend == "s3":
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region or None,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=settings.s3_secret_access_key or None,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )
        prefix = settings.s3_prefix.strip("/")
        return S3Storage(client, settings.s3_bucket, f"{prefix}/" if prefix else "")
    raise StorageError(f"Unbekannter Dateispeicher „{settings.storage_backend}“ (erlaubt: file, s3).")
