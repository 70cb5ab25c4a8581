"""Actor resolution: each way a phrase gets its actor code, and phrases that must get none.

Sentences are written for these tests; expected codes follow CODING-RULES.md.
"""

from __future__ import annotations

import pytest


def codes_of(resolved: list[tuple[str, tuple[str, ...]]], head: str, occurrence: int = 0) -> tuple[str, ...]:
    """The codes at the `occurrence`-th noun-phrase head spelled `head` (ValueError if there is none)."""
    found = [codes for text, codes in resolved if text == head]
    if len(found) <= occurrence:
        raise ValueError(f"no actor at {head!r} (occurrence {occurrence}); resolved: {resolved}")
    return found[occurrence]


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        ("Mongolia signed the accord on Friday.", "Mongolia", "MNG"),
        ("Officials said Uruguay would host the summit.", "Uruguay", "URY"),
        ("The Kingdom of Cambodia welcomed the decision.", "Kingdom", "KHM"),
        ("Cambodian officials welcomed the decision.", "officials", "KHMGOV"),
        ("The Filipino ambassador left the room.", "ambassador", "PHLGOV"),
        ("Peruvian police arrested ten people.", "police", "PERCOP"),
        ("The Armenian army shelled the village.", "army", "ARMMIL"),
    ],
    ids=["country-name", "country-as-object", "long-form-name", "adjective-plural-sector",
         "adjective-filipino", "adjective-police", "adjective-army"],
)
def test_resolve_actors_country_names_and_adjectives(resolve, text: str, head: str, code: str) -> None:
    assert codes_of(resolve(text), head) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        ("Tokyo said the talks went well.", "Tokyo", "JPNGOV"),
        ("Nairobi rejected the report on Tuesday.", "Nairobi", "KENGOV"),
        ("Manila protested the arrests.", "Manila", "PHLGOV"),
        ("The Kremlin denied the claim.", "Kremlin", "RUSGOV"),
        ("The White House criticized the decision.", "House", "USAGOV"),
    ],
    ids=["tokyo", "nairobi", "manila", "kremlin", "white-house"],
)
def test_resolve_actors_capital_and_seat_as_government(resolve, text: str, head: str, code: str) -> None:
    assert codes_of(resolve(text), head) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        ("The Thai foreign minister spoke to reporters.", "minister", "THAGOV"),
        ("The Malaysian prime minister left Jakarta.", "minister", "MYSGOV"),
        ("The Kenyan defence ministry issued a statement.", "ministry", "KENGOV"),
        ("Mexico's foreign minister arrived late.", "minister", "MEXGOV"),
        ("The foreign minister of Ghana arrived late.", "minister", "GHAGOV"),
    ],
    ids=["adjective-title", "prime-minister", "ministry", "possessive-country", "of-country"],
)
def test_resolve_actors_title_with_country(resolve, text: str, head: str, code: str) -> None:
    assert codes_of(resolve(text), head) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        ("The United Nations sent a team.", "Nations", "IGOUNO"),
        ("The UN condemned the attack.", "UN", "IGOUNO"),
        ("NATO held exercises in the Baltic.", "NATO", "IGONAT"),
        ("The European Union imposed fines.", "Union", "IGOEEC"),
        ("ASEAN issued a joint statement.", "ASEAN", "IGOASN"),
    ],
    ids=["united-nations", "un", "nato", "eu", "asean"],
)
def test_resolve_actors_international_organisations(resolve, text: str, head: str, code: str) -> None:
    assert codes_of(resolve(text), head) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        ("The Taliban attacked a checkpoint.", "Taliban", "AFGREB"),
        ("Hezbollah fired rockets across the border.", "Hezbollah", "LBNREB"),
        ("Hamas fired rockets at dawn.", "Hamas", "PSEREB"),
        ("Boko Haram kidnapped twelve farmers.", "Haram", "NGAREB"),
    ],
    ids=["taliban", "hezbollah", "hamas", "boko-haram"],
)
def test_resolve_actors_named_armed_groups(resolve, text: str, head: str, code: str) -> None:
    assert codes_of(resolve(text), head) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "occurrence", "code"),
    [
        ("Chilean Interior Minister Pablo Rojas met Bolivian President Ana Quispe in La Paz. "
         "Rojas thanked Quispe.", "Rojas", 1, "CHLGOV"),
        ("Chilean Interior Minister Pablo Rojas met Bolivian President Ana Quispe in La Paz. "
         "Rojas thanked Quispe.", "Quispe", 1, "BOLGOV"),
        ("Mongolian Foreign Minister Bold Ganbaatar arrived in Seoul on Monday. Later, Ganbaatar met "
         "reporters.", "Ganbaatar", 1, "MNGGOV"),
    ],
    ids=["surname-source", "surname-target", "surname-next-sentence"],
)
def test_resolve_actors_person_by_surname_after_title(resolve, text: str, head: str, occurrence: int,
                                                      code: str) -> None:
    assert codes_of(resolve(text), head, occurrence) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        ("Mongolian Foreign Minister Bold Ganbaatar arrived in Seoul on Monday. He met the South Korean "
         "president.", "He", "MNGGOV"),
        ("The Malaysian prime minister met his Singaporean counterpart. The latter praised the visit.",
         "latter", "SGPGOV"),
        ("The Egyptian foreign minister met his Jordanian counterpart. The former praised the talks.",
         "former", "EGYGOV"),
        ("Norwegian Prime Minister Erik Dahl telephoned his Danish counterpart on Friday.", "counterpart",
         "DNKGOV"),
        ("The Malaysian prime minister met his Singaporean counterpart.", "counterpart", "SGPGOV"),
    ],
    ids=["pronoun-he", "the-latter", "the-former", "counterpart-of-person", "counterpart-of-title"],
)
def test_resolve_actors_coreference(resolve, text: str, head: str, code: str) -> None:
    assert codes_of(resolve(text), head) == (code,)


@pytest.mark.parametrize(
    ("text", "head", "codes"),
    [
        ("Chile and Peru signed a treaty. The two countries agreed to cooperate.", "countries",
         {"CHL", "PER"}),
        ("Ghana and Togo held talks. Both sides agreed to reopen the border.", "sides", {"GHA", "TGO"}),
        ("The Chilean and Peruvian foreign ministers met in Lima. The two ministers agreed to meet again.",
         "ministers", {"CHLGOV", "PERGOV"}),
    ],
    ids=["two-countries", "both-sides", "two-ministers"],
)
def test_resolve_actors_plural_stands_for_main_pair(resolve, text: str, head: str, codes: set[str]) -> None:
    assert set(codes_of(resolve(text), head, -1 if head == "ministers" else 0)) == codes


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("The weather in Oslo was mild.", "weather"),
        ("The report was published on Monday.", "report"),
        ("He said the plan would work.", "He"),
        ("The two countries agreed to cooperate.", "countries"),
        ("The latter praised the plan.", "latter"),
    ],
    ids=["plain-noun", "document", "pronoun-without-antecedent", "plural-without-pair", "latter-alone"],
)
def test_resolve_actors_gives_no_actor_without_evidence(resolve, text: str, head: str) -> None:
    assert all(found != head for found, _ in resolve(text))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Russia and Turkey held talks on Syria on Monday.", "SYR"),
        ("Chile and Peru held talks in Geneva on Monday.", "CHE"),
        ("The Peruvian foreign minister met the Chilean foreign minister in Madrid.", "ESP"),
        ("Ghana praised Togo for its role in the Sahel talks.", "IGO"),
    ],
    ids=["topic", "venue-city", "venue-capital", "topic-region"],
)
def test_code_story_topic_or_location_is_no_actor(code_text, text: str, absent: str) -> None:
    events = code_text(text)
    assert events, "the sentence codes an event between its real actors"
    assert all(absent not in (e.source_country, e.target_country) for e in events)


def _seed_text(shared_dir) -> str:
    from dyads.readers import read_stories

    stories = [s for s in read_stories([shared_dir / "data" / "seed"]) if hasattr(s, "text")]
    return stories[0].text


@pytest.mark.parametrize(
    ("head", "occurrence", "codes"),
    [
        ("Sokhon", 0, ("KHMGOV",)), ("Toshimitsu", 0, ("JPNGOV",)), ("counterpart", 0, ("JPNGOV",)),
        ("Sokhonn", 0, ("KHMGOV",)), ("latter", 0, ("JPNGOV",)), ("He", 0, ("JPNGOV",)),
        ("Minister", 3, ("JPNGOV",)), ("Minister", 4, ("KHMGOV",)), ("counterpart", 1, ("JPNGOV",)),
        ("countries", 0, ("KHM", "JPN")), ("Ministers", 0, ("KHMGOV", "JPNGOV")),
    ],
    ids=["titled-name", "apposition-name", "his-japanese-counterpart", "spelling-variant", "the-latter", "he",
         "the-japanese-minister", "the-cambodian-minister", "his-counterpart", "the-two-countries",
         "the-two-ministers"],
)
def test_resolve_actors_seed_story_mentions(resolve, shared_dir, head: str, occurrence: int,
                                            codes: tuple[str, ...]) -> None:
    assert codes_of(resolve(_seed_text(shared_dir)), head, occurrence) == codes


def test_resolve_actors_seed_story_has_only_the_two_parties(resolve, shared_dir) -> None:
    countries = {code[:3] for _, codes in resolve(_seed_text(shared_dir)) for code in codes}
    assert countries == {"KHM", "JPN"}  # bodies and regions the story only mentions are topics, not actors


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("BAMAKO, Oct 10 - Unidentified gunmen attacked a police post in northern Mali on Tuesday.", "gunmen", "---REB"),
        ("Gunmen thought to be members of a Mexican cartel ambushed a patrol car.", "Gunmen", "MEXCRM"),
        ("Rebels of the National Liberation Army attacked a village in Colombia. Five attackers were killed.",
         "attackers", "COLREB"),
        ("The UN mission in Mali said its camp was attacked. The peacekeepers returned fire.", "peacekeepers", "IGOUNO"),
    ],
    ids=["unidentified-gunmen", "gunmen-said-to-be-cartel", "attackers-of-last-sentence", "peacekeepers-of-mission"],
)
def test_resolve_attackers_and_peacekeepers(resolve, text: str, word: str, code: str) -> None:
    assert code in codes_of(resolve(text), word)


def test_resolve_led_coalition_is_the_leader_forces(resolve) -> None:
    assert codes_of(resolve("The Saudi-led coalition struck Sanaa on Monday."), "coalition") == ("SAUMIL",)


def test_resolve_pronoun_after_office_holder_named_alone(resolve) -> None:
    import datetime as dt

    resolved = resolve("Obama said he would provide support to Israel.", story_date=dt.date(2015, 6, 9))
    assert codes_of(resolved, "he") == ("USAGOV",)


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("A court in Chile issued arrest warrants for two Argentine men.", "men", "ARGCVL"),
        ("The Thai army commander said his men had returned fire.", "men", "THAMIL"),
    ],
    ids=["men-are-civilians", "his-men-are-the-commanders-troops"],
)
def test_resolve_men(resolve, text: str, word: str, code: str) -> None:
    assert codes_of(resolve(text), word) == (code,)


def test_resolve_ministers_of_two_countries_and_their_navies(resolve) -> None:
    resolved = resolve("The defence ministers of Ecuador and Colombia met in Lima. The two ministers agreed that "
                       "their navies would exchange radar data.")
    assert set(codes_of(resolved, "ministers")) == {"ECUGOV", "COLGOV"}
    assert set(codes_of(resolved, "navies")) == {"ECUMIL", "COLMIL"}


def test_resolve_national_capital_is_the_government_but_not_a_state_capital(resolve) -> None:
    assert codes_of(resolve("The Kyrgyz leader flew to the Kazakh capital."), "capital") == ("KAZGOV",)
    with pytest.raises(ValueError):
        codes_of(resolve("The minister flew to the Borno state capital."), "capital")


def test_resolve_apposed_name_is_the_official_described(resolve) -> None:
    resolved = resolve("DOHA, May 2 - Qatar complained about a trip by a Saudi deputy foreign minister to the "
                       "border area. The deputy minister, Khalid Al-Otaibi, toured a clinic there.")
    assert codes_of(resolved, "minister", 1) == ("SAUGOV",)
    assert codes_of(resolved, "Otaibi") == ("SAUGOV",)


def test_main_countries_skip_organisations_before_taking_two() -> None:
    import datetime as dt

    from dyads.actors import resolve_actors
    from dyads.lexicons import default_knowledge
    from dyads.nlp import parse

    text = ("The Asian Development Bank and the government of Cambodia signed a loan deal. The bank said the "
            "Asian Development Bank would help. South Korea said it would give aid. South Korean Ambassador "
            "Kim Jung-ho said Seoul agreed.")
    index = resolve_actors(parse(text), default_knowledge(), story_date=dt.date(2020, 3, 6))
    assert set(index.main_countries) == {"KHM", "KOR"}


def test_resolve_state_fund_and_the_fund_after_it(resolve) -> None:
    resolved = resolve("CAIRO, June 22 - The Kuwait Fund for Development will lend Egypt 20 million dinars. "
                       "The fund said it was ready to finance power projects as well.")
    assert codes_of(resolved, "Fund") == ("KWTGOV",)
    assert codes_of(resolved, "fund") == ("KWTGOV",)


def test_resolve_hyphenated_patron_and_no_organisation_as_a_country(resolve) -> None:
    resolved = resolve("UN troops left the area on Friday, a month after Al-Qaeda-linked rebels abducted several "
                       "peacekeepers near the border.")
    assert codes_of(resolved, "rebels") == ("---REB",)
