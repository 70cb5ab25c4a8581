"""The coder: Story -> [Event]. The pipeline's stages, in one screen:

    doc        = nlp.parse(story.text)                     # spaCy: sentences, tokens, parse, entities
    index      = actors.resolve_actors(doc, knowledge)     # noun phrases -> actor codes
    candidates = events.extract_events(doc, index, ...)    # clauses -> (source, target, code, modality)
    events     = [build_event(...)]                        # ontology scores, dates, spans; one per
                                                           # (source, target, code) per story
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dyads import __version__
from dyads.actors import dateline_country, find_dateline, resolve_actors
from dyads.attributes import find_location, find_quantity, place_coordinates, resolve_event_date
from dyads.events import Candidate, extract_events
from dyads.lexicons import Knowledge, build_knowledge, default_knowledge
from dyads.model import Event, Story
from dyads.ontology import event_type

CODER_VERSION = f"dyads-{__version__}"


@dataclass
class Coder:
    """Codes stories into events. Build once, reuse for many stories (loads spaCy and the lexicons)."""

    actor_files: Sequence[Path] = ()
    lexicon_files: Sequence[Path] = ()
    dictionary_dirs: Sequence[Path] = ()
    batch_size: int = 32
    strict_dictionaries: bool = True
    _knowledge: Knowledge | None = field(default=None, init=False, repr=False)

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            if self.actor_files or self.lexicon_files or self.dictionary_dirs:
                from dyads.nlp import tokenize_words

                self._knowledge = build_knowledge(
                    tokenize_words, actor_files=self.actor_files, lexicon_files=self.lexicon_files,
                    dictionary_dirs=self.dictionary_dirs, strict_dictionaries=self.strict_dictionaries)
            else:
                self._knowledge = default_knowledge()
        return self._knowledge

    def code(self, story: Story) -> list[Event]:
        """Code one story."""
        from dyads.nlp import parse

        return self._code_doc(story, parse(self._masked(story.text)))

    @staticmethod
    def _masked(text: str) -> str:
        """The text with its dateline blanked out (same length, so offsets stay valid): a dateline
        ("NAIROBI, Oct 9 - ") is a place, not the subject of the first sentence."""
        dateline = find_dateline(text)
        if dateline is None:
            return text
        start, end, _ = dateline
        return text[:start] + " " * (end - start) + text[end:]

    def code_many(self, stories: Iterable[Story]) -> Iterator[tuple[Story, list[Event]]]:
        """Code stories in batches (nlp.pipe), yielding each story with its events, in input order."""
        from dyads.nlp import parse_many

        buffer: list[Story] = []
        for story in stories:
            buffer.append(story)
            if len(buffer) >= self.batch_size:
                yield from self._flush(buffer, parse_many)
                buffer = []
        if buffer:
            yield from self._flush(buffer, parse_many)

    def triggers(self, texts: Sequence[str]) -> list[list[str]]:
        """For each text, the CAMEO codes its triggers signal, main clauses first, whether or not a full
        event (with actors) can be coded: a sentence-level event-type classifier."""
        from dyads.events import find_triggers
        from dyads.nlp import parse_many

        return [find_triggers(doc, self.knowledge) for doc in parse_many(list(texts), batch_size=self.batch_size)]

    def _flush(self, stories: list[Story], parse_many: Any) -> Iterator[tuple[Story, list[Event]]]:
        docs = parse_many([self._masked(s.text) for s in stories], batch_size=self.batch_size)
        for story, doc in zip(stories, docs, strict=True):
            yield story, self._code_doc(story, doc)

    def _code_doc(self, story: Story, doc: Any) -> list[Event]:
        knowledge = self.knowledge
        dateline = find_dateline(story.text)
        country = ""
        if dateline is not None:
            from dyads.nlp import tokenize_words

            country = dateline_country(dateline[2], knowledge, tokenize_words)
        index = resolve_actors(doc, knowledge, dateline_country=country, story_date=story.date)
        events: list[Event] = []
        seen: set[tuple[str, str, str]] = set()
        today = story.date.isoformat()
        for candidate in extract_events(doc, index, knowledge):
            event = build_event(story, doc, candidate)
            if event.modality == "asserted" and event.event_date[:len(today)] > today[:len(event.event_date)]:
                continue  # "travels on to Burkina Faso on Friday": not done yet, and not promised
            key = (event.source_code, event.target_code, event.cameo_code)
            if key in seen:
                continue
            seen.add(key)
            events.append(event)
        # an act already coded with its target needs no target-less copy
        aimed = {(e.source_code, e.root_code) for e in events if e.target_code}
        events = [e for e in events if e.target_code or (e.source_code, e.root_code) not in aimed]
        return events + hosted_visits(events, seen)


def hosted_visits(events: list[Event], seen: set[tuple[str, str, str]]) -> list[Event]:
    """CODING-RULES: a visit is 042 visitor -> host and 043 host -> visitor."""
    hosted = []
    for event in events:
        if event.cameo_code != "042" or not event.target_code:
            continue
        if event.target_sector not in ("", "GOV", "MIL", "LEG", "JUD") and event.target_country not in ("IGO", "NGO"):
            continue  # touring a school or a camp: no host receives the visitor
        key = (event.target_code, event.source_code, "043")
        if key in seen:
            continue
        seen.add(key)
        info = event_type("043")
        hosted.append(replace(
            event, event_id="", source_code=event.target_code, source_country=event.target_country,
            source_sector=event.target_sector, source_name=event.target_name, source_text=event.target_text,
            source_span=event.target_span, target_code=event.source_code, target_country=event.source_country,
            target_sector=event.source_sector, target_name=event.source_name, target_text=event.source_text,
            target_span=event.source_span, source_how=event.target_how, target_how=event.source_how,
            cameo_code=info.code, event_name=info.name, goldstein=info.goldstein,
            plover_type=info.plover_type, plover_mode=info.plover_mode))
    return hosted


def build_event(story: Story, doc: Any, candidate: Candidate) -> Event:
    """Turn a candidate into the full event record."""
    info = event_type(candidate.code)
    source = candidate.source
    target = candidate.target
    trigger = candidate.trigger
    date = resolve_event_date(doc, trigger, story.date)
    quantity = find_quantity(doc, trigger)
    dateline = find_dateline(story.text)
    place = find_location(doc, trigger, dateline[2] if dateline else "")
    coordinates = place_coordinates(place[0]) if place else None
    confidence = 0.7
    if source.how == "coreference":
        confidence -= 0.15
    if target is None:
        confidence -= 0.2
    elif target.how == "coreference":
        confidence -= 0.15
    return Event(
        story_id=story.id,
        sentence_index=candidate.sentence_index,
        story_date=story.date.isoformat(),
        event_date=date.value,
        date_precision=date.precision,
        source_code=source.actor.code,
        source_country=source.actor.country,
        source_sector=source.actor.sector,
        source_name=source.actor.name,
        source_text=source.text,
        source_span=(source.start, source.end) if source.how != "implicit" else None,
        target_code=target.actor.code if target else "",
        target_country=target.actor.country if target else "",
        target_sector=target.actor.sector if target else "",
        target_name=target.actor.name if target else "",
        target_text=target.text if target else "",
        target_span=(target.start, target.end) if target and target.how != "implicit" else None,
        cameo_code=info.code,
        root_code=info.root,
        event_name=info.name,
        quad_class=info.quad_class,
        goldstein=info.goldstein,
        plover_type=info.plover_type,
        plover_mode=info.plover_mode,
        trigger_text=trigger.text,
        trigger_span=(trigger.idx, trigger.idx + len(trigger.text)),
        modality=candidate.modality,
        quantity_value=quantity.value if quantity else None,
        quantity_unit=quantity.unit if quantity else "",
        usd_value=quantity.usd_value if quantity else None,
        location_name=place[0] if place else "",
        location_country=place[1] if place else "",
        location_lat=coordinates[0] if coordinates else None,
        location_lon=coordinates[1] if coordinates else None,
        source_how=source.how,
        target_how=target.how if target else "",
        confidence=round(confidence, 2),
        coder_version=CODER_VERSION,
    )


_DEFAULT_CODER: Coder | None = None


def code_story(text: str, *, date: dt.date | str, story_id: str | None = None) -> list[Event]:
    """Code one story text dated `date` (a date or an ISO string) with the default coder."""
    global _DEFAULT_CODER
    from dyads.readers import story_id_for

    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    if _DEFAULT_CODER is None:
        _DEFAULT_CODER = Coder()
    story = Story(id=story_id or story_id_for(text, date), date=date, text=text)
    return _DEFAULT_CODER.code(story)
