//! Starting data: the base every database has (company, users, stages, UTM sources, …), plus
//! either a realistic demo pipeline or N synthetic leads for benchmarks.

use crate::db::{Account, Db, Env, Role};
use crate::error::OdooResult;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

/// What `--seed` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// Only the base data.
    Empty,
    /// ~300 realistic leads and opportunities with chatter.
    Demo,
    /// N synthetic leads, fast.
    Synthetic(usize),
}

impl std::str::FromStr for Seed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "empty" => Ok(Seed::Empty),
            "demo" => Ok(Seed::Demo),
            n => n
                .parse()
                .map(Seed::Synthetic)
                .map_err(|_| format!("--seed takes demo, empty or a number, not {s:?}")),
        }
    }
}

fn vals(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// Ids of the base records, for the seeds and for tests.
#[derive(Debug, Clone, Copy)]
pub struct Base {
    pub admin: i64,
    pub sales1: i64,
    pub sales2: i64,
    pub stages: [i64; 4],
    pub won_stage: i64,
    pub teams: [i64; 2],
    pub whatsapp_source: i64,
    pub facebook_source: i64,
}

/// Creates what every database has: company, OdooBot and admin, two salespersons, stages,
/// teams, tags, lost reasons, UTM sources and mediums, message subtypes.
pub fn base(db: &mut Db) -> OdooResult<Base> {
    let root = Env::new(1, Map::new());
    db.accounts.insert(
        1,
        Account {
            password: String::new(),
            api_keys: vec![],
            role: Role::Manager,
        },
    );
    db.create(
        &root,
        "res.company",
        &[vals(&[
            ("name", json!("My Company (Dubai)")),
            ("currency_code", json!("AED")),
        ])],
    )?;
    let partners = db.create(
        &root,
        "res.partner",
        &[
            vals(&[
                ("name", json!("OdooBot")),
                ("email", json!("odoobot@example.com")),
            ]),
            vals(&[
                ("name", json!("Mitchell Admin")),
                ("email", json!("admin@example.com")),
            ]),
            vals(&[
                ("name", json!("Sara Al Mansoori")),
                ("email", json!("sales1@example.com")),
            ]),
            vals(&[
                ("name", json!("Omar Hassan")),
                ("email", json!("sales2@example.com")),
            ]),
        ],
    )?;
    let users = db.create(
        &root,
        "res.users",
        &[
            vals(&[
                ("name", json!("OdooBot")),
                ("login", json!("__system__")),
                ("active", json!(false)),
                ("partner_id", json!(partners[0])),
            ]),
            vals(&[
                ("name", json!("Mitchell Admin")),
                ("login", json!("admin")),
                ("partner_id", json!(partners[1])),
                ("lang", json!("en_US")),
                ("tz", json!("Asia/Dubai")),
                ("email", json!("admin@example.com")),
            ]),
            vals(&[
                ("name", json!("Sara Al Mansoori")),
                ("login", json!("sales1")),
                ("partner_id", json!(partners[2])),
                ("lang", json!("ar_001")),
                ("tz", json!("Asia/Dubai")),
                ("email", json!("sales1@example.com")),
            ]),
            vals(&[
                ("name", json!("Omar Hassan")),
                ("login", json!("sales2")),
                ("partner_id", json!(partners[3])),
                ("lang", json!("en_US")),
                ("tz", json!("Africa/Cairo")),
                ("email", json!("sales2@example.com")),
            ]),
        ],
    )?;
    let (admin, sales1, sales2) = (users[1], users[2], users[3]);
    db.accounts.insert(
        admin,
        Account {
            password: "admin".into(),
            api_keys: vec![],
            role: Role::Manager,
        },
    );
    db.accounts.insert(
        sales1,
        Account {
            password: "sales1".into(),
            api_keys: vec![],
            role: Role::Salesman,
        },
    );
    db.accounts.insert(
        sales2,
        Account {
            password: "sales2".into(),
            api_keys: vec![],
            role: Role::Salesman,
        },
    );
    db.create(
        &root,
        "mail.message.subtype",
        &[
            vals(&[
                ("name", json!("Discussions")),
                ("sequence", json!(0)),
                ("internal", json!(false)),
            ]),
            vals(&[
                ("name", json!("Note")),
                ("sequence", json!(100)),
                ("internal", json!(true)),
            ]),
        ],
    )?;
    let teams = db.create(
        &root,
        "crm.team",
        &[
            vals(&[
                ("name", json!("Gulf Sales")),
                ("sequence", json!(1)),
                ("user_id", json!(admin)),
                ("member_ids", json!([[6, 0, [admin, sales1]]])),
            ]),
            vals(&[
                ("name", json!("Egypt Sales")),
                ("sequence", json!(2)),
                ("user_id", json!(sales2)),
                ("member_ids", json!([[6, 0, [sales2]]])),
            ]),
        ],
    )?;
    let stages = db.create(
        &root,
        "crm.stage",
        &[
            vals(&[("name", json!("New")), ("sequence", json!(1))]),
            vals(&[("name", json!("Qualified")), ("sequence", json!(2))]),
            vals(&[("name", json!("Proposition")), ("sequence", json!(3))]),
            vals(&[
                ("name", json!("Won")),
                ("sequence", json!(70)),
                ("is_won", json!(true)),
                ("fold", json!(false)),
            ]),
        ],
    )?;
    db.create(
        &root,
        "crm.tag",
        &[
            "VIP",
            "Product",
            "Software",
            "Services",
            "Training",
            "Consulting",
            "Urgent",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| vals(&[("name", json!(n)), ("color", json!(i + 1))]))
        .collect::<Vec<_>>(),
    )?;
    db.create(
        &root,
        "crm.lost.reason",
        &[
            "Too expensive",
            "We don't have people/skills",
            "Not enough stock",
            "Chose a competitor",
            "No answer",
        ]
        .iter()
        .map(|n| vals(&[("name", json!(n))]))
        .collect::<Vec<_>>(),
    )?;
    let sources = db.create(
        &root,
        "utm.source",
        &[
            "WhatsApp",
            "Facebook",
            "Website",
            "Search engine",
            "Referral",
            "Newsletter",
        ]
        .iter()
        .map(|n| vals(&[("name", json!(n))]))
        .collect::<Vec<_>>(),
    )?;
    db.create(
        &root,
        "utm.medium",
        &[
            "WhatsApp",
            "Social Network",
            "Email",
            "Website",
            "Direct",
            "Phone",
        ]
        .iter()
        .map(|n| vals(&[("name", json!(n))]))
        .collect::<Vec<_>>(),
    )?;
    db.create(
        &root,
        "utm.campaign",
        &[
            vals(&[("name", json!("Ramadan Offers"))]),
            vals(&[("name", json!("Spring Expo"))]),
        ],
    )?;
    let models: Vec<Map<String, Value>> = db
        .schema
        .models()
        .map(|m| vals(&[("model", json!(m.name)), ("name", json!(m.description))]))
        .collect();
    db.create(&root, "ir.model", &models)?;
    Ok(Base {
        admin,
        sales1,
        sales2,
        stages: [stages[0], stages[1], stages[2], stages[3]],
        won_stage: stages[3],
        teams: [teams[0], teams[1]],
        whatsapp_source: sources[0],
        facebook_source: sources[1],
    })
}

const FIRST_AR: &[&str] = &[
    "محمد",
    "أحمد",
    "فاطمة",
    "عائشة",
    "يوسف",
    "مريم",
    "خالد",
    "نورة",
    "عبدالله",
    "ليلى",
    "سلمان",
    "هدى",
];
const LAST_AR: &[&str] = &[
    "العتيبي",
    "الشمري",
    "المنصوري",
    "الحربي",
    "القحطاني",
    "الزهراني",
    "النعيمي",
    "السيد",
    "عبد الرحمن",
    "مصطفى",
];
const FIRST_EN: &[&str] = &[
    "James", "Priya", "Liam", "Sofia", "Daniel", "Aisha", "Ryan", "Hannah", "Karim", "Elena",
    "Marco", "Yasmin",
];
const LAST_EN: &[&str] = &[
    "Smith",
    "Patel",
    "O'Brien",
    "Rossi",
    "Khan",
    "Fernandes",
    "Müller",
    "Nasser",
    "Haddad",
    "Clarke",
];
const COMPANIES: &[&str] = &[
    "Desert Rose Trading",
    "شركة النخبة للتجارة",
    "Nile Valley Foods",
    "مؤسسة الخليج للمقاولات",
    "Blue Lagoon Hotels",
    "Cairo Digital",
    "مجموعة الريادة",
    "Falcon Logistics",
    "Oasis Clinics",
    "شركة المستقبل للتقنية",
];
const TOPICS: &[&str] = &[
    "Office furniture",
    "عرض سعر أجهزة",
    "Fleet GPS trackers",
    "طلب تركيب كاميرات",
    "Catering for 200 guests",
    "Website redesign",
    "استفسار عن الأسعار",
    "Annual maintenance contract",
    "Solar panels quote",
    "تدريب الموظفين",
];

/// A plausible mobile number: UAE, Saudi or Egyptian, in E.164 or as people type it.
fn phone(rng: &mut SmallRng) -> String {
    let n: u32 = rng.random_range(1_000_000..9_999_999);
    match rng.random_range(0..6) {
        0 => format!("+9715{}{n}", rng.random_range(0..9)),
        1 => format!(
            "+966 5{} {} {}",
            rng.random_range(0..9),
            n / 10_000,
            n % 10_000
        ),
        2 => format!("+20 1{} {n:08}", [0, 1, 2, 5][rng.random_range(0..4)]),
        3 => format!("05{} {} {}", rng.random_range(0..9), n / 10_000, n % 10_000),
        4 => format!("00971 5{}-{n}", rng.random_range(0..9)),
        _ => format!("+20 10 {n:08}"),
    }
}

fn days_ago(days: i64, seconds: i64) -> String {
    #[allow(
        clippy::disallowed_methods,
        reason = "seed data is dated relative to the server's clock"
    )]
    let t = time::OffsetDateTime::now_utc()
        - time::Duration::days(days)
        - time::Duration::seconds(seconds);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    ))
    .unwrap_or_default()
}

/// Overwrites stored values without ORM side effects (backdating seed records).
fn set_raw(db: &mut Db, model: &str, id: i64, field: &str, value: Value) {
    let Some(pos) = db.schema.model(model).and_then(|m| m.position(field)) else {
        return;
    };
    if let Some(row) = db.tables.get_mut(model).and_then(|t| t.rows.get_mut(&id)) {
        row[pos] = value;
    }
}

/// The demo pipeline: `count` leads spread over 180 days.
pub fn demo(db: &mut Db, base: &Base, count: usize) -> OdooResult<()> {
    let mut rng = SmallRng::seed_from_u64(19);
    let admin = Env::new(base.admin, Map::new());
    for i in 0..count {
        let arabic = rng.random_bool(0.5);
        let (first, last) = if arabic {
            (
                FIRST_AR[rng.random_range(0..FIRST_AR.len())],
                LAST_AR[rng.random_range(0..LAST_AR.len())],
            )
        } else {
            (
                FIRST_EN[rng.random_range(0..FIRST_EN.len())],
                LAST_EN[rng.random_range(0..LAST_EN.len())],
            )
        };
        let contact = format!("{first} {last}");
        let company = COMPANIES[rng.random_range(0..COMPANIES.len())];
        let topic = TOPICS[rng.random_range(0..TOPICS.len())];
        let phone = phone(&mut rng);
        let owner = match rng.random_range(0..10) {
            0..=3 => json!(base.sales1),
            4..=6 => json!(base.sales2),
            7 => json!(base.admin),
            _ => json!(false),
        };
        let whatsapp = rng.random_bool(0.4);
        let source = if whatsapp {
            base.whatsapp_source
        } else {
            rng.random_range(base.facebook_source..base.facebook_source + 5)
        };
        let partner = if rng.random_bool(0.6) {
            let p = db.create(
                &admin,
                "res.partner",
                &[vals(&[
                    ("name", json!(contact)),
                    ("phone", json!(phone)),
                    (
                        "email",
                        json!(format!(
                            "{}.{}@example.com",
                            i,
                            if arabic { "ar" } else { "en" }
                        )),
                    ),
                ])],
            )?;
            json!(p[0])
        } else {
            json!(false)
        };
        let stage = base.stages[rng.random_range(0..3)];
        let name = if whatsapp {
            format!("WhatsApp: {topic}")
        } else {
            format!("{topic} – {company}")
        };
        let id = db.create(
            &admin,
            "crm.lead",
            &[vals(&[
                ("name", json!(name)),
                (
                    "type",
                    json!(if rng.random_bool(0.3) {
                        "lead"
                    } else {
                        "opportunity"
                    }),
                ),
                ("contact_name", json!(contact)),
                ("partner_name", json!(company)),
                ("partner_id", partner),
                ("phone", json!(phone)),
                ("email_from", json!(format!("lead{i}@example.com"))),
                ("user_id", owner),
                ("stage_id", json!(stage)),
                (
                    "priority",
                    json!(["0", "1", "2", "3"][rng.random_range(0..4)]),
                ),
                (
                    "expected_revenue",
                    json!((rng.random_range(5..500) * 100) as f64),
                ),
                ("probability", json!(rng.random_range(5..90) as f64)),
                ("source_id", json!(source)),
                (
                    "medium_id",
                    json!(if whatsapp { 1 } else { rng.random_range(2..7) }),
                ),
                (
                    "tag_ids",
                    json!([[6, 0, [rng.random_range(1..8), rng.random_range(1..8)]]]),
                ),
                (
                    "description",
                    json!(format!(
                        "<p>{}</p>",
                        if arabic {
                            "مرحبا، أود الحصول على عرض سعر"
                        } else {
                            "Hello, I would like a quote"
                        }
                    )),
                ),
            ])],
        )?[0];
        // Some are won or lost; then backdate everything into the last six months.
        match rng.random_range(0..10) {
            0 | 1 => db.action_set_won(&admin, &[id])?,
            2 => {
                let mut extra = Map::new();
                extra.insert("lost_reason_id".into(), json!(rng.random_range(1..6)));
                db.action_set_lost(&admin, &[id], &extra)?;
            }
            _ => {}
        }
        for n in 0..rng.random_range(0..4) {
            let mut kwargs = Map::new();
            kwargs.insert(
                "body".into(),
                json!(if arabic {
                    [
                        "السلام عليكم، هل المنتج متوفر؟",
                        "شكراً، سأنتظر العرض",
                        "متى يمكن التوصيل؟",
                    ][n % 3]
                } else {
                    [
                        "Hi, is this still available?",
                        "Thanks, waiting for the offer",
                        "When can you deliver?",
                    ][n % 3]
                }),
            );
            kwargs.insert("message_type".into(), json!("comment"));
            kwargs.insert("subtype_xmlid".into(), json!("mail.mt_note"));
            db.message_post(&admin, "crm.lead", &[id], &kwargs)?;
        }
        let age = rng.random_range(1..180);
        let created = days_ago(age, rng.random_range(0..86_400));
        let updated = days_ago(rng.random_range(0..age), rng.random_range(0..86_400));
        set_raw(db, "crm.lead", id, "create_date", json!(created));
        set_raw(db, "crm.lead", id, "write_date", json!(updated.clone()));
        let closed = db.row_value("crm.lead", id, "date_closed");
        if closed.is_string() {
            set_raw(db, "crm.lead", id, "date_closed", json!(updated));
        }
    }
    Ok(())
}

/// `count` synthetic leads, as fast as possible (benchmarks): no partners, no chatter.
pub fn synthetic(db: &mut Db, base: &Base, count: usize) -> OdooResult<()> {
    let mut rng = SmallRng::seed_from_u64(42);
    let admin = Env::new(base.admin, Map::new());
    let owners = [
        json!(base.sales1),
        json!(base.sales2),
        json!(base.admin),
        json!(false),
    ];
    let batch = 1000;
    for start in (0..count).step_by(batch) {
        let list: Vec<Map<String, Value>> = (start..(start + batch).min(count))
            .map(|i| {
                vals(&[
                    (
                        "name",
                        json!(format!("Lead {i} – {}", TOPICS[i % TOPICS.len()])),
                    ),
                    (
                        "contact_name",
                        json!(format!(
                            "{} {}",
                            FIRST_EN[i % FIRST_EN.len()],
                            LAST_AR[i % LAST_AR.len()]
                        )),
                    ),
                    ("phone", json!(phone(&mut rng))),
                    ("email_from", json!(format!("lead{i}@example.com"))),
                    ("user_id", owners[i % owners.len()].clone()),
                    ("stage_id", json!(base.stages[i % 3])),
                    ("expected_revenue", json!(((i % 97) * 250) as f64)),
                    (
                        "source_id",
                        json!(if i % 3 == 0 {
                            base.whatsapp_source
                        } else {
                            base.facebook_source
                        }),
                    ),
                    ("tag_ids", json!([(i % 7 + 1) as i64])),
                ])
            })
            .collect();
        let ids = db.create(&admin, "crm.lead", &list)?;
        // Dated in the past like a real pipeline (created within a year, last written at
        // least a day ago), so an incremental sync right after seeding has nothing to re-read.
        for (i, id) in (start..).zip(ids) {
            let age = 2 + (i % 365) as i64;
            let seconds = (i * 7919 % 86_400) as i64;
            set_raw(
                db,
                "crm.lead",
                id,
                "create_date",
                json!(days_ago(age, seconds)),
            );
            set_raw(
                db,
                "crm.lead",
                id,
                "write_date",
                json!(days_ago(1 + (i % 30) as i64 % (age - 1), seconds)),
            );
        }
    }
    Ok(())
}
