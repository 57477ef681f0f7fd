"""earlybird.kept: values kept under their key, at most `size` of them."""

from earlybird.kept import Kept


def test_a_kept_value_is_found_under_its_key_and_the_store_never_grows_past_its_size():
    kept = Kept(3)

    assert kept.keep("a", 1) == 1 and kept.get("a") == 1
    for n in range(10):
        kept.keep(n, str(n))
        assert len(kept) <= 3
    assert kept.get(9) == "9" and "a" not in kept
