"""Drawing jury members by lot: reproducible, verifiable, honest about a too small pool."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections import Counter

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.jury.draw import ALGORITHM, Candidate, draw, random_seed, verify


def make_pool(n: int = 20) -> list[Candidate]:
    """Candidates 1..n; every third one is an expert, the others are residents."""
    return [
        Candidate(i, f"Person {i}", "expert" if i % 3 == 0 else "resident") for i in range(1, n + 1)
    ]


def test_the_same_seed_gives_the_same_draw() -> None:
    assert draw(make_pool(), 5, "witten-2025") == draw(make_pool(), 5, "witten-2025")


def test_the_order_of_the_pool_does_not_matter() -> None:
    pool = make_pool()

    assert draw(list(reversed(pool)), 5, "abc") == draw(pool, 5, "abc")


def test_a_known_draw_stays_the_same_across_versions() -> None:
    result = draw(make_pool(), 5, "witten-2025")

    assert result.drawn == (3, 9, 18, 5, 10)
    assert result.fingerprint == "2c83d68d43902f930a05610ff829ed1f1455643a7f90ca11523367f29f216672"
    assert result.algorithm == ALGORITHM == "sha256-mt19937-sample-v1"


def test_a_known_draw_per_group_stays_the_same_across_versions() -> None:
    result = draw(make_pool(), 5, "witten-2025", {"resident": 3, "expert": 2})

    assert result.drawn == (18, 3, 7, 13, 4)
    assert result.per_group == (("expert", 2), ("resident", 3))


def test_the_documented_steps_reproduce_the_draw() -> None:
    pool = make_pool()
    per_group = {"resident": 4, "expert": 2}
    rng = random.Random(int.from_bytes(hashlib.sha256(b"Quartier 2025").digest(), "big"))
    expected: list[int] = []
    for group in sorted(per_group):
        ids = sorted(c.id for c in pool if c.group == group)
        expected.extend(rng.sample(ids, per_group[group]))

    assert draw(pool, 6, "Quartier 2025", per_group).drawn == tuple(expected)


def test_the_fingerprint_is_the_documented_hash_of_the_inputs() -> None:
    pool = make_pool(4)
    canonical = {
        "algorithm": ALGORITHM,
        "per_group": [["expert", 1], ["resident", 1]],
        "pool": [[1, "resident"], [2, "resident"], [3, "expert"], [4, "resident"]],
        "seed": "Lostag",
        "size": 2,
    }
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    result = draw(pool, 2, "Lostag", {"resident": 1, "expert": 1})

    assert result.fingerprint == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_fingerprint_changes_with_every_input() -> None:
    pool = make_pool()
    base = draw(pool, 5, "s").fingerprint

    assert draw(pool, 5, "t").fingerprint != base
    assert draw(pool, 6, "s").fingerprint != base
    assert draw(pool[:-1], 5, "s").fingerprint != base
    assert draw(pool, 5, "s", {"resident": 3, "expert": 2}).fingerprint != base


def test_different_seeds_almost_always_give_different_draws() -> None:
    draws = {draw(make_pool(), 5, f"seed-{i}").drawn for i in range(50)}

    assert len(draws) >= 45


def test_the_counts_per_group_are_honoured() -> None:
    pool = make_pool(30)
    for i in range(20):
        result = draw(pool, 7, f"s{i}", {"resident": 5, "expert": 2})
        groups = Counter(next(c.group for c in pool if c.id == d) for d in result.drawn)

        assert groups == Counter({"resident": 5, "expert": 2})
        assert len(set(result.drawn)) == 7


def test_a_draw_without_groups_draws_distinct_members_from_the_pool() -> None:
    result = draw(make_pool(10), 10, "all of them")

    assert sorted(result.drawn) == list(range(1, 11))


def test_a_recorded_draw_can_be_verified() -> None:
    pool = make_pool()
    result = draw(pool, 5, "öffentlich gezogen", {"resident": 4, "expert": 1})

    assert verify(pool, result)


def test_a_tampered_draw_fails_verification() -> None:
    pool = make_pool()
    result = draw(pool, 5, "x")
    tampered = dataclasses.replace(result, drawn=(1, 2, 3, 4, 5))

    assert not verify(pool, tampered)
    assert not verify(pool[1:], result)


def test_a_pool_too_small_for_a_group_is_explained_in_german() -> None:
    with pytest.raises(InvalidInput) as caught:
        draw(make_pool(9), 5, "s", {"expert": 4, "resident": 1})

    assert caught.value.message == (
        "Für die Gruppe „expert“ sollen 4 Mitglieder gelost werden, "
        "im Pool sind aber nur 3 Freiwillige dieser Gruppe."
    )
    assert caught.value.field == "per_group"


def test_a_pool_too_small_for_the_size_is_explained_in_german() -> None:
    with pytest.raises(InvalidInput) as caught:
        draw(make_pool(4), 5, "s")

    assert caught.value.message == (
        "Es sollen 5 Mitglieder gelost werden, im Pool sind aber nur 4 Freiwillige."
    )


def test_group_counts_must_add_up_to_the_size() -> None:
    with pytest.raises(InvalidInput) as caught:
        draw(make_pool(), 5, "s", {"resident": 2, "expert": 2})

    assert "ergeben zusammen 4" in caught.value.message


@pytest.mark.parametrize(
    ("size", "seed", "field"),
    [(0, "s", "size"), (3, "  ", "seed")],
)
def test_a_draw_needs_a_size_and_a_seed(size: int, seed: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        draw(make_pool(), size, seed)

    assert caught.value.field == field


def test_a_person_twice_in_the_pool_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        draw([*make_pool(5), Candidate(2, "Doppelt", "resident")], 2, "s")

    assert caught.value.field == "pool"


def test_random_seeds_are_long_and_fresh() -> None:
    seeds = {random_seed() for _ in range(20)}

    assert len(seeds) == 20
    assert all(len(s) == 32 and int(s, 16) >= 0 for s in seeds)
