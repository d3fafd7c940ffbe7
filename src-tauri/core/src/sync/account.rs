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
    let client = Client::connect(&credentials, options)
        .await
        .map_err(|e| with_plan_hint(&url, e))?;
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

/// Odoo Online refuses the external API below its Custom plan: when an `*.odoo.com`
/// database refuses the key or the API, say so rather than leave the rep guessing.
fn with_plan_hint(url: &str, e: odoo::Error) -> Error {
    let online = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.ends_with(".odoo.com")))
        .unwrap_or(false);
    let refused = matches!(
        e.kind(),
        odoo::ErrorKind::Auth | odoo::ErrorKind::AccessDenied | odoo::ErrorKind::Unsupported
    );
    if online && refused {
        Error::OdooHint {
            source: e,
            hint: "On Odoo Online, the external API is only available on the Custom plan: \
                   check your subscription with your Odoo administrator.",
        }
    } else {
        e.into()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_and_non_http_ones_refused() {
        assert_eq!(
            normalize_url(" acme.odoo.com/ ").ok().as_deref(),
            Some("https://acme.odoo.com"),
            "https is assumed, the trailing slash dropped"
        );
        assert_eq!(
            normalize_url("http://127.0.0.1:8069").ok().as_deref(),
            Some("http://127.0.0.1:8069")
        );
        assert!(normalize_url("").is_err());
        assert!(normalize_url("ftp://acme.odoo.com").is_err());
    }

    #[test]
    fn odoo_online_refusals_mention_the_plan() {
        let refused = || odoo::Error::Auth("Access Denied".into());
        let online = with_plan_hint("https://acme.odoo.com", refused());
        assert!(online.to_string().contains("Custom plan"), "{online}");
        assert_eq!(
            online.kind(),
            super::super::ErrorKind::Auth,
            "the kind is kept"
        );
        let own = with_plan_hint("https://odoo.acme.example", refused());
        assert!(
            !own.to_string().contains("plan"),
            "self-hosted Odoo has no plans: {own}"
        );
    }
}
