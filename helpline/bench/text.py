"""Seeded, offline text for the benchmark dataset: names, companies, ticket titles, bodies.

Everything comes from one ``random.Random``, so a seed gives the same dataset every time.
Word frequencies follow a Zipf-like curve over an IT-support vocabulary plus invented
product words, and lengths follow log-normal curves, so the search index sees realistic
term statistics and text sizes.
"""

from __future__ import annotations

import itertools
import math
import random

FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna
Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald
Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas
Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon
Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick
Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie
Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria Zachary Kelly Peter Lauren Kyle Christina
Noah Joan Ethan Evelyn Jeremy Judith Walter Megan Christian Andrea Keith Cheryl Roger Hannah
Terry Jacqueline Austin Martha Sean Gloria Gerald Teresa Carl Ann Harold Sara Dylan Madison Arthur
Frances Lawrence Kathryn Jordan Janice Jesse Jean Bryan Abigail Billy Alice Bruce Judy Gabriel
Sophia Joe Grace Logan Denise Albert Amber Willie Doris Alan Marilyn Eugene Danielle Russell
Beverly Vincent Isabella Philip Theresa Bobby Diana Johnny Natalie Bradley Brittany Lucas Charlotte
Hans Ingrid Lars Sofia Mateo Lucia Hiroshi Yuki Wei Mei Arjun Priya Omar Fatima Ivan Olga""".split()

LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores
Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner
Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz
Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross
Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace
Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro
Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman
Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren
Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne
Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight
Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry
Perkins Hoffman Johnston Matthews Pena Richards Willis Carpenter Lawrence Sandoval Mueller Schulz
Becker Fischer Weber Novak Kowalski Tanaka Suzuki Wang Li Zhang Singh Kumar Ivanov Petrov
Haddad""".split()

COMPANY_A = """Northwind Contoso Globex Initech Umbrella Stark Wayne Acme Hooli Vandelay Soylent
Cyberdyne Tyrell Wonka Oscorp Gringotts Aperture Massive Monarch Nakatomi Pied Virtucon Zorg
Blue Silver Golden Red Green Pacific Atlantic Nordic Alpine Summit Harbor River Lake Valley Cedar
Oak Pine Maple Granite Iron Copper Falcon Eagle Lion Tiger Orion Apex Vertex Nova Quantum""".split()
COMPANY_B = """Logistics Health Bank Foods Media Energy Labs Systems Retail Legal Insurance Motors
Airlines Pharma Consulting Construction Hotels Telecom Software Foundry Textiles Robotics Shipping
Realty Capital Dental Clinic Printing Publishing Engineering""".split()
COMPANY_C = "Inc GmbH Ltd LLC AG SA BV Corp Group Partners".split()

GROUPS = """Service Desk|Network|Hardware|Software|Accounts|Security|Telephony|Printing|Email|
Facilities|Procurement|Databases|Servers|Cloud|Backup|Field Support|Onboarding|Offboarding|
Licensing|Web|ERP|CRM|Payroll|HR Systems|Mobile Devices|Audio Visual|Training|Change Management|
Monitoring|Storage|Identity|Endpoint|Remote Access|Developer Tools|Data Warehouse|Reporting|
VIP Support|Branch Offices|Warehouse Systems|Point of Sale|Kiosks|Labs|Research Computing|
Compliance|Vendor Management|Asset Management|Patching|Virtualization|Firewall|Wireless""".replace(
    "\n", ""
).split("|")
CATEGORIES = ["General", "Incident", "Request", "Question", "Outage", "Access"]

TAGS_BASE = """urgent vip outage hardware software network printer email vpn wifi password
laptop desktop monitor phone mobile license install upgrade backup restore security phishing
virus access onboarding offboarding billing invoice refund feedback bug feature request
question howto documentation training escalated followup waiting vendor warranty replacement
broken slow crash error timeout login mfa sso account locked disk memory cpu server database
cloud storage sharepoint teams outlook excel word browser chrome firefox windows macos linux
ios android dock keyboard mouse headset camera projector scanner toner paper""".split()

DEVICES = """printer laptop desktop monitor keyboard mouse docking-station headset webcam phone
tablet scanner projector router switch access-point firewall server NAS badge-reader
smartphone""".split()
APPS = """Outlook Teams Excel Word SharePoint OneDrive Chrome Firefox VPN client SAP Salesforce
Jira Confluence Zoom Slack Photoshop AutoCAD QuickBooks Citrix Windows macOS Ubuntu""".split()
PROBLEMS = """not working|keeps crashing|is very slow|will not start|shows an error|
cannot connect|lost connection|needs replacement|makes a strange noise|is flickering|
does not sync|asks for password repeatedly|license expired|cannot print|is overheating|
battery drains fast|update failed|access denied|frozen on startup|blue screen""".replace(
    "\n", ""
).split("|")
REQUESTS = """New {thing} for {name}|Access to {app} for {name}|Install {app} on {host}|
Replace {thing} in room {room}|Reset password for {name}|Move {thing} to floor {floor}|
Upgrade {app} on {host}|Question about {app}|Order {thing} for new hire|
Set up {thing} for {name}""".replace("\n", "").split("|")

SUPPORT_WORDS = """the a to and of is in it for on that this with be have not are you i we
can was please when after but from as at my our will an do if me all have has had there
issue problem error message screen computer system user users account password login
network connection internet server email mail printer print printing device laptop desktop
update install installed installation software application app version restart reboot
working work worked stopped started again still now today yesterday morning afternoon week
tried try trying check checked help support team ticket request need needs needed urgent
asap thanks thank regards best hello hi dear kind sorry unable cannot could would should
file files folder drive shared access permission permissions denied granted rights admin
administrator settings configuration configured setting option options menu button click
window windows office meeting calendar invite teams call phone mobile wifi wireless vpn
remote home site branch floor room building desk new old replacement replace broken slow
fast crash crashed freeze frozen hang hangs blue black white display monitor keyboard mouse
cable power battery charger dock port usb hdmi adapter driver drivers firmware patch
security virus malware phishing suspicious link attachment attached spam blocked block
report reports data database backup restore lost missing deleted recover recovered sync
synced upload download link page website browser cache cookies clear cleared license
expired renew renewal order ordered delivery vendor warranty invoice cost approval approve
approved manager department colleague customer client project deadline important priority
schedule scheduled maintenance downtime outage incident resolved fixed fix solution
workaround temporary permanent escalate escalated investigate investigating logs log
timeout timed response slowly quickly minutes hours days weeks number code id reference
attached screenshot below above following steps step first then finally same different
another other every each some any many several few""".split()

SYLLABLES = """ka ri to mo na le si pa ve lo qu ix ar en on ul tri zor bex dal fin gor hal
jun kel mar nor pel ros sul tev vin wex yal zen cor dra fle gri""".split()

GREETINGS = ["Hello,", "Hi team,", "Dear support,", "Good morning,", "Hi,", "Hello IT,"]
CLOSINGS = ["Thanks", "Thank you", "Best regards", "Kind regards", "Cheers", "Regards"]


class TextMaker:
    """Titles and bodies from a seeded generator; ``sentence_pool`` sentences are made
    once and combined, which keeps the generator fast at millions of articles."""

    def __init__(
        self, rng: random.Random, *, vocabulary: int = 20_000, sentence_pool: int = 30_000
    ):
        self.rng = rng
        invented: set[str] = set()
        while len(invented) < max(0, vocabulary - len(SUPPORT_WORDS)):
            n = rng.choice((2, 2, 3, 3, 4))
            invented.add("".join(rng.choice(SYLLABLES) for _ in range(n)))
        tail = sorted(invented)
        rng.shuffle(tail)
        self.words = SUPPORT_WORDS + tail
        # Zipf-like: the n-th word is drawn with weight 1/n (support words come first).
        self.cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(self.words))))
        self.pool = [self._sentence() for _ in range(sentence_pool)]

    def _sentence(self) -> str:
        n = max(3, min(30, int(self.rng.lognormvariate(2.4, 0.45))))
        words = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        words[0] = words[0].capitalize()
        return " ".join(words) + self.rng.choice(".....?!")

    def body_sentences(self, mean_chars: float) -> list[str]:
        chars = max(40, min(6000, int(self.rng.lognormvariate(math.log(mean_chars), 0.6))))
        k = max(1, chars // 75)  # pool sentences average ~75 characters
        return self.rng.choices(self.pool, k=k)

    def host(self) -> str:
        prefix = self.rng.choice(("PC", "LT", "WS", "SRV", "PRN"))
        return f"{prefix}-{self.rng.randrange(10000, 99999)}"

    def error_code(self) -> str:
        return f"{self.rng.choice(('ERR', 'E', '0x', 'CODE'))}{self.rng.randrange(100, 99999)}"

    def title(self, name: str) -> str:
        rng = self.rng
        if rng.random() < 0.55:
            thing = rng.choice(DEVICES) if rng.random() < 0.6 else rng.choice(APPS)
            title = f"{thing[0].upper()}{thing[1:]} {rng.choice(PROBLEMS)}"
            if rng.random() < 0.3:
                title += f" ({self.error_code()})"
            return title
        return rng.choice(REQUESTS).format(
            thing=rng.choice(DEVICES),
            app=rng.choice(APPS),
            name=name,
            host=self.host(),
            room=rng.randrange(100, 999),
            floor=rng.randrange(1, 30),
        )

    def first_body(self, title: str, name: str) -> str:
        rng = self.rng
        parts = [rng.choice(GREETINGS), title + ".", *self.body_sentences(600)]
        if rng.random() < 0.5:
            parts.append(f"Affected machine: {self.host()}, error {self.error_code()}.")
        parts += [rng.choice(CLOSINGS), name]
        return " ".join(parts)

    def reply_body(self, name: str) -> str:
        rng = self.rng
        return " ".join([*self.body_sentences(350), rng.choice(CLOSINGS), name])

    def note_body(self) -> str:
        return " ".join(self.body_sentences(200))


def as_html(text: str) -> str:
    """Plain text as an email client's HTML: sentences grouped into paragraphs."""
    sentences = text.split(". ")
    paragraphs = [". ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "<div>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"
