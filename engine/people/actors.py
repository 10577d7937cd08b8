"""Who acts: a user with role grants, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.audit.trail import SCHEDULER, SYSTEM

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Actor:
    """A user and the roles they hold. A grant with scope None covers every scope of that role."""

    user_id: str
    grants: frozenset[tuple[str, str | None]] = field(default_factory=frozenset)
    on_behalf_of: str | None = None

    @property
    def is_admin(self) -> bool:
        return (ADMIN_ROLE, None) in self.grants

    @property
    def is_system(self) -> bool:
        return self.user_id in (SYSTEM, SCHEDULER)

    def holds(self, role: str, scope: str | None = None) -> bool:
        return (role, None) in self.grants or (scope is not None and (role, scope) in self.grants)

    def may_act_on(self, role: str, scope: str | None, assignee: str | None) -> bool:
        if self.is_system:
            return True
        if assignee is not None:
            return assignee in (self.user_id, self.on_behalf_of)
        return self.holds(role, scope)

    @property
    def global_roles(self) -> set[str]:
        return {role for role, scope in self.grants if scope is None}

    @property
    def scoped_roles(self) -> set[tuple[str, str]]:
        return {(role, scope) for role, scope in self.grants if scope is not None}


SYSTEM_ACTOR = Actor(SYSTEM)
SCHEDULER_ACTOR = Actor(SCHEDULER)
