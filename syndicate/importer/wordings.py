"""How outlets say where an article came from, by language: data the readings compile.

Each entry is a regular expression for the words before the publisher's name.
VIA: a publisher the article came through ("republished from X"); FIRST: the
first publisher ("originally published by X"). A first-publication wording
may hold the date between its words ("publicada el 17 de junio de 2015 en X"):
its group `date` is read as the first publication's date.
"""

from __future__ import annotations

_DATE_ES = r"(?:el (?P<date>\d{1,2}(?:º|°)? de \w+ de \d{4}) )?"

VIA: dict[str, tuple[str, ...]] = {
    "en": (
        r"the original source of this article is",
        r"(?:this (?:article|story|post) (?:is |was )?|it is )?(?:republished|reprinted|reposted)(?: here)?"
        r"(?: with permission)? from",
    ),
    "fr": (
        r"la source originale de cet article est",
        r"source originale\s*:",
        r"(?:cet article est )?republié (?:à partir de|depuis)",
    ),
    "es": (r"(?:este artículo (?:es|fue) )?republicado (?:de|desde|a partir de)",),
    "pt": (r"(?:este artigo (?:foi|é) )?republicado (?:do|da|de|a partir d[eoa])",),
    "de": (r"(?:dieser (?:artikel|beitrag) wurde )?(?:übernommen|nachgedruckt) (?:von|aus)",),
    "nl": (r"(?:dit artikel is )?overgenomen (?:van|uit)",),
    "id": (r"(?:artikel ini )?diterbitkan ulang dari",),
}

FIRST: dict[str, tuple[str, ...]] = {
    "en": (r"(?:originally|first) (?:published|appeared|posted|ran)(?: (?:by|in|on|at|with))?",),
    "fr": (
        r"(?:publiée?|parue?) (?:initialement|originellement|d['’]abord|pour la première fois) (?:par|sur|dans|chez)",
        r"(?:initialement|originellement|d['’]abord) (?:été )?(?:publiée?|parue?) (?:par|sur|dans|chez)",
        r"(?:^|(?<=[.!?]\s))(?:cet )?article (?:paru|publié) (?:dans|sur|chez)",
        r"l['’]article original est paru (?:sur|dans)",
    ),
    "es": (
        r"(?:publicad[oa]|aparecid[oa]) (?:originalmente |primero |por primera vez )?"
        + _DATE_ES
        + r"en (?:el diario |la revista |el periódico |el semanario )?",
        r"(?:publicad[oa]|aparecid[oa]) originalmente por",
    ),
    "pt": (
        r"publicad[oa] originalmente (?:em|no|na|pelo|pela)",
        r"(?:publicad[oa]|aparecid[oa]) (?:pela primeira vez|primeiro) (?:em|no|na)",
    ),
    "de": (
        r"(?:zuerst|ursprünglich|erstmals) erschienen (?:in|bei|auf|im)",
        r"erschien (?:zuerst|ursprünglich|erstmals) (?:in|bei|auf|im)",
    ),
    "nl": (
        r"(?:oorspronkelijk|eerder|eerst) verschenen (?:in|op|bij)",
        r"verscheen (?:oorspronkelijk|eerder|eerst) (?:in|op|bij)",
    ),
    "id": (r"(?:terbit|diterbitkan) pertama kali di",),
}


def alternatives(table: dict[str, tuple[str, ...]]) -> str:
    """One regular expression of every language's wordings."""
    return "|".join(f"(?:{w})" for wordings in table.values() for w in wordings)


#: headings of pages that list several stories (a day's posts, a tag or author page, a newsletter)
LIST_HEADINGS: tuple[str, ...] = (
    r"(?:posts|stories|articles|billets|articles?) (?:de|du|from|about|sur|by|par|on|in|tagged)\b.{0,60}",
    r"(?:recent|latest|more|related|top) (?:articles|posts|stories|news)",
    r"showing posts with label\b.*",
    r"(?:tous les billets|all posts|all stories|todas las noticias|últimas noticias|neueste artikel)",
    r"highlighting all of\b.*",
)


#: words of an affiliation in a "Name, Affiliation" credit line (The Conversation's byline, as its
#: republishers print it: "Terry Slevin, Cancer Council Australia")
AFFILIATION_WORDS: tuple[str, ...] = (
    r"universit(?:y|é|ät|ad|ade|as|eit|à)", r"institut(?:e|o)?", r"college", r"school", r"[ée]cole",
    r"cent(?:re|er|ro)", r"muse(?:um|o)", r"musée", r"council", r"h[ôo]spital", r"foundation", r"fondation",
    r"fundaci[óo]n", r"cnrs",
    r"csic", r"inserm", r"laborat(?:ory|oire|orio)", r"acad(?:emy|émie|emia)", r"society", r"agency", r"ministry",
    r"observato(?:ry|ire|rio)", r"professor", r"professeur", r"profesor", r"lecturer", r"researcher", r"chercheuse?",
    r"investigador(?:a)?", r"maître de conférences", r"fellow", r"scientist", r"doctorant(?:e)?", r"phd candidate",
)  # fmt: skip


#: how a text tells the reader to ask for permission ("For permission to reprint this article, please
#: contact: X"): the words asking, then the words of contact; the address after them is the contact
ASK_PERMISSION: dict[str, tuple[str, ...]] = {
    "en": (
        r"for (?:reprint |republication |further )?permissions?\b",
        r"to (?:request|obtain|seek|ask for) (?:reprint |republication )?permission",
        r"permission to (?:reprint|republish|reproduce|re-?post)",
        r"reprint (?:permission|rights|requests)",
    ),
    "fr": (r"pour (?:obtenir|demander) (?:une |l['’]|votre )?autorisation",),
    "es": (r"para (?:solicitar|obtener|pedir) (?:un |el )?(?:permiso|autorización)",),
    "pt": (r"para (?:solicitar|obter|pedir) (?:uma |a )?(?:permissão|autorização)",),
    "de": (r"(?:für|wegen) (?:eine )?(?:nachdruck|abdruck)genehmigung", r"um (?:eine )?genehmigung"),
    "nl": (r"voor toestemming",),
    "cs": (r"(?:abyste získali |chcete-li si |pro )svolení",),
}
CONTACT_WORDS: dict[str, tuple[str, ...]] = {
    "en": (r"contact", r"write to", r"e-?mail", r"send (?:an? )?(?:e-?mail|request|message)"),
    "fr": (r"contact(?:er|ez)", r"écri(?:re|vez)", r"adress(?:er|ez)"),
    "es": (r"contact(?:e|ar|a)", r"escrib(?:a|ir)"),
    "pt": (r"cont[a]?ct(?:e|ar|a)", r"escrev(?:a|er)"),
    "de": (r"wenden sie sich", r"kontaktieren", r"schreiben sie"),
    "nl": (r"neem contact op", r"mail"),
    "cs": (r"kontaktujte", r"napište"),
}
#: months, in the languages above: "Copyright: Project Syndicate, mai 2002" names a month, not a holder
MONTHS: tuple[str, ...] = (
    r"jan(?:uary|vier|eiro|uari)?", r"feb(?:ruary|ruar|ruari)?", r"f[ée]vrier", r"fevereiro", r"march", r"mars",
    r"märz", r"maart", r"april", r"avril", r"abril", r"may", r"mai", r"mayo", r"maio", r"mei", r"june?", r"juin",
    r"junio", r"junho", r"juni", r"july?", r"juillet", r"julio", r"julho", r"juli", r"aug(?:ust|ustus)?", r"ao[uû]t",
    r"agosto", r"sep(?:t|tember)?", r"septembre", r"septiembre", r"setembro", r"oct(?:ober)?", r"octobre",
    r"octubre", r"outubro", r"oktober", r"nov(?:ember)?", r"novembre", r"noviembre", r"novembro",
    r"dec(?:ember)?", r"d[ée]cembre", r"diciembre", r"dezembro", r"dezember", r"enero", r"febrero", r"marzo",
    r"março", r"januar", r"leden", r"únor", r"březen", r"duben", r"květen", r"červen(?:ec)?", r"srpen", r"září",
    r"říjen", r"listopad", r"prosinec",
)  # fmt: skip
