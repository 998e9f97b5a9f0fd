"""The error hierarchy: one base to catch, messages that name the place, and errors that cross processes."""

from __future__ import annotations

import pickle

import pytest

import medplan

ERRORS = [
    medplan.InputError("procedure.start", "is required"),
    medplan.InputError("", "must be a JSON object"),
    medplan.TableError("drug_classes.csv", 12, "low_hold", "must be a number of days or hours"),
    medplan.TableError("drug_classes.csv", None, None, "cannot be read"),
    medplan.PolicyError("policies.toml", "profiles.dr-jones.inr_max", "must be between 1 and 3 (got 5)"),
    medplan.MissingExtraError("calendar", "icalendar>=6.1", "the iCalendar export"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_an_error_survives_pickling_with_its_parts(error):
    """Sent to another process (medplan batch --jobs), an error keeps its class, message and attributes."""
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round-tripped

    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_is_a_medplan_error(error):
    """A caller catches medplan.MedplanError and gets every error medplan raises on purpose."""
    assert isinstance(error, medplan.MedplanError)


def test_messages_name_the_place_and_the_problem():
    """Each message reads place: problem, in the shape the command line prints."""
    assert [str(e) for e in ERRORS] == [
        "procedure.start: is required",
        "must be a JSON object",
        "drug_classes.csv, row 12: column 'low_hold': must be a number of days or hours",
        "drug_classes.csv: cannot be read",
        "policies.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 5)",
        "the iCalendar export needs icalendar>=6.1, which is not installed: pip install 'medplan[calendar]'",
    ]


def test_a_plain_medplan_error_crosses_processes_with_its_arguments():
    """A MedplanError raised as it is, with no named parts, is rebuilt from its arguments in the other process."""
    error = medplan.MedplanError("the clinic's table is out of date", 3)

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round-tripped

    assert type(copy) is medplan.MedplanError
    assert copy.args == ("the clinic's table is out of date", 3)
    assert str(copy) == str(error) == "(\"the clinic's table is out of date\", 3)"
