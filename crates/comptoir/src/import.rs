//! `comptoir import …`: files imported from the command line, with a progress bar.

use crate::admin::explain;
use crate::cli::{FileImport, ImportCommand};
use crate::serve::open_with;
use anyhow::{Context, bail};
use comptoir_app::App;
use comptoir_app::imports::{ImportRequest, RowKind, fingerprint};
use comptoir_domain::imports::Import;
use comptoir_domain::users::Actor;
use comptoir_store::DbOptions;
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::BufReader;

async fn actor(app: &App, email: &str) -> anyhow::Result<Actor> {
    let Some(user) = app.find_user_by_email(email).await.map_err(explain)? else {
        bail!("no user has the email {email}");
    };
    Ok(Actor { user_id: user.id, role: user.role })
}

pub async fn run(database_url: &str, command: ImportCommand) -> anyhow::Result<()> {
    let options = match &command {
        ImportCommand::Contacts(file) | ImportCommand::Companies(file) => {
            DbOptions { sqlite_cache_mib: file.sqlite_cache_mib }
        }
        _ => DbOptions::default(),
    };
    let app = App::new(open_with(database_url, options).await?);
    match command {
        ImportCommand::Contacts(file) => import_file(&app, RowKind::Contacts, file).await?,
        ImportCommand::Companies(file) => import_file(&app, RowKind::Companies, file).await?,
        ImportCommand::List => {
            for import in app.list_imports(None, None, 50).await.map_err(explain)? {
                let c = &import.counts;
                println!(
                    "{}  {}  {:<11} {}{}  {} rows: {} new, {} updated, {} unchanged, {} skipped",
                    import.id,
                    import.created_at.format("%Y-%m-%d %H:%M"),
                    import.status.as_str(),
                    import.file_name,
                    if import.dry_run { " (dry run)" } else { "" },
                    c.rows,
                    c.created,
                    c.updated,
                    c.unchanged,
                    c.skipped
                );
            }
        }
        ImportCommand::Undo { id, user } => {
            let actor = actor(&app, &user).await?;
            let id = id.parse().context("an import's id is a UUID")?;
            let import = app.undo_import(&actor, id).await.map_err(explain)?;
            if let Some(undo) = &import.undo {
                println!(
                    "Undone: {} records reverted, {} changed since and left alone.",
                    undo.reverted, undo.left_alone
                );
                for id in &undo.left_alone_ids {
                    println!("  left alone: {id}");
                }
            }
        }
    }
    Ok(())
}

/// Imports `file`'s rows as records of `kind`, with a progress bar.
async fn import_file(app: &App, kind: RowKind, args: FileImport) -> anyhow::Result<()> {
    let FileImport { file, user, dry_run, skip_lookalikes, mapping, template, .. } = args;
    let actor = actor(app, &user).await?;
    let template = match template {
        Some(name) => Some(
            app.import_template_named(&name)
                .await
                .map_err(explain)?
                .with_context(|| format!("no import template is called {name:?}"))?
                .id,
        ),
        None => None,
    };
    let open_file = || File::open(&file).with_context(|| format!("cannot open {}", file.display()));
    let size = open_file()?.metadata().map(|m| m.len()).unwrap_or(0);
    let file_sha256 = fingerprint(BufReader::new(open_file()?)).context("cannot read the file")?;
    let request = ImportRequest {
        file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        file_sha256,
        file_bytes: size,
        mapping: mapping.into_iter().collect(),
        template,
        kind,
        dry_run,
        skip_lookalikes,
    };
    // The bar follows the bytes read, the one measure of a file known before reading it.
    let progress = ProgressBar::new(size);
    progress.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta} left) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let reader = progress.wrap_read(BufReader::with_capacity(256 * 1024, open_file()?));
    let started = app.start_import(&actor, reader, request).await.map_err(explain)?;
    if started.import.rows_done > 0 {
        progress.println(format!(
            "Taking up import {} after the {} rows it wrote before it stopped.",
            started.import.id, started.import.rows_done
        ));
    }
    let shown = progress.clone();
    let import = app
        .run_import(&actor, started, &move |import: &Import| {
            let c = &import.counts;
            shown.set_message(format!(
                "{} rows: {} new, {} updated, {} skipped",
                c.rows, c.created, c.updated, c.skipped
            ));
        })
        .await
        .map_err(explain)?;
    progress.finish();
    report(kind, &import);
    Ok(())
}

fn report(kind: RowKind, import: &Import) {
    let c = &import.counts;
    let verb = if import.dry_run { "would be" } else { "were" };
    println!("Import {} ({}): {} rows read.", import.id, import.status.as_str(), c.rows);
    println!(
        "  {} {} {verb} created, {} updated, {} already up to date.",
        c.created,
        kind.as_str(),
        c.updated,
        c.unchanged
    );
    if c.companies_created > 0 {
        println!("  {} companies {verb} created for them.", c.companies_created);
    }
    if c.skipped > 0 {
        println!("  {} rows left out:", c.skipped);
        for error in import.errors.iter().take(20) {
            println!("    line {}: {}: {}", error.line, error.field, error.message);
        }
        if import.errors.len() > 20 {
            println!("    … and more, listed by GET /api/v1/imports/{}", import.id);
        }
    }
    if c.lookalikes > 0 {
        let fate = match (import.skip_lookalikes, import.dry_run) {
            (true, true) => "would be left out",
            (true, false) => "were left out",
            (false, true) => "would be imported and listed for review",
            (false, false) => "were imported and listed for review",
        };
        println!("  {} rows look like a contact already on file and {fate}:", c.lookalikes);
        for lookalike in import.lookalikes.iter().take(20) {
            println!(
                "    line {}: {} looks like contact {} ({} %)",
                lookalike.line, lookalike.written, lookalike.contact_id, lookalike.score
            );
        }
        if import.lookalikes.len() > 20 {
            println!("    … and more, listed by GET /api/v1/imports/{}", import.id);
        }
    }
    println!("Mapping used:");
    for (header, field) in &import.mapping {
        println!("  {header} → {}", if field.is_empty() { "(left out)" } else { field });
    }
}
