"""Source lines of monitored broadcasts and datelines of agency reports.

Translations of foreign media (BBC Monitoring, the US Open Source Center and its predecessor FBIS)
head each item with the city of the source, the source and the language of the original:

    PA2904034294 Guatemala City Teleonce Television in Spanish 0400 GMT 26 Apr 94
    LD2804174994 Moscow INTERFAX in English 1601 GMT 28 Apr 94
    NC1404123794 Cairo AL-AHALI in Arabic 6 Apr 94 p 6
    Tokyo NIHON KEIZAI SHIMBUN

NER reads "Guatemala City Teleonce Television" as one organisation; the city and the source are
two names, and the source is based in the city.

Agency reports open with a dateline in capitals, the city and its country or state:

    BANGKOK, Thailand (AP)
    EAST LANSING, Mich.

which the small English pipeline seldom reads as places.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from kg.gazetteer import find_city, find_country, find_us_state

# The capitalised words before "in <Language> [at] HHMM GMT".
_SOURCE_LINE = re.compile(
    r"(?<![\w-])((?:[A-Z](?:[A-Za-z.']|-\w)*\s+){1,9}?)in\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+"
    r"(?:(?:at\s+)?\d{4}\s+GMT\b|\d{1,2}\s+[A-Z][a-z]{2}\s+\d{2}\b)"
)
MAX_CITY_WORDS = 3
# A line of its own: a city and a publication in capitals ("Tokyo NIHON KEIZAI SHIMBUN").
_SOURCE_HEADING = re.compile(
    r"(?m)^[ \t]*([A-Z][a-z]+(?: [A-Z][a-z]+){0,2}) ([A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+){0,4})[ \t]*$"
)
# A line that opens with a place in capitals, a comma and a country or state.
_DATELINE = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}), ([A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})"
    r"(?=[ \t]*(?:\(|--|_|,|$))"
)


def source_lines(doc: Doc) -> list[tuple[Span, Span]]:
    """(city, source) of every source line in ``doc``: the longest run of opening words that
    GeoNames knows as a city, and the rest of the words before "in <Language>"."""
    found: list[tuple[Span, Span]] = []
    text = doc.text  # spaCy joins the tokens again at each reading
    for match in _SOURCE_LINE.finditer(text):
        words = match.group(1).split()
        for size in range(min(MAX_CITY_WORDS, len(words) - 1), 0, -1):
            city = " ".join(words[:size])
            if find_city(city) is None:
                continue
            start = match.start(1)
            city_end = start + len(city)
            source_start = text.index(words[size], city_end)
            source_end = match.start(1) + len(match.group(1).rstrip())
            city_span = doc.char_span(start, city_end, label="GPE")
            source_span = doc.char_span(source_start, source_end, label="ORG")
            if city_span is not None and source_span is not None:
                found.append((city_span, source_span))
            break
    for match in _SOURCE_HEADING.finditer(text):
        words = match.group(2).lower().split()
        if find_city(match.group(1)) is None or len("".join(words)) < 3 or STOP_WORDS & set(words):
            continue  # not "Paris JUST NOW"
        city_span = doc.char_span(match.start(1), match.end(1), label="GPE")
        source_span = doc.char_span(match.start(2), match.end(2), label="ORG")
        if city_span is not None and source_span is not None:
            found.append((city_span, source_span))
    return found


def datelines(doc: Doc) -> list[tuple[Span, Span]]:
    """(place, country or state) of every dateline in ``doc``: "BANGKOK, Thailand (AP)"."""
    found: list[tuple[Span, Span]] = []
    for match in _DATELINE.finditer(doc.text):
        place, region = match.group(1), match.group(2)
        if len(place.replace(" ", "")) < 3 or not (find_country(region) or find_us_state(region)):
            continue
        place_span = doc.char_span(match.start(1), match.end(1), label="GPE")
        region_span = doc.char_span(match.start(2), match.end(2), label="GPE")
        if place_span is not None and region_span is not None:
            found.append((place_span, region_span))
    return found
