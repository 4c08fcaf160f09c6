"""Believable generated people and texts for the demo and for `cocreate seed` (deterministic per seed).

Every factory draws only from the `random.Random` it is given, so one seed always gives the same texts.
Templates times slot values give far more distinct texts than a benchmark ever asks for (a million ideas
or forum posts stay varied), and everything reads like what customers of a building-brick brand write.
"""

from __future__ import annotations

import enum
import functools
import itertools
import math
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


def _lines(block: str) -> list[str]:
    """One entry per non-empty line, whitespace collapsed (a trailing backslash continues an entry).

    Long phrase pools stay readable this way, without one list item per formatted line.
    """
    return [" ".join(line.split()) for line in block.strip().splitlines() if line.strip()]


def _words(block: str) -> list[str]:
    """Whitespace-separated entries; "_" stands for a space inside one (two-word surnames)."""
    return [word.replace("_", " ") for word in block.split()]


@functools.lru_cache(maxsize=4096)  # a few hundred names and cities, folded a million times
def _ascii(text: str) -> str:
    """Letters and digits only, accents dropped ("Tomás O'Brien" -> "tomasobrien"), for emails and handles."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _a_number(n: int) -> str:
    """The article for a number as it is read aloud: "an 8", "an 11", "an 800", "a 1,800"."""
    digits = str(n)
    spoken_eleven_or_eighteen = len(digits) in (2, 5) and digits[:2] in ("11", "18")
    return "an" if digits.startswith("8") or spoken_eleven_or_eighteen else "a"


def _aged(age: int) -> str:
    """ "a 6-year-old", "an 8-year-old"."""
    return f"{_a_number(age)} {age}-year-old"


def _a_pieces(pieces: int) -> str:
    """ "a 1,240-piece", "an 860-piece"."""
    return f"{_a_number(pieces)} {pieces:,}-piece"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- People -----------------------------------------------------------------------------------------

FIRST_NAMES = _words("""
Ava Noah Mia Lucas Emma Liam Sofia Oliver Amara Mateo Yuki Hana Kofi Priya Arjun Leila Omar Freya Jonas
Ingrid Tomás Lucía Chen Wei Aisha Samuel Grace Daniel Zoe Elias Nora Felix Maya Hugo Clara Ethan Isla Ravi
Anika Mateus Beatriz Kenji Sakura Finn Astrid Jamal Imani Pablo Marta Oskar Elin Rosa Theo Lena Arthur
Alice Victor Julia Karim Adam Agnes Aiden Alba Aleksander Amelia Anders Ana Andrea Anton Ayumi Benjamin
Birgit Bruno Camille Carlos Chiara Chloe Dario Diego Dmitri Eleanor Elif Emil Erik Esther Fatima Femi
Fiona Gabriel Hamza Hannah Harper Helga Ibrahim Ines Isaac Ivan Jack Jakob Jana Javier Jin Joana Jorge
Kai Kamala Katarina Leon Lina Lotte Luca Magnus Malik Maria Marco Mariam Matilda Max Mei Miguel Mila Min-jun
Nadia Nils Nina Niamh Olga Owen Paula Pedro Petra Rafael Rania Rohan Ruth Saanvi Sami Sara Sebastian
Seo-yeon Siobhan Sven Tariq Thandiwe Tobias Valentina Vera Wilhelmina Xavier Yara Yusuf Zainab Zofia
""")
LAST_NAMES = _words("""
Andersen Okafor Nakamura García Müller Rossi Kowalski Silva Dubois Novak Patel Kim Nguyen Haddad O'Brien
Larsen Costa Jansen Fischer Moreau Santos Ibrahim Yamamoto Lindqvist Brown Schmidt Ricci Horvath Mensah Ali
Abara Achterberg Adeyemi Almeida Bakker Barros Becker Bianchi Björk Bondarenko Campbell Castillo Chowdhury
Clarke Dahl de_Vries Delgado Demir Eriksen Ferreira Fitzgerald Fontaine Gallagher Grönholm Gupta Hansen
Hartmann Hoffmann Holm Iyer Jovanović Kaya Keller Kovač Kruger Lambert Laurent Lehmann Lopes Lund MacLeod
Marino Martins Meyer Mikkelsen Moretti Murphy Nielsen Nowak Ortega Osei Park Pereira Petrov Quinn Ramos
Reyes Richter Rodrigues Romano Sato Schneider Sharma Singh Sokolov Sørensen Suzuki Svensson Tanaka Thompson
Torres van_Dijk Vargas Virtanen Wagner Walsh Weber Wiśniewski Yilmaz Zhang Zielinski
""")

INTERESTS = _lines("""
modular buildings
trains
city sets
space
architecture
castles
pirates
vehicles
botanical builds
micro scale
dioramas
mechanisms
lighting
display models
building with kids
collecting minifigures
stop-motion
custom stickers
winter villages
harbours and ships
motorised builds
landscaping
interior details
retro sets
""")
SKILLS = _lines("""
3D modelling
illustration
product photography
industrial design
electronics
graphic design
copywriting
packaging design
woodworking
teaching
video editing
user research
engineering
stop-motion animation
translation
event organising
instruction writing
colour theory
quality assurance
social media
""")
# Kinds of set, to complete "a ... layout", "a ... builder", "... sets".
HOBBIES = _lines("""
train
tram
modular building
space
castle
harbour
winter village
micro-scale
pirate
botanical
city
vintage car
""")
JOBS = _lines("""
nurse
software developer
architect
bus driver
accountant
chef
student
engineer
primary school teacher
paramedic
electrician
librarian
graphic designer
pharmacist
train conductor
physiotherapist
bookseller
lab technician
carpenter
retired postman
""")
CITIES = _lines("""
Lisbon
Bergen
Kyoto
Edinburgh
Amsterdam
Porto
Zurich
Melbourne
Cape Town
Montréal
Gdańsk
Valparaíso
Tallinn
Hobart
Ljubljana
Seville
Galway
Hamburg
Vancouver
Nagasaki
Copenhagen
Bruges
Wellington
Trieste
""")
BIO_OPENERS = _lines("""
Rebuilt my childhood sets with my daughter and never stopped.
Weekend builder, weekday {job}.
I build city blocks on a 4-metre shelf and photograph them at night.
Collector since the nineties; I still keep every instruction booklet.
Teacher who uses bricks to explain bridges and gears to ten-year-olds.
I design my own models and share the instructions for free.
Started with one tram, now I run a whole tram network around the living room.
{job_cap} by day, {hobby} builder by night.
Building in {city} with a cat who steals the round pieces.
Got back into building during a long winter and now half the spare room is a town.
Dad of three; our kitchen table has not been free since 2019.
I sort by colour, my partner sorts by shape, and we are still married.
Former {job} who now builds full time for a small museum.
Been building for {years} years and I still get excited opening bag one.
My {hobby} layout has been growing for {years} years.
I restore second-hand sets and give them to the school library.
Grandmother of four and the family's official instruction reader.
Hobby photographer who fell in love with tiny worlds.
{job_cap} from {city}, building whenever the kids are asleep.
I run a small building club at our local library in {city}.
""")
BIO_MIDDLES = _lines("""
Currently working on a harbour scene with a working drawbridge.
My favourite part of any set is the interior details nobody sees.
I like builds that tell a story when you look closely.
Right now I am trying to light a whole street with tiny LEDs.
Most of my shelf space now goes to {hobby} sets.
I am slowly turning my whole collection into one big {hobby} display.
My current project is a street of {years} buildings for our club's show in {city}.
Favourite sets so far: the {hobby} ones, and anything with clever hinges.
I spend more time sorting parts than building, and I enjoy both.
Our club in {city} meets every second Saturday; newcomers always welcome.
I am trying to recreate the old town of {city} one building at a time.
I film short stop-motion clips with my builds and share them with the club.
At work I am {a_job}, so I love sets that are calm and methodical.
I got my {interest2} habit from my grandfather, who built models for forty years.
I keep a notebook of ideas from every set I build.
Lately I have been combining two hobbies: {interest} and {interest2}.
Every December the living room turns into a winter village.
I write reviews of every set I buy, good and bad.
I help new builders at our club find the pieces they are missing.
""")
BIO_CLOSERS = [
    *_lines("""
Happy to test prototypes.
Always looking for better ways to light a scene.
Ask me about sorting systems.
Big fan of sets that connect to each other.
I care about instructions that a seven-year-old can follow.
Say hi if you are building in {city} too.
Always up for trading spare parts.
Ideas and feedback welcome.
Looking forward to testing the next modular.
Photos of my layout are in the gallery.
"""),
    "",
    "",
    "",
]

DISPLAY_NAME_FORMATS = [
    ("{first} {initial}.", 6),
    ("{first} {last}", 3),
    ("{first}", 1),
    ("{handle}", 2),
]
HANDLE_FORMATS = _lines("""
{first}builds
{first}_bricks
brickfan_{first}
{first}{year}
{first}.{last}
{last}_moc
tramfan_{first}
{first}_in_{city}
""")


@dataclass
class Person:
    email: str
    display_name: str
    bio: str
    interests: list[str]
    skills: list[str]


class MemberFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._formats = [f for f, _w in DISPLAY_NAME_FORMATS]
        self._cum_weights = list(itertools.accumulate(w for _f, w in DISPLAY_NAME_FORMATS))

    def name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def bio(self) -> str:
        rng = self.rng
        interest, interest2 = rng.sample(INTERESTS, 2)
        slots = {
            "job": rng.choice(JOBS),
            "city": rng.choice(CITIES),
            "years": rng.randint(3, 40),
            "interest": interest,
            "interest2": interest2,
            "hobby": rng.choice(HOBBIES),
        }
        job = str(slots["job"])
        slots["job_cap"] = job[:1].upper() + job[1:]
        slots["a_job"] = f"{_article(job)} {job}"
        parts = [rng.choice(BIO_OPENERS)]
        if rng.random() < 0.7:
            parts.append(rng.choice(BIO_MIDDLES))
        parts.append(rng.choice(BIO_CLOSERS))
        return " ".join(p.format(**slots) for p in parts if p)

    def display_name(self, first: str, last: str) -> str:
        rng = self.rng
        form = rng.choices(self._formats, cum_weights=self._cum_weights)[0]
        handle = ""
        if "{handle}" in form:
            handle = rng.choice(HANDLE_FORMATS).format(
                first=_ascii(first),
                last=_ascii(last),
                year=rng.randint(1970, 2012),
                city=_ascii(rng.choice(CITIES)),
            )
        return form.format(first=first, last=last, initial=last[0].upper(), handle=handle)

    def person(self, index: int, domain: str = "members.northbrick.example") -> Person:
        first, last = self.name()
        rng = self.rng
        return Person(
            email=f"{_ascii(first) or 'member'}.{_ascii(last)}.{index}@{domain}",
            display_name=self.display_name(first, last),
            bio=self.bio(),
            interests=rng.sample(INTERESTS, rng.randint(1, 4)),
            skills=rng.sample(SKILLS, rng.randint(0, 3)),
        )


# --- Products ---------------------------------------------------------------------------------------

TOWN_PLACES = _lines("""
Riverside
Harbour
Old Town
Maple Street
Seaside
Canal Street
Market Square
Hilltop
Lakeside
Meadowbrook
Station Road
Lighthouse Point
Pinewood
Willow Lane
Foggy Bay
Cobblestone
Orchard Hill
Highland
Marina
Castle Hill
Rosewood
Fjordside
Riverbend
Bell Lane
Copper Creek
Brightwater
Elm Street
Kingsbridge
Bayside
Tidewater
Mill Pond
Foxglove
Juniper
Ironworks
Garden Row
Harbourview
Northgate
Sandy Cove
Parkside
Chestnut Avenue
Seagull Quay
Windy Ridge
Blackberry Lane
Copperfield
Saltmarsh
Lantern Street
Bramble Hill
Northbrick Central
""")


@dataclass(frozen=True)
class Theme:
    key: str
    category: str
    places: Sequence[str]
    subjects: Sequence[tuple[str, str]]  # (name, its signature feature)
    features: Sequence[str]
    extras: Sequence[str]  # second sentences that only make sense for this theme
    pieces: tuple[int, int]
    age: int
    tags: Sequence[str]
    adjective: str  # the category before a noun: "train sets", "a castle layout"
    real: bool = True  # whether fans could have seen one on holiday or at work


def _subjects(block: str) -> list[tuple[str, str]]:
    pairs = []
    for line in _lines(block):
        name, feature = line.split("|")
        pairs.append((name.strip(), feature.strip()))
    return pairs


THEMES = [
    Theme(
        key="modular",
        category="Modular buildings",
        places=TOWN_PLACES,
        subjects=_subjects("""
            Bakery | a bread oven that glows when you press the chimney
            Bookshop | floor-to-ceiling shelves with a rolling ladder
            Post Office | a sorting room with tiny parcels and letters
            Town Hall | a council chamber under a copper-green clock
            Corner Café | a striped awning and a coffee machine behind the counter
            Tram Depot | two tram bays with inspection pits
            Cinema | a marquee with changeable film titles
            Toy Shop | a shop window full of micro-scale toys
            Hotel | a revolving door and a rooftop bar
            Music Shop | a grand piano and a wall of guitars
            Flower Shop | buckets of flowers spilling onto the pavement
            Bike Workshop | a repair stand and a wall of spare wheels
            Apartment Block | three flats with different tenants and stories
            Library | a reading room with a spiral staircase
            Pharmacy | an old wooden counter with hundreds of tiny drawers
            Ice Cream Parlour | a counter with twelve flavours
            Barber Shop | a spinning barber pole and two vintage chairs
            Market Hall | a glass roof over busy food stalls
            Fire Station | a folding garage door and a pole between floors
            Police Station | a front desk, an office and a very small jail cell
            Tailor's Shop | a fitting room and rolls of fabric
            Fish Market | ice-filled crates and a harbour-facing stall
            Clock Shop | a workshop full of clocks with moving hands
            Record Store | listening booths and crates of records
            Bank | a vault door with a working combination dial
            Dentist's Surgery | a reclining chair and a waiting room
        """),
        features=_lines("""
            a fully furnished interior
            a removable roof for easy access
            opening shop shutters
            a hidden cellar
            street lamps on a detailed pavement
            window boxes full of flowers
            a rooftop terrace
            a back yard with bins and a bicycle
            a staircase connecting every floor
            a balcony overlooking the street
            an attic flat under the eaves
            a shop sign built from tiles
            a delivery bicycle
        """),
        extras=_lines("""
            Connects to other modular buildings with standard pins, so your street can keep growing.
            Each floor lifts off, so you can play inside as easily as you display it.
            Look closely and you will find small stories on every floor.
            The facade uses techniques fans have asked us to bring back for years.
        """),
        pieces=(1800, 3600),
        age=18,
        tags=("modular", "city", "display"),
        adjective="modular",
    ),
    Theme(
        key="vehicles",
        category="Vehicles",
        places=TOWN_PLACES,
        subjects=_subjects("""
            Ferry | a car deck with a folding ramp
            Tram | doors that slide open and a pantograph
            Double-Decker Bus | a staircase and a removable upper deck
            Fire Engine | an extending ladder with a working winch
            Delivery Van | a sliding side door and a load of parcels
            Tow Truck | a crane with a working hook
            Camper Van | a pop-up roof and a tiny kitchen
            Fishing Trawler | a net winch and a fish hold
            Cargo Ship | stackable containers and a bridge with a steering wheel
            Snowplough | a blade that lifts with a lever
            Vintage Roadster | a folding soft top and whitewall tyres
            Ambulance | a stretcher that slides out of the back
            Tractor | a front loader and a hay trailer
            Seaplane | floats, a turning propeller and a cargo hatch
            Tugboat | a big bumper and a towing hook
            Ice Cream Van | a serving hatch and a cone on the roof
            Rubbish Truck | a bin lift that tips into the back
            Mail Van | a sorting shelf full of letters
            Taxi | a light on the roof and a meter inside
            Water Taxi | a covered cabin and a boarding ladder
            Street Sweeper | spinning brushes that turn as it rolls
            Cable Car | a gondola that runs along a hand-cranked cable
        """),
        features=_lines("""
            working steering
            opening doors
            a detailed engine under the bonnet
            room for four minifigures
            a driver's cab with printed dials
            a small road section to park it on
            chunky wheels that roll smoothly
            headlights built from transparent tiles
            a luggage rack on the roof
            a removable roof for play
        """),
        extras=_lines("""
            It rolls smoothly along your street and fits the width of standard road plates.
            Built at minifigure scale, so it parks neatly beside our modular buildings.
            A build full of clever little mechanisms that are fun to discover.
            Sturdy enough for play, detailed enough for the shelf.
        """),
        pieces=(350, 1600),
        age=9,
        tags=("vehicles", "city", "mechanisms"),
        adjective="vehicle",
    ),
    Theme(
        key="trains",
        category="Trains",
        places=TOWN_PLACES,
        subjects=_subjects("""
            Railway Station | a ticket hall and a platform clock
            Signal Box | levers that change the signals
            Goods Yard | a loading crane and stacked crates
            Express | a streamlined locomotive and two carriages
            Freight Train | a diesel engine pulling three wagons
            Engine Shed | a turntable in front of two bays
            Level Crossing | barriers that lower together
            Steam Locomotive | moving side rods and a coal tender
            Night Train | sleeper compartments with tiny bunks
            Mountain Railway | a rack locomotive and a steep track section
            Dining Car | laid tables and a kitchen galley
            Water Tower | a swinging spout for steam engines
            Railway Bridge | a steel truss span over a river
            Branch Line Halt | a small shelter and a milk churn platform
        """),
        features=_lines("""
            a printed timetable
            a platform bench and lamp posts
            a station cat
            compatible track pieces
            room for a motor and battery box
            a detailed cab
            coupling magnets at both ends
            a luggage trolley
            a porter and two travellers
        """),
        extras=_lines("""
            Runs on standard Northbrick track and takes our motor kit if you want it to move.
            Designed with train fans from our community, who tested every coupling.
            Pairs well with any of our stations for a complete railway scene.
        """),
        pieces=(600, 2400),
        age=12,
        tags=("trains", "railway", "mechanisms"),
        adjective="train",
    ),
    Theme(
        key="landmarks",
        category="Landmarks",
        places=TOWN_PLACES,
        subjects=_subjects("""
            Windmill | sails that turn with a hand crank
            Lighthouse | a light brick that glows at the top
            Observatory | a dome that rotates to reveal a telescope
            Stone Bridge | three arches over a rocky river
            Cargo Crane | a jib that swings and lifts crates onto the quay
            Clock Tower | a clock face with moving hands
            Water Mill | a wheel that turns a grinding stone
            Bandstand | a wrought-iron roof and a brass band
            Boathouse | slipway doors that open onto the water
            Lido | a diving board and striped changing huts
            Opera House | a stage with curtains that open
            Botanic Pavilion | a glasshouse full of palms
            Pier | a carousel at the end of the boardwalk
            Covered Bridge | a timber roof and lanterns
            Fort | cannons on the ramparts and a drawbridge
            Chapel | stained-glass windows built from transparent tiles
            Beach Hut Row | five huts in five colours
            Castle Ruin | crumbling walls overgrown with ivy
        """),
        features=_lines("""
            a landscaped base with a winding path
            a nameplate for display
            plenty of small details to discover
            a weathered look built with mixed colours
            a garden with benches
            tiny visitors with a picnic blanket
            a hidden room behind a hinged wall
            a display stand with a printed plaque
        """),
        extras=_lines("""
            A display piece that rewards a slow, relaxing build.
            The base is sized to sit beside our other landmarks on a shelf.
            Every detail was checked against photographs of real buildings.
        """),
        pieces=(900, 3000),
        age=16,
        tags=("architecture", "display", "landmarks"),
        adjective="landmark",
    ),
    Theme(
        key="space",
        category="Space",
        places=_lines("""
            Lunar
            Orbital
            Red Planet
            Deep Space
            Asteroid Belt
            Comet
            Saturn
            Starlight
            Nebula
            Polaris
            Jupiter
            Galaxy
            Solar Wind
            Moonbase
            Meteor
            Andromeda
            Aurora
            Titan
            Europa
            Eclipse
            Horizon
            Pathfinder
            Voyager
            Frontier
        """),
        subjects=_subjects("""
            Research Base | modules that clip together in any layout
            Rover | six-wheel suspension and a robotic arm
            Shuttle | a payload bay with a deployable satellite
            Launch Pad | a gantry that swings away before lift-off
            Space Station | a rotating habitat ring
            Cargo Hauler | a detachable container pod
            Observatory Dome | a telescope that tilts and turns
            Mining Outpost | a drill rig and ore carts
            Landing Module | folding legs and a boarding ladder
            Satellite Array | solar panels that fold out
            Greenhouse Module | hydroponic plants under a clear dome
            Starfighter | folding wings and a two-seat cockpit
            Mission Control | screens, desks and a big countdown clock
            Ice Drill | a drill that spins as it lowers
            Recovery Vessel | a crane for picking up capsules
            Cosmic Explorer | a detachable scout ship
            Docking Port | an airlock that connects two modules
            Comms Tower | a dish that turns to track ships
        """),
        features=_lines("""
            four astronaut minifigures
            printed control panels
            transparent canopy pieces
            a detachable escape pod
            glow-in-the-dark details
            a display stand with a mission plaque
            a small crater base
            a robot helper
        """),
        extras=_lines("""
            Modules connect to our other space sets, so your base can keep growing.
            Swooshable in your hand and stable on its display stand.
            The colour scheme is a tribute to the classic space sets fans grew up with.
        """),
        pieces=(400, 2200),
        age=10,
        tags=("space", "sci-fi", "play"),
        adjective="space",
        real=False,
    ),
    Theme(
        key="castles",
        category="Castles and adventure",
        places=_lines("""
            Wyrmwood
            Misty
            Raven
            Stormwatch
            Emerald
            Iron
            Silver Lake
            Wolfden
            Thornwood
            Crown
            Falcon
            Moonlit
            Highcliff
            Ember
            Greystone
            Oakheart
            Shadowfen
            Lion's
            Frostpeak
            Golden
            Black Rock
            Sunken
            Mossy
            Windward
        """),
        subjects=_subjects("""
            Castle | a drawbridge that raises with a chain
            Watchtower | a ladder to a lookout with a signal fire
            Gatehouse | a portcullis that drops with a lever
            Blacksmith | a forge that glows and a water wheel
            Pirate Ship | sails, cannons and a captain's cabin
            Treasure Cove | a hidden cave with a treasure chest
            Knight's Camp | tents, banners and a jousting lane
            Wizard's Tower | a spiral stair and a secret library
            Tavern | a cellar full of barrels and a fireplace
            Harbour Fort | cannons facing the sea
            Dragon's Lair | a sleeping dragon on a pile of gold
            Monastery | a bell tower and a herb garden
            Market Town | timber-framed stalls around a well
            Smuggler's Inn | a trapdoor to a hidden tunnel
            River Keep | a water gate and a rowing boat
            Archery Range | targets that flip when hit
            Stable Yard | horses, a carriage and a hayloft
            Shipwreck Island | a broken hull on a sandy island
        """),
        features=_lines("""
            a secret passage
            five minifigures with weapons and shields
            a prison cell with a breakaway wall
            banners and torches
            a hinged wall that opens for play
            rocky scenery with a waterfall
            a treasure map tile
            a catapult that really launches
        """),
        extras=_lines("""
            Built to be played with: walls swing open and every level is easy to reach.
            Connects to our other castle sets along the wall sections.
            A nod to the classic castle sets, with today's building techniques.
        """),
        pieces=(500, 2800),
        age=9,
        tags=("castles", "adventure", "play"),
        adjective="castle",
        real=False,
    ),
    Theme(
        key="botanical",
        category="Home décor",
        places=_lines("""
            Spring
            Autumn
            Desert
            Tropical
            Japanese
            Cottage
            Mediterranean
            Alpine
            Meadow
            Midsummer
            Moonlight
            Woodland
            Coastal
            Windowsill
            Evergreen
            Morning
            Wild
            Golden Hour
        """),
        subjects=_subjects("""
            Bonsai Tree | a pot with a detailed moss base
            Orchid | petals built with new curved pieces
            Succulent Garden | nine different succulents in a shallow tray
            Wildflower Bouquet | stems you can arrange your own way
            Terrarium | a glass jar with a tiny scene inside
            Greenhouse | a transparent roof over rows of seedlings
            Herb Planter | basil, rosemary and mint in one box
            Cherry Blossom | branches covered in pink blossom
            Sunflower Pot | a sunflower taller than a vase
            Water Lily Pond | floating leaves and a tiny frog
            Cactus Collection | three cacti with flowers
            Lavender Box | rows of lavender in a wooden crate
            Rose Arrangement | red roses with adjustable stems
            Fern Corner | a hanging fern with trailing leaves
            Tulip Vase | tulips in a vase that looks like glazed pottery
            Olive Tree | a twisted trunk and silver-green leaves
        """),
        features=_lines("""
            adjustable stems
            a display base that looks like stone
            a gift card to build for someone else
            leaves built from clever part reuse
            colours chosen to fade gently like real plants
            a calm, mindful build
        """),
        extras=_lines("""
            A calm build for an evening, and a plant that never needs watering.
            Designed to sit on a windowsill or a desk, and to start a conversation.
            Makes a thoughtful gift for builders and plant lovers alike.
        """),
        pieces=(300, 1300),
        age=18,
        tags=("botanical", "home décor", "gift"),
        adjective="botanical",
    ),
    Theme(
        key="junior",
        category="Junior",
        places=_lines("""
            Sunny
            Happy Valley
            Little
            Rainbow
            Bumblebee
            Puddle Lane
            Buttercup
            Tiny Town
            Jolly
            Sunflower
            Cloudy Hill
            Pebble
            Ladybird
            Teddy Bear
            Busy
            Bouncy
        """),
        subjects=_subjects("""
            Farm | animals, a barn and a tractor
            Zoo | a giraffe, a lion and a keeper
            Pet Clinic | a vet, a puppy and a kitten
            Fire Station | a fire engine with a big ladder
            Playground | a slide, swings and a roundabout
            Ice Cream Truck | scoops in bright colours
            Train | a simple track and three carriages
            Bus Stop | a school bus and a shelter
            Garage | a car wash and a repair ramp
            Beach Day | a sandcastle and a boat
            Dinosaur Park | a friendly dinosaur and an explorer jeep
            Police Chase | a police car and a getaway van
            Bakery | a baker and a tray of cakes
            Camping Trip | a tent, a campfire and a canoe
            Space Rocket | a rocket that opens for an astronaut
            Airport | a small plane and a control tower
        """),
        features=_lines("""
            big starter pieces for small hands
            a picture-only instruction booklet
            two friendly minifigures
            a storage box that doubles as a play mat
            simple builds that are finished in minutes
            stickers kids can place themselves
        """),
        extras=_lines("""
            Made for first-time builders: quick wins, big pieces and lots of play.
            Every model is sturdy enough for the floor, the bath-time shelf and the car ride.
            Parents told us what frustrated their kids, and we changed the build to fix it.
        """),
        pieces=(60, 280),
        age=4,
        tags=("junior", "kids", "play"),
        adjective="junior",
        real=False,
    ),
    Theme(
        key="winter",
        category="Winter village",
        places=_lines("""
            Winter
            Snowy
            Frosty
            Holiday
            Icicle
            Snowflake
            Hearthside
            Candlelight
            Northern Lights
            Mistletoe
            Evergreen Hollow
            Starry Night
            Cinnamon
            Sleigh Bell
            Polar
            Gingerbread
        """),
        subjects=_subjects("""
            Post Office | a sack of letters to the North Pole
            Toy Workshop | elves at work on wooden toys
            Ice Rink | skaters and a warming hut
            Market | stalls selling mulled apple juice and gingerbread
            Cottage | a crackling fireplace and a decorated tree
            Train Station | a snow-covered platform and a steam engine
            Bakery | a window full of holiday biscuits
            Ski Lodge | a lift station and a chalet
            Chapel | a bell that rings and a choir
            Lighthouse | a beacon that shines over the frozen bay
            Sleigh Ride | a sleigh pulled by two reindeer
            Tree Farm | rows of trees and a saw
            Town Square | a giant tree with lights
            Chocolate Shop | a counter of hot chocolate and truffles
            Snowman Park | three snowmen and a sledging hill
            Inn | a warm dining room and a stable
        """),
        features=_lines("""
            snow made from white tiles
            a light brick for a warm glow
            festive minifigures in scarves and hats
            garlands and lanterns
            a hidden present to find
            a snowy base that connects to other village sets
        """),
        extras=_lines("""
            Joins the winter village so your display grows a little every December.
            The light brick makes it glow beautifully on a dark evening.
        """),
        pieces=(700, 1700),
        age=12,
        tags=("winter", "seasonal", "display"),
        adjective="winter village",
    ),
]

PRODUCT_OPENERS = _lines("""
{A_pieces} {subject_l} with {sig}, plus {f1}.
Build the {name} in {pieces:,} pieces, complete with {sig}, {f1} and {f2}.
This {pieces:,}-piece set recreates {a_subject}, with {sig}.
Meet the {name}: {a_subject} with {sig}, {f1} and {f2}.
Built around {sig}, this {pieces:,}-piece {subject_l} also has {f1} and {f2}.
The {name} brings {a_subject} to your shelf, with {sig} and {f1}.
""")
PRODUCT_STATUS_LINES = {
    "launched": _lines("""
        For builders aged {age} and up.
        Includes {figures} minifigures and a sticker sheet for the finishing touches.
        Comes with printed instructions and a digital version in the Northbrick app.
        On sale now in our shop and at selected retailers.
    """),
    "in_development": _lines("""
        Currently in prototype testing with community builders.
        Planned for {launch_year}; community testers are helping us refine the build.
        In development: the final design may still change based on your feedback.
    """),
    "concept": _lines("""
        A concept shaped by ideas from the Northbrick community; tell us what you would add.
        Still a concept: support it and share your ideas so our designers can take it further.
        This concept grew from a fan idea and is waiting for your feedback.
    """),
    "retired": _lines("""
        Retired in {retired_year}, and still a favourite with collectors.
        No longer on sale, but you can still download the instructions.
        Retired after {years_on_sale} on the shelves; thank you to everyone who built it.
    """),
}


@dataclass(frozen=True)
class ProductText:
    name: str
    category: str
    description: str
    pieces: int
    theme: str


def _years(n: int) -> str:
    return "one year" if n <= 1 else f"{n} years"


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def product_name(place: str, subject: str) -> str:
    # "Old Town Town Hall" reads like a typo; "Town Hall at Old Town" does not.
    overlap = {w.lower() for w in place.split()} & {w.lower() for w in subject.split()}
    return f"{subject} at {place}" if overlap else f"{place} {subject}"


# Longest first, so "Double-Decker Bus" is found before "Bus Stop" could match a shorter word.
_SUBJECTS = sorted(
    ((subject.lower(), theme) for theme in THEMES for subject, _sig in theme.subjects),
    key=lambda pair: -len(pair[0]),
)


@functools.lru_cache(maxsize=8192)
def theme_of(product: str) -> tuple[Theme, str] | None:
    """The theme and subject a product's name mentions ("City Tram No. 7" -> vehicles, "tram")."""
    padded = f" {product.lower()} "
    for subject, theme in _SUBJECTS:
        if f" {subject} " in padded:
            return theme, subject
    return None


class _ProductPicker:
    """Products for texts to mention: the caller's catalogue if given, else generated names.

    Texts about one theme mention products of the same theme when there are any, so an idea for a
    goods yard is compared with a train set, not with a space station.
    """

    def __init__(self, rng: random.Random, products: Sequence[str] | None) -> None:
        self.rng = rng
        self.products = list(products or [])
        self.by_theme: dict[str, list[str]] = {}
        for name in self.products:
            found = theme_of(name)
            if found is not None:
                self.by_theme.setdefault(found[0].key, []).append(name)

    def pick(self, theme: Theme | None = None) -> str:
        rng = self.rng
        if self.products:
            pool = self.by_theme.get(theme.key, []) if theme is not None else []
            return rng.choice(pool or self.products)
        theme = theme or rng.choice(THEMES)
        return product_name(rng.choice(theme.places), rng.choice(theme.subjects)[0])


class ProductTextFactory:
    """Product names, categories and shop copy.

    `name(index)` walks a seed-dependent permutation of every (theme, place, subject) combination, so the
    first 5,000 or so products all have different names, and product `index` is the same whatever was
    generated before it: that is what lets `cocreate seed` add only the missing rows on a re-run.
    """

    def __init__(self, seed: int = 0) -> None:
        self._sizes = [len(t.places) * len(t.subjects) for t in THEMES]
        self.combinations = sum(self._sizes)
        picker = random.Random(f"products:{seed}")
        step = picker.randrange(1, self.combinations)
        while math.gcd(step, self.combinations) != 1:
            step = picker.randrange(1, self.combinations)
        self._step, self._offset = step, picker.randrange(self.combinations)

    def parts(self, index: int) -> tuple[Theme, str, tuple[str, str], int]:
        """Theme, place, (subject, signature feature) and repeat round of product `index`."""
        slot = (self._step * index + self._offset) % self.combinations
        for theme, size in zip(THEMES, self._sizes, strict=True):
            if slot < size:
                place, subject = divmod(slot, len(theme.subjects))
                return theme, theme.places[place], theme.subjects[subject], index // self.combinations
            slot -= size
        raise AssertionError("unreachable: slot is below the number of combinations")

    def name(self, index: int) -> str:
        _theme, place, (subject, _sig), round_ = self.parts(index)
        name = product_name(place, subject)
        return f"{name} {_roman(round_ + 1)}" if round_ else name

    def product(
        self,
        index: int,
        rng: random.Random,
        *,
        status: str = "launched",
        launch_year: int = 2025,
        retired_year: int = 2024,
    ) -> ProductText:
        theme, _place, (subject, sig), _round = self.parts(index)
        name = self.name(index)
        pieces = rng.randint(*theme.pieces)
        # Piece counts on real boxes are rarely round, but rarely odd either.
        pieces -= pieces % 2
        f1, f2 = rng.sample(list(theme.features), 2)
        slots = {
            "name": name,
            "pieces": pieces,
            "subject_l": subject.lower(),
            "a_subject": f"{_article(subject)} {subject.lower()}",
            "A_pieces": _a_pieces(pieces).capitalize(),
            "sig": sig,
            "f1": f1,
            "f2": f2,
            "age": theme.age,
            "figures": rng.randint(2, 8),
            "launch_year": launch_year,
            "retired_year": retired_year,
            "years_on_sale": _years(retired_year - launch_year),
        }
        sentences = [rng.choice(PRODUCT_OPENERS)]
        if rng.random() < 0.7:
            sentences.append(rng.choice(theme.extras))
        sentences.append(rng.choice(PRODUCT_STATUS_LINES.get(status, PRODUCT_STATUS_LINES["launched"])))
        return ProductText(
            name=name,
            category=theme.category,
            description=" ".join(s.format(**slots) for s in sentences),
            pieces=pieces,
            theme=theme.key,
        )


# --- Ideas ------------------------------------------------------------------------------------------

IDEA_STYLES = _lines("""
Micro-scale
Modular
Motorised
Light-up
Retro
Minifigure-scale
Buildable
Night-time
Seaside
Rainy-day
Two-storey
Pocket-sized
Vintage
Family-friendly
Collector's
Winter
Rustic
Steampunk
Pastel
Display-scale
""")
IDEA_TITLE_FORMS = _lines("""
{place} {subject}
{style} {subject}
{style} {place} {subject}
{place} {subject} with {sig_short}
{subject} that connects to the {product}
{A_subject} to go with the {product}
{place} {subject} and {subject2}
{style} {subject} with {sig_short}
""")
IDEA_MOTIVATIONS = _lines("""
I have been building {theme_l} sets for {years} years and this is the one I keep wishing existed.
My {kid} asked why there is no {subject_l} in the catalogue, so we sketched one together.
Every {theme_l} display I see online is missing {a_subject}.
Our club's layout has everything except {a_subject}, and we keep building our own.
I built a rough version from spare parts last winter and it is the most played-with thing on our shelf.
The {product} is my favourite set, and this would be the perfect neighbour for it.
There are plenty of big {theme_l} sets, but very few that {aged} could build alone.
I keep seeing requests for {a_subject} in the forum, so here is a concrete proposal.
When I set up my {theme_l} shelf, the gap next to the {product} was crying out for this.
""")
# Only for themes with real-world counterparts: nobody visits a real starfighter on holiday.
IDEA_REAL_MOTIVATIONS = _lines("""
After visiting a real {subject_l} in {city} on holiday, I could not stop thinking about it in brick form.
My grandfather worked at {a_subject} in {city}, and I would love to build it for him.
There is a lovely old {subject_l} near our flat in {city}, and I have photographed every corner of it.
""")
IDEA_PITCHES = _lines("""
The idea is **{title}**, around {pieces:,} pieces, with {sig}.
I imagine it at minifigure scale, about {studs} studs wide, so it lines up with the {product}.
Picture {a_subject} with {sig}, sized to sit beside the {product}.
It would be {a_pieces} build centred on {sig}.
The core of it is {sig}; everything else is built around that.
""")
IDEA_DETAILS = _lines("""
It would have {f1}, {f2} and {f3}.
The best part would be **{f1}**, and {f2} would make it fun to play with too.
I would add {f1} and {f2}, and keep the price within reach of families.
Inside there would be {f1}, plus {f2} for anyone who likes small details.
Display builders would love {f1}, while {f2} would keep it playable.
""")
IDEA_CLOSERS = _lines("""
I would happily help test a prototype.
What would you add?
Support it if you want to see it on the shelves.
I am open to feedback on the colour scheme.
Would you buy this at around {price}?
Happy to share my rough build if the design team wants a look.
Tell me which detail you would cut to keep it affordable.
""")
# Tags that fit an idea of any theme; each idea also gets one of its theme's own.
IDEA_TAGS = _lines("""
lighting
minifigures
interior details
mechanisms
micro scale
landscaping
motorised
for kids
for collectors
affordable
modular
""")
KIDS = ["son", "daughter", "nephew", "niece", "granddaughter", "grandson", "youngest", "eldest"]


@dataclass(frozen=True)
class IdeaText:
    title: str
    description: str
    tags: list[str]
    category: str


class IdeaTextFactory:
    """A fan's set idea: a title, a 2-4 sentence markdown description and a few tags."""

    def __init__(self, rng: random.Random, products: Sequence[str] | None = None) -> None:
        self.rng = rng
        self.picker = _ProductPicker(rng, products)

    def idea(self) -> IdeaText:
        rng = self.rng
        theme = rng.choice(THEMES)
        place = rng.choice(theme.places)
        (subject, sig), (subject2, _sig2) = rng.sample(list(theme.subjects), 2)
        f1, f2, f3 = rng.sample(list(theme.features), 3)
        pieces = rng.randrange(theme.pieces[0], theme.pieces[1], 10)
        slots = {
            "place": place,
            "subject": subject,
            "subject2": subject2,
            "subject_l": subject.lower(),
            "a_subject": f"{_article(subject)} {subject.lower()}",
            "A_subject": f"{_article(subject).capitalize()} {subject.lower()}",
            "sig": sig,
            "sig_short": _short_feature(sig),
            "style": rng.choice(IDEA_STYLES),
            "product": self.picker.pick(theme),
            "theme_l": theme.adjective,
            "years": rng.randint(2, 35),
            "kid": rng.choice(KIDS),
            "city": rng.choice(CITIES),
            "aged": _aged(rng.randint(6, 10)),
            "pieces": pieces,
            "a_pieces": _a_pieces(pieces),
            "studs": rng.choice([16, 24, 32, 48]),
            "price": f"€{rng.randrange(30, 250, 10)}",
            "f1": f1,
            "f2": f2,
            "f3": f3,
        }
        title = rng.choice(IDEA_TITLE_FORMS).format(**slots)
        slots["title"] = title
        sentences = [rng.choice(IDEA_PITCHES)]
        if rng.random() < 0.75:
            motivations = IDEA_MOTIVATIONS + IDEA_REAL_MOTIVATIONS if theme.real else IDEA_MOTIVATIONS
            sentences.insert(0, rng.choice(motivations))
        if rng.random() < 0.6 or len(sentences) < 2:
            sentences.append(rng.choice(IDEA_DETAILS))
        if len(sentences) < 4 and rng.random() < 0.5:
            sentences.append(rng.choice(IDEA_CLOSERS))
        tags = sorted({rng.choice(theme.tags), *rng.sample(IDEA_TAGS, rng.randint(1, 2))})
        return IdeaText(
            title=title,
            description=" ".join(s.format(**slots) for s in sentences),
            tags=tags,
            category=theme.category,
        )


def _short_feature(feature: str) -> str:
    """The head of a feature, short enough for a title ("a drawbridge that raises" -> "drawbridge")."""
    for cut in (" that ", " with ", " and ", " for ", " on ", " under ", " in "):
        if cut in feature:
            feature = feature.split(cut, 1)[0]
    words = feature.split()
    if words and words[0] in {"a", "an", "the"}:
        words = words[1:]
    return " ".join(words[:4]) or feature


# --- Forum feedback ---------------------------------------------------------------------------------


class FeedbackKind(enum.StrEnum):
    SUGGESTION = "suggestion"
    BUG = "bug"
    REVIEW = "review"
    QUESTION = "question"


class Sentiment(enum.StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


# Generic enough to belong to any set a post is about.
PARTS = _lines("""
roof
front door
back wall
base
sticker sheet
side panel
top section
rear section
staircase
display stand
window frame
main hinge
chimney
balcony
""")
COLOURS = _lines("""
dark green
sand blue
reddish brown
tan
medium azure
bright orange
dark red
light bluish grey
olive green
dark tan
lavender
coral
""")
HOURS = ["two", "three", "four", "five", "six", "eight", "ten", "twelve"]

SUGGESTION_TITLES = _lines("""
Please add {wish} to the {product}
Idea: {wish} for the {product}
Small change that would make the {product} better
Suggestion for the next version of the {product}
{product}: what about {wish}?
Would love {wish} in future {theme_l} sets
""")
SUGGESTION_PROBLEMS = _lines("""
the {part} comes loose whenever I move the model to dust it
the {part} is hard to reach once the upper floor is on
the {part} uses a colour that is very hard to tell apart from black in the instructions
there is no easy way to connect it to the {product2}
the {part} feels a bit plain compared with the rest of the set
my kids keep asking where the minifigures are supposed to sleep
the {part} blocks the view into the interior when it is on display
""")
SUGGESTION_IMPROVEMENTS = _lines("""
It would be great if a future version came with {wish}.
Could the designers look at {wish}?
A simple fix would be {wish}, which other builders in our club have already tried.
I tried {wish} with spare parts and it works really well.
Even an alternative build in the booklet showing {wish} would help.
""")
WISHES = _lines("""
a light brick
a second minifigure
a hinged back wall
printed tiles instead of stickers
a connection point for the {product2}
a sturdier {part}
an interior for the top floor
a stand for display
bags numbered by floor
a colour change on the {part}
a motor option
more plants and greenery
""")
SUGGESTION_REASONS = _lines("""
That would make it much easier to play with.
Our club builds it as part of a bigger layout, so that connection really matters.
It would also help builders with colour vision deficiency.
Younger builders would get a lot more out of it.
It would make the set feel complete on display.
""")
# (titles, body): a report's title always names the problem its body describes.
BUG_REPORTS: list[tuple[list[str], str]] = [
    (
        ["Step {step}: instructions show the wrong colour piece", "{product}: colour mix-up at step {step}"],
        "Step {step} of the {product} instructions shows {a_colour} piece, but the bag has {a_colour2} one. "
        "I checked twice.",
    ),
    (
        ["Missing piece in bag {bag} of the {product}", "{product}: bag {bag} is one plate short"],
        "Bag {bag} of my {product} was missing one {colour} 1x2 plate, so the {part} would not lock "
        "in place.",
    ),
    (
        ["Sticker misaligned on the {product}", "{product}: sticker does not match the print"],
        "The printed lines on the {part} sticker sit about half a stud to the left, so they do not line up "
        "with the window.",
    ),
    (
        [
            "{product}: {part} does not fit at step {step}",
            "Step {step} of the {product} will not clip together",
        ],
        "At step {step} the {part} should clip onto the frame, but the pin hole is blocked by the piece from "
        "step {prev}.",
    ),
    (
        ["Instructions app freezes at step {step} of the {product}"],
        "In the app the 3D view stops responding at step {step}; restarting does not help and the booklet "
        "is at home.",
    ),
    (
        ["{product} booklet {booklet}, page {page}: part hidden behind another"],
        "Page {page} of booklet {booklet} hides {a_colour} bracket behind the {part}, so I built it one stud "
        "off and had to go back.",
    ),
    (
        ["Light brick in the {product} stopped working", "{product}: light brick flickers"],
        "The light brick in my {product} worked for {hours} weeks and now only flickers when I press it. "
        "New batteries did not change anything.",
    ),
    (
        ["{product}: the {part} keeps popping off", "The {part} on the {product} will not stay attached"],
        "Every time I open the {product} to play inside, the {part} pops off and half of it rolls under "
        "the sofa. It happens on both of our copies.",
    ),
]
BUG_DETAILS = _lines("""
- Booklet {booklet}, step {step}
- Bought: {month} {year}
- Bag: {bag}
- Part colour: {colour}
""")
BUG_CLOSERS = _lines("""
Has anyone else seen this?
I contacted customer service and am waiting for the replacement part.
Photos attached in the reply below.
Not a big deal, but worth fixing in the next print run.
Workaround: swap steps {step} and {next} and it goes together fine.
""")
# (titles, body), paired like bug reports.
QUESTIONS: list[tuple[list[str], str]] = [
    (
        ["Is the {product} compatible with the {product2}?", "{product} next to the {product2}?"],
        "I am planning a {theme_l} layout and want to put the {product} next to the {product2}. "
        "Do the connections line up?",
    ),
    (
        ["How long does the {product} take to build?", "Build time for the {product}?"],
        "I have {hours} free evenings before my {kid}'s birthday. Is that enough for the {product}, "
        "or should I start now?",
    ),
    (
        ["Will the {product} come back?", "Any news on a re-release of the {product}?"],
        "I missed the {product} when it was on sale. Has Northbrick said anything about bringing it back?",
    ),
    (
        ["Where can I find a replacement {part} for the {product}?", "Replacement {part} for the {product}"],
        "Our cat knocked the {product} off the shelf and the {part} snapped. "
        "Is there a way to order just that part?",
    ),
    (
        ["Can the {product} be motorised?", "Motor kit for the {product}?"],
        "I would like to add a motor to the {product}. Has anyone tried it, and which battery box "
        "fits inside?",
    ),
    (
        ["Best way to light the {product}?", "Lighting the {product} without drilling"],
        "I want to add lights to the {product} without drilling anything. Which kit do people use, "
        "and where does the battery go?",
    ),
    (
        ["Is the {product} suitable for {aged}?", "{product} for {aged}?"],
        "My {kid} is {age} and loves {interest}. Would the {product} be too hard to build alone, "
        "or is it fine with a bit of help?",
    ),
    (
        ["How do you dust the {product}?", "Keeping the {product} clean on display"],
        "After {hours} months on the shelf my {product} is grey with dust, and the {part} is hard to reach. "
        "What do you use to clean it without taking it apart?",
    ),
]
QUESTION_CLOSERS = [
    *_lines("""
Thanks in advance!
Any tips welcome.
Photos of your builds would help a lot.
Sorry if this has been asked before; the search did not find anything.
"""),
    "",
]

# Reviews: every pool is written for one sentiment, so the rating and the words always agree.
REVIEW_TITLES = {
    5: _lines("""
        Best set I have built this year
        An absolute joy to build
        Worth every penny
        Perfect centrepiece for our {theme_l} shelf
        Brilliant design, fantastic build
        Our whole family loved this one
        A superb {subject_l}
        The {product} is a little masterpiece
        Five stars for the {product}
        {product}: brilliant from bag one
        Loved building the {product} with my {kid}
    """),
    4: _lines("""
        Lovely set with one small wish
        Great build, nearly perfect
        Really enjoyed the {product}
        Fantastic, but I would add one thing
        A great addition to the {theme_l} range
        Lovely details, good value
        {product}: great, with one small wish
        Four stars for the {product}
        Great {theme_l} set, minor niggles
    """),
    3: _lines("""
        Nice idea, uneven build
        Good in parts
        Fine for the price
        Some clever bits, some dull bits
        Okay, but not my favourite {theme_l} set
        Mixed feelings about the {product}
        {product}: fine, not special
        Three stars for the {product}
    """),
    2: _lines("""
        Disappointing for the price
        Not worth it in my opinion
        Frustrating build
        Expected more from the {product}
        Flimsy and fiddly
        Left me disappointed
        {product}: not worth the price
        The {product} was a frustrating build
    """),
    1: _lines("""
        Very disappointed
        Pieces missing and no reply from support
        A waste of money
        Falls apart constantly
        Regret buying the {product}
        Poor quality control
        {product}: pieces missing, very disappointed
        One star for the {product}, sadly a waste of money
    """),
}
REVIEW_SENTENCES = {
    Sentiment.POSITIVE: _lines("""
        The build took me {hours} relaxed evenings and I loved every step.
        The {part} is brilliant: clever, sturdy and fun to discover.
        Instructions are clear, and the colour changes make finding your place a joy.
        My {kid} and I built it together and we both loved the result.
        I would recommend it to anyone who likes {interest}.
        It looks fantastic on the shelf next to the {product2}.
        The attention to detail is superb, especially the {part}.
        Great value for the number of pieces and the play it offers.
        Every bag has a small surprise, which made it a joy to build.
        The {part} uses a technique I had never seen before, and it is perfect.
    """),
    Sentiment.NEUTRAL: _lines("""
        The {part} is a nice touch, but the rest of the build is quite repetitive.
        It looks fine on display, though it feels fragile when you pick it up.
        The first half was fun, but the second half was mostly tiling.
        It is okay for the price, but I expected a bit more interior detail.
        The colours are nice, but the {part} is held by a single pin.
        My {kid} liked the minifigures but got bored halfway through.
        Good instructions, average model.
        A solid set, though it does not stand out in the {theme_l} range.
    """),
    Sentiment.NEGATIVE: _lines("""
        Two pieces were missing from bag {bag} and it took weeks to get replacements.
        The {part} falls off every time I pick the model up, which is annoying.
        Not worth the money: for this price I expected far more than {pieces:,} pieces.
        The instructions hide {a_colour} piece at step {step}, which was frustrating.
        The {part} is flimsy and broke on the second day.
        The stickers are poor quality and peel after a month on the shelf.
        My {kid} gave up at step {step} because the {part} kept coming apart, which was frustrating \
            for both of us.
        Half the model is hidden once it is assembled, so it feels like a waste of money.
        Customer service was slow and the replacement {part} was the wrong colour, which was \
            disappointing.
    """),
}
REVIEW_WISHES = _lines("""
If I could change one thing, I would add a light brick.
My only wish is a second minifigure to keep the first one company.
Next time I would like printed tiles rather than stickers.
I hope a future version gets a bit more interior detail.
""")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


@dataclass(frozen=True)
class Feedback:
    kind: FeedbackKind
    title: str
    body: str
    sentiment: Sentiment
    product: str
    rating: int | None = None
    tags: list[str] = field(default_factory=list)


class FeedbackTextFactory:
    """Forum-style feedback: improvement suggestions, bug reports, product reviews and questions.

    A review's star rating decides its sentiment and its sentences (4-5 positive, 3 neutral, 1-2
    negative), so the text never contradicts the stars.
    """

    KIND_WEIGHTS = {
        FeedbackKind.REVIEW: 40,
        FeedbackKind.SUGGESTION: 25,
        FeedbackKind.QUESTION: 20,
        FeedbackKind.BUG: 15,
    }
    # Real review scores lean positive.
    RATING_WEIGHTS = {5: 38, 4: 30, 3: 14, 2: 9, 1: 9}

    def __init__(self, rng: random.Random, products: Sequence[str] | None = None) -> None:
        self.rng = rng
        self.picker = _ProductPicker(rng, products)

    def _other_product(self, product: str, theme: Theme) -> str:
        other = self.picker.pick(theme)
        # A small catalogue often offers the same set again: "the tram next to the tram" reads badly.
        for _ in range(8):
            if other != product:
                break
            other = self.picker.pick()
        return other

    def _slots(self, product: str | None) -> dict[str, object]:
        rng = self.rng
        product = product or self.picker.pick()
        # The post talks about the product's own kind of set; unknown names get a plausible theme.
        found = theme_of(product)
        theme, subject = found if found is not None else (rng.choice(THEMES), "set")
        step = rng.randint(8, 240)
        age = rng.randint(5, 12)
        colour, colour2 = rng.sample(COLOURS, 2)
        slots: dict[str, object] = {
            "product": product,
            "product2": self._other_product(product, theme),
            "part": rng.choice(PARTS),
            "colour": colour,
            "colour2": colour2,
            "a_colour": f"{_article(colour)} {colour}",
            "a_colour2": f"{_article(colour2)} {colour2}",
            "step": step,
            "prev": step - rng.randint(1, 6),
            "next": step + 1,
            "bag": rng.randint(1, 16),
            "booklet": rng.randint(1, 4),
            "page": rng.randint(6, 180),
            "hours": rng.choice(HOURS),
            "kid": rng.choice(KIDS),
            "age": age,
            "aged": _aged(age),
            "interest": rng.choice(INTERESTS),
            "theme_l": theme.adjective,
            "subject_l": subject,
            "pieces": rng.randrange(200, 3000, 10),
            "month": rng.choice(MONTHS),
            "year": rng.randint(2021, 2026),
        }
        # Wishes mention {part} and {product2}, so they are filled in before they fill other templates.
        slots["wish"] = rng.choice(WISHES).format(**slots)
        return slots

    def feedback(self, kind: FeedbackKind | str | None = None, product: str | None = None) -> Feedback:
        rng = self.rng
        if kind is None:
            kind = rng.choices(list(self.KIND_WEIGHTS), list(self.KIND_WEIGHTS.values()))[0]
        kind = FeedbackKind(kind)
        slots = self._slots(product)
        make = {
            FeedbackKind.REVIEW: self._review,
            FeedbackKind.SUGGESTION: self._suggestion,
            FeedbackKind.BUG: self._bug,
            FeedbackKind.QUESTION: self._question,
        }[kind]
        return make(slots)

    def review(self, rating: int | None = None, product: str | None = None) -> Feedback:
        slots = self._slots(product)
        return self._review(slots, rating)

    def _review(self, slots: dict[str, object], rating: int | None = None) -> Feedback:
        rng = self.rng
        if rating is None:
            rating = rng.choices(list(self.RATING_WEIGHTS), list(self.RATING_WEIGHTS.values()))[0]
        if rating not in REVIEW_TITLES:
            raise ValueError("A review has 1 to 5 stars.")
        sentiment = (
            Sentiment.POSITIVE if rating >= 4 else Sentiment.NEUTRAL if rating == 3 else Sentiment.NEGATIVE
        )
        count = rng.randint(2, 4)
        sentences = rng.sample(REVIEW_SENTENCES[sentiment], count)
        if rating == 4:
            sentences[-1] = rng.choice(REVIEW_WISHES)
        if rating == 3 and rng.random() < 0.5:
            sentences.append(f"{rng.choice(['Three', 'A fair three'])} stars from me.")
        # A fresh part per sentence, so one review does not praise the same part three times.
        body = " ".join(s.format(**{**slots, "part": rng.choice(PARTS)}) for s in sentences)
        return Feedback(
            kind=FeedbackKind.REVIEW,
            title=rng.choice(REVIEW_TITLES[rating]).format(**slots),
            body=body,
            sentiment=sentiment,
            product=str(slots["product"]),
            rating=rating,
            tags=["review"],
        )

    def _suggestion(self, slots: dict[str, object]) -> Feedback:
        rng = self.rng
        opener = rng.choice(
            [
                "I really like the {product}, but {problem}.",
                "Building the {product} with my {kid}, we noticed that {problem}.",
                "Small thing on the {product}: {problem}.",
                "After a month on display, I found that {problem}.",
            ]
        )
        slots = {**slots, "problem": rng.choice(SUGGESTION_PROBLEMS).format(**slots)}
        sentences = [opener, rng.choice(SUGGESTION_IMPROVEMENTS)]
        if rng.random() < 0.7:
            sentences.append(rng.choice(SUGGESTION_REASONS))
        return Feedback(
            kind=FeedbackKind.SUGGESTION,
            title=rng.choice(SUGGESTION_TITLES).format(**slots),
            body=" ".join(s.format(**slots) for s in sentences),
            sentiment=Sentiment.NEUTRAL,
            product=str(slots["product"]),
            tags=["suggestion", str(slots["theme_l"])],
        )

    def _bug(self, slots: dict[str, object]) -> Feedback:
        rng = self.rng
        titles, body = rng.choice(BUG_REPORTS)
        if rng.random() < 0.6:
            body += " " + rng.choice(BUG_CLOSERS)
        body += "\n\n" + "\n".join(["- Set: {product}", *rng.sample(BUG_DETAILS, 2)])
        return Feedback(
            kind=FeedbackKind.BUG,
            title=rng.choice(titles).format(**slots),
            body=body.format(**slots),
            sentiment=Sentiment.NEGATIVE,
            product=str(slots["product"]),
            tags=["bug", "instructions" if "step" in body else "parts"],
        )

    def _question(self, slots: dict[str, object]) -> Feedback:
        rng = self.rng
        titles, body = rng.choice(QUESTIONS)
        body = f"{body} {rng.choice(QUESTION_CLOSERS)}".strip()
        return Feedback(
            kind=FeedbackKind.QUESTION,
            title=rng.choice(titles).format(**slots),
            body=body.format(**slots),
            sentiment=Sentiment.NEUTRAL,
            product=str(slots["product"]),
            tags=["question"],
        )


# --- Forum conversations: discussions, replies, answers and staff messages -----------------------------

DISCUSSION_POSTS: list[tuple[list[str], str]] = [
    (
        ["My {product} build, with a few changes", "Show and tell: my modified {product}"],
        "Finished the {product} last weekend. I swapped the {part} for a {colour} version and added a small "
        "garden at the back. It took {hours} evenings and it now sits next to the {product2}.",
    ),
    (
        ["What is your favourite {theme_l} set?", "Favourite {theme_l} set of all time?"],
        "Mine is still the {product}: the {part} was such a clever build. Which one would you keep if "
        "you could only have one?",
    ),
    (
        ["Displaying the {product} and the {product2} together", "Shelf ideas for the {product}"],
        "I am running out of shelf space. How do you display the {product} next to the {product2}? "
        "I am thinking of a {colour} baseplate between them.",
    ),
    (
        ["Building the {product} with my {kid}", "Family build night: the {product}"],
        "My {kid} ({age}) and I built the {product} together over {hours} evenings. The {part} was the "
        "highlight. Any other sets that work as well for building together?",
    ),
    (
        ["Club layout with the {product}", "Our {theme_l} club layout"],
        "Our club used three copies of the {product} in this year's {theme_l} layout, joined to the "
        "{product2}. Happy to share how we connected them.",
    ),
]
REPLIES_GENERAL = _lines("""
Lovely work! The {part} in {colour} looks much better than the original.
Same here: I built it with my {kid} and the {part} was our favourite part too.
Thanks for sharing. I have the {product2} and will try the same idea.
I did something similar, but I kept the {part} as designed and changed the base instead.
That looks great on the shelf. How did you keep the dust off?
Nice! Which bags did you start with?
Agreed, the {product} is one of the best {theme_l} sets of the last few years.
I had the same thought after building it. Hope the designers read this thread.
""")
REPLIES_FEEDBACK = _lines("""
+1, I noticed the same with my {product}.
Same problem here with the {part}; I hope it gets fixed in the next print run.
Good idea. I would add {wish} as well.
I tried this with spare parts and it works. Photos when I have a moment.
Not sure I agree: I like the {part} as it is, but an option would be nice.
Happened to me too, at almost the same step. Bought mine in {month}.
This would make the {product} so much better for display.
Thanks for posting, I thought it was just my copy.
""")
REPLIES_REVIEW = _lines("""
Thanks for the review; it helped me decide.
I agree about the {part}. It is the best part of the build.
Mine had the same issue with the {part}, but customer service sent a new one quickly.
Great review. How long did it take you in total?
I would give it one star more: the {part} makes up for a lot.
""")
ANSWERS = _lines("""
Yes: I have both and the {product} lines up with the {product2} if you turn it by one stud. \
    The {part} clips straight on.
It took me about {hours} evenings at a relaxed pace; with two builders you can do it in half the time.
Customer service can send single parts: use the replacement parts form with the set number and \
    the step. Mine came in about two weeks.
I used a small battery box behind the {part}; the cable fits through the gap at the back without \
    cutting anything.
A soft make-up brush and a can of air work well. I take the {part} off once a month and rinse it.
With a bit of help at the {part} my {kid} ({age}) managed fine. The bags are numbered, which helps a lot.
The bags are numbered, so you can build it in short sessions; start with the {part}, it is the fiddly bit.
""")
STAFF_REPLIES: dict[str, list[str]] = {
    "acknowledged": _lines("""
        Thanks for reporting this. We have passed it to the {team} team and will post here when we know more.
        Thank you for the detailed post. We are looking into it and will update this thread.
    """),
    "planned": _lines("""
        Good news: this is planned. The {team} team has it on the list for the next production run.
        This is planned for an upcoming version of the {product}. Thank you for raising it!
    """),
    "in_progress": _lines("""
        The designers are working on this now; we will share photos of the prototype when we can.
        This is in progress: the {team} team is testing a change to the {part}.
    """),
    "done": _lines("""
        This is fixed: new copies of the {product} ship with the change. Thank you for raising it!
        Done! The updated instructions are online and the new print run includes the change.
    """),
    "wont_do": _lines("""
        Thank you for raising this. We looked at it carefully, but a change would raise the price of the \
            set too much, so we will not do it for now.
        We decided not to change this: the {part} is shared with other sets. Thank you for taking the time \
            to post.
    """),
}
WELCOME_POSTS = _lines("""
Welcome! Please read this before posting
How this board works
""")


@dataclass(frozen=True)
class ForumPost:
    title: str
    body: str
    product: str


class ForumTextFactory(FeedbackTextFactory):
    """Feedback plus the rest of a forum: discussions, members' replies, answers and staff messages.

    Replies fit the post they answer: a bug report gets "same here", a question an answer, a review
    thanks; a staff message matches the status it announces.
    """

    def discussion(self, product: str | None = None) -> ForumPost:
        slots = self._slots(product)
        titles, body = self.rng.choice(DISCUSSION_POSTS)
        return ForumPost(
            title=self.rng.choice(titles).format(**slots),
            body=body.format(**slots),
            product=str(slots["product"]),
        )

    def reply(self, kind: str, product: str | None = None) -> str:
        """A member's reply to a post of `kind` (a ThreadKind value) about `product`."""
        slots = self._slots(product)
        if kind == "question":
            pool = ANSWERS
        elif kind == "review":
            pool = REPLIES_REVIEW
        elif kind in ("suggestion", "bug"):
            pool = REPLIES_FEEDBACK
        else:
            pool = REPLIES_GENERAL
        return self.rng.choice(pool).format(**slots)

    def answer(self, product: str | None = None) -> str:
        return self.rng.choice(ANSWERS).format(**self._slots(product))

    def staff_reply(self, status: str, product: str | None = None, team: str = "product") -> str:
        """What staff write publicly when they move a post to `status` (a FeedbackStatus value)."""
        pool = STAFF_REPLIES.get(status) or STAFF_REPLIES["acknowledged"]
        return self.rng.choice(pool).format(**{**self._slots(product), "team": team})

    def welcome(self, board: str) -> ForumPost:
        body = (
            f"This is the place for {board.lower()}. Search before posting, one topic per thread, and "
            "be kind: everyone here loves building. Staff read every post and answer the status on it."
        )
        return ForumPost(title=self.rng.choice(WELCOME_POSTS), body=body, product="")
