"""Relations between the entities of one article, read off the dependency parse.

Each rule is a generator over the parsed article that yields :class:`Relation` records with the
rule's name and a confidence. Rules stay silent when the sentence hedges (a modal, a negation,
an intention verb): a missing edge costs less than a wrong one. The rules live in
:mod:`kg.extract.roles`, :mod:`kg.extract.places` and :mod:`kg.extract.actions`; what they
share, in :mod:`kg.extract.finder`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kg.extract.actions import ActionRules
from kg.extract.mentions import ArticleEntities
from kg.extract.places import PlaceRules
from kg.extract.roles import RoleRules
from kg.records import Relation


class RelationFinder(RoleRules, PlaceRules, ActionRules):
    """Runs every rule over one article; rules share the entity table and the evidence helper."""

    def __init__(self, entities: ArticleEntities) -> None:
        super().__init__(entities)
        self.rules: list[Callable[[], Iterator[Relation]]] = [
            self.find_role_appositions,
            self.find_title_compounds,
            self.find_affiliations,
            self.find_party_members,
            self.find_team_members,
            self.find_birthplaces,
            self.find_native_places,
            self.find_homes,
            self.find_residents,
            self.find_family,
            self.find_named_examples,
            self.find_government_bodies,
            self.find_organization_places,
            self.find_organization_countries,
            self.find_source_cities,
            self.find_place_hierarchy,
            self.find_places_within,
            self.find_killings,
            self.find_leaders,
            self.find_actions,
        ]

    def find_all(self) -> Iterator[Relation]:
        """Every relation the rules find, in rule order."""
        for rule in self.rules:
            yield from rule()
