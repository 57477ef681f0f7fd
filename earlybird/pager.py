"""The previous / next links under a paginated staff list, drawn in Python: a page drawn
from a kept frame (earlybird.frames) fills them in as one of its holes."""

from html import escape

from django.core.paginator import Page
from django.utils.safestring import SafeString, mark_safe


def pager_html(page: Page, query: str) -> SafeString:
    """Nothing for a single page; else the links keeping the rest of the query string."""
    if not page.has_other_pages():
        return SafeString("")
    start = f"?{escape(query)}&amp;page=" if query else "?page="
    links = ['<p class="pages">']
    if page.has_previous():
        links.append(f'<a href="{start}{page.previous_page_number()}">← Previous</a>')
    links.append(f'<span class="muted">Page {page.number} of {page.paginator.num_pages}</span>')
    if page.has_next():
        links.append(f'<a href="{start}{page.next_page_number()}">Next →</a>')
    return mark_safe("\n  ".join(links) + "\n</p>")  # noqa: S308 - the query is escaped  # nosec B308 B703
