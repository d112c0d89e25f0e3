"""Numbers and dates in requests, read as their schema describes them.

Decimals: a JSON number, or a string the schema describes exactly.

Pydantic reads a `Decimal` from any string `Decimal()` reads ("1e3", " 7", "NaN" refused
late), and documents the string as any string; a client generated from the document then
sends what the service refuses. Here the string must match a pattern, and the document
says which (on the string choice of the field's schema).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# Every string the narrower patterns admit is one of these (the check, `DecimalPattern`).
SIGNED = r"^-?[0-9]{1,30}(\.[0-9]{1,20})?$"
NON_NEGATIVE = r"^[0-9]{1,30}(\.[0-9]{1,20})?$"
# Some digit not 0, before or after the point.
POSITIVE = (r"^([0-9]{0,14}[1-9][0-9]{0,14}(\.[0-9]{1,10})?"
            r"|[0-9]{1,15}\.[0-9]{0,9}[1-9][0-9]{0,10})$")


_DIGITS = re.compile(SIGNED)


class DecimalPattern:
    """The string choice of a decimal's schema matches `pattern`; a string sent must be a
    decimal of digits (`SIGNED`), whose bounds the field checks then (so that "0" where more
    is needed is "too small", as a person should read it, not "no number")."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def check(self, value: Any) -> Any:
        if isinstance(value, str) and not _DIGITS.fullmatch(value):
            raise PydanticCustomError("decimal_parsing", "Input should be a valid decimal "
                                      "(digits, a point: 1.5)")
        return value

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        for choice in json_schema.get("anyOf", []):
            if choice.get("type") == "string":
                choice["pattern"] = self.pattern
        return json_schema


# Use as `Annotated[Decimal, Field(<bounds>), BeforeValidator(p.check), p]`: the bounds inside,
# where the schema of the number can carry them.
_SIGNED, _NON_NEGATIVE, _POSITIVE = (DecimalPattern(SIGNED), DecimalPattern(NON_NEGATIVE),
                                     DecimalPattern(POSITIVE))
SignedDecimal = Annotated[Decimal, BeforeValidator(_SIGNED.check), _SIGNED]
NonNegativeDecimal = Annotated[Decimal, Field(ge=0), BeforeValidator(_NON_NEGATIVE.check),
                               _NON_NEGATIVE]
PositiveDecimal = Annotated[Decimal, Field(gt=0), BeforeValidator(_POSITIVE.check), _POSITIVE]


def _json_integer(value: Any) -> Any:
    """An integer as JSON Schema has it (3 or 3.0), never true; the web's forms send digits
    as typed ("3"), which stay accepted."""
    # The kinds of error pydantic names (the web explains each beside its field).
    if isinstance(value, str):
        if re.fullmatch(r"-?[0-9]{1,18}", value.strip()):
            return int(value)
        raise PydanticCustomError("int_parsing", "Input should be a valid integer")
    return _integer(value)


def _integer(value: Any) -> Any:
    """An integer as JSON Schema has it: 3 or 3.0, never "3" nor true."""
    if isinstance(value, str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, float | Decimal) and value != int(value):
        raise PydanticCustomError("int_from_float", "Input should be a valid integer, got a "
                                  "number with a fractional part")
    return int(value)


def date_text(value: Any) -> Any:
    """A date as JSON carries it: "2026-03-02" (never seconds since 1970)."""
    if not isinstance(value, str | date):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


# What a request's JSON may carry, as its schema says (pydantic alone also takes true for an
# integer, and 0 for a date).
Whole = Annotated[int, BeforeValidator(_json_integer)]
Integer = Annotated[int, BeforeValidator(_integer)]  # no digits in a string either
Day = Annotated[date, BeforeValidator(date_text)]
