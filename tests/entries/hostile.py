"""What a hostile visitor sends, as hypothesis strategies, and the checks that nothing came of it.

Shared by the runtime's fuzz tests (test_runtime.py) and the abuse suite (test_abuse.py).
"""

import json
import time
from urllib.parse import urlencode

from django.core.cache import cache
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from entries.models import Answer, Entry

# Text a form or a URL can carry: NUL, lone surrogates (sent as their UTF-8-like bytes), right-
# to-left overrides, numbers no column holds, and far more than any field allows.
TEXT = st.text(max_size=40) | st.sampled_from(
    ["", "\x00", "a\x00b", "\ud800", "x\udfffy", "a" * 20_000, "\u202e", "coffee", "tea", "5",
     "-1", "1e309", "-1e400", "9" * 400, "NaN", "Infinity", "Ada", "²", "🙂"])
FORM = st.dictionaries(
    st.sampled_from(["step", "action", "name", "email", "utm_source", "drink", "rating",
                     "website", "confirm_age", "nonsense", "referrer", "dob_day", "dob_month",
                     "dob_year"]),
    st.lists(TEXT, min_size=1, max_size=3), max_size=6)
QUERY = st.dictionaries(
    st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                     "ref", "step", "page", "q"]) | TEXT,
    st.lists(TEXT, min_size=1, max_size=2), max_size=4)
NUMBER = (st.integers() | st.floats() | st.sampled_from([10**400, -(10**30), 1e308]))
JSON = st.recursive(
    st.none() | st.booleans() | NUMBER | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12)
EVENT = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["view", "focus", "change", "back", "idle", "time", "submit"]) | JSON,
    "step": st.sampled_from(["about", "taste", "strength"]) | JSON,
    "at": st.just(time.time() * 1000) | NUMBER | JSON,
    "data": st.fixed_dictionaries({}, optional={"question": TEXT | JSON, "ms": JSON,
                                                "first": JSON, "value": JSON}) | JSON})


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _one_change(value: str) -> str:
    return ('{"events": [{"kind": "change", "step": "about", "at": ' + str(int(time.time() * 1000))
            + ', "data": {"question": "name", "value": ' + value + "}}]}")


# Bodies no JSON encoder writes: nesting to any depth, NaN, numbers beyond any column,
# escaped NUL and lone surrogates, encoded surrogates, too many or too large events.
RAW_BATCH = st.one_of(
    st.integers(1, 60_000).map(_nested),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "9" * 5_000, '"\\ud800"',
                     '"\\u0000"', '{"\\u0000": 1}', '"\\udfff\\ud800"', "[1e400]"])
    .map(_one_change),
    st.just(_one_change('"x"').replace('"x"', '"\udcff"')),
    st.integers(101, 2_000).map(lambda n: '{"events": ['
                                + ", ".join([_one_change('"x"')[12:-2]] * n) + "]}"),
    st.integers(32_001, 200_000).map(lambda n: _one_change('"' + "y" * n + '"')),
)
BATCH = (st.binary(max_size=200) | JSON | RAW_BATCH
         | st.fixed_dictionaries({"events": st.lists(EVENT | JSON, max_size=5) | JSON}))
VALID_STEPS = [{"step": "about", "name": "Ada"}, {"step": "taste", "drink": "coffee"},
               {"step": "strength", "rating": "4"}]
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def start(client, campaign, query=""):
    response = client.post(f"/c/{campaign.slug}/{query}")
    assert response.status_code == 303, response.content[:500]
    return response.headers["Location"]


def visitor(client, quiz, answered: int) -> tuple[str, Entry]:
    """A new visitor's entry with its first `answered` steps answered (3: completed)."""
    cache.clear()  # each example is a new visitor, not a burst from one IP
    url = start(client, quiz)
    for body in VALID_STEPS[:answered]:
        client.post(url, body)
    return url, Entry.objects.get(token=url.rstrip("/").rsplit("/", 1)[1])


def assert_nothing_lost(client, url: str, entry: Entry) -> None:
    saved = dict(entry.answer_values)
    entry.refresh_from_db()
    assert saved.keys() <= entry.answer_values.keys()
    assert entry.answer_values == dict(Answer.objects.filter(entry=entry).values_list(
        "question_key", "value"))
    assert client.get(url).status_code == 200


def encoded(text: str) -> bytes:
    """UTF-8, except that a lone surrogate goes out as the bytes a broken encoder writes."""
    return text.encode("utf-8", "surrogatepass")


def post_form(client, url: str, form: dict, **extra):
    """POST `form` urlencoded by hand: the test client would refuse to encode a surrogate."""
    body = urlencode(form, doseq=True, encoding="utf-8", errors="surrogatepass")
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)


def with_query(url: str, query: dict) -> str:
    return f"{url}?{urlencode(query, doseq=True, errors='surrogatepass')}" if query else url


def batch_body(batch) -> bytes:
    if isinstance(batch, bytes):
        return batch
    return encoded(batch if isinstance(batch, str) else json.dumps(batch))
