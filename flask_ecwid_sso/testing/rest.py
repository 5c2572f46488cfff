"""The fake's REST API: ``/api/v3/{store_id}/customers...`` and ``/profile``, in Ecwid's shapes."""

from __future__ import annotations

import typing as t

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .customers import email_taken, new_customer, update_customer
from .fields import parse_response_fields, select_fields
from .gate import ApiEndpoint
from .responses import error_response, json_response, read_json_body
from .search import WrongParameter, read_search

if t.TYPE_CHECKING:
    from .fake import FakeEcwid

__all__ = ["RestApi"]

_EMAIL_TAKEN = "A customer with this email already exists"


class RestApi:
    """The REST endpoints of ``fake``'s store, each an :class:`ApiEndpoint` with its scope.

    The handlers run with the fake's ``lock`` held, after the gate's checks,
    and read and change ``fake.customers``. Every successful answer honours
    ``responseFields``.
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
        """``GET /customers``: Ecwid's terms, filters, ``sortBy`` and paging (:mod:`.search`)."""
        try:
            search = read_search(request.args)
        except WrongParameter as exc:
            return error_response(400, str(exc))
        customers = self.fake.customers
        found = search.run(customers)
        items = found[search.offset : search.offset + search.limit]
        return answer(
            request,
            {
                "total": len(found),
                "count": len(items),
                "offset": search.offset,
                "limit": search.limit,
                "items": items,
                "allCustomerCount": len(customers),
            },
        )

    def get_customer(self, request: Request, customer_id: int) -> Response:
        """``GET /customers/{id}``: the customer, or 404."""
        customer = self.fake.find_customer(customer_id)
        if customer is None:
            return error_response(404, f"Customer #{customer_id} not found")
        return answer(request, customer)

    def create_customer(self, request: Request) -> Response:
        """``POST /customers``: ``{"id": ...}``; 409 ``CONSTRAINT_VIOLATION`` for a taken email."""
        body = _customer_body(request, email_required=True)
        if isinstance(body, Response):
            return body
        if email_taken(self.fake.customers, body["email"]):
            return error_response(409, _EMAIL_TAKEN)
        customer = self.fake.add_customer(new_customer(body, self.fake.clock()))
        return answer(request, {"id": customer["id"]})

    def update_customer(self, request: Request, customer_id: int) -> Response:
        """``PUT /customers/{id}``: ``{"updateCount": 1}``, or ``0`` when nothing changed."""
        customer = self.fake.find_customer(customer_id)
        if customer is None:
            return error_response(404, f"Customer #{customer_id} not found")
        body = _customer_body(request, email_required=False)
        if isinstance(body, Response):
            return body
        email = body.get("email")
        if email is not None and email_taken(self.fake.customers, email, other_than=customer_id):
            return error_response(409, _EMAIL_TAKEN)
        changed = update_customer(customer, body, self.fake.clock())
        return answer(request, {"updateCount": int(changed)})

    def delete_customer(self, request: Request, customer_id: int) -> Response:
        """``DELETE /customers/{id}``: ``{"deleteCount": 1}``."""
        customer = self.fake.find_customer(customer_id)
        if customer is None:
            return error_response(404, f"Customer #{customer_id} not found")
        self.fake.customers.remove(customer)
        return answer(request, {"deleteCount": 1})

    def store_profile(self, request: Request) -> Response:
        """``GET /profile``: the store profile, with the plan's ``features`` and ``suspended``."""
        fake = self.fake
        return answer(
            request,
            {
                "generalInfo": {
                    "storeId": fake.store_id,
                    "profileId": f"p{fake.store_id}",
                    "storeUrl": f"{request.host_url}store",
                    # Ecwid's value for a site that is none of its named platforms.
                    "websitePlatform": "unknown",
                    "storefrontUrlFormat": "CLEAN",
                    "storefrontUrlSlugFormat": "WITHOUT_IDS",
                },
                "account": {
                    "accountName": "Fake Owner",
                    "accountNickName": "fake",
                    "accountEmail": "owner@example.com",
                    "suspended": fake.suspended,
                    "availableFeatures": sorted(fake.features),
                },
                "settings": {"storeName": "Fake Ecwid store", "closed": False},
                "company": {"companyName": "Fake Ecwid", "countryCode": "US"},
                "languages": {"enabledLanguages": ["en"], "defaultLanguage": "en"},
            },
        )


def answer(request: Request, body: t.Any) -> Response:
    """``body`` as JSON, cut down to the request's ``responseFields`` when it names some."""
    fields = request.args.get("responseFields")
    if fields is None:
        return json_response(body)
    try:
        selection = parse_response_fields(fields)
    except ValueError as exc:
        return error_response(400, str(exc))
    return json_response(select_fields(body, selection))


def _customer_body(request: Request, *, email_required: bool) -> dict[str, t.Any] | Response:
    """The customer a POST or PUT sends, or Ecwid's 400 for a field of the wrong shape."""
    body = read_json_body(request)
    if isinstance(body, Response):
        return body
    email = body.get("email")
    if ("email" in body or email_required) and (not isinstance(email, str) or "@" not in email):
        return error_response(400, "A customer needs an email address")
    if "name" in body and not isinstance(body["name"], str):
        return error_response(400, "name must be a string")
    person = body.get("billingPerson")
    if person is not None and (
        not isinstance(person, dict) or not all(isinstance(v, str) for v in person.values())
    ):
        return error_response(400, "billingPerson must be an object of strings")
    return body
