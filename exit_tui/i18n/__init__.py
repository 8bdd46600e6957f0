"""One `_()` for every visible string, `_n()` for one that counts something. Catalogs: zh.py and en.py (same
keys, but for the plural forms: a test checks).

A counted message has its general form under its key (`"replan.moves": "{n} tasks move:"`) and, in a language
with a singular, that form under `key.one` (`"replan.moves.one": "{n} task moves:"`); Chinese needs no `.one`.
"""

from collections.abc import Callable

from . import en, zh

CATALOGS: dict[str, dict[str, str]] = {"zh": zh.MESSAGES, "en": en.MESSAGES}
#: The plural form a count takes in each language (CLDR cardinal rules): "one" or "other".
PLURAL_FORM: dict[str, Callable[[int], str]] = {
    "zh": lambda count: "other",
    "en": lambda count: "one" if count == 1 else "other",
}
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


def _n(key: str, count: int, /, **params: object) -> str:
    """`_(key, **params)` in the form `count` takes: `key.one` for 1 in English, `key` otherwise."""
    form = PLURAL_FORM[_language](count)
    if form != "other" and f"{key}.{form}" in CATALOGS[_language]:
        key = f"{key}.{form}"
    return _(key, **params)


def pick(zh_text: str, en_text: str) -> str:
    """Choose between a pair of data texts (e.g. template titles) by language, falling back to the other."""
    if _language == "zh":
        return zh_text or en_text
    return en_text or zh_text
