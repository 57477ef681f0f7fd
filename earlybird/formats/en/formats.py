"""Plain "en" (the fallback Django tries after en_IN) gets the Indian formats too."""

from earlybird.formats.en_IN.formats import *  # noqa: F403
