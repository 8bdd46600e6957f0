"""Checks made BEFORE any parser touches a file that came from outside.

Parsers trust what they read: openpyxl inflates every part it opens (a 310 KB file held a 300 MB cell), and an
old binary or encrypted file only fails deep inside with a message nobody understands. `check_file` looks at the
bytes on disk and at the zip directory (sizes as declared, nothing decompressed beyond a few KB) and refuses
anything it cannot read safely, with one translated line naming the file and the reason.
"""

import re
import zipfile
from pathlib import Path
from typing import Literal

from ..errors import ExitTuiError
from ..i18n import _

# The limits of what an import reads, the same for .xlsx and .csv (the README's "Spreadsheets" section lists
# them). Each refusal names the limit it met.
MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB
"""Largest file accepted on disk, .xlsx or .csv (200,000 rows of a wide sheet are about 15 MB as .xlsx)."""
MAX_ROWS = 200_000
"""Most rows in one sheet (a CSV is one sheet): 5,000 units x 20 ledger lines each, twice over."""
MAX_CELL_CHARS = 32_767
"""Longest text in one cell: Excel's own limit."""
MAX_UNPACKED_BYTES = 1024 * MB
"""Largest total of the uncompressed sizes of a workbook's parts: far above any sheet of MAX_ROWS rows, so that
a long sheet is refused by its rows (which the reader counts before reading) rather than by its size."""
MAX_RATIO = 100
"""Largest compression ratio of one part (real sheets compress 5-30 times; zeros 1000 times)."""
RATIO_FLOOR = 1 * MB
"""Parts smaller than this once unpacked are harmless whatever their ratio (tiny parts have odd ratios)."""
MAX_MEMBERS = 10_000
"""Most parts a workbook may have (each sheet is two or three)."""

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound File Binary: old .xls/.et files, and every password-protected .xlsx (Office encryption)."""
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HEAD_BYTES = 4096


class FileRefused(ExitTuiError):
    """A file that is not read, and why: one line in the user's language naming the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        """The translated reason alone (without the file name)."""
        super().__init__(_("io.refused", name=self.path.name, reason=reason))


def check_file(path: Path) -> Literal["xlsx", "csv"]:
    """Refuse (FileRefused) what must not reach a parser; otherwise say how to read the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FileRefused(path, _("io.refused_unreadable"))
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise FileRefused(path, _("io.refused_missing")) from None
    except OSError:
        raise FileRefused(path, _("io.refused_unreadable")) from None
    suffix = path.suffix.lower()
    if size == 0:
        raise FileRefused(path, _("io.refused_empty"))
    if suffix == ".xls":
        raise FileRefused(path, _("io.refused_xls"))
    if head.startswith(OLE_MAGIC):
        raise FileRefused(path, _("io.refused_ole"))
    if suffix not in WORKBOOK_SUFFIXES + CSV_SUFFIXES:
        if not suffix:
            raise FileRefused(path, _("io.refused_no_extension"))
        raise FileRefused(path, _("io.refused_format", format=suffix))
    if size > MAX_FILE_BYTES:
        raise FileRefused(path, _("io.refused_too_big", limit=MAX_FILE_BYTES // MB))
    if suffix in CSV_SUFFIXES:
        utf16 = head.startswith(UTF16_BOMS)  # Excel's "Unicode text": NUL bytes are expected there
        if head.startswith(ZIP_MAGICS) or (b"\x00" in head and not utf16):
            raise FileRefused(path, _("io.refused_not_text"))
        return "csv"
    if not head.startswith(ZIP_MAGICS):
        raise FileRefused(path, _("io.refused_not_workbook"))
    check_zip(path)
    return "xlsx"


def check_zip(path: Path) -> None:
    """Zip bombs and hidden DTDs, judged from the archive's directory and the first bytes of each XML part."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise FileRefused(path, _("io.refused_members", count=len(members), limit=MAX_MEMBERS))
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                size = -(-unpacked // MB)  # rounded up: never "200 MB, over the limit of 200 MB"
                raise FileRefused(path, _("io.refused_unpacked", size=size, limit=MAX_UNPACKED_BYTES // MB))
            for member in members:
                if member.flag_bits & 0x1:
                    raise FileRefused(path, _("io.refused_encrypted"))
                if member.file_size >= RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                    ratio = member.file_size // max(member.compress_size, 1)
                    raise FileRefused(path, _("io.refused_ratio", part=member.filename, ratio=ratio))
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                raise FileRefused(path, _("io.refused_not_workbook"))
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as part:
                        if _DOCTYPE.search(part.read(_HEAD_BYTES)):
                            raise FileRefused(path, _("io.refused_entities"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        # a broken directory, an unknown compression method, a CRC error in a part's head
        raise FileRefused(path, _("io.refused_damaged")) from None
