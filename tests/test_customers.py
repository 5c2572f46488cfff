"""Customers read through the client: typed fields, lenient persons, unreadable records."""

from __future__ import annotations

import datetime
import json
import re
import typing as t

import pytest
from helpers import MakeClient, serving
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.wrappers import Request, Response

from flask_ecwid_sso import Customer, CustomerPage, EcwidAPIError, EcwidClient, Person
from flask_ecwid_sso.customer_params import customer_body
from flask_ecwid_sso.customers import CustomerPerson
from flask_ecwid_sso.testing import FakeEcwid

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


@pytest.fixture
def client(make_client: MakeClient) -> EcwidClient:
    return make_client()


def test_get_customer_reads_ecwid_fields(fake_ecwid: FakeEcwid, client: EcwidClient) -> None:
    stored = fake_ecwid.add_customer(
        {
            "email": "ann@example.com",
            "billingPerson": {"name": "Ann Lee", "city": "Boston", "firstName": "Ann"},
            "shippingAddresses": [{"name": "Ann Lee", "street": "1 Main St"}],
            "customerGroupId": 7,
            "customerGroupName": "Wholesale",
            "registered": "2014-09-01 23:25:27 +0400",
            "updated": "2015-01-02 03:04:05 -0500",
            "lang": "en",
        }
    )

    customer = client.get_customer(stored["id"])

    assert customer.id == stored["id"]
    assert customer.email == "ann@example.com"
    assert customer.name == "Ann Lee"
    assert customer.billing_person is not None
    assert customer.billing_person.raw == {"name": "Ann Lee", "city": "Boston", "firstName": "Ann"}
    assert (customer.billing_person.name, customer.billing_person.city) == ("Ann Lee", "Boston")
    assert customer.billing_person.first_name == "Ann"
    assert [address.raw for address in customer.shipping_addresses] == [
        {"name": "Ann Lee", "street": "1 Main St"}
    ]
    assert customer.shipping_addresses[0].street == "1 Main St"
    assert (customer.customer_group_id, customer.customer_group_name) == (7, "Wholesale")
    plus_four = datetime.timezone(datetime.timedelta(hours=4))
    assert customer.registered == datetime.datetime(2014, 9, 1, 23, 25, 27, tzinfo=plus_four)
    assert customer.updated is not None
    assert customer.updated.utcoffset() == datetime.timedelta(hours=-5)
    assert customer.raw["lang"] == "en"


def _strptime_reading(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None


# Ecwid's form, with any digits: out-of-range fields, leap days, odd zones; and with
# any Unicode digits, which only strptime reads.
ecwid_dates = st.from_regex(
    r"[0-9]{4}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-6][0-9]:[0-6][0-9] [+-][0-2][0-9][0-9]{2}",
    fullmatch=True,
)
unicode_digit_dates = st.from_regex(
    r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}", fullmatch=True
)


@given(ecwid_dates | unicode_digit_dates | st.text(max_size=30))
def test_customer_dates_read_as_strptime_reads_them(value: str) -> None:
    customer = Customer.from_ecwid({"id": 1, "registered": value, "updated": value})
    expected = _strptime_reading(value)
    assert customer.registered == expected
    assert customer.updated == expected
    if expected is not None:
        assert customer.registered is not None
        assert customer.registered.utcoffset() == expected.utcoffset()


def test_get_customer_is_lenient_with_a_guest_record(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    stored = fake_ecwid.add_customer(
        {"email": "", "registered": "yesterday", "billingPerson": {"phone": "1"}}
    )

    customer = client.get_customer(stored["id"])

    assert customer.email is None
    assert customer.name is None
    assert customer.registered is None
    assert customer.billing_person is not None
    assert customer.billing_person.raw == {"phone": "1"}
    assert (customer.billing_person.phone, customer.billing_person.name) == ("1", None)
    assert customer.shipping_addresses == ()
    assert customer.customer_group_id is None


# Persons


def test_a_person_reads_every_documented_field_in_snake_case() -> None:
    person = CustomerPerson.from_ecwid(
        {
            "name": "Ann Lee",
            "firstName": "Ann",
            "lastName": "Lee",
            "companyName": "Lee & Co",
            "street": "1 Main St",
            "city": "Boston",
            "countryCode": "US",
            "countryName": "United States",
            "postalCode": "02108",
            "stateOrProvinceCode": "MA",
            "phone": "555-0100",
        }
    )

    assert person == CustomerPerson(
        name="Ann Lee",
        first_name="Ann",
        last_name="Lee",
        company_name="Lee & Co",
        street="1 Main St",
        city="Boston",
        country_code="US",
        country_name="United States",
        postal_code="02108",
        state_or_province_code="MA",
        phone="555-0100",
        raw=person.raw,
    )


def test_a_person_keeps_unknown_keys_in_raw_and_reads_empty_text_as_none() -> None:
    person = CustomerPerson.from_ecwid({"name": "", "city": None, "stateOrProvinceName": "Ohio"})

    assert (person.name, person.city) == (None, None)
    assert person.raw == {"name": "", "city": None, "stateOrProvinceName": "Ohio"}
    assert "Ohio" not in repr(person)
    assert CustomerPerson().raw == {}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"billingPerson": {"name": 5}}, "billingPerson.name"),
        ({"billingPerson": {"name": "A", "countryCode": ["US"]}}, "billingPerson.countryCode"),
        ({"billingPerson": []}, "billingPerson"),
        ({"billingPerson": "Ann Lee"}, "billingPerson"),
        ({"shippingAddresses": {"name": "A"}}, "shippingAddresses"),
        ({"shippingAddresses": [{"name": "A"}, 7]}, "shippingAddresses[1]"),
        ({"shippingAddresses": [{"phone": 5550100}]}, "shippingAddresses[0].phone"),
    ],
)
def test_a_wrongly_typed_person_is_refused_naming_the_field(
    record: dict[str, t.Any], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(field)} must be"):
        Customer.from_ecwid({"id": 1, **record})


def test_a_wrongly_typed_person_from_the_api_is_an_api_error_naming_the_field(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    stored = fake_ecwid.add_customer({"email": "ann@example.com", "billingPerson": {"name": 5}})

    with pytest.raises(EcwidAPIError) as caught:
        client.get_customer(stored["id"])

    assert caught.value.status == 200
    assert "billingPerson.name must be a string" in caught.value.message
    assert caught.value.url == f"{fake_ecwid.api_url}/1003/customers/{stored['id']}"


def test_a_customer_without_an_integer_id_is_refused() -> None:
    for record in ({}, {"id": "7"}, {"id": True}):
        with pytest.raises(ValueError, match=r"^id must be an integer"):
            Customer.from_ecwid(record)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"email": 5}, "email"),
        ({"name": ["Ann"]}, "name"),
        ({"customerGroupId": "3"}, "customerGroupId"),
        ({"customerGroupId": 2.0}, "customerGroupId"),
        ({"customerGroupName": {}}, "customerGroupName"),
        ({"registered": 1_700_000_000}, "registered"),
        ({"updated": True}, "updated"),
    ],
)
def test_a_wrongly_typed_customer_field_is_refused_naming_it(
    record: dict[str, t.Any], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field} must be"):
        Customer.from_ecwid({"id": 1, **record})


def test_missing_and_null_customer_fields_are_none_and_unknown_ones_stay_in_raw() -> None:
    customer = Customer.from_ecwid(
        {"id": 1, "email": None, "customerGroupId": None, "stats": {"orders": [1] * 3}}
    )

    assert customer == Customer(id=1, raw=customer.raw)
    assert customer.raw["stats"] == {"orders": [1, 1, 1]}


def test_a_customer_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="must be an object, not list"):
        Customer.from_ecwid([{"id": 1}])


def test_the_name_falls_back_to_the_billing_persons() -> None:
    assert Customer.from_ecwid({"id": 1, "billingPerson": {"name": "Bo"}}).name == "Bo"
    assert (
        Customer.from_ecwid({"id": 1, "name": "Al", "billingPerson": {"name": "Bo"}}).name == "Al"
    )
    assert Customer.from_ecwid({"id": 1, "billingPerson": None}).billing_person is None


def test_a_person_read_from_ecwid_is_written_back_as_ecwid_sent_it(
    fake_ecwid: FakeEcwid, client: EcwidClient
) -> None:
    stored = fake_ecwid.add_customer(
        {
            "email": "ann@example.com",
            "billingPerson": {"name": "Ann", "stateOrProvinceName": "Ohio"},
        }
    )
    person = client.get_customer(stored["id"]).billing_person
    assert person is not None

    customer_id = client.create_customer(
        "copy@example.com", billing_person=person, shipping_addresses=[person]
    )

    copy = fake_ecwid.find_customer(customer_id)
    assert copy is not None
    sent = {"name": "Ann", "stateOrProvinceName": "Ohio"}
    # The fake, like Ecwid, adds firstName and lastName from the name.
    assert copy["billingPerson"].items() >= sent.items()
    assert copy["shippingAddresses"] == [sent]


# Request bodies


def test_a_body_holds_only_the_fields_given_in_ecwids_names() -> None:
    body = customer_body(
        "ann@example.com",
        {
            "billing_person": Person(name="Ann Lee", city="Boston"),
            "customer_group_id": 3,
            "accept_marketing": False,
            "lang": None,
            "extra": {"taxId": "X1"},
        },
    )

    assert body == {
        "taxId": "X1",
        "email": "ann@example.com",
        "billingPerson": {"name": "Ann Lee", "city": "Boston"},
        "customerGroupId": 3,
        "acceptMarketing": False,
    }


def test_a_name_fills_the_billing_persons_only_when_it_has_none() -> None:
    assert customer_body(None, {"name": "Al"}) == {"billingPerson": {"name": "Al"}}
    assert customer_body(None, {"name": "Al", "billing_person": {"name": "Bo"}}) == {
        "billingPerson": {"name": "Bo"}
    }
    assert customer_body(None, {"name": "Al", "billing_person": {"city": "Rome"}}) == {
        "billingPerson": {"name": "Al", "city": "Rome"}
    }


def test_an_unknown_field_is_a_type_error_naming_it(client: EcwidClient) -> None:
    with pytest.raises(TypeError, match="'billingPerson'"):
        client.create_customer("ann@example.com", billingPerson={"name": "A"})  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'group'"):
        client.update_customer(1, group=3)  # type: ignore[call-arg]


# Pages


def page_server(page: object) -> t.Any:
    """A server whose ``GET /customers`` answers ``page`` (as JSON) whatever is asked."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        assert Request(environ).path == "/1003/customers"
        return Response(json.dumps(page), mimetype="application/json")(environ, start_response)

    return serving(app)


GOOD_PAGE: dict[str, t.Any] = {
    "total": 1,
    "count": 1,
    "offset": 0,
    "limit": 100,
    "items": [{"id": 7, "email": "ann@example.com"}],
}


def test_a_page_reads_its_numbers_and_customers() -> None:
    page = CustomerPage.from_ecwid({**GOOD_PAGE, "allCustomerCount": 9})

    assert (page.total, page.count, page.offset, page.limit) == (1, 1, 0, 100)
    assert page.all_customer_count == 9
    assert [customer.id for customer in page.items] == [7]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"total": "1"}, "total must be a whole number, not str"),
        ({"count": True}, "count must be a whole number, not bool"),
        ({"offset": -1}, "offset must be a whole number, not a negative number"),
        ({"limit": 1.5}, "limit must be a whole number, not float"),
        ({"allCustomerCount": "many"}, "allCustomerCount must be a whole number, not str"),
        ({"items": {"0": {"id": 7}}}, "items must be a list, not dict"),
        ({"items": [7]}, "items[0]: a customer must be an object, not int"),
        ({"items": [{"email": "no-id@example.com"}]}, "items[0]: id must be an integer"),
        ({"items": [{"id": 7, "billingPerson": [1]}]}, "items[0]: billingPerson must be an"),
        ({"count": 2}, "count says 2, but items holds 1 customers"),
    ],
)
def test_a_malformed_page_is_an_api_error_naming_the_field(
    changes: dict[str, t.Any], why: str
) -> None:
    with (
        page_server({**GOOD_PAGE, **changes}) as url,
        EcwidClient(1003, "secret_x", base_url=url) as client,
        pytest.raises(EcwidAPIError) as caught,
    ):
        client.search_customers()

    assert caught.value.status == 200
    assert caught.value.message.startswith("Ecwid answered with an unreadable customer page: ")
    assert why in caught.value.message
    assert caught.value.url == f"{url}/1003/customers"


def test_a_page_missing_its_numbers_takes_them_from_the_request_and_its_items() -> None:
    page = CustomerPage.from_ecwid({"items": [{"id": 7}, {"id": 8}]}, offset=40, limit=2)

    assert (page.total, page.count, page.offset, page.limit) == (42, 2, 40, 2)
    assert page.all_customer_count is None
    assert CustomerPage.from_ecwid({}).items == ()


def test_a_page_of_nulls_is_an_empty_last_page() -> None:
    with (
        page_server({"total": None, "count": None, "items": None}) as url,
        EcwidClient(1003, "secret_x", base_url=url) as client,
    ):
        assert client.find_customer_by_email("ann@example.com") is None


def test_a_created_customer_without_an_id_is_an_api_error() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        return Response('{"created": true}', mimetype="application/json")(environ, start_response)

    with (
        serving(app) as url,
        EcwidClient(1003, "secret_x", base_url=url) as client,
        pytest.raises(EcwidAPIError) as caught,
    ):
        client.create_customer("ann@example.com")

    assert (caught.value.status, caught.value.method) == (200, "POST")
    assert "without the new customer's id" in caught.value.message
