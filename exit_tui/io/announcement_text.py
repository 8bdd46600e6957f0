"""An announcement as a plain UTF-8 text file (`exit-tui announce`): the Word-free path a coordinator prints or
pastes from. The issued version of the template in that language when there is one, else the template rendered
for the project as it stands (nothing is stored)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from ..domain.announcements import BLANK
from ..i18n import get_language
from ..services import announcements
from .atomic import atomic_path, export_errors

SUFFIX = ".txt"


@dataclass(frozen=True)
class AnnouncementFile:
    path: Path
    template: str
    """The template's key."""
    issued: str | None
    """The issued version written (M-), None when the template was rendered."""
    version: int | None
    issued_on: date | None
    blanks: bool
    """Some field printed as a blank line to fill in by hand."""


def write_announcement(session: Session, project_id: int, template: str, path: Path, *, language: str | None,
                       today: date, overrides: Mapping[str, str] | None = None) -> AnnouncementFile:
    """Write the announcement to `path` atomically (the old file or the whole new one); `overrides` fill fields
    of a rendered template only (an issued text is frozen). Raises UserError for an unknown template or field,
    before anything is written, and ExportError when the file cannot be written."""
    chosen = announcements.template_of(template)
    issued = announcements.current_issued(session, project_id, chosen.key, language or get_language())
    if issued is not None:
        text = announcements.printed_text(issued.title, issued.body)
    else:
        text = announcements.printed_text(*announcements.render_template(
            session, project_id, chosen.key, language=language, today=today, overrides=overrides))
    path = Path(path)
    with export_errors(path), atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
    return AnnouncementFile(path, chosen.key, issued.public_id if issued else None,
                            issued.version if issued else None, issued.issued_on if issued else None,
                            issued is None and BLANK in text)

