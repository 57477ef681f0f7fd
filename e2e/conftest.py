"""Browser tests in real headless Chromium (Debian's chromium + chromium-driver).

CI installs both (.ci/run). Elsewhere, without them, these tests are skipped with a
message saying what to install.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

# Screenshots are for looking at, not for the repository: var/ is git-ignored.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def pytest_collection_modifyitems(items):
    # A real browser keeps real time (cookies, timeouts): these tests run on the real clock.
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.real_clock)


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium not installed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=360,740",
        f"--user-data-dir={tempfile.mkdtemp(prefix='earlybird-chrome-')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(360, 740)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(driver, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        driver.save_screenshot(str(path))
        return path

    return save


@pytest.fixture
def switchable_server(transactional_db):
    """The app on a port of its own, which `stop()` takes off the network (e2e/offline.py)."""
    from e2e.offline import SwitchableServer

    server = SwitchableServer()
    server.start()
    yield server
    server.stop()
