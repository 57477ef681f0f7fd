"""The previous / next links under a paginated list (earlybird.pager)."""

from django.core.paginator import Paginator

from earlybird.pager import pager_html


def test_one_page_has_no_links_and_the_others_keep_the_query_escaped():
    assert pager_html(Paginator(range(10), 50).page(1), "q=a") == ""
    pages = Paginator(range(120), 50)
    middle = pager_html(pages.page(2), 'q=<b>&status="x"')
    assert '<a href="?q=&lt;b&gt;&amp;status=&quot;x&quot;&amp;page=1">← Previous</a>' in middle
    assert '<span class="muted">Page 2 of 3</span>' in middle
    assert 'href="?q=&lt;b&gt;&amp;status=&quot;x&quot;&amp;page=3">Next →</a>' in middle
    first, last = pager_html(pages.page(1), ""), pager_html(pages.page(3), "")
    assert "Previous" not in first and '<a href="?page=2">Next →</a>' in first
    assert "Next" not in last and '<a href="?page=2">← Previous</a>' in last
