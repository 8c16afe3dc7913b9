"""The file store of uploads: a folder and an S3-compatible bucket (a real local S3 server from moto),
the same contract for both, the engine's uploads bound to the transaction on S3, backup and restore."""

from __future__ import annotations

import dataclasses
import hashlib
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from fondsengine.applications.records import AttachmentInput, add_attachment, attachment_content
from fondsengine.applications.service import create_draft
from fondsengine.config import Settings, load_settings
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.jobs.housekeeping import remove_files
from fondsengine.model import Application, Attachment
from fondsengine.ops.backup import BackupError, backup, restore
from fondsengine.storage import FileStorage, S3Storage, Storage, StorageError, StoredFileMissing, storage_for
from tests.support.factories import QF, person, quartiersfonds_input

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEYS = {"s3_access_key_id": "fonds-test", "s3_secret_access_key": "fonds-test-secret", "s3_region": "eu-central-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible HTTP server (moto's server mode) for this module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_settings(base: Settings, endpoint: str) -> Settings:
    """The settings switched to a new, empty bucket on the test server."""
    bucket = "fonds-" + uuid.uuid4().hex[:12]
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=KEYS["s3_region"],
        aws_access_key_id=KEYS["s3_access_key_id"],
        aws_secret_access_key=KEYS["s3_secret_access_key"],
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": KEYS["s3_region"]})
    return dataclasses.replace(
        base, storage_backend="s3", s3_endpoint_url=endpoint, s3_bucket=bucket, s3_prefix="witten/", **KEYS
    )


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    base = load_settings(environ={}, instance_path=str(tmp_path))
    if request.param == "file":
        return storage_for(base)
    return storage_for(s3_settings(base, request.getfixturevalue("s3_endpoint")))


def test_both_stores_keep_the_same_contract(store: Storage) -> None:
    name, other = "ab" * 16 + ".pdf", "cd" * 16 + ".png"
    store.stage(name, PDF, "application/pdf")
    store.stage(other, b"\x89PNG", "image/png")
    assert store.names() == [] and store.staged_names() == sorted([name, other])  # staged is not stored
    with pytest.raises(StoredFileMissing):
        store.read(name)
    store.publish(name)
    store.discard(other)
    assert store.names() == [name] and store.staged_names() == []
    assert store.read(name) == PDF
    store.delete(name)
    assert store.names() == []
    with pytest.raises(StoredFileMissing, match="fehlt"):
        store.read(name)
    store.check()


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ab" * 16 + ".exe", ".staging/" + "ab" * 16 + ".pdf", ""])
def test_names_from_outside_are_refused(store: Storage, bad: str) -> None:
    with pytest.raises(ValueError):
        store.read(bad)
    with pytest.raises(ValueError):
        store.stage(bad, PDF, "application/pdf")


def test_the_kind_of_store_follows_the_settings(tmp_path: Path) -> None:
    assert isinstance(storage_for(load_settings(environ={}, instance_path=str(tmp_path))), FileStorage)
    keys = {f"FONDS_{k.upper()}": v for k, v in KEYS.items()}  # with keys: boto3 never asks a metadata service
    environ = {"FONDS_STORAGE_BACKEND": "s3", "FONDS_S3_BUCKET": "b", **keys}
    s3 = load_settings(environ=environ, instance_path=str(tmp_path))
    assert isinstance(storage_for(s3), S3Storage)
    with pytest.raises(InvalidInput, match="s3_bucket"):
        load_settings(environ={"FONDS_STORAGE_BACKEND": "s3"})
    with pytest.raises(InvalidInput, match="file oder s3"):
        load_settings(environ={"FONDS_STORAGE_BACKEND": "ftp"})


def test_an_unreachable_bucket_is_a_german_error(tmp_path: Path) -> None:
    base = load_settings(environ={}, instance_path=str(tmp_path))
    settings = dataclasses.replace(
        base, storage_backend="s3", s3_endpoint_url=f"http://127.0.0.1:{_free_port()}", s3_bucket="weg", **KEYS
    )
    with pytest.raises(StorageError, match="nicht erreichbar"):
        storage_for(settings).check()


@pytest.fixture
def s3_fonds(sqlite_fonds: Engine, s3_endpoint: str) -> Engine:
    """The engine (SQLite database) with its uploads in an S3 bucket."""
    return dataclasses.replace(sqlite_fonds, settings=s3_settings(sqlite_fonds.settings, s3_endpoint), _storage=None)


def _draft(fonds: Engine) -> tuple[Actor, int]:
    anna = person(fonds, "Anna Beispiel", f"anna-{uuid.uuid4().hex[:6]}@example.org")
    return anna, create_draft(fonds, anna, QF, quartiersfonds_input())


def test_uploads_reach_the_bucket_only_when_the_transaction_commits(s3_fonds: Engine) -> None:
    store = s3_fonds.storage
    assert isinstance(store, S3Storage)
    anna, app_id = _draft(s3_fonds)
    offer = AttachmentInput("cost_estimate", "angebot.pdf", "application/pdf", PDF)
    att_id = add_attachment(s3_fonds, anna, app_id, offer)
    with s3_fonds.db.read() as s:
        row = s.get(Attachment, att_id)
        assert row is not None
        stored_name = row.stored_name
    assert store.names() == [stored_name] and store.staged_names() == []
    got, content = attachment_content(s3_fonds, anna, app_id, att_id)
    assert got.id == att_id and content == PDF and hashlib.sha256(content).hexdigest() == got.sha256

    # a refused upload (the quota of files per application is exceeded) leaves nothing in the bucket
    one_file = dataclasses.replace(s3_fonds.settings, upload_max_files_per_application=1)
    small = dataclasses.replace(s3_fonds, settings=one_file)
    with pytest.raises(InvalidInput):
        add_attachment(small, anna, app_id, AttachmentInput("other", "zweites.pdf", "application/pdf", PDF))
    assert store.names() == [stored_name] and store.staged_names() == []

    # an exception after the file was staged rolls back the row and removes the staged object
    with pytest.raises(RuntimeError), s3_fonds.unit_of_work() as uow:
        from fondsengine import files

        files.stage(uow.session, store, PDF, "application/pdf")
        assert len(store.staged_names()) == 1
        raise RuntimeError("simulated failure inside the use case")
    assert store.staged_names() == [] and store.names() == [stored_name]

    # retention removes the row now and the object once that transaction has committed
    with s3_fonds.unit_of_work() as uow:
        app = uow.session.get(Application, app_id)
        assert app is not None
        assert remove_files(uow, app) == 1
        assert store.names() == [stored_name]  # still there until the commit
        uow.commit()
    assert store.names() == []


def test_backup_and_restore_carry_the_bucket(s3_fonds: Engine, s3_endpoint: str, tmp_path: Path) -> None:
    anna, app_id = _draft(s3_fonds)
    for i in range(3):
        data = AttachmentInput("other", f"f{i}.pdf", "application/pdf", PDF + bytes([i]))
        add_attachment(s3_fonds, anna, app_id, data)
    source = s3_fonds.storage
    before = {n: source.read(n) for n in source.names()}
    assert len(before) == 3
    archive = tmp_path / "fonds.tar.gz"
    assert backup(s3_fonds.settings, archive).files == 3

    target = s3_settings(
        dataclasses.replace(s3_fonds.settings, instance_path=str(tmp_path / "restored"), database_url=""), s3_endpoint
    )
    assert restore(target, archive).files == 3
    restored = storage_for(target)
    assert {n: restored.read(n) for n in restored.names()} == before
    with pytest.raises(BackupError, match=r"Dateispeicher \(Bucket .*\) ist nicht leer"):
        restore(target, archive)
