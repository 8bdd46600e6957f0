"""One `_()` for every visible string. Catalogs: zh.py and en.py (same keys; a test checks)."""

from . import en, zh

CATALOGS: dict[str, dict[str, str]] = {"zh": zh.MESSAGES, "en": en.MESSAGES}
_language = "zh"


def set_language(code: str) -> None:
    global _language
    if code not in CATALOGS:
        raise ValueError(f"unknown language {code!r} (choose zh or en)")
    _language = code


def get_language() -> str:
    return _language


def _(key: str, **params: object) -> str:
    """Translate `key` into the current language, filling `{name}` placeholders from `params`."""
    text = CATALOGS[_language].get(key) or CATALOGS["en"].get(key) or key
    return text.format(**params) if params else text


def pick(zh_text: str, en_text: str) -> str:
    """Choose between a pair of data texts (e.g. template titles) by language, falling back to the other."""
    if _language == "zh":
        return zh_text or en_text
    return en_text or zh_text
