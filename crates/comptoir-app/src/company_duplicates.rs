//! Likely duplicate companies: found by the same scan as contacts', read and decided on as
//! contacts' pairs are.

use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::company_merges::CompanyPair;
use comptoir_domain::duplicates::PairStatus;
use comptoir_domain::ids::CompanyId;
use comptoir_domain::users::Actor;
use comptoir_match::{Company, CompanyProfile, Linkage, Sounds, find_company_duplicates};
use comptoir_store::company_duplicates::CompanyProfileRow;
use uuid::Uuid;

/// Companies read per query.
const PAGE: u32 = 20_000;

impl App {
    /// Every company read and compared: how many there are, and the pairs kept.
    pub(crate) async fn find_company_pairs(
        &self,
        at: DateTime<Utc>,
    ) -> Result<(u64, Vec<CompanyPair>), AppError> {
        let sounds = Sounds::default();
        let mut profiles: Vec<CompanyProfile> = Vec::new();
        let mut after: Option<CompanyId> = None;
        loop {
            let rows = comptoir_store::company_duplicates::profiles_after(&self.db, after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            profiles.extend(rows.iter().map(|row| profile(row, &sounds)));
        }
        let (profiles, Linkage { found, .. }) = tokio::task::spawn_blocking(move || {
            let linkage = find_company_duplicates(&profiles, crate::duplicates::KEPT_FROM);
            (profiles, linkage)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let pairs = found
            .into_iter()
            .map(|found| CompanyPair {
                id: Uuid::now_v7(),
                // Profiles are in id order, and ids in creation order: the older comes first.
                first_id: CompanyId(profiles[found.first].id),
                second_id: CompanyId(profiles[found.second].id),
                score: found.verdict.score,
                reasons: found.verdict.reasons,
                status: PairStatus::Open,
                found_at: at,
            })
            .collect();
        Ok((profiles.len() as u64, pairs))
    }

    /// A page of pairs of companies in `status`, best first, after the pair `after` (its
    /// score and id). Every role reads them, as it reads the companies.
    pub async fn company_pairs(
        &self,
        _actor: &Actor,
        status: PairStatus,
        after: Option<(u8, Uuid)>,
        limit: u32,
    ) -> Result<Vec<CompanyPair>, AppError> {
        Ok(comptoir_store::duplicates::list(&self.db, status, after, limit.clamp(1, 200)).await?)
    }

    pub async fn company_pair(&self, _actor: &Actor, id: Uuid) -> Result<CompanyPair, AppError> {
        comptoir_store::duplicates::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// The open pairs a company is one of, for its page.
    pub async fn company_duplicates_of(
        &self,
        _actor: &Actor,
        company: CompanyId,
    ) -> Result<Vec<CompanyPair>, AppError> {
        Ok(comptoir_store::duplicates::open_of(&self.db, company.0).await?)
    }

    /// Says the two companies of a pair are two (or, again, that they may be one).
    pub async fn decide_company_pair(
        &self,
        actor: &Actor,
        id: Uuid,
        status: PairStatus,
    ) -> Result<CompanyPair, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot decide on duplicates"));
        }
        let mut pair = self.company_pair(actor, id).await?;
        let mut tx = self.db.begin().await?;
        comptoir_store::duplicates::set_status::<CompanyPair>(&mut tx, id, status).await?;
        tx.commit().await?;
        pair.status = status;
        Ok(pair)
    }
}

fn profile(row: &CompanyProfileRow, sounds: &Sounds) -> CompanyProfile {
    let company = Company {
        name: &row.name,
        siren: row.siren.as_deref(),
        domain: row.domain.as_deref(),
        phones: &row.phones,
        postal_code: row.postal_code.as_deref(),
    };
    CompanyProfile::new(row.id.0, &company, sounds)
}
