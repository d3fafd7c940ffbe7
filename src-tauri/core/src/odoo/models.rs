//! The CRM models as CRM Desk reads them: which fields to ask for on each Odoo version, and
//! the conversion of each row into a domain type (§4).

use super::client::{Client, Context, Page, decode_for};
use super::domain::Domain;
use super::error::Error;
use super::record::Record;
use super::version::ServerVersion;
use super::wire::{LeadRow, parse_date, parse_datetime};
use crate::crm::{Lead, LeadStatus, LeadType, Message, MessageKind, Named, Partner, Stage, User};
use serde_json::{Map, Value, json};

/// crm.lead fields for `version` (mobile ≤18, won_status 19+).
pub fn lead_fields(version: ServerVersion) -> Vec<&'static str> {
    let mut fields = vec![
        "name",
        "type",
        "active",
        "stage_id",
        "user_id",
        "team_id",
        "partner_id",
        "tag_ids",
        "contact_name",
        "partner_name",
        "email_from",
        "phone",
        "description",
        "expected_revenue",
        "probability",
        "priority",
        "lost_reason_id",
        "source_id",
        "medium_id",
        "campaign_id",
        "date_deadline",
        "date_closed",
        "create_date",
        "write_date",
    ];
    if version.has_mobile() {
        fields.push("mobile");
    }
    if version.has_won_status() {
        fields.push("won_status");
    }
    fields
}

pub(super) fn lead_from_row(r: LeadRow) -> Lead {
    let active = r.active.unwrap_or(false);
    let probability = r.probability.0;
    let status = match r.won_status.0.as_deref() {
        Some("won") => LeadStatus::Won,
        Some("lost") => LeadStatus::Lost,
        Some(_) => LeadStatus::Open,
        // ≤18 has no won_status: the same rule, without the stage's is_won flag.
        None if !active && probability == 0.0 => LeadStatus::Lost,
        None if probability >= 100.0 => LeadStatus::Won,
        None => LeadStatus::Open,
    };
    Lead {
        id: r.id,
        name: r.name.0.unwrap_or_default(),
        kind: if r.kind.0.as_deref() == Some("lead") {
            LeadType::Lead
        } else {
            LeadType::Opportunity
        },
        active,
        status,
        stage: r.stage_id.0,
        user: r.user_id.0,
        team: r.team_id.0,
        partner: r.partner_id.0,
        tag_ids: r.tag_ids.0,
        contact_name: r.contact_name.0,
        company_name: r.partner_name.0,
        email: r.email_from.0,
        phone: r.phone.0,
        mobile: r.mobile.0,
        description: r.description.0,
        expected_revenue: r.expected_revenue.0,
        probability,
        priority: r.priority.0.and_then(|p| p.parse().ok()).unwrap_or(0),
        lost_reason: r.lost_reason_id.0,
        source: r.source_id.0,
        medium: r.medium_id.0,
        campaign: r.campaign_id.0,
        deadline: r.date_deadline.0.as_deref().and_then(parse_date),
        closed_at: r.date_closed.0.as_deref().and_then(parse_datetime),
        created_at: r.create_date.0.as_deref().and_then(parse_datetime),
        updated_at: r.write_date.0.as_deref().and_then(parse_datetime),
    }
}

fn stage(r: &Record, version: ServerVersion) -> Stage {
    Stage {
        id: r.id(),
        name: r.text("name").unwrap_or_default(),
        sequence: r.int("sequence"),
        is_won: r.bool("is_won"),
        fold: r.bool("fold"),
        team_ids: if version.stage_has_team_ids() {
            r.ids("team_ids")
        } else {
            r.many2one("team_id")
                .map(|t| vec![t.id])
                .unwrap_or_default()
        },
    }
}

/// A res.partner row as a domain partner.
pub(super) fn partner(r: &Record) -> Partner {
    Partner {
        id: r.id(),
        name: r.text("name").unwrap_or_default(),
        email: r.text("email"),
        phone: r.text("phone"),
        mobile: r.text("mobile"),
        is_company: r.bool("is_company"),
    }
}

/// What the cache keeps of a chatter message (`message_id` tells crm-bridge's WhatsApp
/// messages apart).
const MESSAGE_FIELDS: [&str; 7] = [
    "res_id",
    "body",
    "message_type",
    "is_internal",
    "author_id",
    "date",
    "message_id",
];

fn message(r: &Record) -> Message {
    Message {
        id: r.id(),
        lead_id: r.int("res_id"),
        body: r.text("body").unwrap_or_default(),
        kind: match r.text("message_type").as_deref() {
            _ if r
                .text("message_id")
                .is_some_and(|k| super::inbound::is_chatter_key(&k)) =>
            {
                MessageKind::WhatsApp
            }
            Some("comment") => MessageKind::Comment,
            Some("email") => MessageKind::Email,
            Some("notification" | "auto_comment" | "user_notification") => {
                MessageKind::Notification
            }
            _ => MessageKind::Other,
        },
        internal: r.bool("is_internal"),
        author: r.many2one("author_id"),
        date: r.datetime("date"),
    }
}

/// How a message is posted on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Post {
    /// Internal note (`mail.mt_note`): followers are not notified.
    Note,
    /// Discussion message (`mail.mt_comment`): followers are notified, may send email.
    Comment,
}

/// One page of leads as Odoo sent it, decoded where the caller likes.
#[derive(Debug, Clone)]
pub struct LeadPage {
    bytes: bytes::Bytes,
    transport: super::client::Transport,
    /// The id the next page starts after (read from the raw bytes, checked by `decode`).
    pub last_id: Option<i64>,
}

impl LeadPage {
    /// The leads of the page. Fails if the id the next request started after was not the
    /// last row's (the page boundary would have a gap): the caller retries from its last
    /// stored page.
    pub fn decode(self) -> Result<Vec<Lead>, Error> {
        self.decode_checked()
            .map_err(|(_, why)| Error::Protocol(why))
    }

    /// [`LeadPage::decode`], keeping the leads when only the boundary check failed (they are
    /// correct rows; the page after them may have a gap).
    pub fn decode_checked(self) -> Result<Vec<Lead>, (Vec<Lead>, String)> {
        let rows: Vec<LeadRow> = decode_for(self.transport, &self.bytes, "crm.lead.search_read")
            .map_err(|e| (Vec::new(), format!("page boundary unknown: {e}")))?;
        let last = rows.last().map(|r| r.id);
        let leads = rows.into_iter().map(lead_from_row).collect();
        if last != self.last_id {
            return Err((
                leads,
                format!(
                    "page boundary misread: last row {last:?}, next page started after {:?}",
                    self.last_id
                ),
            ));
        }
        Ok(leads)
    }
}

/// Per-stage totals for the kanban headers and stats.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTotal {
    /// The stage (`None` for leads without one).
    pub stage_id: Option<i64>,
    /// Number of leads.
    pub count: u64,
    /// Sum of expected revenue.
    pub expected_revenue: f64,
}

/// The rows of a raw answer: a JSON-2 body as is, or what follows the `"result"` key of a
/// JSON-RPC envelope (Odoo writes it after `"id"`, whose value is the request's, not a row's).
fn rows_part(bytes: &[u8]) -> &[u8] {
    match bytes.windows(8).position(|w| w == b"\"result\"") {
        Some(pos) if bytes.starts_with(b"{") => &bytes[pos + 8..],
        _ => bytes,
    }
}

/// Whether a raw page holds no rows (`[]`, or an envelope whose result is `[]`).
fn is_empty_page(bytes: &[u8]) -> bool {
    let rows = rows_part(bytes);
    let mut it = rows
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace() && *b != b':');
    matches!((it.next(), it.next()), (Some(b'['), Some(b']')))
}

/// The id of the last row in a raw page (`..., {"id": 42, ...}]`): rows start with their
/// id, so it is the last `"id"` key among the rows. A guess, verified by the caller.
fn last_id_in(bytes: &[u8]) -> Option<i64> {
    let bytes = rows_part(bytes);
    let mut end = bytes.len();
    while let Some(pos) = bytes[..end].windows(4).rposition(|w| w == b"\"id\"") {
        let before = pos.checked_sub(1).map(|p| bytes[p]);
        let after = &bytes[pos + 4..];
        let after = after
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &after[i..]);
        if matches!(before, Some(b'{' | b',' | b' ' | b'\n'))
            && let Some([b':', rest @ ..]) = after
        {
            let rest = &rest[rest
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0)..];
            let digits: Vec<u8> = rest
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .copied()
                .collect();
            return std::str::from_utf8(&digits).ok()?.parse().ok();
        }
        end = pos;
    }
    None
}

pub(super) fn values(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

impl Client {
    /// Leads matching `domain`, as domain types (decoded straight from the response bytes).
    pub async fn leads(
        &self,
        domain: &Domain,
        page: &Page,
        ctx: &Context,
    ) -> Result<Vec<Lead>, Error> {
        let kwargs = values(&[
            ("domain", domain.to_json()),
            ("fields", json!(lead_fields(self.version()))),
            ("offset", json!(page.offset)),
            ("limit", page.limit.map_or(Value::Null, |l| json!(l))),
            (
                "order",
                page.order.as_ref().map_or(Value::Null, |o| json!(o)),
            ),
        ]);
        let rows: Vec<LeadRow> = self
            .call_as("crm.lead", "search_read", &[], kwargs, ctx)
            .await?;
        Ok(rows.into_iter().map(lead_from_row).collect())
    }

    /// One raw page of the sync read: the window's leads after `after`, by id.
    fn lead_page(
        &self,
        window: &Domain,
        fields: &Value,
        after: i64,
        page_size: usize,
        ctx: &Context,
    ) -> impl std::future::Future<Output = Result<bytes::Bytes, Error>> {
        let kwargs = values(&[
            (
                "domain",
                window.clone().and(Domain::field("id").gt(after)).to_json(),
            ),
            ("fields", fields.clone()),
            ("offset", json!(0)),
            ("limit", json!(page_size)),
            ("order", json!("id asc")),
        ]);
        self.fetch("crm.lead", "search_read", &[], kwargs, ctx)
    }

    /// Reads every lead matching `window`, in id order, `page_size` at a time, handing each
    /// page to `on_page`; returns how many were read. The request for the next page leaves
    /// while the current one is decoded (on a blocking thread, so this task keeps driving
    /// the I/O): its lower id bound is read from the tail of the raw page and checked
    /// against the decoded page (a wrong guess is refetched), so decoding overlaps the
    /// server's work instead of adding to it.
    pub async fn lead_pages(
        &self,
        window: &Domain,
        page_size: usize,
        ctx: &Context,
        mut on_page: impl FnMut(Vec<Lead>),
    ) -> Result<usize, Error> {
        let fields = json!(lead_fields(self.version()));
        let request = |after: i64| self.lead_page(window, &fields, after, page_size, ctx);
        let transport = self.transport();
        let mut total = 0;
        let mut current = request(0).await?;
        loop {
            let guess = last_id_in(&current);
            let next = async {
                match guess {
                    Some(after) => Some(request(after).await),
                    None => None,
                }
            };
            let raw = current.clone();
            let decode = tokio::task::spawn_blocking(move || {
                let rows: Vec<LeadRow> = decode_for(transport, &raw, "crm.lead.search_read")?;
                let last = rows.last().map(|r| r.id);
                Ok::<_, Error>((
                    rows.into_iter().map(lead_from_row).collect::<Vec<Lead>>(),
                    last,
                ))
            });
            let (next, decoded) = tokio::join!(next, decode);
            let (leads, last) =
                decoded.map_err(|e| Error::Protocol(format!("decoding a page failed: {e}")))??;
            let count = leads.len();
            total += count;
            on_page(leads);
            let Some(last) = last.filter(|_| count == page_size) else {
                return Ok(total);
            };
            current = match next {
                Some(next) if guess == Some(last) => next?,
                // The guess was wrong (or impossible): fetch the right page.
                _ => request(last).await?,
            };
        }
    }

    /// Like [`Client::lead_pages`], but hands each page over undecoded, with the id the next
    /// page starts after (read from the raw bytes), so that decoding can happen on the
    /// thread that stores pages: the next request is in flight while `on_page` (which may
    /// wait, for back-pressure) runs. [`LeadPage::decode`] checks the boundary. Returns the
    /// number of pages, the last one empty.
    pub async fn lead_pages_raw<F: std::future::Future<Output = ()>>(
        &self,
        window: &Domain,
        page_size: usize,
        ctx: &Context,
        mut on_page: impl FnMut(LeadPage) -> F,
    ) -> Result<usize, Error> {
        let fields = json!(lead_fields(self.version()));
        let request = |after: i64| self.lead_page(window, &fields, after, page_size, ctx);
        let mut pages = 0;
        let mut after = 0;
        let mut current = request(after).await?;
        loop {
            // Any row means there may be more: ask (an empty page ends it). Deciding "last
            // page" from a row count in the raw bytes would risk stopping early on a misread.
            // Ids strictly increase, so a guess that does not move on ends the loop too.
            let guess = if is_empty_page(&current) {
                None
            } else {
                last_id_in(&current).filter(|id| *id > after)
            };
            let next = async {
                match guess {
                    Some(after) => Some(request(after).await),
                    None => None,
                }
            };
            let page = LeadPage {
                bytes: current.clone(),
                transport: self.transport(),
                last_id: guess,
            };
            let (next, ()) = tokio::join!(next, on_page(page));
            pages += 1;
            match (next, guess) {
                (Some(next), Some(guess)) => {
                    current = next?;
                    after = guess;
                }
                _ => return Ok(pages),
            }
        }
    }

    /// Leads by id; ids that no longer exist (or are no longer visible) are absent.
    pub async fn leads_by_id(&self, ids: &[i64], ctx: &Context) -> Result<Vec<Lead>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let kwargs = values(&[("fields", json!(lead_fields(self.version())))]);
        let rows: Vec<LeadRow> = self.call_as("crm.lead", "read", ids, kwargs, ctx).await?;
        Ok(rows.into_iter().map(lead_from_row).collect())
    }

    /// All stages, in pipeline order.
    pub async fn stages(&self) -> Result<Vec<Stage>, Error> {
        let team = if self.version().stage_has_team_ids() {
            "team_ids"
        } else {
            "team_id"
        };
        let page = Page {
            order: Some("sequence, name, id".into()),
            ..Page::default()
        };
        let rows = self
            .search_read(
                "crm.stage",
                &Domain::All,
                &["name", "sequence", "is_won", "fold", team],
                &page,
                &Context::default(),
            )
            .await?;
        Ok(rows.iter().map(|r| stage(r, self.version())).collect())
    }

    /// Records of a simple named model: crm.tag, crm.lost.reason, crm.team, utm.source,
    /// utm.medium (archived ones included, so old leads still resolve).
    pub async fn named(&self, model: &str) -> Result<Vec<Named>, Error> {
        let fields: &[&str] = if model == "crm.tag" {
            &["name", "color"]
        } else {
            &["name"]
        };
        let rows = self
            .search_read(
                model,
                &Domain::All,
                fields,
                &Page::default(),
                &Context::sync(),
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Named {
                id: r.id(),
                name: r.text("name").unwrap_or_default(),
                color: r.int("color"),
            })
            .collect())
    }

    /// The res.partner fields CRM Desk reads (`mobile` only where it exists).
    pub(super) fn partner_fields(&self) -> Vec<&'static str> {
        let mut fields = vec!["name", "email", "phone", "is_company"];
        if self.version().has_mobile() {
            fields.push("mobile");
        }
        fields
    }

    /// Partners by id.
    pub async fn partners(&self, ids: &[i64]) -> Result<Vec<Partner>, Error> {
        let rows = self
            .read("res.partner", ids, &self.partner_fields(), &Context::sync())
            .await?;
        Ok(rows.iter().map(partner).collect())
    }

    /// Users, archived ones included (old leads keep their salesperson's name).
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        let rows = self
            .search_read(
                "res.users",
                &Domain::All,
                &["name", "login", "partner_id"],
                &Page::default(),
                &Context::sync(),
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| User {
                id: r.id(),
                name: r.text("name").unwrap_or_default(),
                login: r.text("login").unwrap_or_default(),
                partner_id: r.many2one("partner_id").map(|p| p.id),
            })
            .collect())
    }

    /// The newest `limit` messages of a lead, newest first.
    pub async fn lead_messages(&self, lead_id: i64, limit: usize) -> Result<Vec<Message>, Error> {
        let domain = Domain::field("model")
            .eq("crm.lead")
            .and(Domain::field("res_id").eq(lead_id));
        self.chatter(&domain, "id desc", limit).await
    }

    /// The chatter messages of leads posted after message `after` (ids only grow), oldest
    /// first, at most `limit`: what is new on the leads since the last sync. Odoo's access
    /// rules keep out messages of leads the rep cannot read.
    pub async fn lead_messages_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Message>, Error> {
        let domain = Domain::field("model")
            .eq("crm.lead")
            .and(Domain::field("id").gt(after));
        self.chatter(&domain, "id", limit).await
    }

    /// Chatter messages matching `domain`, in `order`, at most `limit`.
    async fn chatter(
        &self,
        domain: &Domain,
        order: &str,
        limit: usize,
    ) -> Result<Vec<Message>, Error> {
        let page = Page {
            limit: Some(limit),
            order: Some(order.into()),
            ..Page::default()
        };
        Ok(self
            .search_read(
                "mail.message",
                domain,
                &MESSAGE_FIELDS,
                &page,
                &Context::default(),
            )
            .await?
            .iter()
            .map(message)
            .collect())
    }

    /// The newest chatter message id on any lead (0 when there is none): where a message
    /// delta starts when the account has none yet.
    pub async fn newest_lead_message_id(&self) -> Result<i64, Error> {
        let ids = self
            .search(
                "mail.message",
                &Domain::field("model").eq("crm.lead"),
                &Page {
                    limit: Some(1),
                    order: Some("id desc".into()),
                    ..Page::default()
                },
                &Context::default(),
            )
            .await?;
        Ok(ids.first().copied().unwrap_or(0))
    }

    /// Marks leads won: the nearest won stage, probability 100.
    pub async fn set_won(&self, lead_ids: &[i64]) -> Result<(), Error> {
        self.call(
            "crm.lead",
            "action_set_won",
            lead_ids,
            Map::new(),
            &Context::default(),
        )
        .await
        .map(drop)
    }

    /// Marks leads lost (archived, probability 0) with an optional reason.
    pub async fn set_lost(&self, lead_ids: &[i64], reason_id: Option<i64>) -> Result<(), Error> {
        let kwargs = reason_id
            .map(|r| values(&[("lost_reason_id", json!(r))]))
            .unwrap_or_default();
        self.call(
            "crm.lead",
            "action_set_lost",
            lead_ids,
            kwargs,
            &Context::default(),
        )
        .await
        .map(drop)
    }

    /// Reopens lost leads.
    pub async fn restore(&self, lead_ids: &[i64]) -> Result<(), Error> {
        self.call(
            "crm.lead",
            "action_restore",
            lead_ids,
            Map::new(),
            &Context::sync(),
        )
        .await
        .map(drop)
    }

    /// Posts `text` (plain text: Odoo escapes it) on a lead's chatter; returns the message id.
    pub async fn post(&self, lead_id: i64, text: &str, how: Post) -> Result<i64, Error> {
        let subtype = match how {
            Post::Note => "mail.mt_note",
            Post::Comment => "mail.mt_comment",
        };
        let kwargs = values(&[
            ("body", json!(text)),
            ("message_type", json!("comment")),
            ("subtype_xmlid", json!(subtype)),
        ]);
        self.post_values("crm.lead", lead_id, kwargs).await
    }

    /// Count and expected revenue per stage: `formatted_read_group` where it exists
    /// (saas-18.2+), `read_group` before.
    pub async fn stage_totals(
        &self,
        domain: &Domain,
        ctx: &Context,
    ) -> Result<Vec<StageTotal>, Error> {
        let formatted = self.version().has_formatted_read_group();
        let kwargs = if formatted {
            values(&[
                ("domain", domain.to_json()),
                ("groupby", json!(["stage_id"])),
                ("aggregates", json!(["expected_revenue:sum", "__count"])),
            ])
        } else {
            values(&[
                ("domain", domain.to_json()),
                ("fields", json!(["expected_revenue:sum"])),
                ("groupby", json!(["stage_id"])),
                ("lazy", json!(false)),
            ])
        };
        let method = if formatted {
            "formatted_read_group"
        } else {
            "read_group"
        };
        let rows = self.call("crm.lead", method, &[], kwargs, ctx).await?;
        let rows = rows
            .as_array()
            .ok_or_else(|| Error::Protocol(format!("{method} returned {rows}")))?;
        let revenue_key = if formatted {
            "expected_revenue:sum"
        } else {
            "expected_revenue"
        };
        Ok(rows
            .iter()
            .map(|row| StageTotal {
                stage_id: row
                    .get("stage_id")
                    .and_then(|s| s.get(0).and_then(Value::as_i64).or_else(|| s.as_i64())),
                count: row.get("__count").and_then(Value::as_u64).unwrap_or(0),
                expected_revenue: row.get(revenue_key).and_then(Value::as_f64).unwrap_or(0.0),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{is_empty_page, last_id_in};

    #[test]
    fn last_row_id_from_raw_pages() {
        assert_eq!(
            last_id_in(br#"[{"id":1,"name":"a"},{"id":42,"stage_id":[3,"x"]}]"#),
            Some(42)
        );
        assert_eq!(
            last_id_in(br#"[{"id": 7, "name": "say \"id\": 9"}]"#),
            Some(7),
            "Odoo's spacing; quoted text is not a key"
        );
        assert_eq!(
            last_id_in(br#"{"jsonrpc":"2.0","id":3,"result":[{"id":11}]}"#),
            Some(11)
        );
        assert_eq!(last_id_in(b"[]"), None);
        assert_eq!(
            last_id_in(br#"{"jsonrpc": "2.0", "id": 3, "result": []}"#),
            None,
            "the envelope's id is the request's, not a row's"
        );
        assert!(is_empty_page(
            br#"{"jsonrpc": "2.0", "id": 3, "result": []}"#
        ));
        assert!(is_empty_page(b" [ ] "));
        assert!(!is_empty_page(br#"[{"id": 1}]"#));
        assert!(!is_empty_page(
            br#"{"jsonrpc":"2.0","id":3,"result":[{"id":11}]}"#
        ));
    }
}
