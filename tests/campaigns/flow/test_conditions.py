"""Every operator, including missing answers and values of the wrong type."""

from __future__ import annotations

from typing import Any

import pytest

from campaigns.flow import OPERATORS, Context, Group, Leaf, evaluate
from campaigns.flow.conditions import pattern_problem


def answer_leaf(op: str, value: Any = None) -> Leaf:
    return Leaf("answers.q", op, value, "answers", "q")


def holds(op: str, answer: Any, value: Any = None) -> bool:
    answers = {} if answer is ... else {"q": answer}
    return evaluate(answer_leaf(op, value), Context(answers))


# (operator, answer, condition value, expected); `...` means the question was never answered.
CASES = [
    ("equals", "Strong", "strong", True),
    ("equals", "mild", "strong", False),
    ("equals", 3, 3.0, True),
    ("equals", True, True, True),
    ("equals", True, 1, False),
    ("equals", 1, True, False),
    ("equals", ["a"], "a", False),
    ("equals", ..., "a", False),
    ("equals", None, "a", False),
    ("equals", "", "", False),
    ("not_equals", "mild", "strong", True),
    ("not_equals", "strong", "strong", False),
    ("not_equals", ..., "strong", True),
    ("not_equals", 5, "5", True),
    ("contains", "I love espresso", "ESPRESSO", True),
    ("contains", "tea", "coffee", False),
    ("contains", ["a", "b"], "b", True),
    ("contains", ["a", "b"], "c", False),
    ("contains", 42, "4", False),
    ("contains", ..., "a", False),
    ("not_contains", "tea", "coffee", True),
    ("not_contains", ["a", "b"], "a", False),
    ("not_contains", ..., "a", True),
    ("not_contains", [], "a", True),
    ("any_of", "b", ["a", "b"], True),
    ("any_of", "c", ["a", "b"], False),
    ("any_of", ["c", "b"], ["a", "b"], True),
    ("any_of", 7, [7, 8], True),
    ("any_of", {"name": "x"}, ["x"], False),
    ("any_of", ..., ["a"], False),
    ("all_of", ["a", "b", "c"], ["a", "b"], True),
    ("all_of", ["a"], ["a", "b"], False),
    ("all_of", "a", ["a"], True),
    ("all_of", ["a"], [], False),
    ("all_of", ..., ["a"], False),
    ("none_of", "c", ["a", "b"], True),
    ("none_of", ["a", "c"], ["a", "b"], False),
    ("none_of", ..., ["a"], True),
    ("gt", 5, 3, True),
    ("gt", 3, 3, False),
    ("gt", "5", 3, False),
    ("gt", True, 0, False),
    ("gt", ..., 3, False),
    ("gte", 3, 3, True),
    ("gte", 2.5, 3, False),
    ("gte", [3], 3, False),
    ("lt", 2, 3, True),
    ("lt", 3, 3, False),
    ("lt", None, 3, False),
    ("lte", 3, 3, True),
    ("lte", 4, 3, False),
    ("lte", "3", 3, False),
    ("between", 5, [1, 10], True),
    ("between", 10, [1, 10], True),
    ("between", 11, [1, 10], False),
    ("between", "2024-05-01", ["2024-01-01", "2024-12-31"], True),
    ("between", "2025-05-01", ["2024-01-01", "2024-12-31"], False),
    ("between", "five", [1, 10], False),
    ("between", ..., [1, 10], False),
    ("is_empty", ..., None, True),
    ("is_empty", None, None, True),
    ("is_empty", "", None, True),
    ("is_empty", [], None, True),
    ("is_empty", "x", None, False),
    ("is_empty", False, None, False),
    ("is_empty", 0, None, False),
    ("is_not_empty", "x", None, True),
    ("is_not_empty", 0, None, True),
    ("is_not_empty", ..., None, False),
    ("is_not_empty", [], None, False),
    ("before", "2024-01-01", "2024-06-01", True),
    ("before", "2024-06-01", "2024-06-01", False),
    ("before", "not a date", "2024-06-01", False),
    ("before", 20240101, "2024-06-01", False),
    ("before", ..., "2024-06-01", False),
    ("after", "2024-07-01", "2024-06-01", True),
    ("after", "2024-05-01", "2024-06-01", False),
    ("after", "2024-02-30", "2024-01-01", False),
    ("matches", "AB-1234", r"^[A-Z]{2}-\d{4}$", True),
    ("matches", "ab-1234", r"^[A-Z]{2}-\d{4}$", False),
    ("matches", 1234, r"\d+", False),
    ("matches", ..., ".*", False),
    ("matches", "a" * 30 + "!", r"^(a+)+$", False),
    ("matches", "x" * 5000 + "END", "END", False),  # only the first 1,000 characters are read
]


def test_every_operator_has_cases() -> None:
    assert {case[0] for case in CASES} == set(OPERATORS)


@pytest.mark.parametrize(("op", "answer", "value", "expected"), CASES)
def test_operator(op: str, answer: Any, value: Any, expected: bool) -> None:
    assert holds(op, answer, value) is expected


@pytest.mark.parametrize("op", sorted(OPERATORS))
@pytest.mark.parametrize(
    "answer", [None, "", "text", 0, -1.5, True, False, [], ["a", 1], {"name": "f"}, ("x",)]
)
def test_operators_never_raise(op: str, answer: Any) -> None:
    for value in (None, "a", 1, True, ["a", 2], [1, 2], ["2024-01-01", "2024-02-01"], "(a+)+"):
        assert holds(op, answer, value) in (True, False)


def test_catastrophic_pattern_is_cut_off_by_the_timeout() -> None:
    assert holds("matches", "a" * 999 + "!", r"^(a|aa)+$") is False


@pytest.mark.parametrize(
    ("pattern", "accepted"),
    [
        (r"^\d{5}$", True),
        (r"((a{100}){100}){100}", False),
        ("a" * 201, False),
        ("[unclosed", False),
    ],
)
def test_pattern_problem(pattern: str, accepted: bool) -> None:
    assert (pattern_problem(pattern) is None) is accepted


@pytest.mark.parametrize(
    ("field", "context", "expected"),
    [
        (Leaf("score", "gte", 10, "score", ""), Context({}, score=10), True),
        (Leaf("score", "gte", 10, "score", ""), Context({}, score=9.5), False),
        (Leaf("vars.bonus", "equals", 2, "vars", "bonus"), Context({}, vars={"bonus": 2}), True),
        (Leaf("vars.bonus", "equals", 0, "vars", "bonus"), Context({}), True),  # unset reads 0
    ],
)
def test_score_and_variables(field: Leaf, context: Context, expected: bool) -> None:
    assert evaluate(field, context) is expected


def test_groups_nest() -> None:
    yes, no = answer_leaf("is_empty"), answer_leaf("is_not_empty")
    assert evaluate(Group("all", (yes, Group("any", (no, yes)))), Context({})) is True
    assert evaluate(Group("all", (yes, no)), Context({})) is False
    assert evaluate(Group("any", ()), Context({})) is False
    assert evaluate(Group("all", ()), Context({})) is True
