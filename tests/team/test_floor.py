"""Floor plan files: desk,x,y[,occupant]; bad files name the record and the field."""

from __future__ import annotations

import re

import pytest

from labscout.errors import BadInputError
from labscout.team.floor import Desk, parse_floor


def test_desks_with_and_without_occupants() -> None:
    text = "\ufeffDesk, X ,y,occupant\nCEO,0,0,Cee Eo\nA1,1.5,2\n\nA2,-3,4,#12\n"
    assert parse_floor(text, file="f.csv") == [Desk("CEO", 0, 0, "Cee Eo"), Desk("A1", 1.5, 2),
                                               Desk("A2", -3, 4, "#12")]


@pytest.mark.parametrize(("text", "record", "field", "message"), [
    ("desk,x\nA,1\n", None, "y", "the header needs the columns desk,x,y"),
    ("desk,x,y\nA,1,2\nB,3,4\na,5,6\n", 3, "desk", "desk 'a' appears twice (records 1 and 3)"),
    ("desk,x,y\nA,1,\n", 1, "y", "desk has no y coordinate"),
    ("desk,x,y\nA,one,2\n", 1, "x", "'one' is not a number"),
    ("desk,x,y\nA,nan,2\n", 1, "x", "is not a position on a floor"),
    ("desk,x,y\n,1,2\n", 1, "desk", "desk has no name"),
    ("desk,x,y\nA,1,2,3\n", 1, None, "more values than the header"),
    ("desk,x,y\n", None, None, "the floor has no desks"),
])
def test_bad_files_name_record_and_field(text: str, record: int | None, field: str | None, message: str) -> None:
    with pytest.raises(BadInputError, match=re.escape(message)) as caught:
        parse_floor(text, file="floor.csv")
    assert (caught.value.file, caught.value.record, caught.value.field) == ("floor.csv", record, field)
