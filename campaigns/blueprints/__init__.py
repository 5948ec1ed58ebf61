"""The template gallery: every `*.json` blueprint beside this file is a starter campaign."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GALLERY_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    kind: str
    description: str
    image: str
    document: dict


@cache
def gallery() -> tuple[Template, ...]:
    templates = []
    for path in sorted(GALLERY_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        templates.append(Template(
            slug=path.stem,
            name=document["name"],
            kind=document["kind"],
            description=document.get("description", ""),
            image=(document.get("intro") or {}).get("image", ""),
            document=document,
        ))
    return tuple(templates)


def gallery_template(slug: str) -> Template | None:
    return next((t for t in gallery() if t.slug == slug), None)
