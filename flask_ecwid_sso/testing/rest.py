"""The fake's REST API: ``/api/v3/{store_id}/customers...`` and ``/profile``, in Ecwid's shapes."""

from __future__ import annotations

import typing as t

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .customers import ecwid_date, email_taken, matches_terms
from .gate import ApiEndpoint
from .responses import error_response, json_response, read_json_body

if t.TYPE_CHECKING:
    from .fake import FakeEcwid

__all__ = ["MAX_LIMIT", "RestApi"]

#: The largest page Ecwid serves.
MAX_LIMIT = 100


class RestApi:
    """The REST endpoints of ``fake``'s store, each an :class:`ApiEndpoint` with its scope.

    The handlers run with the fake's ``lock`` held, after the gate's checks,
    and read and change ``fake.customers``.
    """

    def __init__(self, fake: FakeEcwid) -> None:
        self.fake = fake

    def rules(self) -> list[Rule]:
        """The routes, under ``/api/v3/<int:store_id>``."""
        api = "/api/v3/<int:store_id>"
        routes: list[tuple[str, str, t.Any, str]] = [
            ("/customers", "GET", self.search_customers, "read_customers"),
            ("/customers", "POST", self.create_customer, "create_customers"),
            ("/customers/<int:customer_id>", "GET", self.get_customer, "read_customers"),
            ("/customers/<int:customer_id>", "PUT", self.update_customer, "update_customers"),
            ("/customers/<int:customer_id>", "DELETE", self.delete_customer, "update_customers"),
            ("/profile", "GET", self.store_profile, "read_store_profile"),
        ]
        return [
            Rule(api + path, methods=[method], endpoint=ApiEndpoint(handler, scope))
            for path, method, handler, scope in routes
        ]

    def search_customers(self, request: Request) -> Response:
        """``GET /customers``: Ecwid's search terms and paging."""
        try:
            offset = int(request.args.get("offset", 0))
            limit = int(request.args.get("limit", MAX_LIMIT))
        except ValueError:
            return error_response(400, "offset and limit must be integers")
        if offset < 0 or not 1 <= limit <= MAX_LIMIT:
            return error_response(400, f"offset must be 0 or more and limit 1 to {MAX_LIMIT}")
        terms = {
            key: request.args[key].casefold()
            for key in ("email", "keyword", "name")
            if key in request.args
        }
        customers = self.fake.customers
        found = [c for c in customers if matches_terms(c, terms)]
        items = found[offset : offset + limit]
        return json_response(
            {
                "total": len(found),
                "count": len(items),
                "offset": offset,
                "limit": limit,
                "items": items,
                "allCustomerCount": len(customers),
            }
        )

    def get_customer(self, request: Request, customer_id: int) -> Response:
        """``GET /customers/{id}``: the customer, or 404."""
        customer = self.fake.find_customer(customer_id)
        if customer is None:
            return error_response(404, f"Customer #{customer_id} not found")
        return json_response(customer)

    def create_customer(self, request: Request) -> Response:
        """``POST /customers``: ``{"id": ...}``, or 409 when the email is taken."""
        body = read_json_body(request)
        if isinstance(body, Response):
            return body
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            return error_response(400, "A customer needs an email")
        if email_taken(self.fake.customers, email):
            return error_response(
                409, "A customer with this email already exists", "CUSTOMER_EXISTS"
            )
        record = {
            "customerGroupId": 0,
            "customerGroupName": "General",
            "shippingAddresses": [],
            "acceptMarketing": False,
            **{key: value for key, value in body.items() if key != "id"},
        }
        billing_person = record.get("billingPerson")
        if isinstance(billing_person, dict) and "name" in billing_person:
            record["name"] = billing_person["name"]
        customer = self.fake.add_customer(record)
        return json_response({"id": customer["id"]})

    def update_customer(self, request: Request, customer_id: int) -> Response:
        """``PUT /customers/{id}``: ``{"updateCount": 1}``."""
        customer = self.fake.find_customer(customer_id)
        if customer is None:
            return error_response(404, f"Customer #{customer_id} not found")
        body = read_json_body(request)
        if isinstance(body, Response):
            return body
        email = body.get("email")
        if isinstance(email, str) and email_taken(
            self.fake.customers, email, other_than=customer_id
        ):
            return error_response(
                409, "A customer with this email already exists", "CUSTOMER_EXISTS"
            )
        customer.update({key: value for key, value in body.items() if key != "id"})
        billing_person = body.get("billingPerson")
        if isinstance(billing_person, dict) and "name" in billing_person:
            customer["name"] = billing_person["name"]
        customer["updated"] = ecwid_date()
        return json_response({"updateCount": 1})

    def delete_customer(self, request: Request, customer_id: int) -> Response:
        """``DELETE /customers/{id}``: ``{"deleteCount": 1}``."""
        customer = self.fake.find_customer(customer_id)
        if customer is None:
            return error_response(404, f"Customer #{customer_id} not found")
        self.fake.customers.remove(customer)
        return json_response({"deleteCount": 1})

    def store_profile(self, request: Request) -> Response:
        """``GET /profile``: the store profile."""
        return json_response(
            {
                "generalInfo": {
                    "storeId": self.fake.store_id,
                    "storeUrl": f"{request.host_url}store",
                    "websitePlatform": "custom",
                },
                "account": {
                    "accountName": "Fake Owner",
                    "accountNickName": "fake",
                    "accountEmail": "owner@example.com",
                    "availableFeatures": ["API", "CUSTOMER_ACCOUNTS", "SSO"],
                },
                "settings": {"storeName": "Fake Ecwid store", "closed": False},
                "company": {"companyName": "Fake Ecwid", "countryCode": "US"},
                "languages": {"enabledLanguages": ["en"], "defaultLanguage": "en"},
            }
        )
