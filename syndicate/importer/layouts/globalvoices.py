"""Global Voices and its Lingua editions (French, Spanish, Portuguese, ...): "Written by X",
"Translated by Y" ("Traduit par", "Traducido por"), a note dating the original post, and the
site's appeals.

Global Voices publishes under CC BY 3.0; a copy states it in its footer ("This
work is licensed under a Creative Commons Attribution 3.0 License"), which the
generic reading takes; without it no licence is picked. A translator is not an author.
"""

from __future__ import annotations

import syndicate.importer.layouts.generic as generic
from syndicate.importer.layout_model import chrome

LAYOUT = generic.outlet(
    name="globalvoices",
    markers=(
        r"We translate Global Voices stories",
        r"Learn more about Global Voices",
        r"\bGlobal Voices en (?:Français|Español)\b",
        r"paru sur Global Voices",
        r"originally (?:published|appeared) on (?:\[)?Global Voices",
    ),
    chrome=(
        chrome(
            "the site's appeals",
            r"^See all those languages up there\?",
            r"^Learn more about (?:Lingua Translation|Global Voices)",
            r"^Our work building bridges across cultures",
            r"^Donate now",
            r"^Close$",
            r"^Toutes les langues dans lesquelles nous traduisons",
        ),
        chrome("translator's credit", r"^(?:Translated by|Traduit par|Traducido por|Traduzido por)\b"),
    ),
)
