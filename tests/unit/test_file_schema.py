"""The shared schema module: YAML data with lines, pydantic errors as `file:line: message`."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from fondsengine.guidelines.yamlreader import Collector
from fondsengine.schema import Located, Opaque, Wording, located, validate


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    count: int = 1


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: str
    active: bool = False
    parts: list[Part] = Field(default_factory=list)


WORDING = Wording(
    unknown_key=lambda loc, hint: f"Unbekannter Schlüssel '{loc[-1]}'" + (f" (meinten Sie '{hint}'?)" if hint else ""),
    missing=lambda loc, data: f"Es fehlt '{loc[-1]}'",
    not_mapping=lambda loc: "Kein Abschnitt",
    types={
        "string_type": lambda key, error: f"'{key}' muss ein Text sein",
        "bool_type": lambda key, error: f"'{key}' muss true oder false sein",
        "int_type": lambda key, error: f"'{key}' muss eine ganze Zahl sein",
    },
)


def read(text: str) -> tuple[Located, Collector]:
    out = Collector("f.yaml")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    return located(root, out, duplicate=lambda loc: f"'{loc[-1]}' doppelt"), out


def check(text: str) -> tuple[Doc | None, list[str]]:
    data, out = read(text)
    doc = validate(Doc, data, out, WORDING)
    return doc, [p.format() for p in out.problems]


def test_a_valid_file_becomes_the_model_with_its_defaults() -> None:
    doc, problems = check("title: Hallo\nparts:\n  - name: a\n")
    assert problems == []
    assert doc == Doc(title="Hallo", active=False, parts=[Part(name="a", count=1)])


def test_an_unknown_key_is_reported_at_its_line_with_the_closest_key() -> None:
    doc, problems = check("title: Hallo\nparts:\n  - name: a\n    cuont: 2\n")
    assert problems == ["f.yaml:4: Unbekannter Schlüssel 'cuont' (meinten Sie 'count'?)"]
    assert doc == Doc(title="Hallo", parts=[Part(name="a")])  # the rest still counts


def test_a_misspelt_required_key_is_not_also_reported_missing() -> None:
    doc, problems = check("titel: Hallo\n")
    assert problems == ["f.yaml:1: Unbekannter Schlüssel 'titel' (meinten Sie 'title'?)"]
    assert doc is None


def test_a_wrong_type_is_reported_at_the_line_of_the_value_and_its_default_applies() -> None:
    doc, problems = check("title: Hallo\nactive: ja\nparts:\n  - name: a\n    count: zwei\n")
    assert problems == [
        "f.yaml:2: 'active' muss true oder false sein",
        "f.yaml:5: 'count' muss eine ganze Zahl sein",
    ]
    assert doc == Doc(title="Hallo", active=False, parts=[Part(name="a", count=1)])


def test_a_missing_key_is_reported_at_the_line_of_its_mapping() -> None:
    doc, problems = check("title: Hallo\nparts:\n  - name: a\n  - count: 3\n")
    assert problems == ["f.yaml:4: Es fehlt 'name'"]
    assert doc == Doc(title="Hallo", parts=[Part(name="a")])  # the incomplete part is left out


def test_a_missing_required_key_at_the_top_gives_no_model() -> None:
    doc, problems = check("active: true\n")
    assert problems == ["f.yaml:1: Es fehlt 'title'"]
    assert doc is None


def test_each_failing_part_is_reported_at_its_own_line_and_the_others_are_kept() -> None:
    doc, problems = check("title: Hallo\nparts:\n  - count: 1\n  - name: b\n    count: drei\n  - name: c\n")
    assert problems == ["f.yaml:3: Es fehlt 'name'", "f.yaml:5: 'count' muss eine ganze Zahl sein"]
    assert doc == Doc(title="Hallo", parts=[Part(name="b"), Part(name="c")])


def test_a_python_tag_is_never_built_and_fails_as_a_wrong_type() -> None:
    data, out = read('title: !!python/object/apply:os.system ["echo boom"]\n')
    assert data.value == {"title": ["echo boom"]}
    doc = validate(Doc, data, out, WORDING)
    assert doc is None
    assert [p.format() for p in out.problems] == ["f.yaml:1: 'title' muss ein Text sein"]


def test_a_foreign_scalar_tag_is_opaque_and_a_repeated_key_is_reported() -> None:
    data, out = read("title: !!binary aGFsbG8=\ntitle: zwei\n")
    assert isinstance(data.value["title"], Opaque)
    assert [p.format() for p in out.problems] == ["f.yaml:2: 'title' doppelt"]


def test_a_list_where_a_mapping_belongs_uses_the_not_mapping_sentence() -> None:
    _, problems = check("title: Hallo\nparts:\n  - nur ein Text\n")
    assert problems == ["f.yaml:3: Kein Abschnitt"]


def test_a_recursive_alias_does_not_loop() -> None:
    data, _ = read("title: &a [*a]\n")
    assert isinstance(data.value["title"][0], Opaque)


@pytest.mark.parametrize(("loc", "line"), [((), 1), (("parts",), 3), (("parts", 0, "name"), 3), (("parts", 9), 3)])
def test_a_location_without_a_line_of_its_own_falls_back_to_the_enclosing_value(
    loc: tuple[Any, ...], line: int
) -> None:
    data, _ = read("title: Hallo\nparts:\n  - name: a\n")
    assert data.line(loc) == line


def test_each_item_of_a_list_has_the_locations_at_gives_it() -> None:
    data, _ = read("title: Hallo\nparts:\n  - name: a\n    count: 2\n  - []\n  - name: c\n    tags: [x, y]\nn: 1\n")
    items = data.each(("parts",))
    assert [(i.value, i.lines, i.key_lines) for i in items] == [
        (({"name": "a", "count": 2}), {(): 3, ("name",): 3, ("count",): 4}, {("name",): 3, ("count",): 4}),
        ([], {(): 5}, {}),
        ({"name": "c", "tags": ["x", "y"]}, {(): 6, ("name",): 6, ("tags",): 7, ("tags", 0): 7, ("tags", 1): 7},
         {("name",): 6, ("tags",): 7}),
    ]  # fmt: skip
    assert items == [data.at(("parts", i)) for i in range(3)]
    assert data.each(("title",)) == data.each(("nothing",)) == data.each(("n",)) == []
