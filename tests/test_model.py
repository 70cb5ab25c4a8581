"""The data model validates and round-trips."""

import datetime as dt
import json

import pytest

from dyads.errors import InputError
from dyads.model import EVENT_FIELDS, ActorCode, Event, ResolvedDate, Story


def make_event(**changes):
    values = dict(
        story_id="s1", sentence_index=0, story_date="2020-10-22", event_date="2020-10-21", date_precision="day",
        source_code="KHMGOV", source_country="KHM", source_sector="GOV", source_name="Cambodia",
        source_text="Cambodian Minister", source_span=(0, 18), target_code="JPNGOV", target_country="JPN",
        target_sector="GOV", target_name="Japan", target_text="his counterpart", target_span=(30, 45),
        cameo_code="041", root_code="04", event_name="Discuss by telephone", quad_class=1, goldstein=1.0,
        plover_type="CONSULT", plover_mode="phone", trigger_text="telephoned", trigger_span=(19, 29),
    )
    values.update(changes)
    return Event(**values)


def test_event_round_trips_through_json():
    event = make_event()
    again = Event.from_dict(json.loads(event.to_json()))
    assert again == event
    assert set(event.to_dict()) == set(EVENT_FIELDS)


def test_event_id_is_stable_and_depends_on_dyad_and_code():
    assert make_event().event_id == make_event().event_id
    assert make_event().event_id != make_event(cameo_code="042").event_id


@pytest.mark.parametrize("bad", ["41", "0x1", ""])
def test_event_rejects_bad_codes(bad):
    with pytest.raises(ValueError):
        make_event(cameo_code=bad if bad != "41" else "4")


def test_event_rejects_unknown_modality():
    with pytest.raises(ValueError):
        make_event(modality="maybe")


@pytest.mark.parametrize("code", ["KHMGOV", "USA", "IGOUNO", "---REB", "PSEREBHMS"])
def test_actor_code_accepts_cameo_codes(code):
    assert ActorCode(code).country == code[:3]


@pytest.mark.parametrize("code", ["KH", "khmgov", "KHMGO", ""])
def test_actor_code_rejects_malformed(code):
    with pytest.raises(ValueError):
        ActorCode(code)


def test_story_rejects_empty_text():
    with pytest.raises(InputError):
        Story(id="x", date=dt.date(2020, 1, 1), text="   ")


def test_resolved_date_checks_precision():
    assert ResolvedDate("2020-08", "month").precision == "month"
    with pytest.raises(ValueError):
        ResolvedDate("2020", "decade")
