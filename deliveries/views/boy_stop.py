"""One stop of the delivery boy's route page, as HTML, built in Python rather than by a
template: at 400 stops the template engine alone took several times the page's whole
budget (issue 18: ≤ 3× a trivial view), an f-string per stop takes microseconds.

The markup is the contract with static/js/route.js (docs in /work/brief-16-18.md):
`<li class="stop" id="stop-<cid>" data-customer="<cid>" data-seen="<token>">`, named
buttons `act="<kind>:<cid>"`, inputs `qty_<delivery id>`, `reason_<cid>`,
`bottles_<delivery id>`, `cash_<cid>`, a hidden `seen_<cid>` (the form's conflict check
with JavaScript off) and `<p class="stop-status" aria-live="polite">`. Every label comes
translated in `labels` (boy.stop_labels), once per page; every value is escaped here.
"""

from functools import lru_cache
from html import escape

from earlybird.templatetags.money import format_inr
from earlybird.units import number_text


def stop_html(
    stop,
    *,
    labels: dict,
    reason_options: str,
    cash_page: str,
    confirmable: bool,
    fragments: dict | None = None,
):
    """The <li> of one stop (a str of HTML, every value escaped). `fragments`: what
    page_fragments made of the other arguments, once per page (made here if not given)."""
    t = labels
    f = fragments or page_fragments(labels, reason_options, cash_page)
    c = stop.customer
    cid = str(c.pk)
    classes = "stop" + (" done" if stop.is_done else "") + (" held" if stop.hold else "")
    where = escape(c.address) + (f" · {escape(c.landmark)}" if c.landmark else "")
    out = [
        f'<li class="{classes}" id="stop-{cid}" data-customer="{cid}" data-seen="{stop.seen}">'
        f'<div class="stop-head"><span class="stop-no">{stop.position or "·"}</span><div>'
        f'<strong>{escape(c.name)}</strong><div class="muted">{where}</div></div></div>'
    ]
    instructions = getattr(c, "delivery_instructions", "")
    if instructions:
        out.append(f'<p class="instructions">{escape(instructions)}</p>')
    if stop.hold:
        ring = f" {t['dont_ring']}" if not stop.deliveries else ""
        out.append(
            f'<p class="hold"><span class="badge not_delivered">{stop.t_hold}</span>{ring}</p>'
        )
    out.append(_links(c, t))
    if stop.due:
        out.append(f'<p class="due">{t["due"]} <strong>{format_inr(stop.due)}</strong></p>')
    if stop.bottle_balance:
        out.append(
            f'<p class="bottles">{t["bottle_balance"]} <strong>{stop.bottle_balance}</strong></p>'
        )
    if stop.deliveries:
        out.append('<ul class="products">')
        for d in stop.deliveries:
            badge = f' <span class="badge {d.status}">{escape(d.badge)}</span>' if d.badge else ""
            out.append(
                f"<li><span>{_name(d.product.name)}</span> "
                f"<strong>× {number_text(d.ordered_qty)}</strong>{badge}</li>"
            )
        out.append("</ul>")
    if confirmable:
        _buttons(out, stop, cid, t, f)
    out.append('<p class="stop-status" aria-live="polite"></p></li>\n')
    return "".join(out)


@lru_cache(maxsize=256)
def _name(name: str) -> str:
    """A product's name escaped: a route has a handful of products, each on many stops."""
    return escape(name)


def _links(c, t) -> str:
    links = (
        f'<div class="stop-links"><a class="button" href="tel:+91{escape(c.phone)}">{t["call"]}</a>'
    )
    if c.map_link:
        links += f' <a class="button" href="{escape(c.map_link)}" rel="noopener" target="_blank">{t["map"]}</a>'
    elif c.latitude is not None and c.longitude is not None:
        links += (
            f' <a class="button" href="https://maps.google.com/?q={c.latitude},{c.longitude}" '
            f'rel="noopener" target="_blank">{t["map"]}</a>'
        )
    return links + "</div>"


def page_fragments(labels: dict, reason_options: str, cash_page: str) -> dict[str, list[str]]:
    """The markup every stop's buttons share, labels in, cut where the stop's customer id
    goes: a stop joins each list with its id (`cid.join(parts)`) instead of formatting
    the same labels and reasons again 400 times."""
    t = labels
    return {
        "open": [
            '<div class="if-done"><button name="act" value="undo:',
            f'">{t["undo"]}</button></div><div class="if-open"><button name="act" '
            'value="delivered:',
            f'" class="primary">{t["delivered"]}</button><details><summary>{t["partial"]}'
            "</summary>",
        ],
        "close": [
            '<button name="act" value="partial:',
            f'">{t["save_partial"]}</button></details><details><summary>'
            f"{t['not_delivered']}</summary><label>{t['why']} "
            '<select name="reason_',
            f'">{reason_options}</select></label><button name="act" value="not_delivered:',
            f'" class="warn">{t["not_delivered"]}</button></details></div>',
        ],
        "bottles": [
            '<button name="act" value="bottles:',
            f'">{t["save_bottles"]}</button></details>',
        ],
        "cash": [
            f"<details><summary>{t['cash']}</summary><label>{t['cash_received']} "
            '<input name="cash_',
            '" inputmode="decimal" autocomplete="off"></label><button name="act" value="cash:',
            f'">{t["record_cash"]}</button> <a href="{cash_page}',
            f'/cash/">{t["cash_page"]}</a></details><input type="hidden" name="seen_',
            '" value="',
        ],
    }


def _buttons(out: list, stop, cid: str, t: dict, f: dict) -> None:
    if stop.deliveries:
        # Both groups always, CSS shows the one for the stop's state: a tap made with no
        # signal can be undone (or redone) before the page comes back from the server.
        out.append(cid.join(f["open"]))
        for d in stop.deliveries:
            ordered = number_text(d.ordered_qty)
            out.append(
                f"<label>{t['of_ordered'] % {'product': _name(d.product.name), 'ordered': ordered}} "
                f'<input name="qty_{d.pk}" type="number" inputmode="decimal" step="any" '
                f'value="{ordered}"></label>'
            )
        out.append(cid.join(f["close"]))
        if stop.returnable:
            out.append(f"<details><summary>{t['bottles']}</summary>")
            for d in stop.returnable:
                out.append(
                    f"<label>{_name(d.product.name)}: {t['bottles_collected']} "
                    f'<input name="bottles_{d.pk}" type="number" inputmode="numeric" step="1" '
                    f'value="{d.bottles_collected}"></label>'
                )
            out.append(cid.join(f["bottles"]))
    out.append(cid.join(f["cash"]))
    out.append(f'{stop.seen}">')
