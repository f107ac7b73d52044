from helpline.core.models.attachment import Attachment
from helpline.core.models.attribute import ObjectAttribute
from helpline.core.models.base import Audited
from helpline.core.models.group import Group, GroupMembership
from helpline.core.models.history import HistoryEntry
from helpline.core.models.notification import OnlineNotification
from helpline.core.models.organization import Organization
from helpline.core.models.role import Permission, Role
from helpline.core.models.setting import MailServer, RuntimeSetting
from helpline.core.models.tag import Tag, Tagging
from helpline.core.models.token import AccessToken
from helpline.core.models.user import User

__all__ = [
    "AccessToken",
    "Attachment",
    "Audited",
    "Group",
    "GroupMembership",
    "HistoryEntry",
    "MailServer",
    "ObjectAttribute",
    "OnlineNotification",
    "Organization",
    "Permission",
    "Role",
    "RuntimeSetting",
    "Tag",
    "Tagging",
    "User",
]
