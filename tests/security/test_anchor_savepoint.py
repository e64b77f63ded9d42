"""A savepoint released inside a transaction that then rolls back must not move this PC's
audit anchor: the anchor follows what was committed, or the next check would report the
rolled-back events as deleted (the savepoint in employers.ensure, for one)."""

from __future__ import annotations

import pytest

from talentdesk.services.office.audit import log as audit, anchor as audit_anchor, chain as audit_chain
from talentdesk.services.register import employers


def test_a_released_savepoint_in_a_rolled_back_transaction_leaves_the_anchor(ctx):
    employers.add(ctx, "阿拉善左旗第一中学")  # something committed: the anchor is set
    key = audit_anchor.database_key(ctx.db.engine.url)
    before = audit_anchor.load_local(key)
    assert before is not None

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with ctx.write() as session:
            employers.ensure(session, ctx.actor, "阿拉善左旗第二中学")  # audited
            employers.ensure(session, ctx.actor, "阿拉善左旗第三中学")  # its savepoint is released after that
            raise Boom()
    after = audit_anchor.load_local(key)
    assert (after.head_id, after.count) == (before.head_id, before.count)
    with ctx.read() as session:
        assert audit_chain.anchor_still_holds(session, after)
    assert audit.verify(ctx).ok
