//! Loading a second run and joining it to the open file, on the
//! "slicewise-compare" thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Job;

use crate::core::compare::{LabelsFrom, RunComparison, after_options};
use crate::core::dataset::Dataset;
use crate::core::error::LoadError;
use crate::core::load::{LoadOptions, RoleChoice};
use crate::core::open::{self, OpenError};
use crate::gui::commands::{Command, Mailbox};
use crate::gui::error::GuiError;

/// Loads the second run at `path` and joins it to `before`. The second run's
/// columns are first looked for under the first run's names, then detected
/// by name as for any file.
///
/// # Errors
/// A file that cannot be read, or runs that cannot be joined.
pub fn compare_blocking(
    before: &Dataset,
    path: &Path,
    first: &LoadOptions,
) -> Result<RunComparison, GuiError> {
    let roles = &before.roles;
    let same_names = LoadOptions {
        label: RoleChoice::Column(roles.label.clone()),
        pred: RoleChoice::Column(roles.pred.clone()),
        id: roles
            .id
            .clone()
            .map_or_else(|| first.id.clone(), RoleChoice::Column),
        ..first.clone()
    };
    let after = match open::open(path, &after_options(&same_names, None, None, None), None) {
        Ok(o) => o.ds,
        Err(OpenError::Load(e)) if e.is_role_problem() => {
            let detect = LoadOptions {
                format: first.format,
                controls: first.controls.clone(),
                ..LoadOptions::default()
            };
            open::open(path, &after_options(&detect, None, None, None), None)?.ds
        }
        Err(OpenError::Load(LoadError::Cancelled { .. })) => return Err(GuiError::Cancelled),
        Err(e) => return Err(e.into()),
    };
    RunComparison::new(before, &after, LabelsFrom::After).map_err(|source| GuiError::Compare {
        path: path.to_path_buf(),
        source,
    })
}

/// Starts loading `path` and joining it to `before`; the result comes as
/// [`Command::Compared`].
#[must_use]
pub fn start_compare(
    path: PathBuf,
    before: Arc<Dataset>,
    mut opts: LoadOptions,
    ctx: &egui::Context,
    mailbox: Mailbox,
) -> Job<()> {
    let failed_path = path.clone();
    Job::command(
        "slicewise-compare",
        ctx,
        mailbox,
        move |progress| {
            opts.controls.cancel = Some(progress.cancel_flag());
            let result = compare_blocking(&before, &path, &opts);
            Command::Compared {
                job: progress.id(),
                path,
                result: Box::new(result),
            }
        },
        move |source| Command::Compared {
            job: 0,
            path: failed_path,
            result: Box::new(Err(GuiError::Thread {
                what: "loading the second run",
                source,
            })),
        },
    )
}
