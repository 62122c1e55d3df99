"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes its keys each time the screen says its bindings may have
changed (focus moved, the screen stack or the keymap changed, the terminal got focus),
and a start-up says so three times: three rebuilds of a dozen styled keys, 40 to 75 ms
each, in the first half second, stalling the first keystrokes and the search index
loading in slices meanwhile. The keys it would compose are compared first.

On a narrow terminal the keys close up and the palette's key gives way, so that an
80-column terminal still shows "? Help" and "q Quit" instead of cutting them off.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.widgets import Footer as TextualFooter

# Below this width the keys close up and the palette's key (listed in help) leaves room.
ROOMY = 110


class Footer(TextualFooter):
    _shown: Hashable = None

    def _keys(self) -> Hashable:
        """Everything ``Footer.compose`` builds its keys from."""
        app = self.app
        return (
            self.show_command_palette, app.ENABLE_COMMAND_PALETTE, self.combine_groups,
            tuple((binding.key, app.get_key_display(binding), binding.description,
                   binding.action, enabled, tooltip, binding.tooltip,
                   binding.group and (binding.group.description, binding.group.compact))
                  for _, binding, enabled, tooltip in self.screen.active_bindings.values()
                  if binding.show),
        )

    def on_resize(self, event: events.Resize) -> None:
        roomy = event.size.width >= ROOMY
        self.compact = not roomy
        if self.show_command_palette != roomy:
            self.show_command_palette = roomy
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown and self.children:
            return
        self._shown = keys
        await super().recompose()
