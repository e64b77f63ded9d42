"""Policy packs as the office uses them: the shipped packs and the office's own policy
folder (``paths.user_policy_dir()``). Grants, settings, decisions and the demo load packs
here; the packs' content and evaluation are ``talentdesk.rules``.

``load_pack`` looks the packs up again on every call (a clerk editing a pack in the policy
folder is seen at once), which costs a directory listing and a stat of every pack file.
A batch that asks thousands of times within one transaction (``reviews.record_many``)
runs inside ``held()``: each pack is looked up once there, in that thread only.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

from talentdesk import rules

_HELD: contextvars.ContextVar[dict[str, rules.Pack] | None] = contextvars.ContextVar("held_packs", default=None)


def load_pack(policy_id: str) -> rules.Pack:
    """The pack by id: shipped packs, then the office's own policy folder."""
    from talentdesk import paths

    held = _HELD.get()
    if held is not None:
        pack = held.get(policy_id)
        if pack is None:
            pack = held[policy_id] = rules.get_pack(policy_id, extra_dirs=(paths.user_policy_dir(),))
        return pack
    return rules.get_pack(policy_id, extra_dirs=(paths.user_policy_dir(),))


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Within the block (and this thread or task), each pack is looked up once: one batch
    sees one version of each pack."""
    if _HELD.get() is not None:
        yield
        return
    token = _HELD.set({})
    try:
        yield
    finally:
        _HELD.reset(token)


def pack_or_none(policy_id: str | None) -> rules.Pack | None:
    """The pack by id, or None when the id is empty or no longer found (a lookup for labels
    that must not fail)."""
    from talentdesk.domain.errors import TalentDeskError

    if not policy_id:
        return None
    try:
        return load_pack(policy_id)
    except TalentDeskError:
        return None


def level_label(level: str, pack: rules.Pack | None = None) -> str:
    """A funding level's name: as ``pack`` names it (包头: 市级 / 旗县区级), else the generic
    one (talentdesk.domain.status.FUNDING_LEVELS)."""
    from talentdesk.domain.status import FUNDING_LEVELS

    return pack.level_name(level) if pack is not None else FUNDING_LEVELS.get(level, level)
