//! The columns that place each row on the map of the dataset: 2-D
//! coordinates computed elsewhere (`x`/`y`, `umap_x`/`umap_y`, ...) or an
//! embedding to project (`emb_0 … emb_k`, or one list column). They are
//! read by `core::map`, never as slice columns: a slice of `emb_17` in five
//! quantile bins describes nothing a person can name.

use super::roles::normalise;

/// Coordinate pairs looked for, in this order (names compared as roles are).
pub const COORDINATE_PAIRS: &[(&str, &str)] = &[
    ("x", "y"),
    ("umap_x", "umap_y"),
    ("umap_1", "umap_2"),
    ("umap_0", "umap_1"),
    ("tsne_x", "tsne_y"),
    ("tsne_1", "tsne_2"),
    ("tsne_0", "tsne_1"),
    ("pca_x", "pca_y"),
    ("pca_1", "pca_2"),
    ("pca_0", "pca_1"),
];

/// Prefixes of embedding columns (`emb_0`, `embedding_12`), followed by a
/// number.
pub const EMBEDDING_PREFIXES: &[&str] = &["emb_", "embedding_"];

/// Names of one column holding each row's embedding as a list of numbers.
pub const EMBEDDING_LISTS: &[&str] = &["embedding", "embeddings", "emb", "vector"];

/// Where each row's place on the map comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MapColumns {
    /// Two coordinate columns, used as they are.
    Coordinates {
        /// Horizontal.
        x: String,
        /// Vertical.
        y: String,
    },
    /// Numeric embedding columns, in the order of their numbers.
    Embedding(Vec<String>),
    /// One column of lists of numbers.
    List(String),
}

impl MapColumns {
    /// The file's columns this reads.
    #[must_use]
    pub fn columns(&self) -> Vec<String> {
        match self {
            Self::Coordinates { x, y } => vec![x.clone(), y.clone()],
            Self::Embedding(c) => c.clone(),
            Self::List(c) => vec![c.clone()],
        }
    }
}

/// The embedding columns of `columns` with `prefix` (compared ignoring ASCII
/// case), ordered by their number; `None` unless there are at least two.
#[must_use]
pub fn embedding_columns(columns: &[String], prefix: &str) -> Option<Vec<String>> {
    let prefix = prefix.to_ascii_lowercase();
    let mut found: Vec<(u64, &String)> = columns
        .iter()
        .filter_map(|c| {
            let lower = c.trim_start_matches('\u{feff}').to_ascii_lowercase();
            let rest = lower.strip_prefix(&prefix)?;
            (!rest.is_empty() && rest.len() <= 9 && rest.bytes().all(|b| b.is_ascii_digit()))
                .then(|| (rest.parse().unwrap_or(u64::MAX), c))
        })
        .collect();
    found.sort_by_key(|(number, _)| *number);
    (found.len() >= 2).then(|| found.into_iter().map(|(_, c)| c.clone()).collect())
}

/// The map columns of a file with these column names, detected by name:
/// a coordinate pair first, then embedding columns, then a list column.
#[must_use]
pub fn detect(columns: &[String]) -> Option<MapColumns> {
    let find = |name: &str| columns.iter().find(|c| normalise(c) == name).cloned();
    for (x, y) in COORDINATE_PAIRS {
        if let (Some(x), Some(y)) = (find(x), find(y)) {
            return Some(MapColumns::Coordinates { x, y });
        }
    }
    for prefix in EMBEDDING_PREFIXES {
        if let Some(found) = embedding_columns(columns, prefix) {
            return Some(MapColumns::Embedding(found));
        }
    }
    EMBEDDING_LISTS
        .iter()
        .find_map(|name| find(name))
        .map(MapColumns::List)
}

/// Whether a load leaves `column` out: it is one of the map columns
/// detected among `columns`.
#[must_use]
pub fn is_map_column(detected: Option<&MapColumns>, column: &str) -> bool {
    detected.is_some_and(|m| m.columns().iter().any(|c| c == column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn coordinates_come_before_embeddings_and_embeddings_sort_by_number() {
        let c = names(&[
            "id", "label", "pred", "emb_10", "emb_2", "emb_1", "UMAP_X", "umap_y",
        ]);
        assert_eq!(
            detect(&c),
            Some(MapColumns::Coordinates {
                x: "UMAP_X".into(),
                y: "umap_y".into()
            })
        );
        let c = names(&["label", "pred", "emb_10", "emb_2", "emb_1", "x"]);
        assert_eq!(
            detect(&c),
            Some(MapColumns::Embedding(names(&["emb_1", "emb_2", "emb_10"])))
        );
        // One embedding column, or a lone `x`, is no map; neither is `emb_a`.
        assert_eq!(
            detect(&names(&["label", "pred", "emb_0", "emb_a", "x"])),
            None
        );
        assert_eq!(
            detect(&names(&["label", "pred", "Embedding"])),
            Some(MapColumns::List("Embedding".into()))
        );
    }
}
