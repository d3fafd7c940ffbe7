//! Accounts: verified against Odoo before they are kept; the key goes to the keyring
//! ([`SecretStore`]) and nowhere else.

use super::Error;
use crate::odoo::{self, Client, Credentials, Options};
use crate::secret::Secret;
use crate::secrets::SecretStore;
use crate::store::{Account, NewAccount, Store};
use std::sync::Mutex;
use time::PrimitiveDateTime;

/// What the rep types to add an account.
#[derive(Debug, Clone)]
pub struct AccountInput {
    /// Odoo's address; `https://` is assumed when no scheme is given.
    pub url: String,
    /// Database name.
    pub database: String,
    /// Login.
    pub login: String,
    /// API key (or password on Odoo 16–18).
    pub secret: Secret,
}

/// The address in one canonical form, so the same server is not added twice.
pub fn normalize_url(url: &str) -> Result<String, Error> {
    let trimmed = url.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(Error::Invalid("the Odoo address is empty".into()));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let parsed = reqwest::Url::parse(&with_scheme)
        .map_err(|e| Error::Invalid(format!("{url:?} is not a web address: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Invalid(format!(
            "{url:?} is not an http(s) address of an Odoo server"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// The keyring entry name of an account: readable in a keyring browser, unique per
/// server, database and login.
pub fn keyring_key(url: &str, database: &str, login: &str) -> String {
    format!("{login}@{url} ({database})")
}

impl Account {
    /// This account's keyring entry name.
    pub fn keyring_key(&self) -> String {
        keyring_key(&self.odoo_url, &self.database, &self.login)
    }

    /// The credentials to connect with, the key read from the keyring.
    pub fn credentials(&self, secrets: &dyn SecretStore) -> Result<Credentials, Error> {
        let secret = secrets
            .get(&self.keyring_key())?
            .ok_or_else(|| Error::NoKey(format!("{} on {}", self.login, self.odoo_url)))?;
        Ok(Credentials {
            url: self.odoo_url.clone(),
            database: self.database.clone(),
            login: self.login.clone(),
            secret,
        })
    }

    /// Connects to this account's Odoo.
    pub async fn connect(
        &self,
        secrets: &dyn SecretStore,
        options: Options,
    ) -> Result<Client, Error> {
        Ok(Client::connect(&self.credentials(secrets)?, options).await?)
    }
}

/// Verifies the credentials against Odoo, stores the key in the keyring, then the account.
/// Nothing is kept when any step fails: the rep sees why (unreachable, TLS, database, key,
/// Odoo too old, API not available) and can try again.
pub async fn add(
    store: &Mutex<Store>,
    secrets: &dyn SecretStore,
    input: AccountInput,
    options: Options,
    now: PrimitiveDateTime,
) -> Result<Account, Error> {
    let url = normalize_url(&input.url)?;
    let database = input.database.trim().to_owned();
    let login = input.login.trim().to_owned();
    if database.is_empty() || login.is_empty() {
        return Err(Error::Invalid(
            "the database and the login are required".into(),
        ));
    }
    if input.secret.is_blank() {
        return Err(Error::Invalid("the API key is empty".into()));
    }
    let already = lock(store)
        .accounts()?
        .into_iter()
        .any(|a| a.odoo_url == url && a.database == database && a.login == login);
    if already {
        return Err(crate::store::Error::DuplicateAccount(format!(
            "{login} on {url} ({database})"
        ))
        .into());
    }
    let credentials = Credentials {
        url: url.clone(),
        database: database.clone(),
        login: login.clone(),
        secret: input.secret.clone(),
    };
    let client = Client::connect(&credentials, options).await?;
    let me = client
        .read(
            "res.users",
            &[client.uid()],
            &["name", "partner_id"],
            &odoo::Context::default(),
        )
        .await?;
    let (user_name, partner_id) = me
        .first()
        .map(|r| {
            (
                r.text("name").unwrap_or_default(),
                r.many2one("partner_id").map(|p| p.id),
            )
        })
        .unwrap_or_default();
    let key = keyring_key(&url, &database, &login);
    secrets.set(&key, &input.secret)?;
    let added = lock(store).add_account(
        &NewAccount {
            odoo_url: url,
            database,
            login,
            uid: client.uid(),
            user_name,
            partner_id,
            server_version: client.version().to_string(),
            transport: match client.transport() {
                odoo::Transport::Json2 => "json2".into(),
                odoo::Transport::JsonRpc => "jsonrpc".into(),
            },
        },
        now,
    );
    match added {
        Ok(account) => Ok(account),
        Err(e) => {
            // Never leave a key behind for an account that does not exist.
            if let Err(cleanup) = secrets.delete(&key) {
                tracing::warn!("could not remove the key of the account that failed: {cleanup}");
            }
            Err(e.into())
        }
    }
}

/// Removes an account: its key from the keyring first (if the keyring cannot be reached,
/// nothing is removed, so no key is orphaned), then the account and its whole cache.
pub fn remove(store: &Mutex<Store>, secrets: &dyn SecretStore, id: i64) -> Result<Account, Error> {
    let account = lock(store)
        .account(id)?
        .ok_or(crate::store::Error::NoSuchAccount(id))?;
    secrets.delete(&account.keyring_key())?;
    lock(store).remove_account(id)?;
    Ok(account)
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
