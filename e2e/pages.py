"""Driving pages in the browser tests: one way to click and wait for the next page."""

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def click_and_wait(browser, find) -> None:
    """Click what `find()` returns and wait until the next page has replaced this one.

    `find` looks the element up afresh on each try: a page still settling (the element
    replaced under us) gets another try instead of a flaky failure.
    """
    page = browser.find_element("tag name", "html")
    for attempt in range(3):
        try:
            button = find()
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
            button.click()
            break
        except WebDriverException:
            if attempt == 2:
                raise
    # Asked mid-navigation, chromedriver may answer "unhandled inspector error" instead
    # of "stale element": that is not an answer, so ask again.
    WebDriverWait(browser, 10, ignored_exceptions=[WebDriverException]).until(
        expected_conditions.staleness_of(page)
    )


def submit_of(browser, field_id: str):
    """The submit button of the form that holds field `field_id`: phone pages also carry
    the language switch's buttons, so "the first submit button" is not the form's."""
    field = browser.find_element("id", field_id)
    return field.find_element("xpath", "ancestor::form//button[@type='submit']")
