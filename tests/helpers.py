"""What several test files share: the prefix lines of kg's Turtle and the parsers of each format."""

from __future__ import annotations

import os
import shutil

import pyoxigraph as ox
import pytest

from kg.rdf import PREFIXES

#: Turtle prefix declarations for every prefix of the output contract.
TURTLE_PREFIXES = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())

#: Each `--format` name with the name of its parser in pyoxigraph, rdflib and Debian's rapper.
OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nt": "nt", "jsonld": "json-ld"}
# raptor2 has no JSON-LD parser (its "json" parser reads RDF/JSON), so rapper checks the others.
RAPPER_FORMATS = {"ttl": "turtle", "trig": "trig", "nt": "ntriples"}


def rapper() -> str:
    """The rapper binary; CI installs raptor2-utils, elsewhere the test is skipped without it."""
    found = shutil.which("rapper")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("rapper is not installed; .ci/run installs raptor2-utils")
        pytest.skip("rapper (Debian raptor2-utils) is not installed")
    return found
