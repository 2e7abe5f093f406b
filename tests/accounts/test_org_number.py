import pytest
from django.core.exceptions import ValidationError

from accounts.validators import luhn_check_digit, validate_org_number


@pytest.mark.parametrize(
    "org_number",
    [
        "202100-5489",
        "202100-2114",
        "202100-5000",
        "556036-0793",
    ],
)
def test_real_agency_org_numbers_are_valid(org_number):
    validate_org_number(org_number)


@pytest.mark.parametrize(
    "org_number", ["2021005489", "202100-548", "20210-05489", "abcdef-ghij", ""]
)
def test_org_number_with_bad_format_is_rejected(org_number):
    with pytest.raises(ValidationError) as error:
        validate_org_number(org_number)
    assert error.value.code == "format"


def test_org_number_with_wrong_check_digit_is_rejected():
    with pytest.raises(ValidationError) as error:
        validate_org_number("202100-5488")
    assert error.value.code == "check_digit"


def test_luhn_check_digit_matches_known_value():
    assert luhn_check_digit("202100548") == 9
