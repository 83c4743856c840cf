"""arXiv subject classes: the one table from a listing's short code to the full class."""

from __future__ import annotations

import re

_CS_CODES = (
    "AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM", "DS",
    "ET", "FL", "GL", "GR", "GT", "HC", "IR", "IT", "LG", "LO", "MA", "MM", "MS", "NA",
    "NE", "NI", "OH", "OS", "PF", "PL", "RO", "SC", "SD", "SE", "SI",
)  # fmt: skip

#: Short category codes (as listings show them, ``CV``) and the arXiv class each stands for.
#: ``SY`` is ``eess.SY``: arXiv made ``cs.SY`` an alias of it in 2019.
CLASSES: dict[str, str] = {code: f"cs.{code}" for code in _CS_CODES} | {
    "AS": "eess.AS", "IV": "eess.IV", "SP": "eess.SP", "SY": "eess.SY",
    "ML": "stat.ML", "ME": "stat.ME", "AP": "stat.AP", "CO": "stat.CO", "TH": "stat.TH",
    "OC": "math.OC", "PR": "math.PR", "ST": "math.ST", "QP": "quant-ph",
}  # fmt: skip

#: A full arXiv class as written: ``cs.CV``, ``eess.SY``, ``hep-th``.
_FULL_CLASS = re.compile(
    r"(?:cs|econ|eess|math|stat|q-bio|q-fin|physics|astro-ph|cond-mat|nlin)\.[A-Za-z-]{2,}"
    r"|(?:gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nucl-ex|nucl-th|quant-ph)"
)


def category_class(code: str) -> str:
    """The arXiv class a listing's category ``code`` stands for; an unknown code as given."""
    return CLASSES.get(code, code)


def arxiv_class(category: str | None) -> str | None:
    """The full arXiv class of a paper's category (``CV`` → ``cs.CV``), if it is one."""
    if not category:
        return None
    category = category.strip()
    if _FULL_CLASS.fullmatch(category):
        return category
    return CLASSES.get(category.upper())
