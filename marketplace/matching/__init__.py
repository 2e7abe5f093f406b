"""Matching: plain data in, plain data out (dataclasses and NumPy arrays), no Django.

`problem` holds the data shapes, `scoring` the score formula, `shortlist` the hard
constraints and the ranked shortlist for one need, `explain` the words for breakdowns.
No Django here: `marketplace.selectors.specialist_index` builds the index from the database
and `marketplace.services.specialist_index` keeps it fresh; `capacity` holds the one
free-capacity rule.
"""
