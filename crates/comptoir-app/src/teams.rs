//! Teams: managers and admins set up the queues customer service works from; a member marks
//! themselves away so the rotation passes them by.

use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::{TeamId, UserId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::teams::{Team, TeamFields, TeamInput, TeamSummary, check_claims};
use comptoir_domain::users::{Actor, Role};
use comptoir_store::{StoreError, Tx};

pub struct Teams;

impl Kind for Teams {
    type Id = TeamId;
    type Record = Team;
    type Fields = TeamFields;
    type Input = TeamInput;
    type Refs = ();

    const OBJECT: ObjectType = ObjectType::Team;
    const REFUSALS: Refusals = Refusals {
        create: "only managers and admins set up teams",
        change: "only managers and admins change a team; a member may mark themselves away",
        delete: "only managers and admins delete teams",
        give: "teams have no owner",
    };
    const OWNED: bool = false;

    fn id(team: &Team) -> TeamId {
        team.id
    }
    fn version(team: &Team) -> i64 {
        team.version
    }
    fn fields(team: &Team) -> &TeamFields {
        &team.fields
    }
    /// A team is nobody's: only managers and admins delete one.
    fn owner(_fields: &TeamFields) -> Option<UserId> {
        None
    }
    fn input(fields: &TeamFields) -> TeamInput {
        fields.to_input()
    }

    fn may_create(actor: &Actor) -> bool {
        matches!(actor.role, Role::Admin | Role::Manager)
    }

    fn may_change(actor: &Actor, _current: &Team) -> bool {
        Self::may_create(actor)
    }

    async fn validate(
        _app: &App,
        _actor: &Actor,
        input: TeamInput,
        _current: Option<&Team>,
        _at: DateTime<Utc>,
    ) -> Result<TeamFields, AppError> {
        Ok(input.validate()?)
    }

    /// The lead and the members are active users (a read-only one answers no ticket), and no
    /// other team claims the same category or language: a new ticket has one way to go.
    async fn references(app: &App, current: Option<&Team>, fields: &TeamFields) -> Result<(), AppError> {
        let mut errors = ValidationErrors::new();
        app.check_user_exists(fields.lead_id, "lead_id", &mut errors).await?;
        for member in &fields.members {
            if current.is_some_and(|c| c.fields.has_member(member.user_id)) {
                continue;
            }
            match comptoir_store::users::get(&app.db, member.user_id).await? {
                Some(user) if user.active && user.role != Role::Readonly => {}
                Some(_) => errors.add("members", "names someone inactive or read-only"),
                None => errors.add("members", "names someone who is not a user"),
            }
        }
        let routes = comptoir_store::teams::routes(&app.db).await?;
        errors.0.extend(check_claims(fields, current.map(|c| c.id), &routes).0);
        errors.into_result()?;
        Ok(())
    }

    fn build(current: Option<&Team>, fields: TeamFields, _refs: (), at: DateTime<Utc>) -> Team {
        match current {
            Some(current) => current.changed(fields, at),
            None => Team::new(fields, at),
        }
    }

    async fn fetch(app: &App, id: TeamId) -> Result<Option<Team>, AppError> {
        Ok(comptoir_store::teams::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Team>, AppError> {
        Ok(comptoir_store::teams::list(&app.db, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::teams::count_matching(&app.db, query).await??)
    }

    async fn insert(tx: &mut Tx, team: &Team) -> Result<(), StoreError> {
        comptoir_store::teams::insert(tx, team).await
    }

    async fn update(tx: &mut Tx, before: &Team, after: &Team) -> Result<(), StoreError> {
        comptoir_store::teams::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, team: &Team) -> Result<(), StoreError> {
        comptoir_store::teams::delete(tx, team).await
    }
}

impl App {
    /// Every team, named, by name: what a ticket's form offers.
    pub async fn teams_by_name(&self) -> Result<Vec<TeamSummary>, AppError> {
        let routes = comptoir_store::teams::routes(&self.db).await?;
        Ok(routes.into_iter().map(|route| TeamSummary { id: route.id, name: route.name }).collect())
    }

    /// Marks `actor` available or away in `team`: the rotation gives tickets only to those
    /// available. A member says so for themselves; managers and admins change the team.
    pub async fn set_availability(
        &self,
        actor: &Actor,
        id: TeamId,
        available: bool,
        if_match: Option<i64>,
    ) -> Result<Team, AppError> {
        let current = self.get::<Teams>(actor, id).await?;
        if !current.fields.has_member(actor.user_id) {
            return Err(AppError::Forbidden("only a member of the team says whether they are available"));
        }
        let mut fields = current.fields.clone();
        for member in fields.members.iter_mut().filter(|m| m.user_id == actor.user_id) {
            member.available = available;
        }
        if fields == current.fields {
            crate::users::check_version(if_match, current.version)?;
            return Ok(current);
        }
        let changed = current.changed(fields, comptoir_domain::time::now());
        let mut tx = self.db.begin().await?;
        self.store_change::<Teams>(&mut tx, actor, &current, &changed, if_match, None).await?;
        tx.commit().await?;
        Ok(changed)
    }
}
