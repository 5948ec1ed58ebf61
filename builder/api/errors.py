"""What an API refusal carries: a status, a sentence, and where there are some the problems
(a blueprint's, or a draft's before publishing) as the builder lists them."""

from dataclasses import asdict, is_dataclass


class Refused(Exception):
    def __init__(self, status: int, message: str, problems=()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = [asdict(p) if is_dataclass(p) else p for p in problems]

    def body(self) -> dict:
        return {"detail": self.message, **({"problems": self.problems} if self.problems else {})}


def not_found(what: str = "Not found.") -> Refused:
    """Another workspace's object is not found either, as in the builder."""
    return Refused(404, what)
