"""Writes on deliveries, by purpose: routes, generation, confirmation (a stop, or a whole
round), shared links."""

from deliveries.services.confirmation import (
    Confirmer,
    confirm_delivery,
    confirm_stop,
    status_for,
    undo_confirmation,
    undo_stop,
)
from deliveries.services.generation import (
    GenerationReport,
    generate_deliveries,
    refresh_deliveries,
    refresh_holds,
)
from deliveries.services.links import create_link, revoke_link, valid_link
from deliveries.services.rounds import Handover, confirm_round
from deliveries.services.routes import assign_to_route, create_delivery_boy, move_stop

__all__ = [
    "Confirmer",
    "GenerationReport",
    "Handover",
    "assign_to_route",
    "confirm_delivery",
    "confirm_round",
    "confirm_stop",
    "create_delivery_boy",
    "create_link",
    "generate_deliveries",
    "move_stop",
    "refresh_deliveries",
    "refresh_holds",
    "revoke_link",
    "status_for",
    "undo_confirmation",
    "undo_stop",
    "valid_link",
]
