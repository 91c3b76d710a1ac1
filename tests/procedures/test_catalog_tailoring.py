"""Tailoring keys of the catalog file: per-code choices, help per payer, family defaults."""

from pathlib import Path

import pytest

from procedures.catalog_file import CatalogError, parse_catalog
from procedures.catalog_tailoring import PAYER_KINDS
from rules.models import Payer

MINI = Path(__file__).parent / "files" / "mini.toml"
FAMILY = """
[families.neurolytic]
choices.technique = ["thermal_rf"]
help.pain_after = "Family help for the pain score."

[[families.neurolytic.links]]
key = "agent_volume"
requirement = "recommended"

[[families.neurolytic.links]]
key = "volume_note"
requirement = "required"
when = { element = "consent", in = ["no"] }
after = "consent"

[[families.neurolytic.narrative]]
section = "procedure"
when = { element = "technique", in = ["chemical"] }
text = ["{agent_volume} was injected.", "An agent was injected."]
"""
VOLUME_NOTE = """
[elements.volume_note]
label = "Why no consent"
section = "pre"
input = "long_text"
help = "A reason."
"""


def catalog(tmp_path, text):
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    return path


def mini(tmp_path, old="", new="", extra=""):
    text = MINI.read_text()
    assert old in text
    text = text.replace(old, new, 1) if old else text
    head, codes = text.split("[[codes]]", 1)
    return catalog(tmp_path, head + extra + "[[codes]]" + codes)


def links(data, code):
    return {
        link["key"]: link for link in next(c for c in data.codes if c["code"] == code)["links"]
    }


def test_the_payer_kinds_are_those_of_the_payer_model():
    assert list(PAYER_KINDS) == list(Payer.Kind.values)


def test_a_link_narrows_choices_in_the_elements_order_and_carries_payer_help(tmp_path):
    path = mini(
        tmp_path,
        '  key = "technique"\n  requirement = "required"\n',
        '  key = "technique"\n  requirement = "required"\n  choices = ["thermal_rf", "chemical"]\n'
        '  payer_help = { medicare = "The LCD says so." }\n',
    )
    link = links(parse_catalog(path), "64681")["technique"]
    assert link["choices"] == ["chemical", "thermal_rf"]
    assert link["payer_help"] == {"medicare": "The LCD says so."}


def test_a_technique_link_without_choices_offers_the_codes_techniques(tmp_path):
    assert links(parse_catalog(mini(tmp_path)), "64681")["technique"]["choices"] == ["chemical"]


def test_other_links_offer_every_choice(tmp_path):
    assert links(parse_catalog(mini(tmp_path)), "64681")["consent"]["choices"] == []


def test_family_defaults_extra_links_and_sentences_fold_into_each_code(tmp_path):
    data = parse_catalog(mini(tmp_path, extra=VOLUME_NOTE + FAMILY))
    shp = links(data, "64681")
    # The code's own technique link narrows nothing itself: the family default applies.
    assert shp["technique"]["choices"] == ["thermal_rf"]
    assert shp["pain_after"]["why"] == "Family help for the pain score."
    # agent_volume is the code's own link: the family's is not added twice.
    assert shp["agent_volume"]["requirement"] == "required"
    assert list(shp) == [
        "consent",
        "volume_note",
        "technique",
        "agent_volume",
        "pain_after",
    ]
    assert [link["order"] for link in shp.values()] == [1, 2, 3, 4, 5]
    assert shp["volume_note"]["condition"] == {"element": "consent", "in": ["no"]}
    # 64642 is a chemodenervation code: no neurolytic family link.
    assert list(links(data, "64642")) == ["consent"]
    assert data.narratives == {
        "neurolytic": [
            {
                "section": "procedure",
                "texts": ["{agent_volume} was injected.", "An agent was injected."],
                "condition": {"element": "technique", "in": ["chemical"]},
            }
        ]
    }


def test_a_family_link_whose_condition_the_code_does_not_ask_is_left_out(tmp_path):
    family = FAMILY.replace(
        'when = { element = "consent", in = ["no"] }',
        'when = { element = "technique", in = ["chemical"] }',
    )
    data = parse_catalog(
        mini(tmp_path, extra=VOLUME_NOTE + family.replace("neurolytic", "chemodenervation"))
    )
    # volume_note asks "when technique is chemical": 64642 has no technique, so no volume_note.
    assert list(links(data, "64642")) == ["consent", "agent_volume"]


@pytest.mark.parametrize(
    "link, message",
    [
        ('choices = ["cryo"]', "field 'elements[1].choices': 'cryo' is not a choice of technique"),
        ("choices = []", "field 'elements[1].choices': must be a non-empty list of choice values"),
        (
            'payer_help = { bluecross = "x" }',
            "field 'elements[1].payer_help.bluecross': is not one of medicare, medicare_advantage",
        ),
        (
            'payer_help = { medicare = " " }',
            "field 'elements[1].payer_help.medicare': must be a non-empty text",
        ),
    ],
)
def test_bad_link_tailoring_names_the_code_and_field(tmp_path, link, message):
    path = mini(
        tmp_path,
        '  key = "technique"\n  requirement = "required"\n',
        f'  key = "technique"\n  requirement = "required"\n  {link}\n',
    )
    with pytest.raises(CatalogError) as error:
        parse_catalog(path)
    assert f"{path}: code 64681, {message}" in str(error.value)


def test_choices_on_an_element_without_choices_are_refused(tmp_path):
    path = mini(
        tmp_path,
        '  key = "consent"\n  requirement = "required"\n',
        '  key = "consent"\n  requirement = "required"\n  choices = ["yes"]\n',
    )
    with pytest.raises(CatalogError, match="only applies to choice elements, not consent"):
        parse_catalog(path)


@pytest.mark.parametrize(
    "family, message",
    [
        ("[families.surgical]\n", "family surgical, field 'family': is not one of neurolytic"),
        (
            "[families.neurolytic]\ncolour = 1\n",
            "family neurolytic, field 'colour': is not a known field",
        ),
        (
            '[families.neurolytic]\nchoices.nothing = ["a"]\n',
            "family neurolytic, field 'choices.nothing': is not an element",
        ),
        (
            '[[families.neurolytic.links]]\nkey = "consent"\nrequirement = "maybe"\n',
            "family neurolytic, field 'links[0].requirement': must be required, recommended or "
            "information",
        ),
        (
            '[[families.neurolytic.narrative]]\nsection = "pre"\ntext = "{nothing} happened."\n',
            "family neurolytic, field 'narrative[0].text': {nothing} is not an element",
        ),
        (
            '[[families.neurolytic.narrative]]\nsection = "after"\ntext = "x"\n',
            "family neurolytic, field 'narrative[0].section': must be one of pre, procedure, post",
        ),
        (
            '[[families.neurolytic.narrative]]\nsection = "pre"\ntext = "x"\n'
            'when = { element = "technique", in = ["cryo"] }\n',
            "family neurolytic, field 'narrative[0].when.in': 'cryo' is not a choice of technique",
        ),
    ],
)
def test_bad_family_tables_name_the_family_and_field(tmp_path, family, message):
    path = mini(tmp_path, extra=family)
    with pytest.raises(CatalogError) as error:
        parse_catalog(path)
    assert f"{path}: {message}" in str(error.value)
