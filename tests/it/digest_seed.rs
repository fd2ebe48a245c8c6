//! A week of activity written straight into the bot's tables, for the digest's tests: four
//! questions (open, private, anonymous; two answered), three alerts (taken, escalated, one
//! still open), a resource, a permanence held and one cancelled, plus a little of the week
//! before (for the trend) and of another guild (which must not count). Every row a young
//! person wrote carries [`SECRET_TITLE`] and their id, so a test can check neither leaks.

use chrono::{Days, NaiveDate, TimeZone as _};
use chrono_tz::Europe::Paris;
use promeneur::store::Db;

pub const OTHER_GUILD: i64 = 42;
pub const SECRET_TITLE: &str = "je vais mal ce soir";

/// The week to seed: its guild, its Monday (Paris) and the young person who wrote.
pub struct SeedWeek {
    pub guild: i64,
    pub monday: NaiveDate,
    pub young_id: i64,
}

struct SeedAlert<'a> {
    severity: &'a str,
    categories: &'a str,
    flagged: i64,
    taken: Option<i64>,
    escalations: i64,
    outcome: Option<&'a str>,
    helpline: Option<&'a str>,
    rule: &'a str,
}

impl SeedWeek {
    /// Paris local time `day` days after the week's Monday (negative: before), in unix ms.
    pub fn at(&self, day: i64, hour: u32, minute: u32) -> i64 {
        let date = if day >= 0 {
            self.monday + Days::new(day as u64)
        } else {
            self.monday - Days::new(day.unsigned_abs())
        };
        Paris
            .from_local_datetime(&date.and_hms_opt(hour, minute, 0).expect("a valid time"))
            .earliest()
            .expect("a Paris time")
            .timestamp_millis()
    }

    /// The whole week (see the module's documentation).
    pub async fn seed(&self, db: &Db) {
        let g = self.guild;
        let q = |way, day, hour, answered_after_h: Option<i64>, thread| {
            let asked = self.at(day, hour, 0);
            (
                way,
                asked,
                answered_after_h.map(|h| asked + h * 3_600_000),
                thread,
            )
        };
        for (guild, (way, asked, answered, thread)) in [
            (g, q("open", 0, 10, Some(1), 1001)),
            (g, q("private", 1, 10, Some(3), 1002)),
            (g, q("anonymous", 2, 10, None, 1003)),
            (g, q("open", 6, 23, None, 1004)),
            // Last week's, still unanswered: listed too.
            (g, q("private", -4, 9, None, 1005)),
            (OTHER_GUILD, q("open", 1, 10, None, 9)),
        ] {
            self.question(db, guild, way, asked, answered, thread).await;
        }
        let alerts = [
            SeedAlert {
                severity: "high",
                categories: "distress",
                flagged: self.at(0, 20, 0),
                taken: Some(self.at(0, 20, 10)),
                escalations: 0,
                outcome: Some("faux_positif"),
                helpline: Some("sent"),
                rule: "fr.distress.low",
            },
            SeedAlert {
                severity: "critical",
                categories: "distress,suicide_selfharm",
                flagged: self.at(3, 2, 0),
                taken: Some(self.at(3, 2, 30)),
                escalations: 2,
                outcome: Some("accompagne"),
                helpline: Some("refused"),
                rule: "fr.suicide.word",
            },
            SeedAlert {
                severity: "medium",
                categories: "harassment",
                flagged: self.at(5, 15, 0),
                taken: None,
                escalations: 1,
                outcome: None,
                helpline: None,
                rule: "fr.harassment.insult",
            },
            // The week before: one alert, for the trend.
            SeedAlert {
                severity: "low",
                categories: "distress",
                flagged: self.at(-6, 12, 0),
                taken: Some(self.at(-6, 14, 0)),
                escalations: 0,
                outcome: Some("faux_positif"),
                helpline: None,
                rule: "fr.distress.low",
            },
        ];
        for (i, a) in alerts.into_iter().enumerate() {
            self.alert(db, a, i as i64 + 1).await;
        }
        self.resource_and_permanences(db).await;
    }

    async fn question(
        &self,
        db: &Db,
        guild: i64,
        way: &str,
        asked: i64,
        answered: Option<i64>,
        thread: i64,
    ) {
        sqlx::query(
            "INSERT INTO questions (guild_id, way, status, asker_pseudonym, asker_id, channel_id, \
               thread_id, title, asked_at, answered_at) VALUES ($1, $2, $3, 'p-young', $4, 5, $5, $6, $7, $8)",
        )
        .bind(guild)
        .bind(way)
        .bind(if answered.is_some() { "answered" } else { "open" })
        .bind(self.young_id)
        .bind(thread)
        .bind(SECRET_TITLE)
        .bind(asked)
        .bind(answered)
        .execute(db.pool())
        .await
        .expect("question inserted");
    }

    async fn alert(&self, db: &Db, a: SeedAlert<'_>, message_id: i64) {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO alerts (guild_id, channel_id, author_id, author_pseudonym, severity, categories, \
               status, message_count, last_message_at, flagged_at, taken_at, escalations, outcome, helpline) \
             VALUES ($1, 5, $2, 'p-young', $3, $4, $5, 1, $6, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(self.guild)
        .bind(self.young_id)
        .bind(a.severity)
        .bind(a.categories)
        .bind(if a.outcome.is_some() { "closed" } else { "open" })
        .bind(a.flagged)
        .bind(a.taken)
        .bind(a.escalations)
        .bind(a.outcome)
        .bind(a.helpline)
        .fetch_one(db.pool())
        .await
        .expect("alert inserted");
        sqlx::query(
            "INSERT INTO flags (alert_id, message_id, channel_id, severity, categories, excerpt, matches, \
               created_at, updated_at) VALUES ($1, $2, 5, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id)
        .bind(message_id)
        .bind(a.severity)
        .bind(a.categories)
        .bind(SECRET_TITLE)
        .bind(format!("[[0,3,\"{}\"]]", a.rule))
        .bind(a.flagged)
        .execute(db.pool())
        .await
        .expect("flag inserted");
    }

    /// A resource on Wednesday; Karim on Mondays and Wednesdays 14:00-16:00, this Wednesday
    /// cancelled.
    async fn resource_and_permanences(&self, db: &Db) {
        let g = self.guild;
        sqlx::query(
            "INSERT INTO resources (version, guild_id, title, link, description, themes, author_id, \
               status, created_at, updated_at) VALUES (1, $1, 'Fil Santé Jeunes', 'https://x', 'd', \
               'sante', 7, 'active', $2, $2)",
        )
        .bind(g)
        .bind(self.at(2, 9, 0))
        .execute(db.pool())
        .await
        .expect("resource inserted");
        for weekday in [0i64, 2] {
            sqlx::query(
                "INSERT INTO permanences (guild_id, promeneur_id, promeneur_name, weekday, start_minute, \
                   end_minute, created_by, created_at) VALUES ($1, 11, 'Karim', $2, 840, 960, 11, $3)",
            )
            .bind(g)
            .bind(weekday)
            .bind(self.at(-15, 0, 0))
            .execute(db.pool())
            .await
            .expect("permanence inserted");
        }
        let (wednesday,): (i64,) =
            sqlx::query_as("SELECT id FROM permanences WHERE guild_id = $1 AND weekday = 2")
                .bind(g)
                .fetch_one(db.pool())
                .await
                .expect("the Wednesday slot");
        sqlx::query(
            "INSERT INTO permanence_exceptions (slot_id, date, kind, created_by, created_at) \
             VALUES ($1, $2, 'cancelled', 11, $3)",
        )
        .bind(wednesday)
        .bind((self.monday + Days::new(2)).to_string())
        .bind(self.at(-14, 0, 0))
        .execute(db.pool())
        .await
        .expect("exception inserted");
    }
}
