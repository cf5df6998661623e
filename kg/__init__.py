"""kg: knowledge graphs of international security cooperation from text.

>>> import kg
>>> result = kg.build(["corpus"], out="out")        # doctest: +SKIP
>>> result.facts_df.head()                           # doctest: +SKIP
"""
from kg.build import BuildResult, build
from kg.records import Document, Fact, Mention

__all__ = ["build", "BuildResult", "Document", "Fact", "Mention"]
__version__ = "0.1.0"
