"""Bindings are declared with catalog keys as descriptions and translated when a screen is created."""

import dataclasses

from textual.dom import DOMNode

from ..i18n import _


def localize_bindings(node: DOMNode) -> None:
    """Replace each binding's description and tooltip (catalog keys) by its text in the current language."""
    bindings = node._bindings
    for key, items in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            dataclasses.replace(
                item,
                description=_(item.description) if item.description else "",
                tooltip=_(item.tooltip) if item.tooltip else "",
            )
            for item in items
        ]


class Localized:
    """Mixin (first among the bases) for screens and widgets whose BINDINGS use catalog keys: translated on creation."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)
