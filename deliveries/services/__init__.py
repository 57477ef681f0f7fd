"""Writes on deliveries, by purpose: routes, generation, confirmation, shared links."""

from deliveries.services.generation import (
    GenerationReport,
    ensure_deliveries_generated,
    generate_deliveries,
)
from deliveries.services.routes import assign_to_route, create_delivery_boy, move_stop

__all__ = [
    "GenerationReport",
    "assign_to_route",
    "create_delivery_boy",
    "ensure_deliveries_generated",
    "generate_deliveries",
    "move_stop",
]
