"""Extraction rules, one table per rule: sentence → the facts a reader would expect (and no others
of that kind)."""

from __future__ import annotations

import pytest
from rdflib import Literal

from kg.documents import document_id
from kg.extract import extract_article
from kg.nlp import load_pipeline
from kg.records import ArticleExtraction, Document


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def extract(nlp, text: str) -> ArticleExtraction:
    document = Document(id=document_id(text), source="test.txt", text=text)
    return extract_article(nlp(text), document)


def facts(nlp, text: str) -> set[tuple[str, str, str]]:
    """(subject name, property, object name or literal) of every relation in ``text``."""
    extraction = extract(nlp, text)
    names = {e.key: e.name for e in extraction.entities}
    return {
        (
            names[r.subject],
            r.predicate.split("#")[1],
            str(r.object) if isinstance(r.object, Literal) else names[r.object],
        )
        for r in extraction.relations
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Yun Sun, director of the China program at the Stimson Center, a Washington think tank, "
            "told the Journal.",
            {
                ("Yun Sun", "worksFor", "Stimson Center"),
                ("Yun Sun", "holdsPosition", "director of the China program"),
                ("Stimson Center", "basedIn", "Washington"),
            },
        ),
        (
            "Mark Swanson, a Newsmax writer and editor, has nearly three decades of experience.",
            {("Mark Swanson", "worksFor", "Newsmax"), ("Mark Swanson", "holdsPosition", "writer and editor")},
        ),
        (
            "Wang Xiaohong, China's minister of public security, has been making inquiries.",
            {
                ("Wang Xiaohong", "ministerOf", "China"),
                ("Wang Xiaohong", "holdsPosition", "minister of public security"),
                ("Wang Xiaohong", "headOf", "Ministry of Public Security"),
                ("Ministry of Public Security", "partOf", "China"),
            },
        ),
        (
            "In recent days, China's minister of public security, Wang Xiaohong, has asked the Trump "
            "administration what it wants.",
            {
                ("Wang Xiaohong", "ministerOf", "China"),
                ("Wang Xiaohong", "holdsPosition", "minister of public security"),
            },
        ),
    ],
)
def test_apposition_roles(nlp, text, expected):
    assert expected <= facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Treasury Secretary Scott Bessent spoke on Monday.",
            {("Scott Bessent", "holdsPosition", "Treasury Secretary")},
        ),
        ("President Donald Trump spoke on Monday.", {("Donald Trump", "holdsPosition", "President")}),
        (
            "German Chancellor Angela Merkel met reporters in Berlin.",
            {
                ("Angela Merkel", "holdsPosition", "Chancellor"),
                ("Angela Merkel", "headOfGovernment", "Germany"),
                ("Angela Merkel", "citizenOf", "Germany"),
            },
        ),
        ("US actor Tom Hanks is working on a film.", {("Tom Hanks", "citizenOf", "United States")}),
        (
            "EU Energy Commissioner Andris Piebalgs urged leaders to commit to Nabucco.",
            {("Andris Piebalgs", "worksFor", "EU")},
        ),
        (
            "Gazprom CEO Alexei Miller told the media in Tokyo.",
            {("Alexei Miller", "headOf", "Gazprom"), ("Alexei Miller", "holdsPosition", "Gazprom CEO")},
        ),
    ],
)
def test_title_compounds(nlp, text, expected):
    assert expected <= facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "In 2004, the Supreme Court of India directed the state government.",
            ("Supreme Court of India", "India"),
        ),
        (
            "Funke Kupper left the board of Tabcorp, Australia's largest bookmaker, which is under inquiry.",
            ("Tabcorp", "Australia"),
        ),
        (
            "Kerry laid wreaths at the offices of French satirical magazine Charlie Hebdo on Sunday.",
            ("Charlie Hebdo", "France"),
        ),
    ],
)
def test_where_organisations_are_based(nlp, text, expected):
    assert (expected[0], "basedIn", expected[1]) in facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Siemens, headquartered in Munich, said profits rose.", ("Siemens", "Munich")),
        (
            "Do political parties like the leftist Podemos in Spain or Syriza in Greece have a function?",
            ("Syriza", "Greece"),
        ),
    ],
)
def test_where_organisations_are_based_more(nlp, text, expected):
    assert (expected[0], "basedIn", expected[1]) in facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mayor Michael Müller (SPD) opened the mosque.", ("Michael Müller", "SPD")),
        (
            "The vice-president of the Bundestag, Petra Pau (of the Left Party), came.",
            ("Petra Pau", "Left Party"),
        ),
        (
            "The vote could weaken German Chancellor Angela Merkel's Christian Democratic Union, DW learned.",
            ("Angela Merkel", "Christian Democratic Union"),
        ),
        (
            "Chancellor Angela Merkel spoke at the council of her party, the Christian Democratic Union.",
            ("Angela Merkel", "Christian Democratic Union"),
        ),
    ],
)
def test_party_members(nlp, text, expected):
    assert (expected[0], "memberOf", expected[1]) in facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Bosnia's capital, Sarajevo, is best known as the site of the assassination.",
            ("Sarajevo", "Bosnia"),
        ),
        ("Denison, Texas, is small.", ("Denison", "Texas")),
    ],
)
def test_places_within_places(nlp, text, expected):
    assert (expected[0], "locatedIn", expected[1]) in facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Photographer Gordon Parks, 76, born in Fort Scott, Kan., joined Life.",
            ("Gordon Parks", "Fort Scott"),
        ),
        (
            "You pass through Rolling Fork, where Muddy Waters was born, close to Greenville.",
            ("Muddy Waters", "Rolling Fork"),
        ),
        ("Composer Thomas Smith is a native of Chisholm, Minn.", ("Thomas Smith", "Chisholm")),
    ],
)
def test_birthplaces(nlp, text, expected):
    found = facts(nlp, text)
    assert (expected[0], "bornIn", expected[1]) in found
    assert (expected[0], "livesIn", expected[1]) not in found  # born there is not living there


@pytest.mark.parametrize(
    "text, killed",
    [
        ("Adamson was convicted of the murder of Don Bolles in 1977.", True),
        ("John Smith was charged with the murder of Jane Doe.", False),
        ("And William McKinley's assassin Leon Czolgosz croons a ballad.", True),
    ],
)
def test_killing_rules(nlp, text, killed):
    """The rules alone (the sentence classifier aside): a conviction or an assassin names the
    killer, a charge does not."""
    from kg.extract.mentions import ArticleEntities
    from kg.extract.relations import RelationFinder

    finder = RelationFinder(ArticleEntities(nlp(text)))
    assert any(r.predicate.endswith("#killed") for r in finder.find_killings()) is killed


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Julie Christie married Duncan Campbell in 2008.",
            {
                ("Julie Christie", "spouseOf", "Duncan Campbell"),
                ("Duncan Campbell", "spouseOf", "Julie Christie"),
            },
        ),
        (
            "Bob Dole said his wife Elizabeth Dole would run.",
            {("Elizabeth Dole", "spouseOf", "Bob Dole"), ("Bob Dole", "spouseOf", "Elizabeth Dole")},
        ),
        (
            "Omar Khadr's attorneys said his father, Ahmed Said Khadr, had brought the family to Pakistan.",
            {("Ahmed Said Khadr", "parentOf", "Omar Khadr"), ("Omar Khadr", "childOf", "Ahmed Said Khadr")},
        ),
    ],
)
def test_family(nlp, text, expected):
    assert expected <= facts(nlp, text)


def test_a_person_of_a_country_is_its_citizen(nlp):
    found = facts(
        nlp, "One of Warner's lawyers, Andrew Hall of Miami, confirmed it. Ken Smith of Ireland agreed."
    )
    assert ("Andrew Hall", "livesIn", "Miami") in found
    assert ("Ken Smith", "citizenOf", "Ireland") in found


def test_a_negated_sentence_gives_the_classifier_nothing(nlp):
    assert not {f for f in facts(nlp, "Obama was not born in Kenya.") if f[2] == "Kenya"}


def test_a_country_never_lies_in_another_country(nlp):
    text = "Do political parties like the leftist Podemos in Spain or Syriza in Greece have a function?"
    assert not {f for f in facts(nlp, text) if f[1] == "locatedIn"}


def test_a_company_acting_in_a_country_is_not_based_there(nlp):
    text = "This is the largest deal for Spicejet and the largest for Boeing in India, the chairman said."
    assert ("Boeing", "basedIn", "India") not in facts(nlp, text)


def test_a_city_is_not_put_in_the_wrong_country(nlp):
    text = "Protesters gathered in Berlin's Alexanderplatz and later in Paris, Germany."
    assert ("Paris", "locatedIn", "Germany") not in facts(nlp, text)


def test_a_known_organisation_is_one_whatever_ner_says(nlp):
    """The small pipeline reads "Bundestag" as a product and "Greens" as a nationality."""
    entities = {e.name: e for e in extract(nlp, "The Greens asked the Bundestag to vote again.").entities}
    assert entities["Bundestag"].cls.endswith("#GovernmentBody")
    assert entities["Greens"].cls.endswith("#PoliticalParty")


def test_an_organisation_named_after_a_description_is_no_person(nlp):
    """ "Canadian auto parts manufacturer Magna": a company, so no citizen of Canada."""
    text = "Opel will be sold to Canadian auto parts manufacturer Magna, officials said."
    extraction = extract(nlp, text)
    magna = next(e for e in extraction.entities if e.name == "Magna")
    assert not magna.cls.endswith("#Person")
    assert ("Magna", "citizenOf", "Canada") not in facts(nlp, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("From the outset, Trump has blamed China for the fentanyl crisis.", ("Trump", "blamed", "China")),
        (
            "The Trump administration has accused China of dragging its feet.",
            ("Trump administration", "accused", "China"),
        ),
        (
            "Treasury Secretary Scott Bessent told Fox Business Network that talks would start.",
            ("Scott Bessent", "told", "Fox Business Network"),
        ),
        (
            "Angela Merkel met with Emmanuel Macron in Paris on Monday.",
            ("Angela Merkel", "metWith", "Emmanuel Macron"),
        ),
        (
            "John Wilkes Booth, who assassinated President Lincoln, was an actor.",
            ("John Wilkes Booth", "killed", "Lincoln"),
        ),
        ("Angela Merkel, who leads the CDU, spoke on Monday.", ("Angela Merkel", "headOf", "CDU")),
        (
            "Chinese President Xi Jinping met his South African counterpart Jacob Zuma in Durban.",
            ("Jacob Zuma", "headOfState", "South Africa"),
        ),
        (
            "Russian Prime Minister Vladimir Putin and his Japanese counterpart Taro Aso met in Tokyo.",
            ("Taro Aso", "headOfGovernment", "Japan"),
        ),
    ],
)
def test_actions_between_actors(nlp, text, expected):
    assert expected in facts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Wang could meet with Trump administration officials in the U.S. next week.",
        "Trump did not blame China for the crisis.",
        "If Trump blames China, talks will stall.",
    ],
)
def test_hedged_actions_are_not_facts(nlp, text):
    assert not {f for f in facts(nlp, text) if f[1] in {"metWith", "blamed"}}


def test_tariff_event_with_rate_date_and_target(nlp):
    text = "In February, Trump, 78, imposed an initial 10% tariff on Chinese goods, citing the crisis."
    extraction = extract(nlp, text)
    found = facts(nlp, text)
    assert ("Trump", "imposedTariffOn", "China") in found
    event = next(e for e in extraction.entities if e.cls.endswith("TariffEvent"))
    roles = {r.predicate.split("#")[1]: r.object for r in extraction.relations if r.subject == event.key}
    assert roles["ratePercent"] == Literal("10", datatype=roles["ratePercent"].datatype)
    assert str(roles["ratePercent"].datatype).endswith("#decimal")
    assert str(roles["dateText"]) == "February"


def test_tariff_with_pronoun_imposer_and_country_description(nlp):
    text = (
        "President Trump spoke on Monday. China wants to see softening from Trump on the 145% "
        "tariffs he has slapped on the country, according to the report."
    )
    assert ("Trump", "imposedTariffOn", "China") in facts(nlp, text)


def test_threatened_tariff_is_not_imposed(nlp):
    text = "Trump threatened to impose a 25% tariff on Mexican goods."
    assert not {f for f in facts(nlp, text) if f[1] == "imposedTariffOn"}


def test_government_body_from_possessive(nlp):
    text = "China's commerce ministry said it was evaluating an offer."
    assert ("Ministry of Commerce", "partOf", "China") in facts(nlp, text)


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "President Donald Trump spoke. Trump said talks went well. President Trump left.",
            {"Donald Trump": {"Trump", "President Trump", "President Donald Trump"}},
        ),
        (
            "The Wall Street Journal reported Friday. The WSJ said more. Sun told the Journal.",
            {"Wall Street Journal": {"WSJ", "Journal"}},
        ),
        (
            "The U.S. and the United States and America and the US.",
            {"United States": {"U.S.", "America", "US"}},
        ),
        ("Wang Xiaohong spoke first. Later Wang met officials.", {"Wang Xiaohong": {"Wang"}}),
        (
            "The EU Commission said on Monday it would act. The European Commission later agreed.",
            {"European Commission": {"EU Commission"}},
        ),
        (
            "The SPD said on Monday it would not join. The Social Democratic Party of Germany has 150 seats.",
            {"Social Democratic Party of Germany": {"SPD"}},
        ),
        (
            "The Council of Europe met in Strasbourg on Monday. The Council said it was worried.",
            {"Council of Europe": {"Council"}},
        ),
        (
            "Bayern Munich won again on Saturday. Bayern have now won ten games in a row. Coach "
            "Guardiola praised Bayern.",
            {"Bayern Munich": {"Bayern"}},
        ),
    ],
)
def test_one_entity_per_thing_in_an_article(nlp, text, names):
    entities = {e.name: e for e in extract(nlp, text).entities}
    for name, forms in names.items():
        assert name in entities, sorted(entities)
        assert forms <= entities[name].forms
        others = [e for e in entities.values() if e.name != name and e.forms & forms]
        assert not others


def test_a_city_in_a_name_is_not_the_name(nlp):
    """ "Berlin" of "Berlin Philharmonic" and "EU" of "EU Enlargement" stay their own things."""
    text = (
        "The Berlin Philharmonic played in Berlin on Sunday. The EU Enlargement report came out. "
        "The EU said it was pleased."
    )
    entities = {e.name: e for e in extract(nlp, text).entities}
    assert "Berlin" in entities and "Berlin Philharmonic" in entities
    assert "EU" in entities


def test_well_known_party_is_a_political_party(nlp):
    entities = {e.name: e for e in extract(nlp, "Hungary's ruling Fidesz won the vote on Sunday.").entities}
    assert entities["Fidesz"].cls.endswith("#PoliticalParty")


@pytest.mark.parametrize(
    "name, country",
    [
        ("East Germany", "East Germany"),
        ("GDR", "East Germany"),
        ("USSR", "Soviet Union"),
        ("Yugoslavia", "Yugoslavia"),
    ],
)
def test_former_countries_are_countries(nlp, name, country):
    text = f"In 1985, {name} signed the treaty with Poland."
    countries = {e.name for e in extract(nlp, text).entities if e.cls.endswith("#Country")}
    assert country in countries


def test_common_word_at_sentence_start_is_not_a_person(nlp):
    text = '"Fentanyl can be the icebreaker," Yun Sun said. The fentanyl crisis goes on.'
    people = {e.name for e in extract(nlp, text).entities if e.cls.endswith("#Person")}
    assert "Fentanyl" not in people
    assert "Yun Sun" in people


def test_evidence_offsets_point_at_the_sentence(nlp):
    text = "Nothing here.\nMark Swanson, a Newsmax writer, wrote it."
    extraction = extract(nlp, text)
    relation = next(r for r in extraction.relations if r.predicate.endswith("worksFor"))
    assert text[relation.start_char : relation.end_char] == relation.sentence
    assert relation.sentence == "Mark Swanson, a Newsmax writer, wrote it."


@pytest.mark.parametrize(
    "text",
    [
        "Wang Xiaohong, China's minister of public security, has been making inquiries, the Wall Street "
        "Journal reported Friday.",
        "According to Reuters, Wang Xiaohong, China's minister of public security, made inquiries.",
    ],
)
def test_facts_attributed_to_the_outlet_that_reported_them(nlp, text):
    extraction = extract(nlp, text)
    names = {e.key: e.name for e in extraction.entities}
    minister = next(r for r in extraction.relations if r.predicate.endswith("ministerOf"))
    assert minister.reported_by is not None
    assert names[minister.reported_by] in {"Wall Street Journal", "Reuters"}


def test_a_fact_not_attributed_has_no_reporter(nlp):
    extraction = extract(nlp, "Trump has blamed China for the fentanyl crisis.")
    assert all(r.reported_by is None for r in extraction.relations)


@pytest.mark.parametrize(
    "text, expected, unexpected",
    [
        (
            "Moses Asonya, a retired Ugandan athlete, has embarked on a journey.",
            ("Asonya", "citizenOf", "Uganda"),
            ("Asonya", "memberOf", "Ugandan"),
        ),
        (
            "In February, Italy's former military intelligence chief, Nicolo Pollari, was sentenced.",
            ("Nicolo Pollari", "citizenOf", "Italy"),
            ("Nicolo Pollari", "officialOf", "Italy"),
        ),
        (
            "Michael Quante, director of the German Society for Philosophy, explained the idea.",
            ("Michael Quante", "headOf", "German Society for Philosophy"),
            None,
        ),
        (
            "Yun Sun, director of the China program at the Stimson Center, said so.",
            ("Yun Sun", "worksFor", "Stimson Center"),
            ("Yun Sun", "headOf", "Stimson Center"),
        ),
        (
            "In 1972, the US magazine Newsweek commented on the concert.",
            ("Newsweek", "basedIn", "United States"),
            None,
        ),
        (
            "Real Madrid midfielder Mesut Özil was the only German player on the list.",
            ("Mesut Özil", "memberOf", "Real Madrid"),
            ("Mesut Özil", "memberOf", "Real"),
        ),
        (
            "Augsburg's new coach Markus Weinzierl will be watching that game keenly.",
            ("Markus Weinzierl", "worksFor", "Augsburg"),
            None,
        ),
        (
            "Bayern Munich beat Schalke on Saturday. Bayern striker Robert Lewandowski scored twice.",
            ("Robert Lewandowski", "memberOf", "Bayern Munich"),
            ("Robert Lewandowski", "memberOf", "Bayern"),
        ),
    ],
)
def test_roles_nationalities_and_clubs(nlp, text, expected, unexpected):
    found = facts(nlp, text)
    assert expected in found
    assert unexpected not in found


def test_a_club_named_by_its_city_before_a_position_is_an_organisation(nlp):
    entities = {e.name: e for e in extract(nlp, "Dortmund keeper Roman Weidenfeller was the hero.").entities}
    assert not entities["Dortmund"].cls.endswith(("#City", "#Place"))
    assert ("Roman Weidenfeller", "memberOf", "Dortmund") in facts(
        nlp, "Dortmund keeper Roman Weidenfeller was the hero."
    )


def test_a_nationality_word_is_a_surface_form_of_its_country(nlp):
    """ "Soviet historian Roy Medvedev": the Soviet Union's node can be found as "Soviet"."""
    extraction = extract(nlp, "The order was disclosed in a work by dissident Soviet historian Roy Medvedev.")
    union = next(e for e in extraction.entities if e.name == "Soviet Union")
    assert "Soviet" in union.forms
    assert not any(e.name == "Soviet" for e in extraction.entities)


def test_ner_running_into_of_is_trimmed(nlp):
    text = "Nabucco currently has six shareholders -- OMV of Austria, MOL of Hungary and RWE of Germany."
    names = {e.name for e in extract(nlp, text).entities}
    assert "OMV" in names
    assert not any(name.endswith(" of") for name in names)


def test_a_state_lies_in_the_one_country_of_the_article_that_has_it(nlp):
    """ISO 3166-2 names the states; Limburg is a province of Belgium and of the Netherlands, so
    the article decides."""
    assert ("Uttar Pradesh", "locatedIn", "India") in facts(
        nlp, "Floods hit Uttar Pradesh on Monday, officials in India said."
    )
    one = facts(nlp, "Floods hit the province of Limburg on Monday, officials in Belgium said.")
    assert ("Limburg", "locatedIn", "Belgium") in one
    both = facts(
        nlp, "Floods hit the province of Limburg on Monday, officials in Belgium and the Netherlands said."
    )
    assert not any(s == "Limburg" and p == "locatedIn" for s, p, _ in both)


def test_a_well_known_organisation_is_based_in_its_country_when_the_article_names_it(nlp):
    text = "Merkel spoke in the Bundestag on Monday. Germany will vote next year."
    assert ("Bundestag", "basedIn", "Germany") in facts(nlp, text)
    assert ("Bundestag", "partOf", "Germany") in facts(nlp, text)
    # No country named: nothing said about where it is.
    assert not any(p == "basedIn" for _, p, _ in facts(nlp, "Merkel spoke in the Bundestag on Monday."))


def test_a_news_agency_credited_in_a_byline_says_nothing(nlp):
    text = "Talks in France ended on Monday without a deal.\n\njlw / kms (AP, AFP, dpa)\n"
    assert not any(s == "AFP" and p == "basedIn" for s, p, _ in facts(nlp, text))
    said = "Talks in France ended on Monday, AFP reported."
    assert ("AFP", "basedIn", "France") in facts(nlp, said)


def test_a_university_named_for_another_country_is_not_based_there(nlp):
    text = "Joseph Cicippio was comptroller at the American University of Beirut when he was kidnapped."
    assert not any(s == "American University of Beirut" and p == "basedIn" for s, p, _ in facts(nlp, text))


def test_a_city_written_with_its_state_keeps_that_form(nlp):
    """American news names a city with its state ("Portland, Ore."); that is a name of the city."""
    text = "One of Warner's lawyers, Andrew Hall of Miami, Fla., confirmed Tuesday that Warner will settle."
    miami = next(e for e in extract(nlp, text).entities if e.name == "Miami")
    assert "Miami, Fla." in miami.forms


def test_the_classifier_puts_no_city_in_another_city(nlp):
    text = (
        "An urgent call for help went out both from last month's Western economic summit in Paris and "
        "from Monday's meeting in Brussels of 24 concerned nations."
    )
    assert not any(p == "locatedIn" and {s, o} == {"Paris", "Brussels"} for s, p, o in facts(nlp, text))


def test_a_member_of_a_national_party_is_a_citizen_of_its_country(nlp):
    text = "Germany's parliament met on Monday. Sigmar Gabriel, a member of the SPD, spoke first."
    found = facts(nlp, text)
    party = next(o for s, p, o in found if s == "Sigmar Gabriel" and p == "memberOf")
    assert (party, "basedIn", "Germany") in found
    assert ("Sigmar Gabriel", "citizenOf", "Germany") in found


def test_a_city_named_in_an_article_about_its_club_is_the_club(nlp):
    text = "Borussia Dortmund beat Schalke 2-1 on Saturday. Dortmund now lead the table by four points."
    names = {e.name for e in extract(nlp, text).entities}
    assert "Borussia Dortmund" in names and "Dortmund" not in names


def test_a_deputy_secretary_serves_the_government_without_being_its_minister(nlp):
    found = facts(nlp, "US Deputy Assistant Secretary of State Matthew Bryza said the summit went well.")
    assert ("Matthew Bryza", "officialOf", "United States") in found
    assert ("Matthew Bryza", "ministerOf", "United States") not in found


def test_a_title_before_a_possessive_name_is_read(nlp):
    text = "Diplomacy still stood a chance, as shown by US Secretary of State John Kerry's Middle East tour."
    found = facts(nlp, text)
    assert ("John Kerry", "ministerOf", "United States") in found
    assert not any(s == "Middle East" for s, _, _ in found)


def test_a_noble_title_of_a_place_names_a_person(nlp):
    extraction = extract(nlp, "Britain's Duchess of York topped the list.")
    duchess = next(e for e in extraction.entities if e.name == "Duchess of York")
    assert duchess.cls.endswith("#Person")
    assert not any(r.predicate.endswith("#locatedIn") for r in extraction.relations)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Green Party co-leader Cem Özdemir, who spearheaded the vote, has received threats.",
            ("Cem Özdemir", "memberOf", "Green Party"),
        ),
        (
            "Now she is encouraging the new president of the European Parliament, Jerzy Buzek, to act.",
            ("Jerzy Buzek", "headOf", "European Parliament"),
        ),
    ],
)
def test_roles_the_parser_splits(nlp, text, expected):
    assert expected in facts(nlp, text)


def test_a_coach_titled_with_the_city_of_a_club_in_the_article_works_for_the_club(nlp):
    text = "Borussia Dortmund were given a tough group on Thursday. Dortmund coach Jürgen Klopp was calm."
    assert ("Jürgen Klopp", "worksFor", "Borussia Dortmund") in facts(nlp, text)
    assert "Dortmund" not in {e.name for e in extract(nlp, text).entities}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Harrington, a professor, died Monday night at his home in suburban Larchmont.",
            ("Harrington", "livesIn", "Larchmont"),
        ),
        (
            "Cem Özdemir is under police protection and has boosted security around his Berlin home.",
            ("Cem Özdemir", "livesIn", "Berlin"),
        ),
    ],
)
def test_a_persons_home_is_where_they_live(nlp, text, expected):
    assert expected in facts(nlp, text)


def test_a_home_searched_in_a_city_is_nobodys_residence(nlp):
    assert not any(
        p == "livesIn" for _, p, _ in facts(nlp, "Police searched the home of the suspect in Berlin.")
    )


@pytest.mark.parametrize(
    "text, source, city",
    [
        (
            "PA2904034294 Guatemala City Teleonce Television in Spanish 0400 GMT 26 Apr 94",
            "Teleonce Television",
            "Guatemala City",
        ),
        ("LD2804174994 Moscow INTERFAX in English 1601 GMT 28 Apr 94", "INTERFAX", "Moscow"),
        (
            "(Editorial Report) Panama City Circuito RPC Television in Spanish at 0200 GMT on 9 March",
            "Circuito RPC Television",
            "Panama City",
        ),
    ],
)
def test_the_source_line_of_a_monitored_report_names_the_source_and_its_city(nlp, text, source, city):
    extraction = extract(nlp, text)
    names = {e.name: e for e in extraction.entities}
    assert names[source].cls.endswith("#NewsOrganization")
    assert (source, "basedIn", city) in facts(nlp, text)


@pytest.mark.parametrize(
    "text, place, region",
    [
        ("BANGKOK, Thailand (AP)\nPolice arrested ten men on Monday.", "Bangkok", "Thailand"),
        ("HIGH ISLAND, Texas (AP) _ A storm hit the coast.", "HIGH ISLAND", "Texas"),
        ("EAST LANSING, Mich.\nA fire broke out on Monday.", "East Lansing", "Michigan"),
    ],
)
def test_a_dateline_in_capitals_names_a_place_in_its_region(nlp, text, place, region):
    assert (place, "locatedIn", region) in facts(nlp, text)


def test_a_heading_in_capitals_is_no_dateline(nlp):
    text = "E.ON, RWE and Vattenfall sue German government\n\nThe companies want compensation."
    assert not any(p == "locatedIn" for _, p, _ in facts(nlp, text))


def test_the_kind_of_place_is_not_part_of_its_name(nlp):
    names = {
        e.name
        for e in extract(
            nlp, "This small mosque in Berlin's Moabit district celebrates its anniversary."
        ).entities
    }
    assert "Moabit" in names and "Moabit district" not in names


def test_a_name_with_an_age_is_a_person_living_in_the_town_and_state_given(nlp):
    text = "Marie Magdefrau Ferraro, 50, of Bethany, Conn., was shot to death Thursday."
    found = facts(nlp, text)
    ferraro = next(e for e in extract(nlp, text).entities if e.name == "Marie Magdefrau Ferraro")
    assert ferraro.cls.endswith("#Person")
    assert ("Marie Magdefrau Ferraro", "livesIn", "Bethany") in found
    assert ("Marie Magdefrau Ferraro", "livesIn", "Connecticut") in found


@pytest.mark.parametrize(
    "text, source, city",
    [
        ("NC1404123794 Cairo AL-AHALI in Arabic 6 Apr 94 p 6", "AL-AHALI", "Cairo"),
        ("Tokyo NIHON KEIZAI SHIMBUN", "NIHON KEIZAI SHIMBUN", "Tokyo"),
        ("At a briefing at NRC headquarters in nearby Rockville, Md., Bernero spoke.", "NRC", "Rockville"),
    ],
)
def test_where_a_publication_or_agency_is(nlp, text, source, city):
    assert (source, "basedIn", city) in facts(nlp, text)


def test_a_heading_of_common_words_in_capitals_is_no_source(nlp):
    assert not any(
        p == "basedIn" for _, p, _ in facts(nlp, "Paris JUST NOW\nSomething happened in the city.")
    )


def test_a_news_agency_set_beside_a_role_stays_an_organisation(nlp):
    text = (
        "In an interview with Interfax the chief of Belarus's Security Committee, Eduard Shirkovskiy, spoke."
    )
    extraction = extract(nlp, text)
    interfax = next(e for e in extraction.entities if e.name == "Interfax")
    assert interfax.cls.endswith("#NewsOrganization")
    assert not any(s == "Interfax" and p == "headOf" for s, p, _ in facts(nlp, text))


def test_a_birthplace_is_nobody_elses_home(nlp):
    found = facts(nlp, "Dole's wife, Elizabeth, is a native of Salisbury, N.C.")
    assert ("Elizabeth", "bornIn", "Salisbury") in found
    assert not any(p == "livesIn" and o == "Salisbury" for _, p, o in found)


def test_an_organisation_of_a_country_is_also_known_without_it(nlp):
    extraction = extract(nlp, "In 2004, the Supreme Court of India directed the state government to act.")
    court = next(e for e in extraction.entities if e.name == "Supreme Court of India")
    assert "Supreme Court" in court.forms


@pytest.mark.parametrize(
    "text, expected, unexpected",
    [
        (
            "Australia will send more troops. Prime Minister Tony Abbott told parliament on "
            "Thursday that Australia would not stand by.",
            {("Tony Abbott", "headOfGovernment", "Australia"), ("Tony Abbott", "citizenOf", "Australia")},
            set(),
        ),
        (
            "Bavaria votes on Sunday. State premier Guenther Beckstein said Germany's economy is "
            "strong and Germany will grow.",
            {("Guenther Beckstein", "citizenOf", "Germany")},
            {("Guenther Beckstein", "headOfGovernment", "Germany")},
        ),
        (
            "Prime Minister Tony Abbott met officials from France, Germany and Italy.",
            set(),
            {("Tony Abbott", "headOfGovernment", "France")},
        ),
    ],
)
def test_a_title_without_a_country_is_held_in_the_country_of_the_article(nlp, text, expected, unexpected):
    found = facts(nlp, text)
    assert expected <= found
    assert not unexpected & found


def test_a_person_at_a_research_institute_works_there(nlp):
    found = facts(nlp, "In mechanics, Wang Ziqiang at the Institute of Mechanics has made headway.")
    assert ("Wang Ziqiang", "worksFor", "Institute of Mechanics") in found
    visit = extract(nlp, "Barack Obama at the United Nations called for calm.")
    assert not any(r.rule == "person-at-workplace" for r in visit.relations)


def test_an_accused_assassin_killed_nobody_on_the_rules_word(nlp):
    from kg.extract.mentions import ArticleEntities
    from kg.extract.relations import RelationFinder

    text = (
        "A jury found Jack Ruby guilty of murdering Lee Harvey Oswald, the accused assassin of "
        "President Kennedy."
    )
    finder = RelationFinder(ArticleEntities(nlp(text)))
    killings = {(r.subject, r.object) for r in finder.find_killings()}
    assert ("lee harvey oswald", "kennedy") not in killings


@pytest.mark.parametrize(
    "text, place, region",
    [
        ("The agency reported from Yerevan, the capital of Armenia.", "Yerevan", "Armenia"),
        ("A fire charred much of Lowman, a small resort town in Idaho.", "Lowman", "Idaho"),
    ],
)
def test_a_place_described_as_a_town_or_capital_lies_where_it_says(nlp, text, place, region):
    extraction = extract(nlp, text)
    classes = {e.name: e.cls.split("#")[1] for e in extraction.entities}
    assert classes[place] in {"City", "Place"}
    assert (place, "locatedIn", region) in facts(nlp, text)


def test_a_state_abbreviation_is_not_a_short_name_of_an_organisation(nlp):
    text = "Marie Ferraro, 50, of Bethany, Conn., was shot at a van of the Connecticut Audubon Society."
    found = facts(nlp, text)
    assert ("Marie Ferraro", "livesIn", "Connecticut") in found
    assert ("Bethany", "locatedIn", "Connecticut") in found


@pytest.mark.parametrize(
    "text, organization, country",
    [
        (
            "A memorandum was signed between Russian energy giant Gazprom and its partners.",
            "Gazprom",
            "Russia",
        ),
        (
            "While rivals invest more in apps, Germany's Adidas has been slow on the uptake.",
            "Adidas",
            "Germany",
        ),
    ],
)
def test_a_known_company_ner_calls_a_place_or_person_is_a_company(nlp, text, organization, country):
    extraction = extract(nlp, text)
    classes = {e.name: e.cls.split("#")[1] for e in extraction.entities}
    assert classes[organization] == "Organization"
    assert (organization, "basedIn", country) in facts(nlp, text)


def test_a_known_company_name_that_is_a_persons_name_in_the_article_stays_the_person(nlp):
    from spacy.tokens import Span

    from kg.nlp import relabel_known_organizations

    doc = nlp.make_doc("Chelsea Clinton spoke. Chelsea said no. Adidas grew.")
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 4, 5, "PERSON"), Span(doc, 8, 9, "PERSON")]
    labels = [(e.text, e.label_) for e in relabel_known_organizations(doc).ents]
    assert labels == [("Chelsea Clinton", "PERSON"), ("Chelsea", "PERSON"), ("Adidas", "ORG")]


def test_a_city_name_two_named_countries_have_is_put_in_neither(nlp):
    alone = facts(nlp, "CeBIT opened in the German city of Hanover. Germany hopes for more visitors.")
    assert ("Hanover", "locatedIn", "Germany") in alone
    both = facts(
        nlp,
        "The fair opened in Hanover on Monday. Visitors came from Germany and the United States.",
    )
    assert not any(s == "Hanover" and p == "locatedIn" for s, p, _ in both)


def test_a_city_named_before_a_team_position_is_the_club_throughout_the_article(nlp):
    text = (
        "Just before half-time, Dortmund's homegrown Lars Ricken scored the winner. Dortmund "
        "keeper Roman Weidenfeller was the hero of the match."
    )
    extraction = extract(nlp, text)
    assert {e.name: e.cls.split("#")[1] for e in extraction.entities}["Dortmund"] == "Organization"
    found = facts(nlp, text)
    assert ("Roman Weidenfeller", "memberOf", "Dortmund") in found
    assert ("Lars Ricken", "worksFor", "Dortmund") in found


@pytest.mark.parametrize(
    "text, place, country",
    [
        (
            "Baradar was arrested in the southern Pakistani city of Karachi in February 2010.",
            "Karachi",
            "Pakistan",
        ),
        (
            "Henricus Mickevicius, director of the Human Rights Monitoring Institute in the Lithuanian "
            "capital, Vilnius, said fears played a role.",
            "Vilnius",
            "Lithuania",
        ),
        (
            "Salman Taseer, the current governor of Pakistan's Punjab province, had an affair.",
            "Punjab",
            "Pakistan",
        ),
    ],
)
def test_a_city_or_province_named_with_its_country_whatever_ner_made_of_it(nlp, text, place, country):
    extraction = extract(nlp, text)
    assert {e.name: e.cls.split("#")[1] for e in extraction.entities}[place] in {"City", "Place"}
    found = facts(nlp, text)
    assert (place, "locatedIn", country) in found
    assert not any(s == place and p in {"headOf", "worksFor", "holdsPosition"} for s, p, _ in found)


def test_a_broadcast_schedule_states_nothing(nlp):
    text = (
        "DW (Deutsch+) SUN 25.06.2017 – 09:15 UTC Vancouver UTC -7 | New York UTC -4 | Berlin UTC +2 "
        "| Moscow UTC +3"
    )
    extraction = extract(nlp, text)
    assert extraction.relations == ()
    assert "UTC" not in {e.name for e in extraction.entities}


def test_a_text_without_names_has_no_entities(nlp):
    extraction = extract(nlp, "nothing to see here, it rained all day.")
    assert extraction.entities == () and extraction.relations == ()


def test_a_mayor_titled_in_an_article_about_a_country_heads_no_country(nlp):
    found = facts(nlp, "Germany votes. Germany is big. Mayor Klaus Wowereit said Berlin would cope.")
    assert ("Klaus Wowereit", "citizenOf", "Germany") in found
    assert ("Klaus Wowereit", "headOfGovernment", "Germany") not in found


def test_a_bank_governor_works_for_the_bank(nlp):
    from kg.extract.mentions import ArticleEntities
    from kg.extract.relations import RelationFinder

    finder = RelationFinder(ArticleEntities(nlp("Mark Carney, governor of the Bank of England, said so.")))
    found = {(r.predicate.split("#")[1], r.object) for r in finder.find_all()}
    assert ("worksFor", "bank of england") in found
    assert not any(p == "headOfGovernment" for p, _ in found)


def test_a_government_body_of_an_article_about_one_country_is_that_countrys(nlp):
    text = (
        "Angola's police denied the allegations. Neither the Angolan police nor the Interior "
        "Ministry were willing to comment. Angola has held elections since 1992."
    )
    found = facts(nlp, text)
    assert ("Interior Ministry", "partOf", "Angola") in found
    international = facts(
        nlp,
        "Russia's delegation may face sanctions. Russia says it will stay. The European Court of "
        "Human Rights ruled on Monday.",
    )
    court = "European Court of Human Rights"
    assert not any(s == court and p in {"basedIn", "partOf"} for s, p, _ in international)


def test_every_relation_joins_entities_of_the_article(nlp):
    texts = [
        "Americans are looking to the Congress. Americans want change, said an American senator.",
        "German officials met. German Chancellor Angela Merkel spoke, a German spokesman said.",
    ]
    for text in texts:
        extraction = extract(nlp, text)
        keys = {e.key for e in extraction.entities}
        for relation in extraction.relations:
            assert relation.subject in keys
            assert isinstance(relation.object, Literal) or relation.object in keys


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Paulo Guerrero played for Hamburg last season.", ("Paulo Guerrero", "memberOf", "Hamburg")),
        (
            "Paulo Guerrero had already scored 21 goals for Bayern Munich's amateur side.",
            ("Paulo Guerrero", "memberOf", "Bayern Munich"),
        ),
        ("Michael Ballack, who signed for Chelsea, was injured.", ("Michael Ballack", "memberOf", "Chelsea")),
        ("Angela Merkel joined the CDU in 1990.", ("Angela Merkel", "memberOf", "CDU")),
    ],
)
def test_players_and_members_by_what_they_did_for_the_team(nlp, text, expected):
    assert expected in facts(nlp, text)
    extraction = extract(nlp, text)
    team = next(e for e in extraction.entities if e.name == expected[2])
    assert team.cls.split("#")[1] in {"Organization", "PoliticalParty"}


def test_playing_for_time_or_a_country_is_no_membership(nlp):
    from kg.extract.mentions import ArticleEntities
    from kg.extract.relations import RelationFinder

    for text in ["Angela Merkel played for time in Brussels.", "Paulo Guerrero may play for Peru on Sunday."]:
        finder = RelationFinder(ArticleEntities(nlp(text)))
        assert not list(finder.find_team_members())


def test_i_in_an_interview_is_the_person_answering(nlp):
    text = (
        "DWTV: Whose posters did you have? Paulo Guerrero: I didn't like posters. But I had "
        "already scored 21 goals for Bayern Munich's amateur side. DWTV: Did you play for Chelsea? "
        "I played for Chelsea."
    )
    found = facts(nlp, text)
    assert ("Paulo Guerrero", "memberOf", "Bayern Munich") in found
    assert ("Paulo Guerrero", "memberOf", "Chelsea") not in found  # the interviewer's turn


def test_an_organisation_in_a_town_written_with_its_state_is_in_the_state(nlp):
    found = facts(nlp, "At a briefing at NRC headquarters in nearby Rockville, Md., Bernero said so.")
    assert ("NRC", "basedIn", "Rockville") in found
    assert ("NRC", "basedIn", "Maryland") in found


@pytest.mark.parametrize(
    "text, lives",
    [
        ("John Smith, a resident of Chicago, was arrested.", True),
        ("Chicago resident John Smith was arrested.", True),
        ("John Smith, who lives in Chicago, was arrested.", True),
        ("John Smith does not live in Chicago.", False),
        ("John Smith will live in Chicago.", False),
    ],
)
def test_residents(nlp, text, lives):
    from kg.extract.mentions import ArticleEntities
    from kg.extract.relations import RelationFinder

    finder = RelationFinder(ArticleEntities(nlp(text)))
    found = {(r.subject, r.object) for r in finder.find_residents()}
    assert (("john smith", "chicago") in found) is lives


def test_a_country_s_person_is_its_citizen_and_its_daily_is_based_there(nlp):
    found = facts(nlp, "Russia's Vladimir Putin said the talks failed.")
    assert ("Vladimir Putin", "citizenOf", "Russia") in found
    text = "The reform is granite, according to Hungary's left-liberal daily Nepszabadsag."
    extraction = extract(nlp, text)
    assert {e.name: e.cls.split("#")[1] for e in extraction.entities}["Nepszabadsag"] != "Person"
    assert ("Nepszabadsag", "basedIn", "Hungary") in facts(nlp, text)


def test_punctuation_names_no_country(nlp):
    from kg.gazetteer import find_city, find_country, find_demonym

    for text in ["'s", "-", "’s", "..."]:
        assert find_country(text) is None and find_demonym(text) is None and find_city(text) is None
    found = facts(nlp, "The head of Deutsche Bank's employee council isn't convinced.")
    assert not any(o == "Eritrea" for _, _, o in found)


def test_an_airline_named_for_its_country_is_based_there_and_a_credit_line_is_no_name(nlp):
    text = "India's airlines are making losses, while state carrier Air India has relied on support."
    assert ("Air India", "basedIn", "India") in facts(nlp, text)
    extraction = extract(nlp, "tkw / AFP / AP / dpa Editor: Jennifer Abramsohn")
    assert not any("/" in e.name for e in extraction.entities)
    assert not any(r.predicate.endswith("worksFor") for r in extraction.relations)


def test_a_list_of_places_lies_in_the_place_after_it(nlp):
    found = facts(nlp, "Germany, France and Italy in Europe agreed.")
    assert {("Germany", "locatedIn", "Europe"), ("France", "locatedIn", "Europe")} <= found
    separate = facts(nlp, "A summit in Paris and a meeting in Brussels ended.")
    assert not any(p == "locatedIn" for _, p, _ in separate)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "This is where John Wilkes Booth, assassin of Lincoln, was cornered.",
            ("John Wilkes Booth", "killed", "Lincoln"),
        ),
        (
            "Sarajevo is known for the assassination in 1914 of Archduke Franz Ferdinand by "
            "nationalist Gavrilo Princip.",
            ("Gavrilo Princip", "killed", "Archduke Franz Ferdinand"),
        ),
        (
            "With room for interpretation, the head of the Ifo economic think tank in Munich, "
            "Clemens Fuest, criticized the agreement.",
            ("Clemens Fuest", "headOf", "Ifo"),
        ),
        (
            "According to David Bandurski, co-director of the China Media Project and a fellow of "
            "the Robert Bosch Academy in Berlin, the restructuring would help.",
            ("David Bandurski", "worksFor", "Robert Bosch Academy"),
        ),
        (
            "Dr Jan Schmidt-Burbach is a wildlife veterinarian who has worked for the animal welfare "
            "organization World Animal Protection for more than 10 years.",
            ("Jan Schmidt-Burbach", "worksFor", "World Animal Protection"),
        ),
        (
            "India's Prime Minister, Narendra Modi, expressed his condolences on Twitter.",
            ("Narendra Modi", "headOfGovernment", "India"),
        ),
        (
            "Palestinian journalist Anis Muhsin of the Institute for Palestine Studies in Beirut spoke.",
            ("Institute for Palestine Studies", "basedIn", "Beirut"),
        ),
        ("(By ITAR-TASS correspondent Boris Sitnikov)", ("Boris Sitnikov", "worksFor", "ITAR-TASS")),
        (
            "FAA Administrator Allan McArtor issued the order after a British authority ordered checks.",
            ("Allan McArtor", "headOf", "FAA"),
        ),
        (
            "John Ray, a member of the District of Columbia Council, reported raising money.",
            ("John Ray", "memberOf", "District of Columbia Council"),
        ),
        (
            "It is serious, Mamata Banerjee, chief minister of West Bengal, told reporters.",
            ("Mamata Banerjee", "headOfGovernment", "West Bengal"),
        ),
        (
            "Salman Taseer, the current governor of Pakistan's Punjab province, had an affair.",
            ("Salman Taseer", "headOfGovernment", "Punjab"),
        ),
        (
            "The mosque will welcome the mayor of Berlin, Michael Müller (SPD), on Friday.",
            ("Michael Müller", "headOfGovernment", "Berlin"),
        ),
    ],
)
def test_facts_read_whatever_the_parser_or_ner_made_of_the_sentence(nlp, text, expected):
    """Assassins and assassinations, roles set around a name, titles in capitals, organisations in
    cities, names NER runs into titles, heads of state, province and city governments."""
    assert expected in facts(nlp, text)


def test_a_city_of_several_words_ner_calls_a_person_is_a_city(nlp):
    text = (
        "Police Major Pramot Pansakun, the commander of the Region 2 Border Patrol Police (BPP), "
        "Khon Kaen, and Thai officials spent more than an hour there."
    )
    extraction = extract(nlp, text)
    assert {e.name: e.cls.split("#")[1] for e in extraction.entities}["Khon Kaen"] in {"City", "Place"}
    assert not any(s == "Khon Kaen" for s, _, _ in facts(nlp, text))


def test_a_spokesperson_of_a_state_body_is_a_citizen_of_its_country(nlp):
    from kg.extract import extract_article
    from kg.records import Document

    text = "Germany's parliament met on Monday. Katrin Lange, a spokeswoman for the Bundestag, said so."
    extraction = extract_article(nlp(text), Document(id="x", source="x.txt", text=text))
    citizen = [r for r in extraction.relations if r.predicate.endswith("citizenOf")]
    assert any(r.subject == "katrin lange" and r.object == "country:DE" for r in citizen)
    assert all(r.rule.endswith("+national-body") for r in citizen)


def test_a_city_told_from_its_namesake_by_a_river_is_that_city(nlp):
    text = "Jürgen Neyer teaches at the European University Viadrina in Frankfurt (Oder)."
    extraction = extract(nlp, text)
    assert "Frankfurt (Oder)" in {e.name for e in extraction.entities}
    assert ("European University Viadrina", "basedIn", "Frankfurt (Oder)") in facts(nlp, text)


def test_honorifics_and_abbreviated_titles_are_surface_forms(nlp):
    text = "In 1978, James Earl Ray, convicted assassin of Dr. Martin Luther King Jr., told a hearing."
    forms = {e.name: e.forms for e in extract(nlp, text).entities}
    assert "Dr. Martin Luther King Jr." in forms["Martin Luther King Jr."]
    text = "In 1969, Sirhan Sirhan was sentenced for the assassination of New York Sen. Robert F. Kennedy."
    forms = {e.name: e.forms for e in extract(nlp, text).entities}
    assert "New York Sen. Robert F. Kennedy" in forms["Robert F. Kennedy"]


def test_a_word_of_a_place_name_is_not_a_country_of_its_own(nlp):
    found = facts(nlp, "New Jersey Gov. Thomas Kean was greeted with praise.")
    assert not any(o == "Jersey" for _, _, o in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "On Monday, EU parliament president Martin Schulz informed the office.",
            ("Martin Schulz", "headOf", "EU parliament"),
        ),
        (
            "Sevim Dagdelen, a Left party MP, called on the German government to take action.",
            ("Sevim Dagdelen", "memberOf", "Left party"),
        ),
        (
            "Opposition Green party leader Katrin Göring-Eckardt called for legal routes.",
            ("Katrin Göring-Eckardt", "headOf", "Green party"),
        ),
    ],
)
def test_a_party_or_institution_named_with_a_lower_case_noun_holds_the_role(nlp, text, expected):
    """The president of the "EU parliament" presides over the parliament, not over the EU."""
    found = facts(nlp, text)
    assert expected in found
    assert not any(s == expected[0] and o == "EU" for s, _, o in found)


def test_a_city_or_nationality_before_party_names_no_party(nlp):
    found = facts(nlp, "The Berlin party chief Klaus Lederer and a German party leader, Olaf Scholz, spoke.")
    assert not any(p in {"headOf", "memberOf", "worksFor"} for _, p, _ in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "An Italian judge sentenced 23 CIA employees for the abduction of the Egyptian cleric "
            "Osama Moustafa Hassan Nasr.",
            ("Osama Moustafa Hassan Nasr", "citizenOf", "Egypt"),
        ),
        (
            "In mid-March, a member of Switzerland's upper house of parliament, Josef Dittli, sued.",
            ("Josef Dittli", "citizenOf", "Switzerland"),
        ),
        (
            "Aatish was born out of an affair between Salman Taseer and India's renowned journalist "
            "Tavleen Singh.",
            ("Tavleen Singh", "citizenOf", "India"),
        ),
        (
            "Ibrahim joins a long list of Nigerian authors who have won international acclaim such as "
            "Chinua Achebe and Chimamanda Ngozi Adichie.",
            ("Chimamanda Ngozi Adichie", "citizenOf", "Nigeria"),
        ),
        (
            "Several Russian officials, including Sergei Lavrov, attended the talks.",
            ("Sergei Lavrov", "citizenOf", "Russia"),
        ),
    ],
)
def test_a_nationality_said_of_a_description_or_a_group_a_person_is_named_from(nlp, text, expected):
    assert expected in facts(nlp, text)


def test_a_language_tutor_or_a_country_expert_has_no_nationality_from_it(nlp):
    found = facts(
        nlp,
        "Tolstoy has his German tutor, Friedrich Roessl, to thank. Nina Khrushcheva, a Russia expert "
        "at The New School, agreed.",
    )
    assert not any(p == "citizenOf" for _, p, _ in found)


def test_a_role_between_two_names_introduces_the_name_after_it(nlp):
    found = facts(
        nlp,
        "According to MEP Lunacek, the head of the Green parliamentary group in the European "
        "Parliament, Daniel Cohn-Bendit, called on Jerzy Buzek to write a note.",
    )
    assert ("Daniel Cohn-Bendit", "holdsPosition", "head of the Green parliamentary group") in found
    assert not any(s == "Lunacek" and p in {"headOf", "holdsPosition"} for s, p, _ in found)


def test_a_state_premier_titled_in_an_article_about_a_country_heads_no_country(nlp):
    text = (
        "Germany is tense. Germany is calm. Last week, in the eastern state of Saxony, State Premier "
        "Stanislaw Tillich also confirmed reports."
    )
    found = facts(nlp, text)
    assert ("Stanislaw Tillich", "citizenOf", "Germany") in found
    assert not any(p == "headOfGovernment" and o == "Germany" for _, p, o in found)


@pytest.mark.parametrize(
    "text",
    [
        "Berlin-based corruption watchdog Transparency International ranks Rwanda first.",
        "The Berlin-based watchdog, Transparency International, ranks Rwanda first.",
    ],
)
def test_based_on_the_noun_that_describes_an_organisation(nlp, text):
    assert ("Transparency International", "basedIn", "Berlin") in facts(nlp, text)


def test_based_on_a_noun_that_describes_a_person_says_nothing_of_an_organisation(nlp):
    found = facts(nlp, "Police raided the homes of followers of US-based cleric Fethullah Gulen.")
    assert not any(p == "basedIn" for _, p, _ in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Even as a teenager, Guerrero played for the national side in his native Peru.",
            {("Guerrero", "bornIn", "Peru")},
        ),
        (
            "Jesse Jackson easily won the caucuses Saturday in his native South Carolina.",
            {("Jesse Jackson", "bornIn", "South Carolina")},
        ),
        (
            "German authorities plan to deport Mzoudi to his home country of Morocco.",
            {("Mzoudi", "citizenOf", "Morocco")},
        ),
        (
            "Angela Merkel spoke. Merkel said on Tuesday in Berlin at the economic council of her "
            "party, the Christian Democrats (CDU).",
            {("Angela Merkel", "memberOf", "Christian Democrats")},
        ),
    ],
)
def test_a_persons_native_place_home_country_and_own_party(nlp, text, expected):
    assert expected <= facts(nlp, text)


def test_a_party_someone_left_is_not_theirs(nlp):
    found = facts(nlp, "Angela Merkel spoke. Friedrich Merz left his party, the Christian Democrats, in May.")
    assert not any(p == "memberOf" for _, p, _ in found)


def test_an_organisations_name_before_what_kind_it_is_is_its_name(nlp):
    extraction = extract(
        nlp,
        "Iran summoned Nigeria's charge d'affaires, the official IRNA news agency reported. "
        "Announced through the state-run Xinhua News agency, the move was confirmed by Xinhua.",
    )
    names = {e.name: e.cls.split("#")[1] for e in extraction.entities}
    assert names.get("IRNA") in {"Organization", "NewsOrganization"}
    assert [n for n in names if "Xinhua" in n] == ["Xinhua News"]
    assert not any(r.predicate.endswith("holdsPosition") for r in extraction.relations)


def test_a_party_listed_with_another_countrys_parties_is_not_the_articles_countrys(nlp):
    text = (
        "Turkey recalled its ambassador. Turkey was angry. Turkey said the vote was null. Following "
        "the vote, Turkish President Recep Tayyip Erdogan lashed out at the 11 politicians of Turkish "
        "descent from the CDU, SPD, Greens and the Left party who had backed the motion."
    )
    found = facts(nlp, text)
    assert ("Recep Tayyip Erdogan", "headOfState", "Turkey") in found
    assert not any(p == "basedIn" and o == "Turkey" for _, p, o in found)


def test_a_name_ner_cut_inside_brackets_ends_before_them(nlp):
    extraction = extract(
        nlp,
        "The heads of the European Bank for Reconstruction and Development (EBRD) said on Tuesday "
        "that they are ready.",
    )
    names = {e.name for e in extraction.entities}
    assert "European Bank for Reconstruction and Development" in names
    assert not any("(" in name for name in names)


def test_a_native_country_is_a_birthplace_not_a_citizenship(nlp):
    found = facts(nlp, "The diplomat Felix Bloch returned to his native Austria last year.")
    assert ("Felix Bloch", "bornIn", "Austria") in found
    assert not any(p == "citizenOf" for _, p, _ in found)


def test_a_one_word_name_in_a_list_of_organisations_is_no_citizen(nlp):
    found = facts(
        nlp,
        "Nabucco has six shareholders -- OMV of Austria, MOL of Hungary, Transgaz of Romania, "
        "Bulgargaz of Bulgaria, Botas of Turkey and RWE of Germany.",
    )
    assert ("MOL", "basedIn", "Hungary") in found
    assert not any(p in {"citizenOf", "livesIn"} for _, p, _ in found)


def test_a_full_name_outweighs_possessives_ner_reads_as_an_organisation(nlp):
    text = (
        "Warren Hill was executed on Monday. In their final appeal, Hill's lawyers argued he was "
        "disabled. According to Hill's representatives, doctors had testified to Hill's disability. "
        "This is an abomination, said Hill's attorney Brian Kammer. In 1991, Hill was convicted of "
        "murder."
    )
    classes = {e.name: e.cls.split("#")[1] for e in extract(nlp, text).entities}
    assert classes.get("Warren Hill") == "Person"
