"""Instrument files: validated (with pydantic) before anything is written, every fault named by its JSON path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assessments.instruments import DEFAULT_INSTRUMENT_FILE, InstrumentError, read_instrument_file, validate_instrument

OTHER_SHAPE = Path(__file__).resolve().parent / "instruments" / "four_sections_0_to_3.json"
PAT = json.loads(DEFAULT_INSTRUMENT_FILE.read_text(encoding="utf-8"))


def _set(path: str, value: object) -> Callable[[dict], None]:
    """Return a change that sets ``path`` (keys and list indexes separated by dots) to ``value``."""

    def change(data: dict) -> None:
        *parents, last = path.split(".")
        node: object = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value  # type: ignore[index]

    return change


def _drop(path: str) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        *parents, last = path.split(".")
        node: object = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
        del node[last]  # type: ignore[attr-defined]

    return change


# The messages the hand-written validator printed, kept word for word (where its path lacked the
# "instrument." prefix outside the principles, the prefix is now always there).
CASES = [
    (_set("principles.2.elements.4.statement", "  "), "principles[2].elements[4].statement: must not be empty"),
    (_set("schema", 2), "instrument.schema: expected 1"),
    (_set("slug", 5), "instrument.slug: expected str, found int"),
    (_drop("version"), "instrument: missing 'version'"),
    (_drop("principles.1.title"), "principles[1]: missing 'title'"),
    (_set("scale.1.label", ""), "instrument.scale[1].label: must not be empty"),
    (_set("scale.1.value", True), "instrument.scale[1].value: expected a whole number"),
    (_set("significance.min", 5), "instrument.significance: min must be below max, both between 1 and 10"),
    (_set("success.statement", ""), "instrument.success.statement: must not be empty"),
    (_set("principles.3.number", 9), "principles[3].number: expected 4"),
    (_set("principles.0.introduction", 3), "principles[0].introduction: expected str, found int"),
    (_set("principles.0.bands.1.min", "13"), "principles[0].bands[1].min: expected int, found str"),
    (
        _set("principles.0.bands.1.min", 14),
        "principles[0].bands: Bands must be contiguous: expected a band starting at 13, got 14-18.",
    ),
    (_set("principles.0.bands.1.text", ""), "principles[0].bands[1].text: must not be empty"),
    (_set("aggregate_bands.0.max", 143), "instrument.aggregate_bands: Bands end at 143, not at 144."),
    (_set("principles.4.bands", []), "principles[4].bands: expected a list of bands"),
    (_set("principles.0.elements.2.letter", "X"), "principles[0].elements[2].letter: expected C"),
    (_drop("principles.5.elements.5.explanation"), "principles[5].elements[5]: missing 'explanation'"),
    (_set("scenarios.1.text", ""), "instrument.scenarios[1].text: must not be empty"),
    (_set("scenarios.1.code", 1), "instrument.scenarios[1].code: expected str, found int"),
    (_set("scenarios.1.code", "D"), "instrument.scenarios: expected the scenarios A, B and C"),
    (_set("principles.0.elements", {}), "principles[0].elements: expected list, found dict"),
    (_set("principles.2", "x"), "principles[2]: expected object, found str"),
    # What the types alone cannot say: one consistent shape.
    (
        lambda d: d["principles"][1]["elements"].pop(),
        "principles[1].elements: expected 6 elements (A to F), found 5",
    ),
    (
        _set("principles.1.bands.1.min", 12),
        "principles[1].bands: Bands must be contiguous: expected a band starting at 13, got 12-18.",
    ),
    (_set("scale.3.value", 4), "instrument.scale: the answer scale needs at least two different values from 0 to 10"),
]


@pytest.mark.parametrize(("change", "message"), CASES)
def test_a_malformed_file_is_refused_with_its_place(change: Callable[[dict], None], message: str) -> None:
    data = copy.deepcopy(PAT)
    change(data)
    with pytest.raises(InstrumentError) as error:
        validate_instrument(data)
    assert str(error.value) == message


def test_a_file_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InstrumentError, match="^instrument: the file must hold one JSON object$"):
        validate_instrument([])


def test_the_pat_and_an_instrument_of_another_shape_are_accepted() -> None:
    assert read_instrument_file(DEFAULT_INSTRUMENT_FILE)["slug"] == "pat-2003"
    other = read_instrument_file(OTHER_SHAPE)
    assert len(other["principles"]) == 4 and {len(p["elements"]) for p in other["principles"]} == {5}


def test_every_principle_needs_the_same_band_limits() -> None:
    data = json.loads(OTHER_SHAPE.read_text(encoding="utf-8"))
    data["principles"][2]["bands"] = [
        {"min": 0, "max": 0, "text": "a"},
        {"min": 1, "max": 7, "text": "b"},
        {"min": 8, "max": 10, "text": "c"},
        {"min": 11, "max": 15, "text": "d"},
    ]
    with pytest.raises(InstrumentError, match=r"^principles\[2\]\.bands: expected the same score ranges as"):
        validate_instrument(data)


def test_an_unreadable_or_broken_file_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not valid JSON at line 1"):
        read_instrument_file(broken)
    with pytest.raises(InstrumentError, match="cannot be read"):
        read_instrument_file(tmp_path / "missing.json")
