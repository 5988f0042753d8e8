"""Products and businesses: known brand and store spellings, and the bare-category test."""

from __future__ import annotations

import re

from proxycall.core.parsers._lex import NUMBER_WORDS_RE, fold, words_value

BRANDS = (
    "Sony", "Bose", "Apple", "Samsung", "LG", "Panasonic", "Philips", "JBL", "Sennheiser",
    "Beats", "Audio-Technica", "Skullcandy", "Jabra", "Logitech", "Razer", "HP", "Dell",
    "Lenovo", "Asus", "Acer", "Microsoft", "Nintendo", "PlayStation", "Xbox", "Google", "Pixel",
    "Fitbit", "Garmin", "GoPro", "Canon", "Nikon", "Fujifilm", "Dyson", "Breville", "Sunbeam",
    "Kambrook", "DeLonghi", "Nespresso", "KitchenAid", "Kenwood", "Smeg", "Tefal", "Russell Hobbs",
    "Makita", "DeWalt", "Ryobi", "Bosch", "Milwaukee", "Ozito", "Stanley", "Black+Decker",
    "Black & Decker", "Hitachi", "Metabo", "Festool", "Karcher", "Victa", "Husqvarna", "Stihl",
    "Weber", "Ziegler & Brown", "Nike", "Adidas", "Asics", "New Balance", "Puma", "Converse",
    "Vans", "Lego", "Hasbro", "Mattel", "Barbie", "Hot Wheels", "Huggies", "Panadol", "Nurofen",
    "Duracell", "Energizer", "Anker", "Belkin", "TP-Link", "Netgear", "Hisense", "TCL", "Sharp",
    "Toshiba", "Electrolux", "Fisher & Paykel", "Westinghouse", "Miele", "Haier", "Whirlpool",
    "Roborock", "iRobot", "Roomba", "Oral-B", "Braun", "Remington", "Gillette", "Xiaomi", "Oppo",
    "Motorola", "Nokia", "Huawei", "Marshall", "Sonos", "Yamaha", "Pioneer", "Kindle", "Kobo",
    "Vileda", "Sistema", "Tupperware", "Scanpan", "Le Creuset", "Tontine", "Sheridan", "Stanley",
    "Yeti", "Coleman", "Oztrail", "Darche", "Ninja", "Thermomix", "Instant Pot", "Vitamix",
    "Lindt", "Cadbury", "iPhone", "iPad", "MacBook", "AirPods", "Galaxy", "Switch", "PS5", "PS4",
)
BUSINESSES = (
    "JB Hi-Fi", "Bunnings", "Officeworks", "Kmart", "Target", "Big W", "Harvey Norman",
    "The Good Guys", "Coles", "Woolworths", "ALDI", "IGA", "Myer", "David Jones",
    "Chemist Warehouse", "Priceline", "Nando's", "McDonald's", "KFC", "Hungry Jack's",
    "Apple Store", "Rebel", "BCF", "Supercheap Auto", "Repco", "Anaconda", "Spotlight",
    "Dan Murphy's", "BWS", "Liquorland", "IKEA", "Amart", "Fantastic Furniture", "EB Games",
    "Telstra", "Optus", "Vodafone", "Australia Post", "Mitre 10", "Total Tools", "Autobarn",
    "Petbarn", "Best & Less", "Rivers", "Lowes", "Dick Smith", "Bing Lee", "Domayne",
    "Freedom", "Adairs", "Bed Bath N' Table", "Sportsmans Warehouse", "Toys R Us", "Zambrero",
    "Guzman y Gomez", "Grill'd", "Domino's", "Pizza Hut", "Subway", "Oporto", "Red Rooster",
    "Boost Juice", "Gloria Jean's", "The Coffee Club", "Woolies", "Bupa", "Medicare",
)
_BRAND_BY_FOLD = {fold(b): b for b in BRANDS}
_BUSINESS_BY_FOLD = {fold(b): b for b in BUSINESSES}
_BUSINESS_BY_FOLD.update({"jb hifi": "JB Hi-Fi", "jb": "JB Hi-Fi", "jbhifi": "JB Hi-Fi",
                          "jb hi fi": "JB Hi-Fi", "nandos": "Nando's", "maccas": "McDonald's",
                          "mcdonalds": "McDonald's", "hungry jacks": "Hungry Jack's",
                          "dan murphys": "Dan Murphy's", "bigw": "Big W", "k mart": "Kmart",
                          "aldi": "ALDI", "dominos": "Domino's", "grilld": "Grill'd"})
_BRAND_RE = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(k) for k in sorted(_BRAND_BY_FOLD, key=len, reverse=True))
    + r")(?![\w'])"
)
_BUSINESS_RE = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(k) for k in sorted(_BUSINESS_BY_FOLD, key=len,
                                                               reverse=True)) + r")(?![\w'])"
)
# A model-like token: letters and digits mixed ("WH-1000XM5", "i7", "PS5"), or a number with a
# unit or size ("65 inch", "18V", "500ml", "iPhone 15").
_MODEL_RE = re.compile(
    r"\b(?=[a-z-]*\d)(?=\d*[a-z])[a-z0-9-]{2,}\b|\b\d+(?:\.\d+)?\s?(?:inch|in|\"|v|volt|w|watt|"
    r"l|litre|liter|ml|kg|g|mm|cm|m|tb|gb|mah|pack|piece|pc)\b|\b\d{2,}\b"
)
_DESCRIPTORS = re.compile(r"\b(?:the|a|an|some|any|pair of|set of|new|good|cheap|decent|"
                          r"of|for|with)\b")


def business_in(text: str) -> tuple[str, int, int] | None:
    """The first known business named in a text with its span, or None."""
    match = _BUSINESS_RE.search(fold(text))
    if match is None:
        return None
    return _BUSINESS_BY_FOLD[match.group(0)], match.start(), match.end()


def canonical_business(name: str) -> str | None:
    """A known business's own spelling for a name typed any way ("jb hifi" → "JB Hi-Fi")."""
    return _BUSINESS_BY_FOLD.get(re.sub(r"\s+", " ", fold(name).strip(" .!?,")))


# A product line's words as the brands write them, when typed in lower case after a brand
# ("AirPods pro 2" → "AirPods Pro 2").
PRODUCT_LINE_WORDS = {"pro": "Pro", "max": "Max", "mini": "Mini", "plus": "Plus",
                      "ultra": "Ultra", "air": "Air", "lite": "Lite", "se": "SE", "oled": "OLED"}
# A model code: letters and digits together ("wh-1000xm5", "s24", "v15"), not an amount with its
# unit ("100ml", "2kg", "65inch"), which keeps the person's casing.
_MODEL_CODE = re.compile(r"\b(?=[a-z-]*\d)(?=[\d-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*\b")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?(?:ml|l|kg|g|mm|cm|m|inch|in|ft|mah|pc|pack)")


def capitalise_brands(text: str) -> str:
    """A product in its brands' casing: brands, model codes, product-line words; the rest as typed.

    "makita drill" → "Makita drill", "Sony wh-1000xm5" → "Sony WH-1000XM5", "AirPods pro 2" →
    "AirPods Pro 2". Only what the person typed in lower case is changed.
    """
    low = fold(text)
    out = list(text)
    brands = list(_BRAND_RE.finditer(low))
    for match in brands:
        brand = _BRAND_BY_FOLD[match.group(0)]
        if len(brand) == match.end() - match.start():
            out[match.start():match.end()] = list(brand)
    for match in _MODEL_CODE.finditer(low):
        typed = text[match.start():match.end()]
        if typed.islower() and not _AMOUNT.fullmatch(match.group(0)):
            out[match.start():match.end()] = list(typed.upper())
    if brands:
        after = brands[0].end()
        for match in _LINE_WORD.finditer(text, after):
            word = PRODUCT_LINE_WORDS.get(match.group(1))
            if word is not None:
                out[match.start(1):match.end(1)] = list(word)
    return "".join(out)


# A product-line word ends the name or comes before a number ("pro 2", "s24 ultra"); before
# another word it is an ordinary one ("Ninja air fryer").
_LINE_WORD = re.compile(r"\b([a-z]+)(?=\s*$|\s+\d)")


def is_bare_category(product_text: str) -> bool:
    """Whether a product is only a category ("headphones", "a drill") with no brand or model."""
    low = fold(product_text).strip()
    if not low:
        return False
    if _BRAND_RE.search(low) or _MODEL_RE.search(low):
        return False
    return len(_DESCRIPTORS.sub(" ", low).split()) <= 3


# "2 PS5 controllers", "four Lego sets", "a couple of drills": a count before the product, but
# not a size or a spec ("65 inch TV", "2 in 1 laptop", "3 seater couch", "18 volt drill").
_LEADING_COUNT = re.compile(
    rf"(?P<n>\d{{1,2}}|{NUMBER_WORDS_RE}|a\s+couple\s+of|a\s+pair\s+of|a\s+dozen|x\s?\d{{1,2}})"
    r"\s*x?\s+(?!(?:inch|in|\"|v|volt|w|watt|l|litre|liter|ml|kg|g|mm|cm|m|metre|meter|ft|foot|"
    r"feet|tb|gb|mah|pack|pk|piece|pc|seater|door|burner|speed|way|port|person|man|year|month|"
    r"week|day|hour|minute|of\s+them|of\s+those|or|and|to|-)\b)(?P<rest>.*[^\W\d_].*)"
)
_IDIOM_COUNTS = {"a couple of": 2, "a pair of": 2, "a dozen": 12}


def split_count(product: str) -> tuple[int, str] | None:
    """A count typed before a product, split off.

    A count typed before a product, split off ("2 PS5 controllers" → (2, "PS5 controllers")),
    or None when the product does not start with one.
    """
    match = _LEADING_COUNT.fullmatch(fold(product).strip())
    if match is None:
        return None
    said = re.sub(r"\s+", " ", match.group("n"))
    count = _IDIOM_COUNTS.get(said)
    if count is None:
        digits = said.lstrip("x ").strip()
        count = int(digits) if digits.isdigit() else words_value(said)
    if count is None or not 1 <= count <= 99:
        return None
    offset = len(product) - len(product.lstrip())
    return count, product[offset + match.start("rest"):].strip()
