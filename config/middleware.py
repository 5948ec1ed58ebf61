from django.http import HttpRequest, HttpResponse


class FrameAncestorsMiddleware:
    """Forbid framing everywhere (CSP `frame-ancestors 'none'`), unless a view already set its own
    policy: runtime pages allow exactly their campaign's embed origins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response
