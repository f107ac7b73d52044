from helpline.core.models.base import Audited
from helpline.core.models.group import Group, GroupMembership
from helpline.core.models.organization import Organization
from helpline.core.models.role import Permission, Role
from helpline.core.models.setting import RuntimeSetting
from helpline.core.models.token import AccessToken
from helpline.core.models.user import User

__all__ = [
    "AccessToken",
    "Audited",
    "Group",
    "GroupMembership",
    "Organization",
    "Permission",
    "Role",
    "RuntimeSetting",
    "User",
]
