"""Adding papers by identifier: look every THING up, then import the papers in one save.

The use case behind ``readlist add`` and the interface's ``a``. Every THING is
looked up before the library is touched, so a network failure adds nothing; the
papers found then go through the same identity and merge rules as imports
(:mod:`readlist.merge`), so a paper already in the library is enriched, not
duplicated, and the outcome says which paper each THING matched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from readlist.identifiers import Thing, ThingError, parse_thing
from readlist.net import Fetcher, NetSettings, net_settings
from readlist.net.lookup import look_up, mirror_hosts
from readlist.store import ImportStep, Library


@dataclass(frozen=True, slots=True, kw_only=True)
class AddStep(ImportStep):
    """What adding one THING did: the import's step (``added``, ``updated``…) and the THING."""

    thing: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{thing, action, key, title, fields}``."""
        return {"thing": self.thing, **ImportStep.to_dict(self)}

    def describe(self) -> str:
        """One line for people: what happened and which paper it was."""
        if self.action == "added":
            return f"{self.thing}: added {self.key}: {self.title}"
        if self.action == "updated":
            changed = ", ".join(self.fields)
            return f"{self.thing}: already in the library as {self.key}, updated ({changed})"
        return f"{self.thing}: already in the library as {self.key} (nothing new)"


@dataclass
class AddOutcome:
    """What ``add`` did: one step per THING found, one error line per THING not found."""

    steps: list[AddStep] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{steps, errors}``."""
        return {"steps": [step.to_dict() for step in self.steps], "errors": list(self.errors)}


def parse_things(texts: Sequence[str], settings: NetSettings) -> tuple[list[Thing], list[str]]:
    """The THINGs among ``texts`` (blank ones skipped) and one error line per unreadable one."""
    hosts = mirror_hosts(Fetcher(settings))
    things: list[Thing] = []
    errors: list[str] = []
    for text in texts:
        if not text.strip():
            continue
        try:
            things.append(parse_thing(text, hosts))
        except ThingError as error:
            errors.append(str(error))
    return things, errors


def add_things(
    library: Library,
    texts: Sequence[str],
    *,
    tags: Sequence[str] = (),
    settings: NetSettings | None = None,
    fetcher: Fetcher | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> AddOutcome:
    """Look up each THING of ``texts`` and import the papers found into ``library``.

    Raises :class:`~readlist.net.NetworkError` (nothing written) when a service
    cannot be asked; a THING no service knows is an error line of the outcome,
    and the others are still added.
    """
    settings = settings or (fetcher.settings if fetcher else net_settings())
    things, errors = parse_things(texts, settings)
    outcome = AddOutcome(errors=errors)
    if not things:
        return outcome
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        found = look_up(things, fetcher, progress)
    finally:
        if own:
            fetcher.close()
    usable = [item for item in found if item.paper is not None]
    outcome.errors += [str(item.error) for item in found if item.error is not None]
    if not usable:
        return outcome
    progress(f"saving {len(usable)} paper(s)")
    reports = library.import_batches([[item.paper] for item in usable if item.paper], tags=tags)
    for item, report in zip(usable, reports, strict=True):
        step: ImportStep = report.steps[0]
        thing = item.thing.text.strip()
        outcome.steps.append(AddStep(step.action, step.key, step.title, step.fields, thing=thing))
    return outcome
