"""Operating-system errors in the user's language: one errno -> message table for the CLI and every writer.

Python's `OSError` texts come from the C library in English ("Permission denied", "Is a directory"), which read
badly inside a Chinese sentence. Light on purpose: the standard library and the catalogs only.
"""

import errno

from .i18n import _

#: errno -> catalog key of the reason shown to the user.
REASONS = {
    errno.EACCES: "oserror.permission",
    errno.EPERM: "oserror.permission",
    errno.ENOENT: "oserror.not_found",
    errno.EISDIR: "oserror.is_folder",
    errno.ENOTDIR: "oserror.not_folder",
    errno.ENOSPC: "oserror.disk_full",
    errno.EROFS: "oserror.read_only",
    errno.EEXIST: "oserror.exists",
    errno.ENAMETOOLONG: "oserror.name_too_long",
    errno.EBUSY: "oserror.busy",
    errno.EIO: "oserror.io",
    errno.EINVAL: "oserror.invalid_name",
}
if hasattr(errno, "EDQUOT"):
    REASONS[errno.EDQUOT] = "oserror.disk_full"


def os_reason(error: OSError) -> str:
    """Why `error` happened, in the current language (the system's text when errno is not a common one)."""
    key = REASONS.get(error.errno)
    if key is not None:
        return _(key)
    return (error.strerror or str(error) or type(error).__name__).splitlines()[0]


def os_error_text(error: OSError) -> str:
    """One line: `PATH: reason` (both paths of a rename or copy), or the reason alone without a file name."""
    names = [str(name) for name in (error.filename, error.filename2) if name is not None]
    return ": ".join([" -> ".join(names), os_reason(error)] if names else [os_reason(error)])
