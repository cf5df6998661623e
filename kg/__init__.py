"""kg: knowledge graphs of international security cooperation from text.

>>> import kg
>>> result = kg.build(["corpus"], out="out")        # doctest: +SKIP
>>> result.facts_df.head()                           # doctest: +SKIP

``import kg`` is light: :func:`build` and :class:`BuildResult` (spaCy,
NetworkX...) are imported on first use, so the ``kg`` command can handle
Ctrl-C before the heavy imports start (:mod:`kg.__main__`).
"""
import importlib
import types

from kg.records import Document, Fact, Mention

__all__ = ["build", "BuildResult", "Document", "Fact", "Mention"]
__version__ = "0.1.0"

#: Names imported on first use, and the module each comes from.
_LAZY = {"build": "kg.build", "BuildResult": "kg.build"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The ``kg`` package, whose ``build`` is the function, never the module of the same name.

    Importing the module ``kg.build`` binds it to the package's ``build``
    attribute; that binding is ignored, so ``kg.build`` stays the function
    (``sys.modules["kg.build"]`` is the module).
    """

    def __setattr__(self, name: str, value) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


__import__("sys").modules[__name__].__class__ = _Package
