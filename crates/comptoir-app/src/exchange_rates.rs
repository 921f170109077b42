//! Exchange rates: admins set them (one by one or from the Central Bank's file), every role
//! reads them, and the forecast converts with them.

use crate::changes::{Origin, record};
use crate::{App, AppError, admin_only};
use chrono::NaiveDate;
use comptoir_domain::audit::Action;
use comptoir_domain::exchange_rates::{ExchangeRate, ExchangeRateInput, parse_ecb_csv};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::money::Currency;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_domain::validation::ValidationErrors;
use serde_json::json;
use uuid::Uuid;

/// Most rates one read returns.
pub const MAX_LISTED: i64 = 1000;

impl App {
    /// Sets each rate, in place of any kept for its currency and day (admins only); all or none.
    pub async fn set_exchange_rates(
        &self,
        actor: &Actor,
        inputs: Vec<ExchangeRateInput>,
    ) -> Result<u64, AppError> {
        admin_only(Some(actor), "only admins set exchange rates")?;
        let rates = ExchangeRateInput::validate_all(inputs)?;
        self.keep_rates(actor, &rates, "request").await
    }

    /// Sets the rates of the European Central Bank's euro reference file, the daily one or the
    /// history (admins only); all or none.
    pub async fn import_exchange_rates(&self, actor: &Actor, file: &[u8]) -> Result<u64, AppError> {
        admin_only(Some(actor), "only admins set exchange rates")?;
        let text =
            std::str::from_utf8(file).map_err(|_| ValidationErrors::single("file", "is not UTF-8 text"))?;
        let rates = parse_ecb_csv(text)?;
        self.keep_rates(actor, &rates, "ecb_file").await
    }

    async fn keep_rates(&self, actor: &Actor, rates: &[ExchangeRate], source: &str) -> Result<u64, AppError> {
        let mut tx = self.db.begin().await?;
        let written = comptoir_store::exchange_rates::put_many(&mut tx, rates, now()).await?;
        let mut currencies: Vec<&str> = rates.iter().map(|r| r.currency.as_str()).collect();
        currencies.sort_unstable();
        currencies.dedup();
        // The audit says what was set, not every figure: a history file holds 200,000.
        let described = json!({"exchange_rates": {"source": source, "rates": rates.len(),
            "currencies": currencies, "from": rates.iter().map(|r| r.on).min(),
            "until": rates.iter().map(|r| r.on).max()}});
        let origin = Origin { actor: Some(actor), operation: None };
        record(&mut tx, origin, Action::Update, ObjectType::Settings, Uuid::nil(), None, Some(&described))
            .await?;
        tx.commit().await?;
        Ok(written)
    }

    /// The latest rate kept of each currency. Every role reads them.
    pub async fn latest_exchange_rates(&self) -> Result<Vec<ExchangeRate>, AppError> {
        Ok(comptoir_store::exchange_rates::latest(&self.db).await?)
    }

    /// The rates kept, newest first: of one currency or all, from a day until before another.
    /// Every role reads them.
    pub async fn exchange_rates(
        &self,
        currency: Option<&str>,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
        limit: Option<i64>,
    ) -> Result<Vec<ExchangeRate>, AppError> {
        let currency = match currency {
            Some(code) => Some(Currency::parse(code).map_err(|m| ValidationErrors::single("currency", m))?),
            None => None,
        };
        let limit = limit.unwrap_or(100);
        if !(1..=MAX_LISTED).contains(&limit) {
            return Err(ValidationErrors::single("limit", "must be between 1 and 1000").into());
        }
        let code = currency.map(Currency::code);
        Ok(comptoir_store::exchange_rates::list(&self.db, code, from, until, limit).await?)
    }
}
