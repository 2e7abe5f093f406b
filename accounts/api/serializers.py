from rest_framework import serializers

from accounts.models import Agency, Role, User

LANGUAGE_CHOICES = User._meta.get_field("language").choices


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "slug", "org_number", "contact_email"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        allow_blank=True,
        read_only=True,
        help_text="Blank until chosen: the person's browser chooses at their first login.",
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "agency", "language", "is_active"]
        read_only_fields = fields


class TokenObtainInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.RegexField(
        r"^\s*\d{6}\s*$",
        required=False,
        allow_blank=True,
        help_text="The 6-digit code of the authenticator app: required for coordinators, "
        "admins and everybody who turned two-factor authentication on.",
        error_messages={"invalid": "Give the 6 digits of your authenticator app."},
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class UserInviteInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(
        choices=Role.choices,
        required=False,
        help_text="Defaults to specialist; managers may only invite specialists.",
    )
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="Defaults to the manager's own agency; required for specialists and "
        "managers invited by an admin.",
    )
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        default="",
        allow_blank=True,
        help_text="Blank: the person's browser chooses at their first login.",
    )
    password = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        help_text="Admins only: set the password directly instead of emailing a link.",
    )


class UserUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    is_active = serializers.BooleanField(required=False, help_text="Admins and managers.")
    role = serializers.ChoiceField(choices=Role.choices, required=False, help_text="Admins only.")
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, help_text="Admins only."
    )
    password = serializers.CharField(
        required=False, write_only=True, trim_whitespace=False, help_text="Admins only."
    )
