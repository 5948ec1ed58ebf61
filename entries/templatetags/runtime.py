from django import template

from campaigns import flow
from entries import fragments, languages
from entries.i18n import moment_text

register = template.Library()


@register.filter
def scale_to(low: int, high: int) -> range:
    """`{{ 1|scale_to:5 }}`: the points of a rating or opinion scale, inclusive."""
    return range(int(low), int(high) + 1)


@register.filter
def moment(value) -> str:
    """`{{ draw.drawn_at|moment }}`: the date and time in the active language's words."""
    return moment_text(value) if value else ""


@register.filter
def file_accept(question: flow.Question) -> str:
    """The `accept` of a file question's input: the types it takes (the browser's hint only;
    the server decides from the file's bytes)."""
    return ",".join(flow.file_types(question))


@register.filter
def text_direction(language: str) -> str:
    """`rtl` for a right-to-left language (Arabic, Hebrew…), else `ltr`."""
    return flow.direction(language)


@register.inclusion_tag("entries/_languages.html", takes_context=True)
def language_switcher(context) -> dict:
    """Links to the campaign's other languages (none when it has one); no script needed."""
    request, definition = context.get("request"), context.get("definition")
    if request is None or definition is None:
        return {"links": []}
    return {"links": languages.switcher(request, definition)}


@register.tag
def kept_step(parser, token) -> "KeptStepNode":
    """`{% kept_step %}…{% endkept_step %}`: a step's form, rendered once per `step_fragment`
    (entries/fragments.py) and reused."""
    nodelist = parser.parse(("endkept_step",))
    parser.delete_first_token()
    return KeptStepNode(nodelist)


class KeptStepNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return fragments.render_step(context.get("step_fragment"), context, self.nodelist.render)
