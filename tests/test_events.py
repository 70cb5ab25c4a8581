"""Event extraction through the whole coder: one sentence per CAMEO root, each with negated, hypothetical
and question twins that must give nothing; compounds, reciprocity, passive voice, intent, the seed story.

Sentences are written for these tests; expected codes follow CODING-RULES.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyads.model import Event, Story
from dyads.readers import read_stories

# (root, source country, target country, asserted sentence, twins that must not code that root)
ROOTS = [
    ("01", "DEU", "PER", "Germany expressed sympathy to Peru after the earthquake.",
     ["Germany did not express sympathy to Peru.", "Would Germany express sympathy to Peru?",
      "Germany may express sympathy to Peru if the toll rises."]),
    ("02", "SWE", "GHA", "Sweden urged Ghana to release the journalists.",
     ["Sweden did not urge Ghana to release the journalists.",
      "Did Sweden urge Ghana to release the journalists?",
      "Sweden could urge Ghana to release the journalists."]),
    ("03", "CAN", "UKR", "Canada pledged support for Ukraine on Friday.",
     ["Canada did not pledge support for Ukraine.", "Did Canada pledge support for Ukraine?",
      "Canada might pledge support for Ukraine if the war continues."]),
    ("04", "ESP", "MAR", "The Spanish prime minister visited Morocco on Wednesday.",
     ["The Spanish prime minister did not visit Morocco.", "Would the Spanish prime minister visit Morocco?",
      "The Spanish prime minister might visit Morocco if invited."]),
    ("05", "IND", "BGD", "India praised Bangladesh on Thursday.",
     ["India did not praise Bangladesh.", "Did India praise Bangladesh?",
      "India should praise Bangladesh, analysts said."]),
    ("06", "VNM", "LAO", "Vietnam and Laos held joint military exercises on Monday.",
     ["Vietnam and Laos did not hold joint military exercises.",
      "Did Vietnam and Laos hold joint military exercises?",
      "Vietnam and Laos might hold joint military exercises next year."]),
    ("07", "JPN", "NPL", "Japan provided humanitarian assistance to Nepal.",
     ["Japan did not assist Nepal.", "Did Japan assist Nepal?", "Japan might assist Nepal if asked."]),
    ("08", "RUS", "GEO", "Russia freed two Georgian soldiers on Saturday.",
     ["Russia did not free the Georgian soldiers.", "Did Russia free the Georgian soldiers?",
      "Russia might free the Georgian soldiers if talks succeed."]),
    ("09", "KEN", "UGA", "Kenya investigated Uganda over the border incident.",
     ["Kenya did not investigate Uganda.", "Did Kenya investigate Uganda?",
      "Kenya may investigate Uganda if the incident recurs."]),
    ("10", "PAK", "IND", "Pakistan demanded India's withdrawal from Kashmir.",
     ["Pakistan did not demand India's withdrawal from Kashmir.",
      "Did Pakistan demand India's withdrawal from Kashmir?",
      "Pakistan might demand India's withdrawal from Kashmir."]),
    ("11", "FRA", "IRN", "France condemned Iran on Monday.",
     ["France did not condemn Iran.", "Did France condemn Iran?",
      "France might condemn Iran if talks fail."]),
    ("12", "BRA", "ARG", "Brazil rejected Argentina's proposal on Monday.",
     ["Brazil did not reject Argentina's proposal.", "Did Brazil reject Argentina's proposal?",
      "Brazil could reject Argentina's proposal if it is not changed."]),
    ("13", "TUR", "GRC", "Turkey threatened Greece on Monday.",
     ["Turkey did not threaten Greece.", "Did Turkey threaten Greece?",
      "Turkey might threaten Greece if the dispute continues."]),
    ("14", "ALB", "SRB", "Albanian students protested against Serbia on Monday.",
     ["Albanian students did not protest against Serbia.", "Did Albanian students protest against Serbia?",
      "Albanian students might protest against Serbia if the vote passes."]),
    ("15", "CHN", "IND", "China mobilized against India on Monday.",
     ["China did not mobilize against India.", "Did China mobilize against India?",
      "China may mobilize against India if the talks fail."]),
    ("16", "LTU", "BLR", "Lithuania cut ties with Belarus on Monday.",
     ["Lithuania did not cut ties with Belarus.", "Did Lithuania cut ties with Belarus?",
      "Lithuania could cut ties with Belarus if the crisis continues."]),
    ("17", "VEN", "COL", "Venezuelan police arrested Colombian smugglers on Monday.",
     ["Venezuelan police did not arrest Colombian smugglers on Monday.",
      "Did Venezuelan police arrest Colombian smugglers?",
      "Venezuelan police might arrest Colombian smugglers if they return."]),
    ("18", "NGA", "TCD", "Nigerian rebels abducted Chadian soldiers on Monday.",
     ["Nigerian rebels did not abduct Chadian soldiers.", "Did Nigerian rebels abduct Chadian soldiers?",
      "Nigerian rebels might abduct Chadian soldiers if they cross the border."]),
    ("19", "ARM", "AZE", "Armenia attacked Azerbaijan on Monday.",
     ["Armenia did not attack Azerbaijan.", "Did Armenia attack Azerbaijan?",
      "Armenia might attack Azerbaijan if the talks collapse.",
      "If Armenia attacks Azerbaijan, Russia will respond."]),
    ("20", "SYR", "LBN", "The Syrian army massacred Lebanese civilians on Monday.",
     ["The Syrian army did not massacre Lebanese civilians.",
      "Did the Syrian army massacre Lebanese civilians?",
      "The Syrian army could massacre Lebanese civilians if it advances."]),
]

TWINS = [(root, twin) for root, _, _, _, twins in ROOTS for twin in twins]


def triples(events: list[Event]) -> set[tuple[str, str, str]]:
    return {(e.source_country, e.target_country, e.root_code) for e in events}


def test_roots_table_covers_every_cameo_root() -> None:
    assert [row[0] for row in ROOTS] == [f"{n:02d}" for n in range(1, 21)]


@pytest.mark.parametrize(("root", "source", "target", "text"), [row[:4] for row in ROOTS],
                         ids=[row[0] for row in ROOTS])
def test_code_sentence_gives_expected_root_between_countries(code_text, root: str, source: str, target: str,
                                                             text: str) -> None:
    events = code_text(text)
    coded = [(e.source_code, e.target_code, e.cameo_code) for e in events]
    assert (source, target, root) in triples(events), coded
    assert all(e.modality == "asserted" for e in events if e.root_code == root)


@pytest.mark.parametrize(("root", "text"), TWINS, ids=[f"{root}-{i}" for i, (root, _) in enumerate(TWINS)])
def test_code_negated_hypothetical_or_question_gives_no_event_of_root(code_text, root: str,
                                                                      text: str) -> None:
    assert [e.cameo_code for e in code_text(text) if e.root_code == root] == []


def test_code_sentence_event_date_resolves_weekday(code_text) -> None:
    [event] = [e for e in code_text("France condemned Iran on Monday.") if e.root_code == "11"]
    assert event.event_date == "2021-03-08"  # the Monday before the story date (Wednesday 2021-03-10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Germany and France condemned Russia on Monday.", {("DEU", "RUS", "11"), ("FRA", "RUS", "11")}),
        ("Russia condemned Germany and France.", {("RUS", "DEU", "11"), ("RUS", "FRA", "11")}),
        ("Russia was condemned by Germany and France.", {("DEU", "RUS", "11"), ("FRA", "RUS", "11")}),
    ],
    ids=["compound-source", "compound-target", "compound-agent"],
)
def test_code_compound_actor_gives_one_event_per_member(code_text, text: str, expected: set) -> None:
    assert triples(code_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "pair", "root"),
    [
        ("Chile and Peru held talks on Monday.", ("CHL", "PER"), "04"),
        ("Chile held talks with Peru on Monday.", ("CHL", "PER"), "04"),
        ("Chile negotiated with Peru on Monday.", ("CHL", "PER"), "04"),
        ("The French president met the German chancellor in Madrid.", ("FRA", "DEU"), "04"),
        ("India and Bangladesh signed an agreement on Thursday.", ("IND", "BGD"), "05"),
        ("India signed an agreement with Bangladesh on Thursday.", ("IND", "BGD"), "05"),
        ("Turkey and Greece exchanged fire on Monday.", ("TUR", "GRC"), "19"),
    ],
    ids=["compound-talks", "talks-with", "negotiate-with", "meet", "compound-sign", "sign-with",
         "exchange-fire"],
)
def test_code_reciprocal_verb_gives_both_directions(code_text, text: str, pair: tuple[str, str],
                                                    root: str) -> None:
    found = triples(code_text(text))
    a, b = pair
    assert {(a, b, root), (b, a, root)} <= found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran was condemned by France on Monday.", ("FRA", "IRN", "11")),
        ("Iran was criticized by France on Monday.", ("FRA", "IRN", "11")),
        ("Georgia was attacked by Russia on Monday.", ("RUS", "GEO", "19")),
    ],
    ids=["condemned", "criticized", "attacked"],
)
def test_code_passive_voice_takes_agent_as_source(code_text, text: str,
                                                  expected: tuple[str, str, str]) -> None:
    found = triples(code_text(text))
    assert expected in found
    assert (expected[1], expected[0], expected[2]) not in found


def test_code_visit_gives_visitor_042_and_host_043(code_text) -> None:
    events = code_text("Nepal was visited by the Indian prime minister.")
    codes = {(e.source_country, e.target_country, e.cameo_code) for e in events}
    assert ("IND", "NPL", "042") in codes
    assert ("NPL", "IND", "043") in codes
    assert ("NPL", "IND", "042") not in codes


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        ("Japan will provide aid to Nepal.", "JPN", "NPL"),
        ("Japan pledged to help Nepal.", "JPN", "NPL"),
        ("Japan promised aid to Nepal.", "JPN", "NPL"),
        ("The Indian prime minister will visit Nepal next month.", "IND", "NPL"),
        ("Iran threatened to attack Israel.", "IRN", "ISR"),
    ],
    ids=["will-provide", "pledged-to", "promised", "will-visit", "threatened-to"],
)
def test_code_stated_intent_gives_intent_code(code_text, text: str, source: str, target: str) -> None:
    events = [e for e in code_text(text) if (e.source_country, e.target_country) == (source, target)]
    assert events
    assert all(e.root_code in ("03", "13") for e in events), [e.cameo_code for e in events]


def test_code_denial_does_not_code_the_denied_action(code_text) -> None:
    assert all(e.root_code != "19" for e in code_text("Armenia denied that it attacked Azerbaijan."))


# ---- the mission's sample story ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(shared_dir: Path, coder) -> tuple[dict, list[Event]]:
    folder = shared_dir / "data" / "seed"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    [story] = list(read_stories([folder / expected["story"]]))
    assert isinstance(story, Story)
    assert story.date.isoformat() == expected["story_date"]
    return expected, coder.code(story)


def _seed_required() -> list[dict]:
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "expected.json"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["required"]


@pytest.mark.parametrize("required", _seed_required(),
                         ids=lambda r: f"{r['source']}-{r['target']}-{r.get('code', r['root'])}")
def test_seed_story_codes_required_event(seed, required: dict) -> None:
    _, events = seed
    assert (required["source"], required["target"], required["root"]) in triples(events), required["why"]


def test_seed_story_has_no_conflict_event(seed) -> None:
    _, events = seed
    assert [e.cameo_code for e in events if int(e.root_code) >= 10] == []


def test_seed_story_actors_are_cambodia_and_japan_only(seed) -> None:
    _, events = seed
    countries = {e.source_country for e in events} | {e.target_country for e in events if e.target_code}
    assert countries <= {"KHM", "JPN"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Norway said on Monday that Iran must release the detained sailors.", ("NOR", "IRN", "10")),
        ("Peru said on Friday it would not withdraw its troops from the border.", None),
        ("Seoul called the missile launch by North Korea a provocation.", ("KOR", "PRK", "11")),
        ("Egypt refused to release the Sudanese fishermen.", ("EGY", "SDN", "12")),
        ("Chile and Peru agreed that their countries should cooperate on fisheries.", ("CHL", "PER", "03")),
    ],
    ids=["obligation-is-demand", "will-not-is-refusal-no-target", "naming-judgement-condemns",
         "refused-to-is-rejection", "agreed-that-is-intent"],
)
def test_code_speech_frames(code_text, text: str, expected: tuple[str, str, str] | None) -> None:
    found = triples(code_text(text))
    if expected is None:
        assert not any(root in ("19", "08") for _, _, root in found), found
    else:
        assert expected in found, found


def test_code_reply_names_the_proposer(code_text) -> None:
    found = triples(code_text("Bangladesh rejected an Indian proposal on Monday."))
    assert ("BGD", "IND", "12") in found


def test_code_claim_of_own_attack_is_015(code_text) -> None:
    text = ("BEIRUT, March 9 - Hezbollah fighters fired a missile at an Israeli army patrol on Monday. "
            "Hezbollah said its fighters had attacked the Israeli soldiers.")
    codes = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(text)}
    assert ("LBNREB", "ISRMIL", "015") in codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BEIRUT, March 9 - Hezbollah fighters fired a missile at an Israeli army patrol on Monday. "
         "Hezbollah said the ambush was revenge for the killing of its commander.", ("LBNREB", "ISRMIL", "015")),
        ("BEIRUT, March 9 - Hezbollah fighters fired a missile at an Israeli army patrol on Monday. "
         "Hezbollah told reporters that its fighters had deliberately targeted the patrol.",
         ("LBNREB", "ISRMIL", "015")),
    ],
    ids=["attack-named-as-punishment", "targeted-the-patrol-named-earlier"],
)
def test_code_armed_group_telling_of_its_attack_claims_it(code_text, text: str,
                                                          expected: tuple[str, str, str]) -> None:
    assert expected in {(e.source_code, e.target_code, e.cameo_code) for e in code_text(text)}


def test_code_victims_of_toll_participle_are_the_target(code_text) -> None:
    found = triples(code_text("Turkish missiles hit targets near Aleppo on Sunday, killing three Syrian soldiers."))
    assert ("TUR", "SYR", "19") in found


@pytest.mark.parametrize(
    "text",
    [
        "MOGADISHU, Jan 9 - Al-Shabaab militants shelled a market on Sunday, killing four shoppers and a "
        "trader. The regional governor vowed that his security forces would hunt down the attackers.",
        "MOGADISHU, Jan 9 - Al-Shabaab militants shelled a market on Sunday, killing four shoppers and a "
        "trader. The regional governor vowed more attacks on the militants' bases.",
    ],
    ids=["vowed-that-forces-would-hunt", "vowed-attacks-noun"],
)
def test_code_vow_of_force_after_attack_threatens_the_attacker(code_text, text: str) -> None:
    found = {(e.source_country, e.target_code, e.cameo_code[:2]) for e in code_text(text)}
    assert ("SOM", "SOMREB", "13") in found, found


def test_code_hypothetical_vow_of_force_gives_no_threat(code_text) -> None:
    text = ("MOGADISHU, Jan 9 - Al-Shabaab militants shelled a market on Sunday, killing four shoppers and a "
            "trader. The governor might vow more attacks on the militants if asked.")
    assert not any(e.cameo_code.startswith("13") for e in code_text(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia urged both Koreas to show restraint after the shelling.", {("RUS", "PRK", "02"), ("RUS", "KOR", "02")}),
        ("Armenia and Azerbaijan traded accusations. The co-chairs of the OSCE called on both sides "
         "to respect the truce.", {("IGO", "ARM", "02"), ("IGO", "AZE", "02")}),
        ("Japan has flown 300,000 vaccine doses to Vientiane this month.", {("JPN", "LAO", "07")}),
    ],
    ids=["both-koreas", "co-chairs-of-group", "flown-doses-is-aid-not-visit"],
)
def test_code_group_and_object_phrases(code_text, text: str, expected: set) -> None:
    found = triples(code_text(text))
    assert expected <= found, found
    assert not any(root == "04" for _, _, root in found)


def test_code_appeal_for_restraint_is_0256(code_text) -> None:
    codes = {e.cameo_code for e in code_text("Russia urged both Koreas to show restraint after the shelling.")}
    assert codes == {"0256"}


def test_code_troops_arriving_abroad_is_074_not_a_visit(code_text) -> None:
    found = {e.cameo_code for e in code_text(
        "Some 600 Kenyan soldiers arrived in Port-au-Prince on Monday to back the police mission there.")}
    assert "074" in found and not found & {"042", "043"}


def test_code_calling_accusations_groundless_denies_them(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(
        "Polish police accused a Belarusian diplomat of spying. "
        "The Belarusian embassy called the accusations groundless.")}
    assert ("BLRGOV", "POLCOP", "016") in found
    assert not any(code.startswith("11") for s, _, code in found if s == "BLRGOV")


def test_code_appeal_target_is_addressee_not_what_is_asked(code_text) -> None:
    found = code_text("Mali's defence minister appealed to neighbouring states to send soldiers.")
    assert not any(e.target_code.endswith("MIL") for e in found)


def test_code_future_passive_deployment_is_no_threat(code_text) -> None:
    found = code_text("The Chadian troops will be deployed to the northern region, the spokesman said.")
    assert not any(e.cameo_code.startswith("13") for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Indian coast guard detained 20 Sri Lankan fishermen on Sunday. "
         "Sri Lanka demanded the release of the fishermen.", ("LKA", "IND", "10")),
        ("Police in Guinea arrested three opposition activists on Monday. "
         "The United States has called for the activists' release.", ("USA", "GIN", "02")),
    ],
    ids=["demand-release-of-held", "call-for-release-of-held"],
)
def test_code_release_appeal_is_made_of_the_holder(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(code_text(text))
    assert expected in found, found


def test_code_act_told_in_a_temporal_clause_of_a_protest_is_coded(code_text) -> None:
    found = triples(code_text("Kenya protested to Uganda on Friday after Ugandan police seized two Kenyan "
                              "boats on Lake Victoria on Thursday."))
    assert ("UGA", "KEN", "17") in found and ("KEN", "UGA", "11") in found


def test_code_act_a_protest_asks_for_is_not_coded(code_text) -> None:
    found = triples(code_text("Kenya protested to Uganda, asking it to return the boats."))
    assert not any(root == "07" for _, _, root in found)


@pytest.mark.parametrize(
    "text",
    ["The Saudi deputy minister toured a school in the border town.",
     "The Dutch minister visited a camp for flood victims in Sindh, Pakistan."],
    ids=["toured-school", "visited-camp"],
)
def test_code_touring_a_site_is_no_visit_to_an_actor(code_text, text: str) -> None:
    assert not any(e.cameo_code in ("042", "043") for e in code_text(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan, a close ally of Seoul, urged both Koreas to show restraint.", ("JPN", "PRK", "02")),
        ("SEOUL, May 4 - North Korea fired a barrage of artillery shells near the sea border on Friday. South "
         "Korean troops were put on alert. Defence Ministry spokesman Park Min-soo called the firing a "
         "provocation.", ("KOR", "PRK", "11")),
    ],
    ids=["apposition-subject", "hyphenated-name-and-firing-named-provocation"],
)
def test_code_subject_phrases_and_judgements(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(code_text(text))
    assert expected in found, found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("French and German activists held a protest in Moscow on Friday.", ("DEU", "RUS", "14")),
        ("The Nigerian militant group Boko Haram claimed responsibility for a bombing at a bus station in "
         "Niger's capital.", ("NGA", "NER", "01")),
        ("The government of Nepal expressed appreciation for India's help.", ("NPL", "IND", "05")),
        ("Lebanon's foreign minister met Syrian President Bashar Assad Sunday in Damascus.", ("LBN", "SYR", "04")),
    ],
    ids=["protest-abroad-is-against-host", "claim-of-attack-in-a-country", "appreciation-for-owners-help",
         "name-before-weekday"],
)
def test_code_targets_from_place_owner_and_name(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(code_text(text))
    assert expected in found, found


def test_code_ratification_is_one_sided(code_text) -> None:
    found = triples(code_text("Moldova's parliament ratified a trade agreement with the European Union on Friday."))
    assert ("MDA", "IGO", "05") in found and ("IGO", "MDA", "05") not in found


def test_code_sponsor_of_a_group_is_not_the_group(code_text) -> None:
    found = code_text("Al Qaeda-linked Somali militants attacked a hotel in Mogadishu.")
    assert found and all(e.source_code.startswith("SOM") for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Armenian villagers received weapons from the Armenian government.", ("ARM", "ARM", "07")),
        ("Ukraine received 500 million euros in aid from the European Union.", ("IGO", "UKR", "07")),
        ("Kenya secured a loan of 2 billion dollars from China.", ("CHN", "KEN", "07")),
    ],
    ids=["weapons-from", "aid-from", "loan-from"],
)
def test_code_receiving_from_is_the_givers_act(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(code_text(text))
    assert expected in found, found


def test_code_receiving_a_letter_is_no_aid(code_text) -> None:
    found = triples(code_text("The Kenyan minister received a letter from the French president."))
    assert not any(root == "07" for _, _, root in found)


def test_code_wanting_to_act_is_intent(code_text) -> None:
    found = {e.cameo_code for e in code_text("The Czech government wants pragmatic relations with Russia and "
                                              "wants to help Ukraine.")}
    assert found and all(code.startswith("03") for code in found), found


def test_code_claim_that_another_attacked_is_no_claim_of_responsibility(code_text) -> None:
    found = code_text("The United States claimed that Iran had attacked the tanker.")
    assert not any(e.cameo_code == "015" for e in found)


MOGADISHU_STORY = (
    "MOGADISHU, Mar 3 - Al-Shabaab militants fired mortar rounds at an army base on Sunday, killing a cook and "
    "wounding four civilians, officials said. On Monday, U.S. Africa Command said it had conducted an air strike "
    "on al-Shabaab fighters near Bardere at the request of the Somali government. The security minister "
    "condemned the attack and said government forces would soon hunt down the attackers. Kenya also "
    "condemned the attack."
)


def test_code_story_of_attack_strike_and_condemnations(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code[:2]) for e in code_text(MOGADISHU_STORY)}
    assert ("SOMREB", "SOMCVL", "19") in found  # victims of the second toll participle
    assert ("USAMIL", "SOMREB", "19") in found  # not aimed at whoever asked for it
    assert ("KEN", "SOMREB", "11") in found  # "the attack" is the story's main one
    assert ("SOMMIL", "SOMREB", "13") in found  # government forces are the government's own
    assert not any(s.startswith("USA") and t.startswith("SOMGOV") for s, t, _ in found)


def test_code_offer_coordinated_with_an_appeal_is_coded(code_text) -> None:
    found = triples(code_text("Djibouti accused Eritrea of massing troops. Eritrea denied the charge. The African "
                              "Union called on both governments to show restraint and offered to send monitors to "
                              "the frontier."))
    assert ("IGO", "DJI", "03") in found and ("IGO", "ERI", "03") in found


def test_code_arrest_warrant_for_people_is_173(code_text) -> None:
    found = triples(code_text("A court in Peru issued arrest warrants for three Bolivian men on Monday."))
    assert ("PER", "BOL", "17") in found


def test_code_fire_from_a_place_at_the_speaker_blames_the_place(code_text) -> None:
    found = triples(code_text("Egypt said a rocket was fired at it from Libya on Sunday."))
    assert ("EGY", "LBY", "11") in found


def test_code_fire_from_a_place_at_others_blames_no_one(code_text) -> None:
    found = triples(code_text("Egypt said a rocket was fired at Sudan from Libya on Sunday."))
    assert not any(root == "11" for _, _, root in found)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("The minister agreed to resign on Tuesday.", "03"),
        ("The union said it will not end the strike until its demands are met.", "12"),
        ("Officials did not meet on Monday.", None),
    ],
    ids=["agreed-to-is-intent", "will-not-is-refusal", "negated-is-nothing"],
)
def test_find_triggers_applies_modality(text: str, first: str | None) -> None:
    from dyads.events import find_triggers
    from dyads.lexicons import default_knowledge
    from dyads.nlp import parse

    codes = [c for c in find_triggers(parse(text), default_knowledge()) if c != "010"]
    assert (codes[0][:2] if codes else None) == first, codes


def test_code_returning_things_to_a_country_is_0842(code_text) -> None:
    assert ("USA", "KHM", "08") in triples(code_text("US customs returned looted bronze statues to the Cambodian government."))
    assert not any(root == "08" for _, _, root in triples(code_text("The Iranian ambassador returned to Tehran.")))


DHAKA_STORY = (
    "COLOMBO, May 5 - Plantation workers stopped work on Monday, demanding that the government raise the "
    "daily wage, union officials said. The Ceylon Estate Workers' Federation called the strike. "
    "On Tuesday, Labour Minister Nimal Perera held talks with federation leaders and appealed to them "
    "to call off the strike. He promised that the government would raise the daily wage."
)


def test_code_labour_dispute_talks_appeal_and_concession(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(DHAKA_STORY)}
    assert ("LKAGOV", "LKALAB", "046") in found  # "federation leaders": the federation's
    assert ("LKAGOV", "LKALAB", "0252") in found
    assert any(s == "LKAGOV" and t == "LKALAB" and c.startswith("03") for s, t, c in found)


def test_code_general_statement_of_respect_is_no_concession(code_text) -> None:
    found = code_text("Protesters marched in Kampala. The minister said the government respected the right to "
                      "peaceful assembly.")
    assert not any(e.cameo_code.startswith("08") for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Opposition activists were detained in April. Washington and Brussels have called for the activists' "
         "release.", ("USA", "GIN", "02")),
        ("Iraq protested against Turkish air strikes.", ("IRQ", "TUR", "14")),
        ("The Turkish Foreign Ministry said Turkey would keep striking the PKK wherever it is.", ("TUR", "TUR", "13")),
    ],
    ids=["release-of-detainees-held-by-their-state", "protest-against-named-act", "would-keep-striking-threatens"],
)
def test_code_appeals_protests_and_threats_targets(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(code_text("CONAKRY, June 8 - " + text if "activists" in text else text))
    assert expected in found, found


def test_code_companion_on_a_trip_also_visits(code_text) -> None:
    found = triples(code_text("PARIS, May 3 - French Interior Minister Claire Dubois flew to Algiers with "
                              "the European Commissioner for Migration."))
    assert {("FRA", "DZA", "04"), ("IGO", "DZA", "04"), ("DZA", "IGO", "04")} <= found


def test_code_visiting_delegation_visits_the_dateline_country(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(
        "MUSCAT, May 3 - Oman's trade minister received a visiting Qatari delegation on Sunday.")}
    assert ("QATGOV", "OMNGOV", "042") in found and ("OMNGOV", "QATGOV", "043") in found


def test_code_visiting_without_dateline_names_no_host(code_text) -> None:
    found = code_text("The minister met a visiting Kuwaiti delegation.")
    assert not any(e.cameo_code == "042" and not e.target_code for e in found)


def test_code_clash_is_mutual(code_text) -> None:
    found = triples(code_text("Armenian and Azerbaijani troops clashed on Monday."))
    assert ("ARM", "AZE", "19") in found and ("AZE", "ARM", "19") in found


def test_code_mediators_offer_after_appeal_uses_the_speakers(code_text) -> None:
    text = ("YEREVAN, May 2 - Armenia accused Azerbaijan of shelling its villages, and Azerbaijan accused Armenia "
            "of provoking the clash. The two co-chairs of the OSCE called on both sides to respect the "
            "truce, and said they were ready to arrange a meeting between the two foreign ministers.")
    found = {(e.source_code, e.target_country, e.cameo_code) for e in code_text(text)}
    assert ("IGOSCE", "ARM", "039") in found and ("IGOSCE", "AZE", "039") in found


def test_code_finite_clause_without_its_subject_borrows_none(code_text) -> None:
    found = code_text("The Haitian president thanked Cuba for the doctors Havana sent after a cyclone struck the "
                      "north of Haiti in August.")
    assert not any(e.cameo_code.startswith("19") for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KAMPALA, June 8 - The opposition said it would call a nationwide strike on Monday unless its leaders "
         "were freed.", ("UGAOPP", "UGAGOV", "13")),
        ("TEGUCIGALPA, June 8 - Farming cooperatives said they would block the main bridge on Friday if their "
         "demands were ignored.", ("HNDAGR", "HNDGOV", "13")),
    ],
    ids=["strike-if", "blockade-if"],
)
def test_code_conditional_threat_to_protest_is_a_threat(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code[:2]) for e in code_text(text)}
    assert expected in found, found


def test_code_remaining_committed_to_settlement_is_037(code_text) -> None:
    text = ("BAKU, June 8 - Azerbaijan accused Armenia of shelling. Armenia blamed Azerbaijan. Azerbaijani Foreign "
            "Minister Elmar Aliyev said Baku remained committed to a peaceful settlement.")
    assert ("AZEGOV", "ARM", "037") in {(e.source_code, e.target_country, e.cameo_code) for e in code_text(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ASTANA, Oct 2 - The presidents of Kazakhstan and Kyrgyzstan agreed on Monday to build a new road, "
         "during a visit by the Kyrgyz leader to the Kazakh capital.", ("KGZGOV", "KAZGOV", "042")),
        ("LISBON, Oct 2 - Brazilian Foreign Minister Ana Ribeiro, on her first trip to Portugal, also met "
         "Prime Minister Joao Silva.", ("BRAGOV", "PRTGOV", "042")),
    ],
    ids=["visit-during-agreement-is-a-fact", "on-a-trip-to-is-a-visit"],
)
def test_code_nominal_visits(code_text, text: str, expected: tuple[str, str, str]) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(text)}
    assert expected in found, found


def test_code_source_own_place_is_no_target(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code[:2]) for e in code_text(
        "SEOUL, May 4 - North Korea launched several rockets into its own coastal waters on Sunday.")}
    assert ("PRK", "", "19") in found or any(s == "PRK" and t.startswith("KOR") for s, t, _ in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DAMASCUS, Dec 4 - Syrian Foreign Ministry spokesman Omar Haddad said the raids were illegal and "
         "demanded that Israel halt its military operations.", ("SYR", "ISR", "10")),
        ("BOGOTA, May 3 - About 500 farm workers marched on the Canadian-owned firm's offices on Monday.",
         ("COL", "CAN", "14")),
    ],
    ids=["demand-joined-to-reported-clause", "march-on-owners-camp"],
)
def test_code_speaker_and_owner_targets(code_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(code_text(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DAR ES SALAAM, May 3 - Police banned an opposition rally. In a joint statement, the United States "
         "criticised the shrinking political space in the country.", ("USA", "TZA", "11")),
        ("LUSAKA, May 3 - Zambian lawyers criticised the use of sedition laws against opposition leaders.",
         ("ZMB", "ZMB", "11")),
    ],
    ids=["foreign-critic", "domestic-critic"],
)
def test_code_criticism_of_a_state_of_affairs_is_aimed_at_the_government(code_text, text: str,
                                                                        expected: tuple[str, str, str]) -> None:
    assert expected in triples(code_text(text))


def test_code_criticism_without_dateline_or_target_is_not_coded(code_text) -> None:
    assert not any(e.cameo_code.startswith("11") for e in code_text("The United States criticised the policy."))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LIMA, Aug 25 - Peru's president on Friday vetoed a bill adopted by Congress.",
         ("PER", "PER", "12")),
        ("NAIROBI, July 2 - Police detained 15 opposition supporters on Sunday when they tried to hold a rally "
         "despite a ban on protests.", ("KEN", "KEN", "14")),
    ],
    ids=["veto-of-a-bill-passed-by", "tried-to-hold-a-rally"],
)
def test_code_vetoes_and_attempts(code_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(code_text(text))


def test_code_state_fund_lending_is_an_aid_pledge(code_text) -> None:
    found = triples(code_text("CAIRO, June 22 - The Kuwait Fund for Development will lend Egypt 20 million "
                              "dinars for a new power station."))
    assert ("KWT", "EGY", "03") in found


def test_code_flagged_trawlers_are_that_countrys_business(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code[:2]) for e in code_text(
        "BUENOS AIRES, July 14 - The Argentine navy seized three Spanish-flagged trawlers off the coast.")}
    assert ("ARGMIL", "ESPBUS", "17") in found


def test_code_own_patrols_are_no_party_to_a_promise(code_text) -> None:
    found = code_text("RABAT, May 2 - Morocco agreed to set up joint police patrols with Spain.")
    assert not any(e.target_code == "MARCOP" for e in found)


def test_code_coast_guard_blocking_government_boats_is_191(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(
        "HANOI, Aug 13 - Vietnam protested after Chinese coast guard vessels blocked three government boats "
        "near the islands.")}
    assert ("CHNMIL", "VNMGOV", "191") in found


def test_code_acting_with_restraint_is_no_event(code_text) -> None:
    found = code_text("BEIJING, Aug 13 - A ministry spokesman said the Chinese patrol ships had acted with restraint.")
    assert not any(e.cameo_code.startswith("08") for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KIGALI, June 10 - Rwanda's parliament approved the deployment of troops to Mozambique on Friday.",
         ("RWA", "MOZ", "03")),
        ("LUSAKA, June 10 - The opposition leader was questioned by police on Friday about a radio interview.",
         ("ZMB", "ZMB", "09")),
        ("SEOUL, May 4 - North Korea broke off its dialogue with South Korea on Tuesday.", ("PRK", "KOR", "16")),
        ("ACCRA, May 12 - Germany will give Ghana 85 million euros for solar power.", ("DEU", "GHA", "03")),
    ],
    ids=["approved-deployment", "questioned-by-police", "broke-off-talks", "will-give-euros"],
)
def test_code_background_and_money_acts(code_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(code_text(text))


def test_code_vow_joined_to_a_denied_clause_is_the_speakers(code_text) -> None:
    found = triples(code_text("ERBIL, Dec 4 - Turkish jets bombed hideouts of the PKK on Friday. A PKK commander "
                              "denied that any of its camps had been destroyed and vowed revenge against the "
                              "Turkish army."))
    assert ("TUR", "TUR", "19") in found and ("TUR", "TUR", "13") in found


def test_code_denied_act_joined_to_denial_is_not_coded(code_text) -> None:
    found = code_text("A PKK commander denied that its fighters had raided the outpost and killed two guards.")
    assert not any(e.cameo_code.startswith(("18", "19")) for e in found)


def test_code_summoning_to_demand_explanation_is_also_a_demand(code_text) -> None:
    found = {(e.source_code, e.target_code, e.cameo_code) for e in code_text(
        "ACCRA, Oct 16 - Ghana's Foreign Ministry summoned the Togolese ambassador to demand an explanation.")}
    assert {("GHAGOV", "TGOGOV", "114"), ("GHAGOV", "TGOGOV", "101")} <= found


def test_code_summoning_to_protest_is_only_the_summons(code_text) -> None:
    found = {e.cameo_code for e in code_text(
        "ACCRA, Oct 16 - Ghana's Foreign Ministry summoned the Togolese ambassador to protest.")}
    assert found == {"114"}


def test_code_medical_team_arriving_is_aid_not_a_visit(code_text) -> None:
    found = {e.cameo_code for e in code_text(
        "MONROVIA, May 3 - A team of World Health Organization doctors arrived in Liberia on Sunday to help fight "
        "the epidemic.")}
    assert "073" in found and not found & {"042", "043"}


def test_code_warning_is_aimed_at_the_other_party_not_where_it_would_go(code_text) -> None:
    text = ("BRASILIA, June 2 - Brazilian President Carla Menezes telephoned Argentine President Tomas Ibarra on "
            "Saturday. Menezes warned that Brazil could bring the case to the World Trade Organization. Ibarra "
            "said Argentina would keep its rules.")
    found = {(e.source_code, e.target_code, e.cameo_code[:2]) for e in code_text(text)}
    assert ("BRAGOV", "ARGGOV", "13") in found
    assert not any(t.startswith("IGO") for _, t, _ in found)


def test_code_airspace_violation_is_a_show_of_force_and_is_condemned(code_text) -> None:
    text = ("NICOSIA, April 3 - Cyprus protested to Turkey on Friday after Turkish warplanes violated Cypriot "
            "airspace five times. A government spokesman called the overflights provocative.")
    found = {(e.source_country, e.target_country, e.cameo_code) for e in code_text(text)}
    assert ("TUR", "CYP", "150") in found
    assert any(s == "CYP" and t == "TUR" and c.startswith("11") for s, t, c in found)


@pytest.mark.parametrize(
    ("text", "criticised"),
    [
        ("CARACAS, May 2 - President Diego Salas said Colombia had failed to control the gangs on the border.", True),
        ("CARACAS, May 2 - President Diego Salas said Colombia had not failed to act against the gangs.", False),
    ],
    ids=["said-failed-is-criticism", "said-not-failed-is-none"],
)
def test_code_saying_another_failed_is_criticism(code_text, text: str, criticised: bool) -> None:
    found = triples(code_text(text))
    assert (("VEN", "COL", "11") in found) is criticised


def test_code_invitation_is_aimed_at_the_invitee_not_the_place(code_text) -> None:
    text = ("TASHKENT, Oct 2 - Uzbekistan's president met Tajik President Emomali Karimov. The Uzbek leader invited "
            "Karimov to visit Samarkand next spring.")
    found = {(e.source_code, e.target_code, e.cameo_code[:2]) for e in code_text(text)}
    assert ("UZBGOV", "TJKGOV", "03") in found or ("UZBGOV", "TJKGOV", "02") in found, found
    assert not any(t == "UZB" for _, t, _ in found)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Japan expressed support for Mongolia's bid to join the trade pact.", "051"),
        ("Japan pledged support for Mongolia's bid to join the trade pact.", "032"),
    ],
    ids=["expressed-support-endorses", "pledged-support-is-intent"],
)
def test_code_support_expressed_or_pledged(code_text, text: str, code: str) -> None:
    assert code in {e.cameo_code for e in code_text(text)}
