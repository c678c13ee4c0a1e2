"""The shop's catalog: the merchant's own prices. Orders are priced from here, never
from what a client sends."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.core.money import Money


@dataclass(frozen=True)
class Goods:
    goods_id: str
    name: str
    price: Money
    icon: str
    description: str

    def to_json(self) -> dict:
        return {
            "goodsId": self.goods_id,
            "name": self.name,
            "price": self.price.to_wire(),
            "priceDisplay": self.price.format_display(),
            "icon": self.icon,
            "description": self.description,
        }


CATALOG: dict[str, Goods] = {
    g.goods_id: g
    for g in (
        Goods("latte", "Caffè Latte", Money(450, "USD"), "\u2615", "Double shot, steamed milk"),
        Goods("matcha", "Iced Matcha", Money(520, "USD"), "\U0001f375", "Ceremonial grade, oat milk"),
        Goods("croissant", "Butter Croissant", Money(325, "USD"), "\U0001f950", "Baked this morning"),
        Goods("bagel", "Sesame Bagel", Money(280, "USD"), "\U0001f96f", "With cream cheese"),
        Goods("cake", "Cheesecake Slice", Money(610, "USD"), "\U0001f370", "New York style"),
        Goods("beans", "House Blend Beans 250 g", Money(1499, "USD"), "\U0001fad8", "Medium roast, whole bean"),
    )
}

MAX_QUANTITY = 99
MAX_LINES = 20
