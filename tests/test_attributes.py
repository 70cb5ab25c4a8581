"""Event attributes: dates, quantities and places read from the trigger's own clause.

Story date for every hand-written case: DAY, Wednesday 2021-03-10 (so "on Monday" is 2021-03-08 and
"will meet on Friday" is 2021-03-12).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyads.attributes import (
    find_location,
    find_quantity,
    lookup_place,
    parse_money,
    parse_number,
    resolve_date_text,
    resolve_event_date,
)
from dyads.model import Quantity, ResolvedDate

DAY = dt.date(2021, 3, 10)

# (sentence, trigger word, expected value, precision)
DATE_CASES: list[tuple[str, str, str, str]] = [
    ("The minister travels on to Burkina Faso on Friday.", "travels", "2021-03-12", "day"),
    ("The minister says the talks failed on Friday.", "failed", "2021-03-05", "day"),
    # absolute dates
    ("The two foreign ministers spoke by telephone on Oct. 21.", "spoke", "2020-10-21", "day"),
    ("Kenya recalled its ambassador on March 3.", "recalled", "2021-03-03", "day"),
    ("Chile expelled two diplomats on Feb. 14.", "expelled", "2021-02-14", "day"),
    ("The rebels freed the hostages Sept. 16.", "freed", "2020-09-16", "day"),
    ("Peru signed the treaty on 21 October 2020.", "signed", "2020-10-21", "day"),
    ("Ghana and Togo signed a border pact on January 5, 2019.", "signed", "2019-01-05", "day"),
    ("The minister resigned on 10/21.", "resigned", "2020-10-21", "day"),
    ("Police raided the offices on 3/2/2021.", "raided", "2021-03-02", "day"),
    ("The army shelled the town on the 4th of March.", "shelled", "2021-03-04", "day"),
    ("Bolivia broke off relations with Israel on Dec. 24.", "broke", "2020-12-24", "day"),
    ("Iran seized the tanker on 2021-01-04.", "seized", "2021-01-04", "day"),
    ("The president visited Kyiv on Tuesday, March 2.", "visited", "2021-03-02", "day"),
    ("Protesters stormed the parliament on March 9th.", "stormed", "2021-03-09", "day"),
    ("Egypt hosted the talks on 28 February.", "hosted", "2021-02-28", "day"),
    ("The envoy arrived in Kabul on Nov. 30, 2020.", "arrived", "2020-11-30", "day"),
    # weekdays, past
    ("Police arrested the opposition leader on Monday.", "arrested", "2021-03-08", "day"),
    ("The ministers met on Tuesday in Geneva.", "met", "2021-03-09", "day"),
    ("Rebels attacked a convoy on Wednesday.", "attacked", "2021-03-10", "day"),
    ("Turkey condemned the strike on Thursday.", "condemned", "2021-03-04", "day"),
    ("On Friday, the cabinet approved the deal.", "approved", "2021-03-05", "day"),
    ("The leaders spoke by phone on Saturday.", "spoke", "2021-03-06", "day"),
    ("Thousands protested in the capital Sunday.", "protested", "2021-03-07", "day"),
    ("Japan lodged a protest with China last Wednesday.", "lodged", "2021-03-03", "day"),
    ("The general was detained Monday night.", "detained", "2021-03-08", "day"),
    ("Troops fired on demonstrators on Tuesday morning.", "fired", "2021-03-09", "day"),
    # weekdays, future
    ("The ministers will meet on Friday.", "meet", "2021-03-12", "day"),
    ("The envoy will travel to Cairo on Monday.", "travel", "2021-03-15", "day"),
    ("The two leaders will sign the agreement on Thursday.", "sign", "2021-03-11", "day"),
    ("The president plans to visit Seoul on Saturday.", "visit", "2021-03-13", "day"),
    ("Delegates will hold a second round of talks next Wednesday.", "hold", "2021-03-17", "day"),
    # relative days
    ("Rebels killed three soldiers yesterday.", "killed", "2021-03-09", "day"),
    ("The embassy was attacked last night.", "attacked", "2021-03-09", "day"),
    ("Police dispersed the crowd today.", "dispersed", "2021-03-10", "day"),
    ("The ambassador was summoned two days ago.", "summoned", "2021-03-08", "day"),
    ("The army launched the offensive three days ago.", "launched", "2021-03-07", "day"),
    ("France recalled its envoy the day before yesterday.", "recalled", "2021-03-08", "day"),
    ("Gunmen kidnapped the mayor this morning.", "kidnapped", "2021-03-10", "day"),
    # weeks
    ("Kenya deported the journalists last week.", "deported", "2021-03-01", "week"),
    ("The foreign ministers met earlier this week.", "met", "2021-03-08", "week"),
    ("Protesters blocked the highway a week ago.", "blocked", "2021-03-01", "week"),
    ("The court jailed the activists two weeks ago.", "jailed", "2021-02-22", "week"),
    ("Parliament approved the budget this week.", "approved", "2021-03-08", "week"),
    # months
    ("The government imposed a curfew earlier this month.", "imposed", "2021-03", "month"),
    ("India and China held talks last month.", "held", "2021-02", "month"),
    ("The president visited Cambodia in August 2020.", "visited", "2020-08", "month"),
    ("Rebels seized the town in May.", "seized", "2020-05", "month"),
    ("The ministers met in February.", "met", "2021-02", "month"),
    ("The army withdrew in December.", "withdrew", "2020-12", "month"),
    ("The talks collapsed in early January.", "collapsed", "2021-01", "month"),
    ("The two states restored ties in mid-July 2019.", "restored", "2019-07", "month"),
    ("The president will visit Berlin in May.", "visit", "2021-05", "month"),
    ("Sudan expelled the aid workers two months ago.", "expelled", "2021-01", "month"),
    ("The rebels agreed to a ceasefire in late November.", "agreed", "2020-11", "month"),
    ("Moscow imposed sanctions last March.", "imposed", "2020-03", "month"),
    # years
    ("The two countries signed a defence pact last year.", "signed", "2020", "year"),
    ("Oman mediated talks between the sides in 2019.", "mediated", "2019", "year"),
    ("The government banned the party earlier this year.", "banned", "2021", "year"),
    ("The rebels attacked the port two years ago.", "attacked", "2019", "year"),
    # no date: the story date
    ("Japan criticized the decision.", "criticized", "2021-03-10", "day"),
    ("The talks lasted three days.", "lasted", "2021-03-10", "day"),
    ("Soldiers have occupied the area for years.", "occupied", "2021-03-10", "day"),
    # the date of another clause is not the trigger's
    ("Police arrested the leader, who had fled on Monday.", "arrested", "2021-03-10", "day"),
    ("The minister said on Monday that troops will withdraw.", "withdraw", "2021-03-10", "day"),
    ("The army shelled the town on Tuesday and rebels retreated.", "retreated", "2021-03-10", "day"),
    ("The ministers met on Monday and will meet again on Friday.", "met", "2021-03-08", "day"),
    ("The ministers met on Monday and will meet again on Friday.", "meet", "2021-03-12", "day"),
    ("The president, who visited Paris in May, will travel to Rome next week.", "travel", "2021-03-15", "week"),
    ("The ministers agreed on Tuesday to hold talks.", "hold", "2021-03-09", "day"),
    ("On Wednesday, the two ministers held talks and signed a memorandum.", "signed", "2021-03-10", "day"),
]

# (sentence, trigger word, value, unit, usd value)
QUANTITY_CASES: list[tuple[str, str, float, str, float | None]] = [
    ("Tokyo granted Laos a credit of 25 billion yen (roughly US$234.6 million) last year.",
     "granted", 25e9, "JPY", 234.6e6),
    ("The bank lent Kenya US$234.6 million.", "lent", 234.6e6, "USD", 234.6e6),
    ("Washington pledged $1.4 billion in aid to Ukraine.", "pledged", 1.4e9, "USD", 1.4e9),
    ("Delhi released Rs 500 crore for flood relief.", "released", 5e9, "INR", None),
    ("The EU granted EUR 2m to Chad.", "granted", 2e6, "EUR", None),
    ("Germany offered 85 million euros to Jordan.", "offered", 85e6, "EUR", None),
    ("Wellington gave NZ$2.5 million to Tonga.", "gave", 2.5e6, "NZD", None),
    ("Norway donated 400 million kroner to Ethiopia.", "donated", 400e6, "NOK", None),
    ("Kuwait pledged 35 million Kuwaiti dinars to Sudan.", "pledged", 35e6, "KWD", None),
    ("Brussels gave 10 million euros (about $8.1 million) to the refugees.", "gave", 10e6, "EUR", 8.1e6),
    ("Britain offered £3.5bn to the fund.", "offered", 3.5e9, "GBP", None),
    ("China lent Laos 2 billion yuan.", "lent", 2e9, "CNY", None),
    ("Seoul sent 5 billion won in aid to Pyongyang.", "sent", 5e9, "KRW", None),
    ("Moscow offered Minsk a loan of 1.5 billion roubles.", "offered", 1.5e9, "RUB", None),
    ("Riyadh gave Cairo 3 billion Saudi riyals.", "gave", 3e9, "SAR", None),
    ("The fund approved a loan of USD 1.2 million to Haiti.", "approved", 1.2e6, "USD", 1.2e6),
    ("India provided Nepal with INR 300 crore.", "provided", 3e9, "INR", None),
    ("Tokyo extended 12,000 million yen to Manila.", "extended", 12e9, "JPY", None),
    ("Canberra gave A$40 million to Fiji.", "gave", 40e6, "AUD", None),
    ("The donors pledged two million dollars to Gaza.", "pledged", 2e6, "USD", 2e6),
    ("Ankara gave Baku 50 million Turkish lira.", "gave", 50e6, "TRY", None),
    ("Sweden gave 200 million Swedish kronor to Somalia.", "gave", 200e6, "SEK", None),
    ("The World Bank approved €40 million (about $47 million) for Moldova.", "approved", 40e6, "EUR", 47e6),
    # people
    ("Militants attacked a market in the north, killing 14 people.", "attacked", 14, "killed", None),
    ("At least 25 workers were injured in the blast.", "injured", 25, "wounded", None),
    ("Police arrested 40 protesters outside the palace.", "arrested", 40, "arrested", None),
    ("Dozens were injured when the police charged.", "injured", 24, "wounded", None),
    ("The bombing killed at least 75 in the capital.", "killed", 75, "killed", None),
    ("Troops detained dozens of students.", "detained", 24, "arrested", None),
    ("The floods displaced more than 3,000 families.", "displaced", 3000, "displaced", None),
    ("Gunmen kidnapped 12 aid workers on the road.", "kidnapped", 12, "kidnapped", None),
    ("Fighting killed hundreds of civilians.", "killed", 200, "killed", None),
    ("Soldiers shot dead three protesters.", "shot", 3, "killed", None),
    ("Five policemen died in the ambush.", "died", 5, "killed", None),
]

# (sentence, trigger word, dateline, expected (place, country) or None)
LOCATION_CASES: list[tuple[str, str, str, tuple[str, str] | None]] = [
    ("The ministers met in Geneva.", "met", "", ("Geneva", "CHE")),
    ("Police arrested 40 protesters in Nairobi.", "arrested", "", ("Nairobi", "KEN")),
    ("At least 25 workers were injured in eastern Syria.", "injured", "", ("Syria", "SYR")),
    ("Rebels attacked a village near Goma.", "attacked", "", ("Goma", "COD")),
    ("The two leaders signed the accord in Phnom Penh.", "signed", "", ("Phnom Penh", "KHM")),
    ("Protesters gathered at Tahrir Square in Cairo.", "gathered", "", ("Cairo", "EGY")),
    ("Thousands demonstrated in Dhaka on Friday.", "demonstrated", "", ("Dhaka", "BGD")),
    ("The envoys held talks in Doha.", "held", "", ("Doha", "QAT")),
    ("A bomb exploded in Kabul, killing 14.", "exploded", "", ("Kabul", "AFG")),
    ("The army shelled positions in the Gaza Strip.", "shelled", "", ("the Gaza Strip", "PSE")),
    ("The ministers met on Tuesday.", "met", "PHNOM PENH", ("Phnom Penh", "KHM")),
    ("The president condemned the attack.", "condemned", "FOZ DO IGUACU, Brazil", ("Foz Do Iguacu", "BRA")),
    ("Troops fired on demonstrators in Yangon.", "fired", "BANGKOK", ("Yangon", "MMR")),
    ("Police detained the activists in Minsk.", "detained", "MOSCOW", ("Minsk", "BLR")),
    ("The summit took place in Hanoi.", "took", "", ("Hanoi", "VNM")),
    ("The leaders met in Sydney.", "met", "", ("Sydney", "AUS")),
    ("Japan criticized the decision.", "criticized", "", None),
]


def _trigger(doc: Any, word: str) -> Any:
    return next(token for token in doc if token.text == word)


@pytest.fixture(scope="module")
def parsed() -> Any:
    """Parse every hand-written sentence once, in one batch."""
    from dyads.nlp import parse_many

    texts = sorted({case[0] for case in DATE_CASES + QUANTITY_CASES + LOCATION_CASES})
    return dict(zip(texts, parse_many(texts), strict=True))


def test_date_cases_are_many_enough() -> None:
    assert len(DATE_CASES) >= 60
    assert len(QUANTITY_CASES) >= 30


@pytest.mark.slow
@pytest.mark.parametrize(("text", "word", "value", "precision"), DATE_CASES)
def test_resolve_event_date_cases(parsed: Any, text: str, word: str, value: str, precision: str) -> None:
    doc = parsed[text]
    assert resolve_event_date(doc, _trigger(doc, word), DAY) == ResolvedDate(value, precision)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "word", "value", "unit", "usd"), QUANTITY_CASES)
def test_find_quantity_cases(parsed: Any, text: str, word: str, value: float, unit: str,
                             usd: float | None) -> None:
    doc = parsed[text]
    found = find_quantity(doc, _trigger(doc, word))
    assert found is not None
    assert (found.unit, found.usd_value) == (unit, pytest.approx(usd) if usd is not None else None)
    assert found.value == pytest.approx(value)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "word", "dateline", "expected"), LOCATION_CASES)
def test_find_location_cases(parsed: Any, text: str, word: str, dateline: str,
                             expected: tuple[str, str] | None) -> None:
    doc = parsed[text]
    assert find_location(doc, _trigger(doc, word), dateline) == expected


@pytest.mark.slow
def test_find_quantity_none_without_amount(parsed: Any) -> None:
    doc = parsed["Japan criticized the decision."]
    assert find_quantity(doc, _trigger(doc, "criticized")) is None


@pytest.mark.parametrize(("text", "value"), [
    ("14", 14), ("at least 25", 25), ("2.5 million", 2.5e6), ("500 crore", 5e9), ("3 lakh", 3e5),
    ("two", 2), ("twenty-five", 25), ("dozens", 24), ("a dozen", 12), ("hundreds", 200),
    ("tens of thousands", 20000), ("1,200", 1200), ("1.2bn", None), ("nothing", None),
])
def test_parse_number_words_and_scales(text: str, value: float | None) -> None:
    assert parse_number(text) == (pytest.approx(value) if value is not None else None)


def test_parse_money_shared_name_takes_story_currency() -> None:
    assert parse_money("400 million kroner", context_currencies=["DKK"])[0].currency == "DKK"
    assert parse_money("400 million kroner")[0].currency == "NOK"


def test_parse_money_ignores_plain_numbers() -> None:
    assert parse_money("14 people were killed in 2020") == []


@pytest.mark.parametrize(("name", "country"), [
    ("Phnom Penh", "KHM"), ("Cambodia", "KHM"), ("PHNOM PENH", "KHM"), ("the United States", "USA"),
    ("Texas", "USA"), ("Gaza", "PSE"), ("São Paulo", "BRA"), ("Atlantis Prime", None),
])
def test_lookup_place_countries_cities_regions(name: str, country: str | None) -> None:
    found = lookup_place(name)
    assert (found[1] if found else None) == country


# ------------------------------------------------------------------------------------- properties

_EXPRESSIONS = st.one_of(
    st.sampled_from(["yesterday", "today", "last week", "this week", "earlier this month", "last month",
                     "last year", "this year", "two days ago", "a week ago", "three months ago", "last night",
                     "in May", "in December", "last March", "on Monday", "Friday", "last Sunday", "next week",
                     "tomorrow", "next month", "the weekend", "last weekend", "this summer", "last winter",
                     "Feb. 29", "29 February", "mid-August", "early this month", "10/21", "21/10", "3/2/21",
                     "Oct. 21", "December 31", "January 1", "2019", "August 2020", "the 1990s", "three days"]),
    st.text(max_size=25),
    st.builds(lambda m, d: f"{m} {d}", st.sampled_from(["Jan.", "Feb", "March", "Sept.", "Dec"]),
              st.integers(min_value=0, max_value=40)),
    st.builds(lambda a, b: f"{a}/{b}", st.integers(min_value=0, max_value=40), st.integers(min_value=0,
                                                                                            max_value=40)),
    st.builds(lambda n, u: f"{n} {u} ago", st.integers(min_value=0, max_value=5000),
              st.sampled_from(["days", "weeks", "months", "years"])),
)
_STORY_DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_EXPRESSIONS, story_date=_STORY_DATES)
def test_resolve_date_text_past_never_after_story_date(text: str, story_date: dt.date) -> None:
    resolved = resolve_date_text(text, story_date)
    if resolved is not None:
        parts = [int(p) for p in resolved.value.split("-")]
        start = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        assert start <= story_date


@settings(max_examples=200, deadline=None)
@given(text=_EXPRESSIONS, story_date=_STORY_DATES, future=st.booleans())
def test_resolve_date_text_never_raises(text: str, story_date: dt.date, future: bool) -> None:
    resolved = resolve_date_text(text, story_date, future=future)
    assert resolved is None or isinstance(resolved, ResolvedDate)


_PAST_TEMPLATES = ["Police arrested the leader {}.", "The ministers met {} in the capital.",
                   "{} rebels attacked the convoy."]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(_PAST_TEMPLATES), text=_EXPRESSIONS,
       story_date=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_resolve_event_date_past_clause_never_after_story_date(template: str, text: str,
                                                               story_date: dt.date) -> None:
    from dyads.nlp import parse

    doc = parse(template.format(text).strip())
    trigger = next(t for t in doc if t.lemma_ in ("arrest", "meet", "attack"))
    resolved = resolve_event_date(doc, trigger, story_date)
    parts = [int(p) for p in resolved.value.split("-")]
    start = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    assert start <= story_date


def test_quantity_model_holds_usd_value() -> None:
    assert Quantity(25e9, "JPY", 234.6e6).usd_value == 234.6e6
