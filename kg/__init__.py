"""kg: build an RDF knowledge graph of people, organisations, countries and places from news."""

__version__ = "0.1.0"
