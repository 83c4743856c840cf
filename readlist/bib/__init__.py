"""One copy of each bibliographic fact: person names, arXiv classes, the LaTeX codec, dates.

Pure knowledge, no I/O: the importers, exporters and the domain read it from here,
so an import and an export can never disagree on it.
"""
