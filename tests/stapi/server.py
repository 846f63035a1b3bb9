"""A STAPI server for the tests: PyPI's stapi-fastapi (the reference implementation) with an
in-memory backend of our own and two products.

Usage: python server.py [--port N]   (0, the default, picks a free port)
It binds 127.0.0.1 only and prints one line, `listening http://127.0.0.1:PORT`, once it
accepts connections; it stops when its standard input closes (so a test that dies takes the
server with it).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

import uvicorn
from fastapi import FastAPI, Request
from geojson_pydantic import Polygon
from pydantic import BaseModel, ConfigDict, Field
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, ResultE, Success
from stapi_fastapi import RootRouter
from stapi_fastapi.conformance import API as API_CONFORMANCE
from stapi_fastapi.errors import QueryablesError
from stapi_fastapi.models.product import Product
from stapi_pydantic import (
    Opportunity,
    OpportunityPayload,
    OpportunityProperties,
    Order,
    OrderParameters,
    OrderPayload,
    OrderProperties,
    OrderSearchParameters,
    OrderStatus,
    OrderStatusCode,
    Provider,
    ProviderRole,
    Queryables,
)

# ---- product 1: optical, Point or Polygon ----


class Resolution(StrEnum):
    thirty = "30cm"
    fifty = "50cm"
    seventy = "70cm"


class OpticalQueryables(Queryables):
    """What an opportunity search or an order may filter on."""

    off_nadir: Annotated[float, Field(ge=0, le=45, description="Off-nadir angle, degrees")] = 30
    cloud_cover: Annotated[int, Field(ge=0, le=100, description="Cloud cover, percent")] = 20
    sun_elevation: Annotated[float, Field(ge=0, le=90, description="Sun elevation, degrees")] = 20


class OpticalOrderParameters(OrderParameters):
    resolution: Resolution = Field(description="Ground sample distance of the delivered image")
    bands: Literal["pan", "rgb", "rgbn"] = "rgb"
    priority: Annotated[int, Field(ge=1, le=5, description="1 is the highest")] = 3
    reference: Annotated[str, Field(pattern=r"^[A-Z]{2}-[0-9]{4}$", description="Your reference, like AB-1234")]
    note: Annotated[str | None, Field(max_length=40)] = None


# ---- product 2: radar, Polygon only ----


class Polarization(StrEnum):
    hh = "HH"
    vv = "VV"
    hv = "HV"
    vh = "VH"


class RadarQueryables(Queryables):
    incidence_angle: Annotated[float, Field(ge=15, le=60, description="Incidence angle, degrees")] = 35
    look_direction: Literal["left", "right"] = "right"


class RadarOrderParameters(OrderParameters):
    # Published, not enforced by pydantic: spotlight allows at most 4 looks (if/then/else).
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {"properties": {"mode": {"const": "spotlight"}}, "required": ["mode"]},
            "then": {"properties": {"looks": {"maximum": 4}}},
            "else": {"properties": {"looks": {"minimum": 1}}},
        },
    )

    mode: Literal["spotlight", "stripmap", "scansearch"]
    polarization: Polarization = Polarization.vv
    looks: Annotated[int, Field(ge=1, le=16, multiple_of=1)] = 1
    orbit_direction: Literal["ascending", "descending"] | None = None
    project_code: Annotated[str | None, Field(pattern=r"^P[0-9]{3}$")] = None


# ---- the in-memory backend ----

ORDERS: dict[str, Order] = {}
STATUSES: dict[str, list[OrderStatus]] = {}
LOCK = threading.Lock()


async def create_order(router, payload: OrderPayload, request: Request) -> ResultE[Order]:
    # A business rule no schema states, so the server alone refuses it (422, as
    # stapi-fastapi's QueryablesError): priority 1 is not sold for panchromatic images.
    params = payload.order_parameters
    if getattr(params, "bands", None) == "pan" and getattr(params, "priority", None) == 1:
        return Failure(
            QueryablesError(
                [
                    {
                        "type": "value_error",
                        "loc": ["body", "order_parameters", "priority"],
                        "msg": "priority 1 is not offered for pan images",
                    }
                ]
            )
        )
    order_id = str(uuid.uuid4())
    status = OrderStatus.new(OrderStatusCode.received)
    order = Order(
        id=order_id,
        geometry=payload.geometry,
        properties=OrderProperties(
            product_id=router.product.id,
            created=datetime.now(UTC),
            status=status,
            search_parameters=OrderSearchParameters(
                datetime=payload.datetime, geometry=payload.geometry, filter=payload.filter
            ),
            order_parameters=payload.order_parameters.model_dump(),
            opportunity_properties={
                "datetime": f"{payload.datetime[0].isoformat()}/{payload.datetime[1].isoformat()}",
                "product_id": router.product.id,
            },
        ),
        links=[],
    )
    with LOCK:
        ORDERS[order_id] = order
        # Accepted a second after it was received; `properties.status` stays at the status the
        # order was created with, as servers may leave it.
        accepted = OrderStatus(
            timestamp=status.timestamp + timedelta(seconds=1), status_code=OrderStatusCode.accepted
        )
        STATUSES[order_id] = [status, accepted]
    return Success(order)


async def get_orders(next: str | None, limit: int, request: Request):
    with LOCK:
        orders = list(ORDERS.values())
    return Success((orders, Nothing, Some(len(orders))))


async def get_order(order_id: str, request: Request):
    with LOCK:
        return Success(Maybe.from_optional(ORDERS.get(order_id)))


async def get_order_statuses(order_id: str, next: str | None, limit: int, request: Request):
    with LOCK:
        statuses = STATUSES.get(order_id)
    if statuses is None:
        return Success(Nothing)
    # Oldest first, as stored: the spec does not order the list, so clients must sort it.
    return Success(Some((list(statuses), Nothing)))


async def search_opportunities(router, search: OpportunityPayload, next: str | None, limit: int, request: Request):
    """Three daily windows of 20 minutes at 10:30 UTC inside the searched interval."""
    start, end = search.datetime
    day = start.replace(hour=10, minute=30, second=0, microsecond=0)
    if day < start:
        day += timedelta(days=1)
    found = []
    while day + timedelta(minutes=20) <= end and len(found) < min(limit, 3):
        window = f"{day.isoformat()}/{(day + timedelta(minutes=20)).isoformat()}"
        found.append(
            Opportunity(
                geometry=search.geometry,
                properties=OpportunityProperties(datetime=window, product_id=router.product.id, off_nadir=12.5 + len(found)),
            )
        )
        day += timedelta(days=1)
    return Success((found, Nothing))


PROVIDER = Provider(name="tasking-ls tests", roles=[ProviderRole.producer], url="http://127.0.0.1/")

OPTICAL = Product(
    id="optical-30cm",
    title="Optical 30 cm",
    description="Very high resolution optical tasking (test product)",
    license="proprietary",
    conformsTo=["https://geojson.org/schema/Point.json", "https://geojson.org/schema/Polygon.json"],
    providers=[PROVIDER],
    links=[],
    create_order=create_order,
    search_opportunities=search_opportunities,
    queryables=OpticalQueryables,
    opportunity_properties=OpportunityProperties,
    order_parameters=OpticalOrderParameters,
)

RADAR = Product(
    id="sar-spotlight",
    title="SAR spotlight",
    description="X-band radar tasking (test product)",
    license="proprietary",
    conformsTo=["https://geojson.org/schema/Polygon.json"],
    providers=[PROVIDER],
    links=[],
    create_order=create_order,
    search_opportunities=search_opportunities,
    queryables=RadarQueryables,
    opportunity_properties=OpportunityProperties,
    order_parameters=RadarOrderParameters,
)


def app() -> FastAPI:
    root = RootRouter(
        get_orders=get_orders,
        get_order=get_order,
        get_order_statuses=get_order_statuses,
        conformances=[API_CONFORMANCE.core],
    )
    root.add_product(OPTICAL)
    root.add_product(RADAR)
    application = FastAPI()
    application.include_router(root, prefix="")
    return application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)

    def watch_stdin() -> None:
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=watch_stdin, daemon=True).start()

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                task.result()
                return
            await asyncio.sleep(0.02)
        print(f"listening http://127.0.0.1:{port}", flush=True)
        await task

    asyncio.run(serve())


if __name__ == "__main__":
    main()
