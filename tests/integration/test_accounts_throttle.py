"""The shared counters behind lock-out and rate limits: atomic under concurrency on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fondsengine.accounts import throttle
from fondsengine.engine import Engine


def test_concurrent_hits_from_many_threads_lose_no_count(fonds: Engine) -> None:
    engine = fonds.db.engine
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: throttle.hit(engine, "k", 60, 1000.0).count, range(200)))
    assert sorted(counts) == list(range(1, 201))  # every hit saw a distinct value: no lost update
    found = throttle.get(engine, "k", 1001.0)
    assert found is not None and (found.count, found.expires_at) == (200, 1060.0)


def test_an_expired_counter_starts_again_and_expired_rows_are_purged(fonds: Engine) -> None:
    engine = fonds.db.engine
    assert [throttle.hit(engine, "a", 60, 1000.0).count for _ in range(3)] == [1, 2, 3]
    assert throttle.get(engine, "a", 1060.0) is None  # expired at its end
    restarted = throttle.hit(engine, "a", 60, 1061.0)
    assert (restarted.count, restarted.expires_at) == (1, 1121.0)
    throttle.hit(engine, "b", 10, 1061.0)
    assert throttle.purge_expired(engine, 1100.0) == 1
    assert throttle.get(engine, "b", 1061.0) is None and throttle.get(engine, "a", 1100.0) is not None


def test_allow_counts_up_to_the_limit_and_keys_do_not_show_the_address(fonds: Engine) -> None:
    key = throttle.subject_key("mail-reset", " Anna@Example.org ")
    assert key == throttle.subject_key("mail-reset", "anna@example.org") and "anna" not in key
    assert [throttle.allow(fonds.db.engine, key, 3, 3600, 5.0) for _ in range(5)] == [True, True, True, False, False]
