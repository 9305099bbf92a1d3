//! Demo posts loaded into an empty database on first start.

pub struct DemoPost {
    pub slug: &'static str,
    pub title: &'static str,
    pub excerpt: &'static str,
    /// Markdown.
    pub body: &'static str,
    pub category: &'static str,        // a slug from CATEGORIES
    pub tags: &'static [&'static str], // tag names
    pub image: &'static str,           // e.g. "/static/img/exosome-glow.svg"
    pub image_alt: &'static str,
    pub caption: &'static str,
    pub credit: &'static str,
    pub author: &'static str,       // display name
    pub published_at: &'static str, // "2026-11-24 09:00:00" (UTC)
}

pub struct DemoCategory {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

pub const CATEGORIES: &[DemoCategory] = &[
    DemoCategory {
        slug: "treatments",
        name: "Treatments",
        description: "In-office procedures and targeted actives, explained before you book or buy.",
    },
    DemoCategory {
        slug: "routines",
        name: "Routines",
        description: "Everyday habits for cleansing, protecting and caring for your skin.",
    },
];

/// Newest first. The first post is the seed article; its paragraphs are kept verbatim
/// (including the "Exsome" typo of the original), without its trailing no-break spaces.
pub const POSTS: &[DemoPost] = &[
    DemoPost {
        slug: "exosome-therapy-skin-rejuvenation",
        title: "Exosome Therapy Is Dermatologists’ New Favorite Skin-Rejuvenation Treatment",
        excerpt: "Dermatologists explain how exosomes, applied right after microneedling or laser resurfacing, help wake up tired skin cells for a plumper, brighter complexion — and our writer shows off her glow ten days later.",
        body: r#"When used as an in-office skin-care treatment, exosomes are extracted from human stem cells and frozen to keep them as stable as possible, Dr. Peredo says. However, unlike actual stem cells, exosomes don’t have a nucleus. They’re just mRNA (similar to the COVID vaccine), so there’s no possibility of an adverse graft-versus-host reaction, she adds.

Exsome therapy involves the application of topical exosomes (in the form of what looks and feels like a serum or gel) after treatments like resurfacing lasers or microneedling. I like to think of exosome therapy as the cherry on top of in-office treatments because it can only be done in conjunction with one — never on its own.

That’s because, although exosomes are nanoparticles, they cannot penetrate skin on their own. They need those disruptions in the superficial layer of skin to start communicating with skin cells. Otherwise, they’d just sit on the surface of your skin doing nothing, Dr. Peredo says. (This is also the reason why over-the-counter serums and creams aren’t spiked with exosomes just yet.)

## How do exosomes benefit the skin?

As we get older, our skin cells start to atrophy, and our bodies produce fewer exosomes — similar to how we experience a decrease in collagen production, Dr. Park points out. This leads to sagging, fine lines, and wrinkles. Exosome therapy allows new exosomes to swoop in to help wake up inactive skin cells and older exosomes so they can get back to work to repair, strengthen, and rejuvenate skin.

In the process, exosome therapy increases collagen and elastin production, improves wound healing, and decreases pigment production, Dr. Garlapati explains. As a result, skin becomes plumper, firmer, brighter, and smoother.

You’ll be able to see improvements within two to six weeks following the treatment, according to Dr. Park. Just a week and a half after my own exosome therapy, I noticed my cheeks looking so much glowier and glassier than usual. If I were a foundation person, I would definitely cease to be one because my complexion looks so even and luminous on its own that I don’t want to cover it up.

*Between treatments, a lightweight [Hydrating Serum](/shop/hydrating-serum) and a cooling [Soothing Aloe Gel](/shop/soothing-gel) keep freshly treated skin calm and comfortable.*"#,
        category: "treatments",
        tags: &["Exosomes", "In-office", "Anti-aging"],
        image: "/static/img/exosome-glow.svg",
        image_alt: "Illustration of a woman’s face in profile with softly glowing, luminous cheeks.",
        caption: "The writer’s complexion a week and a half after exosome therapy.",
        credit: "Devon Abelman",
        author: "Devon Abelman",
        published_at: "2026-11-24 09:00:00",
    },
    DemoPost {
        slug: "gentle-double-cleanse",
        title: "The Gentle Double Cleanse: A Two-Step Routine That Won’t Strip Your Skin",
        excerpt: "Double cleansing is just a balm to melt away sunscreen and makeup and a mild wash to rinse it off, and done gently it leaves skin clean without the squeaky tightness.",
        body: r#"Double cleansing has a reputation for being fussy, the kind of ritual that belongs to people with a twelve-step shelf and a lot of free evenings. In practice it is two short steps that take under two minutes, and for anyone who wears sunscreen, makeup or both, it is the most reliable way to get skin properly clean without leaving it squeaky and tight.

## Why two steps?

Sunscreen filters, long-wear foundation and the sebum your skin makes over a day are all oily, and oil dissolves best in oil. A water-based cleanser on its own has to work much harder to lift them, which is why so many people scrub, double up on foaming washes or reach for something harsher than they need. Splitting the job in two lets each product do what it does best.

1. **Melt.** Massage a cleansing balm or oil onto dry skin with dry hands for about thirty seconds, paying attention to the hairline, the sides of the nose and along the jaw. Add a splash of lukewarm water and keep massaging until it turns milky, then rinse.
2. **Wash.** Follow with a gentle, low-foam cleanser on damp skin. Think of it as a rinse-off step for the balm rather than a deep clean; thirty seconds is plenty.

## Keeping it gentle

The second step is where most routines go wrong. If your face feels tight or looks shiny-smooth afterwards, the cleanser is too strong or the water too hot. Look for a formula with a pH close to that of skin and no gritty particles, and pat rather than rub with a clean, soft towel.

You also don’t need to double cleanse every time. Mornings usually call for a single splash of the gentle cleanser, or just water if your skin is dry. Save the full two-step routine for evenings when you have actually worn something that needs removing.

> If your skin feels comfortable ten minutes after washing, you got it right. If it feels as though it needs moisturizer immediately, go gentler.

Finish while your skin is still slightly damp with serum and moisturizer, which spread more evenly and seem to sink in faster on a face that hasn’t been stripped bare."#,
        category: "routines",
        tags: &["Cleansing", "Evening routine"],
        image: "/static/img/gentle-double-cleanse.svg",
        image_alt: "Illustration of an open jar of cleansing balm beside a cloud of soft foam bubbles.",
        caption: "Step one melts, step two rinses: a balm and a low-foam wash are all you need.",
        credit: "Illustration: glowpress studio",
        author: "Mara Quinn",
        published_at: "2026-11-20 08:30:00",
    },
    DemoPost {
        slug: "sunscreen-every-day",
        title: "How to Actually Wear Sunscreen Every Day",
        excerpt: "Daily sunscreen is less about willpower than about finding a formula you like, using enough of it and tying it to a habit you already have.",
        body: r#"Everyone knows sunscreen is the single most useful thing in a skin-care routine. Far fewer people wear it every day, and the reasons are usually practical rather than philosophical: it pills under makeup, it stings the eyes, it leaves a white cast, or it simply gets forgotten on a grey morning. Here is how to make it a habit that sticks.

## Find a formula you like wearing

The best sunscreen is the one you will happily put on again tomorrow. Try a few textures before settling: fluid lotions and gel-creams tend to disappear on oily skin, while richer creams can double as a moisturizer for dry skin. Mineral formulas with zinc oxide are often kinder to sensitive, reactive skin, and newer tinted versions sidestep the chalky cast. Look for broad-spectrum protection and an SPF of at least 30.

## Use enough of it

Most of us apply about half the amount the SPF on the label was tested with. A handy measure is two finger lengths of product for the face and neck — squeeze a line along your index and middle fingers. If that feels like a lot, apply it in two thin layers a minute apart rather than one heavy one.

## Make it part of something you already do

- Keep it next to your toothbrush, not in a drawer.
- Make it the last step of your morning skin care, before makeup.
- Don’t forget the ears, the back of the neck and the tops of your hands.
- Wait a couple of minutes before foundation so it can set and won’t pill.

## Reapply when it counts

On an ordinary office day, one careful morning application goes a long way. Outdoors, the rule is every two hours, and straight after swimming or sweating. A stick or a compact SPF powder in your bag makes topping up over makeup far less of a chore.

Cloudy days count too: much of the sun’s UV gets through cloud cover, and UVA passes through window glass. The payoff is not dramatic overnight, but a year of daily sunscreen shows up as fewer new dark spots, a more even tone and fine lines that arrive more slowly."#,
        category: "routines",
        tags: &["Sunscreen", "SPF"],
        image: "/static/img/sunscreen-every-day.svg",
        image_alt: "Illustration of a sunscreen tube lying beneath a warm, rayed sun.",
        caption: "Two finger lengths for face and neck, every single morning.",
        credit: "Illustration: glowpress studio",
        author: "Devon Abelman",
        published_at: "2026-11-17 09:00:00",
    },
    DemoPost {
        slug: "niacinamide-vs-vitamin-c",
        title: "Niacinamide vs. Vitamin C: Which Serum Should You Choose?",
        excerpt: "Niacinamide calms and strengthens while vitamin C protects and brightens, so the right first serum depends on whether your skin needs soothing or spot-fading.",
        body: r#"Walk down any skin-care aisle and two ingredients seem to be on every other bottle: niacinamide and vitamin C. Both promise brighter, more even skin, which makes it easy to assume they are interchangeable. They are not, and knowing what each one does best makes choosing much simpler.

## Niacinamide: the steady all-rounder

Niacinamide is a form of vitamin B3. It is stable, well tolerated and works at modest strengths; most serums sit between 2 and 5 percent, and higher is not automatically better. It helps skin make more of its own ceramides, which supports the barrier, and it is a good pick for redness, visible pores and an oily T-zone. Over a couple of months it also quietly helps with dullness and uneven tone.

## Vitamin C: the morning antioxidant

Vitamin C, in its pure form L-ascorbic acid, is an antioxidant that helps neutralize some of the damage from UV and pollution, and over time it fades dark spots and supports collagen. It is also fussier. Effective serums tend to be acidic and range from 10 to 20 percent, which can tingle on sensitive skin, and the formula oxidizes with air and light. If your serum has turned from pale straw to orange or brown, it is past its best.

> A simple rule: vitamin C in the morning under sunscreen, niacinamide whenever your skin wants calm.

## Can you use both?

Yes. The old warning that the two cancel each other out came from experiments with raw ingredients at high heat, not from modern serums on skin. If you want both, the easiest split is vitamin C in the morning, where its antioxidant effect backs up your sunscreen, and niacinamide at night. If your skin is reactive, introduce them one at a time, a few weeks apart, so you know which one to thank or blame.

## Which one first?

If your main concerns are sun spots and a tired, uneven tone, start with vitamin C. If you are dealing with shine, redness or a barrier that stings at everything, niacinamide is the gentler first step. Either way, give a serum eight to twelve weeks before deciding whether it works."#,
        category: "treatments",
        tags: &["Serums", "Niacinamide", "Vitamin C"],
        image: "/static/img/niacinamide-vs-vitamin-c.svg",
        image_alt: "Illustration of two serum dropper bottles, one clear and one amber, with droplets falling between them.",
        caption: "Niacinamide and vitamin C: different jobs, happy to share a routine.",
        credit: "Illustration: glowpress studio",
        author: "Mara Quinn",
        published_at: "2026-11-13 10:00:00",
    },
    DemoPost {
        slug: "winter-barrier-repair",
        title: "Winter Barrier Repair: How to Calm Tight, Flaky Skin",
        excerpt: "When cold air and central heating leave skin tight and stinging, doing less and rebuilding with barrier lipids brings it back within a few weeks.",
        body: r#"Cold air outside, dry heating inside, hot showers in between: winter is hard on the skin barrier, the thin outer layer of cells and lipids that keeps water in and irritants out. When it is struggling, skin feels tight after washing, flakes around the nose and eyebrows, and suddenly stings at products that were perfectly fine in September.

The good news is that a stressed barrier usually recovers within a few weeks once you stop asking so much of it.

## Pare back first

Before buying anything, take things away. Pause exfoliating acids, scrubs and retinoids for a week or two, and keep only a gentle cleanser, one moisturizer and sunscreen. It feels counterintuitive to do less when skin looks its worst, but most winter flare-ups are made worse by trying to exfoliate the flakes away.

## Then rebuild

- **Wash with lukewarm water.** Hot water feels wonderful and strips oils fast.
- **Moisturize on damp skin.** Apply within a minute of patting dry to hold on to that water.
- **Look for barrier lipids.** Ceramides, cholesterol and fatty acids mirror what skin makes itself; glycerin and hyaluronic acid draw in water.
- **Seal it in at night.** A thin layer of a richer balm over the driest patches cuts water loss while you sleep.
- **Add humidity.** A humidifier in the bedroom helps more than you would expect.

## Reintroduce slowly

Once skin has felt comfortable for a full week, bring back one active at a time, every second or third night at first. If the stinging returns, you have your answer about which one to keep on pause until spring.

If redness, cracking or itching persists after a few weeks of this routine, it is worth seeing a dermatologist, since eczema and other conditions can look like simple dryness in winter."#,
        category: "routines",
        tags: &["Barrier", "Winter"],
        image: "/static/img/winter-barrier-repair.svg",
        image_alt: "Illustration of an open moisturizer jar surrounded by snowflakes and water droplets.",
        caption: "Fewer products, richer textures: the winter barrier reset.",
        credit: "Illustration: glowpress studio",
        author: "Mara Quinn",
        published_at: "2026-11-09 09:15:00",
    },
    DemoPost {
        slug: "microneedling-explained",
        title: "Microneedling, Explained: What Really Happens in the Treatment Room",
        excerpt: "Microneedling uses thousands of tiny controlled punctures to set off skin’s own repair process, and here is what it helps with, how an appointment feels and how to look after skin afterwards.",
        body: r#"Microneedling sounds more alarming than it feels. The treatment uses a pen-like device tipped with fine, sterile needles that make thousands of tiny, controlled punctures in the skin. Those micro-injuries are the point: they prompt skin’s own repair process, which over the following weeks lays down fresh collagen and elastin.

## What it can help with

Microneedling is best known for softening shallow acne scars, refining rough texture and enlarged-looking pores, and improving fine lines. Because the channels it opens are briefly more permeable, it is also the step that comes before treatments such as exosome or growth-factor serums, which cannot get past an intact skin surface on their own.

## What an appointment is like

A numbing cream goes on for around half an hour first. The practitioner then glides the pen over the skin in sections, adjusting the needle depth for each area — shallower on the forehead and around the eyes, deeper over scarring on the cheeks. With numbing it feels like a fine vibration, with the odd scratchy pass over bony areas. The needling itself takes fifteen to twenty minutes.

> Expect to look as if you have a mild sunburn for a day or two, and plan your diary accordingly.

## Aftercare matters

- Keep skin clean and skip makeup for the first day.
- Use only gentle, fragrance-free products for a few days; leave retinoids and acids out for about a week.
- Be strict about sunscreen, since freshly treated skin is more sensitive to the sun.

## At home versus in the clinic

Home rollers use much shorter needles and cannot reach the depth needed to remodel scars; used too hard or not kept clean, they can cause irritation and infection. For real changes in texture, most people need a course of three to six professional sessions spaced about a month apart, and results keep improving for several months after the last one. It is not suitable during an active acne breakout or on irritated skin, so a consultation comes first."#,
        category: "treatments",
        tags: &["Microneedling", "In-office"],
        image: "/static/img/microneedling-explained.svg",
        image_alt: "Illustration of a microneedling pen above a soft, peach-toned skin surface dotted with fine points of light.",
        caption: "Thousands of tiny, controlled channels prompt skin to rebuild collagen.",
        credit: "Illustration: glowpress studio",
        author: "Devon Abelman",
        published_at: "2026-11-05 08:00:00",
    },
];
