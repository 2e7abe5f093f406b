"""Query-string filters of the profile and need lists.

The directory's and the board's filters are the searches of marketplace.selectors.searches,
which the web pages and saved searches use too.
"""

import django_filters

from marketplace.models import Skill, SkillCategory
from marketplace.selectors.filtering import ListFilterSet
from marketplace.selectors.searches import NeedFilter, SpecialistFilter

__all__ = ["NeedFilter", "SkillFilter", "SpecialistFilter"]


class SkillFilter(ListFilterSet):
    category = django_filters.ChoiceFilter(choices=SkillCategory.choices)

    class Meta:
        model = Skill
        fields = ["category"]
