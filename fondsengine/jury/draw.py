"""Drawing jury members by lot, reproducibly: the same pool and seed always give the same draw.

The algorithm (version ``ALGORITHM``) is written down in docs/jury.md so anyone can
re-run a draw and check it:

1. Sort the pool by candidate id (ascending).
2. Seed Python's ``random.Random`` (Mersenne Twister) with the integer whose big-endian
   bytes are the SHA-256 digest of the seed string encoded as UTF-8.
3. Without groups: ``rng.sample(ids, size)`` over the sorted ids. With groups: for each
   group id in ascending (code point) order, ``rng.sample(ids_of_group, count)`` over that
   group's sorted ids, with the same generator, one group after the other.
4. The drawn ids are kept in the order they were drawn.

The fingerprint is the SHA-256 (hex) of a canonical JSON text of the inputs, so two
people can see at a glance that they re-ran the same draw.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fondsengine.errors import InvalidInput

ALGORITHM = "sha256-mt19937-sample-v1"


@dataclass(frozen=True)
class Candidate:
    """A volunteer in the pool of a draw."""

    id: int
    name: str
    group: str


@dataclass(frozen=True)
class DrawResult:
    """A finished draw with everything needed to repeat and verify it."""

    drawn: tuple[int, ...]  # candidate ids in the order they were drawn
    seed: str
    size: int
    per_group: tuple[tuple[str, int], ...] | None  # (group, count) ascending by group
    pool_ids: tuple[int, ...]  # every candidate id of the pool, ascending
    fingerprint: str  # sha256 hex over algorithm, pool, seed, size and per_group
    algorithm: str = ALGORITHM


def random_seed() -> str:
    """A fresh, unpredictable seed (32 hex digits) for a draw."""
    return secrets.token_hex(16)


def draw(
    pool: Sequence[Candidate],
    size: int,
    seed: str,
    per_group: Mapping[str, int] | None = None,
) -> DrawResult:
    """Draw `size` members from `pool` by lot, optionally with fixed counts per group."""
    groups = _check(pool, size, seed, per_group)
    ordered = sorted(pool, key=lambda c: c.id)
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big"))
    drawn: list[int] = []
    if groups is None:
        drawn.extend(rng.sample([c.id for c in ordered], size))
    else:
        for group, count in groups:
            drawn.extend(rng.sample([c.id for c in ordered if c.group == group], count))
    return DrawResult(
        drawn=tuple(drawn),
        seed=seed,
        size=size,
        per_group=groups,
        pool_ids=tuple(c.id for c in ordered),
        fingerprint=fingerprint(pool, size, seed, per_group),
    )


def verify(pool: Sequence[Candidate], result: DrawResult) -> bool:
    """Re-run a recorded draw and tell whether it gives exactly the recorded result."""
    per_group = dict(result.per_group) if result.per_group is not None else None
    if result.algorithm != ALGORITHM:
        return False
    try:
        again = draw(pool, result.size, result.seed, per_group)
    except InvalidInput:
        return False
    return again == result


def fingerprint(
    pool: Sequence[Candidate], size: int, seed: str, per_group: Mapping[str, int] | None
) -> str:
    """SHA-256 (hex) of the canonical JSON of a draw's inputs."""
    groups = sorted([g, n] for g, n in per_group.items()) if per_group is not None else None
    canonical = {
        "algorithm": ALGORITHM,
        "pool": sorted([c.id, c.group] for c in pool),
        "seed": seed,
        "size": size,
        "per_group": groups,
    }
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check(
    pool: Sequence[Candidate],
    size: int,
    seed: str,
    per_group: Mapping[str, int] | None,
) -> tuple[tuple[str, int], ...] | None:
    """Validate the inputs; return per_group as sorted pairs."""
    if not seed.strip():
        raise InvalidInput("Für die Losziehung fehlt der Startwert (Seed).", field="seed")
    if size < 1:
        raise InvalidInput("Es muss mindestens ein Mitglied gelost werden.", field="size")
    ids = [c.id for c in pool]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Eine Person steht mehrfach im Los-Pool.", field="pool")
    if per_group is None:
        if size > len(pool):
            raise InvalidInput(
                f"Es sollen {size} Mitglieder gelost werden, im Pool sind aber nur "
                f"{len(pool)} Freiwillige.",
                field="size",
            )
        return None
    groups = tuple(sorted(per_group.items()))
    for group, count in groups:
        if count < 0:
            raise InvalidInput(
                f"Die Zahl für die Gruppe „{group}“ darf nicht negativ sein.", field="per_group"
            )
        available = sum(1 for c in pool if c.group == group)
        if count > available:
            raise InvalidInput(
                f"Für die Gruppe „{group}“ sollen {count} Mitglieder gelost werden, "
                f"im Pool sind aber nur {available} Freiwillige dieser Gruppe.",
                field="per_group",
            )
    total = sum(count for _, count in groups)
    if total != size:
        raise InvalidInput(
            f"Die Zahlen je Gruppe ergeben zusammen {total}, gelost werden sollen aber {size}.",
            field="per_group",
        )
    return groups
