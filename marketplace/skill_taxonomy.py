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


# The same skills in English, for readers of the English pages and API: name, description.
ENGLISH: dict[str, tuple[str, str]] = {
    "Molnarkitektur (AWS/Azure)": (
        "Cloud architecture (AWS/Azure)",
        "Designs secure and cost-effective solutions in public clouds.",
    ),
    "Suverän molntjänst och datalokalisering": (
        "Sovereign cloud and data localisation",
        "Assesses cloud services against Swedish/EU localisation and third-country transfer "
        "requirements.",
    ),
    "Kubernetes": (
        "Kubernetes",
        "Deploys and runs container platforms in production.",
    ),
    "Infrastructure as Code (Terraform)": (
        "Infrastructure as Code (Terraform)",
        "Describes infrastructure as versioned code with Terraform or Bicep.",
    ),
    "Molnmigrering": (
        "Cloud migration",
        "Plans and carries out moving systems from own data centres to the cloud.",
    ),
    "FinOps och molnkostnadsstyrning": (
        "FinOps and cloud cost management",
        "Monitors and optimises the cost of cloud services.",
    ),
    "Informationssäkerhet (ISO 27001)": (
        "Information security (ISO 27001)",
        "Builds and maintains information security management systems under ISO 27001.",
    ),
    "Säkerhetsskydd": (
        "Protective security",
        "Protective security analysis and measures under the Protective Security Act.",
    ),
    "Penetrationstestning": (
        "Penetration testing",
        "Tests systems and networks against attacks and reports vulnerabilities.",
    ),
    "Incidenthantering (CSIRT)": (
        "Incident response (CSIRT)",
        "Leads the handling of IT security incidents and reporting to CERT-SE.",
    ),
    "Identitets- och behörighetshantering (IAM)": (
        "Identity and access management (IAM)",
        "Introduces e-identification, federation and role-based access.",
    ),
    "NIS2 och cybersäkerhetslagen": (
        "NIS2 and the Cybersecurity Act",
        "Interprets and implements the requirements of the NIS2 directive.",
    ),
    "Riskanalys och kontinuitetsplanering": (
        "Risk analysis and continuity planning",
        "Carries out risk analyses and writes continuity plans for critical systems.",
    ),
    "Dataengineering": (
        "Data engineering",
        "Builds data pipelines and data platforms for analysis and follow-up.",
    ),
    "Data science": (
        "Data science",
        "Statistical modelling and machine learning on operational data.",
    ),
    "Maskininlärning i produktion (MLOps)": (
        "Machine learning in production (MLOps)",
        "Deploys, monitors and maintains ML models.",
    ),
    "Generativ AI och språkmodeller": (
        "Generative AI and language models",
        "Assesses and introduces language models with regard to security and law.",
    ),
    "Business Intelligence (Power BI)": (
        "Business Intelligence (Power BI)",
        "Produces reports and dashboards for decision makers.",
    ),
    "Datastyrning och informationsförvaltning": (
        "Data governance and information management",
        "Responsible for data quality, concept models and information ownership.",
    ),
    "Öppna data och PSI-lagen": (
        "Open data and the PSI Act",
        "Makes public data available under the Open Data Act and EU requirements.",
    ),
    "Statistik och analys": (
        "Statistics and analysis",
        "Statistical analysis, sampling and official statistics.",
    ),
    "Verksamhetsarkitektur": (
        "Business architecture",
        "Describes the organisation's capabilities, processes and information needs.",
    ),
    "Lösningsarkitektur": (
        "Solution architecture",
        "Designs the whole of a system and its integrations.",
    ),
    "Enterprise Architecture (TOGAF)": (
        "Enterprise Architecture (TOGAF)",
        "Steers target architecture and portfolios with frameworks such as TOGAF.",
    ),
    "Integrationsarkitektur och API-design": (
        "Integration architecture and API design",
        "Designs APIs and integration patterns between the agency's systems.",
    ),
    "Informationsarkitektur": (
        "Information architecture",
        "Models information and concepts so that systems can share them.",
    ),
    "Förvaltningsgemensam digital infrastruktur (Ena)": (
        "Shared public-sector digital infrastructure (Ena)",
        "Connects to and builds on the Ena infrastructure from Digg.",
    ),
    "IT-upphandling (LOU)": (
        "IT procurement (LOU)",
        "Runs procurements of IT services under the Public Procurement Act.",
    ),
    "IT-rätt och GDPR": (
        "IT law and GDPR",
        "Legal advice on personal data, contracts and IT law.",
    ),
    "Avtalsförvaltning": (
        "Contract management",
        "Follows up supplier contracts, changes and delivery quality.",
    ),
    "Offentlighet och sekretess (OSL)": (
        "Public access and secrecy (OSL)",
        "Assesses the release of official documents and secrecy in digital environments.",
    ),
    "Dataskyddsombud": (
        "Data protection officer",
        "Reviews and supports compliance with the General Data Protection Regulation.",
    ),
    "Kravställning och förfrågningsunderlag": (
        "Requirements and tender documents",
        "Writes measurable requirements and tender documents for IT procurements.",
    ),
    "Tillgänglighet (WCAG)": (
        "Accessibility (WCAG)",
        "Reviews and fixes digital services under WCAG 2.1 and the DOS Act.",
    ),
    "Användbarhet och UX-design": (
        "Usability and UX design",
        "Does user research, prototypes and usability tests.",
    ),
    "Tjänstedesign": (
        "Service design",
        "Designs whole services from the citizen's needs across channels.",
    ),
    "Klarspråk": (
        "Plain language",
        "Writes and reviews agency texts so that they are easy to understand.",
    ),
    "Interaktionsdesign": (
        "Interaction design",
        "Designs interfaces and flows in web and mobile services.",
    ),
    "Designsystem": (
        "Design systems",
        "Builds and maintains shared component libraries and guidelines.",
    ),
    "Python": (
        "Python",
        "Development in Python, e.g. Django and data pipelines.",
    ),
    "Java": (
        "Java",
        "Backend development in Java and Spring.",
    ),
    ".NET (C#)": (
        ".NET (C#)",
        "Development of services and business systems in .NET.",
    ),
    "Frontendutveckling (React/TypeScript)": (
        "Frontend development (React/TypeScript)",
        "Builds accessible web interfaces in React and TypeScript.",
    ),
    "Testautomatisering": (
        "Test automation",
        "Automates tests along the whole chain from unit to interface.",
    ),
    "Mobilutveckling": (
        "Mobile development",
        "Develops apps for iOS and Android, native or cross-platform.",
    ),
    "Agil utveckling och Scrum": (
        "Agile development and Scrum",
        "Leads and coaches teams that work in agile ways (Scrum, Kanban).",
    ),
    "E-tjänster och digitala ärendeflöden": (
        "E-services and digital case flows",
        "Develops e-services with e-identification and digital mail.",
    ),
    "DevOps och CI/CD": (
        "DevOps and CI/CD",
        "Automates build, test and deployment.",
    ),
    "Site Reliability Engineering": (
        "Site Reliability Engineering",
        "Secures availability and performance with measurable service levels.",
    ),
    "IT-servicehantering (ITIL)": (
        "IT service management (ITIL)",
        "Incident, problem and change management processes under ITIL.",
    ),
    "Linux-drift": (
        "Linux operations",
        "Runs and hardens Linux servers in own or external data centres.",
    ),
    "Nätverk och brandväggar": (
        "Networks and firewalls",
        "Designs and runs networks, segmentation and firewalls.",
    ),
    "Databasadministration (PostgreSQL)": (
        "Database administration (PostgreSQL)",
        "Operations, backup and performance tuning of PostgreSQL and other databases.",
    ),
    "Övervakning och observerbarhet": (
        "Monitoring and observability",
        "Logging, metrics and alerts for systems in production.",
    ),
    "IT-projektledning": (
        "IT project management",
        "Leads digitalisation projects from feasibility study to handover to operations.",
    ),
}
