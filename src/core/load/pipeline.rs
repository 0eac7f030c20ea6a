//! Reading and encoding side by side: the next batch is read (decoded by
//! polars on its own pool) on a thread of its own while this thread encodes
//! the last one. At most one read batch waits, so the load holds at most two
//! batches beside the compact columns. On one thread (`--threads 1`) the
//! reading and the encoding take turns on the calling thread.

use std::path::Path;

use crate::core::error::LoadError;

/// Runs `read` on a reading thread; every item it hands on is `consume`d
/// here, in order. The first error wins: a `consume` error stops the
/// reading (its next hand-over fails), a reading error ends the load once
/// the batches before it are consumed.
///
/// # Errors
/// What `read` or `consume` returns; a reading thread that cannot start or
/// that panics is an error naming `path`.
pub(super) fn pipelined<T: Send, R: Send>(
    path: &Path,
    read: impl FnOnce(&mut dyn FnMut(T) -> Result<(), LoadError>) -> Result<R, LoadError> + Send,
    mut consume: impl FnMut(T) -> Result<(), LoadError>,
) -> Result<R, LoadError> {
    if rayon::current_num_threads() <= 1 {
        return read(&mut consume);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<T>(0);
    let stopped = || LoadError::Cancelled {
        path: path.to_path_buf(),
    };
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("slicewise-read".into())
            .spawn_scoped(scope, move || {
                let mut hand_on = |item: T| tx.send(item).map_err(|_| stopped());
                read(&mut hand_on)
            })
            .map_err(|source| LoadError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        let mut failed = None;
        for item in &rx {
            if let Err(e) = consume(item) {
                failed = Some(e);
                break;
            }
        }
        // The reader's next hand-over fails now, and it ends.
        drop(rx);
        let read = reader.join();
        match (failed, read) {
            (Some(e), _) => Err(e),
            (None, Ok(result)) => result,
            (None, Err(_)) => Err(LoadError::Parse {
                path: path.to_path_buf(),
                message: "the thread reading the file stopped unexpectedly".to_string(),
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_arrive_in_order_and_the_first_error_wins() {
        let path = Path::new("data.csv");
        let mut seen = Vec::new();
        let read = |each: &mut dyn FnMut(u32) -> Result<(), LoadError>| {
            for i in 0..100 {
                each(i)?;
            }
            Ok("done")
        };
        let done = pipelined(path, read, |i| {
            seen.push(i);
            Ok(())
        });
        assert_eq!(done.unwrap(), "done");
        assert_eq!(seen, (0..100).collect::<Vec<_>>());

        // The consumer fails at 3: the reader stops, and the error is the consumer's.
        let failed = pipelined(path, read, |i| {
            if i == 3 {
                Err(LoadError::Empty {
                    path: path.to_path_buf(),
                })
            } else {
                Ok(())
            }
        });
        assert!(matches!(failed, Err(LoadError::Empty { .. })));

        // The reader fails after two items: both are consumed, then its error.
        let mut got = 0;
        let failed = pipelined(
            path,
            |each: &mut dyn FnMut(u32) -> Result<(), LoadError>| {
                each(1)?;
                each(2)?;
                Err::<(), _>(LoadError::Utf16 {
                    path: path.to_path_buf(),
                })
            },
            |_| {
                got += 1;
                Ok(())
            },
        );
        assert!(matches!(failed, Err(LoadError::Utf16 { .. })));
        assert_eq!(got, 2);
    }
}
