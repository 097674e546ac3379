"""The building blocks of the generated company: object type paths, the fixed reference-list ids,
the vocabulary names and memos are drawn from, and what the generator remembers of an item."""

import re

from .reference_lists import ref_id

CUSTOMERS = "customers"
VENDORS = "vendors"
INVENTORY_ITEMS = "inventory-items"
NON_INVENTORY_ITEMS = "non-inventory-items"
SERVICE_ITEMS = "service-items"
DISCOUNT_ITEMS = "discount-items"
ASSEMBLY_ITEMS = "inventory-assembly-items"
OTHER_CHARGE_ITEMS = "other-charge-items"
SALES_ORDERS = "sales-orders"
PURCHASE_ORDERS = "purchase-orders"
INVOICES = "invoices"
CREDIT_MEMOS = "credit-memos"
INVENTORY_ADJUSTMENTS = "inventory-adjustments"

# Name bases stay this short so that a " <n>" disambiguator always fits the QuickBooks limit.
ENTITY_BASE_MAX = 33  # customers/vendors: name max 41
ITEM_BASE_MAX = 24  # items: name max 31
DEACTIVATE_SHARE = 0.03  # of customers, vendors and items: `isActive: false` at the end

# ---------------------------------------------------------------------------------------------
# Reference-list ids (fixed in every emulated company file)
# ---------------------------------------------------------------------------------------------
ACC_SALES = ref_id("account", "Sales")
ACC_COGS = ref_id("account", "Cost of Goods Sold")
ACC_ASSET = ref_id("account", "Inventory Asset")
ACC_PURCHASES = ref_id("account", "Purchases")
ACC_ADJUST = ref_id("account", "Inventory Adjustments")
ACC_FREIGHT = ref_id("account", "Freight Income")
ACC_DISCOUNTS = ref_id("account", "Discounts Given")
ACC_SERVICE = ref_id("account", "Service Income")
TERMS = (ref_id("terms", "Net 30"), ref_id("terms", "Net 15"), ref_id("terms", "Due on receipt"))
TERMS_DAYS = {TERMS[0]: 30, TERMS[1]: 15, TERMS[2]: 0}
TAX = ref_id("sales_tax_code", "Tax")
NON = ref_id("sales_tax_code", "Non")
CLASS_RETAIL = ref_id("class", "Retail")
CLASS_WHOLESALE = ref_id("class", "Wholesale")
SHIP_METHODS = (ref_id("shipping_method", "UPS Ground"), ref_id("shipping_method", "FedEx"),
                 ref_id("shipping_method", "Freight"))
REPS = (ref_id("sales_representative", "JD"), ref_id("sales_representative", "MK"))
CT_RETAIL = ref_id("customer_type", "Retail")
CT_DISTRIBUTOR = ref_id("customer_type", "Distributor")
VT_SUPPLIER = ref_id("vendor_type", "Supplier")
VT_CARRIER = ref_id("vendor_type", "Carrier")

# ---------------------------------------------------------------------------------------------
# Vocabulary (plain tuples: indexing them is deterministic, unlike set iteration)
# ---------------------------------------------------------------------------------------------
FIRST = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Susan",
    "William", "Karen", "Richard", "Nancy", "Joseph", "Lisa", "Thomas", "Betty", "Carlos", "Maria",
    "Daniel", "Sandra", "Matthew", "Ashley", "Anthony", "Emily", "Mark", "Donna", "Steven", "Michelle",
    "Paul", "Carol", "Andrew", "Amanda", "Joshua", "Melissa", "Kevin", "Deborah", "Brian", "Laura",
    "Wei", "Priya", "Ahmed", "Fatima", "Hiro", "Yuki", "Luis", "Sofia", "Ivan", "Olga",
)
LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
    "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter",
    "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins",
    "O'Brien", "Nguyen", "Patel", "Kowalski", "Schmidt", "Rossi", "Tanaka", "Haddad", "Novak",
)
PLACES = (
    "Summit", "Blue Ridge", "Cedar Creek", "Ironwood", "Lakeside", "Northgate", "Pioneer", "Redwood",
    "Silver Lake", "Granite", "Harbor", "Prairie", "Keystone", "Riverbend", "Westfield", "Eagle",
    "Oak Valley", "Pinecrest", "Sterling", "Canyon", "Bayview", "Highland", "Maple Grove", "Liberty",
    "Frontier", "Coastal", "Evergreen", "Union", "Heritage", "Crescent", "Tri-County", "Metro",
)
CUSTOMER_TRADES = (
    "Plumbing", "Electric", "Hardware", "Builders", "Construction", "Landscaping", "Cabinetry",
    "Roofing", "Flooring", "Home Center", "Remodeling", "Restoration", "Mechanical", "Millwork",
    "Fabrication", "Marine Supply", "Auto Parts", "Property Mgmt", "Facilities", "Design Build",
    "Furniture", "Contractors", "Outfitters", "Equipment", "Interiors", "Welding", "HVAC",
)
VENDOR_TRADES = (
    "Industrial Supply", "Fasteners", "Metals", "Plastics", "Packaging", "Lumber", "Distributors",
    "Wholesale", "Manufacturing", "Hardware Supply", "Tool Works", "Components", "Chemical",
)
CARRIER_TRADES = ("Freight Lines", "Logistics", "Trucking", "Express", "Transport")
COMPANY_SUFFIXES = ("Inc", "LLC", "Co", "Corp", "Ltd", "Group", "& Sons", "Partners", "Company")
JOB_SITES = (
    "Main St", "Warehouse", "North Plant", "Downtown Store", "Annex", "Head Office", "East Wing",
    "Lakefront Site", "Mill Road", "Harbor Yard", "Riverside Lot", "Plaza", "Clinic", "School Gym",
    "Hangar", "Garage", "Showroom", "Lobby", "Kitchen", "Loading Dock",
)
JOB_WORK = (
    "Remodel", "Expansion", "Fit-Out", "Retrofit", "Install", "Renovation", "Upgrade", "Repair",
    "Buildout", "Refresh", "Phase One", "Phase Two", "Maintenance", "Shelving",
)
JOB_STATUSES = ("awarded", "in_progress", "in_progress", "pending", "closed", "not_awarded")
JOB_TITLES = (
    "Owner", "Purchasing Manager", "Buyer", "Office Manager", "Project Manager", "Controller",
    "Operations Manager", "Foreman", "Accounts Payable", "General Manager",
)
FREEMAIL = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "comcast.net")
STREETS = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Main", "Park", "Walnut",
    "Sunset", "Lincoln", "Jefferson", "Highland", "Ridge", "Meadow", "River", "Church", "Mill",
    "Spring", "Forest", "Willow", "Industrial", "Commerce", "Airport", "Harbor", "Valley", "Center",
)
STREET_TYPES = ("St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Way", "Ct", "Pkwy", "Hwy")
# (city, state, ZIP prefix, area code)
CITIES = (
    ("Denver", "CO", "802", "303"), ("Austin", "TX", "787", "512"), ("Portland", "OR", "972", "503"),
    ("Columbus", "OH", "432", "614"), ("Raleigh", "NC", "276", "919"), ("Boise", "ID", "837", "208"),
    ("Nashville", "TN", "372", "615"), ("Madison", "WI", "537", "608"), ("Tucson", "AZ", "857", "520"),
    ("Omaha", "NE", "681", "402"), ("Richmond", "VA", "232", "804"), ("Spokane", "WA", "992", "509"),
    ("Tulsa", "OK", "741", "918"), ("Albany", "NY", "122", "518"), ("Fresno", "CA", "937", "559"),
    ("Savannah", "GA", "314", "912"), ("Des Moines", "IA", "503", "515"), ("Reno", "NV", "895", "775"),
    ("Burlington", "VT", "054", "802"), ("Charleston", "SC", "294", "843"), ("Lansing", "MI", "489", "517"),
    ("Santa Fe", "NM", "875", "505"), ("Billings", "MT", "591", "406"), ("Providence", "RI", "029", "401"),
    ("Little Rock", "AR", "722", "501"), ("Salt Lake City", "UT", "841", "801"),
    ("Fort Wayne", "IN", "468", "260"), ("Wichita", "KS", "672", "316"), ("Mobile", "AL", "366", "251"),
    ("Sioux Falls", "SD", "571", "605"), ("Bangor", "ME", "044", "207"), ("Pittsburgh", "PA", "152", "412"),
)
AREA_CODES = {city: area for city, _, _, area in CITIES}
# (materials, products, sizes): each product family with the materials and sizes it comes in
PRODUCT_FAMILIES = (
    (("Steel", "Stainless", "Zinc", "Galvanized", "Black Oxide", "Brass"),
     ("Hex Bolt", "Lag Screw", "Wood Screw", "Hex Nut", "Washer", "Eye Bolt", "Anchor", "Carriage Bolt"),
     ("1/4in", "3/8in", "1/2in", "M6", "M8", "M10", "M12", "#8", "#10")),
    (("Steel", "Stainless", "Brass", "Chrome", "Black", "Satin Nickel"),
     ("Hinge", "Shelf Bracket", "Corner Brace", "Drawer Slide", "Cabinet Pull", "Door Handle", "Hasp"),
     ("2in", "3in", "4in", "6in", "12in", "18in", "Small", "Large")),
    (("Brass", "Copper", "PVC", "Galvanized", "Stainless"),
     ("Pipe Elbow", "Pipe Tee", "Ball Valve", "Coupling", "Hose Clamp", "Pipe Cap"),
     ("1/2in", "3/4in", "1in", "1-1/4in", "2in")),
    (("Oak", "Maple", "Cedar", "Pine", "Poplar", "Birch"),
     ("Dowel", "Trim Board", "Panel", "Shelf Board", "Stair Tread"),
     ("12in", "24in", "36in", "48in", "6ft", "8ft")),
    (("Rubber", "Nylon", "Neoprene", "Silicone", "Poly"),
     ("Gasket", "O-Ring", "Caster", "Cable Tie", "Bumper", "Grommet"),
     ("Small", "Medium", "Large", "2in", "3in", "4in", "8in")),
)
PACKS = ("each", "box of 10", "box of 25", "box of 50", "box of 100", "pack of 4", "case of 12")
FINISHES = ("zinc plated", "satin finish", "heavy duty", "corrosion resistant", "commercial grade",
             "unfinished", "powder coated", "contractor pack")
KIT_TIERS = ("Standard", "Deluxe", "Pro", "Compact", "Heavy Duty", "Basic")
KITS = ("Shelving Kit", "Cabinet Kit", "Plumbing Kit", "Door Kit", "Fastener Set", "Workbench Kit",
         "Gate Kit", "Deck Kit", "Pipe Kit", "Mounting Kit", "Caster Kit", "Hinge Kit")
NON_INVENTORY = ("Packing Tape", "Shipping Box", "Pallet Wrap", "Special Order Part", "Custom Cut Lumber",
                  "Safety Gloves", "Job Site Sign", "Drop Ship Fixture", "Protective Film", "Foam Padding",
                  "Label Roll", "Bubble Wrap", "Crate", "Touch-Up Paint", "Sealant")
NON_INVENTORY_VARIANTS = ("Small", "Medium", "Large", "Bulk", "Premium", "Standard")
SERVICES = ("Installation", "Assembly Labor", "Delivery", "Site Survey", "Repair Labor", "Consulting",
             "Design Service", "Training", "Maintenance Visit", "Inspection", "Setup", "Removal")
SERVICE_VARIANTS = ("Hourly", "Standard", "Premium", "After Hours", "Weekend", "Flat Rate")
OTHER_CHARGES = ("Freight", "Handling Fee", "Restocking Fee", "Rush Order Fee", "Fuel Surcharge",
                  "Pallet Charge", "Small Order Fee", "Delivery Charge", "Crating Fee", "Liftgate Fee")
DISCOUNTS = ("Volume Discount", "Loyalty Discount", "Promo Discount", "Early Pay Discount",
              "Contractor Discount", "Clearance Discount", "Employee Discount", "Seasonal Discount")
SO_MEMOS = ("Ship complete", "Customer pickup", "Call before delivery", "Partial shipments OK",
             "Rush - needed this week", "Deliver to loading dock", "Quote accepted by phone",
             "Hold until deposit received", "Backorder remainder")
INVOICE_MEMOS = ("Thank you for your business", "Net terms per agreement", "Includes freight",
                  "Final invoice for order", "Progress billing", "Paid by check on delivery")
PO_MEMOS = ("Restock", "Reorder below min", "Special order for customer", "Quarterly stock-up",
             "Expedite", "Confirm pricing before shipping", "Blanket order release")
ADJUST_MEMOS = ("Cycle count", "Damaged in warehouse", "Annual physical count", "Found during audit",
                 "Shrinkage", "Returned to stock", "Water damage write-off", "Miscount correction")
RETURN_MEMOS = ("Customer return, unopened", "Wrong item shipped", "Damaged in transit, returned",
                 "Ordered too many", "Restocking fee waived", "Warranty return")
MEMO_FOLLOWUPS = ("updated per customer call", "date changed", "confirmed by phone", "see email",
                   "revised quantities", "approved by manager")
NOTES = ("Prefers email invoices", "Tax exempt certificate on file", "Call before 3pm", "Net 30 approved",
          "Key account", "Send statements monthly", "Credit hold review quarterly")

NON_ALNUM = re.compile(r"[^a-z0-9]+")


def money(cents: int) -> str:
    """Cents as a QuickBooks decimal string, e.g. 1250 -> "12.50"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class Item:
    """What transactions and edits need to know about one created item (not its body)."""

    __slots__ = ("cost", "desc", "id", "mode", "price")

    def __init__(self, id_: str, price: int, cost: int, desc: str, mode: str) -> None:
        self.id = id_
        self.price = price  # cents
        self.cost = cost  # cents
        self.desc = desc
        self.mode = mode
