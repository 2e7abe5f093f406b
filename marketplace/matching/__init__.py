"""Matching: plain data in, plain data out (dataclasses and NumPy arrays), no Django.

`problem` holds the data shapes, `scoring` the score formula, `shortlist` the hard
constraints and the ranked shortlist for one need, `explain` the words for breakdowns.
`loader` is the one Django module here: it builds the index from the database.
"""
