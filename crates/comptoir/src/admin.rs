//! `comptoir user …` and `comptoir token …`: what an operator does before anyone can sign in.

use crate::cli::{TokenCommand, UserCommand};
use crate::serve::open;
use anyhow::{Context, bail};
use comptoir_app::{App, AppError};
use serde_json::json;
use std::io::BufRead;

/// A use case's refusal as the command line says it: a validation error by its fields.
pub(crate) fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation(errors) => anyhow::anyhow!("{errors}"),
        other => anyhow::anyhow!(other),
    }
}

pub async fn user(database_url: &str, command: UserCommand) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?);
    match command {
        UserCommand::Create { email, role, name, password_stdin } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).context("cannot read the password")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let user = app
                .create_user(
                    None,
                    json!({"email": email, "role": role, "display_name": name, "password": password}),
                    None,
                )
                .await
                .map_err(explain)?;
            println!("Created {} user {} ({})", user.role, user.email, user.id);
        }
    }
    Ok(())
}

pub async fn token(database_url: &str, command: TokenCommand) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?);
    match command {
        TokenCommand::Create { email, name } => {
            let Some(user) = app.find_user_by_email(&email).await.map_err(explain)? else {
                bail!("no user has the email {email}");
            };
            let new = app.create_token(None, user.id, &name).await.map_err(explain)?;
            // The only place the secret ever appears: on standard output, for the operator.
            println!("{}", new.secret);
            eprintln!("Token {} created for {}; it will not be shown again.", new.token.id, user.email);
        }
    }
    Ok(())
}
