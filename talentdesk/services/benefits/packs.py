"""Policy packs as the office uses them: the shipped packs and the office's own policy
folder (``paths.user_policy_dir()``). Grants, settings, decisions and the demo load packs
here; the packs' content and evaluation are ``talentdesk.rules``."""

from __future__ import annotations

from talentdesk import rules


def load_pack(policy_id: str) -> rules.Pack:
    """The pack by id: shipped packs, then the office's own policy folder."""
    from talentdesk import paths

    return rules.get_pack(policy_id, extra_dirs=(paths.user_policy_dir(),))
