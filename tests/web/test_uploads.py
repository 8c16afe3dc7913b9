"""Uploads: checked before anything is written, stored only when the transaction commits, removed on
refusal and by retention; PDFs with active content and oversized images refused; EXIF stripped; quotas."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from fondsengine.applications import records
from fondsengine.applications.records import AttachmentInput
from fondsengine.config import Settings
from fondsengine.engine import Actor
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.files import STAGING, files_in
from fondsengine.jobs.housekeeping import anonymise
from fondsengine.model import Application, Attachment
from tests.support.files import simple_pdf
from tests.web.builders import World, approved_for, build_world, draft_for
from tests.web.conftest import login
from tests.web.test_jury_support import build_jury
from webapp.uploads import check


def _open_action_js(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _launch_on_page(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/Launch")})}
    )


def _embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("rechnung.exe", b"MZ")


def png(width: int = 30, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(out, "PNG")
    return out.getvalue()


def huge_png_header(width: int = 12_000, height: int = 12_000) -> bytes:
    """A PNG claiming 144 megapixels (IHDR says so; the data is tiny)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def jpeg_with_gps() -> bytes:
    """A 40x20 JPEG with GPS position, camera make and orientation 'rotate 90°' in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Kamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2] = "N", (52.0, 26.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _attachments(world: World) -> int:
    with world.fonds.db.read() as s:
        return int(s.scalar(select(func.count(Attachment.id))) or 0)


def _upload(client: FlaskClient, app_id: int, content: bytes, name: str) -> str:
    response = client.post(
        f"/antraege/{app_id}/anhaenge",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "mutate", [_open_action_js, _launch_on_page, _embedded_file], ids=["javascript", "launch", "embedded-file"]
)
def test_a_pdf_with_active_content_is_refused_and_nothing_is_written(
    client: FlaskClient, world: World, mutate: object
) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    page = _upload(client, app_id, simple_pdf(mutate), "angebot.pdf")
    assert "enthält aktive Inhalte" in page
    assert _attachments(world) == 0 and files_in(world.upload_dir) == []


def test_a_hidden_javascript_name_is_found_by_parsing_the_pdf(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    hidden = simple_pdf(_open_action_js).replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in hidden
    assert "enthält aktive Inhalte" in _upload(client, app_id, hidden, "angebot.pdf")
    assert files_in(world.upload_dir) == []


def test_a_144_megapixel_png_is_refused_with_a_german_message(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    page = _upload(client, app_id, huge_png_header(), "plan.png")
    assert "höchstens 40 Megapixel" in page
    assert _attachments(world) == 0 and files_in(world.upload_dir) == []


@pytest.mark.parametrize(("pixels", "refused"), [(1_000_000, True), (2_000_000, False)])
def test_every_upload_is_checked_against_the_operators_pixel_and_size_limits(pixels: int, refused: bool) -> None:
    """`check` takes the settings, not loose numbers: no page can leave a limit out (the jury's paper
    protocol once checked the size only). A 1,500 x 1,000 photo against 1 and 2 megapixels."""
    limits = dataclasses.replace(Settings(), upload_max_pixels=pixels)
    upload = FileStorage(io.BytesIO(png(1_500, 1_000)), filename="protokoll.png")
    if refused:
        with pytest.raises(InvalidInput, match="höchstens 1 Megapixel"):
            check(upload, limits)
    else:
        assert check(upload, limits).mimetype == "image/png"
    small = dataclasses.replace(Settings(), upload_max_bytes=1_000)
    with pytest.raises(InvalidInput, match=r"ist zu groß\. Erlaubt sind höchstens"):
        check(FileStorage(io.BytesIO(png(1_500, 1_000)), filename="protokoll.png"), small)


def test_a_photo_loses_its_gps_position_and_is_turned_upright(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file has GPS
    _upload(client, app_id, original, "foto.jpg")
    [stored] = files_in(world.upload_dir)
    with Image.open(stored) as image:
        exif = image.getexif()
        assert image.format == "JPEG" and image.size == (20, 40)  # orientation applied
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif
        assert "exif" not in image.info
    with world.fonds.db.read() as s:
        row = s.scalars(select(Attachment)).one()
    assert row.size_bytes == stored.stat().st_size and stored.name == row.stored_name


def test_an_accepted_upload_is_in_the_upload_folder_and_nothing_is_left_in_staging(
    client: FlaskClient, world: World
) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    _upload(client, app_id, simple_pdf(), "angebot.pdf")
    _upload(client, app_id, png(), "skizze.png")
    stored = files_in(world.upload_dir)
    assert len(stored) == 2 and all(p.parent == world.upload_dir for p in stored)
    assert not any((world.upload_dir / STAGING).iterdir())


def _proof_form(rows: int) -> dict[str, object]:
    data: dict[str, object] = {"action": "submit", "report": "Es war schön.", "participants_reached": "80",
                               "income": "0", "own_funds": "0", "other_funding": "0", "confirmed": "1"}  # fmt: skip
    for i in range(1, rows + 1):
        data.update({
            f"receipt-{i}-paid_on": "2026-05-01", f"receipt-{i}-payee": "Baumarkt", f"receipt-{i}-purpose": "Farbe",
            f"receipt-{i}-category": "material", f"receipt-{i}-amount": "1,00",
            f"receipt-{i}-file": (io.BytesIO(png(10 + i, 10)), f"beleg-{i}.png"),
        })  # fmt: skip
    return data


def test_a_proof_of_use_refused_by_the_quota_leaves_no_file(template_db: Path, tmp_path: Path) -> None:
    world = build_world(template_db, tmp_path, upload_max_files_per_application=20)
    world.app.config["WTF_CSRF_ENABLED"] = False
    app_id = approved_for(world, world.anna)
    before = files_in(world.upload_dir)  # the jury's signed protocol (the approval went through the paper vote)
    client = world.app.test_client()
    login(client, "anna@example.org")
    response = client.post(f"/antraege/{app_id}/verwendungsnachweis", data=_proof_form(25),
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert "mehr als 20 sind nicht möglich" in response.get_data(as_text=True)
    assert _attachments(world) == 0
    assert files_in(world.upload_dir) == before  # 20 files were staged, all removed on the rollback
    accepted = client.post(f"/antraege/{app_id}/verwendungsnachweis", data=_proof_form(3),
                           content_type="multipart/form-data")  # fmt: skip
    assert accepted.status_code == 302
    assert _attachments(world) == 3 and len(files_in(world.upload_dir)) == len(before) + 3
    world.fonds.db.dispose()


def test_a_proof_of_use_with_one_bad_file_writes_none_of_the_good_ones(client: FlaskClient, world: World) -> None:
    app_id = approved_for(world, world.anna)
    before = files_in(world.upload_dir)  # the jury's signed protocol (the approval went through the paper vote)
    login(client, "anna@example.org")
    data = _proof_form(30)
    data["receipt-30-file"] = (io.BytesIO(simple_pdf(_open_action_js)), "beleg-30.pdf")
    response = client.post(f"/antraege/{app_id}/verwendungsnachweis", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "aktive Inhalte" in response.get_data(as_text=True)
    assert _attachments(world) == 0 and files_in(world.upload_dir) == before


def test_the_total_size_of_an_applications_files_is_limited(template_db: Path, tmp_path: Path) -> None:
    world = build_world(template_db, tmp_path, upload_max_bytes_per_application=1500)
    app_id = draft_for(world, world.anna)
    first = AttachmentInput("cost_estimate", "a.pdf", "application/pdf", b"%PDF-" + b"x" * 1000)
    records.add_attachment(world.fonds, Actor(world.anna), app_id, first)
    with pytest.raises(InvalidInput, match="zusammen dürfen höchstens"):
        records.add_attachment(world.fonds, Actor(world.anna), app_id, first)
    assert _attachments(world) == 1 and len(files_in(world.upload_dir)) == 1
    world.fonds.db.dispose()


def test_a_jury_member_cannot_write_a_file_to_an_application_on_the_agenda(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path)
    client = world.app.test_client()
    login(client, "ida@example.org")
    response = client.post(
        f"/antraege/{j.items[0]}/anhaenge",
        data={"file": (io.BytesIO(simple_pdf()), "angebot.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        records.add_attachment(world.fonds, j.cast.ida, j.items[0],
                               AttachmentInput("cost_estimate", "x.pdf", "application/pdf", simple_pdf()))  # fmt: skip
    assert _attachments(world) == 0 and files_in(world.upload_dir) == []


def test_retention_deletes_the_files_of_an_anonymised_application(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    other = draft_for(world, world.bert)
    login(client, "anna@example.org")
    _upload(client, app_id, simple_pdf(), "angebot.pdf")
    _upload(client, app_id, jpeg_with_gps(), "foto.jpg")
    records.add_attachment(world.fonds, Actor(world.bert), other,
                           AttachmentInput("cost_estimate", "b.pdf", "application/pdf", simple_pdf()))  # fmt: skip
    assert len(files_in(world.upload_dir)) == 3
    with world.fonds.unit_of_work() as uow:
        app = uow.session.get(Application, app_id)
        assert app is not None
        anonymise(uow, app, world.clock.now())
        assert len(files_in(world.upload_dir)) == 3  # nothing deleted before the commit
        uow.commit()
    with world.fonds.db.read() as s:
        left = list(s.scalars(select(Attachment.application_id)))
    assert left == [other]
    assert len(files_in(world.upload_dir)) == 1  # only Bert's file is left
