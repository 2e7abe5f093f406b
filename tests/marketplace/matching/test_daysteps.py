"""DaySteps, the day functions the global run reads free capacity and agency caps from,
against the dense arrays they stand for."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from marketplace.matching.daysteps import DaySteps

dense_days = st.integers(1, 30).flatmap(
    lambda days: st.integers(1, 5).flatmap(
        lambda owners: arrays(np.int64, (owners, days), elements=st.sampled_from((-10, 0, 40, 100)))
    )
)


@settings(max_examples=200, deadline=None)
@given(dense_days, st.data())
def test_min_over_any_period_is_the_smallest_day_and_its_first_day(
    dense: np.ndarray, data: st.DataObject
) -> None:
    steps = DaySteps.from_dense(dense)
    owners, days = dense.shape
    queries = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, owners - 1), st.integers(0, days - 1), st.integers(0, days - 1)
            ),
            min_size=1,
            max_size=10,
        )
    )
    owner = np.array([q[0] for q in queries])
    first = np.array([min(q[1], q[2]) for q in queries])
    last = np.array([max(q[1], q[2]) for q in queries])
    value, day = steps.min_over(owner, first, last)
    for k in range(len(queries)):
        window = dense[owner[k], first[k] : last[k] + 1]
        assert value[k] == window.min()
        assert day[k] == first[k] + int(np.argmin(window))


@settings(max_examples=100, deadline=None)
@given(dense_days)
def test_from_dense_and_back_and_single_days_agree(dense: np.ndarray) -> None:
    steps = DaySteps.from_dense(dense)
    owners, days = dense.shape
    assert (steps.to_dense(days) == dense).all()
    owner, day = np.divmod(np.arange(owners * days), days)
    assert (steps.at(owner, day) == dense[owner, day]).all()


@settings(max_examples=100, deadline=None)
@given(dense_days, st.data())
def test_take_and_concatenate_keep_each_owners_function(
    dense: np.ndarray, data: st.DataObject
) -> None:
    owners, days = dense.shape
    chosen = np.array(data.draw(st.lists(st.integers(0, owners - 1), max_size=6)), dtype=np.int64)
    steps = DaySteps.from_dense(dense)
    joined = DaySteps.concatenate([steps.take(chosen), DaySteps.constant(np.array([7]))])
    assert (joined.to_dense(days) == np.vstack([dense[chosen], np.full((1, days), 7)])).all()


def test_the_last_step_lasts_past_the_dense_days() -> None:
    steps = DaySteps.from_dense(np.array([[0, 50, 50]]))
    assert steps.min_over(np.array([0]), np.array([1]), np.array([400]))[0].tolist() == [50]
