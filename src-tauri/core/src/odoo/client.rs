//! The Odoo client: one API over JSON-2 (Odoo 19+) and legacy JSON-RPC (16–18), chosen by
//! asking the server its version (§1.6, §2.4, §8).

use super::domain::Domain;
use super::error::Error;
use super::record::Record;
use super::version::ServerVersion;
use crate::secret::Secret;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Which protocol to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// `POST /json/2/<model>/<method>` with a bearer API key (Odoo 19+).
    Json2,
    /// `POST /jsonrpc` `object.execute_kw` with the key as password (Odoo 16–18, and 19–21).
    JsonRpc,
}

/// Transport selection: detect from the server version, or force one (settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransportChoice {
    /// JSON-2 from 19.0, JSON-RPC before.
    #[default]
    Auto,
    /// Always this transport (a setting, for servers where detection guesses wrong).
    Force(Transport),
}

/// Where and who.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Base URL, e.g. `https://mycompany.odoo.com` (a trailing slash is fine).
    pub url: String,
    /// Database name (sent as `X-Odoo-Database` and in every JSON-RPC call).
    pub database: String,
    /// The user's login; checked against the key's owner on JSON-2.
    pub login: String,
    /// API key (or password on 16–18).
    pub secret: Secret,
}

/// How reads are retried: bounded, exponential, with full jitter. Writes never are.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// Ceiling of the first pause; doubles per retry.
    pub base: Duration,
    /// Largest pause.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            base: Duration::from_millis(300),
            max: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry `n` (1-based), with full jitter in `[0, min(max, base·2^n))`.
    pub fn delay(&self, n: u32, jitter: f64) -> Duration {
        let ceiling = self.base.saturating_mul(1 << n.min(16)).min(self.max);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// Options with sensible defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// Detect or force the transport.
    pub transport: TransportChoice,
    /// Per-request timeout.
    pub timeout: Duration,
    /// `lang` sent in every context (Odoo language code, e.g. `ar_001`).
    pub lang: String,
    /// `tz` sent in every context.
    pub tz: String,
    /// Retries of reads.
    pub retry: RetryPolicy,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            transport: TransportChoice::Auto,
            timeout: Duration::from_secs(30),
            lang: "en_US".into(),
            tz: "UTC".into(),
            retry: RetryPolicy::default(),
            user_agent: format!("crm-desk/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Extra context for one call. Every call also sends `lang` and `tz`.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `active_test: false`: include archived (lost) records. Sync always sets it.
    pub include_archived: bool,
}

impl Context {
    /// The context of sync reads: archived (lost) records included.
    pub fn sync() -> Self {
        Self {
            include_archived: true,
        }
    }
}

/// Paging for searches.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Rows to skip.
    pub offset: usize,
    /// At most this many rows; `None` asks for all of them.
    pub limit: Option<usize>,
    /// Odoo order clause, e.g. `id asc`; `None` = the model's default order.
    pub order: Option<String>,
}

/// A connected, authenticated client.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    database: String,
    secret: Secret,
    uid: i64,
    version: ServerVersion,
    transport: Transport,
    options: Options,
    next_id: AtomicU64,
    /// Odoo's clock: the `Date` of its last answer (Unix seconds; 0 = none yet).
    server_clock: AtomicI64,
}

/// Whether a method is read-only (so it may be retried).
fn is_read(method: &str) -> bool {
    matches!(
        method,
        "search_read"
            | "search"
            | "search_count"
            | "read"
            | "fields_get"
            | "name_search"
            | "read_group"
            | "formatted_read_group"
            | "context_get"
            | "default_get"
    )
}

fn snippet(text: &str) -> String {
    text.chars().take(300).collect()
}

fn map_transport_error(url: &str, e: &reqwest::Error, timeout: Duration) -> Error {
    if e.is_timeout() {
        return Error::Timeout(timeout);
    }
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        chain.push_str(&s.to_string());
        chain.push_str(": ");
        source = s.source();
    }
    let lower = chain.to_lowercase();
    // rustls' errors are not exported through reqwest; recognise them by what they say, and
    // treat any other connect-stage failure of an https URL that is not a refusal or a name
    // lookup as TLS too (a plain-HTTP port answering a handshake, a proxy in the way).
    let tls_words = [
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "alert",
        "unknownissuer",
    ];
    let network_words = [
        "refused",
        "dns",
        "resolve",
        "unreachable",
        "reset",
        "no route",
    ];
    let https_connect = url.starts_with("https://")
        && e.is_connect()
        && !network_words.iter().any(|w| lower.contains(w));
    if tls_words.iter().any(|w| lower.contains(w)) || https_connect {
        return Error::Tls(chain.trim_end_matches(": ").to_owned());
    }
    Error::Offline {
        url: url.to_owned(),
        detail: chain.trim_end_matches(": ").to_owned(),
    }
}

impl Client {
    /// Detects the server's version and transport, then authenticates.
    pub async fn connect(credentials: &Credentials, options: Options) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .user_agent(options.user_agent.clone())
            .build()
            .map_err(|e| Error::Protocol(format!("HTTP client: {e}")))?;
        let base = credentials.url.trim().trim_end_matches('/').to_owned();
        let mut client = Client {
            http,
            base,
            database: credentials.database.clone(),
            secret: credentials.secret.clone(),
            uid: 0,
            version: ServerVersion { major: 0, minor: 0 },
            transport: Transport::JsonRpc,
            options,
            next_id: AtomicU64::new(1),
            server_clock: AtomicI64::new(0),
        };
        client.version = client.detect_version().await?;
        client.transport = match client.options.transport {
            TransportChoice::Force(t) => t,
            TransportChoice::Auto if client.version.has_json2() => Transport::Json2,
            TransportChoice::Auto => Transport::JsonRpc,
        };
        if client.version.major < 16 {
            return Err(Error::UnknownMethod {
                what: format!(
                    "the API of Odoo {} (CRM Desk needs Odoo 16 or later)",
                    client.version
                ),
            });
        }
        client.uid = client.authenticate(&credentials.login).await?;
        Ok(client)
    }

    /// The server's version.
    pub fn version(&self) -> ServerVersion {
        self.version
    }
    /// The transport in use.
    pub fn transport(&self) -> Transport {
        self.transport
    }
    /// The authenticated user's id.
    pub fn uid(&self) -> i64 {
        self.uid
    }

    /// Odoo's clock as of its last answer (the HTTP `Date` header, whole seconds, UTC):
    /// sync windows are cut on the server's time, never the desk's, so a wrong clock here
    /// cannot open a gap.
    pub fn server_now(&self) -> Option<time::PrimitiveDateTime> {
        let secs = self.server_clock.load(Ordering::Relaxed);
        (secs > 0)
            .then(|| time::OffsetDateTime::from_unix_timestamp(secs).ok())
            .flatten()
            .map(|t| time::PrimitiveDateTime::new(t.date(), t.time()))
    }

    fn note_server_clock(&self, headers: &reqwest::header::HeaderMap) {
        if let Some(date) = headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        {
            self.server_clock.store(
                i64::try_from(date.as_secs()).unwrap_or(0),
                Ordering::Relaxed,
            );
        }
    }

    async fn detect_version(&self) -> Result<ServerVersion, Error> {
        // 19+: GET /web/version. Older servers answer 404 (HTML).
        let url = format!("{}/web/version", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| map_transport_error(&self.base, &e, self.options.timeout))?;
        if resp.status().is_success()
            && let Ok(body) = resp.json::<Value>().await
            && let Some(v) = body
                .get("version")
                .and_then(Value::as_str)
                .and_then(ServerVersion::parse)
        {
            return Ok(v);
        }
        let info = self
            .jsonrpc_raw("/web/webclient/version_info", json!({}))
            .await;
        let info = match info {
            Ok(info) => info,
            Err(_) => {
                self.jsonrpc_raw(
                    "/jsonrpc",
                    json!({"service": "common", "method": "version", "args": []}),
                )
                .await?
            }
        };
        info.get("server_version")
            .and_then(Value::as_str)
            .and_then(ServerVersion::parse)
            .ok_or_else(|| {
                Error::Protocol(format!(
                    "no server_version in {}",
                    snippet(&info.to_string())
                ))
            })
    }

    async fn authenticate(&self, login: &str) -> Result<i64, Error> {
        if self.secret.is_blank() {
            return Err(Error::Auth("no API key given".into()));
        }
        match self.transport {
            Transport::Json2 => {
                let ctx: Value = decode(
                    &self
                        .json2("res.users", "context_get", &[], &Map::new())
                        .await?,
                    "context_get",
                )?;
                let uid = ctx
                    .get("uid")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| Error::Protocol("context_get without uid".into()))?;
                // The key decides the user: make sure it is the login the rep typed.
                let mut kwargs = Map::new();
                kwargs.insert("fields".into(), json!(["login"]));
                let rows: Value = decode(
                    &self.json2("res.users", "read", &[uid], &kwargs).await?,
                    "res.users.read",
                )?;
                let owner = rows
                    .get(0)
                    .and_then(|r| r.get("login"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if !owner.is_empty() && !owner.eq_ignore_ascii_case(login) {
                    return Err(Error::Auth(format!(
                        "this API key belongs to {owner:?}, not {login:?}"
                    )));
                }
                Ok(uid)
            }
            Transport::JsonRpc => {
                let result = self
                    .jsonrpc_raw(
                        "/jsonrpc",
                        json!({"service": "common", "method": "authenticate",
                               "args": [self.database, login, self.secret.expose(), {}]}),
                    )
                    .await?;
                result
                    .as_i64()
                    .ok_or_else(|| Error::Auth("wrong login or API key".into()))
            }
        }
    }

    /// Calls `model.method` on `ids` with named arguments, over the client's transport.
    /// Reads are retried on transient failures; writes are sent once.
    pub async fn call(
        &self,
        model: &str,
        method: &str,
        ids: &[i64],
        kwargs: Map<String, Value>,
        context: &Context,
    ) -> Result<Value, Error> {
        self.call_as(model, method, ids, kwargs, context).await
    }

    /// [`Client::call`], deserializing the result straight from the response bytes into `T`.
    pub(crate) async fn call_as<T: DeserializeOwned>(
        &self,
        model: &str,
        method: &str,
        ids: &[i64],
        kwargs: Map<String, Value>,
        context: &Context,
    ) -> Result<T, Error> {
        let bytes = self.fetch(model, method, ids, kwargs, context).await?;
        self.decode_answer(&bytes, &format!("{model}.{method}"))
    }

    /// Sends one call and returns the raw answer, undecoded (JSON-2 body or JSON-RPC
    /// envelope). Reads are retried on transient failures; writes are sent once.
    pub(crate) async fn fetch(
        &self,
        model: &str,
        method: &str,
        ids: &[i64],
        mut kwargs: Map<String, Value>,
        context: &Context,
    ) -> Result<Bytes, Error> {
        let mut ctx = Map::new();
        ctx.insert("lang".into(), json!(self.options.lang));
        ctx.insert("tz".into(), json!(self.options.tz));
        if context.include_archived {
            ctx.insert("active_test".into(), json!(false));
        }
        kwargs.insert("context".into(), Value::Object(ctx));
        let attempts = if is_read(method) {
            self.options.retry.attempts.max(1)
        } else {
            1
        };
        let params = match self.transport {
            Transport::Json2 => Value::Null,
            Transport::JsonRpc => {
                let args = if is_record_method(method) {
                    json!([ids])
                } else {
                    json!([])
                };
                json!({"service": "object", "method": "execute_kw",
                    "args": [self.database, self.uid, self.secret.expose(), model, method, args, kwargs]})
            }
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match self.transport {
                Transport::Json2 => self.json2(model, method, ids, &kwargs).await,
                Transport::JsonRpc => self.jsonrpc_bytes("/jsonrpc", &params).await,
            };
            match result {
                Err(e) if e.is_transient() && attempt < attempts => {
                    let pause = self.options.retry.delay(attempt, rand::random::<f64>());
                    tracing::debug!(%model, %method, attempt, ?pause, "retrying a read after: {e}");
                    tokio::time::sleep(pause).await;
                }
                other => return other,
            }
        }
    }

    /// Decodes an answer from [`Client::fetch`] for this client's transport.
    pub(crate) fn decode_answer<T: DeserializeOwned>(
        &self,
        bytes: &[u8],
        what: &str,
    ) -> Result<T, Error> {
        decode_for(self.transport, bytes, what)
    }

    /// One JSON-2 round trip: the body of a successful answer, or the classified error.
    async fn json2(
        &self,
        model: &str,
        method: &str,
        ids: &[i64],
        kwargs: &Map<String, Value>,
    ) -> Result<Bytes, Error> {
        let mut body = kwargs.clone();
        if !ids.is_empty() {
            body.insert("ids".into(), json!(ids));
        }
        let url = format!("{}/json/2/{model}/{method}", self.base);
        let resp = self
            .http
            .post(&url)
            .header("Authorization", format!("bearer {}", self.secret.expose()))
            .header("X-Odoo-Database", &self.database)
            .json(&Value::Object(body))
            .send()
            .await
            .map_err(|e| map_transport_error(&self.base, &e, self.options.timeout))?;
        self.note_server_clock(resp.headers());
        let status = resp.status().as_u16();
        let is_json = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"));
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| map_transport_error(&self.base, &e, self.options.timeout))?;
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        let text = String::from_utf8_lossy(&bytes);
        if !is_json {
            return Err(match status {
                404 => Error::UnknownDatabase(self.database.clone()),
                429 | 500..=599 => Error::Server(format!("HTTP {status}")),
                _ => {
                    tracing::warn!(%status, body = %snippet(&text), "unexpected non-JSON answer");
                    Error::Protocol(format!("HTTP {status} from {model}.{method}"))
                }
            });
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        // 19.0 sends an object; pre-release servers sent a bare string.
        let (name, message) = match &body {
            Value::Object(o) => (
                o.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                o.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            Value::String(s) => (String::new(), s.clone()),
            _ => (String::new(), snippet(&text)),
        };
        Err(match status {
            401 => Error::Auth(message),
            429 | 502..=504 => Error::Server(format!("HTTP {status}: {message}")),
            _ => Error::from_odoo(&name, &message, Some(status)),
        })
    }

    /// One JSON-RPC round trip; returns `result` or the classified `error`.
    async fn jsonrpc_raw(&self, path: &str, params: Value) -> Result<Value, Error> {
        let bytes = self.jsonrpc_bytes(path, &params).await?;
        decode_envelope(&bytes, path)
    }

    /// The body of a JSON-RPC answer (still an envelope), after HTTP-level checks.
    async fn jsonrpc_bytes(&self, path: &str, params: &Value) -> Result<Bytes, Error> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": id, "params": params});
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .map_err(|e| map_transport_error(&self.base, &e, self.options.timeout))?;
        self.note_server_clock(resp.headers());
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| map_transport_error(&self.base, &e, self.options.timeout))?;
        if status == 404 {
            return Err(Error::UnknownMethod {
                what: format!("{path} (is this an Odoo server?)"),
            });
        }
        if status == 429 || status >= 500 {
            return Err(Error::Server(format!("HTTP {status}")));
        }
        if status != 200 {
            tracing::warn!(%path, %status, body = %snippet(&String::from_utf8_lossy(&bytes)), "unexpected JSON-RPC status");
            return Err(Error::Protocol(format!("HTTP {status} from {path}")));
        }
        Ok(bytes)
    }

    // ------------------------------------------------------------ generic ORM operations

    /// `search_read`: the rows matching `domain`, with `fields`.
    pub async fn search_read(
        &self,
        model: &str,
        domain: &Domain,
        fields: &[&str],
        page: &Page,
        ctx: &Context,
    ) -> Result<Vec<Record>, Error> {
        let mut kw = Map::new();
        kw.insert("domain".into(), domain.to_json());
        kw.insert("fields".into(), json!(fields));
        kw.insert("offset".into(), json!(page.offset));
        // Never `limit: null` by accident on a big model: None is explicit "all".
        kw.insert("limit".into(), page.limit.map_or(Value::Null, |l| json!(l)));
        if let Some(order) = &page.order {
            kw.insert("order".into(), json!(order));
        }
        records(self.call(model, "search_read", &[], kw, ctx).await?, model)
    }

    /// `search`: the ids matching `domain`.
    pub async fn search(
        &self,
        model: &str,
        domain: &Domain,
        page: &Page,
        ctx: &Context,
    ) -> Result<Vec<i64>, Error> {
        let mut kw = Map::new();
        kw.insert("domain".into(), domain.to_json());
        kw.insert("offset".into(), json!(page.offset));
        kw.insert("limit".into(), page.limit.map_or(Value::Null, |l| json!(l)));
        if let Some(order) = &page.order {
            kw.insert("order".into(), json!(order));
        }
        ids(&self.call(model, "search", &[], kw, ctx).await?)
    }

    /// `search_count`.
    pub async fn search_count(
        &self,
        model: &str,
        domain: &Domain,
        ctx: &Context,
    ) -> Result<u64, Error> {
        let mut kw = Map::new();
        kw.insert("domain".into(), domain.to_json());
        let v = self.call(model, "search_count", &[], kw, ctx).await?;
        v.as_u64().ok_or_else(|| {
            Error::Protocol(format!("search_count returned {}", snippet(&v.to_string())))
        })
    }

    /// Reads `ids`; ids that no longer exist are silently absent from the result (§3.1).
    pub async fn read(
        &self,
        model: &str,
        ids_: &[i64],
        fields: &[&str],
        ctx: &Context,
    ) -> Result<Vec<Record>, Error> {
        if ids_.is_empty() {
            return Ok(Vec::new());
        }
        let mut kw = Map::new();
        kw.insert("fields".into(), json!(fields));
        records(self.call(model, "read", ids_, kw, ctx).await?, model)
    }

    /// Creates one record; returns its id.
    pub async fn create(
        &self,
        model: &str,
        values: Map<String, Value>,
        ctx: &Context,
    ) -> Result<i64, Error> {
        let mut kw = Map::new();
        kw.insert("vals_list".into(), json!([values]));
        let v = self.call(model, "create", &[], kw, ctx).await?;
        // JSON-2 returns [id]; JSON-RPC with a list of dicts returns [id] too.
        ids(&v)?
            .first()
            .copied()
            .ok_or_else(|| Error::Protocol(format!("create returned {v}")))
    }

    /// `write`: the same values on every record.
    pub async fn write(
        &self,
        model: &str,
        ids_: &[i64],
        values: Map<String, Value>,
        ctx: &Context,
    ) -> Result<(), Error> {
        let mut kw = Map::new();
        kw.insert("vals".into(), Value::Object(values));
        self.call(model, "write", ids_, kw, ctx).await.map(drop)
    }

    /// `unlink`: ids already deleted are accepted.
    pub async fn unlink(&self, model: &str, ids_: &[i64], ctx: &Context) -> Result<(), Error> {
        self.call(model, "unlink", ids_, Map::new(), ctx)
            .await
            .map(drop)
    }

    /// Field descriptions (`type`, `string`, `relation`, …) of a model.
    pub async fn fields_get(
        &self,
        model: &str,
        attributes: &[&str],
    ) -> Result<Map<String, Value>, Error> {
        let mut kw = Map::new();
        kw.insert("attributes".into(), json!(attributes));
        match self
            .call(model, "fields_get", &[], kw, &Context::default())
            .await?
        {
            Value::Object(m) => Ok(m),
            other => Err(Error::Protocol(format!(
                "fields_get returned {}",
                snippet(&other.to_string())
            ))),
        }
    }
}

/// Decodes an answer of `transport` (a JSON-2 body or a JSON-RPC envelope).
pub(crate) fn decode_for<T: DeserializeOwned>(
    transport: Transport,
    bytes: &[u8],
    what: &str,
) -> Result<T, Error> {
    match transport {
        Transport::Json2 => decode(bytes, what),
        Transport::JsonRpc => decode_envelope(bytes, what),
    }
}

/// A JSON-2 success body as `T`. sonic-rs parses pages about twice as fast as serde_json
/// here (BENCHMARKS.md), and decoding is the connector's whole overhead over the network.
fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, Error> {
    sonic_rs::from_slice(bytes).map_err(|e| {
        tracing::warn!(%what, body = %snippet(&String::from_utf8_lossy(bytes)), "unexpected answer shape");
        Error::Protocol(format!("{what}: {e}"))
    })
}

/// A JSON-RPC envelope: `result` as `T` (Odoo omits it for None), or the classified error.
fn decode_envelope<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, Error> {
    #[derive(serde::Deserialize)]
    struct Envelope<T> {
        #[serde(default = "Option::default")]
        result: Option<T>,
        #[serde(default)]
        error: Option<Value>,
    }
    let envelope: Envelope<T> = sonic_rs::from_slice(bytes).map_err(|e| {
        tracing::warn!(%what, body = %snippet(&String::from_utf8_lossy(bytes)), "JSON-RPC answer is not the expected shape");
        Error::Protocol(format!("{what}: {e}"))
    })?;
    if let Some(error) = envelope.error {
        let data = error.get("data").cloned().unwrap_or(Value::Null);
        let name = data.get("name").and_then(Value::as_str).unwrap_or_default();
        let message = data
            .get("message")
            .and_then(Value::as_str)
            .or_else(|| error.get("message").and_then(Value::as_str))
            .unwrap_or_default();
        if error.get("code").and_then(Value::as_i64) == Some(100) {
            return Err(Error::Auth("the session expired".into()));
        }
        return Err(Error::from_odoo(name, message, None));
    }
    match envelope.result {
        Some(result) => Ok(result),
        None => T::deserialize(Value::Null)
            .map_err(|e| Error::Protocol(format!("{what}: no result: {e}"))),
    }
}

/// Methods called on records (their ids go first over JSON-RPC).
fn is_record_method(method: &str) -> bool {
    matches!(
        method,
        "read"
            | "write"
            | "unlink"
            | "action_set_won"
            | "action_set_lost"
            | "action_restore"
            | "message_post"
    )
}

fn ids(v: &Value) -> Result<Vec<i64>, Error> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_i64()
                    .ok_or_else(|| Error::Protocol(format!("not an id: {i}")))
            })
            .collect(),
        Value::Number(n) => n
            .as_i64()
            .map(|i| vec![i])
            .ok_or_else(|| Error::Protocol(format!("not an id: {n}"))),
        other => Err(Error::Protocol(format!(
            "expected ids, got {}",
            snippet(&other.to_string())
        ))),
    }
}

fn records(v: Value, model: &str) -> Result<Vec<Record>, Error> {
    match v {
        Value::Array(rows) => rows
            .into_iter()
            .map(|r| match r {
                Value::Object(m) => Ok(Record(m)),
                other => Err(Error::Protocol(format!(
                    "{model}: a row that is not an object: {}",
                    snippet(&other.to_string())
                ))),
            })
            .collect(),
        other => Err(Error::Protocol(format!(
            "{model}: expected rows, got {}",
            snippet(&other.to_string())
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_are_capped() {
        let p = RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        assert_eq!(p.delay(1, 1.0), Duration::from_millis(200));
        assert_eq!(p.delay(2, 1.0), Duration::from_millis(400));
        assert_eq!(p.delay(6, 1.0), Duration::from_secs(1), "capped");
        assert_eq!(p.delay(3, 0.0), Duration::ZERO, "full jitter reaches zero");
    }
}
