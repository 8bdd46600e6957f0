"""Bindings are declared with catalog keys as descriptions and tooltips, and translated when a node is created.

Textual reads a class's `BINDINGS` once, when the class is defined; the language can change later (tests switch
it within one process). So each `Localized` class is instantiated as a subclass made for the current language,
whose `BINDINGS` hold the translated bindings (Textual's public way to declare bindings), built on first use and
cached by its content. Nothing of Textual's private binding tables is read or changed.
"""

import dataclasses
from typing import Any

from textual.binding import Binding, BindingType

from ..i18n import _

_made: dict[tuple[type, tuple[Binding, ...]], type] = {}


def translated(binding: Binding) -> Binding:
    """`binding` with its description and tooltip (catalog keys, or Textual's English) in the current language."""
    return dataclasses.replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def merged_bindings(cls: type) -> list[Binding]:
    """The bindings of `cls` and its bases as Textual merges them (a class's keys replace its bases'), in
    order, with each class's `creation_bindings()` in place of its BINDINGS."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        own = base.__dict__.get("BINDINGS")
        if "creation_bindings" in base.__dict__:
            own = base.creation_bindings()
        by_key: dict[str, list[Binding]] = {}
        for binding in Binding.make_bindings(own or []):
            by_key.setdefault(binding.key, []).append(binding)
        keys.update(by_key)
    return [binding for bindings in keys.values() for binding in bindings]


def localized_class(cls: type) -> type:
    """The subclass of `cls` whose bindings are in the current language (one per content, cached)."""
    if "localized_from" in cls.__dict__:
        return cls
    bindings = tuple(translated(b) for b in merged_bindings(cls))
    made = _made.get((cls, bindings))
    if made is None:
        namespace = {"BINDINGS": list(bindings), "localized_from": cls, "__module__": cls.__module__,
                     "__qualname__": cls.__qualname__, "__doc__": cls.__doc__}
        # inherit_bindings=False: `bindings` is already the whole merged list, in Textual's order.
        made = _made[(cls, bindings)] = type(cls)(cls.__name__, (cls,), namespace, inherit_bindings=False)
    return made


class Localized:
    """Mixin (first among the bases) for screens, widgets and the app whose BINDINGS use catalog keys.

    Creating one gives an instance of a subclass whose bindings are in the current language (see above).
    A class whose bindings depend on something known only at creation (the screen registry) overrides
    `creation_bindings()`; it returns catalog keys too.
    Textual's `inherit_bindings=False` on a base is not followed: only Static uses it, and its bases bind nothing.
    """

    def __new__(cls, *args: Any, **kwargs: Any):
        return super().__new__(localized_class(cls))

    @classmethod
    def creation_bindings(cls) -> list[BindingType]:
        """This class's own bindings when an instance is created; by default its BINDINGS."""
        return cls.__dict__.get("BINDINGS", [])
