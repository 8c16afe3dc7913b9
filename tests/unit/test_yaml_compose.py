"""The guideline and workflow loaders compose YAML with libyaml (issue 19, first response after
start): the node tree must be the one PyYAML's pure Python SafeLoader composes, and a text libyaml
rejects must fail with the pure Python parser's error, word for word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fondsengine.guidelines import yamlreader
from fondsengine.guidelines.yamlreader import Collector, compose, compose_text

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for base in ("richtlinien", "workflows", "tests/corpus") for p in (ROOT / base).rglob("*.yaml"))


def _tree(node: Node | None, path: frozenset[int] = frozenset()) -> object:
    """Everything of a node the loaders could read (class, tag, value, quoting, lines), nested; a node
    that contains itself (a recursive alias) is marked where it repeats. A plain scalar's style is
    None in the Python parser and "" in libyaml; nothing in fondsengine reads the style."""
    if node is None:
        return None
    if id(node) in path:
        return ("again", node.tag)
    inner = path | {id(node)}
    where = (type(node).__name__, node.tag, node.start_mark.line, node.end_mark.line)
    if isinstance(node, ScalarNode):
        return (*where, node.value, node.style or None)
    if isinstance(node, MappingNode):
        return (*where, [(_tree(k, inner), _tree(v, inner)) for k, v in node.value])
    assert isinstance(node, SequenceNode)
    return (*where, [_tree(item, inner) for item in node.value])


def _outcome(compose_it: Callable[[str], Node | None], text: str) -> object:
    """The tree, or the error's class and words."""
    try:
        return _tree(compose_it(text))
    except yaml.YAMLError as exc:
        return ("error", type(exc), str(exc))


def _python(text: str) -> Node | None:
    return yaml.compose(text, Loader=yaml.SafeLoader)


def test_the_fast_parser_is_libyaml() -> None:
    assert yaml.__with_libyaml__ and yamlreader._FAST_LOADER is yaml.CSafeLoader


def test_every_shipped_and_corpus_file_composes_to_the_same_tree_as_with_the_python_parser() -> None:
    assert len(FILES) >= 60
    broken = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        expected = _outcome(_python, text)
        assert _outcome(compose_text, text) == expected, path
        broken += isinstance(expected, tuple) and expected[0] == "error"
    assert 0 < broken < len(FILES) / 2  # the corpus holds some files that are no YAML: their errors agree too


ODD = [
    "a: 1\nb: [1, 2\n",  # an unclosed flow sequence
    "a: 'x\n",  # an unclosed quote
    "a: 1\n  b: 2\n",  # a wrong indentation
    "a: *nowhere\n",  # an unknown alias
    "a: \x07\n",  # a control character
    "\t- x\n",  # a tab as indentation
    "a: !!python/object:os.system x\n",  # a tag outside the core schema (composed, never constructed)
    "x: &a [1, *a]\n",  # a recursive alias
    "? [a, b]\n: c\n",  # a complex key
    "",
    "# only a comment\n",
    "a: 1\n---\nb: 2\n",  # two documents
]


@pytest.mark.parametrize("text", ODD)
def test_odd_and_broken_texts_give_the_python_parsers_tree_or_its_error(text: str) -> None:
    assert _outcome(compose_text, text) == _outcome(_python, text)


def test_a_syntax_error_is_reported_with_the_python_parsers_line_and_words() -> None:
    out = Collector("f.yaml")
    assert compose("name: x\nlist: [1, 2\nother: 3\n", out) is None
    [problem] = out.problems
    assert problem.line == 3 and "expected ',' or ']'" in problem.message
