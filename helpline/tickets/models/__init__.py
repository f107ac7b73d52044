from helpline.tickets.models.article import Article, ArticleSender, ArticleType
from helpline.tickets.models.category import TicketCategory
from helpline.tickets.models.mention import Mention
from helpline.tickets.models.priority import TicketPriority
from helpline.tickets.models.sla import Calendar, EscalationBreach, EscalationPause, Sla
from helpline.tickets.models.state import TicketState, TicketStateType
from helpline.tickets.models.ticket import Subscription, Ticket, TicketCounter
from helpline.tickets.models.view import SavedView

__all__ = [
    "Article",
    "ArticleSender",
    "ArticleType",
    "Calendar",
    "EscalationBreach",
    "EscalationPause",
    "Mention",
    "SavedView",
    "Sla",
    "Subscription",
    "Ticket",
    "TicketCategory",
    "TicketCounter",
    "TicketPriority",
    "TicketState",
    "TicketStateType",
]
