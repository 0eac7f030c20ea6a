//! Background work on named threads, reporting through channels: loading a
//! file (`load`), a second run to compare with (`compare`), native file dialogs (`dialog`), writing exports (`export`)
//! and the views' computations over large data (`computed`). The frame loop
//! polls them with `try_recv` and never waits.

mod compare;
mod computed;
mod dialog;
mod export;
mod load;

pub use compare::{CompareJob, compare_blocking};
pub use computed::{Computed, INLINE_ROWS};
pub use dialog::{DialogJob, DialogPurpose};
pub use export::ExportJob;
pub use load::{LoadFailure, LoadJob, load_blocking};
