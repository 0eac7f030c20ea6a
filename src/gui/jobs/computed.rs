//! Results derived from the dataset and a view's options, computed inline
//! on small data and on a worker thread on large data.

use std::sync::Arc;

use super::{Job, Polled};
use crate::core::dataset::Dataset;

/// Rows below which an audit result is computed inline: at this size each
/// analysis takes a few milliseconds, less than a thread hand-off costs in
/// frames. Above it, the work goes to a worker thread.
pub const INLINE_ROWS: usize = 200_000;

/// A result derived from the dataset and a key (a view's options). Over
/// large data it is computed on a worker thread, so changing an option never
/// freezes the window (the score curves of 10M rows take about a second); a
/// result whose key went stale meanwhile is dropped unread, and at most one
/// worker runs at a time.
pub struct Computed<K, V> {
    done: Option<(K, V)>,
    running: Option<(K, Job<V>)>,
}

impl<K, V> Default for Computed<K, V> {
    fn default() -> Self {
        Self {
            done: None,
            running: None,
        }
    }
}

impl<K: Clone + PartialEq + Send + 'static, V: Send + 'static> Computed<K, V> {
    /// Makes sure the result for `key` is ready or on its way. Returns `true`
    /// when a new result became ready during this call.
    pub fn refresh(
        &mut self,
        key: &K,
        ds: &Arc<Dataset>,
        ctx: &egui::Context,
        compute: fn(&Dataset, &K) -> V,
    ) -> bool {
        if self.done.as_ref().is_some_and(|(k, _)| k == key) {
            return false;
        }
        let mut inline = ds.rows() < INLINE_ROWS;
        if let Some((k, job)) = &self.running {
            let current = k == key;
            match job.poll() {
                Polled::Ready(value) if current => {
                    self.running = None;
                    self.done = Some((key.clone(), value));
                    return true;
                }
                // A stale result: start on the current options below.
                Polled::Ready(_) => {}
                // One worker at a time: while options change quickly (a
                // dragged number), a stale worker finishes before the next starts.
                Polled::Running => return false,
                // The worker died: compute here instead of starting another.
                Polled::Lost => inline |= current,
            }
        }
        self.running = None;
        self.done = None;
        if !inline {
            let (data, k) = (Arc::clone(ds), key.clone());
            if let Ok(job) =
                Job::try_spawn("slicewise-audit", Some(ctx), move |_| compute(&data, &k))
            {
                self.running = Some((key.clone(), job));
                return false;
            }
        }
        self.done = Some((key.clone(), compute(ds, key)));
        true
    }

    /// The result for `key`, when it is ready.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.done.as_ref().filter(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The result for `key` taken out (to be put back with
    /// [`Computed::put`]), so a view can borrow it beside its options.
    pub fn take(&mut self, key: &K) -> Option<(K, V)> {
        if self.done.as_ref().is_some_and(|(k, _)| k == key) {
            self.done.take()
        } else {
            None
        }
    }

    /// Puts back what [`Computed::take`] took.
    pub fn put(&mut self, done: (K, V)) {
        self.done = Some(done);
    }

    /// Whether a worker is computing a result.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
}
