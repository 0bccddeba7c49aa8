"""The growth ratio the linear-time tests rely on tells a quadratic function from a linear one."""

from scaling import growth


def pairs(items: list[int]) -> int:
    """Every item against every other: quadratic."""
    return sum(1 for a in items for b in items if a < b)


def test_growth_is_about_16_for_a_quadratic_function_at_4_times_the_input():
    assert growth(pairs, list(range(1000)), list(range(4000))) > 9


def test_growth_is_about_4_for_a_linear_function_at_4_times_the_input():
    assert growth(sorted, list(range(250_000, 0, -1)), list(range(1_000_000, 0, -1))) < 9
