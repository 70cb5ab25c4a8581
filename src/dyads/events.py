"""Event extraction: clauses of a parsed story -> (source, target, CAMEO code) with modality.

Reads: the spaCy Doc, the ActorIndex from `dyads.actors`, the event lexicon in Knowledge.
Adds: `Candidate` events (trigger token, source and target mentions, code, modality).

The mechanism, per sentence:
- a verb whose lemma and dependents match a lexicon pattern ("express sympathy", "hold talk") triggers;
  nouns trigger nominal events ("their telephone conversation", "Japan's offer of aid");
- subject -> source (passive: the "by" agent), direct object, dative or a target preposition
  ("to", "with", "against", ...) -> target; missing subjects come from the governing clause;
- compound actors give one event per member; mutual actions give both directions;
- negation, questions, conditionals and speculative modals give nothing; clauses under "accuse",
  "deny" and the like are claims, not events; "will", "pledged to", "ready to" turn the code into its
  intent code (03x, 13x).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dyads.actors import ActorIndex
from dyads.attributes import CURRENCY_WORDS
from dyads.lexicons import Knowledge, NounPattern, VerbPattern, fold_word
from dyads.model import NOT_COUNTRIES, Actor, Mention
from dyads.ontology import appeal_code, event_type, intent_code, refusal_code

Token = Any
Doc = Any

TARGET_PREPS = ("to", "with", "against", "toward", "towards", "at", "upon", "into", "on", "for", "from", "over")
NOUN_TARGET_PREPS = ("to", "with", "against", "toward", "towards", "for", "between")
CONFLICT_NOUN_PREPS = ("on", "at")
VISIT_PREPS = ("in", "to", "at")
INTENT_HEADS = {"pledge", "promise", "vow", "offer", "agree", "plan", "intend", "decide", "commit", "undertake",
                "prepare", "ready", "willing", "prepared", "determined", "resolve", "aim", "threaten",
                "go", "propose", "volunteer", "reaffirm", "stand", "want", "seek"}
# "due to hold talks", "expected to visit", "scheduled to meet": foreseen, not done and not promised
FORESEEN_HEADS = {"due", "expect", "schedule", "set", "likely", "unlikely", "possible", "slate", "supposed"}
INTENT_NOUNS = {"commitment", "pledge", "promise", "offer", "readiness", "plan", "intention", "willingness",
                "decision", "agreement", "determination", "proposal", "vow", "aspiration"}
ASPECTUAL_HEADS = {"begin", "start", "continue", "resume", "keep", "finish", "manage", "stop", "try", "attempt"}
CLAIM_HEADS = {"accuse", "deny", "allege", "claim", "reject", "dismiss", "blame", "charge", "suspect", "fear",
               "doubt", "rumor", "rumour", "urge", "ask", "call", "demand", "invite", "hope",
               "wish", "consider", "discuss", "refuse", "decline", "need",
               "condemn", "criticize", "criticise", "protest", "request", "encourage", "press",
               "oppose", "fail", "avoid", "question", "deplore"}
SPECULATIVE_MODALS = {"could", "might", "may", "should", "must", "can", "ought"}
CONDITIONAL_MARKS = {"if", "unless", "whether", "should"}
LIGHT_VERBS = {"hold", "have", "conduct", "make", "give", "extend", "express", "launch", "carry", "stage",
               "sign", "offer", "announce", "provide", "convey", "pay", "begin", "start", "resume", "continue",
               "open", "end", "complete", "wrap", "receive", "accept", "deliver", "host", "attend", "join",
               "mount", "lodge", "file", "issue", "impose", "grant", "send", "take", "return", "exchange",
               "reach", "conclude", "agree", "voice", "be"}
NO_TARGET_ROOTS = {"14", "15", "18", "19", "20"}
STATEMENT_VERBS = {"say", "state", "tell", "announce", "report", "add", "note", "remark", "comment", "declare",
                   "express", "insist", "stress", "emphasize", "emphasise", "describe", "explain", "argue",
                   "acknowledge", "confirm", "assert", "reiterate", "write", "speak"}
OWN_FORCE_ROOTS = ("08", "15", "07", "16")
TOPIC_VERBS = {"discuss", "debate", "consider", "review", "address", "examine", "study", "explore"}
REFUSAL_HEADS = {"refuse", "decline"}
AERIAL = re.compile(r"\b(aircraft|warplanes?|jets?|planes?|drones?|helicopters?|air force|bombers?|gunships?)\b",
                    re.I)
PLACE_NOUNS = {"village", "town", "city", "camp", "house", "home", "market", "school", "hospital", "mosque",
               "church", "neighbourhood", "neighborhood", "district", "area", "settlement", "building", "wedding",
               "funeral", "bus", "residential", "suburb", "refugee", "hamlet", "compound"}
NON_STATE = {"REB", "CRM", "UAF", "OPP", "CVL", "LAB", "EDU"}  # their violence is mostly at home
PARTITIVE_NOUNS = {"member", "members", "supporter", "dozen", "dozens", "hundred", "hundreds", "thousand",
                   "thousands", "some", "many", "most", "group", "number", "part", "unit", "wing", "faction",
                   "contingent", "delegation", "team", "representative", "activist", "fighter", "chair", "chairs",
                   "chairman", "chairwoman", "chairperson", "official", "officials", "head", "envoy", "envoys"}
NEGATIVE_JUDGEMENTS = {"provocation", "provocative", "crime", "violation", "aggression", "travesty", "unacceptable",
                       "illegal", "outrageous", "baseless", "groundless", "unjustified", "irresponsible", "hostile",
                       "terrorism", "terrorist", "atrocity", "disgrace", "shameful", "dangerous", "unlawful",
                       "absurd", "lie", "lies", "insult", "betrayal", "farce", "sham"}
POSITIVE_JUDGEMENTS = {"milestone", "success", "breakthrough", "historic", "positive", "constructive", "welcome",
                       "important step", "landmark", "victory", "achievement", "model"}
COMMITMENT_HEADS = {"pledge", "promise", "vow", "offer", "agree", "ready", "willing", "prepared", "commit",
                    "undertake", "propose", "volunteer", "decide", "plan", "intend"}
STATE_SECTORS = {"GOV", "COP", "MIL", "JUD", "SPY"}
THREAT_HEADS = {"warn", "threaten", "vow", "caution", "promise", "pledge"}
PLEDGE_HEADS = {"vow", "pledge", "promise", "threaten", "offer", "announce", "plan", "propose"}
# codes that answer someone else's act: with no target in the clause, the target is who acted last
REPLY_CODES = ("016", "11", "12", "0256", "1056")
CONCESSION_CODES = {"083", "0832", "034", "0342", "082"}  # a policy given up or promised: to whoever demanded it
WEAPON_NOUNS = {"missile", "shell", "tank", "artillery", "munition", "projectile"}  # state arms
CHARGE_NOUNS = {"accusation", "allegation", "charge", "claim", "suggestion", "assertion", "report", "insinuation"}
TROOPS = re.compile(r"\b(troops|soldiers|battalions?|peacekeepers|contingents?|brigades?|regiments?|marines|"
                    r"paratroopers|units|forces)\b", re.IGNORECASE)
RELEASE_APPEALS = {"0253", "1053"}  # asking that persons or property held be set free
HOLDING_CODES = ("171", "173", "181", "1711", "1712")
FACTUAL_MARKS = {"after", "when", "because", "since", "as", "while"}  # "protested after the navy seized"
FACILITY_NOUNS = {"school", "hospital", "camp", "plant", "factory", "site", "facility", "farm", "mine", "clinic",
                  "university", "market", "mosque", "church", "temple", "shelter", "centre", "center", "museum",
                  "project", "exhibition", "memorial", "shrine", "dam", "refinery", "port", "village"}
RECEIVING_VERBS = {"receive", "obtain", "get", "secure", "win"}
RECEIVED_THINGS = {"weapon": "072", "arm": "072", "ammunition": "072", "assurance": "030", "guarantee": "030",
                   "aid": "070", "assistance": "070", "help": "070", "fund": "071", "funding": "071",
                   "money": "071", "vaccine": "073", "dose": "073", "medicine": "073", "food": "073"}
REQUEST_NOUNS = {"request", "invitation", "behest", "urging", "instigation", "initiative"}  # "at the request of"
ARMED_NON_STATE = {"REB", "CRM", "UAF", "INS"}
COMMITTED_ADJECTIVES = {"committed", "dedicated", "pledged"}
BACKGROUND_PREPS = {"during", "after", "since", "amid", "following", "before"}
HELPERS = re.compile(r"\b(medical|rescue|relief|aid|health|expert|experts|doctors|rescuers|aid workers)\b.*\b(team|teams|"
                     r"workers|experts|doctors|staff|mission)\b|\b(rescuers|doctors|aid workers)\b", re.IGNORECASE)
FAILURE_VERBS = {"fail", "neglect"}  # "said Colombia had failed to act": a reproach
MONEY_WORDS = CURRENCY_WORDS | {"crore", "lakh"}  # what "$" in a verb pattern stands for
VICTIM_VERBS = {"kill", "wound", "injure", "maim", "hurt"}  # a toll participle names who was hit
VIOLENT_NOUNS = {"attack", "bombing", "killing", "violence", "shelling", "firing", "strike", "raid", "ambush",
                 "incident", "assault", "massacre", "blast", "explosion", "airstrike", "incursion", "aggression",
                 "provocation", "fire", "bombardment"}


@dataclass(frozen=True)
class Candidate:
    """An event found in a sentence, before scoring and dating."""

    sentence_index: int
    trigger: Token
    source: Mention
    target: Mention | None
    code: str
    modality: str


def _bag(verb: Token) -> set[str]:
    """The words a verb pattern may require: particles, prepositions, objects and their compounds,
    open complements."""
    words: set[str] = set()
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    for child in verb.children:
        dep = child.dep_
        if dep in ("prt", "prep", "agent"):
            if any(g.ent_type_ in ("DATE", "TIME") for g in child.children):
                continue  # "agreed on Wednesday" is not "agreed on"
            words.add(child.lower_)
            for grand in child.children:
                if grand.dep_ in ("pobj", "pcomp"):
                    words.update(_noun_words(grand))
        elif dep in ("dobj", "attr", "dative", "oprd") or (passive and dep == "nsubjpass"):
            words.update(_noun_words(child))
            for conj in child.conjuncts:
                words.update(_noun_words(conj))
        elif dep in ("xcomp", "acomp", "ccomp"):
            if dep == "ccomp" and verb.lemma_.lower() in CLAIM_HEADS | STATEMENT_VERBS and any(
                    g.dep_ in ("nsubj", "nsubjpass") and g.pos_ != "PRON" for g in child.children):
                continue  # "claimed that ISIL had attacked Iraq": what another did, not the verb's own act
            words.add(child.lemma_.lower())
            asks = any(c.dep_ in ("dobj", "dative") or (c.dep_ == "prep" and c.lower_ in ("on", "upon"))
                       for c in verb.children)  # "called on X to respect the truce": X's act, not a truce called
            for grand in child.children:
                if grand.dep_ == "prt" or (grand.dep_ == "dobj" and not asks):
                    words.update(_noun_words(grand))
        elif dep == "advmod":  # "sexually assaulted", "stepped down"
            words.add(child.lower_)
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        words.update(_noun_words(verb.head))  # "the rescue teams Havana sent": the noun is the object
    return words


def _noun_words(token: Token, depth: int = 0) -> set[str]:
    """A noun's lemma and its modifiers' ("telephone talks"), looking through measure phrases
    ("three hours of talks", "a round of negotiations")."""
    words = {token.lemma_.lower(), token.lower_}
    for child in token.children:
        if child.dep_ in ("compound", "amod", "nmod", "nummod", "quantmod"):
            words.add(child.lemma_.lower())
            words.add(child.lower_)
        elif child.dep_ == "acl" and depth == 0 and any(a.dep_ == "aux" and a.lower_ == "to" for a in child.children):
            words.add(child.lemma_.lower())  # "the right to respond"
        elif child.dep_ == "prep" and child.lower_ == "of" and depth == 0:
            words.add("of")
            for grand in child.children:
                if grand.dep_ == "pobj":
                    words.update(_noun_words(grand, 1))
    return words


def _verb_patterns(verb: Token, knowledge: Knowledge) -> list[VerbPattern]:
    """Patterns for the verb's lemma, or for a base form guessed from its text when the lemmatizer
    errs ("staged" -> "stag")."""
    patterns = knowledge.verbs.get(verb.lemma_.lower())
    if patterns:
        return patterns
    text = verb.lower_
    for suffix, add in (("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"), ("es", ""), ("s", "")):
        if text.endswith(suffix) and len(text) > len(suffix) + 2:
            found = knowledge.verbs.get(text[: -len(suffix)] + add)
            if found:
                return found
    if text.endswith(("tted", "pped", "mmed", "gged")):  # "committed", "stopped": a doubled consonant
        return knowledge.verbs.get(text[:-3], [])
    return []


def match_verb(verb: Token, knowledge: Knowledge, actor_at: Any = None) -> VerbPattern | None:
    """The most specific lexicon pattern the verb and its dependents match. In a pattern, "@" requires
    an object that is an actor (`actor_at(token_index)`; any object when no actor index is given), "&" an
    object that is a thing, not an actor, and "$" a sum of money."""
    patterns = _verb_patterns(verb, knowledge)
    if not patterns:
        return None
    bag = None
    for pattern in patterns:
        if not pattern.words:
            return pattern
        if bag is None:
            bag = _bag(verb)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
            objects = [c for c in verb.children if c.dep_ in ("dobj", "dative") or (passive and c.dep_ == "nsubjpass")]
            if any(actor_at(o.i) for o in objects) if actor_at else objects:
                bag.add("@")
            if any(o.pos_ == "NOUN" and o.dep_ != "dative" and not (actor_at and actor_at(o.i)) for o in objects):
                bag.add("&")  # a thing as object: "returned the paintings to Italy"
            if bag & MONEY_WORDS:
                bag.add("$")  # a sum of money as object: "lent Jordan 35 million dinars"
        if all(w == "*" or w in bag for w in pattern.words):
            return pattern
    return None


def match_noun(noun: Token, knowledge: Knowledge) -> NounPattern | None:
    patterns = knowledge.nouns.get(noun.lemma_.lower()) or knowledge.nouns.get(noun.lower_)
    if not patterns:
        return None
    modifiers = {c.lemma_.lower() for c in noun.children if c.dep_ in ("compound", "amod", "nmod")}
    for pattern in patterns:
        if all(m in modifiers for m in pattern.modifiers):
            return pattern
    return None


class _SentenceExtractor:
    def __init__(self, sent: Any, sent_index: int, index: ActorIndex, knowledge: Knowledge,
                 earlier: list[Candidate], sightings: list[Candidate]) -> None:
        self.earlier = earlier
        self.sightings = sightings  # acts seen with a source but no target: what replies may refer to
        self.sent = sent
        self.tokens = list(sent)  # walked several times: built once
        self.sent_index = sent_index
        self.index = index
        self.k = knowledge
        self.out: list[Candidate] = []
        self.consumed: set[int] = set()
        self.threat_heads: set[int] = set()
        self._modality: dict[int, str | None] = {}  # the two questions asked of a token again and again
        self._subjects: dict[int, tuple[Mention, ...]] = {}

    # ---- modality --------------------------------------------------------------------------
    def _negated(self, token: Token) -> bool:
        if any(c.dep_ == "neg" for c in token.children):
            return True
        return any(c.dep_ == "det" and c.lower_ == "no" for c in token.children)

    def modality(self, trigger: Token) -> str | None:
        """'asserted', 'intent', 'refusal' ("will not withdraw", "refused to release"), or None when the
        clause is negated, hypothetical, a purpose or a claim (worked out once per token)."""
        if trigger.i not in self._modality:
            self._modality[trigger.i] = self._find_modality(trigger)
        return self._modality[trigger.i]

    def _find_modality(self, trigger: Token) -> str | None:
        if self._negated(trigger):
            future = any(c.dep_ == "aux" and c.lower_ in ("will", "would", "wo", "shall") for c in trigger.children)
            return "refusal" if future else None
        if trigger.dep_ in ("xcomp", "advcl") and trigger.head.lemma_.lower() in REFUSAL_HEADS \
                and not self._negated(trigger.head):
            return "refusal"
        if trigger.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in trigger.children):
            if trigger.head.lemma_.lower() == "summon" and trigger.lemma_.lower() in ("demand", "ask", "seek"):
                return "asserted"  # "summoned the ambassador to demand an explanation": the demand was made
            return None  # a purpose ("summoned the envoy to protest"): the main clause is the event
        if trigger.dep_ == "ccomp" and trigger.head.lemma_.lower() in INTENT_HEADS - {"threaten"} \
                and not self._negated(trigger.head) and self.modality(trigger.head) is not None:
            return "intent"  # "agreed that their countries should cooperate", "promised that it would help"
        intent = False
        for child in trigger.children:
            if child.dep_ in ("aux", "auxpass"):
                word = child.lower_
                if word in SPECULATIVE_MODALS:
                    return None
                if word in ("will", "shall", "'ll", "wo"):
                    intent = True
                if word == "would":
                    intent = True
            if child.dep_ == "mark" and child.lower_ in CONDITIONAL_MARKS:
                return None
            if child.dep_ == "mark" and child.lower_ in ("before", "until") and trigger.tag_ in ("VBZ", "VBP"):
                return None  # "before Sarkozy heads to Beijing": not yet done
        token = trigger
        for _ in range(6):
            dep = token.dep_
            head = token.head
            if head is token:
                break
            if dep == "conj" and token.tag_ in ("VBD", "VBZ") and (head.tag_ == "VB" and head.dep_ == "xcomp" or (
                    head.dep_ == "ccomp" and (head.lemma_ == "be" or any(c.dep_ == "auxpass" for c in head.children))
                    and not any(c.dep_ in ("nsubj", "nsubjpass", "auxpass") for c in token.children))):
                # a finite verb joined to an infinitive ("urged X to show restraint and offered to ...") or an
                # active one joined to a passive or copular reported clause belongs to the main clause
                token = head
                head = token.head
            head_lemma = head.lemma_.lower()
            if dep in ("xcomp", "acomp", "acl", "ccomp", "advcl", "pcomp", "prep", "pobj", "dobj", "relcl",
                       "conj", "nsubj", "nsubjpass", "attr", "oprd"):
                if self._negated(head) and dep in ("xcomp", "acomp", "ccomp", "pcomp", "acl", "prep", "pobj"):
                    return None
                if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in head.children) and dep != "conj":
                    return None
                if dep in ("xcomp", "acomp") and head_lemma in FORESEEN_HEADS:
                    return None
                if dep == "pobj" and head.lower_ in BACKGROUND_PREPS:
                    break  # "agreed ... during a visit by X": the visit is a fact, not what was agreed
                if (dep in ("xcomp", "acl", "acomp", "prep", "pobj", "pcomp") and (
                        head_lemma in INTENT_HEADS or head_lemma in INTENT_NOUNS)) or (
                        dep == "dobj" and head_lemma in PLEDGE_HEADS) or dep == "ccomp" and head_lemma in THREAT_HEADS:
                    intent = True
                elif dep in ("xcomp", "ccomp", "pcomp", "prep", "pobj", "acl", "advcl") and head_lemma in CLAIM_HEADS \
                        and not (dep == "advcl" and any(c.dep_ == "mark" and c.lower_ in FACTUAL_MARKS
                                                        for c in token.children)):
                    if not (head_lemma in ("discuss",) and dep in ("prep", "pobj")):
                        return None
                elif dep == "xcomp" and head_lemma not in ASPECTUAL_HEADS and head.pos_ == "VERB":
                    return None
                elif dep == "xcomp" and any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll")
                                            for c in head.children):
                    intent = True  # "would keep striking
                if any(c.dep_ == "aux" and c.lower_ in SPECULATIVE_MODALS for c in head.children) and dep in (
                        "xcomp", "ccomp", "dobj", "pobj", "prep", "conj"):
                    return None
            if dep in ("ROOT",):
                break
            token = head
        return "intent" if intent else "asserted"

    # ---- arguments -------------------------------------------------------------------------
    def actors(self, token: Token) -> list[Mention]:
        found = list(self.index.actors_at(token.i))
        if not found and token.dep_ == "appos" and token.head is not token:
            return list(self.index.actors_at(token.head.i))  # "China, the North's main ally, called ..."

        if not found and fold_word(token.text) in PARTITIVE_NOUNS:
            # "members of the opposition", "dozens of protesters", "some of the rebels"
            found = [m for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                     for p in c.children if p.dep_ == "pobj" for m in self.actors(p)]
        members = list(token.conjuncts)
        for child in token.children:
            if child.dep_ == "appos":  # "the US, Russia and Switzerland" parsed as an apposition
                members.append(child)
                members.extend(child.conjuncts)
        for member in members:
            if member.i > token.i:
                for mention in self.index.actors_at(member.i):
                    if all(m.actor.code != mention.actor.code for m in found):
                        found.append(mention)
        return found

    @staticmethod
    def _passive(verb: Token) -> bool:
        """Passive voice, including bare participles ("three soldiers wounded", "leaving two dead")."""
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return True
        return verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children) and verb.dep_ in (
            "acl", "advcl", "oprd", "ccomp", "relcl", "conj")

    def subjects(self, verb: Token) -> list[Mention]:
        """Who does the verb's act (worked out once per token)."""
        if verb.i not in self._subjects:
            self._subjects[verb.i] = tuple(self._find_subjects(verb))
        return list(self._subjects[verb.i])

    def _find_subjects(self, verb: Token) -> list[Mention]:
        passive = self._passive(verb)
        for child in verb.children:
            if passive and child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return self.actors(pobj)
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        for child in subjects:
            if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return self.actors(verb.head)
            found = self.actors(child)
            if not found and child.lemma_.lower() in WEAPON_NOUNS:  # "Israeli missiles struck": its forces
                found = [Mention(m.text, m.start, m.end, Actor(m.actor.code + "MIL", ""), m.how)
                         for m in self._named_modifier(child) if len(m.actor.code) == 3]
            if found or child is subjects[-1]:  # "co-chairs" split into three subjects by the parser
                return found
        if verb.dep_ == "acl" and verb.head.dep_ == "appos" and not any(c.dep_ == "agent" for c in verb.children):
            return self.actors(verb.head)  # the parser's "China, [the North's ally [called on ...]]"
        if passive:
            return []
        head = verb.head
        if head is verb:
            return []
        if verb.dep_ == "advcl" and verb.tag_ in ("VBD", "VBZ", "VBP"):
            return []  # a finite clause's subject is its own ("after a hurricane struck"), even when misparsed
        if verb.dep_ == "ccomp" and verb.tag_ == "VBD" and head.lemma_.lower() in STATEMENT_VERBS and any(
                t.dep_ == "cc" for t in verb.doc[head.i:verb.i]):
            return self.subjects(head)  # "said the raids were ... and demanded that": the speaker demanded
        if verb.dep_ in ("xcomp", "conj", "advcl", "acomp") and head.pos_ in ("VERB", "AUX", "ADJ"):
            found = self.subjects(head)
            if not found and verb.dep_ == "conj" and head.dep_ == "ccomp" \
                    and head.head.lemma_.lower() in STATEMENT_VERBS | CLAIM_HEADS:
                # "said the strikes were a violation and demanded that ...": the speaker demanded
                found = self.subjects(head.head)
            return found
        if verb.dep_ == "pcomp" and verb.head.lower_ == "for":
            return self.beneficiary(verb.head)
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ in ("VBG", "VBD", "VBZ", "VBP")):
            return self.actors(head)  # a finite verb hung on a noun is a misparsed main clause
        if verb.dep_ == "acl" and head.head is not head:
            return self.owner(head)
        return []

    def owner(self, noun: Token) -> list[Mention]:
        """Who a nominal event belongs to: its possessor or 'by' phrase, else the governing clause's subject."""
        for child in noun.children:
            if child.dep_ == "poss":
                if child.lower_ == "their":
                    governing = self._governing_verb(noun)
                    if governing is not None:
                        group = self.subjects(governing)
                        if len(group) > 1:
                            return group
                return self.actors(child)
            if child.dep_ == "prep" and child.lower_ == "by":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return self.actors(pobj)
        named = self._named_modifier(noun)  # "Palestinian riots", "US air strikes"
        if named:
            return named
        governing = self._governing_verb(noun)
        violent = (match := match_noun(noun, self.k)) is not None and event_type(match.code).quad_class == 4
        pledged = governing is not None and noun.dep_ == "dobj" and governing.lemma_.lower() in PLEDGE_HEADS
        if governing is not None and noun.dep_ in ("dobj", "pobj", "nsubjpass", "attr") and (not violent or pledged):
            return self.subjects(governing)  # not for attacks: "condemned the bombing" is not a bombing
        return []

    def beneficiary(self, prep: Token) -> list[Mention]:
        """Who is thanked or blamed 'for' doing something: the object or 'to' phrase of the clause."""
        governing = self._governing_verb(prep)
        if governing is None:
            return []
        for child in governing.children:
            if child.dep_ in ("dobj", "dative"):
                found = self.actors(child)
                if found:
                    return found
                found = self._noun_targets(child, ("to",))
                if found:
                    return found
            if child.dep_ == "prep" and child.lower_ == "to":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and self.actors(pobj):
                        return self.actors(pobj)
        return []

    @staticmethod
    def _governing_verb(token: Token) -> Token | None:
        node = token
        for _ in range(4):
            if node.head is node:
                return None
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                return node
        return None

    def targets(self, verb: Token, code: str, sources: list[Mention]) -> list[Mention]:
        """Who the action is aimed at: the object, a dative or target preposition, the possessor or a
        preposition of a nominal object, or the doer of the clause an appeal or demand asks for."""
        passive = self._passive(verb)
        root = code[:2]
        countries = {m.actor.country for m in sources}

        def keep(mentions: list[Mention]) -> list[Mention]:
            # the source's own forces moved or withdrawn are not the target ("massed troops", "withdrew troops")
            if root in OWN_FORCE_ROOTS:
                mentions = [m for m in mentions if m.actor.country not in countries]
            elif root in ("03", "06"):  # "agreed to set up joint police patrols": its own forces are no party
                mentions = [m for m in mentions if m.actor.country not in countries
                            or m.actor.sector not in ("MIL", "COP", "SPY")]
            own = {m.actor.code for m in sources}
            return [m for m in mentions if m not in sources and m.actor.code not in own]

        objects = [c for c in verb.children
                   if c.dep_ in ("dobj", "dative") or (passive and c.dep_ in ("nsubjpass", "nsubj"))]
        if passive and verb.dep_ == "acl":
            objects.append(verb.head)
        if code.startswith(REPLY_CODES) and any(fold_word(o.text) in VIOLENT_NOUNS for o in objects):
            agents = [p for o in objects for c in o.children if c.dep_ == "prep" and c.lower_ == "by"
                      for p in c.children if p.dep_ == "pobj"]
            return [m for p in agents for m in self.actors(p)]
        topical = verb.lemma_.lower() in TOPIC_VERBS
        found: list[Mention] = []
        for obj in objects:
            if obj.pos_ == "ADP":  # "provided aid to Fiji": the parser's dative preposition
                found.extend(m for p in obj.children if p.dep_ == "pobj" for m in self.actors(p))
            elif not topical:
                found.extend(self.actors(obj))
        found = keep(found)
        if found:
            return found
        preps = list(TARGET_PREPS) + (list(VISIT_PREPS) if code in ("042", "043") else [])
        if verb.lemma_.lower() == "invite":  # "invited him to Samarkand": the place is where, not whom
            preps = [p for p in preps if p not in ("to", "for")]
        nominal = [o for o in objects if o.pos_ in ("NOUN", "PROPN") and not self.index.actors_at(o.i)]
        violent = event_type(code).quad_class == 4  # "at the gate of the ministry": whose place was hit
        for prep in preps:
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ == prep:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj" and fold_word(pobj.text) not in REQUEST_NOUNS:
                            found.extend(self.actors(pobj) or self._noun_targets(pobj, ("with", "of") if violent
                                                                               else ("with",))
                                         or (self._named_modifier(pobj) if match_noun(pobj, self.k) else [])
                                         or ([m for c in pobj.children if c.dep_ == "poss" for m in self.actors(c)]
                                             if event_type(code).quad_class >= 3 else []))  # "on the company's camp"
            if found and prep in NOUN_TARGET_PREPS:
                # "held talks with X in Gaza and with Y": the same preposition on the object noun too
                for noun in nominal:
                    found.extend(m for m in self._noun_targets(noun, (prep,)) if m not in found)
            found = keep(found)
            if found:
                return found
        noun_preps = NOUN_TARGET_PREPS + (CONFLICT_NOUN_PREPS if event_type(code).quad_class >= 3 else ()) + (
            ("of",) if violent else ())  # "hit hideouts of the PKK"
        if root in ("02", "10"):
            noun_preps += ("from", "of")
        elif root in ("08", "16", "17"):
            noun_preps += ("on", "against") + (("for",) if root == "17" else ())  # "arrest warrants for X"
        elif root in ("01", "11"):
            noun_preps += ("over",)
        if code.startswith("045") or code == "039":  # "organise a meeting of the two ministers"
            noun_preps += ("of", "between")
        if root in ("02", "10"):  # "called for the activists' release", "demanded the release of X"
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ == "for":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            found.extend(m for c in pobj.children if c.dep_ == "poss" for m in self.actors(c))
                            found.extend(self._noun_targets(pobj, ("of",)))
            found = keep(found)
            if found:
                return found
        complements = [] if (code.startswith(REPLY_CODES) and root not in ("02", "10")) or root == "13" else [
            c for c in verb.children if c.dep_ in ("xcomp", "ccomp")]  # (a warning is not aimed where it says)
        for obj in [o for o in objects if o.pos_ != "ADP"] + complements:  # "denied firing the rockets": no target
            if root in ("02", "10") and obj.dep_ in ("xcomp", "ccomp"):
                found.extend(m for c in obj.children if c.dep_ in ("nsubj", "nsubjpass") for m in self.actors(c))
            if not found:
                for child in obj.children:
                    if child.dep_ == "poss" and child.pos_ != "PRON":
                        found.extend(self.actors(child))
                    if child.dep_ == "acl":  # "vetoed a bill passed by the assembly"
                        found.extend(m for a in child.children if a.dep_ == "agent"
                                     for p in a.children if p.dep_ == "pobj" for m in self.actors(p))
            if not found:
                found.extend(self._noun_targets(obj, noun_preps, owners=root in ("01", "03", "05")))
            if not found and not ((root in ("02", "10") or verb.lemma_.lower() == "invite")
                                  and obj.dep_ in ("xcomp", "ccomp")):
                for child in obj.children:  # (not what an appeal asks to be done: "appealed to send troops")
                    if child.dep_ in ("dobj",):
                        found.extend(self.actors(child))
            found = keep(found)
            if found:
                return found
        if violent:
            # "attacked a UN camp", "struck PKK hideouts": the place's owner was hit
            found = keep([m for obj in nominal for m in self._named_modifier(obj)])
            if found:
                return found
            # "struck targets near the airport, killing two Syrian soldiers": the victims were hit
            for child in verb.children:
                if child.tag_ == "VBG" and child.dep_ in ("advcl", "conj", "xcomp"):
                    for toll in [child, *child.conjuncts]:  # "killing a guard and wounding three civilians"
                        if toll.lemma_.lower() in VICTIM_VERBS:
                            found.extend(m for o in toll.children if o.dep_ == "dobj"
                                         for n in [o, *o.conjuncts] for m in self.actors(n))
            found = keep(found)
        return found

    def _noun_targets(self, noun: Token, preps: tuple[str, ...], *, owners: bool = False) -> list[Mention]:
        found: list[Mention] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        mentions = self.actors(pobj)
                        if not mentions and owners and child.lower_ == "for":
                            # "appreciation for China's assistance": thanks to whoever gave it
                            mentions = [m for c in pobj.children if c.dep_ == "poss" for m in self.actors(c)]
                        found.extend(mentions)
        return found

    # ---- emit ------------------------------------------------------------------------------
    def emit(self, trigger: Token, sources: list[Mention], targets: list[Mention], code: str,
             reciprocal: bool, modality: str) -> None:
        if modality == "intent":
            intended = intent_code(code)
            if not intended:
                return
            code = intended
        elif modality == "refusal":
            refused = refusal_code(code)
            if not refused:
                return
            code, modality, reciprocal = refused, "asserted", False  # a refusal is one side's
        if code == "042" and any(TROOPS.search(m.text) for m in sources):
            code = "074"  # troops arriving in another country: military protection, not a visit
        elif code == "042" and any(HELPERS.search(m.text) for m in sources):
            code = "073"  # a medical or rescue team arriving: humanitarian aid, not a visit
        if code == "042":  # a visit to a country is hosted by its government
            targets = [Mention(t.text, t.start, t.end, Actor(t.actor.code + "GOV", t.actor.name), t.how)
                       if t.actor.code == t.actor.country and len(t.actor.code) == 3
                       and t.actor.code not in NOT_COUNTRIES else t for t in targets]
        root = code[:2]
        if (root == "19" or code == "183") and code != "195" and any(AERIAL.search(m.text) for m in sources):
            code = "195"  # fighting from the air
        if code in RELEASE_APPEALS:
            targets = self._holders(targets, sources)
        pairs: list[tuple[Mention, Mention | None]] = []
        mutual = reciprocal or (event_type(code).quad_class <= 2 and root not in ("01", "02"))
        if not targets and len(sources) == 1:
            targets = self.implicit_targets(trigger, sources[0], code)
        if not targets and len(sources) > 1 and not mutual:
            # co-authors of a reply or an appeal ("the GCC and the Arab League condemned the visit")
            pairs = [(source, implicit) for source in sources
                     for implicit in self.implicit_targets(trigger, source, code)]
        if pairs:
            pass
        elif targets:
            for source in sources:
                for target in targets:
                    pairs.append((source, target))
                    if reciprocal:
                        pairs.append((target, source))
        elif len(sources) > 1 and mutual:
            for source in sources:
                for target in sources:
                    if target is not source:
                        pairs.append((source, target))
        elif root in NO_TARGET_ROOTS or (self.index.actors_named < 2 and root not in ("02", "10", "11", "12")):
            # an act with no recipient named anywhere in the story ("Hizbollah declared a ceasefire")
            pairs = [(source, None) for source in sources]
        if code == "130" and trigger.i in self.threat_heads:
            return
        if not pairs:
            self.sightings.extend(Candidate(self.sent_index, trigger, s, None, code, modality) for s in sources)
        for source, aimed_at in pairs:
            if aimed_at is not None and aimed_at.actor.code == source.actor.code:
                continue
            if aimed_at is not None and root == "04" and "MED" in (aimed_at.actor.sector, source.actor.sector):
                continue  # speaking to reporters is a statement, not a consultation
            self.out.append(Candidate(self.sent_index, trigger, source, aimed_at, code, modality))

    def _history(self, *, sightings: bool = True, latest_first: bool = False) -> list[Candidate]:
        """The story's acts so far in text order (with the acts seen without a target, by default)."""
        acts = self.earlier + self.out + (self.sightings if sightings else [])
        return sorted(acts, key=lambda c: c.trigger.i, reverse=latest_first)

    def _holders(self, held: list[Mention], sources: list[Mention]) -> list[Mention]:
        """'demanded the release of the fishermen': the demand is made of whoever holds them, as told
        earlier in the story (the detainer, captor or seizer)."""
        holds = [c for c in self._history(latest_first=True) if c.code.startswith(HOLDING_CODES)
                 and c.source.actor.code not in {s.actor.code for s in sources}]
        found: list[Mention] = []
        for mention in held:
            holder = next((c.source for c in holds if c.target is not None and (
                c.target.actor.code == mention.actor.code)), None)
            actor = mention.actor
            if holder is None and actor.sector not in STATE_SECTORS and actor.country not in NOT_COUNTRIES \
                    and len(actor.code) > 3 and not holds:
                # detainees whose arrest the story does not tell: held by their own state
                holder = Mention(mention.text, mention.start, mention.end, Actor(actor.country + "GOV", ""), "implicit")
            found.append(holder if holder is not None else mention)
        if not held and holds:
            found.append(holds[0].source)
        return found

    def unnamed_doer(self, verb: Token, code: str, reciprocal: bool = False) -> list[Mention]:
        """The doer a passive clause leaves out: arrests and detentions are by the police of the country
        where they happen; attacks by unidentified armed men ("---REB"); a mutual act ("the programme
        signed in Maputo in 2011") by the story's two parties."""
        if not self._passive(verb):
            return []
        if reciprocal and len(self.index.main_countries) == 2:
            return [self.index.main_codes[c] for c in self.index.main_countries]
        if code.startswith("15"):  # "forces were put on alert": the forces themselves
            return [m for c in verb.children if c.dep_ == "nsubjpass" for m in self.actors(c)]
        if not code.startswith(("17", "18")) or verb.dep_ in ("acl", "amod", "relcl"):
            return []  # a participle describing someone ("a member jailed last year") is background
        patients = [m for c in verb.children if c.dep_ in ("nsubjpass", "nsubj") for m in self.actors(c)]
        if verb.dep_ == "acl":
            patients += self.actors(verb.head)
        if code.startswith("17"):
            country = patients[0].actor.country if patients else self.index.dateline_country
            if not country or country in NOT_COUNTRIES:
                return []
            code_ = country + "COP"
        else:
            code_ = "---REB"
        return [Mention("", verb.idx, verb.idx, Actor(code_, ""), "implicit")]

    def _sight(self, trigger: Token, sources: list[Mention], code: str) -> None:
        """Remember an act mentioned but not coded (negated, claimed, hypothetical): later replies may
        name it ("rejected the accusation", "condemned the visit")."""
        self.sightings.extend(Candidate(self.sent_index, trigger, m, None, code, "asserted") for m in sources)

    def reply_target(self, trigger: Token, source: Mention) -> list[Mention]:
        """Whom a reply answers: the doer named with the act it objects to ("the visit by X", "X's
        move"), else the doer of the latest such act in the story, else the latest actor who acted
        against the source."""
        country = source.actor.country
        objects = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass", "oprd")]
        history = self._history()
        for obj in objects:
            # "Iran's move", "the visit by X", "an offer from X", "an Indian proposal"
            doers = [m for c in obj.children if c.dep_ == "poss" and c.pos_ != "PRON" for m in self.actors(c)]
            doers += [m for c in obj.children if c.dep_ == "prep" and c.lower_ in ("by", "from")
                      for p in c.children if p.dep_ == "pobj" for m in self.actors(p)]
            doers += self._named_modifier(obj)
            doers = [m for m in doers if m.actor.code != source.actor.code]
            if doers:
                return doers
            named = match_noun(obj, self.k)
            if named is None:
                continue
            others = [c for c in history if c.source.actor.code != source.actor.code]
            for length in (len(named.code), 2):  # the same code first, then the same root
                matching = [c for c in others if c.code[:length] == named.code[:length]]
                if matching:  # an attack named is the story's main one, told first; other acts the latest
                    return [matching[0 if event_type(named.code).quad_class == 4 else -1].source]
        violent = any(fold_word(o.text) in VIOLENT_NOUNS for o in objects)
        if violent:  # the story's main attack (told first), by the other side if there is one
            attacks = [c.source for c in history if event_type(c.code).quad_class == 4
                       and c.source.actor.code != source.actor.code]
            foreign = [m for m in attacks if m.actor.country != country]
            if foreign or attacks:
                return [(foreign or attacks)[0]]
        for earlier in reversed(history):
            other = earlier.source
            if other.actor.code == source.actor.code:
                continue
            if violent and event_type(earlier.code).quad_class == 4:
                return [other]
            if not violent and earlier.target is not None and (
                    earlier.target.actor.code == source.actor.code
                    or (other.actor.country != country and earlier.target.actor.country == country)):
                return [other]  # whoever acted on the source: at home by code, abroad by country
        return []

    def _named_modifier(self, noun: Token) -> list[Mention]:
        """A country or organisation named as a noun's modifier ("an Indian proposal", "a US offer")."""
        found: list[Mention] = []
        for child in noun.children:
            if child.dep_ in ("amod", "compound", "nmod"):
                tag = self.index.tags_at(child.i)
                if tag:
                    end = child.idx + len(child.text)
                    found.append(Mention(child.text, child.idx, end, Actor(tag, ""), "adjective"))
        return found

    def _located_in(self, trigger: Token) -> tuple[str, Token] | None:
        """The country of the place where the act happened ("in Beijing", "in northeastern Nigeria"), from
        the trigger's or its object's 'in' phrase, and the place token."""
        holders = [trigger] + [c for c in trigger.children if c.dep_ == "dobj"]
        for holder in holders:
            for child in holder.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "near", "across"):
                    for pobj in child.children:
                        if pobj.dep_ != "pobj":
                            continue
                        for mention in self.index.actors_at(pobj.i):
                            where = mention.actor.country
                            if mention.how in ("name", "city", "capital", "region") and len(mention.actor.code) >= 3 \
                                    and where not in NOT_COUNTRIES:
                                return where, pobj
        return None

    def _place_country(self, place: Token) -> str:
        """The country a place phrase names ("a village in Sagaing", "the Syrian town of X")."""
        for token in place.subtree:
            for mention in self.index.actors_at(token.i):
                return mention.actor.country
        return ""

    def implicit_targets(self, trigger: Token, source: Mention, code: str) -> list[Mention]:
        """Targets the clause leaves implicit: a reply ("Bangkok rejected the accusation", "condemned
        the attack") answers whoever did the act it names, or last acted against the source; a protest
        with no one named is against the protesters' own government; in a story between two main
        parties, an act by one of them is aimed at the other, and a third party's at both."""
        country = source.actor.country
        if code == "015":  # "claimed responsibility for the attack", "claimed the attack": at whom it hit
            attacks = [c for c in self._history(sightings=False)
                       if c.target is not None and event_type(c.code).quad_class == 4]
            for child in trigger.children:
                claimed = [p for c in child.subtree if c.dep_ == "prep" and c.lower_ == "for"
                           for p in c.children if p.dep_ == "pobj"]
                if child.dep_ == "dobj" and fold_word(child.text) != "responsibility":
                    claimed.append(child)
                for noun in claimed:
                    named = match_noun(noun, self.k)
                    same = [c for c in attacks if named is not None and c.code[:2] == named.code[:2]]
                    hit = (same or attacks)[-1].target if same or attacks else None
                    if hit is not None:
                        return [hit]
                    # "claiming responsibility for an attack on a mall in Kenya's capital": the attack's own target
                    aimed = self._noun_targets(noun, ("on", "against")) or [
                        m for c in noun.children if c.dep_ == "acl" for o in c.children if o.dep_ == "dobj"
                        for m in self.actors(o)]
                    if aimed:
                        return aimed
                    where = self._place_country(noun)
                    if where and where not in NOT_COUNTRIES | {country}:
                        return [Mention(noun.text, noun.idx, noun.idx + len(noun.text), Actor(where + "CVL", ""),
                                        "implicit")]
        if code.startswith("17") and source.actor.sector in ("COP", "MIL", "GOV", "JUD", "SPY"):
            # "eight were arrested": the group the story is about at home (protesters, strikers...)
            for seen in reversed(self.index.mentions_before(trigger.i)):
                if seen.actor.country == country and seen.actor.sector in NON_STATE | {"AGR", "HRI", "REL"}:
                    return [seen]
        if code.startswith(("13", "15", "18", "19", "20")):
            # a threat of more, troops sent, fighting with no foe named: at whoever the source last fought,
            # or who fought it
            for earlier in reversed(self._history()):
                if event_type(earlier.code).quad_class < 4 or earlier.target is None:
                    continue
                same_side = earlier.source.actor.country == source.actor.country and {
                    earlier.source.actor.sector, source.actor.sector} <= STATE_SECTORS
                if earlier.source.actor.code == source.actor.code or same_side:
                    return [earlier.target]
                if earlier.target.actor.code == source.actor.code:
                    return [earlier.source]
                hit, doer = earlier.target.actor, earlier.source.actor
                if hit.country == country and hit.sector not in ARMED_NON_STATE and (doer.country != country or (
                        doer.sector in NON_STATE and source.actor.sector in STATE_SECTORS)):
                    return [earlier.source]  # a threat to whoever hit the source's own side
        if code.startswith(REPLY_CODES) or code in CONCESSION_CODES:
            found = self.reply_target(trigger, source)
            if found:
                return found
            if code.startswith("11"):  # criticism of a state of affairs ("criticised shrinking political space")
                home = self.index.dateline_country  # the country the story is filed from and about
                if len(self.index.main_countries) == 1:
                    home = home and self.index.main_countries[0]
                if home and home not in NOT_COUNTRIES and (
                        source.actor.sector != "GOV" or home != country):
                    return [Mention("", trigger.idx, trigger.idx, Actor(home + "GOV", ""), "implicit")]
            if not code.startswith(("02", "0256", "1056")):
                return []
        if event_type(code).quad_class == 4 and not code.startswith(("14", "15")):
            # attacks on places ("bombed a village", "shelled the town"): the people there
            places = [o for o in trigger.children if o.dep_ in ("dobj", "nsubjpass")
                      and fold_word(o.text) in PLACE_NOUNS]
            places += [p for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("on", "at", "into")
                       for p in c.children if p.dep_ == "pobj" and fold_word(p.text) in PLACE_NOUNS]
            if places:
                where = self._place_country(places[0]) or self.index.dateline_country or country
                if where and where not in NOT_COUNTRIES:
                    return [Mention(places[0].text, places[0].idx, places[0].idx + len(places[0].text),
                                    Actor(where + "CVL", ""), "implicit")]
            # "launched attacks in northeastern Nigeria": the people of the place named
            located = self._located_in(trigger)
            if located:
                return [Mention(located[1].text, located[1].idx, located[1].idx + len(located[1].text),
                                Actor(located[0] + "CVL", ""), "implicit")]
        protest = code.startswith("14") or code == "133"  # (a threat to protest is aimed the same way)
        if protest and source.actor.sector != "GOV":
            located = self._located_in(trigger)  # "activists staged a protest in Beijing": against China
            if located and located[0] != country:
                return [Mention(located[1].text, located[1].idx, located[1].idx + len(located[1].text),
                                Actor(located[0] + "GOV", ""), "implicit")]
        if protest and source.actor.sector != "GOV" and country not in NOT_COUNTRIES:
            # protest aimed at no one named: against the protesters' own government
            return [Mention("", source.start, source.start, Actor(country + "GOV", source.actor.name), "implicit")]
        if code in ("010", "011"):  # a plain statement or "declined to comment" is aimed at no one
            return []
        if event_type(code).quad_class <= 2 and len(self.index.main_countries) == 2 \
                and country not in self.index.main_countries:
            return [self.index.main_codes[c] for c in self.index.main_countries]
        if len(self.index.main_countries) == 2 and country in self.index.main_countries and not (
                event_type(code).quad_class == 4 and source.actor.sector in NON_STATE):
            other_country = next(c for c in self.index.main_countries if c != country)
            return [self.index.main_codes[other_country]]
        return []

    def run(self) -> list[Candidate]:
        if self.sent.text.rstrip().endswith("?"):
            return []
        matched: dict[int, VerbPattern] = {}
        for token in self.tokens:
            committed = token.pos_ == "ADJ" and token.dep_ == "acomp" and token.lower_ in COMMITTED_ADJECTIVES
            if token.pos_ not in ("VERB", "AUX") and not (token.pos_ == "NOUN" and token.dep_ == "ROOT") \
                    and not committed:  # ("remained committed to a peaceful settlement")
                continue
            if token.ent_type_ == "DATE" or (token.text[:1].isupper() and token.i != self.sent.start
                                              and not token.text.isupper()):
                continue
            if token.dep_ in ("amod", "compound", "nmod"):
                continue  # a participle used as an adjective ("the outlawed party") is no act
            if self._naming(token):
                self._judgement(token)
                continue
            pattern = match_verb(token, self.k, self.index.actors_at)
            if pattern is not None:
                matched[token.i] = pattern
        for token in self.tokens:
            pattern = matched.get(token.i)
            if pattern is None:
                continue
            if self._naming(token) or self._consequence(token, matched):
                continue
            threat = self._threat_head(token, pattern)
            if threat is not None:
                self._emit_threat(threat, token, pattern)
                self._consume_objects(token)
                continue
            modality = self.modality(token)
            if modality is None:
                self._consume_objects(token)
                self._sight(token, self.subjects(token), pattern.code)
                continue
            if pattern.code in ("042", "043") and any(c.dep_ == "dobj" and fold_word(c.text) in FACILITY_NOUNS
                                                      for c in token.children):
                self._consume_objects(token)
                continue  # "toured a school", "visited a camp for displaced families": a site, not a host
            if modality == "intent" and pattern.code.startswith("15") and self._passive(token):
                continue  # "the troops will be deployed to the corridor": a plan for the forces, no threat
            sources = self.subjects(token) or self.unnamed_doer(token, pattern.code, pattern.reciprocal)
            if not sources:
                continue
            if pattern.code.startswith(("02", "10")) or token.lemma_.lower() == "invite":
                pattern = self._appeal_for(token, pattern)
            targets = self.targets(token, pattern.code, sources)
            if not targets and token.dep_ == "advcl" and token.head.lemma_.lower() == "summon":
                targets = [m for c in token.head.children if c.dep_ == "dobj" for m in self.actors(c)]
            self._consume_objects(token, pattern.code)
            self.emit(token, sources, targets, pattern.code, pattern.reciprocal, modality)
            if pattern.code == "042" and targets:  # "travelled to Tunis with the EU commissioner": both visit
                holders = [token] + [p for c in token.children if c.dep_ == "prep" for p in c.children
                                     if p.dep_ == "pobj"]  # ("flew to Algiers with X": the parser's attachment)
                companions = [m for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "with"
                              for p in c.children if p.dep_ == "pobj" for m in self.actors(p)
                              if m not in targets and m.actor.country not in {t.actor.country for t in targets}]
                if companions:
                    self.emit(token, companions, targets, "042", False, modality)
        for token in self.tokens:
            if token.lemma_.lower() in COMMITMENT_HEADS and token.i not in matched:
                self._commitment(token, matched)
            if token.lemma_.lower() in RECEIVING_VERBS and token.pos_ == "VERB":
                self._received(token)
        for token in self.tokens:
            if token.lower_ == "visiting" and token.dep_ in ("amod", "compound") and self.index.dateline_country:
                self._visiting(token)
        for token in self.tokens:
            if token.pos_ == "VERB" and token.lemma_.lower() in STATEMENT_VERBS | {"remind", "warn"}:
                self._obligation(token)
                self._failure(token)
                self._claimed_act(token)
                self._blame(token)
        for token in self.tokens:
            if token.pos_ not in ("NOUN", "PROPN") or token.i in self.consumed:
                continue
            if token.ent_type_ == "DATE" or (token.pos_ == "PROPN" and token.i != self.sent.start):
                continue
            noun_pattern = match_noun(token, self.k)
            if noun_pattern is None:
                continue
            if token.dep_ == "pobj" and token.head.lower_ in ("for", "of", "on", "about", "over", "to", "into") \
                    and not (noun_pattern.code == "042" and token.head.lower_ == "on"):  # "on a visit to X"
                continue
            modality = self.modality(token)
            if modality is None:
                self._sight(token, self.owner(token), noun_pattern.code)
                continue
            sources = self.owner(token)
            between = self._noun_targets(token, ("between",))
            if len(between) > 1:
                sources, targets = between, []
            else:
                preps = tuple(p for p in NOUN_TARGET_PREPS if p != "between") + CONFLICT_NOUN_PREPS * (
                    event_type(noun_pattern.code).quad_class >= 3)
                targets = [t for t in self._noun_targets(token, preps) if t not in sources]
            self.emit(token, sources, targets, noun_pattern.code, noun_pattern.reciprocal, modality)
        return self.out

    def _threat_head(self, token: Token, pattern: VerbPattern) -> Token | None:
        """'warned (X) that the army would respond', 'threatened that Y would be arrested': a coercive act
        announced under a warning is a threat by the warner."""
        if event_type(pattern.code).quad_class < 3 or pattern.code.startswith(("11", "12", "13")):
            return None
        node = token
        for _ in range(2):
            if node.dep_ not in ("ccomp", "xcomp", "conj") or node.head is node:
                return None
            node = node.head
            if node.lemma_.lower() in ("warn", "threaten", "caution") and not self._negated(node):
                return node
        return None

    def _emit_threat(self, head: Token, token: Token, pattern: VerbPattern) -> None:
        if self.modality(head) is None:
            return
        # the warning itself is now coded by what it threatens
        self.out = [c for c in self.out if not (c.trigger.i == head.i and c.code == "130")]
        self.threat_heads.add(head.i)
        sources = self.subjects(head)
        if not sources:
            return
        targets = [m for c in head.children if c.dep_ in ("dobj", "dative") for m in self.actors(c)]
        if not targets:
            targets = self.targets(token, pattern.code, sources)
        self.emit(head, sources, targets, pattern.code, False, "intent")

    def _appeal_for(self, verb: Token, pattern: VerbPattern) -> VerbPattern:
        """'urged X to release Y', 'called for the release of Y': an appeal takes the code of the action
        it asks for (0253), when CAMEO has one and the lexicon's own entry is less specific."""
        asked: list[str] = []
        for child in verb.children:
            if child.dep_ in ("xcomp", "ccomp"):
                found = match_verb(child, self.k)
                if found is not None:
                    asked.append(found.code)
            elif child.dep_ == "prep" and child.lower_ == "for":
                for pobj in child.children:
                    noun = match_noun(pobj, self.k) if pobj.dep_ == "pobj" else None
                    if noun is not None:
                        asked.append(noun.code)
            elif child.dep_ == "dobj":  # "urged respect for the ceasefire", "demanded the release of"
                nouns = [child] + [p for c in child.children if c.dep_ == "prep" and c.lower_ in ("for", "of")
                                   for p in c.children if p.dep_ == "pobj"]
                asked.extend(n.code for n in (match_noun(t, self.k) for t in nouns) if n is not None)
        if verb.lemma_.lower() == "invite":  # "invited firms to invest": an appeal, unless to visit or meet
            asked = [c for c in asked if not c.startswith("04")]
        for code in asked:
            appeal = appeal_code(code)
            if appeal and pattern.code.startswith("10"):
                appeal = "10" + appeal[2:] if appeal != "020" else ""
            if appeal and len(appeal) >= len(pattern.code) and appeal != pattern.code:
                return VerbPattern(appeal, pattern.verb, pattern.words, pattern.reciprocal)
        return pattern

    def _obligation(self, speech: Token) -> None:
        """'A said B must V' / 'A insisted B should V': A demands of B (10x, by what V asks for)."""
        for clause in speech.children:
            if clause.dep_ != "ccomp":
                continue
            modals = {c.lower_ for c in clause.children if c.dep_ == "aux"}
            if not modals & {"must", "should"} or self._negated(clause):
                continue
            speakers = self.subjects(speech)
            addressees = [m for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") for m in self.actors(c)]
            addressees = [m for m in addressees if all(m.actor.code != s.actor.code for s in speakers)]
            if not speakers or not addressees or self.modality(speech) is None:
                continue
            asked = match_verb(clause, self.k, self.index.actors_at)
            appeal = appeal_code(asked.code) if asked else ""
            code = "10" + appeal[2:] if appeal and appeal != "020" else "100"
            self.emit(speech, speakers, addressees, code, False, "asserted")

    def _failure(self, speech: Token) -> None:
        """'A said B had failed to control the gangs': saying another party failed is criticism (111)."""
        for clause in speech.children:
            if clause.dep_ != "ccomp" or clause.lemma_.lower() not in FAILURE_VERBS or self._negated(clause):
                continue
            speakers = self.subjects(speech)
            if len(speakers) != 1 or self.modality(speech) is None:
                continue
            failed = [m for c in clause.children if c.dep_ == "nsubj" for m in self.actors(c)
                      if m.actor.country != speakers[0].actor.country]
            if failed:
                self.emit(speech, speakers, failed, "111", False, "asserted")

    def _commitment(self, head: Token, matched: dict[int, VerbPattern]) -> None:
        """'offered to send a team', 'ready to supply Uzbekistan with power': a promise of an act the lexicon
        does not name is still an intent to cooperate (030)."""
        acts = [c for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
        if not acts or any(a.i in matched for a in acts) or self._negated(acts[0]):
            return
        if self.modality(head) is None:
            return
        sources = self.subjects(head)
        if not sources:
            return
        targets = self.targets(acts[0], "030", sources)
        self.emit(head, sources, targets, "030", False, "intent")

    def _visiting(self, word: Token) -> None:
        """'a visiting Kuwaiti delegation', 'the visiting Chinese premier': a visit to the dateline's country."""
        host = self.index.dateline_country
        visitors = [m for m in self.actors(word.head) if m.actor.country not in (host, "---")]
        if visitors and self.modality(word.head) is not None:
            where = Mention("", word.idx, word.idx, Actor(host + "GOV", ""), "implicit")
            self.emit(word, visitors, [where], "042", False, "asserted")

    def _received(self, verb: Token) -> None:
        """'received weapons from the government', 'obtained a loan from the IMF': the giver acts on the
        receiver, by what was given."""
        gifts = [c for c in verb.children if c.dep_ == "dobj"]
        if not gifts or self.modality(verb) is None:
            return
        holders = [verb] + [t for t in gifts[0].subtree if t.pos_ in ("NOUN", "PROPN", "NUM")]
        givers = [m for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "from"
                  for p in c.children if p.dep_ == "pobj" for m in self.actors(p)]
        if not givers:
            return
        found = match_noun(gifts[0], self.k)
        code = found.code if found is not None else RECEIVED_THINGS.get(fold_word(gifts[0].text), "")
        if not code:
            for child in gifts[0].children:  # "500 million euros in aid"
                if child.dep_ == "prep" and child.lower_ in ("in", "of"):
                    for pobj in child.children:
                        named = match_noun(pobj, self.k)
                        code = named.code if named is not None else RECEIVED_THINGS.get(fold_word(pobj.text), "")
        receivers = self.subjects(verb)
        if code and receivers:
            self.consumed.update(t.i for t in gifts[0].subtree)
            self.emit(verb, givers, [r for r in receivers if r not in givers], code, False, "asserted")

    def _reported_attacks(self, speech: Token) -> Iterator[tuple[list[Mention], Token, VerbPattern]]:
        """For a statement by one actor, each violent act its that-clause tells of: (speakers, clause, pattern)."""
        speakers = self.subjects(speech)
        if len(speakers) != 1 or self.modality(speech) is None:
            return
        for clause in speech.children:
            if clause.dep_ != "ccomp" or self._negated(clause):
                continue
            pattern = match_verb(clause, self.k, self.index.actors_at)
            if pattern is not None and event_type(pattern.code).quad_class == 4 and not pattern.code.startswith("14"):
                yield speakers, clause, pattern

    def _blame(self, speech: Token) -> None:
        """'The Thai commander said Cambodian troops shot at a Thai patrol': a party telling of the other
        side's attack on it accuses that side (112)."""
        main = self.index.main_countries
        for speakers, clause, pattern in self._reported_attacks(speech):
            speaker = speakers[0].actor
            if self._passive(clause) and not self.subjects(clause):
                # "Egypt said rockets were fired at it from Libya": whence they came is blamed
                origins = [m for c in clause.children if c.dep_ == "prep" and c.lower_ == "from"
                           for p in c.children if p.dep_ == "pobj" for m in self.actors(p)
                           if m.actor.country not in NOT_COUNTRIES | {speaker.country}]
                hit = [m for c in clause.children if c.dep_ == "prep" and c.lower_ in ("at", "on", "into")
                       for p in c.children if p.dep_ == "pobj" for m in self.actors(p)]
                if origins and hit and all(m.actor.country == speaker.country for m in hit):
                    self.emit(speech, speakers, origins[:1], "112", False, "asserted")
                continue
            if len(main) != 2 or speaker.country not in main:
                return
            doers = [d for d in self.subjects(clause) if d.actor.country in main and d.actor.country != speaker.country]
            targets = self.targets(clause, pattern.code, doers)
            if doers and all(t.actor.country == speaker.country for t in targets):
                self.emit(speech, speakers, doers, "112", False, "asserted")

    def _claimed_act(self, speech: Token) -> None:
        """'Hezbollah said its fighters had targeted the patrol', 'the group said the ambush was punishment
        for ...': an armed group telling of its own attack claims responsibility (015) towards the attacked."""
        speakers = self.subjects(speech)
        if len(speakers) != 1 or self.modality(speech) is None:
            return
        speaker = speakers[0].actor
        if speaker.sector not in ("REB", "UAF", "CRM") and speaker.country != "IMG":
            return
        own = (speaker.sector, "REB", "UAF", "MIL")
        for _, clause, pattern in self._reported_attacks(speech):
            doers = self.subjects(clause)
            if not doers or any(d.actor.country != speaker.country or d.actor.sector not in own for d in doers):
                continue
            targets = self.targets(clause, pattern.code, doers) or self._own_attack_target(speaker)
            if targets:
                self.emit(speech, speakers, targets, "015", False, "asserted")
        for clause in speech.children:  # "said the ambush was punishment for ...": naming its own attack
            if clause.dep_ != "ccomp" or clause.lemma_ != "be" or self._negated(clause):
                continue
            named = [match_noun(c, self.k) for c in clause.children if c.dep_ == "nsubj"]
            if any(n is not None and event_type(n.code).quad_class == 4 for n in named):
                targets = self._own_attack_target(speaker)
                if targets:
                    self.emit(speech, speakers, targets, "015", False, "asserted")

    def _own_attack_target(self, speaker: Actor) -> list[Mention]:
        """Whom the speaker's side last attacked in the story."""
        for earlier in self._history(sightings=False, latest_first=True):
            doer = earlier.source.actor
            if earlier.target is not None and event_type(earlier.code).quad_class == 4 and \
                    doer.country == speaker.country and doer.sector in (speaker.sector, "REB", "UAF"):
                return [earlier.target]
        return []

    def _judgement(self, verb: Token) -> None:
        """'called the firing a provocation', 'described the vote as a milestone': naming an act with a
        judgement condemns (111) or praises (051) whoever did it."""
        words = {fold_word(t.text) for c in verb.children if c.dep_ in ("oprd", "attr", "acomp", "ccomp", "prep")
                 for t in c.subtree}
        words |= {fold_word(t.text) for c in verb.children if c.dep_ == "dobj" for g in c.children
                  if g.dep_ in ("dobj", "appos") and g.i > c.i for t in g.subtree}
        code = "111" if words & NEGATIVE_JUDGEMENTS else "051" if words & POSITIVE_JUDGEMENTS else ""
        if not code or self.modality(verb) is None:
            return
        sources = self.subjects(verb)
        if len(sources) != 1:
            return
        if code == "111" and any(c.dep_ == "dobj" and fold_word(c.text) in CHARGE_NOUNS for c in verb.children):
            # "called the accusations groundless": a denial, answering whoever made them
            self._consume_objects(verb)
            self.emit(verb, sources, [], "016", False, "asserted")
            return
        objects = [m for c in verb.children if c.dep_ == "dobj" for m in self.actors(c)]
        doers = [m for c in verb.children if c.dep_ in ("prep", "agent") and c.lower_ == "by"
                 for p in c.children if p.dep_ == "pobj" for m in self.actors(p)]  # "the launch by X"
        targets = objects or doers or self.reply_target(verb, sources[0])
        self.emit(verb, sources, [t for t in targets if t not in sources], code, False, "asserted")

    @staticmethod
    def _naming(verb: Token) -> bool:
        """'called the bombing a crime', 'described the move as illegal': naming, not an action of its own."""
        if verb.lemma_.lower() not in ("call", "describe", "term", "label", "brand", "dub"):
            return False
        children = list(verb.children)
        if any(c.dep_ in ("prep", "prt") and c.lower_ in ("on", "upon", "for") for c in children):
            return False
        return any(c.dep_ in ("oprd", "attr", "acomp", "ccomp") or (c.dep_ == "prep" and c.lower_ == "as")
                   or (c.dep_ == "dobj" and any(g.dep_ in ("dobj", "appos") and g.i > c.i for g in c.children))
                   for c in children)  # (the parser's "called [the firing [a provocation]]")

    @staticmethod
    def _consequence(token: Token, matched: dict[int, VerbPattern]) -> bool:
        """'..., killing 14 people', 'leaving one dead': a participle that reports the toll of an event
        already coded in its clause is not a separate event."""
        if token.tag_ != "VBG" or token.dep_ not in ("advcl", "conj", "xcomp") or matched[token.i].code[:2] < "18":
            return False
        node = token
        for _ in range(3):  # "..., killing nine people, among them two soldiers, and wounding 30"
            node = node.head
            head = matched.get(node.i)
            if head is not None and head.code[:2] >= "14":
                return True
            if node.head is node:
                break
        return False

    def _consume_objects(self, verb: Token, code: str = "") -> None:
        """Nouns that belong to a coded verb's event ("held talks", "engaged them in a firefight") are not
        events of their own."""
        for child in verb.children:
            if child.dep_ in ("dobj", "nsubjpass", "attr"):
                self.consumed.update(t.i for t in child.subtree)
                self.consumed.update(c.i for c in child.conjuncts)
            elif child.dep_ == "prep" and code:
                for pobj in child.children:
                    noun = match_noun(pobj, self.k) if pobj.dep_ == "pobj" else None
                    if noun is not None and noun.code[:2] == code[:2] and (noun.code not in ("042", "043")
                                                                            or code in ("042", "043")):
                        self.consumed.add(pobj.i)  # (a visit told beside talks is an event of its own)


def find_triggers(doc: Doc, knowledge: Knowledge) -> list[str]:
    """The CAMEO codes of every trigger in the text, ignoring actors, main verbs first: for classifying
    sentences by event type when no full event can be coded. A promised act gives its intent code, a
    refused one ("will not lift the ban") its refusal code; other negated acts give nothing."""
    found: list[tuple[int, int, str]] = []
    for token in doc:
        pattern: VerbPattern | NounPattern | None = None
        if token.pos_ in ("VERB", "AUX"):
            pattern = match_verb(token, knowledge)
        elif token.pos_ in ("NOUN", "PROPN"):
            pattern = match_noun(token, knowledge)
        if pattern is not None:
            depth = 0
            node = token
            while node.head is not node and depth < 10:
                node = node.head
                depth += 1
            code = pattern.code
            promised = (token.dep_ in ("xcomp", "ccomp") and token.head.lemma_.lower() in INTENT_HEADS) or any(
                c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll", "wo") for c in token.children)
            if any(c.dep_ == "neg" for c in token.children):  # "will not lift the ban": a refusal, else nothing
                if not promised or not refusal_code(code):
                    continue
                code = refusal_code(code)
            elif promised:  # "agreed to resign", "said it would release": a commitment, not the act
                code = intent_code(code) or code
            found.append((depth, token.i, code))
    codes = [code for _, _, code in sorted(found)]
    if any(t.lemma_.lower() in STATEMENT_VERBS and t.pos_ == "VERB" for t in doc):
        codes.append("010")  # the residual category: a statement and nothing more specific
    return codes


def extract_events(doc: Doc, index: ActorIndex, knowledge: Knowledge) -> list[Candidate]:
    """All candidate events of a story, in text order."""
    found: list[Candidate] = []
    sightings: list[Candidate] = []
    for sent_index, sent in enumerate(doc.sents):
        found.extend(_SentenceExtractor(sent, sent_index, index, knowledge, found, sightings).run())
    return found
