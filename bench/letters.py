"""Benchmark: approval letters per second and the annual report with 2,000 projects.

Run: .venv/bin/python bench/letters.py
Baselines in the same run: a bare reportlab canvas page drawing the same letter text line by
line (no layout), and a bare canvas drawing the same 2,000 table rows.
"""

from __future__ import annotations

import io
import subprocess
import time

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from fondsengine.letters import render_letter
from fondsengine.letters.fonts import REGULAR, register_fonts
from fondsengine.letters.samples import sample_annual_report, sample_approval, sample_context
from fondsengine.reports.pdf import render_annual_report

LETTERS = 200


def bare_pages(lines: list[str]) -> bytes:
    """The baseline: the same text drawn with drawString, 60 lines a page, no layout engine."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for start in range(0, len(lines), 60):
        canvas.setFont(REGULAR, 9)
        y = A4[1] - 40
        for line in lines[start : start + 60]:
            canvas.drawString(40, y, line)
            y -= 12
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(fn: object, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    register_fonts()
    ctx, data = sample_context(), sample_approval()
    pdf = render_letter("approval", ctx, data)
    letter_lines = (
        subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .splitlines()
    )
    render_letter("approval", ctx, data)  # warm up (font subsetting caches)
    bare_pages(letter_lines)

    letters_s = timed(lambda: render_letter("approval", ctx, data), LETTERS)
    bare_s = timed(lambda: bare_pages(letter_lines), LETTERS)
    print(f"approval letters: {LETTERS} in {letters_s:.2f} s = {LETTERS / letters_s:.0f} letters/s")
    print(f"baseline bare canvas, same text: {LETTERS / bare_s:.0f} letters/s")
    print(f"ratio letter / baseline (time): {letters_s / bare_s:.1f}x")

    report_data = sample_annual_report(2000)
    report_s = timed(lambda: render_annual_report(report_data), 1)
    rows = [
        f"{i:5d}  {p.file_number}  {p.title[:40]:40s}  {p.approved_cents / 100:10.2f}"
        for i, p in enumerate(report_data.projects, start=1)
    ]
    bare_report_s = timed(lambda: bare_pages(rows), 1)
    pages = len(render_annual_report(report_data).split(b"/Type /Page\n")) - 1
    print(f"annual report, 2,000 projects: {report_s:.2f} s ({pages} pages)")
    print(f"baseline bare canvas, 2,000 rows: {bare_report_s:.2f} s")
    print(f"ratio report / baseline (time): {report_s / bare_report_s:.1f}x")


if __name__ == "__main__":
    main()
