"""Load an instrument (the Partnership Assessment Tool or another of the same shape) from its data file.

The file is checked completely before anything is written; a malformed file is refused with a message that
says what is wrong and where (a JSON path such as ``principles[2].elements[4].statement``), changing nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from assessments import models as assessment_models
from assessments.scoring import Band as CoreBand
from assessments.scoring import validate_bands

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
DEFAULT_INSTRUMENT_FILE = INSTRUMENTS_DIR / "partnership_assessment_tool_2003.json"
PRINCIPLE_COUNT = 6
LETTERS = "ABCDEF"
SCALE_VALUES = [4, 3, 2, 1]


class InstrumentError(ValueError):
    """The instrument file is malformed; the message names the place."""


def _require(data: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise InstrumentError(f"{where}: missing '{key}'")
    value = data[key]
    if kind is int and isinstance(value, bool):
        raise InstrumentError(f"{where}.{key}: expected a whole number")
    if not isinstance(value, kind):
        raise InstrumentError(f"{where}.{key}: expected {kind.__name__}, found {type(value).__name__}")
    if isinstance(value, str) and not value.strip() and key not in {"introduction", "subtitle"}:
        raise InstrumentError(f"{where}.{key}: must not be empty")
    return value


def _bands(items: Any, where: str, lowest: int, highest: int) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise InstrumentError(f"{where}: expected a list of bands")
    bands = []
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        low = _require(item, "min", int, here)
        high = _require(item, "max", int, here)
        text = _require(item, "text", str, here)
        bands.append({"min": low, "max": high, "text": text})
    try:
        validate_bands([CoreBand(b["min"], b["max"], b["text"]) for b in bands], lowest, highest)
    except ValueError as exc:
        raise InstrumentError(f"{where}: {exc}") from exc
    return bands


def validate_instrument(data: Any) -> dict:  # noqa: C901 (replaced by a schema library)
    """Check the whole instrument document; return it unchanged, or raise InstrumentError naming the place."""
    where = "instrument"
    if not isinstance(data, dict):
        raise InstrumentError("instrument: the file must hold one JSON object")
    if data.get("schema") != 1:
        raise InstrumentError("instrument.schema: expected 1")
    for key in ("slug", "version", "title", "source_credit", "question"):
        _require(data, key, str, where)
    scale = _require(data, "scale", list, where)
    if sorted((_require(o, "value", int, f"scale[{i}]") for i, o in enumerate(scale)), reverse=True) != SCALE_VALUES:
        raise InstrumentError("instrument.scale: the answer scale must have the values 4, 3, 2 and 1")
    for i, option in enumerate(scale):
        _require(option, "label", str, f"instrument.scale[{i}]")
    significance = _require(data, "significance", dict, where)
    for key in ("question", "min_label", "max_label"):
        _require(significance, key, str, "instrument.significance")
    low = _require(significance, "min", int, "instrument.significance")
    high = _require(significance, "max", int, "instrument.significance")
    if not 0 < low < high <= 10:
        raise InstrumentError("instrument.significance: min must be below max, both between 1 and 10")
    success = _require(data, "success", dict, where)
    _require(success, "statement", str, "instrument.success")
    _require(success, "comment_prompt", str, "instrument.success")
    principles = _require(data, "principles", list, where)
    if len(principles) != PRINCIPLE_COUNT:
        raise InstrumentError(f"instrument.principles: expected {PRINCIPLE_COUNT} principles, found {len(principles)}")
    for p_index, principle in enumerate(principles):
        here = f"principles[{p_index}]"
        if _require(principle, "number", int, here) != p_index + 1:
            raise InstrumentError(f"{here}.number: expected {p_index + 1}")
        for key in ("title", "short_title"):
            _require(principle, key, str, here)
        if not isinstance(principle.get("introduction", ""), str):
            raise InstrumentError(f"{here}.introduction: expected str")
        _bands(_require(principle, "bands", list, here), f"{here}.bands", 6, 24)
        elements = _require(principle, "elements", list, here)
        if len(elements) != len(LETTERS):
            raise InstrumentError(f"{here}.elements: expected 6 elements (A to F), found {len(elements)}")
        for e_index, element in enumerate(elements):
            e_here = f"{here}.elements[{e_index}]"
            if _require(element, "letter", str, e_here) != LETTERS[e_index]:
                raise InstrumentError(f"{e_here}.letter: expected {LETTERS[e_index]}")
            for key in ("title", "statement", "explanation"):
                _require(element, key, str, e_here)
    _bands(_require(data, "aggregate_bands", list, where), "instrument.aggregate_bands", 36, 144)
    scenarios = _require(data, "scenarios", list, where)
    codes = [_require(s, "code", str, f"scenarios[{i}]") for i, s in enumerate(scenarios)]
    if sorted(codes) != ["A", "B", "C"]:
        raise InstrumentError("instrument.scenarios: expected the scenarios A, B and C")
    for i, item in enumerate(scenarios):
        _require(item, "text", str, f"instrument.scenarios[{i}]")
    return data


def read_instrument_file(path: Path | str) -> dict:
    """Return the validated instrument document in ``path``; raise InstrumentError if it is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InstrumentError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstrumentError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    return validate_instrument(data)


def load_instrument(data: dict, models=None):
    """Write a validated instrument document to the database and return the Instrument.

    ``models`` lets a migration pass its historical models (an object with attributes named after them).
    Loading the same slug and version again is refused: published instruments never change under results.
    """
    validate_instrument(data)
    m = assessment_models if models is None else models
    with transaction.atomic():
        if m.Instrument.objects.filter(slug=data["slug"], version=data["version"]).exists():
            raise InstrumentError(
                f"instrument: {data['slug']} version {data['version']} is already loaded; give the file a new version"
            )
        significance, success = data["significance"], data["success"]
        instrument = m.Instrument.objects.create(
            slug=data["slug"],
            version=data["version"],
            title=data["title"],
            subtitle=data.get("subtitle", ""),
            source_credit=data["source_credit"],
            question=data["question"],
            significance_question=significance["question"],
            significance_min=significance["min"],
            significance_max=significance["max"],
            significance_min_label=significance["min_label"],
            significance_max_label=significance["max_label"],
            success_statement=success["statement"],
            success_comment_prompt=success["comment_prompt"],
            source=data,
        )
        m.AnswerOption.objects.bulk_create(
            [m.AnswerOption(instrument=instrument, value=o["value"], label=o["label"]) for o in data["scale"]]
        )
        m.ScenarioText.objects.bulk_create(
            [m.ScenarioText(instrument=instrument, code=s["code"], text=s["text"]) for s in data["scenarios"]]
        )
        m.Band.objects.bulk_create(
            [
                m.Band(instrument=instrument, min_score=b["min"], max_score=b["max"], text=b["text"])
                for b in data["aggregate_bands"]
            ]
        )
        position = 0
        for p in data["principles"]:
            principle = m.Principle.objects.create(
                instrument=instrument,
                number=p["number"],
                title=p["title"],
                short_title=p["short_title"],
                introduction=p.get("introduction", ""),
            )
            m.Band.objects.bulk_create(
                [
                    m.Band(
                        instrument=instrument,
                        principle=principle,
                        min_score=b["min"],
                        max_score=b["max"],
                        text=b["text"],
                    )
                    for b in p["bands"]
                ]
            )
            for e in p["elements"]:
                position += 1
                element = m.Element.objects.create(
                    principle=principle, letter=e["letter"], title=e["title"], explanation=e["explanation"]
                )
                m.Statement.objects.create(
                    element=element,
                    principle=principle,
                    code=f"{p['number']}{e['letter']}",
                    text=e["statement"],
                    position=position,
                )
    return instrument


def default_instrument():
    """Return the newest loaded version of the Partnership Assessment Tool."""
    return assessment_models.Instrument.objects.filter(slug="pat-2003").order_by("-version", "-id").first()
