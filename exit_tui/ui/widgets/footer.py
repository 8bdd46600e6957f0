"""Textual's Footer, rebuilt only when the keys it shows change."""

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer rebuilds all its keys (a widget each) whenever the screen's bindings may have changed:
    focus moving to another widget, the terminal gaining focus. At start-up that happens three times before the
    first frame reaches a real terminal. This one rebuilds only when the keys it would show differ from those it
    shows."""

    shown: tuple | None = None
    """The keys shown: (binding, enabled, tooltip) of each active binding, with the palette's."""

    def keys(self) -> tuple:
        return tuple((active.binding, active.enabled, active.tooltip)
                     for active in self.screen.active_bindings.values())

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self.keys()
        if self.children and keys == self.shown:
            return
        self.shown = keys
        await super().recompose()
