"""Command palette entries: every screen and action, plus "switch project" (all translated)."""

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class AppCommands(Provider):
    """Lists `app.palette_commands()`: (title, help, callback) triples built in the current language."""

    async def discover(self) -> Hits:
        for title, help_text, callback in self.app.palette_commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.app.palette_commands():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(callback), text=title, help=help_text)
