"""Load an instrument (the Partnership Assessment Tool or another of the same shape) from its data file.

The file is checked completely before anything is written; a malformed file is refused with a message that
says what is wrong and where (a JSON path such as ``principles[2].elements[4].statement``), changing nothing.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Annotated, Any, Literal

from django.db import transaction
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from assessments import models as assessment_models
from assessments.readmodel import SCALE_LIMIT
from assessments.scoring import Band as CoreBand
from assessments.scoring import ordered_bands, validate_bands

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
DEFAULT_INSTRUMENT_FILE = INSTRUMENTS_DIR / "partnership_assessment_tool_2003.json"
DEFAULT_INSTRUMENT_SLUG = "pat-2003"
SCENARIO_CODES = ("A", "B", "C")


class InstrumentError(ValueError):
    """The instrument file is malformed; the message names the place."""


def _not_empty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty", "must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_empty)]


class _Strict(BaseModel):
    # Strict: a number written as "3" or true is refused, not converted; keys the loader does not know are kept
    # in the stored source but otherwise ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


class _BandDoc(_Strict):
    min: int
    max: int
    text: Text


class _ElementDoc(_Strict):
    letter: str
    title: Text
    statement: Text
    explanation: Text


class _PrincipleDoc(_Strict):
    number: int
    title: Text
    short_title: Text
    introduction: str = ""
    bands: list[_BandDoc]
    elements: list[_ElementDoc]


class _ScaleOptionDoc(_Strict):
    value: int
    label: Text


class _SignificanceDoc(_Strict):
    question: Text
    min_label: Text
    max_label: Text
    min: int
    max: int


class _SuccessDoc(_Strict):
    statement: Text
    comment_prompt: Text


class _ScenarioDoc(_Strict):
    code: str
    text: Text


class _InstrumentDoc(_Strict):
    schema_: Literal[1] = Field(alias="schema")
    slug: Text
    version: Text
    # What it assesses: a partnership's health (the default) or the council's own partnership working.
    scope: Literal["health_check", "council_self_assessment"] = "health_check"
    title: Text
    subtitle: str = ""
    source_credit: Text
    question: Text
    scale: list[_ScaleOptionDoc]
    significance: _SignificanceDoc
    success: _SuccessDoc
    principles: list[_PrincipleDoc]
    aggregate_bands: list[_BandDoc]
    scenarios: list[_ScenarioDoc]


def _where(loc: tuple[int | str, ...]) -> str:
    """Return a JSON path as the messages write it: ``principles[2].elements[4]``, ``instrument.scale[1]``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    # The principles are the bulk of a file and their paths read better without the prefix.
    if not path.startswith("principles"):
        path = f"instrument.{path}" if path else "instrument"
    return path


def _message(error: ErrorDetails) -> str:
    loc, kind, found = tuple(error["loc"]), error["type"], error.get("input")
    found_type = type(found).__name__
    if kind == "missing":
        return f"{_where(loc[:-1])}: missing '{loc[-1]}'"
    if kind == "int_type" and isinstance(found, bool):
        return f"{_where(loc)}: expected a whole number"
    expected = {"string_type": "str", "int_type": "int", "list_type": "list", "model_type": "object"}
    if kind in expected:
        return f"{_where(loc)}: expected {expected[kind]}, found {found_type}"
    if kind == "literal_error":
        return f"{_where(loc)}: expected {error.get('ctx', {}).get('expected', '')}"
    return f"{_where(loc)}: {error['msg']}"


def _bands(bands: list[_BandDoc], where: str, lowest: int, highest: int) -> list[CoreBand]:
    if not bands:
        raise InstrumentError(f"{where}: expected a list of bands")
    try:
        core = [CoreBand(b.min, b.max, b.text) for b in bands]
        validate_bands(core, lowest, highest)
    except ValueError as exc:
        raise InstrumentError(f"{where}: {exc}") from exc
    # The scenario rules read their thresholds off the bands (assessments.scoring.ScenarioRules.from_bands).
    if len(bands) < 3:
        raise InstrumentError(f"{where}: expected at least three bands (the scenario rules are read from them)")
    return core


def _check_shape(doc: _InstrumentDoc) -> None:  # noqa: C901 (one check after another, each with its message)
    """Raise InstrumentError for what the types alone cannot say: ranges, order and a consistent shape."""
    values = sorted(o.value for o in doc.scale)
    if len(set(values)) != len(values) or len(values) < 2 or not 0 <= values[0] or values[-1] > SCALE_LIMIT:
        raise InstrumentError(
            f"instrument.scale: the answer scale needs at least two different values from 0 to {SCALE_LIMIT}"
        )
    if not 0 < doc.significance.min < doc.significance.max <= SCALE_LIMIT:
        raise InstrumentError(f"instrument.significance: min must be below max, both between 1 and {SCALE_LIMIT}")
    if not doc.principles:
        raise InstrumentError("instrument.principles: expected at least one principle")
    per_principle = len(doc.principles[0].elements)
    letters = string.ascii_uppercase[:per_principle]
    if not 0 < per_principle <= len(string.ascii_uppercase):
        raise InstrumentError(f"principles[0].elements: expected 1 to 26 elements, found {per_principle}")
    lowest, highest = per_principle * values[0], per_principle * values[-1]
    first_ranges: list[tuple[int, int]] = []
    for p_index, principle in enumerate(doc.principles):
        here = f"principles[{p_index}]"
        if principle.number != p_index + 1:
            raise InstrumentError(f"{here}.number: expected {p_index + 1}")
        ranges = [(b.min, b.max) for b in ordered_bands(_bands(principle.bands, f"{here}.bands", lowest, highest))]
        if p_index == 0:
            first_ranges = ranges
        elif ranges != first_ranges:
            # One set of limits: the dartboard's rings and the scenario thresholds are the same for every principle.
            raise InstrumentError(f"{here}.bands: expected the same score ranges as principles[0].bands")
        if len(principle.elements) != per_principle:
            raise InstrumentError(
                f"{here}.elements: expected {per_principle} elements ({letters[0]} to {letters[-1]}), "
                f"found {len(principle.elements)}"
            )
        for e_index, element in enumerate(principle.elements):
            if element.letter != letters[e_index]:
                raise InstrumentError(f"{here}.elements[{e_index}].letter: expected {letters[e_index]}")
    count = len(doc.principles)
    _bands(doc.aggregate_bands, "instrument.aggregate_bands", count * lowest, count * highest)
    if sorted(s.code for s in doc.scenarios) != list(SCENARIO_CODES):
        raise InstrumentError("instrument.scenarios: expected the scenarios A, B and C")


def validate_instrument(data: Any) -> dict:
    """Check the whole instrument document; return it unchanged, or raise InstrumentError naming the place.

    Any shape is accepted as long as it is consistent: every principle has the same number of statements and
    the same band limits, the bands cover every possible score once, and the scale has whole-number values.
    """
    if not isinstance(data, dict):
        raise InstrumentError("instrument: the file must hold one JSON object")
    try:
        doc = _InstrumentDoc.model_validate(data)
    except ValidationError as exc:
        raise InstrumentError(_message(exc.errors()[0])) from exc
    _check_shape(doc)
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
        scoped: dict[str, str] = {}
        if any(field.name == "scope" for field in m.Instrument._meta.get_fields()):
            # Migrations before assessments 0013 load with historical models that have no scope (0013 sets it).
            scoped["scope"] = data.get("scope", "health_check")
        instrument = m.Instrument.objects.create(
            **scoped,
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
    return assessment_models.Instrument.objects.filter(slug=DEFAULT_INSTRUMENT_SLUG).order_by("-version", "-id").first()
