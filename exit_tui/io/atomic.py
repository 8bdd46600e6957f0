"""Writing a file so that the target is always either the old file or the complete new one."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..os_errors import os_reason
from ..services.errors import UserError

#: Permissions of a written document (mkstemp creates 0600, which is wrong for a file meant to be shared).
DOCUMENT_MODE = 0o644


class TargetInUse(PermissionError):
    """The finished file could not replace the target: another program (Excel, WPS) holds it open."""


class ExportError(UserError):
    """A document could not be written (target open in Excel, folder missing, disk full ...). One line."""


#: Endings of the scratch files and folders made beside a target (`.NAME-XXXX.tmp`, `.NAME-XXXX.parts`).
TEMP_SUFFIX, SCRATCH_SUFFIX = ".tmp", ".parts"


def _prefix(path: Path) -> str:
    return f".{path.name[:40]}-"


def remove_leftovers(path: Path) -> None:
    """Remove what an earlier write of `path` left beside it when its process was killed (a temporary file, a
    scratch folder). Best effort: what cannot be removed now is tried again next time."""
    prefix = _prefix(path)
    try:
        names = [entry for entry in os.scandir(path.parent) if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in names:
        if entry.name.endswith(SCRATCH_SUFFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif entry.name.endswith(TEMP_SUFFIX) and entry.is_file(follow_symlinks=False):
            try:
                os.remove(entry.path)
            except OSError:
                pass


@contextmanager
def scratch_folder(path: Path) -> Iterator[Path]:
    """Yield a new empty folder beside `path` for a writer's scratch files (not the system temp folder, which a
    killed export would fill unseen); removed with its content afterwards, whatever happened."""
    folder = Path(tempfile.mkdtemp(prefix=_prefix(path), suffix=SCRATCH_SUFFIX, dir=path.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` to write to. When the block succeeds the file is flushed to disk,
    given document permissions and moved over `path` (os.replace); on any error it is removed. Leftovers of an
    earlier write of `path` that was killed are removed first.

    Raises OSError when no temporary file can be made there, TargetInUse when the target cannot be replaced.
    """
    remove_leftovers(path)
    handle, name = tempfile.mkstemp(prefix=_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
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
        reason = os_reason(error)  # in the user's language; the path is named already
        raise ExportError("export.write_failed", path=str(path), reason=reason) from None
