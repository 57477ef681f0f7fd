"""Telugu pages keep the Indian formats of en_IN: 29/11/2026, lakh grouping (12,34,567)."""

from earlybird.formats.en_IN.formats import *  # noqa: F403
