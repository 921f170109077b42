//! Finding likely duplicate contacts and companies: every record read page by page into a
//! profile, pairs found on all cores by `comptoir-match`, the open pairs replaced in one
//! transaction. A pair someone dismissed is never offered again.

use crate::{App, AppError};
use comptoir_domain::duplicates::{DuplicatePair, PairStatus, ScanReport};
use comptoir_domain::ids::ContactId;
use comptoir_domain::imports::Import;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_match::{Linkage, Person, Profile, Sounds, find_duplicates};
use comptoir_store::duplicates::ProfileRow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use uuid::Uuid;

/// Pairs scoring less are not kept: too weak a resemblance to be worth anyone's look.
pub const KEPT_FROM: u8 = 30;

/// Contacts read per query.
const PAGE: u32 = 20_000;

/// Where the last scan's report is kept.
const LAST_SCAN: &str = "duplicates.last_scan";

impl App {
    /// Claims the right to scan for duplicates: one scan at a time, by anyone but a read-only
    /// user. `None` is the command line.
    pub fn claim_duplicate_scan(&self, actor: Option<&Actor>) -> Result<ScanClaim, AppError> {
        if actor.is_some_and(|actor| !actor.can_create_records()) {
            return Err(AppError::Forbidden("read-only users cannot look for duplicates"));
        }
        ScanClaim::take(&self.scanning)
    }

    /// Starts a scan in the background, for whoever asked from the API or the pages: refused
    /// to read-only users, and while another runs.
    pub fn start_duplicate_scan(&self, actor: &Actor) -> Result<(), AppError> {
        let claim = self.claim_duplicate_scan(Some(actor))?;
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(error) = app.scan_duplicates(claim, &|_| {}).await {
                tracing::error!(%error, "the scan for duplicates stopped");
            }
        });
        Ok(())
    }

    /// Looks for likely duplicates among all contacts, then all companies, and replaces the
    /// open pairs with what it finds. `progress` hears how many contacts have been read.
    pub async fn scan_duplicates(
        &self,
        _claim: ScanClaim,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ScanReport, AppError> {
        let started = Instant::now();
        let sounds = Sounds::default();
        let mut profiles: Vec<Profile> = Vec::new();
        let identifying = self.identifying_keys().await?;
        self.each_profile_page(&identifying, |rows| {
            profiles.extend(rows.iter().map(|row| profile(row, &sounds)));
            progress(profiles.len() as u64);
        })
        .await?;
        let linkage = tokio::task::spawn_blocking(move || {
            let linkage = find_duplicates(&profiles, KEPT_FROM);
            (profiles, linkage)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let (profiles, Linkage { compared, found, share }) = linkage;
        let at = now();
        let pairs: Vec<DuplicatePair> = found
            .into_iter()
            .map(|found| DuplicatePair {
                id: Uuid::now_v7(),
                // Profiles are in id order, and ids in creation order: the older comes first.
                first_id: ContactId(profiles[found.first].id),
                second_id: ContactId(profiles[found.second].id),
                score: found.verdict.score,
                reasons: found.verdict.reasons,
                status: PairStatus::Open,
                found_at: at,
            })
            .collect();
        let contacts = profiles.len() as u64;
        drop(profiles);
        let (companies, company_pairs) = self.find_company_pairs(at).await?;
        let report = ScanReport {
            contacts,
            compared: compared as u64,
            pairs: pairs.len() as u64,
            companies,
            company_pairs: company_pairs.len() as u64,
            duplicate_share: share,
            seconds: started.elapsed().as_secs_f64(),
            finished_at: Some(at),
        };
        let version = comptoir_store::settings::get(&self.db, LAST_SCAN).await?.map_or(0, |(_, v)| v);
        let value = serde_json::to_value(&report).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        comptoir_store::duplicates::replace_open(&mut tx, &pairs).await?;
        comptoir_store::duplicates::replace_open(&mut tx, &company_pairs).await?;
        comptoir_store::settings::put(&mut tx, LAST_SCAN, &value, version, at).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Scans again when the last scan ended more than `max_age` ago, or never did: what each
    /// server's housekeeping asks, so pairs follow the contacts without anyone asking. `None`
    /// when the last scan is recent enough or another is running.
    pub async fn rescan_duplicates_if_older_than(
        &self,
        max_age: chrono::TimeDelta,
    ) -> Result<Option<ScanReport>, AppError> {
        let last = self.last_duplicate_scan().await?.and_then(|scan| scan.finished_at);
        if last.is_some_and(|at| now() - at < max_age) {
            return Ok(None);
        }
        let Ok(claim) = self.claim_duplicate_scan(None) else { return Ok(None) };
        Ok(Some(self.scan_duplicates(claim, &|_| {}).await?))
    }

    /// Scans again once an import wrote contacts, so its duplicates (of each other or of
    /// contacts already there) wait in the review at once. `None` when it wrote none, was a
    /// dry run, or a scan is already running.
    pub async fn rescan_duplicates_after(&self, import: &Import) -> Result<Option<ScanReport>, AppError> {
        let wrote = import.counts.created + import.counts.updated > 0;
        if import.dry_run || !wrote {
            return Ok(None);
        }
        let Ok(claim) = self.claim_duplicate_scan(None) else { return Ok(None) };
        Ok(Some(self.scan_duplicates(claim, &|_| {}).await?))
    }

    /// What the last scan found, if one ran.
    pub async fn last_duplicate_scan(&self) -> Result<Option<ScanReport>, AppError> {
        let Some((value, _)) = comptoir_store::settings::get(&self.db, LAST_SCAN).await? else {
            return Ok(None);
        };
        Ok(serde_json::from_value(value).ok())
    }

    /// A page of pairs in `status`, best first, after the pair `after` (its score and id).
    /// Every role reads them, as it reads the contacts.
    pub fn scanning_for_duplicates(&self) -> bool {
        self.scanning.load(Ordering::Acquire)
    }

    pub async fn duplicate_pairs(
        &self,
        _actor: &Actor,
        status: PairStatus,
        after: Option<(u8, Uuid)>,
        limit: u32,
    ) -> Result<Vec<DuplicatePair>, AppError> {
        Ok(comptoir_store::duplicates::list(&self.db, status, after, limit.clamp(1, 200)).await?)
    }

    pub async fn duplicate_pair(&self, _actor: &Actor, id: Uuid) -> Result<DuplicatePair, AppError> {
        comptoir_store::duplicates::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// The open pairs a contact is one of, for its page.
    pub async fn duplicates_of(
        &self,
        _actor: &Actor,
        contact: ContactId,
    ) -> Result<Vec<DuplicatePair>, AppError> {
        Ok(comptoir_store::duplicates::open_of(&self.db, contact.0).await?)
    }

    /// Says the two contacts of a pair are two people (or, again, that they may be one).
    pub async fn decide_pair(
        &self,
        actor: &Actor,
        id: Uuid,
        status: PairStatus,
    ) -> Result<DuplicatePair, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot decide on duplicates"));
        }
        let mut pair = self.duplicate_pair(actor, id).await?;
        let mut tx = self.db.begin().await?;
        comptoir_store::duplicates::set_status::<DuplicatePair>(&mut tx, id, status).await?;
        tx.commit().await?;
        pair.status = status;
        Ok(pair)
    }
}

impl App {
    /// The keys of the contacts' custom fields an admin marked as identifying.
    pub(crate) async fn identifying_keys(&self) -> Result<Vec<String>, AppError> {
        let definitions = self.definitions(RecordKind::Contact).await?;
        Ok(definitions.into_iter().filter(|d| d.identifying).map(|d| d.key).collect())
    }

    /// Reads every contact as duplicate detection reads it, in id order, a page at a time:
    /// `each` has a page before the next is read, so what it keeps is all that stays in memory.
    pub(crate) async fn each_profile_page(
        &self,
        identifying: &[String],
        mut each: impl FnMut(Vec<ProfileRow>),
    ) -> Result<(), AppError> {
        let mut after: Option<ContactId> = None;
        loop {
            let rows = comptoir_store::duplicates::profiles_after(&self.db, after, PAGE, identifying).await?;
            let Some(last) = rows.last() else { return Ok(()) };
            after = Some(last.id);
            each(rows);
        }
    }
}

pub(crate) fn profile(row: &ProfileRow, sounds: &Sounds) -> Profile {
    let person = Person {
        first_name: row.first_name.as_deref(),
        last_name: row.last_name.as_deref(),
        emails: &row.emails,
        phones: &row.phones,
        company: row.company_id,
        postal_code: row.postal_code.as_deref(),
        street: row.street.as_deref(),
        identifiers: &row.identifiers,
    };
    Profile::new(row.id.0, &person, sounds)
}

/// The one scan that may run in this process, held until dropped.
pub struct ScanClaim(Arc<AtomicBool>);

impl ScanClaim {
    fn take(flag: &Arc<AtomicBool>) -> Result<Self, AppError> {
        if flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return Err(AppError::Conflict("a scan for duplicates is already running".to_owned()));
        }
        Ok(Self(Arc::clone(flag)))
    }
}

impl Drop for ScanClaim {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}
