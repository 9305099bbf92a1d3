//! The demo shop: a small skincare catalogue (images in static/img/product-*.svg) and two
//! coupon codes.

pub struct DemoProduct {
    pub slug: &'static str,
    pub name: &'static str,
    pub short_description: &'static str,
    /// Markdown.
    pub description: &'static str,
    pub price_cents: i64,
    pub sale_price_cents: Option<i64>,
    pub sku: &'static str,
    /// `None`: unlimited.
    pub stock: Option<i32>,
    pub image_alt: &'static str,
}

impl DemoProduct {
    pub fn image(&self) -> String {
        format!("/static/img/product-{}.svg", self.slug)
    }
}

pub const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        slug: "hydrating-serum",
        name: "Hydrating Serum",
        short_description: "A weightless hyaluronic acid serum that leaves skin plump, dewy and calm.",
        description: "Three weights of hyaluronic acid draw water into the skin's surface layers, with panthenol and glycerin to keep it there.\n\nPat two or three drops onto damp skin morning and evening, before moisturiser. Fragrance free; suits every skin type, including skin that is recovering from an in-office treatment.",
        price_cents: 2800,
        sale_price_cents: None,
        sku: "GE-SER-001",
        stock: Some(40),
        image_alt: "A frosted glass dropper bottle of clear serum on a blush background.",
    },
    DemoProduct {
        slug: "soothing-gel",
        name: "Soothing Aloe Gel",
        short_description: "A cooling aloe and centella gel for skin that feels hot, tight or freshly treated.",
        description: "Aloe vera leaf juice and centella asiatica calm redness, while a light gel texture sinks in without stickiness.\n\nKeep it in the fridge for extra cooling after sun, shaving or a resurfacing treatment.",
        price_cents: 1800,
        sale_price_cents: Some(1400),
        sku: "GE-GEL-002",
        stock: Some(25),
        image_alt: "A squat green jar of translucent gel with an aloe leaf beside it.",
    },
    DemoProduct {
        slug: "gentle-cleanser",
        name: "Gentle Cream Cleanser",
        short_description: "A low-foam, pH-balanced cream wash: clean skin without the squeaky tightness.",
        description: "Mild coconut-derived cleansers lift the day away, and oat lipids leave the barrier comfortable.\n\nThe second step of a double cleanse, or the only step on a quiet morning.",
        price_cents: 1600,
        sale_price_cents: None,
        sku: "GE-CLN-003",
        stock: None,
        image_alt: "A soft white pump bottle of cream cleanser.",
    },
    DemoProduct {
        slug: "mineral-sunscreen",
        name: "Mineral Sunscreen SPF 50",
        short_description: "Zinc oxide protection with a sheer tint that leaves no white cast.",
        description: "Broad-spectrum SPF 50 from non-nano zinc oxide, in a fluid that blends in on every skin tone.\n\nApply generously as the last step of your morning routine, and again every two hours outdoors.",
        price_cents: 2400,
        sale_price_cents: None,
        sku: "GE-SPF-004",
        stock: Some(2),
        image_alt: "A peach-coloured tube of mineral sunscreen with a sun motif.",
    },
    DemoProduct {
        slug: "barrier-moisturiser",
        name: "Barrier Repair Moisturiser",
        short_description: "Ceramides, cholesterol and fatty acids in a rich cream that mends a stressed barrier.",
        description: "The three lipids your barrier is made of, in the ratio it uses, with niacinamide to help skin make more of its own.\n\nA pea-sized amount morning and night; on very dry days, a second layer before bed.",
        price_cents: 3200,
        sale_price_cents: None,
        sku: "GE-MST-005",
        stock: Some(30),
        image_alt: "A wide cream-coloured jar of moisturiser with its lid resting against it.",
    },
    DemoProduct {
        slug: "vitamin-c-serum",
        name: "Vitamin C Brightening Serum",
        short_description: "15% L-ascorbic acid with vitamin E and ferulic acid for a brighter, more even tone.",
        description: "The classic antioxidant trio in an airless amber bottle, so the last drop is as fresh as the first.\n\nUse in the morning under sunscreen. A slight tingle at first is normal.",
        price_cents: 3600,
        sale_price_cents: None,
        sku: "GE-VTC-006",
        stock: Some(0),
        image_alt: "An amber glass bottle of vitamin C serum with orange slices.",
    },
    DemoProduct {
        slug: "cleansing-balm",
        name: "Melting Cleansing Balm",
        short_description: "A sorbet-textured balm that melts sunscreen and makeup into a milky rinse.",
        description: "Plant oils and a gentle emulsifier dissolve long-wear makeup and SPF, then rinse clean with water, no residue.\n\nMassage onto dry skin for thirty seconds, add water, rinse: the first step of a double cleanse.",
        price_cents: 2200,
        sale_price_cents: None,
        sku: "GE-BLM-007",
        stock: Some(18),
        image_alt: "An open tin of pale pink cleansing balm with a small spatula.",
    },
    DemoProduct {
        slug: "sheet-mask",
        name: "Calming Sheet Mask",
        short_description: "A single-use cotton mask soaked in centella and panthenol for a fifteen-minute reset.",
        description: "Biodegradable cotton holds a generous dose of calming essence against the skin.\n\nApply after cleansing, relax for fifteen minutes, then pat in what is left.",
        price_cents: 650,
        sale_price_cents: None,
        sku: "GE-MSK-008",
        stock: Some(100),
        image_alt: "A folded sheet mask sachet printed with leaves.",
    },
];

/// (code, kind, amount): a percentage and a fixed amount off.
pub const COUPONS: &[(&str, &str, i64)] = &[("GLOW10", "percent", 10), ("WELCOME5", "fixed", 500)];
