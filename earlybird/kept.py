"""A bounded store, per process, of values kept under a key that names everything they
depend on (page frames, the grid's rows and their markup): nothing kept can be out of
date, so it is never invalidated, only emptied when full, then filled again."""

import threading


class Kept(dict):
    """A dict of at most `size` entries: `keep` empties it when full."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self._lock = threading.Lock()

    def keep(self, key, value):
        """Keep `value` under `key`; return it."""
        with self._lock:
            if len(self) >= self.size:
                self.clear()
            self[key] = value
        return value
