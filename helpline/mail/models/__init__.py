from helpline.mail.models.inbound import Channel, FailedMail, InboundMessage
from helpline.mail.models.outbound import Delivery

__all__ = ["Channel", "Delivery", "FailedMail", "InboundMessage"]
