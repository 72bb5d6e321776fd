"""Changeover by a PLC: a recipe number written to a link makes that product live, off the link's event loop.

The request is recorded like a manager's switch (audited, actor "plc:<link>") and the station loads the product at
once, so a PLC that waits for RecipeLive to equal its number knows the next frames are judged by it. A number no
product has, or whose versions nobody signed, is refused and the line stays on the product it has.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from ..errors import StationError
from .line_state import RECIPE_DONE, RECIPE_REFUSED, LineState

log = logging.getLogger("station.links")


class RecipeRequests:
    def __init__(self, station, line: LineState):
        self.station, self.line = station, line
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recipe")

    def request(self, number: int, link: str) -> None:
        """From a link's loop: never waits. 0 means the settings' own classes."""
        self.line.set_recipe_requested(number)
        self._worker.submit(self._switch, number, link)

    def _switch(self, number: int, link: str) -> None:
        from ..products import store

        try:
            with self.station.db.transaction() as s:
                if number == 0:
                    store.settings_live(s, None, actor=f"plc:{link}")
                else:
                    store.switch_by_recipe(s, number, f"plc:{link}")
            switch = self.station.follow_live_product()
            if switch is not None and switch.refused:
                return  # the station's ProductChanged said so, with the reason
            product = self.station.product  # what judges now, whoever loaded it (the line may have, first)
            if ((product.recipe or 0) if product is not None else 0) == number:
                self.line.set_recipe_state(RECIPE_DONE)
            elif self.line.snapshot().recipe_state != RECIPE_REFUSED:
                self.line.set_recipe_state(RECIPE_REFUSED, "the station could not load it and stays on "
                                           f"{product.label if product is not None else 'the classes of its settings'}")
        except StationError as e:
            log.warning("recipe %d from %s refused: %s", number, link, e)
            self.line.set_recipe_state(RECIPE_REFUSED, str(e))
        except Exception as e:  # never lose the answer: the PLC must learn the switch did not happen
            log.exception("recipe %d from %s failed", number, link)
            self.line.set_recipe_state(RECIPE_REFUSED, f"{type(e).__name__}: {e}")

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
