"""Integer functions of the day that change value on a few days only, one per owner.

Free capacity of a specialist, or the engagements an agency may still lend, is constant
over long stretches (an availability window, a reservation) and changes on a few days.
`DaySteps` keeps, for each owner, the days where the value changes and the value from
there on, so the global run can ask "the smallest value over days [a, b]" for many
owners at once without a dense (owners × days) array.

Days are integers counted from a day 0 the caller chose. Plain NumPy, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Packs (value, step position) into one int64 so that one `minimum.reduceat` gives the
# smallest value and, among equal values, its first step.
_POSITION_BITS = 40
_VALUE_OFFSET = 1 << 20


@dataclass(frozen=True)
class DaySteps:
    """Step functions f_o(day) for owners o = 0..n-1, defined on every day ≥ 0.

    The steps of owner o are k = offset[o] .. offset[o+1]−1: f_o(day) = value[k] on
    start[k] ≤ day < start[k+1] (the last step lasts forever). Each owner's first step
    starts on day 0, and starts are strictly ascending within an owner.
    """

    offset: np.ndarray  # int64 (n + 1,)
    start: np.ndarray  # int64 (K,)
    value: np.ndarray  # int64 (K,)

    @property
    def n_owners(self) -> int:
        return int(self.offset.shape[0]) - 1

    @classmethod
    def from_dense(cls, days: np.ndarray) -> DaySteps:
        """From an (owners × days) array; the last column's value lasts forever."""
        days = np.asarray(days)
        n, width = days.shape
        if width == 0:
            return cls.constant(np.zeros(n, dtype=np.int64))
        changes = np.ones((n, width), dtype=bool)
        np.not_equal(days[:, 1:], days[:, :-1], out=changes[:, 1:])
        owner, start = np.nonzero(changes)
        offset = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=n), out=offset[1:])
        return cls(
            offset=offset,
            start=start.astype(np.int64),
            value=days[owner, start].astype(np.int64),
        )

    @classmethod
    def constant(cls, values: np.ndarray) -> DaySteps:
        """One step per owner: f_o(day) = values[o] on every day."""
        n = int(np.asarray(values).shape[0])
        return cls(
            offset=np.arange(n + 1, dtype=np.int64),
            start=np.zeros(n, dtype=np.int64),
            value=np.asarray(values, dtype=np.int64).copy(),
        )

    def take(self, owners: np.ndarray) -> DaySteps:
        """The functions of the given owners, renumbered 0..len(owners)−1."""
        owners = np.asarray(owners, dtype=np.int64)
        lengths = self.offset[owners + 1] - self.offset[owners]
        offset = np.zeros(owners.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=offset[1:])
        steps = np.repeat(self.offset[owners] - offset[:-1], lengths) + np.arange(offset[-1])
        return DaySteps(offset=offset, start=self.start[steps], value=self.value[steps])

    @staticmethod
    def concatenate(parts: list[DaySteps]) -> DaySteps:
        """The owners of each part in turn, as one DaySteps."""
        shift = np.cumsum([0] + [int(part.start.shape[0]) for part in parts[:-1]])
        offset = np.concatenate(
            [[0]] + [part.offset[1:] + s for part, s in zip(parts, shift, strict=True)]
        )
        return DaySteps(
            offset=offset.astype(np.int64),
            start=np.concatenate([part.start for part in parts]).astype(np.int64),
            value=np.concatenate([part.value for part in parts]).astype(np.int64),
        )

    def _step_of(self, owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Global index of the step of `owner` that holds `day` (day ≥ 0)."""
        # Starts ascend within an owner, so (owner, start) keys ascend globally.
        span = int(max(self.start.max(initial=0), np.max(day, initial=0))) + 1
        owner_of_step = np.repeat(np.arange(self.n_owners, dtype=np.int64), np.diff(self.offset))
        keys = owner_of_step * span + self.start
        return np.searchsorted(keys, owner * span + day, side="right") - 1

    def at(self, owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        """f_owner(day) for each (owner, day)."""
        owner = np.asarray(owner, dtype=np.int64)
        return self.value[self._step_of(owner, np.asarray(day, dtype=np.int64))]

    def min_over(
        self, owner: np.ndarray, first: np.ndarray, last: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """min over first ≤ day ≤ last of f_owner(day), and the first day it is reached."""
        owner = np.asarray(owner, dtype=np.int64)
        first = np.asarray(first, dtype=np.int64)
        last = np.asarray(last, dtype=np.int64)
        if owner.shape[0] == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        k_first = self._step_of(owner, first)
        k_last = self._step_of(owner, last)
        n_steps = self.start.shape[0]
        packed = ((self.value + _VALUE_OFFSET) << _POSITION_BITS) | np.arange(n_steps)
        packed = np.append(packed, 0)  # reduceat needs an index past the last range
        bounds = np.empty(2 * owner.shape[0], dtype=np.int64)
        bounds[0::2], bounds[1::2] = k_first, k_last + 1
        smallest = np.minimum.reduceat(packed, bounds)[0::2]
        step = smallest & ((1 << _POSITION_BITS) - 1)
        value = (smallest >> _POSITION_BITS) - _VALUE_OFFSET
        return value, np.maximum(self.start[step], first)

    def to_dense(self, days: int) -> np.ndarray:
        """The (owners × days) array of values on days 0..days−1."""
        owner_of_step = np.repeat(np.arange(self.n_owners, dtype=np.int64), np.diff(self.offset))
        out = np.zeros((self.n_owners, days + 1), dtype=np.int64)
        inside = self.start < days
        delta = self.value.copy()
        delta[1:] -= np.where(owner_of_step[1:] == owner_of_step[:-1], self.value[:-1], 0)
        np.add.at(out, (owner_of_step[inside], self.start[inside]), delta[inside])
        return np.cumsum(out, axis=1)[:, :days]
