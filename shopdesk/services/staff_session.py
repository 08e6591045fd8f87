"""Who is acting: the logged-in staff member every service call is made on behalf of."""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.domain.errors import PermissionDenied
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission, Role, role_allows


@dataclass(frozen=True)
class StaffSession:
    user_id: str
    username: str
    display_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        """Refuse the call unless this person's role carries the permission."""
        if not self.can(permission):
            raise PermissionDenied(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "{name} ({role}) may not {permission}. Ask a manager to do it or to log in.",
                ),
                name=self.display_name, role=self.role.value, permission=permission.value.replace("_", " "),
            )
