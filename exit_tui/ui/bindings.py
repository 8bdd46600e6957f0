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
