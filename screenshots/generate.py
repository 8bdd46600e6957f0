"""Regenerate the README's screenshots from the demo project (frozen date, 120x40).

    uv run python screenshots/generate.py

Writes an SVG per view into this folder and, where `rsvg-convert` is installed (Debian: librsvg2-bin,
with fonts-noto-cjk for Chinese), a PNG beside it.
"""

import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from exit_tui.i18n import set_language  # noqa: E402
from tests.ui_helpers import demo_app, settle  # noqa: E402

#: (file name, language, keys pressed after start-up (`show:MODE` opens a palette-only screen), open the app with
#: the demo project[, terminal size])
VIEWS = [
    ("welcome-zh", "zh", [], False),
    ("dashboard-zh", "zh", [], True),
    ("checklist-zh", "zh", ["2", "down", "down", "down"], True),
    ("task-form-zh", "zh", ["2", "down", "down", "down", "down", "enter"], True),
    ("palette-zh", "zh", ["ctrl+p"], True),
    ("timeline-zh", "zh", ["3"], True),
    ("replan-zh", "zh", ["r", "ctrl+u", *"2027-01-09", "enter"], True),
    ("dashboard-en", "en", [], True),
    ("checklist-en", "en", ["2", "o"], True),
    ("help-en", "en", ["2", "question_mark"], True),
    ("timeline-en", "en", ["3", "minus", "down", "down", "down"], True),
    ("audit-zh", "zh", ["2", "space", "show:audit"], True),
    ("handover-keys-zh", "zh", ["4", "right", "right"], True),
    ("handover-inspection-en", "en", ["4", "right", "right", "right"], True),
    ("handover-batch-zh", "zh", ["4", "left", "enter"], True),
    ("handover-80x24-en", "en", ["4"], True, (80, 24)),
    ("accounts-units-zh", "zh", ["5"], True),
    ("accounts-lines-en", "en", ["5", "right"], True),
    ("risks-zh", "zh", ["6"], True),
    ("risks-drills-en", "en", ["6", "right_square_bracket"], True),
    ("people-zh", "zh", ["7"], True),
    ("employee-working-zh", "zh", ["7", "slash", *"E-0025", "enter", "enter"], True),
    ("people-80x24-en", "en", ["7"], True, (80, 24)),
    ("notices-zh", "zh", ["7", "right_square_bracket", "right_square_bracket"], True),
    ("contracts-en", "en", ["7", "left_square_bracket"], True),
    ("checklist-80x24-en", "en", ["2"], True, (80, 24)),
    ("dashboard-80x24-zh", "zh", [], True, (80, 24)),
]


async def capture(name: str, language: str, keys: list[str], with_project: bool, work: Path,
                  size: tuple[int, int] = (120, 40)) -> Path:
    set_language(language)
    app, backend, _ = demo_app(work / name, with_project=with_project)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            if key.startswith("show:"):
                app.show(key.removeprefix("show:"))
            else:
                await pilot.press(key)
            await settle(pilot)
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(HERE)))
    backend.close()
    return path


async def main() -> None:
    converter = shutil.which("rsvg-convert")
    with tempfile.TemporaryDirectory() as tmp:
        for name, language, keys, with_project, *size in VIEWS:
            (Path(tmp) / name).mkdir()
            svg = await capture(name, language, keys, with_project, Path(tmp), *size)
            if converter:
                subprocess.run([converter, "-w", "1400", str(svg), "-o", str(svg.with_suffix(".png"))], check=True)
            print(svg.relative_to(HERE.parent))
    if not converter:
        print("rsvg-convert not found: SVG only (apt-get install librsvg2-bin fonts-noto-cjk for PNG)")


if __name__ == "__main__":
    asyncio.run(main())
