//! The results of recent queries, so that Backspace, a query typed again and a query that grows
//! from an earlier one start from what is known instead of matching the whole list again. A
//! result stays valid while the list only grows (its `upto` says how far it looked; the rest is
//! matched on top, as for a page that arrives); a reload empties it.
//!
//! A result is kept compactly: its matches fall into runs of one score, each in list order (the
//! ranking's tie rule), and a run over much of the list is kept as a bitmap of the list, one bit
//! a patient, instead of 8 bytes a match. The queries that match nearly every id (`p`, `pat`,
//! `patient-` over `patient-…` ids) have a handful of scores, so each costs an eighth of a
//! megabyte at 1,000,000 patients instead of 8 MB, and a whole chain of them stays kept.
//! Bounded by the bytes it holds and by the number of queries; the least recently used goes
//! first.

use super::matcher::{Matches, Query};

/// The kept results.
#[derive(Debug, Clone, Default)]
pub struct ResultCache {
    /// Oldest use first.
    entries: Vec<(String, Kept)>,
    /// Bytes held, in positions' worth (8 bytes each, as a match costs uncompacted).
    held: usize,
}

/// One kept result.
#[derive(Debug, Clone)]
enum Kept {
    /// As it was (runs that do not compact).
    Plain(Matches),
    /// Runs of one score, best first, each in list order.
    Runs {
        runs: Vec<(u32, Positions)>,
        len: usize,
        upto: usize,
    },
}

/// The positions of one run, in list order.
#[derive(Debug, Clone)]
enum Positions {
    /// One bit a patient of the first `upto`.
    Bits(Vec<u64>),
    List(Vec<u32>),
}

impl Positions {
    fn bytes(&self) -> usize {
        match self {
            Positions::Bits(b) => b.len() * 8,
            Positions::List(l) => l.len() * 4,
        }
    }

    fn extend_into(&self, out: &mut Vec<u32>) {
        match self {
            Positions::List(l) => out.extend_from_slice(l),
            Positions::Bits(bits) => {
                for (w, &word) in bits.iter().enumerate() {
                    let mut word = word;
                    while word != 0 {
                        out.push(w as u32 * 64 + word.trailing_zeros());
                        word &= word - 1;
                    }
                }
            }
        }
    }
}

impl Kept {
    /// At most this many runs (more do not compact: kept as they are).
    const MAX_RUNS: usize = 256;

    fn new(found: &Matches) -> Kept {
        Kept::runs(found).unwrap_or_else(|| Kept::Plain(found.clone()))
    }

    /// The runs of one score, each strictly in list order; `None` when they are too many.
    fn runs(found: &Matches) -> Option<Kept> {
        let (ranked, scores, upto) = (&found.ranked, &found.scores, found.upto);
        let mut runs = Vec::new();
        let mut start = 0;
        while start < ranked.len() {
            let score = scores[start];
            let mut end = start + 1;
            while end < ranked.len() && scores[end] == score {
                if ranked[end] <= ranked[end - 1] {
                    return None;
                }
                end += 1;
            }
            if runs.len() == Self::MAX_RUNS || ranked[end - 1] as usize >= upto.max(1) {
                return None;
            }
            let run = &ranked[start..end];
            // A bitmap costs upto/8 bytes, a list 4 a match.
            let positions = if run.len() * 32 > upto {
                let mut bits = vec![0u64; upto.div_ceil(64)];
                for &i in run {
                    bits[i as usize / 64] |= 1 << (i % 64);
                }
                Positions::Bits(bits)
            } else {
                Positions::List(run.to_vec())
            };
            runs.push((score, positions));
            start = end;
        }
        Some(Kept::Runs {
            runs,
            len: ranked.len(),
            upto,
        })
    }

    /// What it holds, in positions' worth (8 bytes each).
    fn weight(&self) -> usize {
        match self {
            Kept::Plain(m) => m.ranked.len(),
            Kept::Runs { runs, .. } => runs.iter().map(|(_, p)| p.bytes() + 4).sum::<usize>() / 8,
        }
    }

    fn upto(&self) -> usize {
        match self {
            Kept::Plain(m) => m.upto,
            Kept::Runs { upto, .. } => *upto,
        }
    }

    /// The positions, best first.
    fn ranked(&self) -> Vec<u32> {
        match self {
            Kept::Plain(m) => m.ranked.clone(),
            Kept::Runs { runs, len, .. } => {
                let mut out = Vec::with_capacity(*len);
                for (_, p) in runs {
                    p.extend_into(&mut out);
                }
                out
            }
        }
    }

    fn matches(&self) -> Matches {
        match self {
            Kept::Plain(m) => m.clone(),
            Kept::Runs { runs, len, upto } => {
                let (mut ranked, mut scores) = (Vec::with_capacity(*len), Vec::with_capacity(*len));
                for (score, positions) in runs {
                    positions.extend_into(&mut ranked);
                    scores.resize(ranked.len(), *score);
                }
                Matches {
                    ranked,
                    scores,
                    upto: *upto,
                }
            }
        }
    }
}

impl ResultCache {
    /// At most this many positions' worth in all (32 MB: four uncompacted results over a whole
    /// 1,000,000 list, or some two hundred compacted ones).
    pub const MAX_POSITIONS: usize = 4_000_000;
    /// At most this many queries.
    pub const MAX_QUERIES: usize = 64;

    /// The result of the query `text`, now the most recently used.
    pub fn get(&mut self, text: &str) -> Option<Matches> {
        let at = self.entries.iter().position(|(t, _)| t == text)?;
        let entry = self.entries.remove(at);
        self.entries.push(entry);
        self.entries.last().map(|(_, k)| k.matches())
    }

    /// Whether the result of `text` is kept as it is (over the first `upto` patients, `len`
    /// matches); if so it is now the most recently used.
    pub fn holds(&mut self, text: &str, upto: usize, len: usize) -> bool {
        let Some(at) = self.entries.iter().position(|(t, k)| {
            t == text
                && k.upto() == upto
                && match k {
                    Kept::Plain(m) => m.ranked.len() == len,
                    Kept::Runs { len: n, .. } => *n == len,
                }
        }) else {
            return false;
        };
        let entry = self.entries.remove(at);
        self.entries.push(entry);
        true
    }

    /// The candidates of the longest kept query that `query` narrows: its matches, best first,
    /// and how far it looked.
    pub fn narrowed_by(&self, query: &Query) -> Option<(Vec<u32>, usize)> {
        self.entries
            .iter()
            .filter(|(t, _)| query.narrows(&Query::new(t)))
            .max_by_key(|(t, _)| t.len())
            .map(|(_, k)| (k.ranked(), k.upto()))
    }

    /// Keeps `found` as the result of `text` (replacing an older one of the same query).
    pub fn put(&mut self, text: &str, found: &Matches) {
        if text.trim().is_empty() {
            return;
        }
        let kept = Kept::new(found);
        let weight = kept.weight();
        if weight > Self::MAX_POSITIONS {
            return;
        }
        if let Some(at) = self.entries.iter().position(|(t, _)| t == text) {
            let (_, old) = self.entries.remove(at);
            self.held -= old.weight();
        }
        self.held += weight;
        self.entries.push((text.to_string(), kept));
        while self.held > Self::MAX_POSITIONS || self.entries.len() > Self::MAX_QUERIES {
            let (_, old) = self.entries.remove(0);
            self.held -= old.weight();
        }
    }

    /// Forgets every result (the list was loaded again).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.held = 0;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What the kept results hold, in positions' worth (8 bytes each).
    pub fn weight(&self) -> usize {
        self.held
    }
}
