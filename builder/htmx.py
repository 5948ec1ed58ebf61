"""The one way a builder view answers a write, HTMX or not (django-htmx's example project's shape).

- After a write, a plain request is redirected (a reload does not post again) and an HTMX request
  gets the region the write changed re-rendered, optionally followed by out-of-band fragments
  (`written`, `fragment`).
- A refused write shows its form again with what was typed and why, status 200 so htmx 2 swaps
  it: the fragment for HTMX, the whole page otherwise (`fragment_or_page`).
- Response headers for htmx come from django-htmx's helpers (`retarget`, `reswap`, `push_url`),
  never set by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django_htmx.http import push_url, reswap, retarget


def written(request: HttpRequest, *, to: str, region: Callable[[], HttpResponse],
            notice: str = "", level: int = messages.SUCCESS) -> HttpResponse:
    """After a write (or a refusal the region shows): `region()` for HTMX, a redirect to `to`
    otherwise. `notice` is what the region says itself about the outcome, so only a plain
    request gets it as a message (of `level`), shown on the page it is sent to."""
    if request.htmx:
        return region()
    if notice:
        messages.add_message(request, level, notice)
    return redirect(to)


def fragment(request: HttpRequest, template: str, context: dict, *,
             oob: Iterable[tuple[str, dict]] = (), target: str = "") -> HttpResponse:
    """`template` followed by out-of-band fragments (`(template, context)` pairs); `target`, a
    CSS selector, swaps it over that element instead of the one the request came from."""
    html = render_to_string(template, context, request=request)
    html += _rendered(request, oob)
    response = HttpResponse(html)
    if target:
        response = reswap(retarget(response, target), "outerHTML")
    return response


def fragment_or_page(request: HttpRequest, *, fragment: str, page: str,
                     context: dict) -> HttpResponse:
    """The region alone for HTMX, the whole page otherwise: a read, or a refused write's form
    with its errors (status 200, so htmx 2 swaps it)."""
    return render(request, fragment if request.htmx else page, context)


def out_of_band_only(request: HttpRequest, oob: Iterable[tuple[str, dict]]) -> HttpResponse:
    """Only out-of-band fragments: the element the request came from stays as it is."""
    return reswap(HttpResponse(_rendered(request, oob)), "none")


def _rendered(request: HttpRequest, oob: Iterable[tuple[str, dict]]) -> str:
    return "".join(render_to_string(name, context, request=request) for name, context in oob)


def at_address(response: HttpResponse, url: str) -> HttpResponse:
    """The browser's address bar shows `url`, so the region's state can be shared and reloaded."""
    return push_url(response, url)
