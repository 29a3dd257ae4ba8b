"""The sanitiser's fast path: what nh3 makes of the HTML cmark writes, without parsing it.

A body without raw HTML renders to a few tags in the exact forms cmark writes, and
nh3 (html5ever's parse and serialisation, ammonia's rules as render._cleaner()
sets them) changes only their spelling: links get rel="noopener noreferrer" and
lose an href whose scheme is not allowed, "&#x27;" in a URL becomes "'", images
keep only an absolute http(s) src, void tags lose " /", fenced code loses its
class, table alignment is written "text-align:X", "&quot;" in text becomes '"'
and U+00A0 becomes "&nbsp;".

`fast_sanitise` recognises that subset strictly and re-spells it; for anything
else it returns None and nh3 decides. It is a whitelist of tokens: tags,
attributes, entities and URLs in the forms cmark writes, no control character,
no comment. Raw HTML can be written in those forms too, in any nesting, and
html5ever would repair a bad one (close a paragraph a block opens in, a link
in a link, an element left open), so the nesting is checked as well, unless
the caller vouches for it: all raw HTML begins with "<", and cmark nests what
it writes as html5ever keeps it. tests/test_sanitise_fast.py compares what
the fast path accepts with nh3, byte for byte; a change to render._cleaner()
must be made here too.
"""

from __future__ import annotations

import functools
import re

# --- tokens ------------------------------------------------------------------------------------------------
# (Written for Python's re: one pass, possessive repeats, no case-insensitive parts and no capturing groups,
# which in Python 3.11 do not mix with possessive repeats.)

#: a character of text or of an attribute value: printable ASCII but '"&<>', tab, newline, and anything
#: from U+00A0 on but lone surrogates (no control character: cmark passes them through, and so does nh3,
#: but none is meant). Written as what it leaves out: the same class, but the expression that repeats it
#: compiles in 13 ms instead of 80 (a run that renders one article paid that)
_CHAR = '[^\x00-\x08\x0b-\x1f"&<>\x7f-\x9f\ud800-\udfff]'
#: text between two tags, maybe empty, with only the entities cmark's escape_html writes
_TEXT = f"{_CHAR}*+(?:&(?:amp|lt|gt|quot);{_CHAR}*+)*+"
_VALUE = f'"{_TEXT}"'
#: a URL as cmark's escape_href writes it: the characters it leaves alone, "&amp;" and "&#x27;"
_URL_CHAR = r"[A-Za-z0-9\-_.+!*(),%#@?=;:/$~]"
_URL = f"{_URL_CHAR}*+(?:&(?:amp|#x27);{_URL_CHAR}*+)*+"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*+:"
_HTTP_SCHEME = "[Hh][Tt][Tt][Pp][Ss]?+:"
#: an http(s) URL the URL parser certainly accepts: DNS labels (no IDNA "xn--" label, which must decode; the
#: last one starting with a letter, for one that ends in a number goes to the IPv4 parser and may fail), a
#: port below 10000, then anything (path, query and fragment never fail)
_LABEL = "(?![Xx][Nn]--)[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+"
_LAST_LABEL = "(?![Xx][Nn]--)[A-Za-z][A-Za-z0-9]*+(?:-++[A-Za-z0-9]++)*+"
_HTTP = f"{_HTTP_SCHEME}//(?:{_LABEL}\\.)*+{_LAST_LABEL}(?::[0-9]{{1,4}})?+(?:[/?#]{_URL})?+"
_MAILTO = "[Mm][Aa][Ii][Ll][Tt][Oo]:"
#: a URL with a scheme nh3 drops, whether the URL parser takes it or not
_DROPPED = f"(?!{_HTTP_SCHEME}|{_MAILTO}){_SCHEME}"
#: URLs whose fate is known: http(s) ones as above, relative ones (the URL parser's "relative URL without a
#: base") and mailto ones (but "mailto:/", which would parse a host) pass nh3's URL check, _DROPPED ones fail
_HREF = f'"(?:{_HTTP}|(?!{_SCHEME}){_URL}|{_MAILTO}(?!/){_URL}|{_DROPPED}{_URL})"'
#: inline tags, after their "<"
_INLINE_TAG = (
    "/(?:a|em|strong|del|code)>|(?:em|strong|del|code)>"
    f"|a href={_HREF}(?: title={_VALUE})?+>|br />|img src={_HREF} alt={_VALUE}(?: title={_VALUE})?+ />"
)
#: a table as cmark-gfm lays it out: only newlines between its own tags (other text there html5ever would
#: move out of the table), a head row, then body rows in a tbody
_ALIGN = '(?: style="text-align: (?:left|center|right)")?+'
_CELL = f"{_TEXT}(?:<(?:{_INLINE_TAG}){_TEXT})*+"
_TABLE = (
    f"table>\n<thead>\n<tr>\n(?:<th{_ALIGN}>{_CELL}</th>\n)++</tr>\n</thead>\n"
    f"(?:<tbody>\n(?:<tr>\n(?:<td{_ALIGN}>{_CELL}</td>\n)*+</tr>\n)++</tbody>\n)?+</table>"
)
_BLOCK_TAG = (
    '/(?:p|li|ul|ol|h[1-6]|blockquote)>|(?:p|li|ul|h[1-6]|blockquote)>|ol(?: start="[0-9]{1,9}")?+>|hr />'
    # a code block: text only, and nothing between <pre> and <code> (html5ever drops a newline there)
    f"|pre><code(?: class={_VALUE})?+>{_TEXT}</code></pre>|{_TABLE}"
)
_SHAPE = f"{_TEXT}(?:<(?:{_INLINE_TAG}|{_BLOCK_TAG}){_TEXT})*+"


@functools.cache
def shape() -> re.Pattern[str]:
    """The whole shape as one expression, compiled when first needed (about 13 ms), not on import:
    `validate` never uses it. (Commands that render many articles call this before they fork
    their workers, so that each does not compile it.)"""
    return re.compile(_SHAPE)


#: once the shape is known, "<" only opens a tag
_TAG_NAME = re.compile("<(/?[a-z0-9]+)")

# --- nesting -----------------------------------------------------------------------------------------------
# What may open in each element, and what it then is; its own end tag closes it. Under these rules each start
# tag is inserted as a child of the current node and each end tag closes the current node, and so html5ever's
# tree is the markup's own: no block opens inside a paragraph (which would close it), no link inside a link,
# no list item but in a list, no element is left open or closed out of turn, no text stands in a table.

_Steps = dict[str, "_Steps"]
_CLOSE: _Steps = {}
_VOID: _Steps = {}


def _grammar() -> _Steps:
    context: dict[str, _Steps] = {}

    def element(name: str, children: _Steps) -> _Steps:
        steps = context.setdefault(name, {})
        steps.update(children)
        steps["/" + name.partition("@")[0]] = _CLOSE
        return steps

    def inline(in_link: bool) -> _Steps:
        # inside a link, emphasis opens contexts ("em@a") that allow no second link
        suffix = "@a" if in_link else ""
        steps = {name: context.setdefault(name + suffix, {}) for name in ("em", "strong", "del")}
        return (
            steps
            | ({} if in_link else {"a": context.setdefault("a", {})})
            | {
                "code": context.setdefault("code", {}),
                "img": _VOID,
                "br": _VOID,
            }
        )

    blocks = {name: context.setdefault(name, {}) for name in ("p", "blockquote", "ul", "ol", "pre", "table")}
    blocks |= {f"h{level}": context.setdefault(f"h{level}", {}) for level in range(1, 7)} | {"hr": _VOID}
    for name in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td", "em", "strong", "del"):
        element(name, inline(False))
    for name in ("em@a", "strong@a", "del@a", "a"):
        element(name, inline(True))
    element("code", {})
    element("blockquote", blocks)
    element("li", blocks | inline(False))  # a tight list item holds its text directly
    element("ul", {"li": context["li"]})
    element("ol", {"li": context["li"]})
    element("pre", {"code": context["code"]})
    element("table", {"thead": element("thead", {}), "tbody": element("tbody", {})})
    tr = element("tr", {"th": context["th"], "td": context["td"]})
    context["thead"]["tr"] = context["tbody"]["tr"] = tr
    return blocks


_ROOT = _grammar()


def _well_nested(html: str) -> bool:
    steps, stack = _ROOT, list[_Steps]()
    for tag in _TAG_NAME.findall(html):
        step = steps.get(tag)
        if step is None:
            return False
        if step is _CLOSE:
            steps = stack.pop()
        elif step is not _VOID:
            stack.append(steps)
            steps = step
    return not stack


# --- nh3's spelling ----------------------------------------------------------------------------------------

_REL = ' rel="noopener noreferrer"'
_DROPPED_URL = re.compile(_DROPPED)
_KEPT_SRC = re.compile(_HTTP)
#: every tag nh3 spells otherwise, after its "<" (one literal first character: a fast search)
_RESPELT = re.compile(
    '<(?:a href="(?P<href>[^"]*)"(?P<title>(?: title="[^"]*")?)>|hr />|br />'
    '|img src="(?P<src>[^"]*)"(?P<alt> alt="[^"]*")(?P<caption> title="[^"]*")? />|code class="[^"]*">'
    '|t[hd] style="[^"]*">)'
)
_SPELLING = {"<hr />": "<hr>", "<br />": "<br>"} | {
    f'<{cell} style="text-align: {align}">': f'<{cell} style="text-align:{align}">'
    for cell in ("th", "td")
    for align in ("left", "center", "right")
}
#: stands for "&quot;" in an attribute while "&quot;" in text becomes '"' (the shape lets no NUL through)
_QUOT = "\x00"


def _attribute(name: str, value: str, kept: bool) -> str:
    # values keep cmark's escaping, which is html5ever's but for "'" in a URL
    return f' {name}="{value.replace("&#x27;", chr(39))}"' if kept else ""


def _respell(match: re.Match[str]) -> str:
    href, src = match["href"], match["src"]
    if href is not None:
        kept = _DROPPED_URL.match(href) is None
        return f"<a{_attribute('href', href, kept)}{match['title'].replace('&quot;', _QUOT)}{_REL}>"
    if src is not None:
        alt, title = match["alt"].replace("&quot;", _QUOT), (match["caption"] or "").replace("&quot;", _QUOT)
        if _KEPT_SRC.fullmatch(src):
            return f"<img{_attribute('src', src, True)}{alt}{title}>"
        if _DROPPED_URL.match(src):  # dropped by the URL check, which keeps the order of the others
            return f"<img{alt}{title}>"
        # dropped by render._filter_attribute, which ammonia does by moving the last attribute into its place
        return f"<img{title}{alt}>"
    return _SPELLING.get(match[0], "<code>")  # else a code block's class, which nh3 drops


def fast_sanitise(cmark_html: str, *, no_raw_html: bool = False) -> str | None:
    """What nh3 (render._cleaner()) makes of `cmark_html`, or None when only nh3 can say.

    `no_raw_html`: the caller knows that cmark wrote every tag (its Markdown has no "<", with which
    all raw HTML begins), so the nesting is cmark's own, which html5ever keeps, and is not checked.
    """
    if shape().fullmatch(cmark_html) is None or not (no_raw_html or _well_nested(cmark_html)):
        return None
    html = _RESPELT.sub(_respell, cmark_html)
    if "&quot;" in html:
        html = html.replace("&quot;", '"')
    if _QUOT in html:
        html = html.replace(_QUOT, "&quot;")
    return html.replace("\xa0", "&nbsp;") if "\xa0" in html else html
