"""Writing a file so that the target is always either the old file or the complete new one."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..services.errors import UserError

#: Permissions of a written document (mkstemp creates 0600, which is wrong for a file meant to be shared).
DOCUMENT_MODE = 0o644


class TargetInUse(PermissionError):
    """The finished file could not replace the target: another program (Excel, WPS) holds it open."""


class ExportError(UserError):
    """A document could not be written (target open in Excel, folder missing, disk full ...). One line."""


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` to write to. When the block succeeds the file is flushed to disk,
    given document permissions and moved over `path` (os.replace); on any error it is removed.

    Raises OSError when no temporary file can be made there, TargetInUse when the target cannot be replaced.
    """
    handle, name = tempfile.mkstemp(prefix=f".{path.stem[:40]}-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temp, DOCUMENT_MODE)
        try:
            os.replace(temp, path)
        except PermissionError as error:
            raise TargetInUse(str(error)) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextmanager
def export_errors(path: Path) -> Iterator[None]:
    """Around the writing of a document the user asked for (package, calendar): a missing folder, a target held
    open elsewhere or a failed write become ExportError with one translated line."""
    if not path.parent.is_dir():
        raise ExportError("export.no_folder", folder=str(path.parent))
    try:
        yield
    except TargetInUse:
        raise ExportError("export.locked", name=path.name) from None
    except OSError as error:  # a read-only folder, a full disk, a folder of that name
        reason = (error.strerror or type(error).__name__).splitlines()[0]  # the path is named already
        raise ExportError("export.write_failed", path=str(path), reason=reason) from None
