"""The starter skills taxonomy: what a consumer-goods innovation community (designers, engineers, marketers,
researchers, packaging and sustainability people, data people, community hosts) is asked to bring.

Plain data, no models: `services.taxonomy_seed` loads it (idempotently, by slug), and the ranking-quality
tests in tests/intelligence score against the same skills. Descriptions matter more than they look: the
similarity by meaning is computed from the name, synonyms, description and category of each skill, so a
description uses the words people use for the work ("interviews", "prototypes", "shelf").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StarterSkill:
    name: str
    category: str
    description: str
    synonyms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


# Categories, as stored (the display names live in models.SkillCategory).
DESIGN = "design"
ENGINEERING = "engineering"
MARKETING = "marketing"
RESEARCH = "research"
PRODUCT = "product"
PACKAGING = "packaging"
SUSTAINABILITY = "sustainability"
DATA = "data"
COMMUNITY = "community"
OPERATIONS = "operations"


def _s(name: str, category: str, description: str, synonyms: str = "", related: str = "") -> StarterSkill:
    split = lambda text: tuple(p.strip() for p in text.split(";") if p.strip())  # noqa: E731
    return StarterSkill(name, category, description, split(synonyms), split(related))


STARTER_SKILLS: tuple[StarterSkill, ...] = (
    # --- Research ---------------------------------------------------------------------------------------
    _s(
        "UX research",
        RESEARCH,
        "Understanding users and consumers through interviews, usability tests, diary studies and field "
        "visits, then turning what they say and do into insight for design.",
        "user research; design research; user experience research",
        "User interviews; Usability testing; Consumer insights; Ethnography",
    ),
    _s(
        "User interviews",
        RESEARCH,
        "Planning, recruiting and running one-to-one interviews with users and consumers, and synthesising "
        "what they say into research findings.",
        "consumer interviews; depth interviews; customer interviews",
        "UX research; Focus groups",
    ),
    _s(
        "Usability testing",
        RESEARCH,
        "Watching users try a prototype or product and measuring where they struggle; research that "
        "feeds the next design iteration.",
        "user testing; usability studies; ux testing",
        "UX research; Prototyping",
    ),
    _s(
        "Consumer insights",
        RESEARCH,
        "Turning consumer research, surveys and market data into insight about needs, habits and "
        "motivations that brands act on.",
        "consumer insight; shopper insights; customer insights",
        "Market research; UX research; Survey design",
    ),
    _s(
        "Market research",
        RESEARCH,
        "Sizing markets and studying consumers, competitors and trends with surveys, panels and desk "
        "research.",
        "market analysis; market study",
        "Consumer insights; Competitive analysis; Survey design",
    ),
    _s(
        "Survey design",
        RESEARCH,
        "Writing questionnaires, sampling respondents and analysing survey answers without bias.",
        "questionnaire design; surveys",
        "Market research; Statistics",
    ),
    _s(
        "Focus groups",
        RESEARCH,
        "Moderating group discussions with consumers to explore reactions to concepts, products and "
        "packaging.",
        "group discussions; focus group moderation",
        "User interviews; Concept testing",
    ),
    _s(
        "Ethnography",
        RESEARCH,
        "Observing consumers in their homes, shops and daily routines; field research and contextual "
        "inquiry.",
        "field research; contextual inquiry; home visits",
        "UX research",
    ),
    _s(
        "Competitive analysis",
        RESEARCH,
        "Studying competitors' products, prices, claims and positioning to find gaps and opportunities.",
        "competitor analysis; competitor benchmarking",
        "Market research",
    ),
    _s(
        "Concept testing",
        RESEARCH,
        "Testing product and communication concepts with consumers before development: appeal, "
        "uniqueness, purchase intent.",
        "concept validation; idea screening",
        "Focus groups; Consumer insights",
    ),
    _s(
        "Sensory evaluation",
        RESEARCH,
        "Trained panels and consumer tests of taste, smell, texture and feel of products.",
        "sensory testing; sensory panels; sensory science",
        "Formulation chemistry",
    ),
    # --- Design -----------------------------------------------------------------------------------------
    _s(
        "UX design",
        DESIGN,
        "Designing how a digital product works for its users: flows, wireframes, information architecture "
        "and interaction, informed by research.",
        "user experience design; ux; interaction design",
        "UI design; UX research; Prototyping; Information architecture",
    ),
    _s(
        "UI design",
        DESIGN,
        "Visual design of screens and interfaces: layout, typography, colour, components and design systems.",
        "user interface design; visual interface design",
        "UX design; Graphic design",
    ),
    _s(
        "Information architecture",
        DESIGN,
        "Organising and labelling content and navigation so users find things on websites and apps.",
        "ia; content structure",
        "UX design",
    ),
    _s(
        "Prototyping",
        DESIGN,
        "Making quick mock-ups and clickable or physical prototypes (3D printed, foam, card) to test "
        "ideas with users early.",
        "rapid prototyping; mock-ups; mockups",
        "UX design; Usability testing; 3D printing",
    ),
    _s(
        "Graphic design",
        DESIGN,
        "Visual communication: layout, typography, illustration and artwork for print and digital.",
        "visual design; graphic designer; artwork; colour theory; color theory",
        "Brand identity; Packaging design; Illustration",
    ),
    _s(
        "Illustration",
        DESIGN,
        "Drawing and painting images by hand or digitally for packaging, campaigns and products.",
        "illustrator; drawing; digital illustration",
        "Graphic design",
    ),
    _s(
        "Brand identity",
        DESIGN,
        "Designing logos, visual identity systems and brand guidelines.",
        "visual identity; logo design; branding",
        "Graphic design; Brand management",
    ),
    _s(
        "Industrial design",
        DESIGN,
        "Designing physical products: form, ergonomics, materials and manufacturing with sketches, "
        "CAD and models.",
        "product design; industrial designer",
        "Prototyping; CAD modelling; Packaging design",
    ),
    _s(
        "Service design",
        DESIGN,
        "Designing end-to-end services and experiences across touchpoints with journey maps and blueprints.",
        "customer journey mapping; service blueprinting; journey mapping",
        "UX design; Design thinking",
    ),
    _s(
        "Design thinking",
        DESIGN,
        "Human-centred problem solving: empathise, define, ideate, prototype and test; running "
        "co-creation workshops.",
        "human centred design; human-centered design; hcd",
        "Workshop facilitation; Service design; Prototyping",
    ),
    _s(
        "Motion design",
        DESIGN,
        "Animation and motion graphics for video, social media and interfaces.",
        "animation; motion graphics; stop-motion animation; stop motion",
        "Video production; Graphic design",
    ),
    _s(
        "Model making",
        DESIGN,
        "Building physical scale models and mock-ups by hand from wood, card, foam or bricks.",
        "woodworking; scale models; model building; modelmaking",
        "Prototyping; Industrial design",
    ),
    _s(
        "Technical writing",
        MARKETING,
        "Writing clear instructions, manuals, how-to guides and product documentation.",
        "instruction writing; documentation; manuals",
        "Copywriting; Training design",
    ),
    _s(
        "Photography",
        DESIGN,
        "Product, lifestyle and event photography and photo editing.",
        "photographer; product photography; photo editing",
        "Video production",
    ),
    _s(
        "Video production",
        DESIGN,
        "Filming, editing and producing videos for campaigns, tutorials and social media.",
        "video editing; filmmaking; videography",
        "Motion design; Content creation",
    ),
    # --- Engineering ------------------------------------------------------------------------------------
    _s(
        "Frontend development",
        ENGINEERING,
        "Building web interfaces with HTML, CSS and JavaScript frameworks such as React or Vue.",
        "front-end development; frontend; javascript; react; web development",
        "Backend development; UI design",
    ),
    _s(
        "Backend development",
        ENGINEERING,
        "Building server-side software, APIs and databases, for example in Python, Java or Go.",
        "back-end development; backend; server-side development; python; java",
        "Frontend development; Cloud infrastructure; Data engineering",
    ),
    _s(
        "Mobile app development",
        ENGINEERING,
        "Building iOS and Android apps, natively or with cross-platform frameworks.",
        "ios development; android development; app development; mobile development",
        "Frontend development",
    ),
    _s(
        "Cloud infrastructure",
        ENGINEERING,
        "Running software on cloud platforms: infrastructure as code, containers, CI/CD and monitoring.",
        "devops; cloud engineering; aws; azure; kubernetes",
        "Backend development",
    ),
    _s(
        "Quality assurance",
        ENGINEERING,
        "Testing software and products for defects: test plans, automated tests and release checks.",
        "qa; software testing; test automation",
        "Usability testing",
    ),
    _s(
        "Cybersecurity",
        ENGINEERING,
        "Protecting systems and data: threat modelling, security reviews and incident response.",
        "information security; infosec; security engineering",
        "Cloud infrastructure; Data privacy",
    ),
    _s(
        "Electronics",
        ENGINEERING,
        "Designing circuits and embedded systems; sensors, microcontrollers and connected devices.",
        "electronic engineering; embedded systems; iot; hardware engineering",
        "Mechanical engineering",
    ),
    _s(
        "Mechanical engineering",
        ENGINEERING,
        "Engineering mechanisms, structures and machines; tolerances, stress and manufacturing.",
        "mechanical design; mechanics; engineering",
        "CAD modelling; Industrial design; Process engineering",
    ),
    _s(
        "CAD modelling",
        ENGINEERING,
        "3D modelling of parts and products in CAD tools such as SolidWorks, Fusion 360 or Rhino.",
        "cad; 3d modelling; 3d modeling; solidworks",
        "Mechanical engineering; Industrial design; 3D printing",
    ),
    _s(
        "3D printing",
        ENGINEERING,
        "Additive manufacturing of prototypes and parts on 3D printers: materials and print preparation.",
        "additive manufacturing; rapid manufacturing",
        "Prototyping; CAD modelling",
    ),
    _s(
        "Formulation chemistry",
        ENGINEERING,
        "Developing formulas for personal care, home care and food products: ingredients, stability and "
        "performance.",
        "formulation; cosmetic chemistry; product formulation",
        "Sensory evaluation; Regulatory affairs; Food science",
    ),
    _s(
        "Food science",
        ENGINEERING,
        "Food technology and nutrition: recipes, ingredients, shelf life and food safety.",
        "food technology; nutrition science; food technologist",
        "Formulation chemistry; Sensory evaluation",
    ),
    _s(
        "Process engineering",
        ENGINEERING,
        "Designing and scaling manufacturing processes in factories: lines, yields and equipment.",
        "manufacturing engineering; chemical engineering; production engineering",
        "Mechanical engineering; Lean manufacturing",
    ),
    # --- Packaging --------------------------------------------------------------------------------------
    _s(
        "Packaging design",
        PACKAGING,
        "Designing packs and labels that stand out on the shelf: structure, graphics and unboxing.",
        "pack design; label design; packaging graphics",
        "Graphic design; Structural packaging; Industrial design",
    ),
    _s(
        "Structural packaging",
        PACKAGING,
        "Engineering the shape and construction of bottles, cartons and closures: dielines, strength and "
        "filling lines.",
        "packaging engineering; packaging technology; pack engineering",
        "Packaging design; Packaging materials",
    ),
    _s(
        "Packaging materials",
        PACKAGING,
        "Choosing plastics, paper, glass and metal for packs: barrier, cost, recyclability.",
        "pack materials; packaging substrates",
        "Structural packaging; Recyclable packaging",
    ),
    _s(
        "Recyclable packaging",
        PACKAGING,
        "Designing packs to be recycled, refilled or reused: mono-materials, less plastic, refill systems.",
        "sustainable packaging; refill packaging; reusable packaging; plastic reduction",
        "Packaging materials; Circular economy",
    ),
    # --- Sustainability ---------------------------------------------------------------------------------
    _s(
        "Life cycle assessment",
        SUSTAINABILITY,
        "Measuring the environmental footprint of products from raw materials to disposal: carbon, "
        "water, waste.",
        "lca; carbon footprinting; environmental impact assessment",
        "Carbon accounting; Circular economy",
    ),
    _s(
        "Carbon accounting",
        SUSTAINABILITY,
        "Measuring and reporting greenhouse gas emissions (scopes 1, 2 and 3) and net zero plans.",
        "ghg accounting; emissions reporting; net zero",
        "Life cycle assessment; Sustainability reporting",
    ),
    _s(
        "Circular economy",
        SUSTAINABILITY,
        "Designing out waste: reuse, refill, repair and recycling business models.",
        "circularity; circular design; zero waste",
        "Recyclable packaging; Life cycle assessment",
    ),
    _s(
        "Sustainable sourcing",
        SUSTAINABILITY,
        "Responsible sourcing of raw materials such as palm oil, tea and paper: certification and "
        "supplier programmes.",
        "responsible sourcing; ethical sourcing",
        "Procurement; Supply chain planning",
    ),
    _s(
        "Sustainability reporting",
        SUSTAINABILITY,
        "ESG reporting and communicating sustainability progress credibly to investors and consumers.",
        "esg reporting; esg; csr reporting",
        "Carbon accounting",
    ),
    _s(
        "Regenerative agriculture",
        SUSTAINABILITY,
        "Farming practices that restore soil health and biodiversity; working with farmers and suppliers.",
        "regenerative farming; sustainable agriculture",
        "Sustainable sourcing",
    ),
    # --- Marketing --------------------------------------------------------------------------------------
    _s(
        "Brand management",
        MARKETING,
        "Running a brand: positioning, brand plans, campaigns and the brand's mix across markets.",
        "brand marketing; brand manager; brand strategy",
        "Brand identity; Marketing strategy",
    ),
    _s(
        "Marketing strategy",
        MARKETING,
        "Segmentation, targeting and positioning; go-to-market plans and marketing budgets.",
        "go to market; go-to-market; gtm; marketing planning",
        "Brand management; Market research",
    ),
    _s(
        "Digital marketing",
        MARKETING,
        "Marketing online: paid media, search, email and performance campaigns.",
        "online marketing; performance marketing; paid media",
        "Social media marketing; SEO",
    ),
    _s(
        "Social media marketing",
        MARKETING,
        "Running brand channels on Instagram, TikTok and others; social campaigns and community posts.",
        "social media; smm; social media management",
        "Content creation; Influencer marketing; Community management",
    ),
    _s(
        "Influencer marketing",
        MARKETING,
        "Working with creators and influencers on campaigns and product seeding.",
        "creator partnerships; influencer partnerships",
        "Social media marketing",
    ),
    _s(
        "Content creation",
        MARKETING,
        "Writing, filming and designing content for social media, blogs and campaigns.",
        "content production; content marketing",
        "Copywriting; Video production; Social media marketing",
    ),
    _s(
        "Copywriting",
        MARKETING,
        "Writing persuasive copy for packs, ads, websites and emails.",
        "copywriter; advertising copy; writing",
        "Content creation; Storytelling",
    ),
    _s(
        "Storytelling",
        MARKETING,
        "Building narratives that carry a brand, a product or an idea to an audience.",
        "brand storytelling; narrative",
        "Copywriting; Public speaking",
    ),
    _s(
        "SEO",
        MARKETING,
        "Search engine optimisation: keywords, content and site structure that rank in search.",
        "search engine optimisation; search engine optimization",
        "Digital marketing",
    ),
    _s(
        "E-commerce",
        MARKETING,
        "Selling online: marketplaces, product listings, online shelf and conversion.",
        "ecommerce; online retail; marketplaces",
        "Digital marketing; Retail merchandising",
    ),
    _s(
        "Retail merchandising",
        MARKETING,
        "In-store execution: shelf planning, displays, promotions and shopper marketing.",
        "shopper marketing; visual merchandising; category management",
        "E-commerce",
    ),
    _s(
        "Public relations",
        MARKETING,
        "Media relations, press releases and reputation management.",
        "pr; media relations; press relations",
        "Storytelling",
    ),
    # --- Product ----------------------------------------------------------------------------------------
    _s(
        "Product management",
        PRODUCT,
        "Owning a product's roadmap: discovery, priorities, requirements and launches with a team.",
        "product manager; product owner; roadmapping",
        "Product innovation; Agile delivery",
    ),
    _s(
        "Product innovation",
        PRODUCT,
        "Finding and developing new product ideas from consumer insight to launch; innovation funnels.",
        "new product development; npd; innovation management",
        "Product management; Concept testing",
    ),
    _s(
        "Agile delivery",
        PRODUCT,
        "Running teams with Scrum or Kanban: sprints, backlogs, retrospectives.",
        "scrum; kanban; scrum master; agile",
        "Project management; Product management",
    ),
    _s(
        "Project management",
        PRODUCT,
        "Planning and delivering projects on time and budget: scope, schedules, risks and stakeholders.",
        "project manager; programme management; pmp",
        "Agile delivery; Stakeholder management",
    ),
    _s(
        "Business case modelling",
        PRODUCT,
        "Building the numbers behind an idea: revenue, costs, margins and payback.",
        "business case; financial modelling; p&l modelling",
        "Pricing strategy",
    ),
    _s(
        "Pricing strategy",
        PRODUCT,
        "Setting prices and price architecture; revenue growth management and promotions.",
        "pricing; revenue growth management",
        "Business case modelling; Marketing strategy",
    ),
    _s(
        "Regulatory affairs",
        PRODUCT,
        "Product claims, labelling and ingredient regulations across markets.",
        "regulatory compliance; product compliance; claims substantiation",
        "Formulation chemistry; Data privacy",
    ),
    # --- Data -------------------------------------------------------------------------------------------
    _s(
        "Data analysis",
        DATA,
        "Exploring and analysing data with spreadsheets, SQL or Python to answer business questions.",
        "data analytics; analytics; excel analysis",
        "Statistics; Data visualisation; SQL",
    ),
    _s(
        "Statistics",
        DATA,
        "Statistical models of data: experiments, regression and significance testing.",
        "statistical analysis; a/b testing; experimentation",
        "Data analysis; Machine learning",
    ),
    _s(
        "Machine learning",
        DATA,
        "Building predictive models from data with statistics and AI: training, evaluation and deployment.",
        "ml; artificial intelligence; ai; data science",
        "Statistics; Data engineering",
    ),
    _s(
        "Data visualisation",
        DATA,
        "Charts and dashboards that make data understandable, in tools such as Power BI or Tableau.",
        "data visualization; dashboards; power bi; tableau",
        "Data analysis",
    ),
    _s(
        "Data engineering",
        DATA,
        "Building data pipelines and warehouses: ingestion, modelling and data quality.",
        "etl; data pipelines; data warehousing",
        "SQL; Backend development",
    ),
    _s(
        "SQL",
        DATA,
        "Querying and modelling relational databases.",
        "sql queries; databases; postgresql",
        "Data analysis; Data engineering",
    ),
    _s(
        "Data privacy",
        DATA,
        "Personal data protection and GDPR: consent, retention and privacy by design.",
        "gdpr; privacy; data protection",
        "Cybersecurity; Regulatory affairs",
    ),
    # --- Community --------------------------------------------------------------------------------------
    _s(
        "Community management",
        COMMUNITY,
        "Growing and moderating an online community: welcoming members, moderation and engagement.",
        "community manager; online community; moderation; community building",
        "Social media marketing; Event organising",
    ),
    _s(
        "Workshop facilitation",
        COMMUNITY,
        "Designing and facilitating workshops, co-creation sessions and brainstorms so groups reach results.",
        "facilitation; workshop design; co-creation sessions; brainstorming",
        "Design thinking; Public speaking; Event organising",
    ),
    _s(
        "Event organising",
        COMMUNITY,
        "Planning and running events, meet-ups and launches: venues, logistics and guests.",
        "event planning; event management; meetups",
        "Workshop facilitation; Community management",
    ),
    _s(
        "Public speaking",
        COMMUNITY,
        "Presenting to audiences with confidence: talks, pitches and panels.",
        "presenting; presentations; pitching",
        "Storytelling; Workshop facilitation",
    ),
    _s(
        "Coaching and mentoring",
        COMMUNITY,
        "Helping people grow through coaching conversations, mentoring and feedback.",
        "coaching; mentoring; mentorship",
        "Training design",
    ),
    _s(
        "Training design",
        COMMUNITY,
        "Designing learning programmes, courses and onboarding materials.",
        "learning design; instructional design; training; teaching",
        "Coaching and mentoring; Workshop facilitation",
    ),
    _s(
        "Translation",
        COMMUNITY,
        "Translating and localising content between languages for local markets.",
        "localisation; localization; translator",
        "Copywriting",
    ),
    _s(
        "Stakeholder management",
        COMMUNITY,
        "Aligning partners, leaders and teams; negotiation and influencing without authority.",
        "stakeholder engagement; negotiation; influencing",
        "Project management",
    ),
    # --- Operations -------------------------------------------------------------------------------------
    _s(
        "Supply chain planning",
        OPERATIONS,
        "Demand and supply planning, inventory and logistics from suppliers to shelves.",
        "supply chain; demand planning; logistics",
        "Procurement; Lean manufacturing",
    ),
    _s(
        "Procurement",
        OPERATIONS,
        "Buying materials and services: supplier selection, negotiation and contracts.",
        "purchasing; buying; sourcing",
        "Sustainable sourcing; Supply chain planning",
    ),
    _s(
        "Lean manufacturing",
        OPERATIONS,
        "Continuous improvement in factories: lean, six sigma, waste reduction.",
        "lean; six sigma; continuous improvement; kaizen",
        "Process engineering; Supply chain planning",
    ),
    _s(
        "Quality management",
        OPERATIONS,
        "Quality systems, audits and product quality control in manufacturing.",
        "quality control; qc; iso 9001",
        "Lean manufacturing; Quality assurance",
    ),
)
