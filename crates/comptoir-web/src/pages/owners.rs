//! Whose records a page shows: everyone's, the visitor's ("me") or a colleague's, picked from
//! a list that offers them in that order.

use crate::i18n::Lang;
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::UserId;
use comptoir_domain::users::{Actor, User};

/// The owner `value` names: nobody in particular (empty), the visitor (`me`) or a colleague
/// by id; anything else is refused on `field`.
pub fn chosen_owner(
    actor: &Actor,
    users: &[User],
    value: &str,
    field: &str,
) -> Result<Option<UserId>, AppError> {
    match value {
        "" => Ok(None),
        "me" => Ok(Some(actor.user_id)),
        id => id
            .parse::<UserId>()
            .ok()
            .filter(|id| users.iter().any(|u| u.id == *id))
            .map(Some)
            .ok_or_else(|| ValidationErrors::single(field, "is not a colleague").into()),
    }
}

/// The choices of an owner picker: everyone, me, then each colleague by name.
pub fn owner_choices(lang: Lang, actor: &Actor, users: &[User]) -> Vec<(String, String)> {
    let mut choices = vec![(String::new(), lang.t("board-everyone")), ("me".to_owned(), lang.t("filter-me"))];
    choices.extend(
        users.iter().filter(|u| u.id != actor.user_id).map(|u| (u.id.to_string(), u.name().to_owned())),
    );
    choices
}
