"""POST /d/sync/ (boy:sync): the taps his phone stored while it had no signal, sent in
order when it has one again (static/js/route.js). Body `{"actions": [...]}`, answer
`{"results": [{"key", "result", "message", "seen", "stop_html"}]}`; a body that is not
that is a 400 with the reason, and nothing of it is applied. Each action is applied by
deliveries.services.offline, once per key; then each stop it touched is drawn again,
once, so the phone shows the server's state and syncs against its new token.
"""

import json
from collections import defaultdict

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from deliveries import selectors_boy
from deliveries.models import Delivery, DeliveryBoy
from deliveries.services import Confirmer, offline
from deliveries.views.boy import stops_html


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=400)


@require_POST
def sync(request):
    # AccessMiddleware lets only a signed-in delivery boy this far; an inactive one is
    # told so in JSON, which the phone shows rather than a page.
    boy = DeliveryBoy.objects.filter(user=request.user, is_active=True).first()
    if boy is None:
        return JsonResponse({"error": "Not a delivery boy."}, status=403)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _bad("The body is not JSON.")
    try:
        actions = offline.parse_actions(body)
    except offline.Malformed as exc:
        return _bad(str(exc))
    by = Confirmer.from_request(request, via=Delivery.Via.DELIVERY_BOY)
    results = [offline.apply_action(action=action, boy=boy, by=by) for action in actions]
    stops = _stops_now(request, boy, actions)
    answer = []
    for action, result in zip(actions, results, strict=True):
        seen, html = stops.get((action.day, action.shift, action.customer_id), (None, ""))
        item = {"key": result.key, "result": result.result, "message": result.message}
        if seen is not None:
            item.update(seen=seen, stop_html=html)
        answer.append(item)
    return JsonResponse({"results": answer})


def _stops_now(request, boy, actions) -> dict[tuple, tuple[str, str]]:
    """(day, shift, customer id) -> (token, <li> html) of each stop the actions named,
    as it is now: one route read per day and shift, whatever the number of actions."""
    wanted = defaultdict(set)
    for action in actions:
        wanted[(action.day, action.shift)].add(action.customer_id)
    if not wanted:
        return {}
    drawn = {}
    for (day, shift), ids in wanted.items():
        page = selectors_boy.route_page(delivery_boy=boy, day=day, shift=shift, customer_ids=ids)
        for page_stop, stop in zip(page.page_stops, page.stops, strict=True):
            html = stops_html(request, [page_stop], confirmable=True)
            drawn[(day, shift, stop.customer.pk)] = (stop.seen, html)
    return drawn
