import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_NUMBER_PATTERN = re.compile(r"^\d{6}-\d{4}$")


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for a string of digits (weights 2,1,2,1,... from the left)."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def validate_org_number(value: str) -> None:
    """A Swedish organisationsnummer: NNNNNN-NNNN whose last digit is the Luhn check digit."""
    if not ORG_NUMBER_PATTERN.match(value or ""):
        raise ValidationError(
            _("Enter an organisation number in the form NNNNNN-NNNN."), code="format"
        )
    digits = value.replace("-", "")
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("The organisation number's check digit is wrong."), code="check_digit"
        )
