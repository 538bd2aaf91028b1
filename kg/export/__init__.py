"""Exporters that turn a built RDF knowledge graph into files for people and other tools."""
