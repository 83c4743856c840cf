"""One library on every machine through git: a module per job.

- :mod:`~readlist.sync.git`: the ``git`` runner, what travels, the commit of it;
- :mod:`~readlist.sync.setup`: ``.gitattributes``, ``.gitignore``, the driver's
  registration, ``sync init`` and ``sync clone``;
- :mod:`~readlist.sync.exchange`: ``readlist sync`` itself and the sync state;
- :mod:`~readlist.sync.recovery`: what a stopped git or sync leaves (stale locks,
  merge leftovers, unfinished merges and rebases), undone by ``sync`` and reported
  and fixed by ``doctor``;
- :mod:`~readlist.sync.driver`: git's merge driver (the merging itself is
  :mod:`readlist.store.threeway`).
"""
