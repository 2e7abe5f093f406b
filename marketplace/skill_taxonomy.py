"""The skill taxonomy every agency describes its specialists and needs with.

Plain data, no models: the data migration `0002_seed_skills` loads it, and so can
tests and demo data. Names are the terms Swedish agencies use in procurement and
job ads, Swedish where a Swedish term is established and English where it is not.
Keep names stable: the migration keys rows by name, so a rename creates a new skill.
"""

from typing import NamedTuple


class SkillSpec(NamedTuple):
    name: str
    category: str  # a marketplace.models.SkillCategory value
    description: str


CLOUD = "cloud"
SECURITY = "security"
DATA = "data"
ARCHITECTURE = "architecture"
PROCUREMENT_LAW = "procurement_law"
UX_ACCESSIBILITY = "ux_accessibility"
DEVELOPMENT = "development"
OPERATIONS = "operations"

SKILLS: tuple[SkillSpec, ...] = (
    # Cloud
    SkillSpec(
        "Molnarkitektur (AWS/Azure)",
        CLOUD,
        "Designar säkra och kostnadseffektiva lösningar i publika moln.",
    ),
    SkillSpec(
        "Suverän molntjänst och datalokalisering",
        CLOUD,
        "Bedömer molntjänster mot krav på svensk/EU-lokalisering och tredjelandsöverföring.",
    ),
    SkillSpec("Kubernetes", CLOUD, "Driftsätter och förvaltar containerplattformar i produktion."),
    SkillSpec(
        "Infrastructure as Code (Terraform)",
        CLOUD,
        "Beskriver infrastruktur som versionerad kod med Terraform eller Bicep.",
    ),
    SkillSpec(
        "Molnmigrering", CLOUD, "Planerar och genomför flytt av system från egen drift till moln."
    ),
    SkillSpec(
        "FinOps och molnkostnadsstyrning",
        CLOUD,
        "Följer upp och optimerar kostnader för molntjänster.",
    ),
    # Security
    SkillSpec(
        "Informationssäkerhet (ISO 27001)",
        SECURITY,
        "Bygger och förvaltar ledningssystem för informationssäkerhet enligt ISO 27001.",
    ),
    SkillSpec(
        "Säkerhetsskydd",
        SECURITY,
        "Säkerhetsskyddsanalys och åtgärder enligt säkerhetsskyddslagen.",
    ),
    SkillSpec(
        "Penetrationstestning",
        SECURITY,
        "Testar system och nätverk mot angrepp och rapporterar sårbarheter.",
    ),
    SkillSpec(
        "Incidenthantering (CSIRT)",
        SECURITY,
        "Leder hantering av it-säkerhetsincidenter och rapportering till CERT-SE.",
    ),
    SkillSpec(
        "Identitets- och behörighetshantering (IAM)",
        SECURITY,
        "Inför e-legitimation, federation och rollbaserad behörighet.",
    ),
    SkillSpec(
        "NIS2 och cybersäkerhetslagen",
        SECURITY,
        "Tolkar och inför krav enligt NIS2-direktivet i verksamheten.",
    ),
    SkillSpec(
        "Riskanalys och kontinuitetsplanering",
        SECURITY,
        "Genomför riskanalyser och tar fram kontinuitetsplaner för kritiska system.",
    ),
    # Data and AI
    SkillSpec(
        "Dataengineering",
        DATA,
        "Bygger dataflöden och dataplattformar för analys och uppföljning.",
    ),
    SkillSpec(
        "Data science", DATA, "Statistisk modellering och maskininlärning på verksamhetsdata."
    ),
    SkillSpec(
        "Maskininlärning i produktion (MLOps)",
        DATA,
        "Driftsätter, övervakar och förvaltar ML-modeller.",
    ),
    SkillSpec(
        "Generativ AI och språkmodeller",
        DATA,
        "Bedömer och inför språkmodeller med hänsyn till säkerhet och juridik.",
    ),
    SkillSpec(
        "Business Intelligence (Power BI)",
        DATA,
        "Tar fram rapporter och instrumentpaneler för beslutsfattare.",
    ),
    SkillSpec(
        "Datastyrning och informationsförvaltning",
        DATA,
        "Ansvarar för datakvalitet, begreppsmodeller och informationsägarskap.",
    ),
    SkillSpec(
        "Öppna data och PSI-lagen",
        DATA,
        "Tillgängliggör offentliga data enligt öppna data-lagen och EU:s krav.",
    ),
    SkillSpec("Statistik och analys", DATA, "Statistisk analys, urval och officiell statistik."),
    # Architecture
    SkillSpec(
        "Verksamhetsarkitektur",
        ARCHITECTURE,
        "Beskriver verksamhetens förmågor, processer och informationsbehov.",
    ),
    SkillSpec(
        "Lösningsarkitektur",
        ARCHITECTURE,
        "Utformar helheten för ett system och dess integrationer.",
    ),
    SkillSpec(
        "Enterprise Architecture (TOGAF)",
        ARCHITECTURE,
        "Styr målarkitektur och portföljer enligt ramverk som TOGAF.",
    ),
    SkillSpec(
        "Integrationsarkitektur och API-design",
        ARCHITECTURE,
        "Designar API:er och integrationsmönster mellan myndighetens system.",
    ),
    SkillSpec(
        "Informationsarkitektur",
        ARCHITECTURE,
        "Modellerar information och begrepp så att de kan delas mellan system.",
    ),
    SkillSpec(
        "Förvaltningsgemensam digital infrastruktur (Ena)",
        ARCHITECTURE,
        "Ansluter till och bygger på Ena-infrastrukturen från Digg.",
    ),
    # Procurement and law
    SkillSpec(
        "IT-upphandling (LOU)",
        PROCUREMENT_LAW,
        "Genomför upphandlingar av it-tjänster enligt lagen om offentlig upphandling.",
    ),
    SkillSpec(
        "IT-rätt och GDPR",
        PROCUREMENT_LAW,
        "Juridisk rådgivning om personuppgifter, avtal och it-rätt.",
    ),
    SkillSpec(
        "Avtalsförvaltning",
        PROCUREMENT_LAW,
        "Följer upp leverantörsavtal, ändringar och leveranskvalitet.",
    ),
    SkillSpec(
        "Offentlighet och sekretess (OSL)",
        PROCUREMENT_LAW,
        "Bedömer utlämnande av allmänna handlingar och sekretess i digitala miljöer.",
    ),
    SkillSpec(
        "Dataskyddsombud",
        PROCUREMENT_LAW,
        "Granskar och ger stöd i efterlevnad av dataskyddsförordningen.",
    ),
    SkillSpec(
        "Kravställning och förfrågningsunderlag",
        PROCUREMENT_LAW,
        "Skriver mätbara krav och förfrågningsunderlag för it-upphandlingar.",
    ),
    # UX and accessibility
    SkillSpec(
        "Tillgänglighet (WCAG)",
        UX_ACCESSIBILITY,
        "Granskar och åtgärdar digitala tjänster enligt WCAG 2.1 och DOS-lagen.",
    ),
    SkillSpec(
        "Användbarhet och UX-design",
        UX_ACCESSIBILITY,
        "Gör användarresearch, prototyper och användbarhetstester.",
    ),
    SkillSpec(
        "Tjänstedesign",
        UX_ACCESSIBILITY,
        "Utformar hela tjänster utifrån medborgarens behov över kanaler.",
    ),
    SkillSpec(
        "Klarspråk",
        UX_ACCESSIBILITY,
        "Skriver och granskar myndighetstext så att den blir begriplig.",
    ),
    SkillSpec(
        "Interaktionsdesign",
        UX_ACCESSIBILITY,
        "Designar gränssnitt och flöden i webb- och mobiltjänster.",
    ),
    SkillSpec(
        "Designsystem",
        UX_ACCESSIBILITY,
        "Bygger och förvaltar gemensamma komponentbibliotek och riktlinjer.",
    ),
    # Development
    SkillSpec("Python", DEVELOPMENT, "Utveckling i Python, t.ex. Django och dataflöden."),
    SkillSpec("Java", DEVELOPMENT, "Backendutveckling i Java och Spring."),
    SkillSpec(".NET (C#)", DEVELOPMENT, "Utveckling av tjänster och verksamhetssystem i .NET."),
    SkillSpec(
        "Frontendutveckling (React/TypeScript)",
        DEVELOPMENT,
        "Bygger tillgängliga webbgränssnitt i React och TypeScript.",
    ),
    SkillSpec(
        "Testautomatisering",
        DEVELOPMENT,
        "Automatiserar tester i hela kedjan från enhet till gränssnitt.",
    ),
    SkillSpec(
        "Mobilutveckling",
        DEVELOPMENT,
        "Utvecklar appar för iOS och Android, native eller plattformsoberoende.",
    ),
    SkillSpec(
        "Agil utveckling och Scrum",
        DEVELOPMENT,
        "Leder och coachar team som arbetar agilt (Scrum, Kanban).",
    ),
    SkillSpec(
        "E-tjänster och digitala ärendeflöden",
        DEVELOPMENT,
        "Utvecklar e-tjänster med e-legitimation och digital post.",
    ),
    # Operations
    SkillSpec(
        "DevOps och CI/CD",
        OPERATIONS,
        "Automatiserar bygg, test och driftsättning.",
    ),
    SkillSpec(
        "Site Reliability Engineering",
        OPERATIONS,
        "Säkrar tillgänglighet och prestanda med mätbara servicenivåer.",
    ),
    SkillSpec(
        "IT-servicehantering (ITIL)",
        OPERATIONS,
        "Processer för incident-, problem- och ändringshantering enligt ITIL.",
    ),
    SkillSpec(
        "Linux-drift",
        OPERATIONS,
        "Driftar och härdar Linuxservrar i egen eller extern hall.",
    ),
    SkillSpec(
        "Nätverk och brandväggar",
        OPERATIONS,
        "Designar och driftar nätverk, segmentering och brandväggar.",
    ),
    SkillSpec(
        "Databasadministration (PostgreSQL)",
        OPERATIONS,
        "Drift, backup och prestandaoptimering av PostgreSQL och andra databaser.",
    ),
    SkillSpec(
        "Övervakning och observerbarhet",
        OPERATIONS,
        "Loggning, mätvärden och larm för system i produktion.",
    ),
    SkillSpec(
        "IT-projektledning",
        OPERATIONS,
        "Leder digitaliseringsprojekt från förstudie till överlämning till förvaltning.",
    ),
)

SKILL_NAMES: frozenset[str] = frozenset(spec.name for spec in SKILLS)
