"""Print check: export the demo handover package and print it with a reader other than openpyxl.

Usage (from the repository root)::

    uv run python tests/perf/print_check.py [--out DIR] [--lang zh|en] [--dpi 60] [--extra-rows N]

Exports the demo project (laid out around 2026-11-28, as in the tests) to ``DIR/package-<lang>.xlsx``,
converts it with LibreOffice (``soffice --headless --convert-to pdf``) and renders every PDF page to PNG
with ``pdftoppm -png -r DPI`` (poppler-utils), then lists the pages. Look at them: every column on the
page (fit to width), the header row repeated on each page, CJK legible, dates as yyyy-mm-dd, page
header (project, sheet) and footer (page X of Y), the signature block at the end. The Timeline sheet
(a weekly Gantt) prints landscape: bars in the right weeks, the today / T / contract-end columns marked
and labelled, its header rows and left columns repeated, the legend at the end.

``--extra-rows`` adds tasks with long, formula-like and multi-line texts so wrapping can be seen too.

Not a test: pytest does not collect this file. Without ``soffice`` (Debian: ``apt-get install
libreoffice-calc poppler-utils fonts-noto-cjk``) it says so and exits 0.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 28)


def export_demo(folder: Path, lang: str, extra_rows: int) -> Path:
    from exit_tui.i18n import set_language
    from exit_tui.io.export import export_package
    from exit_tui.services import checklist
    from exit_tui.services.backend import Backend
    from exit_tui.services.demo import create_demo

    set_language(lang)
    database = folder / "print-check.db"
    for stale in folder.glob("print-check.db*"):
        stale.unlink()
    backend = Backend.open(f"sqlite:///{database}")
    try:
        project = backend.call(create_demo, TODAY)
        samples = [
            "=1+1", "+86 138 0013 8000", "-3", "@SUM(A1)",
            "清点并移交全部共用设施设备台账、图纸、维保记录及钥匙,逐项拍照留档,由业委会与新物业共同签收确认" * 2,
            "Line one\nLine two (a note with a line break)",
        ]
        for n in range(extra_rows):
            backend.call(checklist.add_task, project.id, phase_no=1 + n % 20, title=samples[n % len(samples)],
                         due="2026-12-15", today=TODAY, owner="财务部 & 客服中心", note=samples[(n + 3) % len(samples)])
        path = folder / f"package-{lang}.xlsx"
        result = backend.call(export_package, project.id, path, today=TODAY,
                              generated_at=datetime(2026, 11, 28, 9, 30))
    finally:
        backend.close()
    print(f"exported {result.path} ({', '.join(f'{title}: {rows} rows' for title, rows in result.sheets)})")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the xlsx, pdf and png files (default: a temp folder)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--extra-rows", type=int, default=6)
    args = parser.parse_args()

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("print check skipped: LibreOffice (soffice) is not installed")
        return 0
    pdftoppm = shutil.which("pdftoppm")
    out = args.out or Path(tempfile.mkdtemp(prefix="exit-tui-print-"))
    out.mkdir(parents=True, exist_ok=True)

    xlsx = export_demo(out, args.lang, args.extra_rows)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))  # a private profile: no clash with an open LibreOffice
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out), str(xlsx)],
            check=True, timeout=300, capture_output=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = xlsx.with_suffix(".pdf")
    print(f"pdf: {pdf}")
    if pdftoppm is None:
        print("no PNG pages: pdftoppm (poppler-utils) is not installed")
        return 0
    prefix = out / f"page-{args.lang}"
    for old in out.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", str(args.dpi), str(pdf), str(prefix)], check=True, timeout=300)
    pages = sorted(out.glob(f"{prefix.name}-*.png"))
    print(f"{len(pages)} pages:")
    for page in pages:
        print(f"  {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
