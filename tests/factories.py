import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Agency, Role, User
from accounts.validators import luhn_check_digit
from marketplace import models as m


def org_number_for(n: int) -> str:
    body = f"2021{n:05d}"[-9:]
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Myndighet {n}")
    slug = factory.Sequence(lambda n: f"myndighet-{n}")
    org_number = factory.Sequence(org_number_for)
    contact_email = factory.Sequence(lambda n: f"kontakt{n}@myndighet.se")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.se")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.SPECIALIST
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("correct-horse-battery")


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    agency = None


class AdminFactory(UserFactory):
    role = Role.ADMIN
    agency = None
    is_staff = True
    is_superuser = True


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Skill
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Skill {n}")
    category = m.SkillCategory.CLOUD


class SpecialistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Specialist

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..agency"))
    title = "Molnarkitekt"
    shareable = True
    max_share_percent = 100
    languages = factory.LazyFunction(lambda: ["sv", "en"])
    region = m.Region.AB


class SpecialistSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SpecialistSkill

    specialist = factory.SubFactory(SpecialistFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 3


def future(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Availability

    specialist = factory.SubFactory(SpecialistFactory)
    start = factory.LazyFunction(lambda: future(1))
    end = factory.LazyFunction(lambda: future(365))
    capacity_percent = 50


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Need

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Behov {n}")
    description = "Vi behöver stöd."
    start = factory.LazyFunction(lambda: future(30))
    end = factory.LazyFunction(lambda: future(120))
    capacity_percent = 40
    status = m.NeedStatus.OPEN
    published_at = factory.LazyFunction(timezone.now)


class DraftNeedFactory(NeedFactory):
    status = m.NeedStatus.DRAFT
    published_at = None


class NeedSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.NeedSkill

    need = factory.SubFactory(NeedFactory)
    skill = factory.SubFactory(SkillFactory)
    min_level = 3
    required = True
    need_created_at = factory.SelfAttribute("need.created_at")


class PublishableDraftNeedFactory(DraftNeedFactory):
    """A draft with the one required skill a need must have to be published."""

    required_skill = factory.RelatedFactory(NeedSkillFactory, factory_related_name="need")


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Match

    need = factory.SubFactory(NeedFactory)
    specialist = factory.SubFactory(SpecialistFactory)
    need_agency = factory.SelfAttribute("need.agency")
    specialist_agency = factory.SelfAttribute("specialist.agency")
    status = m.MatchStatus.PROPOSED
    score = 0.5
    capacity_percent = factory.SelfAttribute("need.capacity_percent")
    start = factory.SelfAttribute("need.start")
    end = factory.SelfAttribute("need.end")
    proposed_by = m.ProposedBy.NOMINATION
