"""Actor resolution: every noun phrase that names a political actor gets a CAMEO actor code.

Reads: a parsed story (spaCy Doc) and the Knowledge (gazetteer, sectors).
Adds: an `ActorIndex` mapping each noun-phrase head token to the actor mention(s) it stands for.

How a phrase is resolved, in order:
- names in the gazetteer (countries, capitals and seats of government as metonyms, organisations,
  user dictionaries), adjectives and possessives inside the phrase ("Cambodian", "Japan's", "of Japan");
- the sector from titles and nouns in the phrase ("Deputy Prime Minister" -> GOV, "army spokesman" -> MIL);
- persons: a title or apposition gives a person a code; later mentions by name (spelling variants
  within one edit), pronouns, "the latter"/"the former", "his counterpart" resolve to it;
- plural descriptions ("the two ministers", "both sides") stand for the story's two main parties;
- a sector noun with no country ("the police") takes the most recent actor of that sector, else the
  dateline country.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from dyads.attributes import doc_entities
from dyads.lexicons import (
    ADJECTIVE,
    CAPITAL,
    CITY,
    DICTIONARY,
    GOVERNMENT,
    NAME,
    ORGANIZATION,
    GazetteerEntry,
    Knowledge,
    fold_word,
)
from dyads.model import NOT_COUNTRIES, Actor, Mention

Token = Any  # a spaCy Token; only nlp.py imports spaCy
Doc = Any

HONORIFICS = {"h.e.", "he", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "datuk", "seri",
              "tan", "sri", "sheikh", "excellency", "his", "her", "prof", "prof.", "gen.", "lt.", "col.", "maj."}
PERSONAL = {"he", "him", "his", "she", "her", "hers"}
NEUTER = {"it", "its"}
PLURAL = {"they", "them", "their", "theirs"}
FIRST_PERSON = {"i", "me", "my", "we", "us", "our", "you", "your"}
PLURAL_NOUNS = {"country", "nation", "government", "minister", "leader", "side", "party", "delegation",
                "president", "state", "neighbour", "neighbor", "capital", "army", "force", "military",
                "foreign minister", "premier", "official", "team", "ally"}
DIVIDED_NATIONS = {"koreas": ("PRK", "KOR"), "sudans": ("SDN", "SSD"), "congos": ("COD", "COG")}
ANONYMOUS_ATTACKERS = {"gunman", "gunmen", "assailant", "attacker", "kidnapper", "abductor", "captor", "bomber"}
PEACEKEEPING_BODIES = {"IGOUNO", "IGOOAU", "IGONAT", "IGOEEC", "IGOWAS", "IGOECW"}
AFFILIATION_WORDS = {"believe", "think", "belong", "link", "suspect", "affiliate", "tie", "connect", "loyal", "allied"}
SPONSOR_WORDS = {"linked", "backed", "allied", "affiliated", "inspired", "aligned", "supported", "funded", "sponsored",
                 "trained", "armed"}
FOLLOWER_NOUNS = {"man", "fighter", "troop", "soldier", "unit", "force", "guard"}
SPEECH_VERBS = {"say", "add", "state", "announce", "tell", "declare", "insist", "stress", "note", "warn"}
COUNTERPART_NOUNS = {"counterpart", "host", "guest", "visitor", "interlocutor"}
# phrase heads that name an institution: they beat a person's role title in the same phrase
INSTITUTIONS = {"ministry", "government", "army", "military", "police", "court", "parliament", "party",
                "navy", "force", "administration", "cabinet", "embassy", "council", "assembly", "congress",
                "senate", "union", "company", "university", "office", "department", "agency", "service",
                "guard", "legislature", "judiciary", "commission"}
WEAK_ROLES = {"spokesman", "spokeswoman", "spokesperson", "official", "chief", "head", "member", "source",
              "representative", "officer", "leader", "director", "secretary"}
DOMESTIC_SECTORS = {"OPP", "CVL", "REB", "COP", "JUD", "LEG", "LAB", "EDU", "MED", "BUS", "PTY", "AGR", "REF",
                    "HRI", "ELI", "REL", "CRM", "UAF"}
# bodies named after an organisation that act for it: "the African Union mission", "the UN team"
ORG_BODIES = {"mission", "force", "team", "delegation", "envoy", "secretariat", "contingent"}
COLLECTIVE_BODIES = {"association", "federation", "union", "council", "committee", "society", "league",
                     "coalition", "movement", "front", "organisation", "organization", "group", "network", "body",
                     "chamber", "syndicate", "guild", "confederation", "forum"}
# groups and institutions: "it"/"they", never "he"/"she"
COLLECTIVES = INSTITUTIONS | COLLECTIVE_BODIES | {"opposition", "police", "authority", "regime", "junta",
                                                 "leadership", "media", "press", "public", "people", "military",
                                                 "army", "navy", "bank", "fund", "group", "state"}
GROUP_NOUNS = {"group", "movement", "organisation", "organization", "bloc", "alliance", "coalition", "faction",
               "body", "network"}
TITLE_GLUE = {",", "and", "of", "for", "-", "the"}
NP_MODIFIERS = {"compound", "amod", "poss", "det", "nmod", "nummod", "quantmod", "case", "predet", "npadvmod"}
OF_PREPS = {"of", "for"}
LOCATION_KINDS = {CITY}


@dataclass
class ActorIndex:
    """Resolved mentions by noun-phrase head token index, plus story-level facts."""

    by_token: dict[int, list[Mention]] = field(default_factory=dict)
    dateline_country: str = ""
    main_countries: list[str] = field(default_factory=list)
    main_codes: dict[str, Mention] = field(default_factory=dict)  # country -> its most frequent mention
    actors_named: int = 0  # distinct actor codes among the story's named actors

    tags: dict[int, str] = field(default_factory=dict)  # token -> code of the gazetteer name it is part of

    def actors_at(self, token_index: int) -> list[Mention]:
        return self.by_token.get(token_index, [])

    def mentions_before(self, token_index: int, window: int = 400) -> list[Mention]:
        """Single-actor mentions in the `window` tokens before a token, in text order."""
        return [ms[0] for i, ms in sorted(self.by_token.items())
                if token_index - window <= i < token_index and len(ms) == 1]

    def tags_at(self, token_index: int) -> str:
        return self.tags.get(token_index, "")

    def mentions(self) -> Iterable[Mention]:
        for mentions in self.by_token.values():
            yield from mentions


@dataclass
class _Seen:
    token: int
    code: str
    name: str
    person: bool
    subject: bool
    sentence: int
    plural: bool = False  # one mention standing for several actors ("the two countries")
    many: bool = False  # a grammatically plural or collective phrase ("the rebels", "the opposition")


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion or substitution."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


class _StoryResolver:
    def __init__(self, doc: Doc, knowledge: Knowledge, story_date: dt.date | None = None) -> None:
        self.story_date = story_date
        self.doc = doc
        self.text = doc.text
        self.words = [t.text for t in doc]
        self.k = knowledge
        self.tags: dict[int, tuple[GazetteerEntry, int, int]] = {}  # token -> (entry, start, end)
        self.persons: dict[str, tuple[str, str]] = {}  # name token (lower) -> (code, full name)
        self.history: list[_Seen] = []
        self.index = ActorIndex()
        self.country_counts: Counter[str] = Counter()
        self.code_counts: Counter[str] = Counter()

    # ---- gazetteer -------------------------------------------------------------------------
    def tag_names(self) -> None:
        """Mark every gazetteer name in the story (longest match first)."""
        k, words = self.k, self.words
        n = len(words)
        i = 0
        while i < n:
            matched = 0
            first = words[i][:1]
            if (first.isalpha() or first in "'\"") and words[i].lower() in k.first_words:
                for length in range(min(k.max_name_tokens, n - i), 0, -1):
                    entry = k.lookup_name(words[i:i + length])
                    if entry is None:
                        continue
                    if entry.periods:  # a dated role: the code in force on the story's date
                        entry = replace(entry, code=entry.code_on(self.story_date), periods=())
                    if entry.code == "---":
                        break
                    if entry.kind != ORGANIZATION and length == 1 and self._inside_person(self.doc[i]):
                        break
                    for j in range(i, i + length):
                        self.tags[j] = (entry, i, i + length)
                    matched = length
                    break
            i += matched or 1

    def _inside_person(self, token: Token) -> bool:
        if token.ent_type_ != "PERSON":
            return False
        ent = next((e for e in doc_entities(token.doc) if e.start <= token.i < e.end), None)
        return ent is not None and len(ent) >= 2 and token.text not in ("Japanese", "Chinese")


    # ---- phrase structure ------------------------------------------------------------------
    def np_tokens(self, head: Token, depth: int = 0) -> list[Token]:
        tokens = [head]
        for child in head.children:
            if child.dep_ in NP_MODIFIERS:
                tokens.extend(child.subtree)
            elif child.dep_ == "prep" and child.lower_ in OF_PREPS and depth < 3:
                tokens.append(child)
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        tokens.extend(self.np_tokens(grand, depth + 1))
        return sorted(tokens, key=lambda t: t.i)

    def sector_of(self, tokens: list[Token], head: Token) -> str:
        return self.sector_and_cover(tokens, head)[0]

    def sector_and_cover(self, tokens: list[Token], head: Token) -> tuple[str, bool]:
        """The sector signalled by the phrase (institutions beat roles, longer beats shorter, nearer the
        head beats farther) and whether some sector phrase covers the head itself."""
        lemmas = [self._lemma(t) for t in tokens]
        best: tuple[tuple[int, int, int, int], str] | None = None
        found: set[str] = set()
        covers = False
        k = self.k
        for start in range(len(tokens)):
            for length in range(min(k.max_sector_tokens, len(tokens) - start), 0, -1):
                window = tokens[start:start + length]
                if any(window[j + 1].i != window[j].i + 1 for j in range(len(window) - 1)):
                    continue
                sector = self._sector_lookup(lemmas[start:start + length])
                if sector is None:
                    continue
                if window[0].i <= head.i <= window[-1].i:
                    covers = True
                last = lemmas[start + length - 1]
                rank = (
                    1 if last in INSTITUTIONS else 0,
                    0 if last in WEAK_ROLES else 1,
                    length,
                    -abs(head.i - window[-1].i),
                )
                if best is None or rank > best[0]:
                    best = (rank, sector)
                found.add(sector)
                break
        if best and best[1] in ("GOV", "PTY", "LEG") and found & {"OPP", "REB"}:
            # "the opposition National Unity Government", "rebel government": the qualifier decides
            return ("OPP" if "OPP" in found else "REB", covers)
        return (best[1] if best else "", covers)

    def _sector_lookup(self, words: list[str]) -> str | None:
        return self.k.sectors.get(tuple(words))

    @staticmethod
    def _lemma(token: Token) -> str:
        return fold_word(token.text)

    # ---- resolution ------------------------------------------------------------------------
    def resolve(self) -> ActorIndex:
        self.tag_names()
        named = Counter(entry.code[:3] for entry, start, _ in {v[1]: v for v in self.tags.values()}.values()
                        if entry.kind in (NAME, ADJECTIVE, CAPITAL, GOVERNMENT))
        self.prior_country = named.most_common(1)[0][0] if named else ""
        self.top_countries = [c for c, _ in named.most_common(2)]
        self.find_persons()
        for sent_index, sent in enumerate(self.doc.sents):
            for token in sent:
                if not self._is_np_head(token):
                    continue
                actors = self.resolve_head(token, sent_index)
                if not actors and token.ent_type_ in ("DATE", "TIME"):
                    # the parser's "[President Bashar Assad] Tuesday": the name before the date is the head
                    names = [c for c in token.children if c.dep_ == "compound" and c.ent_type_ not in ("DATE", "TIME")]
                    if names:
                        actors = self.resolve_head(names[-1], sent_index)
                if actors:
                    self._record(token, actors, sent_index)
                    if len(actors) == 1:
                        self.learn_acronym(token, actors[0])
        self.index.tags = {i: entry.code for i, (entry, _, _) in self.tags.items()}
        self.index.actors_named = len({c for c in self.code_counts if c[:3] != "---"})
        self.index.main_countries = [c for c, n in self.country_counts.most_common()
                                     if n >= 2 and c not in NOT_COUNTRIES][:2]
        for country in self.index.main_countries:
            codes = [c for c, _ in self.code_counts.most_common() if c.startswith(country)]
            code = next((c for c in codes if c[3:6] == "GOV"), codes[0])  # the state acts through its government
            mention = next(m for m in self.index.mentions() if m.actor.code == code)
            self.index.main_codes[country] = mention
        return self.index

    @staticmethod
    def _is_np_head(token: Token) -> bool:
        if token.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ", "NUM", "X"):
            return False
        if token.dep_ in ("compound", "amod", "flat", "nmod") and token.head.pos_ in ("NOUN", "PROPN"):
            return False
        return token.pos_ != "ADJ" or token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos")

    def _record(self, token: Token, actors: list[Mention], sent_index: int) -> None:
        self.index.by_token[token.i] = actors
        subject = token.dep_ in ("nsubj", "nsubjpass", "agent")
        for mention in actors:
            dated = mention.how == DICTIONARY and token.ent_type_ == "PERSON"  # "Obama": a dictionary person
            person = len(actors) == 1 and token.tag_ not in ("NNS", "NNPS") and (mention.how == "person" or dated or (
                mention.how in ("title", "adjective", "name", "coreference") and token.pos_ != "PRON"
                and fold_word(token.text) not in COLLECTIVES and token.i not in self.tags
                and len(mention.actor.code) > 3) or (token.lower_ in PERSONAL or token.lower_ in ("latter", "former")))
            many = token.tag_ in ("NNS", "NNPS") or fold_word(token.text) in COLLECTIVES
            self.history.append(_Seen(token.i, mention.actor.code, mention.actor.name, person, subject,
                                      sent_index, plural=len(actors) > 1, many=many))
            if mention.how not in ("coreference",):
                self.country_counts[mention.actor.country] += 1
                self.code_counts[mention.actor.code] += 1

    def _mention(self, head: Token, code: str, how: str, name: str = "", span: Iterable[Token] = ()) -> Mention:
        tokens = [t for t in span if not t.is_space and not t.is_punct] or [head]
        start = min(t.idx for t in tokens)
        end = max(t.idx + len(t.text) for t in tokens)
        country = self.k.country_names.get(code[:3], code[:3])
        return Mention(self.text[start:end], start, end, Actor(code, name or country), how)

    def resolve_head(self, head: Token, sent_index: int) -> list[Mention]:
        lower = head.lower_
        if head.pos_ == "PRON" or lower in ("latter", "former"):
            return self.resolve_pronoun(head, sent_index)
        tokens = self.np_tokens(head)
        plural = self.resolve_plural(head, tokens)
        if plural:
            return plural
        if fold_word(head.text) in COUNTERPART_NOUNS:
            located = [t for c in head.children if c.dep_ == "prep" and c.lower_ in ("in", "from")
                       for t in c.subtree]  # "his counterpart in Nepal"
            tagged = [(t, self.tags[t.i]) for t in tokens + located if t.i in self.tags]
            return self.resolve_counterpart(head, tagged, sent_index)
        apposed = self.index.by_token.get(head.head.i, []) if head.dep_ == "appos" else []
        if len(apposed) == 1 and head.i not in self.tags and head.ent_type_ == "PERSON" \
                and apposed[0].how in ("coreference", "title", "adjective", "name", "person"):
            # "The deputy minister, Hossein Mirzaei-Rad,": the name is the one just described
            return [self._mention(head, apposed[0].actor.code, "person", apposed[0].actor.name, span=tokens)]
        person = self.person_at(head)
        if person is not None:
            return [self._mention(head, person[0], "person", person[1], span=tokens)]
        if fold_word(head.text) in FOLLOWER_NOUNS:  # "his men", "their fighters": the armed owner's own
            for child in head.children:
                owners = self.index.by_token.get(child.i, []) if child.dep_ == "poss" else []
                if owners and owners[0].actor.sector in ("MIL", "COP", "REB", "UAF", "CRM", "SPY"):
                    return [self._mention(head, owners[0].actor.code, "coreference", owners[0].actor.name,
                                          span=tokens)]
        sector, covers_head = self.sector_and_cover(tokens, head)
        owners = [m for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"
                  for m in self.index.by_token.get(c.i, [])]
        if sector and covers_head and len({m.actor.country for m in owners}) > 1:
            # "their navies" of two governments: each one's own
            return [self._mention(head, country + sector, "coreference", span=tokens)
                    for country in dict.fromkeys(m.actor.country for m in owners)]
        if sector and fold_word(head.text) in COLLECTIVE_BODIES:
            covers_head = True  # "the lawyers' association", "the teachers' federation": its members' sector
        head_tag = self.tags.get(head.i)
        tagged = [(t, self.tags[t.i]) for t in tokens if t.i in self.tags and not self._sponsor(t)]
        if not tagged:
            # "the bank" after "the World Bank", "the bank's vice president", "the council" after "the
            # Security Council": the organisation last named with that word
            for noun in [head] + [c for c in head.children if c.dep_ == "poss" and c.pos_ == "NOUN"]:
                if any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children):
                    named = self.named_before(noun)
                    if named is not None:
                        return [self._mention(head, named.code, "coreference", named.name, span=tokens)]
            # "federation leaders" after "the Garment Workers' Unity Federation": the body named before
            for noun in [c for c in head.children if c.dep_ == "compound" and c.pos_ == "NOUN"]:
                body = self._body_named_before(noun, sent_index)
                if body is not None:
                    return [self._mention(head, body.code, "coreference", body.name, span=tokens)]
        if not tagged and not sector and fold_word(head.text) in GROUP_NOUNS and any(
                c.lower_ in ("the", "this", "that") for c in head.children if c.dep_ == "det"):
            return self.resolve_group(head, sent_index)
        hyphenated = head.i >= 2 and head.nbor(-1).text == "-" and head.nbor(-2).pos_ == "PROPN"  # "Jae-hoon"
        titled_name = (head.pos_ == "PROPN" or hyphenated) and bool(sector or tagged) and head.ent_type_ in (
            "PERSON", "ORG", "")
        agent = bool(tagged) and (self._is_agent_noun(head) or (
            tagged[0][1][0].kind == ORGANIZATION and fold_word(head.text) in ORG_BODIES))
        if fold_word(head.text) == "capital" and tagged and tagged[0][1][0].kind in (NAME, ADJECTIVE) and not any(
                t.lower_ in ("state", "provincial", "regional", "province", "district", "county") for t in tokens):
            # "the Turkmen capital": the capital as metonym for the government
            return [self._mention(head, tagged[0][1][0].code[:3] + "GOV", CAPITAL, span=tokens)]
        if not (covers_head or head_tag is not None or self._is_people(head) or agent or titled_name):
            return []
        if tagged and head_tag is None:
            members = self._coordinated_countries(tagged)
            if len(members) < 2 and head.tag_ in ("NNS", "NNPS") and sector:
                # "the foreign ministers of Chile and Peru": one actor per country named after "of"
                owners = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                          for p in c.children if p.dep_ == "pobj" for t in [p, *p.conjuncts]]
                named = [self.tags[t.i][0] for t in owners if t.i in self.tags]
                if len(named) > 1 and all(e.kind in (NAME, ADJECTIVE) for e in named):
                    members = named
            if len(members) > 1:
                return [self._mention(head, entry.code[:3] + sector, entry.kind, span=tokens) for entry in members]
        if tagged:
            entry = tagged[0][1][0]
            if entry.kind == ORGANIZATION or (len(entry.code) > 3 and not sector):
                code = entry.code
            elif entry.kind in LOCATION_KINDS and not sector:
                code = entry.code[:3]
            elif not sector and head_tag is None and not self._is_people(head):
                return []
            else:
                code = entry.code[:3] + sector
            how = "organization" if entry.kind == ORGANIZATION else entry.kind
            return [self._mention(head, code, how, span=tokens)]
        anonymous = sector == "REB" and (fold_word(head.text) in ANONYMOUS_ATTACKERS or any(
            fold_word(t.text) in ("unidentified", "unknown", "masked") for t in tokens))
        if anonymous:  # "gunmen thought to be members of a cartel": the group they are said to be of
            said = [t for c in head.children if c.i > head.i and (c.lemma_.lower() in AFFILIATION_WORDS or (
                c.dep_ == "prep" and c.lower_ in ("from", "of"))) for t in c.subtree if t not in tokens]
            if head.dep_ == "nsubj" and head.head.lemma_.lower() in AFFILIATION_WORDS:  # the parser's reading
                said += [t for c in head.head.children if c.dep_ == "xcomp" for t in c.subtree]
            told = self.sector_of(said, said[-1]) if said else ""
            if told and told != "REB":
                sector, anonymous = told, False
                named = [self.tags[t.i][0] for t in said if t.i in self.tags]
                if named and named[0].kind != ORGANIZATION:  # "... to a Mexican drug cartel"
                    return [self._mention(head, named[0].code[:3] + sector, "title", span=tokens)]
        if sector and not anonymous:
            # "demonstrators in Baghdad", "opposition parties in Nepal": where the group is
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "from"):
                    places = [self.tags[t.i][0] for t in child.subtree if t.i in self.tags]
                    if places and places[0].kind != ORGANIZATION:
                        return [self._mention(head, places[0].code[:3] + sector, "title", span=tokens)]
            # "the government and the citizens of Laos": a conjoined phrase's country
            for conj in head.conjuncts:
                near = [self.tags[t.i][0] for t in self.np_tokens(conj) if t.i in self.tags
                        and t.dep_ == "pobj" and t.head.lower_ == "of"]
                if near and near[0].kind != ORGANIZATION:
                    return [self._mention(head, near[0].code[:3] + sector, "title", span=tokens)]
        if sector and not anonymous and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
            # "the deputy minister" after "an Iranian deputy interior minister": the one described before
            described = {fold_word(t.text) for t in tokens if t.dep_ in ("amod", "compound") and t.i < head.i}
            if not described:  # "the fund" after "the Kuwait Fund for ...": the body named with that word
                body = self._body_named_before(head, sent_index)
                if body is not None:
                    return [self._mention(head, body.code, "coreference", body.name, span=tokens)]
            else:
                word = fold_word(head.text)
                for seen in reversed(self.history):
                    if seen.sentence < sent_index - 4:
                        break
                    if seen.token >= head.i or len(seen.code) < 6:
                        continue
                    earlier = self.doc[seen.token]
                    near = {fold_word(t.text) for t in earlier.subtree if t.i < earlier.i}
                    if fold_word(earlier.text) == word and described <= near:
                        return [self._mention(head, seen.code, "coreference", seen.name, span=tokens)]
        if sector == "MIL" and any(fold_word(t.text) in ("government", "state", "regime") for t in tokens):
            # "government forces": the forces of the government last named, not of the last foreign army
            for seen in reversed(self.history):
                if seen.code[3:6] == "GOV" and seen.code[:3] not in NOT_COUNTRIES:
                    return [self._mention(head, seen.code[:3] + "MIL", "title", span=tokens)]
        if sector:
            code = self.contextual_code(sector, sent_index, anonymous=anonymous)
            if code:
                return [self._mention(head, code, "title", span=tokens)]
        return []

    def _sponsor(self, token: Token) -> bool:
        """A name in "Al Qaeda-linked", "Iranian-backed": a patron of the group, not the group itself."""
        doc = token.doc
        after = self.tags[token.i][2] if token.i in self.tags else token.i + 1  # the end of the name
        while after < len(doc) and doc[after].pos_ == "PROPN" and doc[after].text[:1].isupper():
            after += 1  # to the end of a multi-word name ("Al Qaeda")
        return after + 1 < len(doc) and doc[after].text == "-" and doc[after + 1].lower_ in SPONSOR_WORDS

    @staticmethod
    def _is_agent_noun(head: Token) -> bool:
        """Nouns for people or units acting ("bomber", "negotiator", "coordinator", "attackers"): with a
        country or organisation modifier they are actors even when no sector word is present."""
        word = fold_word(head.text)
        return head.pos_ == "NOUN" and word.endswith(("er", "or", "ist", "man", "men", "ant", "ent", "ive"))

    def _coordinated_countries(self, tagged: list[tuple[Token, Any]]) -> list[GazetteerEntry]:
        """"Cambodian and Thai troops": country adjectives joined by a conjunction, one actor each."""
        entries: list[GazetteerEntry] = []
        first = tagged[0][0]
        if first.dep_ not in ("amod", "compound", "nmod"):
            return []
        for token, (entry, _, _) in tagged:
            joined = token is first or (token.dep_ == "conj" and token.head.i in {t.i for t, _ in tagged})
            if joined and entry.kind in (ADJECTIVE, NAME) and all(e.code[:3] != entry.code[:3] for e in entries):
                entries.append(entry)
        return entries

    @staticmethod
    def _is_people(head: Token) -> bool:
        return fold_word(head.text) in ("people", "citizen", "national", "public", "population")

    # ---- persons ---------------------------------------------------------------------------
    def find_persons(self) -> None:
        """Register every named person whose title or apposition the story gives, before resolution,
        so that all mentions of them (by full name, surname or a near spelling) resolve."""
        doc = self.doc
        spans: list[tuple[int, int]] = []
        for ent in doc_entities(doc):
            if ent.label_ == "PERSON":
                spans.append((ent.start, ent.end))
        for token in doc:
            if token.lower_ in ("h.e.", "mr.", "mrs.", "ms.", "dr.", "excellency") and token.i + 1 < len(doc):
                end = token.i + 1
                while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                    end += 1
                if end > token.i + 1:
                    spans.append((token.i + 1, end))
        for start, end in sorted(set(spans)):
            names = [t for t in doc[start:end] if t.lower_ not in HONORIFICS and t.i not in self.tags
                     and self._sector_lookup([self._lemma(t)]) is None and t.text[:1].isupper()]
            if not names:
                continue
            code = self.title_for(doc[start:end], names)
            if not code:
                continue
            full = " ".join(t.text for t in names)
            for t in names:
                if len(t.text) >= 3:
                    self.persons.setdefault(t.lower_, (code, full))

    def title_for(self, span: Any, names: list[Token]) -> str:
        """The code a person's title gives: words before the name (and inside its phrase), else an
        apposition after it ("Bambang Wirastomo, a retired general")."""
        doc = self.doc
        window: list[Token] = [t for t in span if t not in names]
        i = span.start - 1
        while i >= 0 and span.start - i <= 14:
            t = doc[i]
            if t.lower_ in HONORIFICS or t.pos_ in ("PROPN", "NOUN", "ADJ") or t.lower_ in TITLE_GLUE:
                if t.pos_ == "PROPN" and t.ent_type_ == "PERSON" and t.i not in self.tags:
                    break
                window.insert(0, t)
                i -= 1
                continue
            break
        while window and window[0].lower_ in (",", "and", "of", "for"):
            window.pop(0)
        head = names[-1]
        for child in head.children:
            if child.dep_ == "appos":
                window.extend(self.np_tokens(child))
        if head.dep_ == "appos" and head.head.pos_ in ("NOUN", "PROPN"):
            window.extend(self.np_tokens(head.head))
        window = sorted({t.i: t for t in window}.values(), key=lambda t: t.i)
        if not window:
            return ""
        if any(fold_word(t.text) in COUNTERPART_NOUNS for t in window):
            tagged = [self.tags[t.i][0] for t in window if t.i in self.tags]
            if tagged:
                return tagged[-1].code[:3] + "GOV"
            # "X ... with her counterpart, Y": Y is of the story's other main country
            sentence = doc[span.start].sent
            before = [self.persons[doc[i].lower_][0][:3] for i in range(sentence.start, span.start)
                      if doc[i].lower_ in self.persons]  # the person whose counterpart this is
            before = before or [self.tags[i][0].code[:3] for i in range(sentence.start, span.start)
                                if i in self.tags and self.tags[i][0].kind not in (CITY,)]
            if before and len(self.top_countries) == 2 and before[-1] in self.top_countries:
                return next(c for c in self.top_countries if c != before[-1]) + "GOV"
            return ""
        sector = self.sector_of(window, window[-1])
        tagged = [self.tags[t.i][0] for t in window if t.i in self.tags]
        if not sector and not tagged:
            return ""
        if tagged:
            entry = tagged[-1] if not sector else tagged[0]
            if entry.kind == ORGANIZATION:
                return entry.code
            return entry.code[:3] + sector
        country = self.index.dateline_country or self.prior_country
        return country + sector if country else ""

    def person_at(self, head: Token) -> tuple[str, str] | None:
        if head.pos_ != "PROPN":
            # the tagger sometimes calls a capitalised surname a noun ("Benavides praised ...")
            if head.pos_ == "NOUN" and head.text[:1].isupper() and head.lower_ in self.persons:
                return self.persons[head.lower_]
            return None
        tokens = [t for t in self.np_tokens(head) if t.pos_ == "PROPN"]
        for t in reversed(tokens):
            found = self.persons.get(t.lower_)
            if found is None and len(t.text) >= 5:
                found = next((v for name, v in self.persons.items() if len(name) >= 5 and _one_edit(name, t.lower_)),
                             None)
            if found:
                return found
        return None

    # ---- coreference -----------------------------------------------------------------------
    def resolve_pronoun(self, head: Token, sent_index: int) -> list[Mention]:
        lower = head.lower_
        recent = [s for s in self.history if s.sentence >= sent_index - 2]
        if lower in ("latter", "former"):
            distinct: list[_Seen] = []
            people = [s for s in self.history if s.person and s.token < head.i and s.sentence >= sent_index - 1]
            for seen in reversed(people or self.history):
                if seen.token >= head.i:
                    continue
                if all(d.code != seen.code for d in distinct):
                    distinct.append(seen)
                if len(distinct) == 2:
                    break
            if not distinct:
                return []
            pick = distinct[0] if lower == "latter" or len(distinct) == 1 else distinct[1]
            return [self._mention(head, pick.code, "coreference", pick.name)]
        if lower in PERSONAL:
            people = [s for s in recent if s.person and s.token < head.i]
            subjects = [s for s in people if s.subject]
            chosen = subjects or people
            if not chosen:
                return []
            return [self._mention(head, chosen[-1].code, "coreference", chosen[-1].name)]
        if lower in NEUTER:
            things = [s for s in recent if not s.person and not s.plural and s.token < head.i]
            chosen = [s for s in things if s.subject] or things
            if not chosen:
                return []
            return [self._mention(head, chosen[-1].code, "coreference", chosen[-1].name)]
        if lower in PLURAL:
            speakers = self._speakers_of(head)  # "X urged ... and said they were ready": the speakers
            if speakers:
                return [self._mention(head, m.actor.code, "coreference", m.actor.name) for m in speakers]
            groups = [s for s in recent if (s.plural or s.many) and s.token < head.i and s.sentence >= sent_index - 1]
            if groups:
                last = groups[-1].token
                return [self._mention(head, s.code, "coreference", s.name) for s in groups if s.token == last]
            return self._main_pair(head, "")
        return []

    def _speakers_of(self, pronoun: Token) -> list[Mention]:
        """For the subject pronoun of a reported clause, the plural or collective speakers of the report."""
        clause = pronoun.head
        if pronoun.dep_ == "poss" and clause.dep_ in ("nsubj", "nsubjpass"):  # "agreed that their navies would"
            clause = clause.head
        elif pronoun.dep_ not in ("nsubj", "nsubjpass"):
            return []
        if clause.dep_ != "ccomp" or clause.head is clause:
            return []
        speech = clause.head
        if speech.lemma_.lower() not in SPEECH_VERBS | {"agree", "decide", "promise", "pledge", "vow"}:
            return []
        for _ in range(3):  # "urged ... and said they": the subject of the first verb
            if any(c.dep_ == "nsubj" for c in speech.children) or speech.dep_ != "conj":
                break
            speech = speech.head
        for subject in [c for c in speech.children if c.dep_ == "nsubj"]:
            found = self.index.by_token.get(subject.i, [])
            if not found:  # "the co-chairs of the Minsk Group"
                found = [m for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"
                         for p in c.children if p.dep_ == "pobj" for m in self.index.by_token.get(p.i, [])]
            many = subject.tag_ in ("NNS", "NNPS") or len(found) > 1 or any(
                m.actor.code[:3] in ("IGO", "NGO") for m in found)
            if found and many:
                return found
        return []

    def resolve_plural(self, head: Token, tokens: list[Token]) -> list[Mention]:
        pair = DIVIDED_NATIONS.get(head.lower_)
        if pair is not None:  # "both Koreas", "the two Sudans"
            return [self._mention(head, code, "name", span=tokens) for code in pair]
        lemma = fold_word(head.text)
        if lemma not in PLURAL_NOUNS:
            return []
        marker = any(t.lower_ in ("two", "both") for t in tokens)
        if not marker:
            return []
        if lemma in ("country", "nation", "state"):
            return self._main_pair(head, "", bare=True)
        return self._main_pair(head, self.sector_of([head], head))

    def _main_pair(self, head: Token, sector: str, *, bare: bool = False) -> list[Mention]:
        countries = [c for c, _ in self.country_counts.most_common() if c not in ("---", "IGO", "NGO")][:2]
        if len(countries) < 2:
            return []
        mentions = []
        for country in countries:
            if sector or bare:
                code = country + sector
            else:
                full = [c for c, _ in self.code_counts.most_common() if c.startswith(country)]
                code = full[0] if full else country
            mentions.append(self._mention(head, code, "coreference"))
        return mentions

    def resolve_counterpart(self, head: Token, tagged: list[tuple[Token, Any]], sent_index: int) -> list[Mention]:
        country = tagged[0][1][0].code[:3] if tagged else ""
        subject_code = ""
        verb = head
        while verb.dep_ not in ("ROOT",) and verb.pos_ not in ("VERB", "AUX"):
            verb = verb.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i != head.i]
        if subjects and subjects[0].i in self.index.by_token:
            subject_code = self.index.by_token[subjects[0].i][0].actor.code
        else:
            people = [s for s in self.history if s.person and s.token < head.i]
            subject_code = people[-1].code if people else ""
        sector = subject_code[3:6] or "GOV"
        if country:
            return [self._mention(head, country + sector, "title")]
        candidates = [s for s in self.history if s.token < head.i and s.code[:3] != subject_code[:3]
                      and s.code[:3] not in ("IGO", "---")]
        people = [s for s in candidates if s.person]
        if people or candidates:
            seen = (people or candidates)[-1]
            return [self._mention(head, seen.code, "coreference", seen.name)]
        return []

    def learn_acronym(self, head: Token, mention: Mention) -> None:
        """'the opposition Movement for Democratic Renewal (MDR)': later "MDR" is that actor."""
        doc = self.doc
        last = max(t.i for t in head.subtree)
        if last + 3 > len(doc) or doc[last + 1].text != "(" or doc[last + 3].text != ")":
            last = head.i  # the parser may hang the parenthesis elsewhere
            if last + 3 > len(doc) or doc[last + 1].text != "(" or doc[last + 3].text != ")":
                return
        acronym = doc[last + 2].text
        if not (acronym.isupper() and acronym.isalpha() and 2 <= len(acronym) <= 6) or last + 2 in self.tags:
            return
        entry = GazetteerEntry(mention.actor.code, ORGANIZATION, mention.actor.name or acronym)
        for i in range(last + 3, len(doc)):
            if self.words[i] == acronym:
                self.tags[i] = (entry, i, i + 1)
        self.persons = {}
        self.find_persons()  # titles that name the acronym ("MDR spokesman X") now resolve

    def _body_named_before(self, word: Token, sent_index: int) -> _Seen | None:
        """The latest actor of the last five sentences whose proper name ends in the same word ("Federation",
        "Fund"): what "federation leaders" or "the fund" refer back to."""
        folded = fold_word(word.text)
        for seen in reversed(self.history):  # (history is in text order: stop at the window's start)
            if seen.sentence < sent_index - 5:
                break
            earlier = self.doc[seen.token]
            if seen.token < word.i and earlier.pos_ == "PROPN" and fold_word(earlier.text) == folded \
                    and len(seen.code) > 3:
                return seen
        return None

    def named_before(self, head: Token) -> GazetteerEntry | None:
        """The latest organisation named before `head` whose name ends with the head's word."""
        word = fold_word(head.text)
        best = None
        for entry, start, end in self.tags.values():
            names_it = end - start >= 2 and fold_word(self.words[end - 1]) == word
            if end <= head.i and entry.kind == ORGANIZATION and names_it and (best is None or start > best[1]):
                best = (entry, start)
        return best[0] if best else None

    def resolve_group(self, head: Token, sent_index: int) -> list[Mention]:
        """"the group", "the bloc", "the alliance": the latest organisation or armed/political group."""
        for seen in reversed(self.history):
            if seen.sentence < sent_index - 3 or seen.token >= head.i:
                continue
            if seen.code[:3] in ("IGO", "NGO", "IMG") or seen.code[3:6] in ("REB", "OPP", "PTY", "UAF", "CRM"):
                return [self._mention(head, seen.code, "coreference", seen.name)]
        return []

    def contextual_code(self, sector: str, sent_index: int, *, allow_history: bool = True,
                        anonymous: bool = False) -> str:
        """The code of a sector noun with no country ("the government", "police"): a domestic actor
        of the same sentence gives its country; else the last actor of that sector; else the dateline.
        Attackers the story has not identified ("unidentified gunmen", "the assailants") are "---REB",
        and peacekeepers with no nationality belong to the mission's organisation."""
        if sector == "PKO":
            for seen in reversed(self.history if allow_history else []):
                if seen.code in PEACEKEEPING_BODIES:
                    return seen.code
        for seen in reversed(self.history if allow_history else []):
            if anonymous:
                break
            if seen.sentence != sent_index:
                break
            if seen.code[3:6] in DOMESTIC_SECTORS and seen.code[3:6] != sector and seen.code[:3] not in NOT_COUNTRIES:
                return seen.code[:3] + sector
        for seen in reversed(self.history if allow_history else []):
            if seen.sentence < sent_index - 3:
                break
            if seen.code[3:6] == sector and not seen.plural and not anonymous:
                return seen.code
            if anonymous and seen.code[3:6] in ("REB", "CRM", "UAF") and (
                    seen.code.startswith("---") or seen.sentence >= sent_index - 1):
                return seen.code  # "the attackers": the gunmen of the last sentences
        if anonymous:
            return "---" + sector
        country = self.index.dateline_country
        if not country and self.country_counts:
            country = next((c for c, _ in self.country_counts.most_common() if c not in NOT_COUNTRIES),
                           "")
        if not country or len(country) != 3:
            return "---" + sector
        return country + sector


_DATELINE = re.compile(
    r"\A\s*(?P<place>[A-Z][A-Z .'’\-]{2,40}(?:,\s*[A-Z][A-Za-z .'’\-]{2,30})?)\s*"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,30}\)\s*)?[-–—]{1,2}\s+")


def find_dateline(text: str) -> tuple[int, int, str] | None:
    """The dateline at the start of a story ("PHNOM PENH, Oct 22 - "): (start, end, place text)."""
    match = _DATELINE.match(text)
    if match is None:
        return None
    return match.start("place"), match.end(), match.group("place")


def dateline_country(place: str, knowledge: Knowledge, tokenize: Any) -> str:
    """The country a dateline names ("FOZ DO IGUACU, Brazil" -> BRA), or ""."""
    for part in reversed([p.strip() for p in place.split(",")]):
        entry = knowledge.lookup_name(tokenize(part)) or knowledge.lookup_name(tokenize(part.title()))
        if entry is not None:
            return entry.code[:3]
    return ""


def resolve_actors(doc: Doc, knowledge: Knowledge, *, dateline_country: str = "",
                   story_date: dt.date | None = None) -> ActorIndex:
    """Resolve every actor mention of a parsed story (the dateline, if any, masked out of the doc);
    date-bounded dictionary entries take the code in force on `story_date`."""
    resolver = _StoryResolver(doc, knowledge, story_date)
    resolver.index.dateline_country = dateline_country
    return resolver.resolve()
