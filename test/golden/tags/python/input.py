"""Inventory service: stock levels, reservations and a tiny HTTP handler."""
from __future__ import annotations

import os
import os.path as osp
import json, logging
from dataclasses import dataclass, field
from typing import Dict, List as Seq, Optional
from . import models
from .errors import *
from ..util.clock import now

logger = logging.getLogger(__name__)
MAX_RESERVATION = 100
DEFAULT_WAREHOUSE: str = os.environ.get("WAREHOUSE", "main")


class OutOfStock(Exception):
    """Raised when a reservation exceeds what is on hand."""


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    quantity: int = 0
    tags: Seq[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.quantity > 0


class Inventory(models.Base):
    lock_timeout = 5.0

    def __init__(self, items: Optional[Dict[str, Item]] = None) -> None:
        self.items: Dict[str, Item] = items or {}
        self.log = logger.getChild("inventory")

    def reserve(self, sku: str, count: int) -> Item:
        item = self.items.get(sku)
        if item is None or item.quantity < count:
            raise OutOfStock(sku)
        if count > MAX_RESERVATION:
            raise ValueError(f"at most {MAX_RESERVATION}")
        updated = Item(item.sku, item.name, item.quantity - count)
        self.items[sku] = updated
        self.log.info("reserved %s x%d at %s", sku, count, now())
        return updated

    @staticmethod
    def from_file(path: str) -> "Inventory":
        with open(osp.join(os.getcwd(), path)) as fh:
            raw = json.load(fh)
        return Inventory({k: Item(**v) for k, v in raw.items()})

    class Snapshot:
        def __init__(self, inventory: Inventory):
            self.total = sum(i.quantity for i in inventory.items.values())


def handle_request(inventory: Inventory,
                   payload: dict) -> dict:
    def respond(status: int, body: dict) -> dict:
        return {"status": status, "body": body}

    try:
        item = inventory.reserve(payload["sku"], int(payload.get("count", 1)))
    except OutOfStock as exc:
        return respond(409, {"error": str(exc)})
    return respond(200, {"sku": item.sku})


async def refresh_all(inventories: Seq[Inventory]) -> None:
    for inv in inventories:
        await inv.sync()
