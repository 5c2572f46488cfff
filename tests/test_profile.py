from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from flask_ecwid_sso import Person, Profile, ProfileError


def test_to_ecwid_uses_documented_order_and_leaves_out_absent_fields() -> None:
    profile = Profile(
        email="ann@example.com",
        billing_person=Person(name="Ann", phone="+1 555", city="Boston", country_code="us"),
        shipping_addresses=(Person(name="Ann", street="1 Main St"),),
        registered=1_700_000_000,
    )
    data = profile.to_ecwid()
    assert list(data) == ["email", "billingPerson", "shippingAddresses", "registered"]
    assert list(data["billingPerson"]) == ["name", "city", "countryCode", "phone"]
    assert data["billingPerson"]["countryCode"] == "US"
    assert data["shippingAddresses"] == [{"name": "Ann", "street": "1 Main St"}]
    assert Profile(email="ann@example.com").to_ecwid() == {"email": "ann@example.com"}


def test_from_ecwid_reads_back_what_to_ecwid_writes() -> None:
    profile = Profile(
        email="ann@example.com",
        billing_person=Person(
            name="Ann Lee",
            company_name="Lee & Co",
            street="1 Main St",
            city="Boston",
            country_code="US",
            country_name="United States",
            postal_code="02108",
            state_or_province_code="MA",
            phone="+1 555 0100",
        ),
        shipping_addresses=(Person(name="Ann"), Person(name="Bo")),
        registered=1,
    )
    assert Profile.from_ecwid(profile.to_ecwid()) == profile


def test_person_fields_accept_mappings_in_ecwid_shape() -> None:
    profile = Profile(email="a@example.com", billing_person={"name": "A", "postalCode": "1"})  # type: ignore[arg-type]
    assert profile.billing_person == Person(name="A", postal_code="1")


@pytest.mark.parametrize(
    "email",
    ["test@example.com", "jürgen@example.com", "a+tag@sub.example.co.uk", "用户@例子.中国"],
)
def test_plausible_emails_are_accepted(email: str) -> None:
    assert Profile(email=email).email == email


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "no-at-sign",
        "two@@example.com",
        "a@b",
        "a b@example.com",
        "a@example.com\n",
        "@example.com",
        "a@.com",
        "a@example..com",
        "x" * 250 + "@example.com",
    ],
)
def test_implausible_emails_are_refused_naming_the_field(email: str) -> None:
    with pytest.raises(ProfileError) as info:
        Profile(email=email)
    assert info.value.field == "email"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": None}, "name"),
        ({"name": 42}, "name"),
        ({"name": "A", "country_code": "USA"}, "country_code"),
        ({"name": "A", "country_code": "1A"}, "country_code"),
        ({"name": "A", "phone": 5550100}, "phone"),
        ({"name": "A", "postal_code": 2108}, "postal_code"),
    ],
)
def test_person_validation_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as info:
        Person(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert field in str(info.value)


@pytest.mark.parametrize("name", ["", " ", "Ann "])
def test_a_name_may_be_empty_as_ecwids_wordpress_plugin_sends_it(name: str) -> None:
    # WordPress users without first, last or nick name reach Ecwid as {"name": ""}.
    profile = Profile.from_ecwid({"email": "a@example.com", "billingPerson": {"name": name}})
    assert profile.to_ecwid()["billingPerson"] == {"name": name}


@pytest.mark.parametrize("registered", [1.5, "1700000000", True, -1, 253_402_300_800])
def test_registered_must_be_a_whole_timestamp(registered: object) -> None:
    with pytest.raises(ProfileError) as info:
        Profile(email="a@example.com", registered=registered)  # type: ignore[arg-type]
    assert info.value.field == "registered"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "email"),
        ({"email": "a@example.com", "billing_person": {"name": "A"}}, "billing_person"),
        ({"email": "a@example.com", "billingPerson": {"company": "X", "name": "A"}}, "company"),
        ({"email": "a@example.com", "billingPerson": {"city": "X"}}, "name"),
        ({"email": "a@example.com", "billingPerson": "Ann"}, "billingPerson"),
        ({"email": "a@example.com", "shippingAddresses": {"name": "A"}}, "shippingAddresses"),
        (
            {"email": "a@example.com", "shippingAddresses": [{"name": "A", "countryCode": 1}]},
            "shippingAddresses[0].countryCode",
        ),
    ],
)
def test_from_ecwid_names_the_bad_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as info:
        Profile.from_ecwid(data)
    assert info.value.field is not None
    assert info.value.field.endswith(field)


def test_profiles_are_frozen() -> None:
    profile = Profile(email="a@example.com")
    with pytest.raises(AttributeError):
        profile.email = "b@example.com"  # type: ignore[misc]


@pytest.mark.parametrize("data", [["email"], "a@example.com", None])
def test_a_profile_or_person_that_is_not_a_mapping_is_refused(data: object) -> None:
    with pytest.raises(ProfileError) as info:
        Profile.from_ecwid(data)  # type: ignore[arg-type]
    assert info.value.field == "profile"
    with pytest.raises(ProfileError) as info:
        Person.from_ecwid(data)  # type: ignore[arg-type]
    assert info.value.field == "person"


@pytest.mark.parametrize("addresses", ["1 Main St", {"name": "A"}, 5])
def test_shipping_addresses_must_be_a_sequence(addresses: object) -> None:
    with pytest.raises(ProfileError) as info:
        Profile(email="a@example.com", shipping_addresses=addresses)  # type: ignore[arg-type]
    assert info.value.field == "shipping_addresses"


def test_no_shipping_addresses_are_kept_as_an_empty_tuple() -> None:
    profile = Profile(email="a@example.com", shipping_addresses=[])  # type: ignore[arg-type]
    assert profile.shipping_addresses == ()
    assert "shippingAddresses" not in profile.to_ecwid()


@pytest.mark.parametrize("cls", [Person, Profile])
def test_constructor_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    # The constructors are written out for speed: they must still be the dataclass's.
    parameters = [
        (parameter.name, parameter.default)
        for parameter in inspect.signature(cls).parameters.values()
    ]
    fields = [
        (
            field.name,
            inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default,
        )
        for field in dataclasses.fields(cls)
    ]
    assert parameters == fields


def test_profiles_stay_frozen_and_survive_replace_and_pickle() -> None:
    profile = Profile(
        email="ann@example.com",
        billing_person={"name": "Ann", "countryCode": "us"},
        shipping_addresses=[Person(name="Ann", street="1 Main St")],
        registered=1_700_000_000,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.email = "bob@example.com"  # type: ignore[misc]
    assert profile.billing_person == Person(name="Ann", country_code="US")
    assert profile.shipping_addresses == (Person(name="Ann", street="1 Main St"),)
    restored = pickle.loads(pickle.dumps(profile))  # noqa: S301 - our own bytes
    assert restored == profile
    assert hash(restored) == hash(profile)
    moved = dataclasses.replace(profile, email="bob@example.com")
    assert (moved.email, moved.billing_person) == ("bob@example.com", profile.billing_person)
    with pytest.raises(ProfileError):
        dataclasses.replace(profile, email="not an address")
