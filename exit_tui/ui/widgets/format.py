"""Small text helpers for widgets."""


def weekday_name(day) -> str:
    """Mon..Sun / 周一..周日 in the current language."""
    from ...i18n import _

    return _(f"weekday.{day.weekday()}")
